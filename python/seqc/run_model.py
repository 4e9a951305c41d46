"""Shared by the model-level end-to-end tests: write a one-model case, run it
through `seqc run`, and compare its outputs with a reference (SPEC §5)."""
import json
import os
import subprocess

import numpy as np

from seqc.safetensors_io import write_arrays

TOL = 1e-4


def run_model(seqc, work, model, weights, inputs, flags=()):
    """Writes model.json (+ w.safetensors when `weights`) and the input
    .npy files into `work`, runs `seqc run` (with `flags`), and returns the
    outputs as a list in the model's output order, or the error text."""
    os.makedirs(work, exist_ok=True)
    if weights:
        write_arrays(os.path.join(work, "w.safetensors"), weights)
        model = dict(model, weights="w.safetensors")
    with open(os.path.join(work, "m.json"), "w") as f:
        json.dump(model, f)
    args = [seqc, "run", os.path.join(work, "m.json"),
            "--output-dir", os.path.join(work, "out")] + list(flags)
    for name, array in inputs.items():
        path = os.path.join(work, name + ".npy")
        np.save(path, array)
        args += ["--input", f"{name}={path}"]
    run = subprocess.run(args, capture_output=True, text=True)
    if run.returncode != 0:
        return run.stderr.strip()
    return [np.load(os.path.join(work, "out", name + ".npy"))
            for name in model["outputs"]]


def relative_error(got, want, perturb=False):
    """max|got − want| / max(1, max|want|), infinite on a shape mismatch;
    `perturb` shifts the reference so that every comparison must fail."""
    want = np.asarray(want, np.float64) + (1e-3 if perturb else 0.0)
    if got.shape != want.shape:
        return float("inf")
    return float(np.abs(got - want).max() / max(1.0, np.abs(want).max()))


def parse_case_args(description, extra=None):
    """The command line the model-level test scripts share:
    SEQC WORKDIR [--cases N] [--perturb] [--flag F]...; `extra(parser)`
    adds a script's own options."""
    import argparse
    ap = argparse.ArgumentParser(description=description)
    ap.add_argument("seqc")
    ap.add_argument("work")
    ap.add_argument("--cases", type=int, default=20)
    ap.add_argument("--perturb", action="store_true")
    ap.add_argument("--flag", action="append", default=[],
                    help="a flag for `seqc run` (repeatable)")
    if extra:
        extra(ap)
    return ap.parse_args()
