#!/usr/bin/env python3
"""Streaming: a GLA layer run on a sequence in pieces, carrying its state
from one call to the next through the model's `s0` input and state output,
gives what one call on the whole sequence gives (and what the float64
reference gives).

Then the same pieces, and steps of one token, through run_into with one
state array as both s0 and the state output (Module.in_place pairs them
on the CPU: the kernels update the state where it is), from an array
aligned for that and from one that is not (the runtime copies), against
the float64 reference carried alike.

Extra arguments are `seqc compile` flags (e.g. to force the chunkwise
form: the 1-step piece then takes the recurrent decode path, the others
the chunks).

usage: streaming.py SEQC WORKDIR [COMPILE-FLAG]...
"""
import json
import os
import subprocess
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "..", "python"))
from seqc import reference as ref  # noqa: E402
from seqc.testing import package  # noqa: E402

D, HEADS, RANK = 12, 3, 4
KEY, VALUE = D // 2, D


def aligned_like(a, misaligned=False):
    """A copy of `a` whose data is 64-byte aligned (or 4 bytes past)."""
    raw = np.empty(a.size + 32, np.float32)
    skip = (-raw.ctypes.data % 64) // 4 + (1 if misaligned else 0)
    out = raw[skip:skip + a.size].reshape(a.shape)
    out[...] = a
    return out


def in_place_checks(module, x, s0, w, rng):
    """The pieces, then 5 one-token steps, with one state array in and out
    (run_into); the reference carries its state alike."""
    print(f"in place: {module.in_place}")
    weights = {k[2:]: v for k, v in w.items()}
    xs = [x[:, 0:1], x[:, 1:38], x[:, 38:]]
    xs += [rng.standard_normal((x.shape[0], 1, D)).astype(np.float32)
           for _ in range(5)]
    checks = []
    for label, misaligned in (("aligned", False), ("misaligned", True)):
        state = aligned_like(s0 + 0.25, misaligned)
        want_s = state.astype(np.float64)
        ys, want_ys = [], []
        for piece in xs:
            piece = np.ascontiguousarray(piece)
            out = module.run_into({"s": state}, x=piece, s0=state)
            assert out["s"] is state
            ys.append(out["y"])
            want_y, want_s = ref.gla(piece.astype(np.float64), weights,
                                     heads=HEADS, s0=want_s)
            want_ys.append(want_y)
        checks += [(f"in place ({label}) y", np.concatenate(ys, axis=1),
                    np.concatenate(want_ys, axis=1)),
                   (f"in place ({label}) s", state, want_s)]
    return checks


def core_model(heads, kd, vd):
    return {"seqc_model": 1, "name": "gla-core-stream",
            "inputs": {**{n: {"dtype": "f32", "shape": ["B", "T", heads * kd]}
                          for n in "qkg"},
                       "v": {"dtype": "f32", "shape": ["B", "T", heads * vd]},
                       "s0": {"dtype": "f32", "shape": ["B", heads, kd, vd]}},
            "nodes": [{"name": "c", "op": "gla_core",
                       "inputs": ["q", "k", "v", "g", "s0"],
                       "attrs": {"heads": heads}}],
            "outputs": {"o": "c", "state": "c:1"}}


def core_inputs(rng, b, t, heads, kd, vd):
    q, k, v = (rng.standard_normal((b, t, heads * n)).astype(np.float32)
               for n in (kd, kd, vd))
    g = np.log(rng.uniform(0.8, 1.0, (b, t, heads * kd))).astype(np.float32)
    return {"q": q, "k": k, "v": v, "g": g}


def core_in_place_checks(seqc, flags, rng):
    """gla_core with tiles of every kind (K = 24: a full 8-row tile and a
    tail; V = 40: a pair of value blocks and a lone one, the last partial)
    carried in place through pieces of 1, 19, 1 and 40 steps."""
    heads, kd, vd, b = 2, 24, 40, 2
    module = package.compile_model(core_model(heads, kd, vd), {}, flags,
                                   seqc_path=seqc)
    print(f"gla_core in place: {module.in_place}")
    state = aligned_like(rng.standard_normal((b, heads, kd, vd)).astype(
        np.float32))
    want_s = state.astype(np.float64)
    os_, want_os = [], []
    for t in (1, 19, 1, 40):
        x = core_inputs(rng, b, t, heads, kd, vd)
        out = module.run_into({"state": state}, s0=state, **x)
        os_.append(out["o"])
        want_o, want_s = ref.gla_core(x["q"], x["k"], x["v"], x["g"], heads,
                                      s0=want_s)
        want_os.append(want_o)
    return [("gla_core in place o", np.concatenate(os_, axis=1),
             np.concatenate(want_os, axis=1)),
            ("gla_core in place state", state, want_s)]


def carry_checks(seqc, work, flags, rng):
    """`seqc run --carry state=s0 --repeat 4`: five decode steps of one
    token, the state in one buffer from step to step."""
    heads, kd, vd, b = 2, 24, 40, 2
    os.makedirs(work, exist_ok=True)
    path = os.path.join(work, "core.json")
    with open(path, "w") as f:
        json.dump(core_model(heads, kd, vd), f)
    so = os.path.join(work, "core.so")
    subprocess.run([seqc, "compile", path, "-o", so, *flags])
    x = core_inputs(rng, b, 1, heads, kd, vd)
    x["s0"] = rng.standard_normal((b, heads, kd, vd)).astype(np.float32)
    args = [seqc, "run", so, "--carry", "state=s0", "--repeat", "4",
            "--output-dir", os.path.join(work, "out")]
    for name, a in x.items():
        np.save(os.path.join(work, name + ".npy"), a)
        args += ["--input", f"{name}={os.path.join(work, name + '.npy')}"]
    ran = subprocess.run(args, stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE, text=True)
    if ran.returncode != 0:  # (a failed check, with seqc's message)
        print(ran.stderr.strip())
        return [("seqc run --carry ran", np.array([np.inf]), np.zeros(1))]
    want_s = x["s0"]
    for _ in range(5):
        want_o, want_s = ref.gla_core(x["q"], x["k"], x["v"], x["g"], heads,
                                      s0=want_s)
    got = {n: np.load(os.path.join(work, "out", n + ".npy"))
           for n in ("o", "state")}
    return [("seqc run --carry o", got["o"], want_o),
            ("seqc run --carry state", got["state"], want_s)]


def main(seqc, work, flags=()):
    # (First: the device check's compile stage runs nothing, and the
    # script stops at its first run.)
    carried = carry_checks(seqc, os.path.join(work, "carry"), flags,
                           np.random.default_rng(11))
    rng = np.random.default_rng(7)
    w = {n: (rng.standard_normal(s) * 0.3).astype(np.float32) for n, s in {
        "l.q_proj.weight": (KEY, D), "l.k_proj.weight": (KEY, D),
        "l.v_proj.weight": (VALUE, D), "l.g_proj.weight": (VALUE, D),
        "l.gk_proj.0.weight": (RANK, D), "l.gk_proj.1.weight": (KEY, RANK),
        "l.gk_proj.1.bias": (KEY,),
        "l.g_norm_swish_gate.weight": (VALUE // HEADS,),
        "l.o_proj.weight": (D, VALUE)}.items()}
    model = {"seqc_model": 1, "name": "gla-stream",
             "inputs": {"x": {"dtype": "f32", "shape": ["B", "T", D]},
                        "s0": {"dtype": "f32", "shape": ["B", HEADS, KEY // HEADS,
                                                         VALUE // HEADS]}},
             "nodes": [{"name": "l", "op": "gla", "inputs": ["x", "s0"],
                        "attrs": {"heads": HEADS, "gate_rank": RANK}}],
             "outputs": {"y": "l", "s": "l:1"}}
    module = package.compile_model(model, w, flags, seqc_path=seqc)

    def run(x, s0, tag):
        out = module(x=x, s0=s0)
        return out["y"], out["s"]

    b, t = 2, 101
    x = rng.standard_normal((b, t, D)).astype(np.float32)
    s0 = np.zeros((b, HEADS, KEY // HEADS, VALUE // HEADS), np.float32)
    whole_y, whole_s = run(x, s0, "whole")
    ys, s = [], s0
    for i, (lo, hi) in enumerate([(0, 1), (1, 38), (38, t)]):  # 1 + 37 + rest
        y, s = run(np.ascontiguousarray(x[:, lo:hi]), s, f"piece{i}")
        ys.append(y)
    pieces_y = np.concatenate(ys, axis=1)
    ref_y, ref_s = ref.gla(x.astype(np.float64), {k[2:]: v for k, v in w.items()},
                           heads=HEADS, s0=s0.astype(np.float64))
    checks = [("pieces vs whole y", pieces_y, whole_y),
              ("pieces vs whole s", s, whole_s),
              ("whole vs reference y", whole_y, ref_y),
              ("pieces vs reference s", s, ref_s)]
    if hasattr(module, "run_into"):
        checks += in_place_checks(module, x, s0, w, rng)
        checks += core_in_place_checks(seqc, flags, rng)
    checks += carried
    failed = 0
    for name, got, want in checks:
        err = np.abs(got - want).max()
        tol = 1e-4 * max(1.0, np.abs(want).max())
        ok = err <= tol
        failed += not ok
        print(f"{'PASS' if ok else 'FAIL'} {name}: max error {err:.3g} (tol {tol:.3g})")
    print(f"{len(checks) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2], sys.argv[3:]))
