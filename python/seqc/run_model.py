"""Shared by the model-level end-to-end tests: compile a one-model case
through the package (seqc.Model → seqc.compile → Module) and compare its
outputs with a reference (SPEC §5)."""
import json
import os

import numpy as np

import seqc
from seqc.testing import package

TOL = 1e-4


def run_model(seqc_path, work, model, weights, inputs, flags=()):
    """Compiles `model` (a description) with `weights` ({name: array})
    through the package, with the `seqc compile` flags `flags` as
    seqc.compile's options, using the build of the `seqc` binary at
    `seqc_path` (package.compile_model); runs it on `inputs` ({name:
    array}). Returns the outputs
    as a list in the model's output order, or the error's message (the
    CLI's, without its "seqc: error: "). `work` receives model.json, for
    reading a failure."""
    os.makedirs(work, exist_ok=True)
    with open(os.path.join(work, "model.json"), "w") as f:
        json.dump(model, f, indent=1)
    try:
        with package.compile_model(model, weights, flags,
                                   seqc_path=seqc_path) as module:
            got = module(**inputs)
            return [got[name] for name in model["outputs"]]
    except seqc.Error as e:
        return e.message


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
                    help="a `seqc compile` flag, given to seqc.compile as "
                    "its option (repeatable)")
    if extra:
        extra(ap)
    return ap.parse_args()
