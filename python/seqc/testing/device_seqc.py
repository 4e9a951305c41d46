#!/usr/bin/env python3
"""Stands in for `seqc` in the end-to-end scripts so that they check a GPU
that is on another machine (scripts/device-check.sh). The scripts are
seeded: run twice, they write the same models, weights and inputs. So:

  compile stage (the machine with the compiler): every model a script
  compiles or runs is compiled with SEQC_DEVICE_FLAGS (e.g. --target=cuda
  --gpu-arch=sm_90) into SEQC_DEVICE_CACHE/<key>.so, the key a hash of the
  model file, its weights and the compile flags; nothing runs (a run says
  so and fails: the script's verdicts mean nothing at this stage);

  run stage (the machine with the GPU, the runtime alone): `compile` copies
  the cached module to its -o path, `run MODEL.json` and `run MODULE.so`
  run with SEQC_DEVICE_RUNNER (seqc-run) on --device=cuda, so that the
  scripts check the GPU's outputs against their float64 references.

Environment: SEQC_DEVICE_STAGE (compile | run), SEQC_DEVICE_CACHE,
SEQC_DEVICE_SEQC (the compiler, compile stage), SEQC_DEVICE_FLAGS,
SEQC_DEVICE_RUNNER and SEQC_DEVICE_RUN_DEVICE (run stage; default cuda,
cpu to check the check with --target=cuda-simulation). Standard library
only."""
import hashlib
import json
import os
import shlex
import shutil
import subprocess
import sys

# `seqc run` options that seqc-run takes (each with a value); every other
# option is a compile flag.
RUN_OPTIONS = {"--input", "--inputs-dir", "--weights", "--output-dir",
               "--threads", "--repeat", "--device", "--carry"}


def split(args):
    """(positional, run options as [(name, value)], compile flags)."""
    positional, run, flags = [], [], []
    i = 0
    while i < len(args):
        a = args[i]
        name = a.split("=", 1)[0]
        if not a.startswith("-"):
            positional.append(a)
        elif name in RUN_OPTIONS or name == "-o":
            if "=" in a:
                run.append((name, a.split("=", 1)[1]))
            else:
                i += 1
                run.append((name, args[i]))
        else:
            flags.append(a)
        i += 1
    return positional, run, flags


def weights_of(model, given):
    """The weights file a model is compiled with: --weights, else the one
    the model names (relative to it), else None."""
    if given is not None:
        return given
    with open(model) as f:
        named = json.load(f).get("weights")
    return os.path.join(os.path.dirname(model), named) if named else None


def key(model, weights, flags):
    h = hashlib.sha256()
    with open(model, "rb") as f:
        h.update(f.read())
    weights = weights_of(model, weights)
    if weights:
        with open(weights, "rb") as f:
            h.update(f.read())
    h.update(" ".join(flags).encode())
    return h.hexdigest()[:24]


def main():
    args = sys.argv[1:]
    stage = os.environ["SEQC_DEVICE_STAGE"]
    cache = os.environ["SEQC_DEVICE_CACHE"]
    command, rest = args[0], args[1:]
    positional, run, flags = split(rest)
    options = dict(run)
    target = positional[0]
    is_model = command == "compile" or target.endswith(".json")
    so = (os.path.join(cache, key(target, options.get("--weights"), flags)
                       + ".so") if is_model else None)
    if stage == "compile":
        if is_model and not os.path.exists(so):
            os.makedirs(cache, exist_ok=True)
            argv = ([os.environ["SEQC_DEVICE_SEQC"], "compile", target, "-o",
                     so] + flags
                    + shlex.split(os.environ.get("SEQC_DEVICE_FLAGS", "")))
            if "--weights" in options:
                argv += ["--weights", options["--weights"]]
            p = subprocess.run(argv)
            if p.returncode != 0:
                return p.returncode
        if command == "compile":
            shutil.copyfile(so, options["-o"])
            return 0
        print("device check: compiled, not run (compile stage)",
              file=sys.stderr)
        return 1
    if command == "compile":
        if not os.path.exists(so):
            print("device check: %s was not compiled in the compile stage"
                  % target, file=sys.stderr)
            return 1
        shutil.copyfile(so, options["-o"])
        # The module names the weights' path on the compiling machine: a
        # run of it without --weights gets this machine's.
        weights = weights_of(target, options.get("--weights"))
        with open(options["-o"] + ".weights", "w") as f:
            f.write(os.path.abspath(weights) if weights else "")
        return 0
    module = so if is_model else target
    if not os.path.exists(module):
        print("device check: %s was not compiled in the compile stage"
              % target, file=sys.stderr)
        return 1
    argv = [os.environ["SEQC_DEVICE_RUNNER"], "run", module,
            "--device=" + os.environ.get("SEQC_DEVICE_RUN_DEVICE", "cuda")]
    if "--weights" not in options:
        weights = (weights_of(target, None) if is_model else
                   open(target + ".weights").read()
                   if os.path.exists(target + ".weights") else None)
        if weights:
            argv += ["--weights", weights]
    for name, value in run:
        if name != "--device":
            argv += [name, value]
    return subprocess.run(argv).returncode


if __name__ == "__main__":
    sys.exit(main())
