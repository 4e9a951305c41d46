"""The package as the e2e tests and the benchmarks drive seqc: a model
description and its weights in memory → seqc.Model → seqc.compile → a
Module, called on NumPy arrays. `seqc compile`'s flags, which the tests
and benches take on their command lines, become compile()'s options.

compile_model returns a CliModule instead, the same calls through the
`seqc` executable (`seqc compile` once, `seqc run` per call), where the
package cannot drive that seqc's build itself: the executable the caller
was given is no build's binary (the device check's stand-in, which
compiles on this machine and runs on the GPU's), or the Python process
cannot load the build's runtime library (the sanitizer tier's,
instrumented with ASan and libFuzzer's coverage: lit sets
SEQC_E2E_VIA=cli there)."""
import os
import re
import shutil
import subprocess
import tempfile

import seqc
from seqc import _paths
from seqc.compiler import _message


def use_build_of(seqc_path):
    """Makes the package use the build that holds the `seqc` binary at
    `seqc_path` (its bin/ directory's parent; a bare name is looked up on
    PATH), so that a test of one build never runs another. False when
    `seqc_path` is no build's binary (the device check's stand-in, say):
    the package then has no build of that seqc to use."""
    if os.sep not in seqc_path:
        seqc_path = shutil.which(seqc_path) or seqc_path
    path = os.path.realpath(seqc_path)
    build = os.path.dirname(os.path.dirname(path))
    if os.path.basename(os.path.dirname(path)) != "bin" or not os.path.isfile(
            os.path.join(build, "lib", "libseqc_runtime.so")):
        return False
    os.environ["SEQC_BUILD_DIR"] = build
    return True


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


def compile_model(description, weights, flags=(), weight_dtypes=None,
                  seqc_path=None):
    """seqc.compile of the model (with `flags` as its options), using the
    build of the executable `seqc_path` when given: a Module, or a
    CliModule (module docstring). Raises seqc.Error with the compiler's
    message."""
    model = model_of(description, weights, weight_dtypes)
    own_build = seqc_path is None or use_build_of(seqc_path)
    if not own_build or os.environ.get("SEQC_E2E_VIA") == "cli":
        return CliModule(model, flags, seqc_path)
    return seqc.compile(model, **compile_kwargs(flags))


class CliModule:
    """A Module's calls (``module(**inputs)`` → {output: array},
    ``threads``, ``close``, ``save``) through the build's `seqc` executable:
    `seqc compile` once, `seqc run` on .npy files per call."""

    def __init__(self, model, flags=(), seqc_path=None):
        self._work = tempfile.mkdtemp(prefix="seqc-cli-")
        if seqc_path and os.sep not in seqc_path:
            seqc_path = shutil.which(seqc_path) or seqc_path
        self._seqc = seqc_path or _paths.compiler()
        self._outputs = list(model.description["outputs"])
        self._calls = 0
        self.threads = 0
        path = model.save(os.path.join(self._work, "model"))
        self._weights = (os.path.join(self._work, "model", "model.safetensors")
                         if model.tensors else None)
        self._library = os.path.join(self._work, "model.so")
        self._run(["compile", path, "-o", self._library] + list(flags))

    def _run(self, args):
        run = subprocess.run([self._seqc] + args, stdin=subprocess.DEVNULL,
                             capture_output=True, text=True, errors="replace")
        if run.returncode != 0:
            # As seqc.compile words it (each "seqc: error: " dropped).
            raise seqc.Error(_message(run.stderr, ()) or "no message")

    def __call__(self, **inputs):
        import numpy as np
        call = os.path.join(self._work, "call%d" % self._calls)
        self._calls += 1
        os.makedirs(call)
        args = ["run", self._library, "--output-dir",
                os.path.join(call, "out")]
        if self._weights:
            args += ["--weights", self._weights]
        if self.threads:
            args += ["--threads", str(self.threads)]
        for name, array in inputs.items():
            np.save(os.path.join(call, name + ".npy"), array)
            args += ["--input", "%s=%s" % (name, os.path.join(
                call, name + ".npy"))]
        self._run(args)
        return {name: np.load(os.path.join(call, "out", name + ".npy"))
                for name in self._outputs}

    def save(self, path):
        """The library at `path`, its weights beside it as the .safetensors
        of the same name (as Module.save)."""
        shutil.copyfile(self._library, path)
        if self._weights:
            shutil.copyfile(self._weights, os.path.splitext(path)[0] +
                            ".safetensors")
        return path

    def close(self):
        shutil.rmtree(self._work, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
