#!/usr/bin/env python3
"""para_gru solved by Newton (ParaRNN) against the sequential solve, both
compiled by seqc, on this machine with the same thread count; and the
Newton iterations it took to converge.

The iterations are measured on the compiled code: the smallest
`newton-max-iterations` with which the run succeeds (at the cap, a model
that asks for Newton fails with an error).

The two solvers are timed in turn, --rounds times over: medians over the
rounds, and the median of the rounds' ratios.

usage: bench_pararnn.py [--seqc build/bin/seqc] [--threads 2] [--repeat 10]
                        [--rounds 3] [--json FILE]
"""
import json
import os
import statistics
import sys
import tempfile

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench import (bench_parser, interleave, one_node, package,  # noqa: E402
                   rand, ratio_of_rounds, seqc_timer)

# (B, D = H, T): one lane block of 32 units (the case Newton is for: the
# sequential loop has too little parallel work) and a wide layer.
SHAPES = [(1, 32, 1024), (1, 32, 16384), (8, 256, 1024), (8, 256, 16384)]


def para_gru(rng, b, h, t, solver):
    w = {}
    for g in "zrh":
        w["B_" + g] = rand(rng, h, h, scale=0.3)
    for g in "zrh":
        w["b_" + g] = rand(rng, h)
    for g in "zrh":
        w["A_" + g] = rng.uniform(-0.9, 0.9, h).astype(np.float32)
    model, weights = one_node("para_gru", "para_gru", h,
                              {"hidden": h, "solver": solver}, w)
    return model, weights, {"x": rand(rng, b, t, h, scale=1.0)}


def converges_with(seqc, model, weights, inputs, cap):
    """Whether the Newton run succeeds within `cap` iterations."""
    flag = f"--pass-options=seq-select-scan{{newton-max-iterations={cap}}}"
    try:
        with package.compile_model(model, weights, [flag],
                                   seqc_path=seqc) as module:
            module(**inputs)
        return True
    except package.seqc.Error:
        return False


def iterations(seqc, model, weights, inputs, limit=64):
    """The smallest cap that converges (binary search), or None."""
    if not converges_with(seqc, model, weights, inputs, limit):
        return None
    lo, hi = 0, limit  # fails at lo (0 never converges for T > 1), works at hi
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if converges_with(seqc, model, weights, inputs, mid):
            hi = mid
        else:
            lo = mid
    return hi


def main():
    ap = bench_parser(__doc__, threads=2, repeat=10)
    opts = ap.parse_args()
    rows = []
    print(f"threads={opts.threads} repeat={opts.repeat} rounds={opts.rounds}")
    print(f"{'B':>3} {'H':>4} {'T':>6} {'sequential ms':>14} {'newton ms':>10} "
          f"{'seq/newton':>11} {'iterations':>10}")
    for b, h, t in SHAPES:
        timers = {}
        with tempfile.TemporaryDirectory() as wd:
            for solver in ("sequential", "newton"):
                model, weights, inputs = para_gru(np.random.default_rng(0), b, h, t, solver)
                timers[solver], _ = seqc_timer(opts.seqc, model, weights, inputs,
                                               wd, opts.threads, opts.repeat)
                if solver == "newton":
                    its = iterations(opts.seqc, model, weights, inputs)
            runs = interleave(timers, opts.rounds)
        times = {solver: statistics.median(ms) for solver, ms in runs.items()}
        row = {"B": b, "H": h, "T": t, "sequential_median_ms": times["sequential"],
               "newton_median_ms": times["newton"],
               "ratio_sequential_over_newton":
                   ratio_of_rounds(runs["sequential"], runs["newton"])[0],
               "newton_iterations": its}
        rows.append(row)
        print(f"{b:>3} {h:>4} {t:>6} {times['sequential']:>14.3f} "
              f"{times['newton']:>10.3f} {row['ratio_sequential_over_newton']:>10.2f}x "
              f"{its if its is not None else '>64':>10}")
    if opts.json:
        with open(opts.json, "w") as f:
            json.dump({"threads": opts.threads, "repeat": opts.repeat, "rows": rows},
                      f, indent=1)


if __name__ == "__main__":
    main()
