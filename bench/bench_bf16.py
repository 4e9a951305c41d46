#!/usr/bin/env python3
"""--precision=bf16 on the CPU against seqc's f32 and PyTorch's bf16 CPU path.

Cases: bench.py's MLP block (rms_norm → glu_mlp → add, T=512, d=512,
hidden 1024), a larger one (T=2048, d=1024, hidden 2816) and bench_gla.py's
GLA layer at T=2048 (d=512, 4 heads). Rows, timed in turn --rounds times
over (medians of --repeat runs each):
  seqc f32     seqc compile (default precision)
  seqc bf16    seqc compile --precision=bf16 (AMX tiles or vdpbf16ps where
               the CPU has them)
  torch f32    the same math in PyTorch eager, f32
  torch bf16   PyTorch's bf16 CPU path: weights converted to bf16 once, each
               product's input cast to bf16 and its output back to f32 (what
               seqc's bf16 does; norms, gates and the GLA recurrence in f32);
               oneDNN runs the products (on AMX where the CPU has it)
Prints each row's median, the rounds' median ratios (with their range)
seqc f32 / seqc bf16 and torch bf16 / seqc bf16, and how far seqc bf16's
output is from torch f32's (relative to max(1, max|y|)).

usage: bench_bf16.py [--seqc build/bin/seqc] [--threads 2] [--repeat 10]
                     [--rounds 3] [--cases mlp,mlp_2k,gla_2k] [--json FILE]
Needs numpy and torch.
"""
import os
import statistics
import sys
import tempfile

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench import (bench_parser, interleave, mlp_block, rand,  # noqa: E402
                   ratio_of_rounds, seqc_timer, time_torch, torch, write_json)
from bench_gla import torch_chunked_core  # noqa: E402
from models import gla_weights  # noqa: E402
import bench_gla  # noqa: E402


def linear_in(dtype, w):
    """x @ Wᵀ with W (and x) in `dtype`, the result in f32; W converted
    once, here."""
    cast = {k: torch.from_numpy(v).to(dtype) for k, v in w.items()}

    def lin(x, name):
        return (x.to(dtype) @ cast[name].T).float()
    return lin, {k: torch.from_numpy(v) for k, v in w.items()}


def mlp_case(t, d, h):
    def make(rng):
        model, w = mlp_block(rng, d, h)

        def torch_fn(dtype):
            lin, f32 = linear_in(dtype, w)

            def run(x):
                n = x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + 1e-6) \
                    * f32["norm.weight"]
                g = torch.nn.functional.silu(lin(n, "mlp.gate_proj.weight"))
                return x + lin(g * lin(n, "mlp.up_proj.weight"),
                               "mlp.down_proj.weight")
            return run
        return model, w, {"x": rand(rng, 1, t, d, scale=1.0)}, torch_fn
    return make


def gla_case(t):
    d, heads = bench_gla.D, bench_gla.HEADS

    def make(rng):
        w = gla_weights(rng, "gla", d, heads)

        def torch_fn(dtype):
            lin, f32 = linear_in(dtype, w)

            def run(x, gate_norm=16.0, eps=1e-5):
                B, T, _ = x.shape
                q, k, v = (lin(x, "gla" + n) for n in (
                    ".q_proj.weight", ".k_proj.weight", ".v_proj.weight"))
                gk = lin(lin(x, "gla.gk_proj.0.weight"),
                         "gla.gk_proj.1.weight") + f32["gla.gk_proj.1.bias"]
                g = torch.nn.functional.logsigmoid(gk) / gate_norm
                K, V = q.shape[-1] // heads, v.shape[-1] // heads

                def split(z, n):
                    return z.view(B, T, heads, n).transpose(1, 2)
                o, s = torch_chunked_core(split(q, K), split(k, K),
                                          split(v, V), split(g, K), K ** -0.5)
                o = o.transpose(1, 2)
                o = o * torch.rsqrt(o.pow(2).mean(-1, keepdim=True) + eps) \
                    * f32["gla.g_norm_swish_gate.weight"]
                o = o.reshape(B, T, heads * V)
                gate = torch.nn.functional.silu(lin(x, "gla.g_proj.weight"))
                return lin(o * gate, "gla.o_proj.weight"), s
            return run
        return bench_gla.model(), w, {"x": rand(rng, 1, t, d, scale=1.0)}, \
            torch_fn
    return make


CASES = {"mlp": mlp_case(512, 512, 1024), "mlp_2k": mlp_case(2048, 1024, 2816),
         "gla_2k": gla_case(2048)}


def seqc_output(seqc, model, weights, inputs, workdir, flags):
    """seqc's first output, run once (for the error column)."""
    from seqc.run_model import run_model
    got = run_model(seqc, workdir, model, weights, inputs, flags)
    if isinstance(got, str):
        raise SystemExit(f"seqc run failed: {got}")
    return got[0]


def main():
    ap = bench_parser(__doc__, threads=2, repeat=10)
    ap.add_argument("--cases", default=",".join(CASES))
    opts = ap.parse_args()
    torch.set_num_threads(opts.threads)
    rows = []
    print(f"threads={opts.threads} repeat={opts.repeat} rounds={opts.rounds} "
          f"torch={torch.__version__}")
    print(f"{'case':<8} {'seqc f32':>9} {'seqc bf16':>10} {'torch f32':>10} "
          f"{'torch bf16':>11} {'f32/bf16':>16} {'torch bf16/seqc':>20} "
          f"{'bf16 err':>9}")
    for name in opts.cases.split(","):
        rng = np.random.default_rng(0)
        model, weights, inputs, torch_fn = CASES[name](rng)
        with tempfile.TemporaryDirectory() as wd:
            f32, _ = seqc_timer(opts.seqc, model, weights, inputs, wd,
                                opts.threads, opts.repeat)
            bf16, _ = seqc_timer(opts.seqc, model, weights, inputs, wd,
                                 opts.threads, opts.repeat,
                                 ["--precision=bf16"])
            t32, t16 = torch_fn(torch.float32), torch_fn(torch.bfloat16)
            runs = interleave(
                {"seqc_f32": f32, "seqc_bf16": bf16,
                 "torch_f32": lambda: time_torch(t32, inputs, opts.threads,
                                                 opts.repeat),
                 "torch_bf16": lambda: time_torch(t16, inputs, opts.threads,
                                                  opts.repeat)},
                opts.rounds)
            y = seqc_output(opts.seqc, model, weights, inputs,
                            os.path.join(wd, "check"), ["--precision=bf16"])
        with torch.no_grad():
            want = t32(*(torch.from_numpy(a) for a in inputs.values()))
        want = (want[0] if isinstance(want, tuple) else want).double().numpy()
        err = float(np.abs(y - want).max() / max(1.0, np.abs(want).max()))
        med = {k: statistics.median(v) for k, v in runs.items()}
        own = ratio_of_rounds(runs["seqc_f32"], runs["seqc_bf16"])
        peer = ratio_of_rounds(runs["torch_bf16"], runs["seqc_bf16"])
        rows.append({"case": name, "median_ms": med, "rounds": runs,
                     "seqc_f32_over_bf16": own, "torch_bf16_over_seqc_bf16":
                     peer, "bf16_rel_err_vs_torch_f32": err})
        print(f"{name:<8} {med['seqc_f32']:>9.3f} {med['seqc_bf16']:>10.3f} "
              f"{med['torch_f32']:>10.3f} {med['torch_bf16']:>11.3f} "
              f"{own[0]:>5.2f}x ({own[1]:.2f}-{own[2]:.2f}) "
              f"{peer[0]:>9.2f}x ({peer[1]:.2f}-{peer[2]:.2f}) {err:>9.1e}")
    if opts.json:
        write_json(opts.json, opts, rows)


if __name__ == "__main__":
    main()
