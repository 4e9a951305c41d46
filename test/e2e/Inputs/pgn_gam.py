#!/usr/bin/env python3
"""seq.pgn and seq.gam through `seqc run` against the float64 reference
(python/seqc/reference_rnn.py).

usage: pgn_gam.py SEQC WORKDIR [--cases N] [--perturb]
"""
import argparse
import json
import os
import subprocess
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "..", "python"))
from seqc.reference_rnn import gam, pgn  # noqa: E402
from seqc.safetensors_io import write_arrays  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("seqc")
    ap.add_argument("work")
    ap.add_argument("--cases", type=int, default=20)
    ap.add_argument("--perturb", action="store_true")
    opts = ap.parse_args()
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
        work = os.path.join(opts.work, f"case{case}")
        os.makedirs(work, exist_ok=True)
        write_arrays(os.path.join(work, "w.safetensors"),
                     {"n." + k_: v for k_, v in w.items()})
        model = {"seqc_model": 1, "name": f"m{case}", "weights": "w.safetensors",
                 "inputs": {"x": {"dtype": "f32", "shape": ["B", "T", c]}},
                 "nodes": [{"name": "n", "op": "pgn" if is_pgn else "gam",
                            "inputs": ["x"], "attrs": attrs}],
                 "outputs": {"y": "n"}}
        with open(os.path.join(work, "m.json"), "w") as f:
            json.dump(model, f)
        np.save(os.path.join(work, "x.npy"), x)
        run = subprocess.run([opts.seqc, "run", os.path.join(work, "m.json"),
                              "--input", f"x={work}/x.npy",
                              "--output-dir", os.path.join(work, "out")],
                             capture_output=True, text=True)
        if run.returncode != 0:
            failed += 1
            print(f"FAIL case {case}: seqc run failed: {run.stderr.strip()}")
            continue
        got = np.load(os.path.join(work, "out", "y.npy"))
        want = pgn(x, w, **attrs) if is_pgn else gam(x, w, attrs["kernel"])
        want = want + (1e-3 if opts.perturb else 0.0)
        err = np.abs(got - want).max() / max(1.0, np.abs(want).max())
        ok = got.shape == want.shape and err <= 1e-4
        passed += ok
        failed += not ok
        print(f"{'PASS' if ok else 'FAIL'} case {case} {'pgn' if is_pgn else 'gam'} "
              f"{attrs} c={c} B={b} T={t}: rel err {err:.2e}")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
