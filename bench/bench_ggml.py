#!/usr/bin/env python3
"""seqc's gla_core against ggml's GGML_OP_GATED_LINEAR_ATTN on the CPU:
per-call time at decode (T = 1, the state carried in) and throughput on a
long sequence, same shapes, same thread count, in interleaved rounds.

ggml is built from a checkout you give (`git clone
https://github.com/ggml-org/ggml`): its CPU backend, static, for this CPU
(GGML_NATIVE), with its own thread pool (GGML_OPENMP=OFF; a persistent
pool, as llama.cpp keeps one), and bench/ggml_gla_timer.c times
ggml_graph_compute on one gated_linear_attn node. seqc: a gla_core model
(q, k, v, g [1, T, H·S], s0 [1, H, S, S] → o and the final state) timed by
`seqc run --repeat`, whose timer covers what a decode call costs (the
checks of the inputs, the run, the outputs allocated), and at decode also
with `--carry state=s0`: the state kept in one buffer from call to call,
updated in place (seqc_module_run_into), as a decode loop runs it. The two compute the
same recurrence (seqc's g is the log of ggml's decay factor: one exp more
per key per step for seqc).

usage: bench_ggml.py --ggml DIR [--build DIR] [--seqc build/bin/seqc]
                     [--threads 2] [--rounds 5] [--json FILE]
Needs numpy, cmake, ninja and a C compiler.
"""
import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile

import numpy as np

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
sys.path.insert(0, os.path.join(ROOT, "python"))
import seqc as seqc_package  # noqa: E402

# (label, T, heads, head size, calls per timing)
SHAPES = [("decode T=1, 4 heads of 64", 1, 4, 64, 2000),
          ("decode T=1, 16 heads of 128", 1, 16, 128, 500),
          ("T=2048, 4 heads of 64", 2048, 4, 64, 20)]


def build_ggml(src, build):
    """ggml's CPU backend (static, this CPU, its own thread pool) and the
    timer linked against it: the timer's path."""
    if not os.path.exists(os.path.join(build, "build.ninja")):
        subprocess.run(["cmake", "-S", src, "-B", build, "-G", "Ninja",
                        "-DCMAKE_BUILD_TYPE=Release", "-DGGML_NATIVE=ON",
                        "-DGGML_OPENMP=OFF", "-DBUILD_SHARED_LIBS=OFF",
                        "-DGGML_BUILD_TESTS=OFF", "-DGGML_BUILD_EXAMPLES=OFF"],
                       check=True, stdout=subprocess.DEVNULL)
    subprocess.run(["ninja", "-C", build, "ggml"], check=True,
                   stdout=subprocess.DEVNULL)
    libs = []
    for name in ("libggml.a", "libggml-cpu.a", "libggml-base.a"):
        found = [os.path.join(d, name) for d, _, files in os.walk(build)
                 if name in files]
        if not found:
            raise SystemExit(f"bench_ggml: no {name} under {build}")
        libs.append(found[0])
    timer = os.path.join(build, "ggml_gla_timer")
    subprocess.run(["cc", "-O2", os.path.join(ROOT, "bench", "ggml_gla_timer.c"),
                    "-I", os.path.join(src, "include"), "-o", timer] + libs +
                   ["-lstdc++", "-lpthread", "-lm"], check=True)
    return timer


def seqc_case(seqc, work, t, heads, size):
    """A gla_core model with the state carried in, compiled: seqc run's
    arguments."""
    hs = heads * size
    model = {"seqc_model": 1, "name": "gla_core",
             "inputs": {**{n: {"dtype": "f32", "shape": ["B", "T", hs]}
                           for n in "qkvg"},
                        "s0": {"dtype": "f32", "shape": ["B", heads, size, size]}},
             "nodes": [{"name": "c", "op": "gla_core",
                        "inputs": ["q", "k", "v", "g", "s0"],
                        "attrs": {"heads": heads}}],
             "outputs": {"o": "c", "state": "c:1"}}
    path = seqc_package.Model(model, {}).save(work)
    so = os.path.join(work, "model.so")
    subprocess.run([seqc, "compile", path, "-o", so], check=True)
    rng = np.random.default_rng(0)
    args = []
    for n in "qkvg":
        a = rng.uniform(-1, 1, (1, t, hs)).astype(np.float32)
        if n == "g":  # log decay
            a = np.log(rng.uniform(0.9, 1.0, (1, t, hs))).astype(np.float32)
        np.save(os.path.join(work, n + ".npy"), a)
        args += ["--input", f"{n}={os.path.join(work, n + '.npy')}"]
    np.save(os.path.join(work, "s0.npy"),
            rng.uniform(-1, 1, (1, heads, size, size)).astype(np.float32))
    args += ["--input", f"s0={os.path.join(work, 's0.npy')}"]
    return [seqc, "run", so] + args


def median_us(args, pattern, scale):
    out = subprocess.run(args, check=True, capture_output=True, text=True)
    m = re.search(pattern, out.stdout + out.stderr)
    return float(m.group(1)) * scale


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--ggml", required=True, help="a ggml source checkout")
    ap.add_argument("--build", default="", help="ggml's build directory "
                    "(default: a new temporary one)")
    ap.add_argument("--seqc", default=os.path.join(ROOT, "build", "bin", "seqc"))
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--json", default="")
    opts = ap.parse_args()
    work = tempfile.mkdtemp(prefix="seqc-ggml-")
    timer = build_ggml(opts.ggml, opts.build or os.path.join(work, "ggml"))
    rows = []
    print(f"threads={opts.threads} rounds={opts.rounds}")
    print(f"{'case':32} {'seqc us':>10} {'in place':>10} {'ggml us':>10} "
          f"{'ggml/seqc':>10}  (range)  in place (range)")
    for label, t, heads, size, calls in SHAPES:
        case_dir = os.path.join(work, f"seqc-{t}-{heads}-{size}")
        seqc_args = seqc_case(opts.seqc, case_dir, t, heads, size) + [
            "--threads", str(opts.threads), "--repeat", str(calls)]
        ggml_args = [timer, str(t), str(heads), str(size), str(opts.threads),
                     str(calls)]
        seqc_us, carry_us, ggml_us = [], [], []
        for _ in range(opts.rounds):
            seqc_us.append(median_us(seqc_args, r"median ([0-9.]+) ms", 1e3))
            if t == 1:
                carry_us.append(median_us(seqc_args + ["--carry", "state=s0"],
                                          r"median ([0-9.]+) ms", 1e3))
            ggml_us.append(median_us(ggml_args, r"median ([0-9.]+) us", 1.0))
        ratios = [g / s for g, s in zip(ggml_us, seqc_us)]
        carried = [g / s for g, s in zip(ggml_us, carry_us)]
        row = {"case": label, "T": t, "heads": heads, "head_size": size,
               "seqc_median_us": statistics.median(seqc_us),
               "ggml_median_us": statistics.median(ggml_us),
               "ratio_ggml_over_seqc": statistics.median(ratios),
               "ratio_range": [min(ratios), max(ratios)],
               "rounds": {"seqc": seqc_us, "ggml": ggml_us}}
        in_place = ""
        if carried:
            row.update({"seqc_in_place_median_us": statistics.median(carry_us),
                        "ratio_ggml_over_seqc_in_place":
                            statistics.median(carried),
                        "ratio_in_place_range": [min(carried), max(carried)]})
            row["rounds"]["seqc_in_place"] = carry_us
            in_place = (f"  {statistics.median(carried):.2f}x "
                        f"({min(carried):.2f}-{max(carried):.2f})")
        rows.append(row)
        carry_text = (f"{row['seqc_in_place_median_us']:10.2f}" if carried
                      else f"{'-':>10}")
        print(f"{label:32} {row['seqc_median_us']:10.2f} {carry_text} "
              f"{row['ggml_median_us']:10.2f} {row['ratio_ggml_over_seqc']:9.2f}x"
              f"  ({min(ratios):.2f}-{max(ratios):.2f}){in_place}")
    if opts.json:
        with open(opts.json, "w") as f:
            json.dump({"threads": opts.threads, "rounds": opts.rounds,
                       "command": "bench/bench_ggml.py --ggml DIR --threads "
                                  f"{opts.threads} --rounds {opts.rounds}",
                       "rows": rows}, f, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
