"""End-to-end numerics driver: compiles random one-op models with seqc, runs
them on .npy inputs and checks every output against seqc.reference (float64,
written from SPEC §4) with the SPEC §5 bound
    max|y − ref| ≤ 1e-4 · max(1, max|ref|).

usage: e2e.py --seqc PATH --op OP [--cases N] [--seed S] [--work-dir DIR]
              [--perturb] [--precision bf16]

--precision bf16 compiles every case with `--precision=bf16` and checks
SPEC §5's bf16 bound instead: 2e-2 · max(1, max|ref|), spikes compared
where the charge is further than 2e-2 from v_threshold.

A case is one random static configuration (feature sizes, heads, kernel,
attrs, weights), compiled once, then run at several batch/time sizes bound
to the model's symbolic dims "B" and "T". Cases vary how the case reaches
seqc (the CLI with compile-time --weights, with the model's "weights" key,
`seqc run MODEL.json`; or the Python package: seqc.Model → seqc.compile →
Module) and the thread count. One line per case; the last line is
`N passed, M failed`; the exit status is 1 when any case failed.

Spike outputs of the spiking ops (SPEC §4.5) are checked as SPEC §5 says:
exactly 0 or 1, and equal to the reference wherever the reference charge H
is further than 1e-4 from v_threshold; within that margin either spike is
right, and the reference goes on from the spike seqc chose. Such ops may
mark a run skipped where a spike they cannot observe is that close (it is
named on the case's line and not compared).

--perturb shifts the reference by 1e-3 · max(1, max|ref|) (bf16: 0.2 ·
max(1, max|ref|)) at one element of
every output (flips one spike of a spike output), so every case must fail:
it proves the check can fail.

This module holds that driver: Seqc (runs the seqc tool), run_case (one
case at all its sizes, checked against the reference), check_spikes and the
command line, main(); python/seqc/e2e.py is the script that runs it. The
cases come from seqc.testing.cases.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

import numpy as np

import seqc as seqc_package
from seqc import reference as ref
from seqc.safetensors_io import write_arrays
from seqc.testing import package, random_shapes
from seqc.testing.cases import GENERATORS, SEED_ORDER

TOL = 1e-4
# SPEC §5: gla / gla_core at T ≥ 4096 are held to 2e-4.
LONG_OPS, LONG_TOL = ("gla", "gla_core"), 2e-4
# SPEC §5 with --precision=bf16: outputs and the spikes' margin.
BF16_TOL = 2e-2


# --- running seqc ---------------------------------------------------------

class Seqc:
    def __init__(self, path, compile_flags=()):
        self.path = path
        self.compile_flags = list(compile_flags)

    def __call__(self, args):
        """Runs seqc, adding the compile flags wherever it compiles;
        returns (exit status, stdout + stderr, argv)."""
        compiles = args[0] == "compile" or args[1].endswith(".json")
        argv = [self.path] + args + (self.compile_flags if compiles else [])
        # The binary may be relinked under us (missing, not yet executable,
        # busy): retry for up to two minutes before giving up.
        for attempt in range(25):
            try:
                p = subprocess.run(argv, stdout=subprocess.PIPE,
                                   stderr=subprocess.STDOUT, text=True)
                return p.returncode, p.stdout, argv
            except OSError as e:
                if attempt == 24:
                    return 127, "cannot run seqc: %s" % e, argv
                time.sleep(5)


def shell(argv):
    return " ".join(argv)


# How the case reaches seqc, cycled per case.
#   compile: `seqc compile --weights W`, `seqc run m.so --weights W`
#   model:   the model's "weights" key; `seqc compile`, `seqc run m.so`
#   json:    `seqc run MODEL.json --weights W` (compiles on the fly)
#   package: the Python package: seqc.Model (description and weights in
#            memory) → seqc.compile (the compile flags as its options) →
#            Module, called on the arrays
MODES = ["compile", "model", "json", "package"]


def run_case(seqc, op, index, cfg, mode, threads, workdir, rng, perturb,
             bf16=False):
    """Compiles and runs one configuration at all its sizes (with bf16
    products and their bound when `bf16`); returns (passed, summary text,
    detail lines)."""
    cdir = os.path.join(workdir, "%s-%02d" % (op, index))
    os.makedirs(cdir, exist_ok=True)
    model = {"seqc_model": 1, "name": "%s-%d" % (op, index),
             "inputs": cfg.inputs, "nodes": cfg.nodes,
             "outputs": cfg.outputs}
    wpath = os.path.join(cdir, "w.safetensors")
    if cfg.weights:
        write_arrays(wpath, cfg.weights, cfg.weight_dtypes)
        if mode == "model":
            model["weights"] = "w.safetensors"
    mpath = os.path.join(cdir, "model.json")
    with open(mpath, "w") as f:
        json.dump(model, f, indent=1)
    wargs = ["--weights", wpath] if cfg.weights and mode != "model" else []

    details = []
    module = None
    if mode == "json":
        target = mpath
    elif mode == "package":
        target = "seqc.compile(%s)" % mpath
        try:
            module = package.compile_model(model, cfg.weights,
                                           seqc.compile_flags,
                                           cfg.weight_dtypes)
        except seqc_package.Error as e:
            details.append("  seqc.compile failed: %s\n    %s"
                           % (target, e.message))
            return False, "compile failed", details
        module.threads = threads
    else:
        target = os.path.join(cdir, "m.so")
        rc, out, argv = seqc(["compile", mpath, "-o", target] + wargs)
        if rc != 0:
            details.append("  compile failed (exit %d): %s\n    %s"
                           % (rc, shell(argv), out.strip()))
            return False, "compile failed", details

    worst = {}
    spikes = {}     # spike output → [differing, near the threshold, total]
    density = {}    # label → [spikes, total]
    skipped = []
    ok = True
    for B, T in cfg.sizes:
        rdir = os.path.join(cdir, "B%d-T%d" % (B, T))
        odir = os.path.join(rdir, "out")
        os.makedirs(rdir, exist_ok=True)
        shutil.rmtree(odir, ignore_errors=True)
        inputs = cfg.make_inputs(rng, B, T)
        args = ["run", target, "--output-dir", odir,
                "--threads", str(threads)] + wargs
        for name, arr in inputs.items():
            p = os.path.join(rdir, name + ".npy")
            np.save(p, arr)
            args += ["--input", "%s=%s" % (name, p)]
        if module is not None:
            argv = ["module(%s) of" % ", ".join(
                "%s=%s.npy" % (n, n) for n in inputs), target, "in", rdir]
            try:
                loaded = module(**inputs)
            except seqc_package.Error as e:
                ok = False
                details.append("  B=%d T=%d: the module's run failed: %s\n"
                               "    %s" % (B, T, shell(argv), e.message))
                continue
        else:
            rc, out, argv = seqc(args)
            if rc != 0:
                ok = False
                details.append("  B=%d T=%d: seqc run failed (exit %d): %s"
                               "\n    %s" % (B, T, rc, shell(argv),
                                            out.strip()))
                continue
            loaded = {}
        got, problems = {}, {}
        for name in cfg.outputs:
            path = os.path.join(odir, name + ".npy")
            try:
                y = loaded[name] if module is not None else np.load(path)
            except Exception as e:  # noqa: BLE001 - report any load error
                problems[name] = "cannot load %s: %s" % (
                    "output " + name if module is not None else path, e)
            else:
                if y.dtype != np.float32:
                    problems[name] = "dtype %s, expected float32" % y.dtype
                else:
                    got[name] = y
        full = (cfg.reference(inputs, got) if cfg.follow
                else cfg.reference(inputs))
        for key, s in full.items():
            if key.startswith("@density:"):
                d = density.setdefault(key[len("@density:"):], [0, 0])
                d[0] += float(np.sum(s))
                d[1] += s.size
        if "@skip" in full and not problems:
            skipped.append("%dx%d (%s)" % (B, T, full["@skip"]))
            continue
        expected = {name: r for name, r in full.items()
                    if name in cfg.outputs}
        dists = {name: full["@dist:" + name] for name in expected
                 if "@dist:" + name in full}
        if perturb:
            for name, r in expected.items():
                r = r.copy()
                if name in dists:
                    # A wrong spike, away from the threshold.
                    r.flat[0] = 1.0 - r.flat[0]
                    dists[name] = dists[name].copy()
                    dists[name].flat[0] = np.inf
                else:
                    r.flat[0] += (10 * BF16_TOL if bf16 else 1e-3) * max(
                        1.0, float(np.abs(r).max(initial=0)))
                expected[name] = r
        for name, r in expected.items():
            problem = problems.get(name)
            y = got.get(name)
            if problem is None and y.shape != r.shape:
                problem = "shape %s, expected %s" % (y.shape, r.shape)
            if problem is None and name in dists:
                problem = check_spikes(y, r, dists[name],
                                       spikes.setdefault(name, [0, 0, 0]))
                d = density.setdefault(name, [0, 0])
                d[0] += float(np.sum(r))
                d[1] += r.size
            elif problem is None:
                tol = (BF16_TOL if bf16 else
                       LONG_TOL if random_shapes.LONG and op in LONG_OPS
                       else TOL)
                bound = tol * max(1.0, float(np.abs(r).max(initial=0)))
                diff = np.abs(y.astype(np.float64) - r)
                err = float(diff.max(initial=0))
                if not np.all(np.isfinite(y)):
                    err = float("inf")
                worst[name] = max(worst.get(name, 0.0), err / bound)
                if not err <= bound:
                    where = (np.unravel_index(int(np.nanargmax(
                        np.where(np.isfinite(diff), diff, np.inf))), r.shape)
                        if r.size else ())
                    problem = ("max|y-ref| = %.3g > %.3g at %s (y %r, ref %r)"
                               % (err, bound, tuple(int(i) for i in where),
                                  float(y[where]), float(r[where])))
            if problem:
                ok = False
                if name not in dists:
                    worst.setdefault(name, float("inf"))
                details.append("  B=%d T=%d output %s: %s\n    %s"
                               % (B, T, name, problem, shell(argv)))
    if module is not None:
        module.close()
    parts = []
    if worst or not (spikes or skipped):
        parts.append("err/tol " + " ".join(
            "%s %.2g" % (n, v) for n, v in sorted(worst.items())))
    if spikes:
        parts.append("spikes " + ", ".join(
            "%s %d/%d differ (%d near threshold)" % (n, v[0], v[2], v[1])
            for n, v in sorted(spikes.items())))
    if density:
        parts.append("density " + " ".join(
            "%s %.3f" % (n, v[0] / max(v[1], 1))
            for n, v in sorted(density.items())))
    if skipped:
        parts.append("skipped " + ", ".join(skipped))
    return ok, "; ".join(parts), details


def check_spikes(y, r, dist, counts):
    """SPEC §5 for a spike output: y must be 0 or 1 everywhere and equal
    the reference r wherever the reference charge is further than
    SPIKE_MARGIN from the threshold (|dist| = |H − v_threshold|). Adds
    [differing, near, total] to `counts`; returns a problem or None."""
    near = np.abs(dist) <= ref.SPIKE_MARGIN
    bad = ~((y == 0) | (y == 1)) | ((y != r) & ~near)
    nbad = int(bad.sum())
    counts[0] += nbad
    counts[1] += int(near.sum())
    counts[2] += y.size
    if not nbad:
        return None
    where = np.unravel_index(int(np.argmax(bad)), r.shape)
    return ("%d of %d spikes differ (%d near threshold, not compared); "
            "first at %s (y %r, ref %r, H-v_threshold %.3g)"
            % (nbad, y.size, int(near.sum()), tuple(int(i) for i in where),
               float(y[where]), float(r[where]), float(dist[where])))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seqc", required=True, help="path to the seqc tool")
    ap.add_argument("--op", required=True, choices=sorted(GENERATORS))
    ap.add_argument("--cases", type=int, default=20)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--work-dir", help="keep files here (default: a "
                    "temporary directory, removed unless a case failed)")
    ap.add_argument("--compile-flag", action="append", default=[],
                    help="a flag for every compilation (repeatable)")
    ap.add_argument("--perturb", action="store_true",
                    help="make the reference wrong, to prove failures show")
    ap.add_argument("--precision", choices=["f32", "bf16"], default="f32",
                    help="what the products read (bf16: SPEC §5's bf16 "
                    "bound)")
    ap.add_argument("--long", action="store_true",
                    help="sequence lengths 4099 to 8192 instead of up to 521")
    args = ap.parse_args(argv)
    random_shapes.LONG = args.long   # sizes() reads it

    seqc_path = args.seqc
    if os.sep not in seqc_path:
        seqc_path = shutil.which(seqc_path)
        if seqc_path is None:
            ap.error("'%s' is not on PATH; give --seqc a path" % args.seqc)
    bf16 = args.precision == "bf16"
    if bf16:
        ref.SPIKE_MARGIN = BF16_TOL   # also where the reference follows
    seqc = Seqc(os.path.abspath(seqc_path), args.compile_flag +
                (["--precision=bf16"] if bf16 else []))
    # The package needs the build of that seqc (not the device check's
    # stand-in, which compiles here and runs on another machine).
    modes = MODES if package.use_build_of(seqc.path) else MODES[:-1]
    if args.work_dir:
        workdir = os.path.abspath(args.work_dir)
        os.makedirs(workdir, exist_ok=True)
    else:
        workdir = tempfile.mkdtemp(prefix="seqc-e2e-")

    # One generator per op and seed, independent of --cases, so case k is
    # the same configuration whatever the count.
    seed = [args.seed, SEED_ORDER.index(args.op) if args.op in SEED_ORDER
            else len(SEED_ORDER) + sorted(set(GENERATORS) - set(SEED_ORDER))
            .index(args.op)]
    passed = failed = 0
    for i in range(args.cases):
        rng = np.random.default_rng(seed + [i])
        cfg = GENERATORS[args.op](rng, i)
        mode = modes[i % len(modes)]
        # Each mode in turn with one thread and with three.
        threads = [1, 3][(i + i // len(modes)) % 2]
        ok, summary, details = run_case(seqc, args.op, i, cfg, mode, threads,
                                        workdir, rng, args.perturb, bf16)
        print("%s %s #%d %s sizes=%s mode=%s threads=%d: %s"
              % ("PASS" if ok else "FAIL", args.op, i, cfg.desc,
                 ",".join("%dx%d" % s for s in cfg.sizes), mode, threads,
                 summary))
        for line in details:
            print(line)
        passed += ok
        failed += not ok
        sys.stdout.flush()
    if not args.work_dir:
        if failed:
            # Keep the files that the failing commands above name.
            print("files kept in %s" % workdir)
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0
