#!/usr/bin/env python3
"""Per-call latency and the two-thread slow mode, before and after.

Two CPU-runtime changes, each measured against its absence in the same run
(interleaved rounds of `seqc run --repeat N`, medians per round):

- small parallel regions on the calling thread (seq-cpu-serial-small-
  parallel; "before" compiles with its threshold at 0: every region forks
  the team), on the GLA LM example at T = 1 and T = 8 (one sequence) and
  at T = 512 (4 sequences), each layer's state given;
- OpenMP teams sized to the free cores (the runtime's load-balance mode;
  "before" sets OMP_DYNAMIC=false, which the runtime leaves alone), on a
  GRU (B = 8, T = 512, D = H = 256) at 1 and 2 threads, idle and while
  another process keeps one core busy;
- and, for the time loop's team kept across steps (RNNScan.cpp), the LSTM
  of the same shape at 1 and 2 threads, idle and loaded (2 threads should
  take no longer than 1).

usage: bench_threads.py [--seqc build/bin/seqc] [--rounds 5]
                        [--json bench/results-threads.json]
Needs numpy.
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

BEFORE = "--pass-options=seq-cpu-serial-small-parallel{threshold=0}"


def median_ms(args, env=None):
    out = subprocess.run(args, check=True, capture_output=True, text=True,
                         env=env)
    return float(re.search(r"median ([0-9.]+) ms", out.stderr).group(1))


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seqc", default=os.path.join(ROOT, "build", "bin", "seqc"))
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--json", default="")
    opts = ap.parse_args()
    work = tempfile.mkdtemp(prefix="seqc-threads-")
    rng = np.random.default_rng(0)
    seqc = opts.seqc

    # The GLA LM example: its weights as the example's build writes them.
    lm = os.path.join(ROOT, "examples", "gla-lm", "gla-lm.json")
    lm_weights = os.path.join(work, "lm.safetensors")
    subprocess.run([sys.executable, os.path.join(ROOT, "examples", "gla-lm",
                                                 "make_weights.py"), lm_weights],
                   check=True, capture_output=True)
    for name, shape in (("t1", (1, 1)), ("t8", (1, 8)), ("t512", (4, 512))):
        np.save(os.path.join(work, f"ids-{name}.npy"),
                rng.integers(0, 256, shape).astype(np.int64))
        # Each GLA layer's state carried in: [B, heads, keys, values].
        np.save(os.path.join(work, f"state-{name}.npy"),
                rng.standard_normal((shape[0], 4, 8, 16)).astype(np.float32) * 0.1)
    for version, flags in (("before", [BEFORE]), ("after", [])):
        subprocess.run([seqc, "compile", lm, "--weights", lm_weights, "-o",
                        os.path.join(work, f"lm-{version}.so")] + flags, check=True)

    # The GRU and the LSTM.
    for cell, g in (("gru", 3), ("lstm", 4)):
        model = {"seqc_model": 1, "name": cell,
                 "inputs": {"x": {"dtype": "f32", "shape": [8, 512, 256]}},
                 "nodes": [{"name": cell, "op": "rnn", "inputs": ["x"],
                            "attrs": {"cell": cell, "hidden": 256}}],
                 "outputs": {"y": cell}}
        tensors = {f"{cell}.{n}": (rng.standard_normal(s) * 0.06).astype(np.float32)
                   for n, s in (("weight_ih_l0", (g * 256, 256)),
                                ("weight_hh_l0", (g * 256, 256)),
                                ("bias_ih_l0", (g * 256,)), ("bias_hh_l0", (g * 256,)))}
        # model.json and model.safetensors, which the JSON names.
        path = seqc_package.Model(model, tensors).save(os.path.join(work, cell))
        subprocess.run([seqc, "compile", path, "-o",
                        os.path.join(work, f"{cell}.so")], check=True)
    np.save(os.path.join(work, "x.npy"),
            rng.standard_normal((8, 512, 256)).astype(np.float32))

    def lm_run(version, ids, repeat):
        state = os.path.join(work, f"state-{ids}.npy")
        return [seqc, "run", os.path.join(work, f"lm-{version}.so"), "--weights",
                lm_weights, "--input", f"ids={os.path.join(work, f'ids-{ids}.npy')}",
                "--input", f"state0={state}", "--input", f"state1={state}",
                "--threads", "2", "--repeat", str(repeat)]

    def rnn_run(cell, threads):
        return [seqc, "run", os.path.join(work, f"{cell}.so"), "--weights",
                os.path.join(work, cell, "model.safetensors"), "--input",
                f"x={os.path.join(work, 'x.npy')}", "--threads", str(threads),
                "--repeat", "20"]

    static = dict(os.environ, OMP_DYNAMIC="false")
    cases = {}
    for ids, repeat in (("t1", 1000), ("t8", 500), ("t512", 40)):
        for version in ("before", "after"):
            cases[f"gla_lm {ids} 2 threads, {version}"] = (lm_run(version, ids, repeat),
                                                          None, False)
    for busy in (False, True):
        load = "one core busy" if busy else "idle"
        for threads in (1, 2):
            for version, env in (("before", static), ("after", None)):
                cases[f"gru {threads} thread(s) {load}, {version}"] = (
                    rnn_run("gru", threads), env, busy)
        for threads in (1, 2):
            cases[f"lstm {threads} thread(s) {load}"] = (
                rnn_run("lstm", threads), None, busy)

    times = {name: [] for name in cases}
    for r in range(opts.rounds):
        for busy in (False, True):
            spinner = subprocess.Popen(["sh", "-c", "while :; do :; done"]) if busy else None
            try:
                for name, (args, env, needs_busy) in cases.items():
                    if needs_busy == busy:
                        times[name].append(median_ms(args, env))
            finally:
                if spinner:
                    spinner.kill()
                    spinner.wait()
    rows = []
    for name, ts in times.items():
        rows.append({"case": name, "median_ms_per_round": ts,
                     "median_ms": statistics.median(ts),
                     "max_over_min": max(ts) / min(ts)})
        print(f"{name:40} median {statistics.median(ts):9.4f} ms "
              f"[{min(ts):.4f}-{max(ts):.4f}], max/min {max(ts) / min(ts):.2f}")
    if opts.json:
        with open(opts.json, "w") as f:
            json.dump({"command": "python3 bench/bench_threads.py --rounds "
                                  f"{opts.rounds} --json {opts.json}",
                       "rows": rows}, f, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
