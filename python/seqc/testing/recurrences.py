"""E2e case generators of the recurrences along T: linear_recurrence
(h_t = a_t·h_{t-1} + b_t) and causal_conv1d. Each gen_<op>(rng, i) returns
a Config; see seqc.testing.cases."""
import numpy as np

from seqc import reference as ref
from seqc.testing.random_shapes import (FEAT, T_LONG, Config, normal, pick,
                                        sizes, uniform, w64)


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
