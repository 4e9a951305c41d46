#!/usr/bin/env python3
"""rgcn, rgat and hgt (SPEC §4.6) through the package (seqc.compile,
Module) against the float64 reference (python/seqc/reference_rgnn.py), on random graphs with isolated
nodes, multi-edges, self-loops, an empty relation and E = 0.

With --bad-graph: for each op, a valid graph must run and match, and graphs
with an index out of range (edge source = N or 2^32, destination −1,
edge_type = R or −1, node_type = K or −1) or an edge_type whose length is
not E must make the run fail with a seqc.Error naming the input.

With --stack: two layers on one graph (rgcn → rgat, rgat → hgt,
hgt → rgcn), the second reading the first's output: the lowering lays the
graph out once for both.

With --flag=--precision=bf16 the graph GEMMs may read bf16 (SPEC §5's
bound, 2e-2).

usage: rgnn.py SEQC WORKDIR [--cases N] [--perturb] [--bad-graph | --stack]
               [--flag F]...
"""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "..", "python"))
from seqc import reference_rgnn  # noqa: E402
from seqc.run_model import (TOL, parse_case_args, relative_error,  # noqa: E402
                            run_model)

OPS = ("rgcn", "rgat", "hgt")


def rgcn_options(k):
    """PyG RGCNConv's options in turn: aggr mean/add/max, now and then no
    root weight or no bias (the defaults left out of the model)."""
    options = {}
    if k % 3:
        options["aggr"] = ["mean", "add", "max"][k % 3]
    if k % 4 == 3:
        options["root"] = False
    if k % 5 == 2:
        options["bias"] = False
    return options


def rgat_options(k):
    """rgat's forms in turn: Pigeon's (per relation), PyG's (shared q/k),
    PyG's with the heads' mean; now and then no bias."""
    options = [{}, {"attention": "shared"},
               {"attention": "shared", "concat": False}][k % 3]
    if k % 4 == 1:
        options = dict(options, bias=False)
    return options


def make_weights(rng, op, f, attrs):
    w = {name: rng.uniform(-0.5, 0.5, shape).astype(np.float32)
         for name, shape in reference_rgnn.weight_shapes(op, f, **attrs).items()}
    if op == "hgt":
        w["rel_pri"] += 1
    return w


def reference(op, inputs, w, attrs):
    return getattr(reference_rgnn, op)(*inputs.values(), w, **attrs)


def run_and_compare(opts, work, op, f, attrs, w, inputs):
    """The relative error of output 0, or the seqc error text."""
    got = run_model(opts.seqc, work, reference_rgnn.model(op, f, attrs),
                    {"g." + k: v for k, v in w.items()}, inputs, opts.flag)
    if isinstance(got, str):
        return got
    return relative_error(got[0], reference(op, inputs, w, attrs), opts.perturb)


def graph_inputs(rng, op, n, e, f, attrs):
    graph = reference_rgnn.random_graph(rng, n, e, attrs["relations"],
                                        attrs.get("node_types"))
    x = rng.standard_normal((n, f)).astype(np.float32)
    inputs = {"x": x, "edge_index": graph[0], "edge_type": graph[1]}
    if op == "hgt":
        inputs["node_type"] = graph[2]
    return inputs


def cases(opts):
    rng = np.random.default_rng(13)
    passed = failed = 0
    for case in range(opts.cases):
        op = OPS[case % 3]
        n = [1, 5, 17, 33, 2, 64, 9, 40][case % 8]
        e = [1, 7, 40, 0, 150, 2, 65][case % 7]
        heads = 1 if op == "rgcn" else [2, 4, 1][(case // 3) % 3]
        out = [4, 1, 7, 16][case % 4] if op == "rgcn" else heads * [1, 3, 2, 5][case % 4]
        f = [3, 8, 13, 5, 16][case % 5]
        if op == "hgt" and case % 2 == 0:
            f = out
        options = (rgcn_options(case // 3) if op == "rgcn"
                   else rgat_options(case // 3) if op == "rgat" else {})
        attrs = reference_rgnn.attrs(op, out, heads, 1 + case % 4, 1 + (case // 6) % 3,
                                     options)
        w = make_weights(rng, op, f, attrs)
        inputs = graph_inputs(rng, op, n, e, f, attrs)
        err = run_and_compare(opts, os.path.join(opts.work, f"case{case}"), op, f, attrs,
                              w, inputs)
        desc = f"{op} N={n} E={e} F={f} {attrs}"
        if isinstance(err, str):
            failed += 1
            print(f"FAIL case {case} {desc}: seqc failed: {err}")
            continue
        ok = err <= tolerance(opts)
        passed += ok
        failed += not ok
        print(f"{'PASS' if ok else 'FAIL'} case {case} {desc}: rel err {err:.2e}")
    return passed, failed


def bad_graphs(op, inputs, attrs):
    """(what, input name, inputs) for each invalid variant of a valid graph."""
    n, e = len(inputs["x"]), inputs["edge_index"].shape[1]

    def variant(name, index, value):
        bad = {k: v.copy() for k, v in inputs.items()}
        bad[name][index] = value
        return bad
    out = [("edge source = N", "edge_index", variant("edge_index", (0, e - 1), n)),
           ("edge source = 2^32", "edge_index", variant("edge_index", (0, 1), 2 ** 32)),
           ("edge destination = -1", "edge_index", variant("edge_index", (1, e // 2), -1)),
           ("edge_type = R", "edge_type", variant("edge_type", e - 1, attrs["relations"])),
           ("edge_type = -1", "edge_type", variant("edge_type", 0, -1)),
           ("len(edge_type) = E + 1", "edge_type",
            dict(inputs, edge_type=np.append(inputs["edge_type"], 0)))]
    if op == "hgt":
        out += [("node_type = K", "node_type",
                 variant("node_type", n - 1, attrs["node_types"])),
                ("node_type = -1", "node_type", variant("node_type", 0, -1))]
    return out


def bad_graph_cases(opts):
    rng = np.random.default_rng(17)
    passed = failed = 0
    for op in OPS:
        n, e, f = 6, 9, 4
        attrs = reference_rgnn.attrs(op, 4, 1 if op == "rgcn" else 2, 3, 2)
        w = make_weights(rng, op, f, attrs)
        inputs = graph_inputs(rng, op, n, e, f, attrs)
        work = os.path.join(opts.work, f"bad-{op}")
        err = run_and_compare(opts, os.path.join(work, "valid"), op, f, attrs, w, inputs)
        ok = not isinstance(err, str) and err <= tolerance(opts)
        passed += ok
        failed += not ok
        print(f"{'PASS' if ok else 'FAIL'} bad {op} valid graph runs: "
              + (f"seqc failed: {err}" if isinstance(err, str) else f"rel err {err:.2e}"))
        for i, (what, name, bad) in enumerate(bad_graphs(op, inputs, attrs)):
            got = run_model(opts.seqc, os.path.join(work, f"bad{i}"),
                            reference_rgnn.model(op, f, attrs), {"g." + k: v for k, v in w.items()},
                            bad, opts.flag)
            errors = got.splitlines() if isinstance(got, str) else []
            ok = any(name in line for line in errors)
            passed += ok
            failed += not ok
            why = ("the run succeeded" if not isinstance(got, str) else
                   f"the seqc.Error {'names' if ok else 'does not name'} '{name}': "
                   f"{got}")
            print(f"{'PASS' if ok else 'FAIL'} bad {op} {what}: {why}")
    return passed, failed


def stacked_model(first, second, f, attrs1, attrs2):
    """Node g (`first`) on x, node h (`second`) on g's output, one graph."""
    model = reference_rgnn.model(first, f, attrs1)
    graph = [name for name in model["inputs"] if name != "x"]
    if second == "hgt" and "node_type" not in graph:
        model["inputs"]["node_type"] = {"dtype": "i64", "shape": ["N"]}
        graph.append("node_type")
    inputs = ["g"] + [g for g in graph if g != "node_type" or second == "hgt"]
    model["nodes"].append({"name": "h", "op": second, "inputs": inputs, "attrs": attrs2})
    model["outputs"] = {"y": "h"}
    return model


def stack_cases(opts):
    rng = np.random.default_rng(19)
    passed = failed = 0
    for case in range(opts.cases):
        first, second = [("rgcn", "rgat"), ("rgat", "hgt"), ("hgt", "rgcn")][case % 3]
        n, e, f, mid = [9, 30, 1][case % 3], [40, 7, 3][case % 3], [5, 3, 4][case % 3], 4
        a1 = reference_rgnn.attrs(first, mid, 2, 3, 2)
        a2 = reference_rgnn.attrs(second, 6, 2, 3, 2)
        w1, w2 = make_weights(rng, first, f, a1), make_weights(rng, second, mid, a2)
        graph = reference_rgnn.random_graph(rng, n, e, 3, 2)
        inputs = {"x": rng.standard_normal((n, f)).astype(np.float32),
                  "edge_index": graph[0], "edge_type": graph[1], "node_type": graph[2]}
        model = stacked_model(first, second, f, a1, a2)
        inputs = {k: inputs[k] for k in model["inputs"]}
        weights = {"g." + k: v for k, v in w1.items()}
        weights.update({"h." + k: v for k, v in w2.items()})
        got = run_model(opts.seqc, os.path.join(opts.work, f"stack{case}"), model, weights,
                        inputs, opts.flag)
        desc = f"{first} -> {second} N={n} E={e}"
        if isinstance(got, str):
            failed += 1
            print(f"FAIL stack {case} {desc}: seqc failed: {got}")
            continue
        graph_in = {k: v for k, v in inputs.items() if k != "x"}
        mid_in = {"x": reference(first, {"x": inputs["x"], **{
            k: v for k, v in graph_in.items() if k != "node_type" or first == "hgt"}}, w1, a1)}
        mid_in.update({k: v for k, v in graph_in.items() if k != "node_type" or second == "hgt"})
        err = relative_error(got[0], reference(second, mid_in, w2, a2), opts.perturb)
        ok = err <= tolerance(opts)
        passed += ok
        failed += not ok
        print(f"{'PASS' if ok else 'FAIL'} stack {case} {desc}: rel err {err:.2e}")
    return passed, failed


def tolerance(opts):
    """SPEC §5's bound: f32's, or bf16's where the products read bf16."""
    return 2e-2 if "--precision=bf16" in opts.flag else TOL


def main():
    mode = cases
    for flag, fn in (("--bad-graph", bad_graph_cases), ("--stack", stack_cases)):
        if flag in sys.argv:
            sys.argv.remove(flag)
            mode = fn
    opts = parse_case_args(__doc__)
    passed, failed = mode(opts)
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
