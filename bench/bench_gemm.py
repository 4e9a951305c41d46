#!/usr/bin/env python3
"""The GEMM kernel (seq.linear) against this machine's single-thread peak.

The peak is measured, not looked up: a small C program (built with the
system compiler for the host, -march=native) runs independent vector FMA
chains, 12 accumulators of the widest vector the host has, and reports
GFLOP/s. For reference, PyTorch's sgemm (whatever BLAS it was built with;
OpenBLAS with Debian's libopenblas0-pthread) runs the same product.

usage: bench_gemm.py [--seqc build/bin/seqc] [--threads 1] [--repeat 20]
                     [--json FILE]
"""
import json
import os
import subprocess
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
from bench import bench_parser, blas_name, one_node, rand, time_seqc, time_torch  # noqa: E402

# (M rows, K, N): a square GEMM; GRU's input projection (B·T = 4096,
# D = 256, 3H = 768); the MLP's up projection; a decode step (M = 8).
SHAPES = [(512, 512, 512), (4096, 256, 768), (512, 512, 1024), (512, 1024, 512),
          (8, 256, 768)]

PEAK_C = r"""
#include <immintrin.h>
#include <stdio.h>
#include <time.h>
#ifdef __AVX512F__
typedef __m512 V; enum { LANES = 16 };
#define FMA _mm512_fmadd_ps
#define SET1 _mm512_set1_ps
#define ADD _mm512_add_ps
#define SUM(v) _mm512_reduce_add_ps(v)
#else
typedef __m256 V; enum { LANES = 8 };
#define FMA _mm256_fmadd_ps
#define SET1 _mm256_set1_ps
#define ADD _mm256_add_ps
static float SUM(V v) { float f[8]; _mm256_storeu_ps(f, v); float s = 0;
  for (int i = 0; i < 8; ++i) s += f[i]; return s; }
#endif
#define STEP(i) acc##i = FMA(acc##i, a, b);
int main(void) {
  V a = SET1(1.0000001f), b = SET1(0.9999999f);
  V acc0 = SET1(0), acc1 = SET1(1), acc2 = SET1(2), acc3 = SET1(3),
    acc4 = SET1(4), acc5 = SET1(5), acc6 = SET1(6), acc7 = SET1(7),
    acc8 = SET1(8), acc9 = SET1(9), acc10 = SET1(10), acc11 = SET1(11);
  long iters = 200000000;
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  for (long n = 0; n < iters; ++n) {
    STEP(0) STEP(1) STEP(2) STEP(3) STEP(4) STEP(5)
    STEP(6) STEP(7) STEP(8) STEP(9) STEP(10) STEP(11)
    __asm__ volatile("" : "+v"(acc0), "+v"(acc1), "+v"(acc2), "+v"(acc3),
                     "+v"(acc4), "+v"(acc5), "+v"(acc6), "+v"(acc7),
                     "+v"(acc8), "+v"(acc9), "+v"(acc10), "+v"(acc11));
  }
  clock_gettime(CLOCK_MONOTONIC, &t1);
  V s = ADD(ADD(ADD(acc0, acc1), ADD(acc2, acc3)), ADD(ADD(acc4, acc5), ADD(acc6, acc7)));
  s = ADD(s, ADD(ADD(acc8, acc9), ADD(acc10, acc11)));
  double sec = (t1.tv_sec - t0.tv_sec) + 1e-9 * (t1.tv_nsec - t0.tv_nsec);
  printf("%f %d %f\n", 2.0 * LANES * 12 * iters / sec / 1e9, LANES, SUM(s));
  return 0;
}
"""


def fma_peak():
    """Single-thread vector FMA peak in GFLOP/s, and the vector width."""
    with tempfile.TemporaryDirectory() as wd:
        src, exe = os.path.join(wd, "peak.c"), os.path.join(wd, "peak")
        with open(src, "w") as f:
            f.write(PEAK_C)
        subprocess.run(["cc", "-O2", "-march=native", src, "-o", exe], check=True)
        best = 0.0
        for _ in range(3):
            gflops, lanes, _ = subprocess.run(
                [exe], check=True, capture_output=True, text=True).stdout.split()
            best = max(best, float(gflops))
    return best, int(lanes)


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
        with tempfile.TemporaryDirectory() as wd:
            seqc_ms, _ = time_seqc(opts.seqc, model, weights, {"x": x}, wd,
                                   opts.threads, opts.repeat)
        tw = torch.from_numpy(w["weight"])
        torch_ms = time_torch(lambda x: x @ tw.T, {"x": x}, opts.threads, opts.repeat)
        flops = 2.0 * m * k * n
        row = {"M": m, "K": k, "N": n, "seqc_median_ms": seqc_ms,
               "seqc_gflops": flops / seqc_ms / 1e6,
               "fraction_of_peak": flops / seqc_ms / 1e6 / peak_all,
               "torch_median_ms": torch_ms, "torch_gflops": flops / torch_ms / 1e6,
               "ratio_torch_over_seqc": torch_ms / seqc_ms}
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
