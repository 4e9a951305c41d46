#!/usr/bin/env python3
"""End-to-end numerics driver: compiles random one-op models with seqc, runs
them on .npy inputs and checks every output against seqc.reference (float64,
written from SPEC §4) with the SPEC §5 bound
    max|y − ref| ≤ 1e-4 · max(1, max|ref|).

usage: e2e.py --seqc PATH --op OP [--cases N] [--seed S] [--work-dir DIR]
              [--perturb]

A case is one random static configuration (feature sizes, heads, kernel,
attrs, weights), compiled once, then run at several batch/time sizes bound
to the model's symbolic dims "B" and "T". Cases vary how weights reach the
module (compile-time --weights, the model's "weights" key, `seqc run
MODEL.json`) and the thread count. One line per case; the last line is
`N passed, M failed`; the exit status is 1 when any case failed.

Spike outputs of the spiking ops (SPEC §4.5) are checked as SPEC §5 says:
exactly 0 or 1, and equal to the reference wherever the reference charge H
is further than 1e-4 from v_threshold; within that margin either spike is
right, and the reference goes on from the spike seqc chose. Such ops may
mark a run skipped where a spike they cannot observe is that close (it is
named on the case's line and not compared).

--perturb shifts the reference by 1e-3 · max(1, max|ref|) at one element of
every output (flips one spike of a spike output), so every case must fail:
it proves the check can fail.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                ".."))
from seqc import reference as ref  # noqa: E402
from seqc.safetensors_io import write_arrays  # noqa: E402

TOL = 1e-4
# Awkward sizes: 1, primes, one off a vector width, and a few round ones.
FEAT = [1, 3, 5, 7, 8, 16, 17, 33]
T_SHORT = [1, 2, 5, 16, 37, 64]
T_LONG = [1, 2, 7, 37, 64, 65, 130, 257, 521]
BATCH = [1, 2, 3]


class Config:
    """One static model: its JSON, weights, and how to make inputs and the
    reference for a batch/time size."""

    def __init__(self, desc, inputs, nodes, outputs, weights, make_inputs,
                 reference, sizes, weight_dtypes=None, follow=False):
        self.desc = desc
        self.inputs = inputs          # model "inputs"
        self.nodes = nodes            # model "nodes"
        self.outputs = outputs        # model "outputs"
        self.weights = weights        # name → np.ndarray (stored dtype)
        self.weight_dtypes = weight_dtypes or {}  # name → "bf16"
        self.make_inputs = make_inputs  # (rng, B, T) → {name: ndarray}
        self.reference = reference    # {name: ndarray} → {output: ndarray}
        self.sizes = sizes            # [(B, T), ...]
        # follow: reference(inputs, got) also sees seqc's outputs (got), to
        # take seqc's spike where SPEC §5 allows either (see check_spikes).
        self.follow = follow


def uniform(rng, shape, scale=1.0):
    return rng.uniform(-scale, scale, size=shape).astype(np.float32)


def normal(rng, shape, scale=1.0):
    return (scale * rng.standard_normal(size=shape)).astype(np.float32)


def lin_w(rng, out, inp):
    """An nn.Linear-like weight [out, in], uniform ±1/sqrt(in)."""
    return uniform(rng, (out, inp), 1.0 / np.sqrt(inp))


# --long: sequence lengths 4099 to 8192 for the ops drawn from T_LONG.
LONG_SIZES = [(1, 8192), (2, 4099), (1, 5000)]
LONG = False
# SPEC §5: gla / gla_core at T ≥ 4096 are held to 2e-4.
LONG_OPS, LONG_TOL = ("gla", "gla_core"), 2e-4


def sizes(rng, times, count=2):
    """`count` distinct (B, T) pairs (long ones with --long)."""
    if LONG and times is T_LONG:
        return [LONG_SIZES[int(rng.integers(len(LONG_SIZES)))]]
    pairs = []
    while len(pairs) < count:
        p = (int(rng.choice(BATCH)), int(rng.choice(times)))
        if p not in pairs:
            pairs.append(p)
    return pairs


def pick(rng, values):
    return values[int(rng.integers(len(values)))]


def w64(weights, name):
    """A stored weight as the reference sees it (the stored value)."""
    return weights[name].astype(np.float64)


# --- per-op configuration generators --------------------------------------
# gen_<op>(rng, i) → Config. `i` is the case index; variants that must all be
# covered (bias on/off, id dtypes, activation kinds, optional inputs) cycle
# with it, sizes are random.

def gen_linear(rng, i):
    inp, out = pick(rng, FEAT), pick(rng, FEAT)
    bias = i % 2 == 0
    lead = [["B", "T"], ["B", "T"], ["B"], ["B", "T", 2]][i % 4]
    wdtype = ["f32", "f32", "f32", "f16", "f32", "bf16"][i % 6]
    w = {"l.weight": lin_w(rng, out, inp)}
    if bias:
        w["l.bias"] = uniform(rng, (out,))
    wd = {}
    if wdtype == "f16":
        w = {k: v.astype(np.float16) for k, v in w.items()}
    elif wdtype == "bf16":
        # bf16-exact values, so the stored weight is what the reference uses.
        w = {k: (v.view(np.uint32) & 0xFFFF0000).view(np.float32)
             for k, v in w.items()}
        wd = {k: "bf16" for k in w}
    attrs = {"out": out}
    if not bias:
        attrs["bias"] = False
    elif i % 4 == 0:
        attrs["bias"] = True

    def make(rng, B, T):
        shape = [B if d == "B" else T if d == "T" else d for d in lead]
        return {"x": normal(rng, shape + [inp])}

    def reference(x):
        b = w64(w, "l.bias") if bias else None
        return {"y": ref.linear(x["x"], w64(w, "l.weight"), b)}
    return Config("in=%d out=%d bias=%d lead=%s w=%s"
                  % (inp, out, bias, "".join(map(str, lead)), wdtype),
                  {"x": {"dtype": "f32", "shape": lead + [inp]}},
                  [{"name": "l", "op": "linear", "inputs": ["x"],
                    "attrs": attrs}],
                  {"y": "l"}, w, make, reference,
                  sizes(rng, T_SHORT, 1 if "T" not in lead else 2), wd)


def gen_embedding(rng, i):
    num = pick(rng, [1, 2, 7, 50, 301])
    dim = pick(rng, FEAT)
    idt = ["i32", "i64"][i % 2]
    w = {"e.weight": normal(rng, (num, dim))}

    def make(rng, B, T):
        ids = rng.integers(0, num, size=(B, T))
        ids.flat[0] = num - 1           # both ends of the valid range
        ids.flat[-1] = 0
        return {"ids": ids.astype(np.int32 if idt == "i32" else np.int64)}

    def reference(x):
        return {"y": ref.embedding(x["ids"], w64(w, "e.weight"))}
    return Config("num=%d dim=%d ids=%s" % (num, dim, idt),
                  {"ids": {"dtype": idt, "shape": ["B", "T"]}},
                  [{"name": "e", "op": "embedding", "inputs": ["ids"],
                    "attrs": {"num": num, "dim": dim}}],
                  {"y": "e"}, w, make, reference, sizes(rng, T_SHORT))


def gen_norm(kind):
    def gen(rng, i):
        D = pick(rng, FEAT)
        eps = [None, 1e-5, 1e-3, 1e-6][i % 4]
        xscale = [1.0, 0.01, 30.0][i % 3]
        w = {"n.weight": uniform(rng, (D,), 2.0)}
        if kind == "layer_norm":
            w["n.bias"] = uniform(rng, (D,))
        attrs = {} if eps is None else {"eps": eps}
        default_eps = 1e-6 if kind == "rms_norm" else 1e-5
        e = default_eps if eps is None else eps

        def make(rng, B, T):
            # A constant offset makes layer_norm's mean subtraction matter.
            return {"x": normal(rng, (B, T, D), xscale) + np.float32(
                0.5 * xscale)}

        def reference(x):
            if kind == "rms_norm":
                return {"y": ref.rms_norm(x["x"], w64(w, "n.weight"), e)}
            return {"y": ref.layer_norm(x["x"], w64(w, "n.weight"),
                                        w64(w, "n.bias"), e)}
        node = {"name": "n", "op": kind, "inputs": ["x"]}
        if attrs:
            node["attrs"] = attrs
        return Config("D=%d eps=%s xscale=%g" % (D, eps, xscale),
                      {"x": {"dtype": "f32", "shape": ["B", "T", D]}},
                      [node], {"y": "n"}, w, make, reference,
                      sizes(rng, T_SHORT))
    return gen


# Broadcasting pairs for add/mul: shapes of a and b, symbols bound per run.
BROADCAST = [
    (["B", "T", "D"], ["B", "T", "D"]),
    (["B", "T", "D"], ["D"]),
    (["B", "T", "D"], [1, "D"]),
    (["D"], ["B", "T", "D"]),
    (["B", "T", "D"], ["B", 1, "D"]),
    (["B", "T", 1], ["D"]),
    (["T", "D"], ["B", "T", "D"]),
    (["B", "T", "D"], ["B", "T", 1]),
    ([1, 1, "D"], ["B", "T", "D"]),
    (["B", 1, "D"], ["B", "T", 1]),
]


def gen_binary(kind):
    def gen(rng, i):
        D = pick(rng, FEAT)
        sa, sb = BROADCAST[i % len(BROADCAST)]

        def static(s):
            return [D if d == "D" else d for d in s]

        def concrete(s, B, T):
            return [{"B": B, "T": T, "D": D}.get(d, d) for d in s]

        def make(rng, B, T):
            return {"a": normal(rng, concrete(sa, B, T)),
                    "b": normal(rng, concrete(sb, B, T))}

        def reference(x):
            f = ref.add if kind == "add" else ref.mul
            return {"y": f(x["a"], x["b"])}
        return Config("a=%s b=%s D=%d" % (static(sa), static(sb), D),
                      {"a": {"dtype": "f32", "shape": static(sa)},
                       "b": {"dtype": "f32", "shape": static(sb)}},
                      [{"name": "n", "op": kind, "inputs": ["a", "b"]}],
                      {"y": "n"}, {}, make, reference, sizes(rng, T_SHORT))
    return gen


ACT_KINDS = ["silu", "sigmoid", "tanh", "relu", "gelu", "gelu_tanh",
             "softplus"]


def gen_act(rng, i):
    kind = ACT_KINDS[i % len(ACT_KINDS)]
    D = pick(rng, FEAT)
    extreme = i // len(ACT_KINDS) % 2 == 1

    def make(rng, B, T):
        x = normal(rng, (B, T, D), 3.0)
        if extreme:
            # Saturation: where a naive exp overflows or cancels.
            vals = np.array([-100, -30, -12, 12, 30, 100], np.float32)
            x.flat[:min(x.size, vals.size)] = vals[:x.size]
        return {"x": x}

    def reference(x):
        return {"y": ref.act(x["x"], kind)}
    return Config("kind=%s D=%d extreme=%d" % (kind, D, extreme),
                  {"x": {"dtype": "f32", "shape": ["B", "T", D]}},
                  [{"name": "n", "op": "act", "inputs": ["x"],
                    "attrs": {"kind": kind}}],
                  {"y": "n"}, {}, make, reference, sizes(rng, T_SHORT))


def gen_glu_mlp(rng, i):
    d, h = pick(rng, FEAT), pick(rng, FEAT + [64])
    w = {"m.gate_proj.weight": lin_w(rng, h, d),
         "m.up_proj.weight": lin_w(rng, h, d),
         "m.down_proj.weight": lin_w(rng, d, h)}

    def make(rng, B, T):
        return {"x": normal(rng, (B, T, d))}

    def reference(x):
        return {"y": ref.glu_mlp(x["x"], w64(w, "m.gate_proj.weight"),
                                 w64(w, "m.up_proj.weight"),
                                 w64(w, "m.down_proj.weight"))}
    return Config("d=%d hidden=%d" % (d, h),
                  {"x": {"dtype": "f32", "shape": ["B", "T", d]}},
                  [{"name": "m", "op": "glu_mlp", "inputs": ["x"],
                    "attrs": {"hidden": h}}],
                  {"y": "m"}, w, make, reference, sizes(rng, T_SHORT))


def gen_gla_core(rng, i):
    H = pick(rng, [1, 2, 3, 4])
    # Past 16: several register tiles of key rows (33: a tail tile too),
    # value blocks in more than one task (70), several key vectors per
    # [V, K] state row.
    K = pick(rng, [1, 2, 3, 5, 7, 8, 16, 33, 64])
    V = pick(rng, [1, 3, 5, 7, 8, 16, 21, 70])
    with_s0 = i % 2 == 1
    # Every fourth case leaves the final state unused: o given s0 alone.
    outputs = {"o": "c"} if i % 4 == 3 else {"o": "c", "s": "c:1"}
    scale = None if i % 3 else float(pick(rng, [0.3, 1.0, 0.125]))
    # Gate offset: 0 is the usual decay; +4 keeps memory long (g near 0).
    goff = [0.0, 4.0, -2.0][i % 3]
    attrs = {"heads": H}
    if scale is not None:
        attrs["scale"] = scale
    inputs = {n: {"dtype": "f32", "shape": ["B", "T", H * (V if n == "v"
                                                             else K)]}
              for n in ("q", "k", "v", "g")}
    names = ["q", "k", "v", "g"]
    if with_s0:
        inputs["s0"] = {"dtype": "f32", "shape": ["B", H, K, V]}
        names.append("s0")

    def make(rng, B, T):
        x = {"q": normal(rng, (B, T, H * K)), "k": normal(rng, (B, T, H * K)),
             "v": normal(rng, (B, T, H * V))}
        g = ref.logsigmoid(rng.standard_normal((B, T, H * K)) + goff)
        x["g"] = g.astype(np.float32)
        if with_s0:
            x["s0"] = normal(rng, (B, H, K, V))
        return x

    def reference(x):
        o, s = ref.gla_core(x["q"], x["k"], x["v"], x["g"], H,
                            s0=x.get("s0"), scale=scale)
        return {"o": o, "s": s}
    return Config("H=%d K=%d V=%d s0=%d scale=%s goff=%g outputs=%s"
                  % (H, K, V, with_s0, scale, goff, ",".join(outputs)),
                  inputs,
                  [{"name": "c", "op": "gla_core", "inputs": names,
                    "attrs": attrs}],
                  outputs, {}, make, reference,
                  sizes(rng, T_LONG))


def gen_gla(rng, i):
    with_s0 = i % 2 == 1
    # Every fourth case leaves the final state unused: y given s0 alone.
    outputs = {"y": "a"} if i % 4 == 3 else {"y": "a", "s": "a:1"}
    if i % 4 in (0, 1):
        # SPEC defaults for key_dim (d/2) and value_dim (d).
        d, heads = pick(rng, [(2, 1), (6, 3), (8, 4), (10, 5), (12, 2),
                              (18, 3)])
        key_dim, value_dim = d // 2, d
        attrs = {} if heads == 4 else {"heads": heads}
    else:
        heads = pick(rng, [1, 2, 3, 4, 5])
        kh, vh = pick(rng, [1, 2, 3, 5, 37]), pick(rng, [1, 2, 3, 5, 7, 67])
        key_dim, value_dim = heads * kh, heads * vh
        d = pick(rng, FEAT)
        attrs = {"heads": heads, "key_dim": key_dim, "value_dim": value_dim}
    gate_rank = pick(rng, [None, 1, 3, 5])
    gate_norm = pick(rng, [None, 1.0, 8.0])
    eps = pick(rng, [None, 1e-6])
    if gate_rank is not None:
        attrs["gate_rank"] = gate_rank
    if gate_norm is not None:
        attrs["gate_norm"] = gate_norm
    if eps is not None:
        attrs["eps"] = eps
    r = 16 if gate_rank is None else gate_rank
    K, V = key_dim // heads, value_dim // heads
    short = {"q_proj.weight": lin_w(rng, key_dim, d),
             "k_proj.weight": lin_w(rng, key_dim, d),
             "v_proj.weight": lin_w(rng, value_dim, d),
             "g_proj.weight": lin_w(rng, value_dim, d),
             "gk_proj.0.weight": lin_w(rng, r, d),
             "gk_proj.1.weight": lin_w(rng, key_dim, r),
             "gk_proj.1.bias": uniform(rng, (key_dim,)),
             "g_norm_swish_gate.weight": uniform(rng, (V,), 2.0),
             "o_proj.weight": lin_w(rng, d, value_dim)}
    w = {"a." + k: v for k, v in short.items()}
    inputs = {"x": {"dtype": "f32", "shape": ["B", "T", d]}}
    names = ["x"]
    if with_s0:
        inputs["s0"] = {"dtype": "f32", "shape": ["B", heads, K, V]}
        names.append("s0")

    def make(rng, B, T):
        x = {"x": normal(rng, (B, T, d))}
        if with_s0:
            x["s0"] = normal(rng, (B, heads, K, V))
        return x

    def reference(x):
        y, s = ref.gla(x["x"], {k: v.astype(np.float64)
                                for k, v in short.items()},
                       heads=heads, key_dim=key_dim, value_dim=value_dim,
                       gate_norm=16.0 if gate_norm is None else gate_norm,
                       eps=1e-5 if eps is None else eps, s0=x.get("s0"))
        return {"y": y, "s": s}
    return Config("d=%d attrs=%s s0=%d outputs=%s"
                  % (d, json.dumps(attrs), with_s0, ",".join(outputs)),
                  inputs,
                  [{"name": "a", "op": "gla", "inputs": names,
                    **({"attrs": attrs} if attrs else {})}],
                  outputs, w, make, reference,
                  sizes(rng, T_LONG))


def gen_gated_attention(rng, i):
    H = pick(rng, [1, 2, 3, 4, 6])
    Hkv = pick(rng, [h for h in range(1, H + 1) if H % h == 0])
    # 40: three 16-lane pieces per row, a masked last one.
    D = pick(rng, [2, 4, 6, 8, 16, 32, 40])
    d = pick(rng, FEAT)
    gate = "elementwise" if i % 2 == 0 else "headwise"
    attrs = {"heads": H, "head_dim": D, "gate": gate}
    if Hkv != H:
        attrs["kv_heads"] = Hkv
    theta = pick(rng, [None, 10000.0, 100.0])
    if theta is not None:
        attrs["rope_theta"] = theta
    short = {"q_proj.weight": lin_w(rng, H * D, d),
             "k_proj.weight": lin_w(rng, Hkv * D, d),
             "v_proj.weight": lin_w(rng, Hkv * D, d),
             "gate_proj.weight": lin_w(rng, H * D if gate == "elementwise"
                                       else H, d),
             "o_proj.weight": lin_w(rng, d, H * D)}
    w = {"a." + k: v for k, v in short.items()}

    def make(rng, B, T):
        return {"x": normal(rng, (B, T, d))}

    def reference(x):
        return {"y": ref.gated_attention(
            x["x"], {k: v.astype(np.float64) for k, v in short.items()},
            H, Hkv, D, gate, theta)}
    return Config("d=%d attrs=%s" % (d, json.dumps(attrs)),
                  {"x": {"dtype": "f32", "shape": ["B", "T", d]}},
                  [{"name": "a", "op": "gated_attention", "inputs": ["x"],
                    "attrs": attrs}],
                  {"y": "a"}, w, make, reference, sizes(rng, T_LONG))


def gen_linear_recurrence(rng, i):
    D = pick(rng, FEAT)
    with_h0 = i % 2 == 1
    # Now and then one output alone: h without h0, h_T with it.
    outputs = ({"h": "r"} if i % 6 == 4 else {"hT": "r:1"} if i % 6 == 5
               else {"h": "r", "hT": "r:1"})
    # a in (-1, 1), or near 1 for long memory.
    alo = [-1.0, 0.9][i // 2 % 2]
    inputs = {"a": {"dtype": "f32", "shape": ["B", "T", D]},
              "b": {"dtype": "f32", "shape": ["B", "T", D]}}
    names = ["a", "b"]
    if with_h0:
        inputs["h0"] = {"dtype": "f32", "shape": ["B", D]}
        names.append("h0")

    def make(rng, B, T):
        x = {"a": rng.uniform(alo, 1.0, (B, T, D)).astype(np.float32),
             "b": normal(rng, (B, T, D))}
        if with_h0:
            x["h0"] = normal(rng, (B, D))
        return x

    def reference(x):
        h, hT = ref.linear_recurrence(x["a"], x["b"], x.get("h0"))
        return {"h": h, "hT": hT}
    return Config("D=%d h0=%d a=(%g,1) outputs=%s"
                  % (D, with_h0, alo, ",".join(outputs)), inputs,
                  [{"name": "r", "op": "linear_recurrence", "inputs": names}],
                  outputs, {}, make, reference,
                  sizes(rng, T_LONG))


def gen_causal_conv1d(rng, i):
    D = pick(rng, FEAT)
    K = i % 5 + 1
    activation = ["none", "silu"][i // 5 % 2]
    w = {"c.weight": uniform(rng, (D, K)), "c.bias": uniform(rng, (D,))}

    def make(rng, B, T):
        return {"x": normal(rng, (B, T, D))}

    def reference(x):
        return {"y": ref.causal_conv1d(x["x"], w64(w, "c.weight"),
                                       w64(w, "c.bias"), activation)}
    # T below the kernel size (1, 2) is part of T_LONG.
    return Config("D=%d kernel=%d activation=%s" % (D, K, activation),
                  {"x": {"dtype": "f32", "shape": ["B", "T", D]}},
                  [{"name": "c", "op": "causal_conv1d", "inputs": ["x"],
                    "attrs": {"kernel": K, "activation": activation}}],
                  {"y": "c"}, w, make, reference, sizes(rng, T_LONG))


# --- spiking units (SPEC §4.5) --------------------------------------------
# A neuron's spike output carries "@dist:<output>", its reference charge
# minus the threshold, so the driver compares spikes exactly except within
# SPEC §5's 1e-4 of the threshold; these generators set Config.follow, so
# where the reference charge is that close the reference takes seqc's spike
# and goes on from it. Outputs that cannot be followed (spikes not among the
# model's outputs) get inputs redrawn until no charge is that close.

# Neuron counts: 1, primes, one off a vector width (8 lanes, 32-lane blocks).
NEURONS = [1, 5, 33, 70, 3, 8, 31, 32]
# Trailing dims [C, H] of rank-4 neuron inputs [B, T, C, H].
NEURONS_2D = [(1, 1), (3, 5), (2, 33), (7, 10), (5, 7), (4, 8)]
T_NEURON = [1, 2, 5, 16, 37, 64, 130, 257]


def neuron_sizes(rng, i, times=T_NEURON):
    """Two (B, T) pairs; every other case has T = 1 or T = 37 among them."""
    pairs = sizes(rng, times)
    must = {0: 1, 2: 37}.get(i % 4)
    if must is not None and all(t != must for _, t in pairs):
        b = pairs[0][0]
        pairs[0] = (b, must) if (b, must) not in pairs else (b % 3 + 1, must)
    return pairs


def neuron_lead(rng, i):
    """The trailing (neuron) dims of a neuron input: rank 2, 3 or 4."""
    return [[], [pick(rng, NEURONS)], list(pick(rng, NEURONS_2D))][i % 3]


class Neuron:
    """A lif / plif / if_neuron node's attrs and weights, and its reference.
    `i` cycles the reset (default 0, soft, negative, explicit) and
    decay_input (default, false, true); tau and v_threshold are random."""

    def __init__(self, rng, i, kind, name="n"):
        self.kind, self.name = kind, name
        self.attrs, self.w = {}, {}
        reset = i % 4
        self.v_reset = [0.0, None, -0.5, pick(rng, [0.0, 0.25])][reset]
        if reset:
            self.attrs["v_reset"] = self.v_reset
        self.v_threshold = pick(rng, [1.0, 0.5, 2.0, 0.3])
        if self.v_threshold != 1.0 or i % 2:
            self.attrs["v_threshold"] = self.v_threshold
        self.tau = 1.0
        decay = i // 2 % 3
        self.decay_input = decay != 1
        if kind == "lif":
            # SpikingJelly's LIFNode takes tau > 1.
            self.tau = pick(rng, [2.0, 1.5, 3.0, 10.0, 1.25])
            if self.tau != 2.0 or i % 3 == 0:
                self.attrs["tau"] = self.tau
        elif kind == "plif":
            wv = float(rng.uniform(-2.0, 2.0))
            self.w[name + ".w"] = np.array(wv, np.float32)
            self.tau = 1.0 / float(ref.sigmoid(np.float32(wv)))
            if i % 5 == 0:
                # ParametricLIFNode's init_tau: the weight overrides it.
                self.attrs["tau"] = 4.0
        if kind != "if_neuron" and decay:
            self.attrs["decay_input"] = self.decay_input

    def desc(self):
        return "%s(%s%s)" % (self.kind, json.dumps(self.attrs, sort_keys=True),
                             " 1/tau=sigmoid(%.4g)" % self.w[
                                 self.name + ".w"] if self.w else "")

    def node(self, x):
        n = {"name": self.name, "op": self.kind, "inputs": [x]}
        if self.attrs:
            n["attrs"] = self.attrs
        return n

    def gap(self):
        """The input X that brings V from rest to the threshold for good."""
        vr = 0.0 if self.v_reset is None else self.v_reset
        g = self.v_threshold - vr
        if self.kind == "if_neuron":
            return g / 4.0
        return g if self.decay_input else g / self.tau

    def __call__(self, x, follow=None):
        """(spikes, V_T, H − v_threshold) in float64."""
        if self.kind == "lif":
            s, v, h = ref.lif(x, self.tau, self.v_threshold, self.v_reset,
                              self.decay_input, follow=follow)
        elif self.kind == "plif":
            s, v, h = ref.plif(x, w64(self.w, self.name + ".w"),
                               self.v_threshold, self.v_reset,
                               self.decay_input, follow=follow)
        else:
            s, v, h = ref.if_neuron(x, self.v_threshold, self.v_reset,
                                    follow=follow)
        return s, v, h - self.v_threshold


def clear_of_threshold(dist):
    return not np.any(np.abs(dist) <= ref.SPIKE_MARGIN)


def followed(got, name, shape):
    """seqc's spike output `name` if it came back with the right shape."""
    y = got.get(name)
    return y if y is not None and y.shape == tuple(shape) else None


def unfollowed(dist):
    """Skips a run whose spikes are not an output (so the reference cannot
    follow them) where a reference charge is within the margin of the
    threshold: make_inputs redraws to avoid it, but may give up."""
    near = int(np.sum(np.abs(dist) <= ref.SPIKE_MARGIN))
    return {"@skip": "%d charges near threshold, spikes not an output"
            % near} if near else {}


def unfollowed_times(outputs, spikes):
    """Sequence lengths: short when the spikes are not an output, so that
    inputs with no charge near the threshold are easy to draw."""
    return T_NEURON if spikes in outputs else [1, 2, 5, 16, 37]


def neuron_outputs(i, name="n"):
    """Spikes and final potential; every fifth case spikes alone, every
    fifth the potential alone (the other output then left unused)."""
    return ({"y": name} if i % 5 == 3 else {"v": name + ":1"} if i % 5 == 4
            else {"y": name, "v": name + ":1"})


def gen_neuron(kind):
    def gen(rng, i):
        n = Neuron(rng, i, kind)
        tail = neuron_lead(rng, i)
        outputs = neuron_outputs(i)
        scale = n.gap()
        mean = pick(rng, [0.5, 0.8, 1.5])

        def make(rng, B, T):
            # Mean drive below, near or above the firing point. Without
            # the spikes among the outputs the reference cannot follow seqc
            # near the threshold: redraw.
            for _ in range(50):
                x = normal(rng, [B, T] + tail, abs(scale)) + np.float32(
                    mean * scale)
                if "y" in outputs or clear_of_threshold(n(x)[2]):
                    break
            return {"x": x}

        def reference(x, got):
            s, v, dist = n(x["x"], followed(got, "y", x["x"].shape))
            out = {"y": s, "v": v, "@dist:y": dist}
            if "y" not in outputs:
                out["@density:y"] = s
                out.update(unfollowed(dist))
            return out
        return Config("%s x=%s outputs=%s"
                      % (n.desc(), ["B", "T"] + tail, ",".join(outputs)),
                      {"x": {"dtype": "f32", "shape": ["B", "T"] + tail}},
                      [n.node("x")], outputs, n.w, make, reference,
                      neuron_sizes(rng, i, unfollowed_times(outputs, "y")),
                      follow=True)
    return gen


def gen_linear_into_neuron(rng, i):
    """linear → neuron, the linear's only user: the compiler fuses them."""
    kind = ["lif", "if_neuron", "lif", "if_neuron", "plif"][i % 5]
    n = Neuron(rng, i, kind)
    inp, out = pick(rng, [1, 3, 5, 17, 33, 70]), pick(rng, NEURONS)
    bias = i % 2 == 0
    lead = [["B", "T"], ["B", "T"], ["B", "T", pick(rng, [1, 3, 5])]][i % 3]
    w = dict(n.w)
    w["l.weight"] = lin_w(rng, out, inp)
    g = abs(n.gap())
    if bias:
        w["l.bias"] = uniform(rng, (out,), g)
    attrs = {"out": out} if bias else {"out": out, "bias": False}
    outputs = neuron_outputs(i)
    # A fixed offset per input feature: some neurons are driven to fire
    # often, some hardly ever.
    offset = uniform(rng, (inp,), 6.0 * g)

    def charge_in(x):
        b = w64(w, "l.bias") if bias else None
        return ref.linear(x, w64(w, "l.weight"), b)

    def make(rng, B, T):
        shape = [B if d == "B" else T if d == "T" else d for d in lead]
        for _ in range(50):
            # x W^T has standard deviation about 0.58·xs.
            x = normal(rng, shape + [inp], 4.0 * g) + offset
            if "y" in outputs or clear_of_threshold(n(charge_in(x))[2]):
                break
        return {"x": x}

    def reference(x, got):
        a = charge_in(x["x"])
        s, v, dist = n(a, followed(got, "y", a.shape))
        out = {"y": s, "v": v, "@dist:y": dist}
        if "y" not in outputs:
            out["@density:y"] = s
            out.update(unfollowed(dist))
        return out
    return Config("in=%d out=%d bias=%d lead=%s %s outputs=%s"
                  % (inp, out, bias, "".join(map(str, lead)), n.desc(),
                     ",".join(outputs)),
                  {"x": {"dtype": "f32", "shape": lead + [inp]}},
                  [{"name": "l", "op": "linear", "inputs": ["x"],
                    "attrs": attrs}, n.node("l")],
                  outputs, w, make, reference,
                  neuron_sizes(rng, i, unfollowed_times(outputs, "y")),
                  follow=True)


# Spike density ranges of spike_linear inputs: below the compiler's 0.25
# switch (accumulate-only path) and above 0.5 (dense path); "none" has no
# spike at all, "all" spikes everywhere.
DENSITY = {"sparse": (0.0, 0.2), "dense": (0.55, 1.0),
           "none": (0.0, 0.0), "all": (1.0, 1.0)}


def gen_spike_linear(rng, i):
    """neuron → linear: the linear's input holds spikes only."""
    kind = ["lif", "if_neuron", "lif", "plif"][i % 4]
    path = ("none" if i % 10 == 8 else "all" if i % 10 == 9
            else ["sparse", "dense"][i % 2])
    n = Neuron(rng, i, kind)
    if path == "none":
        n.v_threshold = 1e3
    elif path == "all":
        n.v_threshold = -1e3
    if path in ("none", "all"):
        n.attrs["v_threshold"] = n.v_threshold
    tail = [[pick(rng, NEURONS)], list(pick(rng, NEURONS_2D))][i // 2 % 2]
    inp, out = tail[-1], pick(rng, [1, 5, 17, 33, 70])
    bias = i % 3 != 1
    w = dict(n.w)
    w["l.weight"] = lin_w(rng, out, inp)
    if bias:
        w["l.bias"] = uniform(rng, (out,))
    attrs = {"out": out} if bias else {"out": out, "bias": False}
    outputs = ({"y": "l"} if i % 6 == 5 else
               {"s": "n", "v": "n:1", "y": "l"} if i % 6 == 4 else
               {"s": "n", "y": "l"})
    lo, hi = DENSITY[path]
    g = abs(n.gap()) if path in ("sparse", "dense") else 1.0

    def make(rng, B, T):
        # Drive well below or well above the firing point, then redraw
        # (and rescale) until the density lies in the path's range (a
        # sparse input of 10 or more neurons with at least one spike) and,
        # without the spikes among the outputs, no charge is near the
        # threshold.
        shape = [B, T] + tail
        mean, sd = ((0.3 if i % 4 else 0.7, 0.5) if path == "sparse"
                    else (1.5, 0.7))
        scale = g
        least = 1 if path == "sparse" and np.prod(shape) >= 10 else 0
        for tries in range(60):
            x = (scale * (mean + sd * rng.standard_normal(shape))).astype(
                np.float32)
            s, _, dist = n(x)
            d = float(s.mean())
            if d > hi:
                scale *= 0.8
            elif d < lo or s.sum() < least:
                scale *= 1.25
            elif "s" in outputs or clear_of_threshold(dist) or tries > 40:
                break
        else:
            raise AssertionError("spike_linear: no %s inputs drawn" % path)
        return {"x": x}

    def reference(x, got):
        s, v, dist = n(x["x"], followed(got, "s", x["x"].shape))
        # The linear alone: applied to seqc's spikes when they came back.
        spk = followed(got, "s", s.shape)
        b = w64(w, "l.bias") if bias else None
        y = ref.linear(s if spk is None else spk, w64(w, "l.weight"), b)
        out = {"s": s, "v": v, "y": y, "@dist:s": dist}
        if "s" not in outputs:
            out["@density:n"] = s
            out.update(unfollowed(dist))
        return out
    return Config("path=%s %s x=%s out=%d bias=%d outputs=%s"
                  % (path, n.desc(), ["B", "T"] + tail, out, bias,
                     ",".join(outputs)),
                  {"x": {"dtype": "f32", "shape": ["B", "T"] + tail}},
                  [n.node("x"), {"name": "l", "op": "linear",
                                 "inputs": ["n"], "attrs": attrs}],
                  outputs, w, make, reference,
                  neuron_sizes(rng, i, unfollowed_times(outputs, "s")),
                  follow=True)


def gen_wkv(rng, i):
    C = pick(rng, FEAT + [70])
    # k: ordinary, wide, and with ±100 where exp(k) overflows f32 unless
    # the running maximum is subtracted.
    kmode = ["normal", "wide", "extreme"][i % 3]
    w = {"r.time_decay": uniform(rng, (C,), 2.5) + np.float32(-0.5),
         "r.time_first": uniform(rng, (C,), 2.0)}

    def make(rng, B, T):
        k = normal(rng, (B, T, C), 10.0 if kmode == "wide" else 1.0)
        if kmode == "extreme":
            k[rng.uniform(size=k.shape) < 0.1] = 100.0
            k[rng.uniform(size=k.shape) < 0.1] = -100.0
        return {"k": k, "v": normal(rng, (B, T, C))}

    def reference(x):
        return {"y": ref.wkv(x["k"], x["v"], w64(w, "r.time_decay"),
                             w64(w, "r.time_first"))}
    return Config("C=%d k=%s" % (C, kmode),
                  {"k": {"dtype": "f32", "shape": ["B", "T", C]},
                   "v": {"dtype": "f32", "shape": ["B", "T", C]}},
                  [{"name": "r", "op": "wkv", "inputs": ["k", "v"]}],
                  {"y": "r"}, w, make, reference,
                  neuron_sizes(rng, i, [1, 2, 7, 37, 64, 65, 130, 257]))


def gen_spiking_rwkv(rng, i):
    d = pick(rng, [8, 12, 17, 5, 33])
    first = i % 2 == 1
    hidden = [None, pick(rng, [1, 7, 24, 33])][i // 2 % 2]
    f = 4 * d if hidden is None else hidden
    tau = pick(rng, [None, 1.5, 3.0])
    thr = pick(rng, [None, 0.5, 2.0])
    attrs = {}
    if first or i % 4 == 0:
        attrs["first"] = first
    if hidden is not None:
        attrs["ffn_hidden"] = hidden
    if tau is not None:
        attrs["tau"] = tau
    if thr is not None:
        attrs["v_threshold"] = thr
    th = 1.0 if thr is None else thr

    def ln(n):
        return {n + ".weight": uniform(rng, (d,), 0.3) + np.float32(1.0),
                n + ".bias": uniform(rng, (d,), 0.3)}
    short = ln("ln0") if first else {}
    short.update(ln("ln1"))
    short.update(ln("ln2"))
    short.update({
        "att.time_decay": uniform(rng, (d,), 2.0) + np.float32(-0.5),
        "att.time_first": uniform(rng, (d,), 1.0),
        "att.time_mix_k": rng.uniform(0, 1, d).astype(np.float32),
        "att.time_mix_v": rng.uniform(0, 1, d).astype(np.float32),
        "att.time_mix_r": rng.uniform(0, 1, d).astype(np.float32),
        "att.key.weight": lin_w(rng, d, d),
        "att.value.weight": 3.0 * lin_w(rng, d, d),
        "att.receptance.weight": lin_w(rng, d, d),
        # Scaled so that a and f reach the threshold now and then.
        "att.output.weight": 6.0 * th * lin_w(rng, d, d),
        "ffn.time_mix_k": rng.uniform(0, 1, d).astype(np.float32),
        "ffn.time_mix_r": rng.uniform(0, 1, d).astype(np.float32),
        "ffn.key.weight": 2.0 * lin_w(rng, f, d),
        "ffn.receptance.weight": lin_w(rng, d, d),
        "ffn.value.weight": 8.0 * th * lin_w(rng, d, f),
    })
    w = {"b." + k: v for k, v in short.items()}
    tau_v = 2.0 if tau is None else tau

    def run_ref(x):
        return ref.spiking_rwkv(x, short, f, first, tau_v, th)

    def make(rng, B, T):
        # The output jumps by 1 where an internal lif fires: redraw x until
        # no internal charge lies within SPEC §5's 1e-4 of the threshold
        # (the reference marks the run skipped should all draws fail).
        for _ in range(30):
            x = normal(rng, (B, T, d), 2.0)
            if all(clear_of_threshold(h - th) for h in run_ref(x)[1]):
                break
        return {"x": x}

    def reference(x):
        y, (h1, h2) = run_ref(x["x"])
        out = {"y": y, "@density:att_lif": (h1 >= th).astype(np.float64),
               "@density:ffn_lif": (h2 >= th).astype(np.float64)}
        near = sum(int(np.sum(np.abs(h - th) <= ref.SPIKE_MARGIN))
                   for h in (h1, h2))
        if near:
            out["@skip"] = "%d internal charges near threshold" % near
        return out
    return Config("d=%d attrs=%s" % (d, json.dumps(attrs, sort_keys=True)),
                  {"x": {"dtype": "f32", "shape": ["B", "T", d]}},
                  [{"name": "b", "op": "spiking_rwkv", "inputs": ["x"],
                    **({"attrs": attrs} if attrs else {})}],
                  {"y": "b"}, w, make, reference,
                  neuron_sizes(rng, i, [1, 2, 5, 16, 37, 64]))


GENERATORS = {
    "linear": gen_linear,
    "embedding": gen_embedding,
    "rms_norm": gen_norm("rms_norm"),
    "layer_norm": gen_norm("layer_norm"),
    "add": gen_binary("add"),
    "mul": gen_binary("mul"),
    "act": gen_act,
    "glu_mlp": gen_glu_mlp,
    "gla_core": gen_gla_core,
    "gla": gen_gla,
    "gated_attention": gen_gated_attention,
    "linear_recurrence": gen_linear_recurrence,
    "causal_conv1d": gen_causal_conv1d,
    "lif": gen_neuron("lif"),
    "plif": gen_neuron("plif"),
    "if_neuron": gen_neuron("if_neuron"),
    "linear_into_neuron": gen_linear_into_neuron,
    "spike_linear": gen_spike_linear,
    "wkv": gen_wkv,
    "spiking_rwkv": gen_spiking_rwkv,
}
# Seeds index this list, which only grows at the end, so that adding an op
# keeps every other op's configurations (ops not in it come after, sorted).
SEED_ORDER = ["act", "add", "causal_conv1d", "embedding", "gla", "gla_core",
              "glu_mlp", "layer_norm", "linear", "linear_recurrence",
              "mul", "rms_norm", "lif", "plif", "if_neuron",
              "linear_into_neuron", "spike_linear", "wkv", "spiking_rwkv",
              "gated_attention"]


# --- running seqc ---------------------------------------------------------

class Seqc:
    def __init__(self, path, compile_flags=()):
        self.path = path
        self.compile_flags = list(compile_flags)

    def __call__(self, args):
        """Runs seqc, adding the compile flags wherever it compiles;
        returns (exit status, stdout + stderr, argv)."""
        compiles = args[0] == "compile" or args[1].endswith(".json")
        argv = [self.path] + args + (self.compile_flags if compiles else [])
        # The binary may be relinked under us (missing, not yet executable,
        # busy): retry for up to two minutes before giving up.
        for attempt in range(25):
            try:
                p = subprocess.run(argv, stdout=subprocess.PIPE,
                                   stderr=subprocess.STDOUT, text=True)
                return p.returncode, p.stdout, argv
            except OSError as e:
                if attempt == 24:
                    return 127, "cannot run seqc: %s" % e, argv
                time.sleep(5)


def shell(argv):
    return " ".join(argv)


# How weights reach the module, cycled per case.
#   compile: `seqc compile --weights W`, `seqc run m.so --weights W`
#   model:   the model's "weights" key; `seqc compile`, `seqc run m.so`
#   json:    `seqc run MODEL.json --weights W` (compiles on the fly)
MODES = ["compile", "model", "json"]


def run_case(seqc, op, index, cfg, mode, threads, workdir, rng, perturb):
    """Compiles and runs one configuration at all its sizes; returns
    (passed, summary text, detail lines)."""
    cdir = os.path.join(workdir, "%s-%02d" % (op, index))
    os.makedirs(cdir, exist_ok=True)
    model = {"seqc_model": 1, "name": "%s-%d" % (op, index),
             "inputs": cfg.inputs, "nodes": cfg.nodes,
             "outputs": cfg.outputs}
    wpath = os.path.join(cdir, "w.safetensors")
    if cfg.weights:
        write_arrays(wpath, cfg.weights, cfg.weight_dtypes)
        if mode == "model":
            model["weights"] = "w.safetensors"
    mpath = os.path.join(cdir, "model.json")
    with open(mpath, "w") as f:
        json.dump(model, f, indent=1)
    wargs = ["--weights", wpath] if cfg.weights and mode != "model" else []

    details = []
    if mode == "json":
        target = mpath
    else:
        target = os.path.join(cdir, "m.so")
        rc, out, argv = seqc(["compile", mpath, "-o", target] + wargs)
        if rc != 0:
            details.append("  compile failed (exit %d): %s\n    %s"
                           % (rc, shell(argv), out.strip()))
            return False, "compile failed", details

    worst = {}
    spikes = {}     # spike output → [differing, near the threshold, total]
    density = {}    # label → [spikes, total]
    skipped = []
    ok = True
    for B, T in cfg.sizes:
        rdir = os.path.join(cdir, "B%d-T%d" % (B, T))
        odir = os.path.join(rdir, "out")
        os.makedirs(rdir, exist_ok=True)
        shutil.rmtree(odir, ignore_errors=True)
        inputs = cfg.make_inputs(rng, B, T)
        args = ["run", target, "--output-dir", odir,
                "--threads", str(threads)] + wargs
        for name, arr in inputs.items():
            p = os.path.join(rdir, name + ".npy")
            np.save(p, arr)
            args += ["--input", "%s=%s" % (name, p)]
        rc, out, argv = seqc(args)
        if rc != 0:
            ok = False
            details.append("  B=%d T=%d: seqc run failed (exit %d): %s\n    %s"
                           % (B, T, rc, shell(argv), out.strip()))
            continue
        got, problems = {}, {}
        for name in cfg.outputs:
            path = os.path.join(odir, name + ".npy")
            try:
                y = np.load(path)
            except Exception as e:  # noqa: BLE001 - report any load error
                problems[name] = "cannot load %s: %s" % (path, e)
            else:
                if y.dtype != np.float32:
                    problems[name] = "dtype %s, expected float32" % y.dtype
                else:
                    got[name] = y
        full = (cfg.reference(inputs, got) if cfg.follow
                else cfg.reference(inputs))
        for key, s in full.items():
            if key.startswith("@density:"):
                d = density.setdefault(key[len("@density:"):], [0, 0])
                d[0] += float(np.sum(s))
                d[1] += s.size
        if "@skip" in full and not problems:
            skipped.append("%dx%d (%s)" % (B, T, full["@skip"]))
            continue
        expected = {name: r for name, r in full.items()
                    if name in cfg.outputs}
        dists = {name: full["@dist:" + name] for name in expected
                 if "@dist:" + name in full}
        if perturb:
            for name, r in expected.items():
                r = r.copy()
                if name in dists:
                    # A wrong spike, away from the threshold.
                    r.flat[0] = 1.0 - r.flat[0]
                    dists[name] = dists[name].copy()
                    dists[name].flat[0] = np.inf
                else:
                    r.flat[0] += 1e-3 * max(1.0,
                                            float(np.abs(r).max(initial=0)))
                expected[name] = r
        for name, r in expected.items():
            problem = problems.get(name)
            y = got.get(name)
            if problem is None and y.shape != r.shape:
                problem = "shape %s, expected %s" % (y.shape, r.shape)
            if problem is None and name in dists:
                problem = check_spikes(y, r, dists[name],
                                       spikes.setdefault(name, [0, 0, 0]))
                d = density.setdefault(name, [0, 0])
                d[0] += float(np.sum(r))
                d[1] += r.size
            elif problem is None:
                tol = LONG_TOL if LONG and op in LONG_OPS else TOL
                bound = tol * max(1.0, float(np.abs(r).max(initial=0)))
                diff = np.abs(y.astype(np.float64) - r)
                err = float(diff.max(initial=0))
                if not np.all(np.isfinite(y)):
                    err = float("inf")
                worst[name] = max(worst.get(name, 0.0), err / bound)
                if not err <= bound:
                    where = (np.unravel_index(int(np.nanargmax(
                        np.where(np.isfinite(diff), diff, np.inf))), r.shape)
                        if r.size else ())
                    problem = ("max|y-ref| = %.3g > %.3g at %s (y %r, ref %r)"
                               % (err, bound, tuple(int(i) for i in where),
                                  float(y[where]), float(r[where])))
            if problem:
                ok = False
                if name not in dists:
                    worst.setdefault(name, float("inf"))
                details.append("  B=%d T=%d output %s: %s\n    %s"
                               % (B, T, name, problem, shell(argv)))
    parts = []
    if worst or not (spikes or skipped):
        parts.append("err/tol " + " ".join(
            "%s %.2g" % (n, v) for n, v in sorted(worst.items())))
    if spikes:
        parts.append("spikes " + ", ".join(
            "%s %d/%d differ (%d near threshold)" % (n, v[0], v[2], v[1])
            for n, v in sorted(spikes.items())))
    if density:
        parts.append("density " + " ".join(
            "%s %.3f" % (n, v[0] / max(v[1], 1))
            for n, v in sorted(density.items())))
    if skipped:
        parts.append("skipped " + ", ".join(skipped))
    return ok, "; ".join(parts), details


def check_spikes(y, r, dist, counts):
    """SPEC §5 for a spike output: y must be 0 or 1 everywhere and equal
    the reference r wherever the reference charge is further than
    SPIKE_MARGIN from the threshold (|dist| = |H − v_threshold|). Adds
    [differing, near, total] to `counts`; returns a problem or None."""
    near = np.abs(dist) <= ref.SPIKE_MARGIN
    bad = ~((y == 0) | (y == 1)) | ((y != r) & ~near)
    nbad = int(bad.sum())
    counts[0] += nbad
    counts[1] += int(near.sum())
    counts[2] += y.size
    if not nbad:
        return None
    where = np.unravel_index(int(np.argmax(bad)), r.shape)
    return ("%d of %d spikes differ (%d near threshold, not compared); "
            "first at %s (y %r, ref %r, H-v_threshold %.3g)"
            % (nbad, y.size, int(near.sum()), tuple(int(i) for i in where),
               float(y[where]), float(r[where]), float(dist[where])))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seqc", required=True, help="path to the seqc tool")
    ap.add_argument("--op", required=True, choices=sorted(GENERATORS))
    ap.add_argument("--cases", type=int, default=20)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--work-dir", help="keep files here (default: a "
                    "temporary directory, removed unless a case failed)")
    ap.add_argument("--compile-flag", action="append", default=[],
                    help="a flag for every compilation (repeatable)")
    ap.add_argument("--perturb", action="store_true",
                    help="make the reference wrong, to prove failures show")
    ap.add_argument("--long", action="store_true",
                    help="sequence lengths 4099 to 8192 instead of up to 521")
    args = ap.parse_args(argv)
    global LONG
    LONG = args.long

    seqc_path = args.seqc
    if os.sep not in seqc_path:
        seqc_path = shutil.which(seqc_path)
        if seqc_path is None:
            ap.error("'%s' is not on PATH; give --seqc a path" % args.seqc)
    seqc = Seqc(os.path.abspath(seqc_path), args.compile_flag)
    if args.work_dir:
        workdir = os.path.abspath(args.work_dir)
        os.makedirs(workdir, exist_ok=True)
    else:
        workdir = tempfile.mkdtemp(prefix="seqc-e2e-")

    # One generator per op and seed, independent of --cases, so case k is
    # the same configuration whatever the count.
    seed = [args.seed, SEED_ORDER.index(args.op) if args.op in SEED_ORDER
            else len(SEED_ORDER) + sorted(set(GENERATORS) - set(SEED_ORDER))
            .index(args.op)]
    passed = failed = 0
    for i in range(args.cases):
        rng = np.random.default_rng(seed + [i])
        cfg = GENERATORS[args.op](rng, i)
        mode = MODES[i % len(MODES)] if cfg.weights else (
            "json" if i % 3 == 2 else "compile")
        threads = [1, 3][i % 2]
        ok, summary, details = run_case(seqc, args.op, i, cfg, mode, threads,
                                        workdir, rng, args.perturb)
        print("%s %s #%d %s sizes=%s mode=%s threads=%d: %s"
              % ("PASS" if ok else "FAIL", args.op, i, cfg.desc,
                 ",".join("%dx%d" % s for s in cfg.sizes), mode, threads,
                 summary))
        for line in details:
            print(line)
        passed += ok
        failed += not ok
        sys.stdout.flush()
    if not args.work_dir:
        if failed:
            # Keep the files that the failing commands above name.
            print("files kept in %s" % workdir)
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
