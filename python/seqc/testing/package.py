"""The package as the e2e tests and the benchmarks drive seqc: a model
description and its weights in memory → seqc.Model → seqc.compile → a
Module, called on NumPy arrays. `seqc compile`'s flags, which the tests
and benches take on their command lines, become compile()'s options."""
import os
import re
import shutil

import seqc


def use_build_of(seqc_path):
    """Makes the package use the build that holds the `seqc` binary at
    `seqc_path` (its bin/ directory's parent; a bare name is looked up on
    PATH), so that a test of one build never runs another."""
    if os.sep not in seqc_path:
        seqc_path = shutil.which(seqc_path) or seqc_path
    path = os.path.realpath(seqc_path)
    build = os.path.dirname(os.path.dirname(path))
    if os.path.basename(os.path.dirname(path)) == "bin" and os.path.isfile(
            os.path.join(build, "lib", "libseqc_runtime.so")):
        os.environ["SEQC_BUILD_DIR"] = build


_PASS_OPTIONS = re.compile(r"--pass-options=([A-Za-z0-9-]+)\{(.*)\}$")


def compile_kwargs(flags):
    """`seqc compile` flags (--target=, --precision=, --threads=, --cpu=,
    --gpu-arch=, -O<n>, --pass-options=PASS{...}) as keyword arguments of
    seqc.compile; ValueError for any other."""
    kwargs = {}
    for flag in flags:
        match = _PASS_OPTIONS.match(flag)
        if match:
            kwargs[match.group(1).replace("-", "_")] = match.group(2)
            continue
        key, _, value = flag.partition("=")
        if key in ("--target", "--precision", "--cpu", "--gpu-arch"):
            kwargs[key[2:].replace("-", "_")] = value
        elif key == "--threads":
            kwargs["threads"] = int(value)
        elif re.fullmatch(r"-O[0-3]", flag):
            kwargs["opt_level"] = int(flag[2:])
        else:
            raise ValueError("no seqc.compile option for the flag %r" % flag)
    return kwargs


def model_of(description, weights, weight_dtypes=None):
    """A seqc.Model of a description and {name: array}; `weight_dtypes`
    marks the names stored as "bf16"."""
    model = seqc.Model(description, weights)
    model.bf16 = {name for name, dtype in (weight_dtypes or {}).items()
                  if dtype == "bf16" and name in model.tensors}
    return model


def compile_model(description, weights, flags=(), weight_dtypes=None):
    """seqc.compile of the model (with `flags` as its options): a Module.
    Raises seqc.Error with the compiler's message."""
    return seqc.compile(model_of(description, weights, weight_dtypes),
                        **compile_kwargs(flags))
