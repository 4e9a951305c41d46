"""E2e case generators of the attention ops: gla_core (the gated linear
attention recurrence alone), gla (the whole GLA layer) and gated_attention
(softmax attention with RoPE, grouped KV heads and an output gate). Each
gen_<op>(rng, i) returns a Config; see seqc.testing.cases."""
import json

import numpy as np

from seqc import reference as ref
from seqc.testing.random_shapes import (FEAT, T_LONG, Config, lin_w, normal,
                                        pick, sizes, uniform)


def gen_gla_core(rng, i):
    H = pick(rng, [1, 2, 3, 4])
    # Past 16: several register tiles of key rows (33: a tail tile too),
    # value blocks in more than one task (70), several key vectors per
    # [V, K] state row. CUDA's chunkwise kernel: chunks of 8 steps for
    # 136 key dims; 400 leaves the workgroup memory (the common body).
    K = pick(rng, [1, 2, 3, 5, 7, 8, 16, 33, 64, 136, 400])
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


def gla_weights(rng, d, heads, key_dim, value_dim, rank):
    """Random weights of a `gla` layer (SPEC §4.2), by their names without
    the node's prefix."""
    return {"q_proj.weight": lin_w(rng, key_dim, d),
            "k_proj.weight": lin_w(rng, key_dim, d),
            "v_proj.weight": lin_w(rng, value_dim, d),
            "g_proj.weight": lin_w(rng, value_dim, d),
            "gk_proj.0.weight": lin_w(rng, rank, d),
            "gk_proj.1.weight": lin_w(rng, key_dim, rank),
            "gk_proj.1.bias": uniform(rng, (key_dim,)),
            "g_norm_swish_gate.weight":
                uniform(rng, (value_dim // heads,), 2.0),
            "o_proj.weight": lin_w(rng, d, value_dim)}


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
    K, V = key_dim // heads, value_dim // heads
    short = gla_weights(rng, d, heads, key_dim, value_dim,
                        16 if gate_rank is None else gate_rank)
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
    # 40: three 16-lane pieces per row, a masked last one; 32 to 128 by
    # 32: CUDA's bf16 tensor-core tiles (--precision=bf16); 136: CUDA's
    # flash kernel in blocks of 8 rows; 264: past it (the common body).
    D = pick(rng, [2, 4, 6, 8, 16, 32, 40, 64, 96, 128, 136, 264])
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
    # Every third case continues a stream: the keys and values of P earlier
    # positions given (P drawn per input: 0, a part of a key block, past
    # one block and tile, several), T mostly a decode step's; every fourth
    # without past returns the keys and values too (what a prefill passes
    # on).
    with_past = i % 3 == 2
    outputs = {"y": "a"}
    if with_past or i % 4 == 1:
        outputs.update({"k": "a:1", "v": "a:2"})
    kvw = Hkv * D
    inputs = {"x": {"dtype": "f32", "shape": ["B", "T", d]}}
    names = ["x"]
    if with_past:
        for n in ("k_past", "v_past"):
            inputs[n] = {"dtype": "f32", "shape": ["B", "P", kvw]}
            names.append(n)

    def make(rng, B, T):
        x = {"x": normal(rng, (B, T, d))}
        if with_past:
            P = pick(rng, [0, 5, 70, 131])
            x["k_past"] = normal(rng, (B, P, kvw))
            x["v_past"] = normal(rng, (B, P, kvw))
        return x

    def reference(x):
        y, k, v = ref.gated_attention(
            x["x"], {k: v.astype(np.float64) for k, v in short.items()},
            H, Hkv, D, gate, theta, x.get("k_past"), x.get("v_past"))
        return {"y": y, "k": k, "v": v}
    return Config("d=%d attrs=%s past=%d outputs=%s"
                  % (d, json.dumps(attrs), with_past, ",".join(outputs)),
                  inputs,
                  [{"name": "a", "op": "gated_attention", "inputs": names,
                    "attrs": attrs}],
                  outputs, w, make, reference,
                  # A stream's later calls are mostly decode steps (T ≤ 8:
                  # the CPU's row tasks).
                  sizes(rng, [1, 2, 7, 37, 130] if with_past else T_LONG))
