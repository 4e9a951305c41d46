#!/usr/bin/env python3
"""PyG's RGCNConv, RGATConv and HGTConv on the GPU against seqc's export of
the same modules (bench/bench_cuda_rgnn.sh runs it), on bench_rgnn.py's
uniform graph: N = 40000 nodes, E = 400000 edges, R = 8 relations
(HGT: 4 node types, 8 edge types), F = out = 64, 4 heads, f32.

  cuda_rgnn.py prepare DIR   here (torch and torch_geometric on the CPU):
      the modules, seeded; each exported (seqc.export) on the graph and
      compiled for sm_90 into DIR/<op>.so (its weights DIR/<op>.safetensors),
      its state dict saved as DIR/<op>.pt and the model's input names and
      meta as DIR/<op>.json (under 2 MB in all)
  cuda_rgnn.py run DIR       on the GPU machine: the same graph again
      (numpy, seeded: nothing large travels), each module loaded with its
      state dict, timed by CUDA events (median of 10) beside seqc-run's
      GPU time for its module on the same inputs; seqc's output checked
      against PyG's.

A dry run without a GPU: prepare with --target=cuda-simulation, run with
--device=cpu (the same arithmetic; timings meaningless).

usage: cuda_rgnn.py prepare|run DIR [--seqc build/bin/seqc]
                    [--target cuda] [--device cuda]
"""
import argparse
import json
import os
import subprocess
import sys
import types

import numpy as np
import torch

N, E, R, F, HEADS, NODE_TYPES = 40000, 400000, 8, 64, 4, 4
META = ([f"t{k}" for k in range(NODE_TYPES)],
        [(f"t{r % NODE_TYPES}", f"r{r}", f"t{(r * 3 + 1) % NODE_TYPES}")
         for r in range(R)])


def graph():
    """x [N, F], edge_index [2, E], edge_type [E] (uniform), and the same
    graph as PyG's hetero dicts (node k of type k mod 4; an edge of type r
    keeps its ends' rows within their types)."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((N, F)).astype(np.float32)
    src, dst = rng.integers(0, N, E), rng.integers(0, N, E)
    edge_type = rng.integers(0, R, E)
    homo = (torch.from_numpy(x), torch.from_numpy(np.stack([src, dst])),
            torch.from_numpy(edge_type))
    per_type = N // NODE_TYPES
    x_dict = {t: torch.from_numpy(x[k * per_type:(k + 1) * per_type])
              for k, t in enumerate(META[0])}
    ei_dict = {}
    for r, key in enumerate(META[1]):
        mine = edge_type == r
        ei_dict[key] = torch.from_numpy(
            np.stack([src[mine] % per_type, dst[mine] % per_type]))
    return homo, (x_dict, ei_dict)


def modules():
    from torch_geometric.nn import HGTConv, RGATConv, RGCNConv
    torch.manual_seed(0)
    return {"rgcn": RGCNConv(F, F, R),
            "rgat": RGATConv(F, F // HEADS, R, heads=HEADS),
            "hgt": HGTConv(F, F, META, heads=HEADS)}


def seqc_inputs(op, saved, homo, hetero):
    """The exported model's inputs by name, as numpy arrays."""
    if op == "hgt":
        from seqc.export import pyg
        model = types.SimpleNamespace(meta=saved["meta"])
        return {k: v.numpy() for k, v in
                pyg.hetero_inputs(model, *hetero).items()}
    return {name: a.numpy() for name, a in zip(saved["inputs"], homo)}


def prepare(args):
    import seqc
    os.makedirs(args.dir, exist_ok=True)
    homo, hetero = graph()
    for op, module in modules().items():
        module.eval()
        model = seqc.export(module, hetero if op == "hgt" else homo)
        where = os.path.join(args.dir, op)
        model.save(where)
        subprocess.run([args.seqc, "compile", os.path.join(where, "model.json"),
                        f"--target={args.target}", "--gpu-arch=sm_90",
                        "--cpu=x86-64-v3",
                        "-o", where + ".so"], check=True)
        os.replace(os.path.join(where, "model.safetensors"),
                   where + ".safetensors")
        for f in os.listdir(where):
            os.remove(os.path.join(where, f))
        os.rmdir(where)
        torch.save(module.state_dict(), where + ".pt")
        with open(where + ".json", "w") as f:
            json.dump({"inputs": list(model.description["inputs"]),
                       "outputs": list(model.description["outputs"]),
                       "meta": model.meta}, f)


def run(args):
    if args.device == "cuda":
        from cuda_timing import median_ms
    else:
        def median_ms(fn, n):
            return float("nan")
    dev = torch.device(args.device)
    homo, hetero = graph()
    for op, module in modules().items():
        where = os.path.join(args.dir, op)
        with open(where + ".json") as f:
            saved = json.load(f)
        module.load_state_dict(torch.load(where + ".pt"))
        module = module.to(dev).eval()
        inputs = seqc_inputs(op, saved, homo, hetero)
        flags = []
        for name, a in inputs.items():
            np.save(f"{where}-{name}.npy", a)
            flags += ["--input", f"{name}={where}-{name}.npy"]
        out = where + "-out"
        line = subprocess.run(
            [os.path.join(args.dir, "seqc-run"), where + ".so", f"--device={args.device}",
             "--repeat", "10", "--weights", where + ".safetensors",
             "--output-dir", out] + flags,
            capture_output=True, text=True)
        print(f"seqc {op}: " + (line.stdout + line.stderr).strip().splitlines()[-1])
        if op == "hgt":
            x_dict = {t: v.to(dev) for t, v in hetero[0].items()}
            ei_dict = {k: v.to(dev) for k, v in hetero[1].items()}
            call = lambda: module(x_dict, ei_dict)  # noqa: E731
        else:
            x, ei, et = (t.to(dev) for t in homo)
            call = lambda: module(x, ei, et)  # noqa: E731
        with torch.no_grad():
            want = call()
            if op == "hgt":
                from seqc.export import pyg
                got = pyg.hetero_outputs(
                    types.SimpleNamespace(meta=saved["meta"]),
                    np.load(os.path.join(out, saved["outputs"][0] + ".npy")),
                    hetero[0], name=saved["outputs"][0])
                err = max(np.abs(got[t] - want[t].cpu().numpy()).max()
                          for t in want) / max(
                    1.0, max(want[t].abs().max().item() for t in want))
            else:
                got = np.load(os.path.join(out, saved["outputs"][0] + ".npy"))
                want = want.cpu().numpy()
                err = np.abs(got - want).max() / max(1.0, np.abs(want).max())
            print(f"seqc {op} vs PyG: max rel err {err:.2e}")
            ms = median_ms(call, 10)
        import torch_geometric
        print(f"PyG {torch_geometric.__version__} {type(module).__name__}: "
              f"median {ms:.3f} ms")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("stage", choices=["prepare", "run"])
    ap.add_argument("dir")
    ap.add_argument("--seqc", default="build/bin/seqc")
    ap.add_argument("--target", default="cuda")
    ap.add_argument("--device", default="cuda")
    args = ap.parse_args()
    (prepare if args.stage == "prepare" else run)(args)


if __name__ == "__main__":
    sys.exit(main())
