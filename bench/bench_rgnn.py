#!/usr/bin/env python3
"""seqc's relational GNN ops (SPEC §4.6) against PyTorch eager written the
way PyTorch Geometric computes them, on this machine with the same thread
count.

Graphs, N=40000 nodes, E=400000 edges, R=8 relations, K=4 node types:
  uniform   sources, destinations and types uniform;
  powerlaw  destinations drawn from a Zipf law (in-degree ~ rank^-1, hubs at
            random node ids), sources and types uniform.
Cases: rgcn, rgat and hgt with F = out = 64, 4 heads, f32.

Baselines (eager, f32):
  rgcn  PyG RGCNConv (mean): per relation, mask the edges, scatter-mean
        x[src] by destination, then @ weight[r]; plus x @ root + bias.
  rgat  per edge: zs = x[src] @ W[type], zd = x[dst] @ W[type] by
        per-relation matmuls, LeakyReLU scores, PyG's scatter softmax
        (scatter_reduce amax), index_add_ aggregation.
  hgt   PyG HGTConv (2.4+): per-node-type k/q/v linears, per-relation k/v
        transforms of the source nodes, gathered per edge, one softmax over
        all edges into a node, scatter-add, gelu, a_lin, skip.
The header prints the BLAS torch runs on: Debian's python3-torch uses
whatever libblas.so.3 resolves to, and with the reference BLAS its matmuls
are about 10x slower than with OpenBLAS (libopenblas0-openmp).
Each `--seqc-flags` given adds a seqc row per case and graph, compiled with
those flags (e.g. to switch an optimization off). Per case and graph,
torch and every seqc row are timed in turn, --rounds times over: medians
over the rounds, and the median of the rounds' ratios to torch.

usage: bench_rgnn.py [--seqc build/bin/seqc] [--threads 2] [--repeat 10]
                     [--rounds 3]
                     [--cases rgcn,rgat,hgt] [--graphs uniform,powerlaw]
                     [--seqc-flags=FLAGS]... [--torch-only] [--check]
                     [--json FILE]
(write --seqc-flags=-O0, with '=', for flags that start with '-'.)
"""
import json
import math
import os
import shlex
import statistics
import subprocess
import sys
import tempfile
import warnings

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "python"))
from bench import (bench_parser, blas_name, interleave,  # noqa: E402
                   ratio_of_rounds, seqc_timer, time_torch)
from seqc import reference_rgnn  # noqa: E402

N, E, R, K, F, OUT, HEADS = 40000, 400000, 8, 4, 64, 64, 4
ZIPF = 1.0
warnings.filterwarnings("ignore", message="scatter_reduce")


# ---- graphs ------------------------------------------------------------------

def uniform_graph(rng, n=N, e=E, relations=R, node_types=K):
    src, dst = rng.integers(0, n, e), rng.integers(0, n, e)
    return (np.stack([src, dst]).astype(np.int64),
            rng.integers(0, relations, e).astype(np.int64),
            rng.integers(0, node_types, n).astype(np.int64))


def powerlaw_graph(rng, n=N, e=E, relations=R, node_types=K, s=ZIPF):
    """Destination of rank k (at a random node id) drawn ∝ (k+1)^-s."""
    p = 1.0 / np.arange(1, n + 1) ** s
    dst = rng.permutation(n)[rng.choice(n, e, p=p / p.sum())]
    src = rng.integers(0, n, e)
    return (np.stack([src, dst]).astype(np.int64),
            rng.integers(0, relations, e).astype(np.int64),
            rng.integers(0, node_types, n).astype(np.int64))


GRAPHS = {"uniform": uniform_graph, "powerlaw": powerlaw_graph}


# ---- PyG's building blocks, written out -------------------------------------

def scatter_sum(src, index, n):
    out = src.new_zeros((n,) + src.shape[1:])
    return out.index_add_(0, index, src)


def scatter_mean(src, index, n):
    """torch_geometric.utils.scatter(reduce='mean'): sum / max(count, 1)."""
    count = src.new_zeros(n).scatter_add_(0, index, src.new_ones(src.size(0)))
    idx = index.view((-1,) + (1,) * (src.dim() - 1)).expand_as(src)
    out = src.new_zeros((n,) + src.shape[1:]).scatter_add_(0, idx, src)
    return out / count.clamp(min=1).view((-1,) + (1,) * (src.dim() - 1))


def scatter_softmax(src, index, n):
    """torch_geometric.utils.softmax: max-subtracted, per destination."""
    idx = index.view((-1,) + (1,) * (src.dim() - 1)).expand_as(src)
    src_max = src.new_zeros((n,) + src.shape[1:]).scatter_reduce_(
        0, idx, src.detach(), reduce="amax", include_self=False)
    out = (src - src_max.index_select(0, index)).exp()
    out_sum = scatter_sum(out, index, n) + 1e-16
    return out / out_sum.index_select(0, index)


# ---- baselines: fn(x, edge_index, edge_type[, node_type]) -------------------

def torch_rgcn(w, out, relations):
    def run(x, edge_index, edge_type):
        n = x.size(0)
        y = x.new_zeros(n, out)
        for r in range(relations):
            ei = edge_index[:, edge_type == r]
            h = scatter_mean(x.index_select(0, ei[0]), ei[1], n)
            y = y + h @ w["weight"][r]
        return y + x @ w["root"] + w["bias"]
    return run


def torch_rgat(w, out, heads, relations, negative_slope=0.2):
    d = out // heads
    wr = [w["weight"][r].permute(1, 0, 2).reshape(-1, out) for r in range(relations)]

    def run(x, edge_index, edge_type):
        n, e = x.size(0), edge_index.size(1)
        src, dst = edge_index[0], edge_index[1]
        zs = x.new_empty(e, heads, d)
        score = x.new_empty(e, heads)
        for r in range(relations):
            m = (edge_type == r).nonzero().view(-1)
            z_s = (x.index_select(0, src[m]) @ wr[r]).view(-1, heads, d)
            z_d = (x.index_select(0, dst[m]) @ wr[r]).view(-1, heads, d)
            zs[m] = z_s
            score[m] = (z_s * w["attn_l"][r]).sum(-1) + (z_d * w["attn_r"][r]).sum(-1)
        score = torch.nn.functional.leaky_relu(score, negative_slope)
        alpha = scatter_softmax(score, dst, n)
        agg = scatter_sum(zs * alpha.unsqueeze(-1), dst, n)
        return agg.view(n, out) + x @ w["loop_weight"] + w["bias"]
    return run


def torch_hgt(w, out, heads, relations, node_types):
    d = out // heads
    kqv = [(torch.cat([w[p + ".weight"][t] for p in ("k_lin", "q_lin", "v_lin")]),
            torch.cat([w[p + ".bias"][t] for p in ("k_lin", "q_lin", "v_lin")]))
           for t in range(node_types)]

    def run(x, edge_index, edge_type, node_type):
        n = x.size(0)
        src, dst = edge_index[0], edge_index[1]
        kqv_x = x.new_empty(n, 3 * out)
        by_type = [(node_type == t).nonzero().view(-1) for t in range(node_types)]
        for t, m in enumerate(by_type):
            kqv_x[m] = torch.nn.functional.linear(x[m], *kqv[t])
        k, q, v = (a.reshape(n, heads, d) for a in torch.tensor_split(kqv_x, 3, dim=1))
        # Source nodes per relation, [R·N, H, D], gathered by type·N + src.
        k_rel = torch.cat([(k.transpose(0, 1) @ w["rel_att"][r]).transpose(0, 1)
                           for r in range(relations)])
        v_rel = torch.cat([(v.transpose(0, 1) @ w["rel_msg"][r]).transpose(0, 1)
                           for r in range(relations)])
        j = edge_type * n + src
        score = (q.index_select(0, dst) * k_rel.index_select(0, j)).sum(-1) \
            * w["rel_pri"].index_select(0, edge_type) / math.sqrt(d)
        alpha = scatter_softmax(score, dst, n)
        agg = scatter_sum(v_rel.index_select(0, j) * alpha.unsqueeze(-1), dst, n)
        g = torch.nn.functional.gelu(agg.view(n, out))
        y = x.new_empty(n, out)
        for t, m in enumerate(by_type):
            y[m] = torch.nn.functional.linear(g[m], w["a_lin.weight"][t],
                                              w["a_lin.bias"][t])
            if x.size(1) == out:
                a = torch.sigmoid(w["skip"][t])
                y[m] = a * y[m] + (1 - a) * x[m]
        return y
    return run


BASELINES = {"rgcn": torch_rgcn, "rgat": torch_rgat, "hgt": torch_hgt}


def attrs_of(op, out=OUT, heads=HEADS, relations=R, node_types=K):
    return reference_rgnn.attrs(op, out, heads, relations, node_types)


def random_weights(rng, op, f, attrs, scale=0.1):
    w = {name: (rng.standard_normal(shape) * scale).astype(np.float32)
         for name, shape in reference_rgnn.weight_shapes(op, f, **attrs).items()}
    if op == "hgt":
        w["rel_pri"] += 1
        w["skip"] += 1
    return w


# ---- timing ------------------------------------------------------------------

def graph_inputs(op, x, graph):
    inputs = {"x": x, "edge_index": graph[0], "edge_type": graph[1]}
    if op == "hgt":
        inputs["node_type"] = graph[2]
    return inputs


# ---- --check: the baselines against the float64 reference ------------------

def check(rng):
    """Every baseline in float64 against python/seqc/reference_rgnn.py on
    small graphs with isolated nodes, multi-edges, self-loops and an empty
    relation; hgt with in == out and in != out. Returns the failures."""
    failures = 0
    for op, f, out in [("rgcn", 5, 6), ("rgat", 5, 6), ("hgt", 6, 6), ("hgt", 5, 6)]:
        for n, e in [(1, 3), (23, 90), (40, 7)]:
            attrs = attrs_of(op, out=out, heads=2, relations=3, node_types=3)
            graph = reference_rgnn.random_graph(rng, n, e, 3, node_types=3)
            w = random_weights(rng, op, f, attrs, scale=0.5)
            x = rng.standard_normal((n, f))
            ref_args = (x,) + graph if op == "hgt" else (x,) + graph[:2]
            want = getattr(reference_rgnn, op)(*ref_args, w, **attrs)
            tw = {k: torch.from_numpy(v.astype(np.float64)) for k, v in w.items()}
            fn = BASELINES[op](tw, **attrs)
            with torch.no_grad():
                got = fn(*(torch.from_numpy(a) for a in ref_args)).numpy()
            err = float(np.abs(got - want).max())
            ok = err <= 1e-10
            failures += not ok
            print(f"check {op:<4} F={f} out={out} N={n} E={e}: max|torch - ref| "
                  f"{err:.1e} {'ok' if ok else 'FAIL'}")
    return failures


def main():
    ap = bench_parser(__doc__, threads=2, repeat=10)
    ap.add_argument("--cases", default=",".join(BASELINES))
    ap.add_argument("--graphs", default=",".join(GRAPHS))
    ap.add_argument("--seqc-flags", action="append", default=None,
                    help="extra `seqc compile` flags; repeat for more rows")
    ap.add_argument("--torch-only", action="store_true")
    ap.add_argument("--check", action="store_true",
                    help="check the baselines against the float64 reference, then stop")
    opts = ap.parse_args()
    if opts.check:
        torch.set_num_threads(opts.threads)
        return 1 if check(np.random.default_rng(1)) else 0
    variants = opts.seqc_flags or [""]
    rows = []
    blas = blas_name()
    print(f"threads={opts.threads} repeat={opts.repeat} torch={torch.__version__} "
          f"N={N} E={E} R={R} K={K} F=out={F} heads={HEADS}\nblas={blas}")
    print(f"{'case':<5} {'graph':<9} {'seqc flags':<24} {'seqc ms':>10} "
          f"{'torch ms':>10} {'torch/seqc':>11} {'compile s':>10}")
    for gname in opts.graphs.split(","):
        graph = GRAPHS[gname](np.random.default_rng(0))
        indeg = np.bincount(graph[0][1], minlength=N)
        print(f"graph {gname}: max in-degree {indeg.max()}, "
              f"{(indeg == 0).sum()} nodes without in-edges")
        x = np.random.default_rng(1).standard_normal((N, F)).astype(np.float32)
        for op in opts.cases.split(","):
            attrs = attrs_of(op)
            w = random_weights(np.random.default_rng(2), op, F, attrs)
            inputs = graph_inputs(op, x, graph)
            fn = BASELINES[op]({k: torch.from_numpy(v) for k, v in w.items()}, **attrs)
            timers = {"torch": lambda: time_torch(fn, inputs, opts.threads,
                                                  opts.repeat)}
            compile_s, errors = {}, {}
            with tempfile.TemporaryDirectory() as wd:
                for flags in [] if opts.torch_only else variants:
                    try:
                        timers[flags], compile_s[flags] = seqc_timer(
                            opts.seqc, reference_rgnn.model(op, F, attrs),
                            {"g." + k: v for k, v in w.items()}, inputs, wd,
                            opts.threads, opts.repeat, shlex.split(flags))
                    except (OSError, subprocess.CalledProcessError) as err:
                        errors[flags] = (getattr(err, "stderr", None)
                                         or str(err)).strip()
                runs = interleave(timers, opts.rounds)
            torch_ms = statistics.median(runs["torch"])
            if opts.torch_only:
                rows.append({"case": op, "graph": gname, "torch_median_ms": torch_ms})
                print(f"{op:<5} {gname:<9} {'':<24} {'':>10} {torch_ms:>10.3f}")
            for flags in ([] if opts.torch_only else variants):
                label = flags or "(default)"
                row = {"case": op, "graph": gname, "seqc_flags": flags,
                       "torch_median_ms": torch_ms}
                if flags in errors:
                    row["seqc_error"] = errors[flags]
                    print(f"{op:<5} {gname:<9} {label:<24} {'failed':>10} "
                          f"{torch_ms:>10.3f}   {errors[flags].splitlines()[-1][:80]}")
                else:
                    seqc_ms = statistics.median(runs[flags])
                    ratio = ratio_of_rounds(runs["torch"], runs[flags])[0]
                    row.update(seqc_median_ms=seqc_ms, compile_s=compile_s[flags],
                               ratio_torch_over_seqc=ratio)
                    print(f"{op:<5} {gname:<9} {label:<24} {seqc_ms:>10.3f} "
                          f"{torch_ms:>10.3f} {ratio:>10.2f}x "
                          f"{compile_s[flags]:>10.2f}")
                rows.append(row)
    if opts.json:
        with open(opts.json, "w") as f:
            json.dump({"threads": opts.threads, "repeat": opts.repeat,
                       "torch": torch.__version__, "blas": blas,
                       "shape": {"N": N, "E": E, "R": R, "K": K, "F": F,
                                 "out": OUT, "heads": HEADS, "zipf": ZIPF},
                       "rows": rows}, f, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
