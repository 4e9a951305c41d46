#!/usr/bin/env python3
"""A decode's state in one buffer, for every op that carries a state:
linear_recurrence (h0 → h_T), lif / plif / if_neuron (v0 → v), cuba_lif
(v0 → v and i0 → i) and rnn (GRU: h0 → h_n; LSTM: h0, c0 → h_n, c_n). The
GLA ones are in streaming.py.

Each model runs pieces of 1, 3, 1 and 2 steps:
- through the package, Module.run_into with each state array passed as the
  input and as the output Module.in_place pairs it with (on the CPU the
  kernels update it where it is), from 64-byte-aligned arrays and from
  misaligned ones (the runtime copies), and
- through `seqc run --carry OUTPUT=INPUT --repeat 2` (three steps of one
  token, one buffer each; also where the package is not in this process),
against the float64 references carrying their state alike. Spikes follow
seqc's where SPEC §5 allows either (a charge within 1e-4 of the threshold).

usage: in_place.py SEQC WORKDIR [COMPILE-FLAG]...
"""
import json
import os
import subprocess
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "..", "python"))
import seqc as seqc_package  # noqa: E402
from seqc import reference as ref  # noqa: E402
from seqc import reference_rnn  # noqa: E402
from seqc.testing import package  # noqa: E402
from seqc.testing.spiking import Neuron  # noqa: E402

B = 3
PIECES = (1, 3, 1, 2)


class Case:
    """A model with state inputs: `pairs` {state output: its input};
    `make(rng, t)` the other inputs of a piece of t steps; `step(x,
    states, got)` the float64 reference of a piece from `states` (seqc's
    outputs `got`, for spikes to follow): (outputs, new states), both by
    output name."""

    def __init__(self, label, description, weights, pairs, start, make, step):
        self.label, self.description, self.weights = label, description, weights
        self.pairs, self.start, self.make, self.step = pairs, start, make, step


def model(name, inputs, node, outputs):
    return {"seqc_model": 1, "name": name, "inputs": inputs, "nodes": [node],
            "outputs": outputs}


def f32(shape):
    return {"dtype": "f32", "shape": shape}


def recurrence_case(rng):
    d = 37  # two 16-lane blocks and a partial one
    desc = model("recurrence", {"a": f32(["B", "T", d]), "b": f32(["B", "T", d]),
                                "h0": f32(["B", d])},
                 {"name": "r", "op": "linear_recurrence",
                  "inputs": ["a", "b", "h0"]}, {"h": "r", "h_last": "r:1"})

    def make(rng, t):
        return {"a": rng.uniform(0.5, 1.0, (B, t, d)).astype(np.float32),
                "b": rng.standard_normal((B, t, d)).astype(np.float32)}

    def step(x, states, got):
        h, last = ref.linear_recurrence(x["a"], x["b"], states["h_last"])
        return {"h": h}, {"h_last": last}
    start = {"h_last": rng.standard_normal((B, d)).astype(np.float32)}
    return Case("linear_recurrence D=37", desc, {}, {"h_last": "h0"}, start,
                make, step)


def neuron_case(rng, kind, i, tail):
    n = Neuron(rng, i, kind, tail=tail)
    cuba = kind == "cuba_lif"
    inputs = {"x": f32(["B", "T"] + tail), "v0": f32(["B"] + tail)}
    outputs = {"y": "n", "v": "n:1"}
    pairs = {"v": "v0"}
    if cuba:
        inputs["i0"] = f32(["B"] + tail)
        outputs["i"] = "n:2"
        pairs["i"] = "i0"
    desc = model(kind, inputs, n.node("x", "v0", "i0" if cuba else None),
                 outputs)
    scale = n.gap()

    def make(rng, t):
        x = rng.standard_normal([B, t] + tail) * abs(scale) + 0.8 * scale
        return {"x": x.astype(np.float32)}

    def step(x, states, got):
        r = n.run(x["x"], follow=got.get("y"), v0=states["v"],
                  i0=states.get("i"))
        return {"y": r["y"]}, {k: r[k] for k in pairs}
    start = {"v": n.draw_v0(rng, [B] + tail)}
    if cuba:
        start["i"] = (rng.standard_normal([B] + tail) * abs(scale)).astype(
            np.float32)
    return Case(f"{kind} neurons={tail} {n.desc()}", desc, n.w, pairs, start,
                make, step)


def rnn_case(rng, cell, layers, bidirectional, hidden):
    d, dirs, g = 19, 2 if bidirectional else 1, {"gru": 3, "lstm": 4}[cell]
    lstm = cell == "lstm"
    w = {}
    for l in range(layers):
        for sfx in [f"_l{l}", f"_l{l}_reverse"][:dirs]:
            width = d if l == 0 else dirs * hidden
            for name, shape in (("weight_ih", (g * hidden, width)),
                                ("weight_hh", (g * hidden, hidden)),
                                ("bias_ih", (g * hidden,)),
                                ("bias_hh", (g * hidden,))):
                w[name + sfx] = (rng.standard_normal(shape) * 0.3).astype(
                    np.float32)
    state = f32([layers * dirs, "B", hidden])
    inputs = {"x": f32(["B", "T", d]), "h0": state}
    outputs = {"y": "r", "h_n": "r:1"}
    pairs = {"h_n": "h0"}
    if lstm:
        inputs["c0"] = state
        outputs["c_n"] = "r:2"
        pairs["c_n"] = "c0"
    desc = model(cell, inputs,
                 {"name": "r", "op": "rnn", "inputs": list(inputs),
                  "attrs": {"cell": cell, "hidden": hidden, "layers": layers,
                            "bidirectional": bidirectional}}, outputs)

    def make(rng, t):
        return {"x": rng.standard_normal((B, t, d)).astype(np.float32)}

    def step(x, states, got):
        r = reference_rnn.rnn(x["x"], w, cell, hidden, layers,
                              h0=states["h_n"], c0=states.get("c_n"),
                              bidirectional=bidirectional)
        return {"y": r[0]}, dict(zip(pairs, r[1:]))
    start = {k: (rng.standard_normal((layers * dirs, B, hidden)) * 0.5).astype(
        np.float32) for k in pairs}
    return Case(f"rnn {cell} layers={layers} bidirectional={bidirectional} "
                f"H={hidden}", desc, {"r." + k: v for k, v in w.items()}, pairs,
                start, make, step)


def cases(rng):
    return [recurrence_case(rng),
            neuron_case(rng, "lif", 1, [21]),
            neuron_case(rng, "plif", 2, [3, 5]),
            neuron_case(rng, "if_neuron", 3, []),
            neuron_case(rng, "cuba_lif", 4, [33]),
            rnn_case(rng, "gru", 2, True, 24),
            rnn_case(rng, "lstm", 1, False, 20)]


def aligned_like(a, misaligned):
    """A copy of `a` whose data is 64-byte aligned (or 4 bytes past)."""
    raw = np.empty(a.size + 32, np.float32)
    skip = (-raw.ctypes.data % 64) // 4 + (1 if misaligned else 0)
    out = raw[skip:skip + a.size].reshape(a.shape)
    out[...] = a
    return out


def compare(label, got, want, failed):
    err = np.abs(got - want).max() if want.size else 0.0
    tol = 1e-4 * max(1.0, np.abs(want).max() if want.size else 1.0)
    ok = err <= tol
    print(f"{'PASS' if ok else 'FAIL'} {label}: max error {err:.3g} "
          f"(tol {tol:.3g})")
    failed.append(not ok)


def signature_pairs(so):
    """The module's "in_place" pairs, from the signature in the library
    (a NUL-terminated JSON text, seqc_module_abi.h), as {output: input}."""
    with open(so, "rb") as f:
        data = f.read()
    start = data.find(b'{"abi":')
    sig = json.loads(data[start:data.find(b"\0", start)])
    return {p["output"]: p["input"] for p in sig.get("in_place", [])}


def package_checks(case, module, rng, failed):
    if module.in_place != signature_pairs(module.library):
        print(f"FAIL {case.label}: Module.in_place is {module.in_place}")
        failed.append(True)
    for label, misaligned in (("aligned", False), ("misaligned", True)):
        states = {o: aligned_like(a, misaligned) for o, a in case.start.items()}
        want_states = {o: a.astype(np.float64) for o, a in case.start.items()}
        for t in PIECES:
            x = case.make(rng, t)
            got = module.run_into(states, **x, **{case.pairs[o]: a
                                                  for o, a in states.items()})
            want, want_states = case.step(x, want_states, got)
            for name in want:
                compare(f"{case.label} {label} T={t} {name}", got[name],
                        want[name], failed)
        for name in states:
            compare(f"{case.label} {label} state {name}", states[name],
                    want_states[name], failed)


def carry_checks(case, seqc, so, work, rng, failed):
    """Three steps of one token with `seqc run --carry`."""
    x = case.make(rng, 1)
    args = [seqc, "run", so, "--repeat", "2", "--output-dir",
            os.path.join(work, "out")]
    for name, a in list(x.items()) + [(case.pairs[o], a)
                                      for o, a in case.start.items()]:
        np.save(os.path.join(work, name + ".npy"), a)
        args += ["--input", f"{name}={os.path.join(work, name + '.npy')}"]
    for output, inp in case.pairs.items():
        args += ["--carry", f"{output}={inp}"]
    ran = subprocess.run(args, stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE, text=True)
    if ran.returncode != 0:
        print(f"FAIL {case.label} seqc run --carry: {ran.stderr.strip()}")
        failed.append(True)
        return
    got = {name: np.load(os.path.join(work, "out", name + ".npy"))
           for name in case.description["outputs"]}
    states = {o: a.astype(np.float64) for o, a in case.start.items()}
    for i in range(3):
        # (Only the last step's spikes are seqc's to follow.)
        want, states = case.step(x, states, got if i == 2 else {})
    for name in list(want) + list(states):
        compare(f"{case.label} seqc run --carry {name}", got[name],
                (want | states)[name], failed)


def main(seqc, work, flags=()):
    rng = np.random.default_rng(20261205)
    failed = []
    # The package in this process, on the build of `seqc` (not in the
    # sanitizer tier, whose runtime only its own executables load).
    in_process = (package.use_build_of(seqc)
                  and os.environ.get("SEQC_E2E_VIA") != "cli")
    for i, case in enumerate(cases(rng)):
        case_dir = os.path.join(work, str(i))
        os.makedirs(case_dir, exist_ok=True)
        path = package.model_of(case.description, case.weights).save(case_dir)
        so = os.path.join(case_dir, "model.so")
        compiled = subprocess.run([seqc, "compile", path, "-o", so, *flags],
                                  stderr=subprocess.PIPE, text=True)
        if compiled.returncode != 0:
            print(f"FAIL {case.label}: {compiled.stderr.strip()}")
            failed.append(True)
            continue
        print(f"{case.label}: in place {signature_pairs(so)}")
        carry_checks(case, seqc, so, case_dir, rng, failed)
        if in_process:
            package_checks(case, seqc_package.load(so), rng, failed)
    print(f"{failed.count(False)} passed, {failed.count(True)} failed")
    return 1 if any(failed) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2], sys.argv[3:]))
