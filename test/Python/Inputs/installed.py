#!/usr/bin/env python3
"""Run by the Python of a virtual environment that `pip install` put seqc
in: the package imported is the installed one, it uses the compiler and
runtime library bundled in it (seqc/_bin), and a model compiled with them
runs right (against the installed seqc.reference, float64, SPEC §5).

usage: installed.py VENV"""
import os
import sys

import numpy as np

import seqc
from seqc import _paths
from seqc import reference as ref


def main(venv):
    venv = os.path.realpath(venv)
    package = os.path.dirname(os.path.realpath(seqc.__file__))
    bundled = os.path.join(package, "_bin")
    print("installed in the venv:", package.startswith(venv + os.sep))
    print("bundled compiler:",
          os.path.dirname(os.path.realpath(_paths.compiler())) == bundled)
    print("bundled runtime:", os.path.dirname(
        os.path.realpath(_paths.runtime_library())) == bundled)
    rng = np.random.default_rng(3)
    w = {"l0.weight": rng.standard_normal((5, 9)).astype(np.float32),
         "l0.bias": rng.standard_normal(5).astype(np.float32)}
    module = seqc.compile(seqc.Model(
        {"seqc_model": 1, "name": "installed",
         "inputs": {"x": {"dtype": "f32", "shape": ["T", 9]}},
         "nodes": [{"name": "l0", "op": "linear", "inputs": ["x"],
                    "attrs": {"out": 5}}],
         "outputs": {"y": "l0"}}, w))
    x = rng.standard_normal((11, 9)).astype(np.float32)
    want = ref.linear(x, w["l0.weight"], w["l0.bias"])
    err = np.abs(module(x)["y"] - want).max() / max(1.0, np.abs(want).max())
    print("runs within 1e-4:", err <= 1e-4)


if __name__ == "__main__":
    main(sys.argv[1])
