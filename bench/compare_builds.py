#!/usr/bin/env python3
"""Two builds of seqc on the same models: is the generated code the same,
and how long does each run? For restructurings that must not change what
the CPU computes (a new lowering path, a pass moved): compiles every case
with both `seqc` binaries (the same flags), compares their LLVM IR, and
times `seqc run --threads T --repeat R` of both shared objects (run by the
NEW binary's runtime), in interleaved rounds. Needs numpy only.

Cases: the bench.py shapes of mlp, the GLA layer, the GLA LM example,
gated attention, LIF, PLIF, IF (soft reset), spiking RWKV, GRU and LSTM, PGN and GAM, para_gru by
Newton, the chunked and sequential scans, gla_core chunkwise, a 32-tap
convolution, and rgcn and hgt on a uniform graph (bench_rgnn.py's size).

usage: compare_builds.py OLD_SEQC NEW_SEQC [--rounds 3] [--repeat 10]
                         [--threads 2] [--only a,b] [--work DIR]
"""
import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "python"))
import seqc as seqc_package  # noqa: E402
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from models import gla_lm, gla_weights, rand, spiking_rwkv_weights  # noqa: E402


def one_node(op, inputs, attrs, weights, flags=(), dims=None):
    """A model of one node `n` on the inputs {name: array}."""
    dims = dims or {}
    model = {"seqc_model": 1, "name": op,
             "inputs": {k: {"dtype": "i64" if v.dtype == np.int64 else "f32",
                            "shape": dims.get(k, ["B", "T"] + list(v.shape[2:]))}
                        for k, v in inputs.items()},
             "nodes": [{"name": "n", "op": op, "inputs": list(inputs),
                        "attrs": attrs}],
             "outputs": {"y": "n"}}
    return model, {"n." + k: v for k, v in weights.items()}, inputs, list(flags)


def spiking_rwkv(rng, d=512, t=1024):
    return one_node("spiking_rwkv", {"x": rand(rng, 1, t, d, scale=1.0)}, {},
                    spiking_rwkv_weights(rng, "", d))


def cases(rng):
    c = {}
    d, h = 512, 1024
    x = rand(rng, 1, 512, d, scale=1.0)
    c["mlp"] = ({"seqc_model": 1, "name": "mlp",
                 "inputs": {"x": {"dtype": "f32", "shape": ["B", "T", d]}},
                 "nodes": [{"name": "norm", "op": "rms_norm", "inputs": ["x"]},
                           {"name": "mlp", "op": "glu_mlp", "inputs": ["norm"],
                            "attrs": {"hidden": h}},
                           {"name": "res", "op": "add", "inputs": ["x", "mlp"]}],
                 "outputs": {"y": "res"}},
                {"norm.weight": 1 + rand(rng, d), "mlp.gate_proj.weight": rand(rng, h, d),
                 "mlp.up_proj.weight": rand(rng, h, d),
                 "mlp.down_proj.weight": rand(rng, d, h)}, {"x": x}, [])
    c["gla_layer"] = one_node("gla", {"x": rand(rng, 1, 256, 256, scale=1.0)},
                              {"heads": 4}, gla_weights(rng, "", 256, 4))
    model, w, ids = gla_lm(rng)
    c["gla_lm"] = (model, w, {"ids": ids}, [])
    c["spiking_rwkv"] = spiking_rwkv(rng)
    d, H, Hkv, Dh = 512, 8, 2, 64
    c["gated_attention"] = one_node(
        "gated_attention", {"x": rand(rng, 1, 2048, d, scale=1.0)},
        {"heads": H, "kv_heads": Hkv, "head_dim": Dh, "rope_theta": 10000.0},
        {"q_proj.weight": rand(rng, H * Dh, d, scale=0.05),
         "k_proj.weight": rand(rng, Hkv * Dh, d, scale=0.05),
         "v_proj.weight": rand(rng, Hkv * Dh, d, scale=0.05),
         "gate_proj.weight": rand(rng, H * Dh, d, scale=0.05),
         "o_proj.weight": rand(rng, d, H * Dh, scale=0.05)})
    c["lif"] = one_node("lif", {"x": rand(rng, 16, 64, 16384, scale=1.5)}, {}, {})
    c["plif"] = one_node("plif", {"x": rand(rng, 16, 64, 16384, scale=1.5)}, {},
                         {"w": np.array(0.3, dtype=np.float32)})
    c["if_neuron"] = one_node("if_neuron", {"x": rand(rng, 16, 64, 16384, scale=1.5)},
                              {"v_reset": None}, {})
    for cell, g in (("gru", 3), ("lstm", 4)):
        c[cell] = one_node("rnn", {"x": rand(rng, 8, 512, 256, scale=1.0)},
                           {"cell": cell, "hidden": 256},
                           {"weight_ih_l0": rand(rng, g * 256, 256),
                            "weight_hh_l0": rand(rng, g * 256, 256),
                            "bias_ih_l0": rand(rng, g * 256),
                            "bias_hh_l0": rand(rng, g * 256)})
    h = 256
    w = {f"B_{g}": rand(rng, h, h, scale=0.3) for g in "zrh"}
    w.update({f"b_{g}": rand(rng, h) for g in "zrh"})
    w.update({f"A_{g}": rng.uniform(-0.9, 0.9, h).astype(np.float32) for g in "zrh"})
    c["para_gru_newton"] = one_node("para_gru", {"x": rand(rng, 8, 4096, h, scale=1.0)},
                                    {"hidden": h, "solver": "newton"}, w)
    ab = {"a": rng.uniform(0.9, 1.0, (4, 8192, 256)).astype(np.float32),
          "b": rand(rng, 4, 8192, 256, scale=1.0)}
    c["scan_chunked"] = one_node("linear_recurrence", ab, {}, {}, [
        "--pass-options=seq-select-scan{scan=chunked chunk=256}"])
    c["scan_sequential"] = one_node("linear_recurrence", ab, {}, {}, [
        "--pass-options=seq-select-scan{scan=sequential}"])
    qkvg = {n: rand(rng, 1, 2048, 256, scale=0.3) for n in "qkv"}
    qkvg["g"] = -rng.uniform(0.0, 0.1, (1, 2048, 256)).astype(np.float32)
    c["gla_core_chunked"] = one_node("gla_core", qkvg, {"heads": 4}, {}, [
        "--pass-options=seq-chunk-gla{form=chunked}"])
    c["conv32"] = one_node("causal_conv1d", {"x": rand(rng, 4, 4096, 256, scale=1.0)},
                           {"kernel": 32}, {"weight": rand(rng, 256, 32),
                                            "bias": rand(rng, 256)})
    d = 256
    c["pgn"] = one_node("pgn", {"x": rand(rng, 8, 512, d, scale=1.0)},
                        {"hidden": d, "window": 4},
                        {"hie.weight": rand(rng, d, d, 4), "hie.bias": rand(rng, d),
                         "gate.weight": rand(rng, 2 * d, 2 * d),
                         "gate.bias": rand(rng, 2 * d)})
    c["gam"] = one_node("gam", {"x": rand(rng, 8, 512, d, scale=1.0)},
                        {"slots": 512, "kernel": 3},
                        {"conv.weight": rand(rng, d, 3), "conv.bias": rand(rng, d),
                         "memory": rand(rng, 512, d), "gate.weight": rand(rng, 2 * d, d),
                         "gate.bias": rand(rng, 2 * d)})
    n, e, rel, f, out = 40000, 400000, 8, 64, 64
    graph = {"x": rand(rng, n, f, scale=1.0),
             "edge_index": rng.integers(0, n, (2, e)).astype(np.int64),
             "edge_type": rng.integers(0, rel, e).astype(np.int64)}
    c["rgcn"] = one_node("rgcn", graph, {"out": out, "relations": rel},
                         {"weight": rand(rng, rel, f, out), "root": rand(rng, f, out),
                          "bias": rand(rng, out)},
                         dims={"x": ["N", f], "edge_index": [2, "E"],
                               "edge_type": ["E"]})
    k, heads = 4, 4
    hgt = {f"{lin}.{p}": rand(rng, *((k, out, f) if p == "weight" else (k, out)))
           for lin in ("k_lin", "q_lin", "v_lin") for p in ("weight", "bias")}
    hgt.update({"rel_att": rand(rng, rel, heads, out // heads, out // heads),
                "rel_msg": rand(rng, rel, heads, out // heads, out // heads),
                "rel_pri": 1 + rand(rng, rel, heads), "a_lin.weight": rand(rng, k, out, out),
                "a_lin.bias": rand(rng, k, out), "skip": 1 + rand(rng, k)})
    typed = dict(graph, node_type=rng.integers(0, k, n).astype(np.int64))
    c["hgt"] = one_node("hgt", typed, {"out": out, "relations": rel, "heads": heads,
                                       "node_types": k}, hgt,
                        dims={"x": ["N", f], "edge_index": [2, "E"],
                              "edge_type": ["E"], "node_type": ["N"]})
    return c


def write_case(d, case):
    """model.json, model.safetensors (seqc.Model.save) and the inputs."""
    model, weights, inputs, _ = case
    seqc_package.Model(model, weights).save(d)
    for k, a in inputs.items():
        np.save(os.path.join(d, k + ".npy"), a)


def compile_case(seqc, d, flags, out, emit):
    subprocess.run([seqc, "compile", os.path.join(d, "model.json"), "-o", out,
                    f"--emit={emit}"]
                   + flags, check=True)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("old")
    ap.add_argument("new")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--repeat", type=int, default=10)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--only", default="")
    ap.add_argument("--work", default="")
    opts = ap.parse_args()
    work = opts.work or tempfile.mkdtemp(prefix="seqc-compare-")
    all_cases = cases(np.random.default_rng(0))
    names = [n for n in all_cases if not opts.only or n in opts.only.split(",")]
    same, runs = {}, {}
    for name in names:
        d = os.path.join(work, name)
        write_case(d, all_cases[name])
        flags = all_cases[name][3]
        ir = [open(compile_case(s, d, flags, os.path.join(d, f"{t}.ll"), "llvm")).read()
              for s, t in ((opts.old, "old"), (opts.new, "new"))]
        same[name] = ir[0] == ir[1]
        for s, t in ((opts.old, "old"), (opts.new, "new")):
            compile_case(s, d, flags, os.path.join(d, f"{t}.so"), "so")
        for t in ("old", "new"):
            args = [opts.new, "run", os.path.join(d, f"{t}.so"), "--weights",
                    os.path.join(d, "model.safetensors"), "--threads", str(opts.threads),
                    "--repeat", str(opts.repeat)]
            for k in all_cases[name][2]:
                args += ["--input", f"{k}={os.path.join(d, k + '.npy')}"]
            runs[(name, t)] = (args, [])
    for r in range(opts.rounds):
        for name in names:
            for t in ("old", "new") if r % 2 == 0 else ("new", "old"):
                args, times = runs[(name, t)]
                out = subprocess.run(args, check=True, capture_output=True, text=True)
                times.append(float(re.search(r"median ([0-9.]+) ms", out.stderr).group(1)))
    print(f"{'case':18} {'same IR':8} {'old ms: median [range]':28} "
          f"{'new ms: median [range]':28} new/old")
    for name in names:
        o, n = runs[(name, "old")][1], runs[(name, "new")][1]
        fmt = lambda v: f"{statistics.median(v):9.3f} [{min(v):.3f}-{max(v):.3f}]"  # noqa: E731
        print(f"{name:18} {str(same[name]):8} {fmt(o):28} {fmt(n):28} "
              f"{statistics.median(n) / statistics.median(o):.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
