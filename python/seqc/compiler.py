"""seqc.compile and seqc.load: models to Modules, through the `seqc`
compiler (run as a subprocess) and the embedded runtime."""
import collections.abc
import ctypes
import os
import shutil
import subprocess
import tempfile

from . import _paths
from . import _runtime as rt
from . import safetensors_io
from .errors import Error
from .model import MODEL_WEIGHTS, Model
from .module import Module

_PREFIX = "seqc: error: "


def _pass_option(name, value):
    """`name`={key: value} (or "key=value ...") as --pass-options=PASS{...};
    the pass is its flag with '-' for '_' (seq_select_scan →
    seq-select-scan)."""
    if isinstance(value, collections.abc.Mapping):
        items = []
        for key, v in value.items():
            if isinstance(v, bool):
                v = "true" if v else "false"
            items.append("%s=%s" % (str(key).replace("_", "-"), v))
        value = " ".join(items)
    elif not isinstance(value, str):
        raise TypeError("pass option %s: give a dict of the pass's options "
                        "or a 'key=value ...' string, not %s"
                        % (name, type(value).__name__))
    return "--pass-options=%s{%s}" % (name.replace("_", "-"), value)


def _message(stderr, rename):
    """The CLI's stderr as an Error message: each `seqc: error: ` prefix
    dropped, temporary paths named as the user knows them."""
    lines = []
    for line in stderr.strip().splitlines():
        if line.startswith(_PREFIX):
            line = line[len(_PREFIX):]
        for path, name in rename:
            line = line.replace(path, name)
        lines.append(line)
    return "\n".join(lines)


def _run_compiler(args, rename):
    run = subprocess.run(args, stdin=subprocess.DEVNULL,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         text=True, errors="replace")
    if run.returncode == 0:
        return
    message = _message(run.stderr, rename) or "no message"
    if run.returncode < 0:
        message = "the seqc compiler died of signal %d: %s" % (
            -run.returncode, message)
    raise Error(message)


def compile(model, weights=None, target="cpu", precision="f32", *,
            cpu=None, threads=None, gpu_arch=None, opt_level=3,
            **pass_options):
    """Compiles a model and loads it: returns a seqc.Module, ready to call.

    model
        a path to a model JSON (SPEC §2; its "weights" file is read
        relative to it), or a seqc.Model (description and tensors in
        memory, written to a temporary directory for the compiler).
    weights
        None: the model's own weights. A path to a safetensors file, or a
        dict of weight name → array, replaces them (like `seqc compile
        --weights`).
    target
        "cpu" (this machine's x86-64 CPU via LLVM) or "cuda" (GPU kernels
        for `gpu_arch`; the module then runs on a CUDA GPU);
        "cuda-simulation" runs the CUDA target's lowering on this CPU (for
        tests of that lowering on machines without a GPU).
    precision
        "f32", or "bf16": matrix products read bf16 operands and
        accumulate in f32 (SPEC §5; CPU target).
    cpu
        the CPU to generate code for: "host" (default) or an LLVM CPU name
        such as "x86-64-v3" or "znver4" (seqc compile --cpu).
    threads
        the thread count the compiler's strategy plans for (default: this
        machine's cores); the module's run-time count is Module.threads.
    gpu_arch
        CUDA architectures, e.g. "sm_80,sm_90" (the default).
    opt_level
        LLVM optimization level, 0 to 3 (default 3).
    **pass_options
        options of the pipeline's passes, by the pass's flag with '_' for
        '-' (in option names too; `seqc-opt --help` lists them):
        ``seq_select_scan={"scan": "chunked", "chunk": 64}`` is
        ``--pass-options=seq-select-scan{scan=chunked chunk=64}``; a
        string value is passed as written.

    Compiling runs the package's `seqc` compiler; every problem it reports
    (a malformed model, a missing or mistyped weight, an unsupported
    option) raises seqc.Error with the message `seqc compile` prints, e.g.
    ``model.json:/nodes/3/attrs/heads: ...`` (a seqc.Model's file is
    ``<Model 'NAME'>/model.json``).

    Example::

        m = seqc.compile("gla.json", threads=4)
        y = m(x=np.zeros((1, 16, 256), np.float32))["y"]
    """
    if target not in ("cpu", "cuda", "cuda-simulation"):
        raise ValueError("target must be 'cpu', 'cuda' or 'cuda-simulation', "
                         "got %r" % (target,))
    if precision not in ("f32", "bf16"):
        raise ValueError("precision must be 'f32' or 'bf16', got %r"
                         % (precision,))
    work = tempfile.mkdtemp(prefix="seqc-")
    try:
        rename = []
        args = [_paths.compiler(), "compile"]
        if isinstance(model, Model):
            model_dir = os.path.join(work, "model")
            path = model.save(model_dir)
            origin = "<Model '%s'>" % model.name
            rename.append((model_dir, origin))
            model_weights = (os.path.join(model_dir, MODEL_WEIGHTS)
                             if model.tensors else None)
            origin += "/model.json"
        elif isinstance(model, (str, os.PathLike)):
            path = origin = os.fspath(model)
            model_weights = None
        else:
            raise TypeError("model must be a path to a model JSON or a "
                            "seqc.Model, not %s" % type(model).__name__)
        args.append(path)
        weights_path, temporary = model_weights, model_weights is not None
        if isinstance(weights, collections.abc.Mapping):
            weights_path = os.path.join(work, "weights.safetensors")
            given = Model({}, weights)
            safetensors_io.write_arrays(weights_path, given.tensors,
                                        dict.fromkeys(given.bf16, "bf16"))
            rename.append((weights_path, "<weights>"))
            temporary = True
        elif weights is not None:
            weights_path, temporary = os.fspath(weights), False
        if weights is not None:
            args.append("--weights=" + weights_path)
        library = os.path.join(work, "module.so")
        args += ["-o", library, "--target=" + target,
                 "--precision=" + precision, "-O%d" % int(opt_level)]
        if cpu is not None:
            args.append("--cpu=" + cpu)
        if threads is not None:
            args.append("--threads=%d" % int(threads))
        if gpu_arch is not None:
            args.append("--gpu-arch=" + gpu_arch)
        args += [_pass_option(n, v) for n, v in pass_options.items()]
        _run_compiler(args, rename)
        handle = _load_handle(library, weights_path, rename)
        return Module(handle, origin, library, weights_path, owned_dir=work,
                      weights_are_temporary=temporary)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise


def _load_handle(library, weights, rename=()):
    handle = ctypes.c_void_p()
    lib = rt.lib()
    error = lib.seqc_module_load(
        os.fsencode(library),
        None if weights is None else os.fsencode(weights),
        ctypes.byref(handle))
    try:
        rt.check(error, None)
    except Error as e:
        raise Error(_message(e.message, rename)) from None
    return handle.value


def load(path_so, weights=None):
    """Loads a module compiled earlier (`seqc compile -o m.so`, or
    Module.save) and returns a seqc.Module.

    weights: a safetensors file replacing the one the module was compiled
    with (None keeps that one; a module saved from an in-memory model needs
    the .safetensors that Module.save wrote beside it). The runtime maps the
    file, checks every weight's dtype and shape, and refuses a module built
    for CPU features this machine lacks; each problem is a seqc.Error
    naming the file."""
    path_so = os.fspath(path_so)
    weights = None if weights is None else os.fspath(weights)
    handle = _load_handle(path_so, weights)
    return Module(handle, path_so, path_so, weights)
