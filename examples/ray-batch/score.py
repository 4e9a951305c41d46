#!/usr/bin/env python3
"""Batch inference with a seqc module across processes, with Ray Data.

The driver compiles the model once, saves the compiled library (.so) and
its weights (.safetensors) to a directory the workers can read, and hands
Ray Data a dataset of sequences. `Dataset.map_batches` runs `Scorer`, a
callable class, in a pool of actor processes: each actor loads the module
once (seqc.load; a module is a handle on native code and memory, never
pickled) and scores the batches it is given. The driver collects the
scores, checks them against the module run in its own process and against
a float64 NumPy evaluation of the model's formulas (SPEC §5 tolerance), and
prints a summary.

    PYTHONPATH=python python examples/ray-batch/score.py --rows 4096 --actors 4

Options: --rows, --seq-len, --batch-size, --actors (processes), --cpus
(Ray's CPU count; default the actor count), --model DIR (a model saved with
seqc.Model.save, one input x [B, T, D] f32, instead of the built-in one),
--workdir (where the .so and weights go; default a temporary directory),
--ship path|bytes (the workers get the files' paths, or their contents),
--perturb EPS (adds EPS to the references: the check must then fail, which
the test uses to show it can). Exit status 0 when every check passed, 1
otherwise.
"""
import argparse
import logging
import os
import shutil
import sys
import tempfile
import time

import numpy as np

D, CLASSES, HEADS = 32, 4, 2  # the built-in model's sizes
TOL = 1e-4  # SPEC §5: max|y - ref| <= TOL * max(1, max|ref|)


def builtin_model(seed=0):
    """A small sequence classifier as a seqc.Model: RMSNorm, a gated linear
    attention layer (SPEC §4.2) with a residual connection, and a linear
    head giving CLASSES logits at every step; outputs "logits" [B, T,
    CLASSES]. Weights are random (seeded), scaled like an initialisation."""
    import seqc
    rng = np.random.default_rng(seed)
    key, value, rank = D // 2, D, 16  # gla's defaults: d/2, d, gate_rank

    def w(*shape):
        return (rng.standard_normal(shape) / np.sqrt(shape[-1])).astype(
            np.float32)

    tensors = {
        "norm.weight": (1 + 0.1 * rng.standard_normal(D)).astype(np.float32),
        "attn.q_proj.weight": w(key, D),
        "attn.k_proj.weight": w(key, D),
        "attn.v_proj.weight": w(value, D),
        "attn.g_proj.weight": w(value, D),
        "attn.gk_proj.0.weight": w(rank, D),
        "attn.gk_proj.1.weight": w(key, rank),
        "attn.gk_proj.1.bias": np.zeros(key, np.float32),
        "attn.g_norm_swish_gate.weight": np.ones(value // HEADS, np.float32),
        "attn.o_proj.weight": w(D, value),
        "head.weight": w(CLASSES, D),
        "head.bias": np.zeros(CLASSES, np.float32),
    }
    description = {
        "seqc_model": 1, "name": "ray-batch-scorer",
        "inputs": {"x": {"dtype": "f32", "shape": ["B", "T", D]}},
        "nodes": [
            {"name": "norm", "op": "rms_norm", "inputs": ["x"]},
            {"name": "attn", "op": "gla", "inputs": ["norm"],
             "attrs": {"heads": HEADS}},
            {"name": "res", "op": "add", "inputs": ["x", "attn"]},
            {"name": "head", "op": "linear", "inputs": ["res"],
             "attrs": {"out": CLASSES}},
        ],
        "outputs": {"logits": "head"},
    }
    return seqc.Model(description, tensors)


def builtin_reference(model, x):
    """The built-in model's outputs in float64 NumPy, from SPEC's formulas
    (seqc.reference, which uses nothing of the compiler)."""
    from seqc import reference as ref
    t = model.tensors
    attn = {k[len("attn."):]: v for k, v in t.items() if k.startswith("attn.")}
    n = ref.rms_norm(x, t["norm.weight"])
    y, _ = ref.gla(n, attn, heads=HEADS)
    logits = ref.linear(ref.f64(x) + y, t["head.weight"], t["head.bias"])
    return {"logits": logits}


class Scorer:
    """Ray Data's per-process worker: loads the compiled module once, when
    the actor starts, and runs it on every batch the actor is given.

    library, weights: the .so and .safetensors Module.save wrote, as paths
        every worker can read (on a cluster, shared storage), or as the
        files' contents (bytes, which Ray ships through its object store),
        then written to a temporary directory of the worker's.
    threads: the module's worker threads (Module.threads) in this process;
        1 lets N actors use N cores without oversubscribing them.
    package_dir: a directory to put on sys.path before `import seqc`, for
        workers whose environment does not have the package (a checkout);
        None when it is installed.
    """

    def __init__(self, library, weights, threads=1, package_dir=None):
        if package_dir and package_dir not in sys.path:
            sys.path.insert(0, package_dir)
        import seqc
        if isinstance(library, bytes):
            self._files = tempfile.TemporaryDirectory(prefix="seqc-ray-")
            library, weights = (
                self._write(name, data) for name, data in
                (("scorer.so", library), ("scorer.safetensors", weights)))
        self.module = seqc.load(library, weights)
        self.module.threads = threads
        self.input = self.module.inputs[0].name
        self.pid = os.getpid()

    def _write(self, name, data):
        path = os.path.join(self._files.name, name)
        with open(path, "wb") as f:
            f.write(data)
        return path

    def __call__(self, batch):
        """batch: {"id": [b], "x": [b, T, D]} (NumPy). Returns the ids, the
        module's outputs for the batch (copied out of the runtime's
        buffers), this process's id and the run's time per row."""
        x = batch["x"]
        if x.dtype == object:  # rows Ray could not stack into one tensor
            x = np.stack(list(x))
        x = np.ascontiguousarray(x, dtype=np.float32)
        t0 = time.perf_counter()
        out = self.module(**{self.input: x})
        seconds = time.perf_counter() - t0
        result = {}
        for name, value in out.items():
            if value.shape[:1] != (len(x),):
                raise ValueError("output %s is not batch-first: %r"
                                 % (name, value.shape))
            result[name] = np.array(value)
        result["id"] = batch["id"]
        result["pid"] = np.full(len(x), self.pid, np.int64)
        result["seconds"] = np.full(len(x), seconds / len(x))
        return result


def error(got, ref):
    """SPEC §5's measure of a difference: max|got - ref| / max(1,
    max|ref|), to compare with TOL."""
    ref = np.asarray(ref, np.float64)
    return float(np.max(np.abs(np.asarray(got, np.float64) - ref))
                 / max(1.0, float(np.max(np.abs(ref)))))


def check_signature(module):
    """The example feeds one input x [B, T, D] f32: refuse a model it
    cannot score that way. Returns D."""
    spec = module.inputs[0] if len(module.inputs) == 1 else None
    if (spec is None or spec.dtype != "f32" or len(spec.shape) != 3
            or not isinstance(spec.shape[2], int)):
        sys.exit("score.py: the model must have one input [B, T, D] f32, "
                 "has %r" % (module.inputs,))
    return spec.shape[2]


def score_with_ray(library, weights, x, actors, cpus, batch_size,
                   package_dir):
    """Scores the rows of x [rows, T, D] with the module in `library` (and
    `weights`: paths or bytes, as Scorer takes them) on a local Ray cluster of `cpus` CPUs: Ray Data's
    map_batches over a pool of `actors` Scorer processes, one thread each.
    Returns (outputs, init_s, score_s): outputs maps each output name, "id",
    "pid" and "seconds" to an array over the rows in id order; init_s is
    ray.init's time, score_s the scoring's (actors' start included)."""
    import ray
    t0 = time.perf_counter()
    # A local cluster's workers inherit this environment; env_vars says
    # what they need explicitly, as it must on a real cluster.
    ray.init(num_cpus=cpus, include_dashboard=False, log_to_driver=False,
             logging_level=logging.WARNING,
             runtime_env={"env_vars": {k: os.environ[k] for k in (
                 "SEQC_BUILD_DIR",) if k in os.environ}})
    try:
        init_s = time.perf_counter() - t0
        ctx = ray.data.DataContext.get_current()
        ctx.enable_progress_bars = False
        ctx.print_on_execution_start = False
        # Start every actor before the first batch (by default the pool
        # starts them while it schedules: the first one up could take all).
        ctx.wait_for_min_actors_s = 300

        t0 = time.perf_counter()
        rows = len(x)
        ds = ray.data.from_items(
            [{"id": i, "x": x[i]} for i in range(rows)],
            override_num_blocks=max(1, rows // batch_size))
        scored = ds.map_batches(
            Scorer, batch_format="numpy", batch_size=batch_size,
            compute=ray.data.ActorPoolStrategy(size=actors), num_cpus=1,
            fn_constructor_kwargs={"library": library, "weights": weights,
                                   "threads": 1,
                                   "package_dir": package_dir})
        batches = list(scored.iter_batches(batch_size=None,
                                           batch_format="numpy"))
        score_s = time.perf_counter() - t0
    finally:
        ray.shutdown()
    got = {k: np.concatenate([b[k] for b in batches]) for k in batches[0]}
    order = np.argsort(got["id"], kind="stable")
    return {k: v[order] for k, v in got.items()}, init_s, score_s


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--rows", type=int, default=4096)
    p.add_argument("--seq-len", type=int, default=64)
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--actors", type=int, default=2)
    p.add_argument("--cpus", type=int, default=None)
    p.add_argument("--model", default=None)
    p.add_argument("--workdir", default=None)
    p.add_argument("--ship", choices=("path", "bytes"), default="path")
    p.add_argument("--perturb", type=float, default=0.0)
    args = p.parse_args(argv)

    try:
        import seqc
    except ImportError:  # run from a checkout without PYTHONPATH=python
        sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(
            __file__)), "..", "..", "python"))
        import seqc
    # Where the workers import the same package from.
    package_dir = os.path.dirname(os.path.dirname(os.path.abspath(
        seqc.__file__)))

    # 1. Compile once, on the driver, and save the .so and its weights.
    t0 = time.perf_counter()
    model = (seqc.Model.load(args.model) if args.model
             else builtin_model())
    module = seqc.compile(model, threads=1)
    dim = check_signature(module)
    workdir = args.workdir or tempfile.mkdtemp(prefix="seqc-ray-")
    os.makedirs(workdir, exist_ok=True)
    library = module.save(os.path.join(workdir, "scorer.so"))
    weights = os.path.join(workdir, "scorer.safetensors")
    compile_s = time.perf_counter() - t0

    # 2. A synthetic dataset: `rows` sequences [T, D].
    rng = np.random.default_rng(1)
    x = rng.standard_normal((args.rows, args.seq_len, dim)).astype(
        np.float32)

    # 3. Score it across processes.
    if args.ship == "bytes":
        with open(library, "rb") as f, open(weights, "rb") as g:
            library, weights = f.read(), g.read()
    try:
        got, init_s, score_s = score_with_ray(
            library, weights, x, args.actors, args.cpus or args.actors,
            args.batch_size, package_dir)
    finally:
        if not args.workdir:
            shutil.rmtree(workdir, ignore_errors=True)

    # 4. Check: every row once, in worker processes; the same numbers as
    # the module in this process; the float64 formulas within SPEC §5.
    failures = []
    pids = set(got["pid"].tolist())
    if os.getpid() in pids:
        failures.append("a batch ran in the driver process")
    module.threads = 1
    t0 = time.perf_counter()
    local = module(x=x)
    local_s = time.perf_counter() - t0
    worst_local = worst_ref = None
    if not np.array_equal(got["id"], np.arange(args.rows)):
        failures.append("the rows scored are not each row once")
    else:
        worst_local = max(error(got[k], v + args.perturb)
                          for k, v in local.items())
        if worst_local > TOL:
            failures.append("differs from the in-process module by %.3g"
                            % worst_local)
        if not args.model:
            reference = builtin_reference(model, x)
            worst_ref = max(error(got[k], v + args.perturb)
                            for k, v in reference.items())
            if worst_ref > TOL:
                failures.append("differs from the float64 reference by %.3g"
                                % worst_ref)

    print("compile %.2f s, ray.init %.2f s, scoring %.2f s (actors' start "
          "included; the module ran %.3f s of it); in-process, 1 thread: "
          "%.0f rows/s" % (compile_s, init_s, score_s,
                           float(np.sum(got["seconds"])),
                           args.rows / local_s))
    if worst_local is not None:
        print("max error, SPEC 5 measure (tolerance %g): against the "
              "in-process module %.2e%s" % (
                  TOL, worst_local, "" if worst_ref is None
                  else ", the float64 reference %.2e" % worst_ref))
    for f in failures:
        print("FAIL " + f)
    print("%s ray-batch: %d rows scored (T=%d, D=%d, batch %d) by %d "
          "actors in %d worker processes, module shipped as %s, %.0f rows/s"
          % ("FAIL" if failures else "PASS", len(got["id"]), args.seq_len,
             dim, args.batch_size, args.actors, len(pids), args.ship,
             args.rows / score_s))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
