#!/usr/bin/env python3
"""Streaming: a GLA layer run on a sequence in pieces, carrying its state
from one call to the next through the model's `s0` input and state output,
gives what one call on the whole sequence gives (and what the float64
reference gives).

Extra arguments are `seqc compile` flags (e.g. to force the chunkwise
form: the 1-step piece then takes the recurrent decode path, the others
the chunks).

usage: streaming.py SEQC WORKDIR [COMPILE-FLAG]...
"""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "..", "python"))
from seqc import reference as ref  # noqa: E402
from seqc.testing import package  # noqa: E402

D, HEADS, RANK = 12, 3, 4
KEY, VALUE = D // 2, D


def main(seqc, work, flags=()):
    rng = np.random.default_rng(7)
    w = {n: (rng.standard_normal(s) * 0.3).astype(np.float32) for n, s in {
        "l.q_proj.weight": (KEY, D), "l.k_proj.weight": (KEY, D),
        "l.v_proj.weight": (VALUE, D), "l.g_proj.weight": (VALUE, D),
        "l.gk_proj.0.weight": (RANK, D), "l.gk_proj.1.weight": (KEY, RANK),
        "l.gk_proj.1.bias": (KEY,),
        "l.g_norm_swish_gate.weight": (VALUE // HEADS,),
        "l.o_proj.weight": (D, VALUE)}.items()}
    model = {"seqc_model": 1, "name": "gla-stream",
             "inputs": {"x": {"dtype": "f32", "shape": ["B", "T", D]},
                        "s0": {"dtype": "f32", "shape": ["B", HEADS, KEY // HEADS,
                                                         VALUE // HEADS]}},
             "nodes": [{"name": "l", "op": "gla", "inputs": ["x", "s0"],
                        "attrs": {"heads": HEADS, "gate_rank": RANK}}],
             "outputs": {"y": "l", "s": "l:1"}}
    module = package.compile_model(model, w, flags, seqc_path=seqc)

    def run(x, s0, tag):
        out = module(x=x, s0=s0)
        return out["y"], out["s"]

    b, t = 2, 101
    x = rng.standard_normal((b, t, D)).astype(np.float32)
    s0 = np.zeros((b, HEADS, KEY // HEADS, VALUE // HEADS), np.float32)
    whole_y, whole_s = run(x, s0, "whole")
    ys, s = [], s0
    for i, (lo, hi) in enumerate([(0, 1), (1, 38), (38, t)]):  # 1 + 37 + rest
        y, s = run(np.ascontiguousarray(x[:, lo:hi]), s, f"piece{i}")
        ys.append(y)
    pieces_y = np.concatenate(ys, axis=1)
    ref_y, ref_s = ref.gla(x.astype(np.float64), {k[2:]: v for k, v in w.items()},
                           heads=HEADS, s0=s0.astype(np.float64))
    failed = 0
    for name, got, want in [("pieces vs whole y", pieces_y, whole_y),
                            ("pieces vs whole s", s, whole_s),
                            ("whole vs reference y", whole_y, ref_y),
                            ("pieces vs reference s", s, ref_s)]:
        err = np.abs(got - want).max()
        tol = 1e-4 * max(1.0, np.abs(want).max())
        ok = err <= tol
        failed += not ok
        print(f"{'PASS' if ok else 'FAIL'} {name}: max error {err:.3g} (tol {tol:.3g})")
    print(f"{4 - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2], sys.argv[3:]))
