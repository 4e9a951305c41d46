#!/usr/bin/env python3
"""Shape attributes past the sizes the lowerings unroll: pgn windows,
causal_conv1d and gam kernels (loops over the taps above 16) and gla value
widths (loops over heads and 16-column pieces in the per-head norm above 64
pieces), through the package (seqc.compile, Module) against the float64
references, on small B and T, with the last unrolled sizes next to the
first loop ones.

usage: large_attrs.py SEQC WORKDIR [--cases N] [--perturb]
"""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "..", "python"))
from seqc import reference as ref  # noqa: E402
from seqc.reference_rnn import gam, pgn  # noqa: E402
from seqc.run_model import (TOL, parse_case_args, relative_error,  # noqa: E402
                            run_model)

# (op, attribute, B, T, channels): T both below and past the window or
# kernel, so that the zeros before the sequence and whole windows are read.
CASES = [
    ("pgn", 16, 2, 21, 5),     # the last unrolled window
    ("pgn", 17, 2, 21, 5),     # the first loop: w·c = 85, a masked tail
    ("pgn", 64, 1, 9, 16),     # T below the window
    ("pgn", 512, 2, 530, 3),
    ("causal_conv1d", 17, 2, 23, 19),
    ("causal_conv1d", 300, 1, 310, 33),
    ("gam", 17, 3, 5, 7),
    ("gam", 512, 1, 520, 16),
    # gla: (heads, value_dim): 3 heads of 1037 columns (64 full pieces and
    # a masked one each), 70 heads of 1 column (the loop over heads, tail
    # pieces only), 2 heads of 1024 (full pieces only).
    ("gla", (3, 3111), 2, 9, 6),
    ("gla", (70, 70), 1, 5, 8),
    ("gla", (2, 2048), 1, 3, 4),
]


def case_model(rng, op, attr, c):
    u = lambda *s: rng.uniform(-0.5, 0.5, s).astype(np.float32)  # noqa: E731
    if op == "pgn":
        d = 3
        w = {"hie.weight": u(d, c, attr) / np.sqrt(attr), "hie.bias": u(d),
             "gate.weight": u(2 * d, c + d), "gate.bias": u(2 * d)}
        return {"hidden": d, "window": attr}, w, \
            lambda x: pgn(x, w, d, attr)
    if op == "causal_conv1d":
        w = {"weight": u(c, attr), "bias": u(c)}
        return {"kernel": attr, "activation": "silu"}, w, \
            lambda x: ref.causal_conv1d(x, w["weight"], w["bias"], "silu")
    if op == "gam":
        w = {"conv.weight": u(c, attr), "conv.bias": u(c),
             "memory": u(5, c) * 4, "gate.weight": u(2 * c, c),
             "gate.bias": u(2 * c)}
        return {"slots": 5, "kernel": attr}, w, lambda x: gam(x, w, attr)
    heads, vd = attr
    kd, r = heads * 2, 3
    w = {"q_proj.weight": u(kd, c), "k_proj.weight": u(kd, c),
         "v_proj.weight": u(vd, c), "g_proj.weight": u(vd, c),
         "gk_proj.0.weight": u(r, c), "gk_proj.1.weight": u(kd, r),
         "gk_proj.1.bias": u(kd),
         "g_norm_swish_gate.weight": u(vd // heads) * 4,
         "o_proj.weight": u(c, vd)}
    attrs = {"heads": heads, "key_dim": kd, "value_dim": vd, "gate_rank": r}
    return attrs, w, lambda x: ref.gla(
        x, {k: v.astype(np.float64) for k, v in w.items()}, heads=heads,
        key_dim=kd, value_dim=vd)[0]


def main():
    opts = parse_case_args(__doc__)
    rng = np.random.default_rng(16)
    passed = failed = 0
    for i, (op, attr, b, t, c) in enumerate(CASES[:opts.cases]):
        attrs, w, reference = case_model(rng, op, attr, c)
        x = rng.standard_normal((b, t, c)).astype(np.float32)
        model = {"seqc_model": 1, "name": f"m{i}",
                 "inputs": {"x": {"dtype": "f32", "shape": ["B", "T", c]}},
                 "nodes": [{"name": "n", "op": op, "inputs": ["x"],
                            "attrs": attrs}],
                 "outputs": {"y": "n"}}
        got = run_model(opts.seqc, os.path.join(opts.work, f"case{i}"), model,
                        {"n." + k: v for k, v in w.items()}, {"x": x},
                        opts.flag)
        desc = f"case {i} {op} {attrs} c={c} B={b} T={t}"
        if isinstance(got, str):
            failed += 1
            print(f"FAIL {desc}: seqc failed: {got}")
            continue
        err = relative_error(got[0], reference(x), opts.perturb)
        ok = err <= TOL
        passed += ok
        failed += not ok
        print(f"{'PASS' if ok else 'FAIL'} {desc}: rel err {err:.2e}")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
