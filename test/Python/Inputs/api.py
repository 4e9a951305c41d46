#!/usr/bin/env python3
"""The Python package's API on NumPy (SPEC §7): seqc.Model in memory,
seqc.compile, Module calls checked against the float64 references of
python/seqc/reference.py within SPEC §5, the signature, save/load round
trips, seqc.Error with the CLI's messages, inputs read in place, threads,
and the documentation help() shows.

usage: api.py SEQC WORKDIR   (SEQC: the seqc binary of the build under
test, for the CLI's own messages; the package finds the same build through
SEQC_BUILD_DIR)"""
import os
import pydoc
import subprocess
import sys
import threading

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "..", "python"))
import seqc  # noqa: E402
from seqc import reference as ref  # noqa: E402
from seqc._tensors import HostBuffer  # noqa: E402
from tally import check, summary  # noqa: E402

TOL = 1e-4  # SPEC §5
D, O, EPS = 37, 19, 1e-5  # odd sizes: not multiples of the vector width


def raises(fn, kind=seqc.Error):
    """The message of the `kind` exception fn() raises (None if none)."""
    try:
        fn()
    except kind as e:
        return str(e)
    return None


def description(**change):
    d = {"seqc_model": 1, "name": "tiny",
         "inputs": {"x": {"dtype": "f32", "shape": ["B", "T", D]},
                    "z": {"dtype": "f32", "shape": ["B", "T", O]}},
         "nodes": [{"name": "l0", "op": "linear", "inputs": ["x"],
                    "attrs": {"out": O}},
                   {"name": "n0", "op": "rms_norm", "inputs": ["l0"],
                    "attrs": {"eps": EPS}},
                   {"name": "a0", "op": "add", "inputs": ["n0", "z"]}],
         "outputs": {"y": "a0", "h": "l0"}}
    d.update(change)
    return d


def weights(rng):
    return {"l0.weight":
            (rng.standard_normal((O, D)) * 0.3).astype(np.float32),
            "l0.bias": rng.standard_normal(O).astype(np.float32),
            "n0.weight": rng.standard_normal(O).astype(np.float32)}


def reference(w, x, z):
    h = ref.linear(x, w["l0.weight"], w["l0.bias"])
    return {"y": ref.rms_norm(h, w["n0.weight"], EPS) + ref.f64(z), "h": h}


def error(got, want):
    want = np.asarray(want, np.float64)
    if got.shape != want.shape:
        return float("inf")
    return float(np.abs(got - want).max() / max(1.0, np.abs(want).max()))


def close(outputs, want):
    return all(error(outputs[k], want[k]) <= TOL for k in want)


def cli_message(seqc_binary, args):
    """The CLI's stderr line for `seqc ARGS`, without `seqc: error: `."""
    run = subprocess.run([seqc_binary] + args, capture_output=True, text=True)
    line = run.stderr.strip()
    assert run.returncode == 1 and line.startswith("seqc: error: "), line
    return line[len("seqc: error: "):]


def main(seqc_binary, work):
    rng = np.random.default_rng(2026)
    w = weights(rng)
    model = seqc.Model(description(), w)
    module = seqc.compile(model)

    # Numerics at several sizes bound to B and T, positional and by name.
    ok, worst = True, 0.0
    for b, t in ((1, 1), (2, 5), (3, 17), (1, 64)):
        x = rng.standard_normal((b, t, D)).astype(np.float32)
        z = rng.standard_normal((b, t, O)).astype(np.float32)
        want = reference(w, x, z)
        for out in (module(x, z), module(z=z, x=x), module(x, z=z)):
            ok &= close(out, want)
            worst = max([worst] + [error(out[k], want[k]) for k in want])
    check("numerics against the float64 reference", ok, "max err %.2e" % worst)
    x = rng.standard_normal((2, 7, D)).astype(np.float32)
    z = rng.standard_normal((2, 7, O)).astype(np.float32)
    want = reference(w, x, z)
    # The comparison can fail: a shifted reference does.
    shifted = {k: v + 1e-3 * max(1.0, np.abs(v).max())
               for k, v in want.items()}
    check("the comparison can fail", not close(module(x, z), shifted))

    # The signature and the outputs' names, dtypes and shapes.
    spec = seqc.TensorSpec
    check("Module.inputs", module.inputs == (
        spec("x", "f32", ("B", "T", D)), spec("z", "f32", ("B", "T", O))),
        repr(module.inputs))
    out = module(x, z)
    check("Module.outputs and the result's keys",
          [s.name for s in module.outputs] == list(out) == ["y", "h"]
          and all(s.dtype == "f32" and s.shape[-1] == O
                  for s in module.outputs)
          and all(a.dtype == np.float32 and a.shape == (2, 7, O)
                  for a in out.values()), repr(module))
    check("Module name and device", module.name == "tiny"
          and module.device == "cpu")

    # Inputs are read where they are: the runtime gets the arrays' own
    # buffers. A strided view is copied once (and still right); outputs
    # view the runtime's buffers.
    bound = module.bind(x, z)
    check("C-order inputs go in without a copy",
          [b.tensor.data for b in bound] == [x.ctypes.data, z.ctypes.data]
          and not any(b.copied for b in bound))
    wide = rng.standard_normal((2, 7, 2 * D)).astype(np.float32)
    strided, fortran = wide[:, :, ::2], np.asfortranarray(x)
    bound = module.bind(strided, fortran)
    check("strided inputs are copied into C order",
          all(b.copied for b in bound)
          and close(module(strided, z), reference(w, strided, z)))
    check("outputs view the runtime's buffers",
          all(isinstance(a.base, HostBuffer) for a in out.values())
          and all(a.flags.writeable for a in out.values()))
    check("lists become arrays of the input's dtype",
          close(module(x.tolist(), z), want))

    # Run-time errors: the runtime's message, with the model as origin.
    origin = "<Model 'tiny'>/model.json"
    msgs = [
        raises(lambda: module(x[:, :, :-1], z)),
        raises(lambda: module(x.astype(np.int32), z)),
        raises(lambda: module(x.astype(np.float64), z)),
        raises(lambda: module(x, z[:, :-1])),
        raises(lambda: module(x[0], z)),
    ]
    want_msgs = [
        origin + ": input 'x' must have size %d in dim 2, got %d" % (D, D - 1),
        origin + ": input 'x' must be f32, got i32",
        origin + ": input 'x' must be f32, got float64 (convert it, e.g. "
        "with .astype(np.float32))",
        origin + ": input 'z': dim 1 is 'T' = 6, but another input made it 7",
        origin + ": input 'x' must have rank 3, got 2",
    ]
    for got, want_msg in zip(msgs, want_msgs):
        check("run-time seqc.Error: " + want_msg.split(": ", 1)[1],
              got == want_msg, repr(got))
    check("missing, unknown and repeated inputs are TypeErrors",
          raises(lambda: module(x), TypeError) == "missing input 'z'"
          and "no input 'q'" in raises(lambda: module(x, z, q=x), TypeError)
          and raises(lambda: module(x, z, x=x), TypeError)
          == "input 'x' is given twice")

    # Compile-time errors carry the CLI's message: a model file compared
    # with `seqc compile` itself; an in-memory model named as one.
    bad = description()
    bad["nodes"][0]["attrs"]["heads"] = 2
    bad_dir = os.path.join(work, "bad")
    bad_json = seqc.Model(bad, w).save(bad_dir)
    got = raises(lambda: seqc.compile(bad_json))
    cli = cli_message(seqc_binary, ["compile", bad_json, "-o",
                                    os.path.join(work, "bad.so")])
    check("compile error is the CLI's message", got == cli and
          got.startswith(bad_json + ":/nodes/0/attrs/heads: "), repr(got))
    got = raises(lambda: seqc.compile(seqc.Model(bad, w)))
    check("an in-memory model's error names <Model 'tiny'>/model.json",
          got == cli.replace(bad_json, origin), repr(got))
    missing = {k: v for k, v in w.items() if k != "n0.weight"}
    got = raises(lambda: seqc.compile(seqc.Model(description(), missing)))
    check("a missing weight is an error naming the tensor",
          got is not None and "weight tensor 'n0.weight' is missing" in got
          and "<Model 'tiny'>/model.safetensors" in got, repr(got))
    got = raises(lambda: seqc.compile(os.path.join(work, "absent.json")))
    check("a missing model file is an error naming it",
          got is not None
          and got.startswith(os.path.join(work, "absent.json")),
          repr(got))
    got = raises(lambda: seqc.load(os.path.join(work, "absent.so")))
    check("loading a missing library is an error naming it",
          got is not None and got.startswith(os.path.join(work, "absent.so")),
          repr(got))

    # Keeping modules and models.
    so = module.save(os.path.join(work, "tiny.so"))
    again = seqc.load(so, os.path.join(work, "tiny.safetensors"))
    got = again(x, z)
    check("Module.save + seqc.load give the same outputs",
          all(np.array_equal(got[k], out[k]) for k in out))
    model_dir = os.path.join(work, "model")
    json_path = model.save(model_dir)
    loaded = seqc.Model.load(model_dir)
    check("Model.save + Model.load round trip",
          loaded.description["nodes"] == model.description["nodes"]
          and sorted(loaded.tensors) == sorted(w)
          and all(np.array_equal(loaded.tensors[k], w[k]) for k in w))
    model.meta = {"module_paths": {"l0": "encoder.proj"},
                  "time_major": {"inputs": ["x"], "outputs": []}}
    model.save(model_dir)
    check("Model.meta round trips through model.meta.json",
          seqc.Model.load(model_dir).meta == model.meta
          and os.path.isfile(os.path.join(model_dir, "model.meta.json")))
    model.meta = {}
    model.save(model_dir)
    check("an empty meta leaves no model.meta.json",
          seqc.Model.load(model_dir).meta == {}
          and not os.path.exists(os.path.join(model_dir, "model.meta.json")))
    from_file = seqc.compile(json_path, threads=1)
    check("compiling the saved model.json gives the same outputs",
          all(np.array_equal(from_file(x, z)[k], out[k]) for k in out))
    rounded = {k: v.astype(np.float32) for k, v in w.items()}
    rounded["l0.weight"] = (rounded["l0.weight"].view(np.uint32)
                            & 0xFFFF0000).view(np.float32)
    bf16_model = seqc.Model(description(), rounded)
    bf16_model.bf16.add("l0.weight")
    bf16_dir = os.path.join(work, "bf16")
    bf16_model.save(bf16_dir)
    back = seqc.Model.load(bf16_dir)
    check("bf16 weights round trip as bf16",
          back.bf16 == {"l0.weight"}
          and np.array_equal(back.tensors["l0.weight"], rounded["l0.weight"])
          and close(seqc.compile(back)(x, z), reference(rounded, x, z)))
    other = weights(np.random.default_rng(5))
    swapped = seqc.compile(model, weights=other)
    check("weights= replaces the model's (a dict)",
          close(swapped(x, z), reference(other, x, z)))

    # bf16 inputs from NumPy: uint16 arrays of the raw bfloat16 words.
    bf16_in = description()
    bf16_in["inputs"]["x"]["dtype"] = "bf16"
    words = (x.view(np.uint32) >> 16).astype(np.uint16)
    exact = (words.astype(np.uint32) << 16).view(np.float32)
    bf16_module = seqc.compile(seqc.Model(bf16_in, w))
    check("bf16 inputs as uint16 words, in place",
          not bf16_module.bind(words, z)[0].copied
          and close(bf16_module(words, z), reference(w, exact, z)))

    # run_into: outputs into the caller's arrays (y here, h as usual),
    # also into an input's array (no in-place pair: copied after the run);
    # arrays it cannot write into are errors.
    y = np.full((2, 7, O), np.nan, np.float32)
    got = module.run_into({"y": y}, x, z)
    zc = z.copy()
    into_z = module.run_into({"y": zc}, x, zc)
    check("run_into writes the caller's arrays",
          got["y"] is y and close(got, want) and module.in_place == {}
          and into_z["y"] is zc and close(into_z, want))
    check("run_into refuses arrays it cannot write",
          raises(lambda: module.run_into({"y": y[:, ::2]}, x, z)).endswith(
              "output 'y': run_into writes into a writable array, dense in "
              "C order, of the output's dtype")
          and raises(lambda: module.run_into({"y": y.astype(np.float64)},
                                             x, z)).endswith("dtype")
          and "output 'y' is [2,7,%d], the buffer given is [2,6,%d]" % (O, O)
          in raises(lambda: module.run_into({"y": y[:, :6].copy()}, x, z))
          and raises(lambda: module.run_into({"q": y}, x, z), TypeError)
          == "the model has no output 'q' (its outputs: y, h)")

    # Threads: a module's thread count, and runs from several threads.
    module.threads = 1
    check("Module.threads", module.threads == 1
          and close(module(x, z), want))
    module.threads = 0
    got = [None] * 4

    def run(i):
        mod = module if i % 2 else again
        got[i] = [close(mod(x, z), want) for _ in range(5)]
    workers = [threading.Thread(target=run, args=(i,)) for i in range(4)]
    for t in workers:
        t.start()
    for t in workers:
        t.join()
    check("runs from four threads", all(all(g) for g in got))

    # Documentation.
    doc = pydoc.render_doc(seqc.compile, renderer=pydoc.plaintext)
    check("help(seqc.compile) documents the arguments",
          all(s in doc for s in ("Compiles a model and loads it", "weights",
                                 "precision", "pass_options",
                                 "seq_select_scan", "seqc.Error")))
    doc = pydoc.render_doc(seqc.Module, renderer=pydoc.plaintext)
    check("help(seqc.Module) documents calls, inputs and save",
          all(s in doc for s in ("read where it is",
                                 "inputs", "outputs", "save", "threads")))

    module.close()
    check("a closed module says so",
          raises(lambda: module(x, z)) == origin + ": the module was closed")
    return summary()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
