"""seqc.Module: a compiled model loaded on the embedded runtime, called on
NumPy arrays or torch tensors."""
import collections
import ctypes
import os
import shutil
import weakref

from . import _runtime as rt
from . import _tensors
from .errors import Error

#: One input or output of a module: its name, dtype ("f32", "f16", "bf16",
#: "i32", "i64") and shape, whose entries are sizes (int) or, where the
#: size is only known at run time, the symbol naming it (str, e.g. "T"), or
#: None for an output size known only at run time that no symbol names.
TensorSpec = collections.namedtuple("TensorSpec", "name dtype shape")


def _spec_text(spec):
    return "%s: %s[%s]" % (spec.name, spec.dtype, ", ".join(
        "?" if d is None else str(d) for d in spec.shape))


class Module:
    """A compiled model on the embedded runtime (made by seqc.compile or
    seqc.load; not constructed directly).

    Call it with the model's inputs, positionally in the order of
    ``module.inputs`` or by name, or both::

        y = module(x)["y"]
        outputs = module(x=x, s0=state)      # dict: output name -> array

    Inputs are NumPy arrays or torch tensors (CPU tensors; CUDA tensors on
    cuda:0 for a module compiled with target="cuda"). An input dense in C
    order with the dtype the model declares is read where it is, never
    copied; a strided one is copied into C order once; a list or scalar
    becomes an array of the input's dtype. A dtype seqc does not have
    (float64, say) is an Error, as are wrong shapes (the CLI's message).
    bf16 inputs take a torch.bfloat16 tensor, an ml_dtypes.bfloat16 array,
    or a uint16 array of the raw bfloat16 words.

    The result is a dict from output name to array, in the model's output
    order: torch tensors when any input was a torch tensor (on the GPU when
    a GPU tensor went in), NumPy arrays otherwise. Either way the array
    views the buffer the runtime produced; nothing is copied out. The
    inputs are only read.

    ``module.run_into(out, ...)`` writes chosen outputs into arrays the
    caller owns; a decode loop passes its state array as both the input
    and the output ``module.in_place`` pairs, and the state stays where it
    is from step to step.

    Runs from several threads may overlap (the GIL is released while the
    model runs); runs of one module take turns.
    """

    def __init__(self, handle, origin, library, weights=None, owned_dir=None,
                 weights_are_temporary=False):
        # `origin` prefixes run-time errors as the CLI's origin does (the
        # model's path); `owned_dir` is a temporary directory (library,
        # weights) this module removes when it goes.
        self._handle = handle
        self._origin = origin
        self._library = library
        self._weights = weights
        self._weights_are_temporary = weights_are_temporary
        self._threads = 0
        lib = rt.lib()
        self._finalizer = weakref.finalize(
            self, Module._release, lib, handle, owned_dir)
        info = rt.TensorInfo()
        self._inputs, self._outputs = [], []
        for count, get, into in (
                (lib.seqc_module_num_inputs, lib.seqc_module_input,
                 self._inputs),
                (lib.seqc_module_num_outputs, lib.seqc_module_output,
                 self._outputs)):
            for i in range(count(handle)):
                get(handle, i, ctypes.byref(info))
                into.append(TensorSpec(*rt.describe(info)))
        self._inputs, self._outputs = tuple(self._inputs), tuple(self._outputs)
        self._name = lib.seqc_module_name(handle).decode()
        self._device = lib.seqc_module_device(handle).decode()

    @staticmethod
    def _release(lib, handle, owned_dir):
        lib.seqc_module_free(handle)
        if owned_dir:
            shutil.rmtree(owned_dir, ignore_errors=True)

    # --- what the module is ------------------------------------------------
    @property
    def name(self):
        """The model's name (its description's "name")."""
        return self._name

    @property
    def device(self):
        """Where the module runs: "cpu", or "cuda" (target="cuda")."""
        return self._device

    @property
    def inputs(self):
        """The inputs, in order: a tuple of TensorSpec(name, dtype, shape),
        shape entries an int or a symbol ("B", "T", ...) for a size fixed
        at run time (one symbol, one size across the inputs)."""
        return self._inputs

    @property
    def outputs(self):
        """The outputs, in order: a tuple of TensorSpec(name, dtype,
        shape), as for `inputs`."""
        return self._outputs

    @property
    def in_place(self):
        """The outputs whose array may be an input's in run_into, without
        a copy: a dict from output name to input name (on the CPU, a
        recurrent state and its initial value, e.g. {"s": "s0"})."""
        lib, handle = rt.lib(), self._live()
        pairs = {}
        for i, spec in enumerate(self._outputs):
            j = lib.seqc_module_in_place(handle, i)
            if j >= 0:
                pairs[spec.name] = self._inputs[j].name
        return pairs

    @property
    def library(self):
        """The path of the compiled library (.so) this module was loaded
        from (a temporary file for seqc.compile's modules: see save)."""
        return self._library

    @property
    def threads(self):
        """Worker threads for the following runs, at most (0: one per core,
        the default). OpenMP teams shrink to the cores other processes
        leave free; loops with little work run on the calling thread."""
        return self._threads

    @threads.setter
    def threads(self, count):
        count = int(count or 0)
        if count < 0:
            raise ValueError("threads must be 0 (the default) or more")
        rt.lib().seqc_module_set_threads(self._live(), count)
        self._threads = count

    @property
    def last_run_gpu_ms(self):
        """A CUDA module's GPU time of the last run in milliseconds (its
        kernels, without the copies); None for a CPU module or before a
        run."""
        ms = rt.lib().seqc_module_last_run_gpu_ms(self._live())
        return None if ms < 0 else ms

    def __repr__(self):
        return "<seqc.Module %r on %s: %s -> %s>" % (
            self._name, self._device,
            ", ".join(_spec_text(s) for s in self._inputs),
            ", ".join(_spec_text(s) for s in self._outputs))

    # --- running -----------------------------------------------------------
    def _live(self):
        if not self._finalizer.alive:
            raise Error("%s: the module was closed" % self._origin)
        return self._handle

    def bind(self, *args, **kwargs):
        """The inputs of a call, bound as the runtime will read them: a list
        of _tensors.Bound in input order (their `copied` says whether an
        input had to be copied). __call__ uses it; it is public so that a
        caller can check that its arrays go in without a copy."""
        specs = self._inputs
        if len(args) > len(specs):
            raise TypeError("%s takes %d inputs, got %d positional"
                            % (self._name, len(specs), len(args)))
        given = {}
        for spec, value in zip(specs, args):
            given[spec.name] = value
        names = {spec.name for spec in specs}
        for name, value in kwargs.items():
            if name not in names:
                raise TypeError("the model has no input '%s' (its inputs: %s)"
                                % (name, ", ".join(s.name for s in specs)))
            if name in given:
                raise TypeError("input '%s' is given twice" % name)
            given[name] = value
        missing = [s.name for s in specs if s.name not in given]
        if missing:
            raise TypeError("missing input '%s'" % missing[0])
        try:
            return [_tensors.bind(s.name, s.dtype, given[s.name])
                    for s in specs]
        except Error as e:
            raise Error("%s: %s" % (self._origin, e.message)) from None

    def __call__(self, *args, **kwargs):
        """Runs the model: see the class documentation. Returns a dict from
        output name to array (NumPy, or torch when a torch tensor went
        in)."""
        return self._run(self.bind(*args, **kwargs), {})

    def run_into(self, out, *args, **kwargs):
        """Runs the model on the inputs (as __call__ takes them) and writes
        the outputs named in `out`, a dict from output name to an array the
        caller owns — writable, dense in C order, of the output's dtype and
        the shape the run produces — into those arrays; the others come
        back as from __call__. Returns the dict of every output (the given
        arrays for those in `out`).

        An output's array may be one of the inputs: the runtime copies the
        result into it after the run, except where ``in_place`` pairs the
        two, when the kernels update it where it is (a decode step's state:
        ``module.run_into({"state": s}, q, k, v, g, s0=s)``)."""
        bound = self.bind(*args, **kwargs)
        names = [spec.name for spec in self._outputs]
        given = {}
        for name, array in out.items():
            if name not in names:
                raise TypeError("the model has no output '%s' (its outputs: "
                                "%s)" % (name, ", ".join(names)))
            spec = self._outputs[names.index(name)]
            try:
                b = _tensors.bind(name, spec.dtype, array)
                flags = getattr(array, "flags", None)  # (torch: none)
                usable = (b.keep is array and not b.copied
                          and b.tensor.dtype == rt.DTYPES.index(spec.dtype)
                          and (flags is None or flags.writeable))
            except Error:
                usable = False
            if not usable:
                raise Error("%s: output '%s': run_into writes into a "
                            "writable array, dense in C order, of the "
                            "output's dtype" % (self._origin, name))
            given[names.index(name)] = b
        return self._run(bound, given)

    def _run(self, bound, given):
        as_torch = any(_tensors.is_torch_tensor(b.keep) for b in bound)
        on_gpu = any(b.tensor.memory == rt.DEVICE for b in bound)
        lib = rt.lib()
        handle = self._live()
        if self._device == "cuda":
            # Run on the caller's current stream, after its earlier work.
            stream = None
            if on_gpu:
                stream = _tensors.torch_module().cuda.current_stream(
                    0).cuda_stream
            lib.seqc_module_set_stream(handle, stream)
        inputs = (rt.Tensor * max(1, len(bound)))(*[b.tensor for b in bound])
        outputs = (rt.Tensor * max(1, len(self._outputs)))()
        for i in range(len(self._outputs)):
            if i in given:
                outputs[i] = given[i].tensor
            elif on_gpu:
                outputs[i].memory = rt.DEVICE
        run = lib.seqc_module_run_into if given else lib.seqc_module_run
        rt.check(run(handle, inputs, len(bound), outputs, len(self._outputs)),
                 self._origin)
        del bound  # the run is over: the inputs may go
        result = {}
        for i, spec in enumerate(self._outputs):
            result[spec.name] = (given[i].keep if i in given else
                                 _tensors.wrap_output(
                                     rt.Tensor.from_buffer_copy(outputs[i]),
                                     as_torch))
        return result

    # --- keeping it --------------------------------------------------------
    def save(self, path):
        """Writes the compiled library (.so) to `path`, for seqc.load or
        `seqc run` later. A module compiled from weights in memory (a
        seqc.Model, or a dict of weights) also gets them written beside
        it, as `path` with the extension .safetensors; pass that file to
        seqc.load as its weights. Returns `path`."""
        path = os.fspath(path)
        if not os.path.exists(path) or not os.path.samefile(path,
                                                            self._library):
            shutil.copyfile(self._library, path)
        if self._weights_are_temporary and self._weights:
            shutil.copyfile(self._weights,
                            os.path.splitext(path)[0] + ".safetensors")
        return path

    def close(self):
        """Frees the module now (it is freed anyway when no longer
        referenced); the arrays it returned stay valid. Not while a run is
        in progress."""
        self._finalizer()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
