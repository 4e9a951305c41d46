#!/usr/bin/env python3
"""cuba_lif (docs/spiking-ops.md) against the composition seqc.from_nir
built for NIR's CubaLIF before the op existed — the decay as a [B, T, N]
constant from a zero-weight linear on a 1-wide input, linear_recurrence
for the current, lif for the membrane — on the same inputs, both compiled
by seqc (through the package) and timed with `seqc run --repeat` in
interleaved rounds. Prints the medians over the rounds, the median (and
range) of the rounds' ratios, and how many spikes differ between the two.

usage: bench_cuba_lif.py [--seqc build/bin/seqc] [--threads 2]
                         [--repeat 20] [--rounds 5]
"""
import os
import statistics
import sys
import tempfile

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench import (bench_parser, interleave, package,  # noqa: E402
                   ratio_of_rounds, seqc_timer)

B, T, N = 16, 128, 4096
TAU_SYN, TAU_MEM = 4.0, 8.0


def models():
    """(cuba_lif model, composition model, composition weights)."""
    inputs = {"x": {"dtype": "f32", "shape": ["B", "T", N]}}
    op = {"seqc_model": 1, "name": "cuba", "inputs": inputs,
          "nodes": [{"name": "n", "op": "cuba_lif", "inputs": ["x"],
                     "attrs": {"tau_syn": TAU_SYN, "tau_mem": TAU_MEM}}],
          "outputs": {"y": "n"}}
    # I_t = (1 − 1/tau_syn) I_{t−1} + x_t/tau_syn, the scale folded in
    # front (x given pre-scaled), then lif(tau_mem) on I.
    comp = {"seqc_model": 1, "name": "composition",
            "inputs": dict(inputs, z={"dtype": "f32", "shape": ["B", "T", 1]}),
            "nodes": [{"name": "a", "op": "linear", "inputs": ["z"],
                       "attrs": {"out": N}},
                      {"name": "i", "op": "linear_recurrence",
                       "inputs": ["a", "x"]},
                      {"name": "n", "op": "lif", "inputs": ["i"],
                       "attrs": {"tau": TAU_MEM}}],
            "outputs": {"y": "n"}}
    weights = {"a.weight": np.zeros((N, 1), np.float32),
               "a.bias": np.full(N, 1 - 1 / TAU_SYN, np.float32)}
    return op, comp, weights


def main():
    ap = bench_parser(__doc__, rounds=5)
    opts = ap.parse_args()
    op, comp, weights = models()
    x = (np.random.default_rng(0).standard_normal((B, T, N)) + 0.5).astype(
        np.float32)
    feeds = {"cuba_lif": {"x": x},
             "composition": {"x": x / np.float32(TAU_SYN),
                             "z": np.zeros((B, T, 1), np.float32)}}
    spikes = {}
    for name, (model, w) in {"cuba_lif": (op, {}),
                             "composition": (comp, weights)}.items():
        with package.compile_model(model, w, seqc_path=opts.seqc) as module:
            spikes[name] = module(**feeds[name])["y"]
    with tempfile.TemporaryDirectory() as wd:
        timers = {name: seqc_timer(opts.seqc, model, w, feeds[name], wd,
                                   opts.threads, opts.repeat)[0]
                  for name, (model, w) in {
                      "cuba_lif": (op, {}),
                      "composition": (comp, weights)}.items()}
        runs = interleave(timers, opts.rounds)
    ratio, low, high = ratio_of_rounds(runs["composition"], runs["cuba_lif"])
    print(f"B={B} T={T} N={N} threads={opts.threads} repeat={opts.repeat} "
          f"rounds={opts.rounds}")
    for name in runs:
        print(f"{name:<12} {statistics.median(runs[name]):>9.3f} ms  "
              f"(rounds {min(runs[name]):.3f}-{max(runs[name]):.3f})")
    print(f"composition/cuba_lif {ratio:.2f}x ({low:.2f}-{high:.2f}); "
          f"spikes differing: {int((spikes['cuba_lif'] != spikes['composition']).sum())}"
          f" of {x.size}")


if __name__ == "__main__":
    main()
