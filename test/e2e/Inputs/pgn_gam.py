#!/usr/bin/env python3
"""seq.pgn and seq.gam through the package (seqc.compile, Module) against
the float64 reference (python/seqc/reference_rnn.py).

usage: pgn_gam.py SEQC WORKDIR [--cases N] [--perturb]
"""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "..", "python"))
from seqc.reference_rnn import gam, pgn  # noqa: E402
from seqc.run_model import (TOL, parse_case_args, relative_error,  # noqa: E402
                            run_model)


def main():
    opts = parse_case_args(__doc__)
    rng = np.random.default_rng(9)
    u = lambda *s: rng.uniform(-0.5, 0.5, s).astype(np.float32)  # noqa: E731
    passed = failed = 0
    for case in range(opts.cases):
        is_pgn = case % 2 == 0
        c = [1, 5, 7, 16, 33][case % 5]
        b, t = [(1, 1), (2, 7), (3, 37), (1, 65)][case % 4]
        if is_pgn:
            d, win = [1, 3, 8, 17][case % 4], 1 + case % 4
            w = {"hie.weight": u(d, c, win), "hie.bias": u(d),
                 "gate.weight": u(2 * d, c + d), "gate.bias": u(2 * d)}
            attrs = {"hidden": d, "window": win}
        else:
            slots, k = [1, 5, 12][case % 3], 1 + case % 4
            w = {"conv.weight": u(c, k), "conv.bias": u(c),
                 "memory": u(slots, c) * 4, "gate.weight": u(2 * c, c),
                 "gate.bias": u(2 * c)}
            attrs = {"slots": slots, "kernel": k}
        x = rng.standard_normal((b, t, c)).astype(np.float32)
        model = {"seqc_model": 1, "name": f"m{case}",
                 "inputs": {"x": {"dtype": "f32", "shape": ["B", "T", c]}},
                 "nodes": [{"name": "n", "op": "pgn" if is_pgn else "gam",
                            "inputs": ["x"], "attrs": attrs}],
                 "outputs": {"y": "n"}}
        got = run_model(opts.seqc, os.path.join(opts.work, f"case{case}"), model,
                        {"n." + k_: v for k_, v in w.items()}, {"x": x},
                        opts.flag)
        if isinstance(got, str):
            failed += 1
            print(f"FAIL case {case}: seqc failed: {got}")
            continue
        want = pgn(x, w, **attrs) if is_pgn else gam(x, w, attrs["kernel"])
        err = relative_error(got[0], want, opts.perturb)
        ok = err <= TOL
        passed += ok
        failed += not ok
        print(f"{'PASS' if ok else 'FAIL'} case {case} {'pgn' if is_pgn else 'gam'} "
              f"{attrs} c={c} B={b} T={t}: rel err {err:.2e}")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
