#!/usr/bin/env python3
"""seqc against IREE (llvm-cpu, this CPU) and PyTorch eager on bench.py's
cases, with the same thread count, also on a loaded machine.

For each case, bench.py's PyTorch function (its weights captured as
constants; for GRU and LSTM, whose aten ops IREE cannot lower, the same
equations as a loop over time: rnn_steps) is exported with iree-turbine (`iree.turbine.aot.export`),
compiled by `iree-compile` for the local llvm-cpu backend with
`--iree-llvmcpu-target-cpu=host`, and timed by `iree-benchmark-module`
(`--device=local-task`, `--task_topology_max_group_count=THREADS`, the
median of its repetitions); seqc by `seqc run --repeat` (median), PyTorch
eager as in bench.py. The three run in turn, --rounds times over.

--loaded adds, for each case, the same rounds while another process keeps
one core busy (a spinning Python process, started before and stopped after
the case's loaded rounds).

Prints each row's median over the rounds and the rounds' median ratios
IREE / seqc and PyTorch / seqc with their range; writes JSON.

usage: bench_iree.py [--seqc build/bin/seqc] [--threads 2] [--repeat 10]
                     [--rounds 3] [--cases mlp,gla_layer,gru,lstm,gated_attn]
                     [--loaded] [--json FILE]
Needs torch, iree-base-compiler, iree-base-runtime and iree-turbine (PyPI).
"""
import multiprocessing
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench import (CASES, bench_parser, interleave,  # noqa: E402
                   ratio_of_rounds, seqc_timer, time_torch, torch, write_json)


def tool(name):
    """An IREE tool installed beside this Python, else on PATH."""
    here = os.path.join(os.path.dirname(sys.executable), name)
    return here if os.path.exists(here) else shutil.which(name) or name


def iree_timer(fn, inputs, workdir, threads, repeat):
    """Exports fn, compiles it; returns (timer, compile seconds)."""
    from iree.turbine import aot

    class Wrapped(torch.nn.Module):
        def forward(self, *args):
            out = fn(*args)
            return out[0] if isinstance(out, tuple) else out
    args = tuple(torch.from_numpy(a) for a in inputs.values())
    start = time.perf_counter()
    with torch.no_grad():
        exported = aot.export(Wrapped(), args=args)
    mlir = os.path.join(workdir, "model.mlir")
    exported.save_mlir(mlir)
    vmfb = os.path.join(workdir, "model.vmfb")
    subprocess.run([tool("iree-compile"), mlir, "-o", vmfb,
                    "--iree-hal-target-device=local",
                    "--iree-hal-local-target-device-backends=llvm-cpu",
                    "--iree-llvmcpu-target-cpu=host"], check=True)
    compile_s = time.perf_counter() - start
    argv = [tool("iree-benchmark-module"), f"--module={vmfb}",
            "--function=main", "--device=local-task",
            f"--task_topology_max_group_count={threads}",
            f"--benchmark_repetitions={repeat}",
            "--benchmark_report_aggregates_only=true"]
    for name, a in inputs.items():
        path = os.path.join(workdir, name + ".npy")
        np.save(path, a)
        argv.append(f"--input=@{path}")

    def timer():
        out = subprocess.run(argv, check=True, capture_output=True, text=True)
        m = re.search(r"_median\s+([0-9.]+) ms", out.stdout)
        if not m:
            raise SystemExit("iree-benchmark-module printed no median:\n"
                             + out.stdout + out.stderr)
        return float(m.group(1))
    return timer, compile_s


def rnn_steps(cell, weights):
    """torch.nn.GRU / LSTM's equations (one layer, batch first, zero initial
    state) as a loop over time in torch ops: IREE cannot lower
    aten.gru/aten.lstm itself. The input projection is one product over all
    steps, as in seqc and cuDNN."""
    w = {k.split(".", 1)[1]: torch.from_numpy(v) for k, v in weights.items()}
    w_ih, w_hh = w["weight_ih_l0"], w["weight_hh_l0"]
    b_ih, b_hh = w["bias_ih_l0"], w["bias_hh_l0"]

    def run(x):
        B, T, _ = x.shape
        H = w_hh.shape[1]
        xs = x @ w_ih.T + b_ih
        h = x.new_zeros(B, H)
        c = x.new_zeros(B, H)
        ys = []
        for t in range(T):
            hs = h @ w_hh.T + b_hh
            if cell == "gru":
                xr, xz, xn = xs[:, t].chunk(3, -1)
                hr, hz, hn = hs.chunk(3, -1)
                r, z = torch.sigmoid(xr + hr), torch.sigmoid(xz + hz)
                n = torch.tanh(xn + r * hn)
                h = (1 - z) * n + z * h
            else:
                i, f, g, o = (xs[:, t] + hs).chunk(4, -1)
                c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
                h = torch.sigmoid(o) * torch.tanh(c)
            ys.append(h)
        return torch.stack(ys, 1)
    return run


def iree_version():
    from importlib.metadata import version
    return version("iree-base-compiler")


def spin(stop):
    while not stop.is_set():
        pass


def main():
    ap = bench_parser(__doc__, threads=2, repeat=10)
    ap.add_argument("--cases", default="mlp,gla_layer,gru,lstm,gated_attn")
    ap.add_argument("--loaded", action="store_true",
                    help="also time each case with one core kept busy")
    opts = ap.parse_args()
    rows = []
    print(f"threads={opts.threads} repeat={opts.repeat} rounds={opts.rounds} "
          f"torch={torch.__version__}")
    print(f"{'case':<16} {'seqc ms':>9} {'IREE ms':>9} {'torch ms':>9} "
          f"{'IREE/seqc':>18} {'torch/seqc':>18}")
    for name in opts.cases.split(","):
        rng = np.random.default_rng(0)
        model, weights, inputs, fn, *_ = CASES[name](rng)
        exported = rnn_steps(name, weights) if name in ("gru", "lstm") else fn
        with tempfile.TemporaryDirectory() as wd:
            seqc, seqc_compile = seqc_timer(opts.seqc, model, weights, inputs,
                                            wd, opts.threads, opts.repeat)
            iree, iree_compile = iree_timer(exported, inputs, wd, opts.threads,
                                            opts.repeat)
            timers = {"seqc": seqc, "iree": iree,
                      "torch": lambda: time_torch(fn, inputs, opts.threads,
                                                  opts.repeat)}
            loads = [False, True] if opts.loaded else [False]
            for loaded in loads:
                stop = multiprocessing.Event()
                busy = multiprocessing.Process(target=spin, args=(stop,))
                if loaded:
                    busy.start()
                    time.sleep(0.5)
                try:
                    runs = interleave(timers, opts.rounds)
                finally:
                    if loaded:
                        stop.set()
                        busy.join()
                med = {k: statistics.median(v) for k, v in runs.items()}
                vs_iree = ratio_of_rounds(runs["iree"], runs["seqc"])
                vs_torch = ratio_of_rounds(runs["torch"], runs["seqc"])
                label = name + (" (loaded)" if loaded else "")
                rows.append({"case": name, "loaded": loaded, "median_ms": med,
                             "rounds": runs, "iree_over_seqc": vs_iree,
                             "torch_over_seqc": vs_torch,
                             "compile_s": {"seqc": seqc_compile,
                                           "iree": iree_compile}})
                print(f"{label:<16} {med['seqc']:>9.3f} {med['iree']:>9.3f} "
                      f"{med['torch']:>9.3f} "
                      f"{vs_iree[0]:>6.2f}x ({vs_iree[1]:.2f}-{vs_iree[2]:.2f})"
                      f" {vs_torch[0]:>6.2f}x "
                      f"({vs_torch[1]:.2f}-{vs_torch[2]:.2f})", flush=True)
    if opts.json:
        write_json(opts.json, opts, rows, iree=iree_version())


if __name__ == "__main__":
    main()
