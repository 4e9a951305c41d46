#!/usr/bin/env python3
"""The GEMM kernel (seq.linear) against this machine's single-thread peak.

The peak is measured, not looked up: a small C program (built with the
system compiler for the host, -march=native) runs independent vector FMA
chains, 12 accumulators of the widest vector the host has, and reports
GFLOP/s. For reference, PyTorch's sgemm (whatever BLAS it was built with;
OpenBLAS with Debian's libopenblas0-pthread) runs the same product.

seqc and PyTorch are timed in turn, --rounds times over: medians over the
rounds, and the median of the rounds' ratios.

usage: bench_gemm.py [--seqc build/bin/seqc] [--threads 1] [--repeat 20]
                     [--rounds 3] [--json FILE]
"""
import json
import os
import statistics
import sys
import tempfile

import numpy as np


def thread_count():
    """--threads, read before torch is imported: OpenBLAS takes its thread
    count from the environment when it loads."""
    for i, a in enumerate(sys.argv):
        if a == "--threads" and i + 1 < len(sys.argv):
            return sys.argv[i + 1]
        if a.startswith("--threads="):
            return a.split("=", 1)[1]
    return "1"


# OpenBLAS takes its thread count from the environment (torch's
# set_num_threads does not reach it) and does not always keep to it: run
# this script, and with it seqc and the BLAS, on as many cores as threads.
if "SEQC_BENCH_PINNED" not in os.environ:
    os.environ.update(SEQC_BENCH_PINNED="1", OPENBLAS_NUM_THREADS=thread_count())
    cores = f"0-{int(thread_count()) - 1}"
    os.execvp("taskset", ["taskset", "-c", cores, sys.executable] + sys.argv)
import torch  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench import (bench_parser, blas_name, fma_peak, interleave,  # noqa: E402
                   one_node, rand, ratio_of_rounds, seqc_timer, time_torch)

# (M rows, K, N): a square GEMM; GRU's input projection (B·T = 4096,
# D = 256, 3H = 768); the MLP's up projection; a decode step (M = 8); the
# GLA layer's fused projections at T = 2048 (bench_gla.py).
SHAPES = [(512, 512, 512), (4096, 256, 768), (512, 512, 1024), (512, 1024, 512),
          (8, 256, 768), (2048, 512, 1552)]

def main():
    ap = bench_parser(__doc__, threads=1, repeat=20)
    opts = ap.parse_args()
    peak, lanes = fma_peak()
    peak_all = peak * opts.threads
    print(f"threads={opts.threads} torch={torch.__version__} BLAS={blas_name()} "
          f"FMA peak {peak:.1f} GFLOP/s per thread ({lanes} lanes)")
    print(f"{'M':>5} {'K':>5} {'N':>5} {'seqc ms':>9} {'GFLOP/s':>8} {'of peak':>8} "
          f"{'torch ms':>9} {'GFLOP/s':>8} {'torch/seqc':>11}")
    rows = []
    for m, k, n in SHAPES:
        rng = np.random.default_rng(0)
        w = {"weight": rand(rng, n, k)}
        model, weights = one_node("gemm", "linear", k, {"out": n, "bias": False}, w)
        x = rand(rng, 1, m, k, scale=1.0)
        tw = torch.from_numpy(w["weight"])
        with tempfile.TemporaryDirectory() as wd:
            seqc, _ = seqc_timer(opts.seqc, model, weights, {"x": x}, wd,
                                 opts.threads, opts.repeat)
            runs = interleave(
                {"seqc": seqc,
                 "torch": lambda: time_torch(lambda x: x @ tw.T, {"x": x},
                                             opts.threads, opts.repeat)},
                opts.rounds)
        seqc_ms = statistics.median(runs["seqc"])
        torch_ms = statistics.median(runs["torch"])
        flops = 2.0 * m * k * n
        row = {"M": m, "K": k, "N": n, "seqc_median_ms": seqc_ms,
               "seqc_gflops": flops / seqc_ms / 1e6,
               "fraction_of_peak": flops / seqc_ms / 1e6 / peak_all,
               "torch_median_ms": torch_ms, "torch_gflops": flops / torch_ms / 1e6,
               "ratio_torch_over_seqc": ratio_of_rounds(runs["torch"], runs["seqc"])[0]}
        rows.append(row)
        print(f"{m:>5} {k:>5} {n:>5} {seqc_ms:>9.3f} {row['seqc_gflops']:>8.1f} "
              f"{row['fraction_of_peak']:>7.0%} {torch_ms:>9.3f} "
              f"{row['torch_gflops']:>8.1f} {row['ratio_torch_over_seqc']:>10.2f}x")
    if opts.json:
        with open(opts.json, "w") as f:
            json.dump({"threads": opts.threads, "peak_gflops_per_thread": peak,
                       "blas": blas_name(), "rows": rows}, f, indent=1)


if __name__ == "__main__":
    main()
