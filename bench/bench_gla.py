#!/usr/bin/env python3
"""The GLA layer (SPEC §4.2) against PyTorch eager, B=1, d=512, 4 heads
(key_dim 256, value_dim 512: K=64, V=128 per head), T in {512, 2048, 8192},
on this machine with the same thread count.

Rows:
  seqc            what the pipeline chooses (seq-chunk-gla: the recurrent
                  form on a few cores, see docs/design.md)
  seqc chunked    the chunkwise form forced (seq-chunk-gla{form=chunked})
  torch chunked   the chunked form as fla's torch reference computes it:
                  chunks of 64, sub-chunks of 16 (per-pair exponents inside
                  a sub-chunk, split at the sub-chunk start across them),
                  inter-chunk state passing; each loop level vectorized in
                  torch ops where fla's listing loops over elements
  torch recurrent fla's naive_recurrent_gla (a step at a time)
The rows are timed in turn, --rounds times over (medians of --repeat runs
each). Each row prints the median over the rounds, the median (and range)
over the rounds of its ratio to seqc (default) in the same round, and the
achieved GFLOP/s against the measured FMA peak (bench_gemm.py's C
program) times the thread count. FLOPs counted: the projections and the
recurrent form's 4·T·H·K·V.

usage: bench_gla.py [--threads 2] [--repeat 10] [--rounds 3]
                    [--lengths 512,2048,8192]
                    [--check] [--json FILE]
"""
import os
import statistics
import sys
import tempfile

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "python"))
from bench import (bench_parser, blas_name, fma_peak, gla_weights,  # noqa: E402
                   interleave, rand, ratio_of_rounds, seqc_timer, time_torch,
                   torch, torch_gla)
from seqc import reference  # noqa: E402
from seqc.run_model import run_model  # noqa: E402

D, HEADS = 512, 4
KEY, VALUE, RANK = D // 2, D, 16
CHUNK, SUB = 64, 16


def torch_chunked_core(q, k, v, g, scale):
    """q, k, g [B, H, T, K], v [B, H, T, V] → o, final state: fla's
    two-level chunked form (GLA paper, Listing 1)."""
    B, H, T, K = q.shape
    V = v.shape[-1]
    S = q.new_zeros(B, H, K, V)
    o = torch.empty(B, H, T, V)
    mask = torch.ones(SUB, SUB, dtype=torch.bool).tril()
    for c0 in range(0, T, CHUNK):
        c1 = min(c0 + CHUNK, T)
        qc, kc, vc = q[:, :, c0:c1] * scale, k[:, :, c0:c1], v[:, :, c0:c1]
        b = g[:, :, c0:c1].cumsum(2)                       # log decay in chunk
        last = b[:, :, -1:]
        oc = (qc * b.exp()) @ S                             # inter-chunk
        for s0 in range(0, c1 - c0, SUB):
            s1 = min(s0 + SUB, c1 - c0)
            qs, ks, bs = qc[:, :, s0:s1], kc[:, :, s0:s1], b[:, :, s0:s1]
            n = s1 - s0
            # same sub-chunk: exp(b_j − b_i) per pair and key column
            e = (bs[:, :, :, None, :] - bs[:, :, None, :, :]).masked_fill(
                ~mask[:n, :n, None], float("-inf")).exp()
            p = (qs[:, :, :, None, :] * ks[:, :, None, :, :] * e).sum(-1)
            acc = p @ vc[:, :, s0:s1]
            if s0 > 0:                                      # earlier sub-chunks
                z = bs[:, :, :1]
                qz = qs * (bs - z).exp()
                kz = kc[:, :, :s0] * (z - b[:, :, :s0]).exp()
                acc = acc + (qz @ kz.transpose(-1, -2)) @ vc[:, :, :s0]
            oc[:, :, s0:s1] += acc
        o[:, :, c0:c1] = oc
        S = S * last.transpose(-1, -2).exp() \
            + (kc * (last - b).exp()).transpose(-1, -2) @ vc
    return o, S


def torch_gla_chunked(x, w, heads, gate_norm=16.0, eps=1e-5):
    B, T, d = x.shape
    q, k, v = (x @ w["gla" + n].T for n in (".q_proj.weight", ".k_proj.weight",
                                            ".v_proj.weight"))
    gk = (x @ w["gla.gk_proj.0.weight"].T) @ w["gla.gk_proj.1.weight"].T \
        + w["gla.gk_proj.1.bias"]
    g = torch.nn.functional.logsigmoid(gk) / gate_norm
    K, V = q.shape[-1] // heads, v.shape[-1] // heads

    def split(z, n):
        return z.view(B, T, heads, n).transpose(1, 2)
    o, s = torch_chunked_core(split(q, K), split(k, K), split(v, V),
                              split(g, K), K ** -0.5)
    o = o.transpose(1, 2)
    o = o * torch.rsqrt(o.pow(2).mean(-1, keepdim=True) + eps) \
        * w["gla.g_norm_swish_gate.weight"]
    o = o.reshape(B, T, heads * V)
    return (o * torch.nn.functional.silu(x @ w["gla.g_proj.weight"].T)) \
        @ w["gla.o_proj.weight"].T, s


def model():
    return {"seqc_model": 1, "name": "gla-layer",
            "inputs": {"x": {"dtype": "f32", "shape": ["B", "T", D]}},
            "nodes": [{"name": "gla", "op": "gla", "inputs": ["x"],
                       "attrs": {"heads": HEADS}}],
            "outputs": {"y": "gla", "state": "gla:1"}}


def flops(t):
    proj = 2 * t * D * (2 * KEY + 2 * VALUE + RANK) + 2 * t * RANK * KEY \
        + 2 * t * VALUE * D
    core = 4 * t * HEADS * (KEY // HEADS) * (VALUE // HEADS)
    return proj + core


def check(opts, w, x):
    """seqc (both forms) and torch chunked against the float64 reference."""
    ok = True
    ref_w = {k[4:]: v.astype(np.float64) for k, v in w.items()}
    ref, _ = reference.gla(x, ref_w, heads=HEADS)
    bound = 2e-4 * max(1.0, float(np.abs(ref).max()))
    tw = {k: torch.from_numpy(v) for k, v in w.items()}
    with torch.no_grad():
        got = {"torch chunked": torch_gla_chunked(torch.from_numpy(x), tw, HEADS)[0].numpy()}
    for name, flags in (("seqc", []),
                        ("seqc chunked", ["--pass-options=seq-chunk-gla{form=chunked}"])):
        with tempfile.TemporaryDirectory() as wd:
            out = run_model(opts.seqc, wd, model(), w, {"x": x}, flags)
        if isinstance(out, str):
            print(f"{name}: failed: {out}")
            return False
        got[name] = out[0]
    for name, y in got.items():
        err = float(np.abs(y - ref).max())
        print(f"check T={x.shape[1]} {name}: max err {err:.2e} (bound {bound:.2e})")
        ok &= err <= bound
    return ok


def main():
    ap = bench_parser(__doc__, threads=2, repeat=10)
    ap.add_argument("--lengths", default="512,2048,8192")
    ap.add_argument("--check", action="store_true",
                    help="check seqc and the torch chunked form against the "
                         "float64 reference, then stop")
    opts = ap.parse_args()
    torch.set_num_threads(opts.threads)
    lengths = [int(t) for t in opts.lengths.split(",")]
    rng = np.random.default_rng(0)
    w = gla_weights(rng, "gla", D, HEADS)
    if opts.check:
        ok = all(check(opts, w, rand(rng, 1, t, D, scale=1.0)) for t in lengths)
        return 0 if ok else 1
    peak, _ = fma_peak()
    peak_all = peak * opts.threads
    print(f"threads={opts.threads} repeat={opts.repeat} rounds={opts.rounds} "
          f"torch={torch.__version__} blas={blas_name()} "
          f"peak={peak_all:.0f} GFLOP/s ({peak:.0f} per thread)")
    print(f"{'T':>5} {'row':<16} {'ms':>9} {'/ seqc':>8} {'(range)':>12} "
          f"{'GFLOP/s':>8} {'of peak':>8}")
    tw = {k: torch.from_numpy(v) for k, v in w.items()}
    rows = []
    for t in lengths:
        x = rand(rng, 1, t, D, scale=1.0)
        with tempfile.TemporaryDirectory() as wd:
            timers = {}
            for name, flags in (("seqc", []),
                                ("seqc chunked",
                                 ["--pass-options=seq-chunk-gla{form=chunked}"])):
                timers[name], _ = seqc_timer(opts.seqc, model(), w, {"x": x}, wd,
                                             opts.threads, opts.repeat, flags)
            timers["torch chunked"] = lambda: time_torch(
                lambda x: torch_gla_chunked(x, tw, HEADS), {"x": x},
                opts.threads, opts.repeat)
            timers["torch recurrent"] = lambda: time_torch(
                lambda x: torch_gla(x, tw, "gla", HEADS), {"x": x},
                opts.threads, max(3, opts.repeat // 3))
            runs = interleave(timers, opts.rounds)
        for name, times in runs.items():
            ms = statistics.median(times)
            gflops = flops(t) / ms / 1e6
            ratio, low, high = ratio_of_rounds(times, runs["seqc"])
            rows.append({"T": t, "row": name, "median_ms": ms,
                         "over_seqc": ratio, "over_seqc_range": [low, high],
                         "rounds_ms": times, "gflops": gflops,
                         "fraction_of_peak": gflops / peak_all})
            print(f"{t:>5} {name:<16} {ms:>9.2f} {ratio:>7.2f}x "
                  f"{f'{low:.2f}-{high:.2f}':>12} {gflops:>8.1f} "
                  f"{gflops / peak_all:>7.0%}")
    if opts.json:
        import json
        with open(opts.json, "w") as f:
            json.dump({"threads": opts.threads, "repeat": opts.repeat,
                       "torch": torch.__version__, "peak_gflops": peak_all,
                       "rows": rows}, f, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
