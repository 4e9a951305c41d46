"""E2e case generators of the building-block ops: linear, embedding,
rms_norm / layer_norm, add / mul (every broadcasting pair), act (every kind,
with saturating inputs) and glu_mlp. Each gen_<op>(rng, i) returns a Config;
see seqc.testing.cases."""
import numpy as np

from seqc import reference as ref
from seqc.testing.random_shapes import (FEAT, T_SHORT, Config, lin_w,
                                        normal, pick, sizes, uniform, w64)


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
