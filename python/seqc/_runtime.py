"""ctypes binding of the embedded runtime's C API (seqc_runtime.h) in
libseqc_runtime.so.

ctypes rather than a compiled extension: the API is plain C, so the binding
needs no compiler, no Python headers and no build step of its own, works on
any CPython 3 and NumPy, and uses the same shared library C programs use.
ctypes releases the GIL around every call, so runs from several Python
threads proceed at the same time (the runtime makes runs of one module take
turns)."""
import ctypes
import threading

from . import _paths
from .errors import Error

MAX_RANK = 8  # SEQC_MAX_RANK
HOST, DEVICE = 0, 1  # seqc_memory
#: seqc_dtype values, in enum order: the names SPEC §2 uses.
DTYPES = ("f32", "f16", "bf16", "i32", "i64")
ITEMSIZE = {"f32": 4, "f16": 2, "bf16": 2, "i32": 4, "i64": 8}


class Tensor(ctypes.Structure):
    """seqc_tensor: a dense row-major tensor."""
    _fields_ = [("dtype", ctypes.c_int),
                ("rank", ctypes.c_int32),
                ("shape", ctypes.c_int64 * MAX_RANK),
                ("data", ctypes.c_void_p),
                ("memory", ctypes.c_int)]


class TensorInfo(ctypes.Structure):
    """seqc_tensor_info: an input or output of a module."""
    _fields_ = [("name", ctypes.c_char_p),
                ("dtype", ctypes.c_int),
                ("rank", ctypes.c_int32),
                ("dims", ctypes.c_int64 * MAX_RANK),
                ("symbols", ctypes.c_char_p * MAX_RANK)]


_lib = None
_lib_lock = threading.Lock()


def _declare(lib):
    P, S, I = ctypes.c_void_p, ctypes.c_char_p, ctypes.c_size_t
    TP, IP = ctypes.POINTER(Tensor), ctypes.POINTER(TensorInfo)
    signatures = {
        "seqc_error_message": (S, [P]),
        "seqc_error_free": (None, [P]),
        "seqc_module_load": (P, [S, S, ctypes.POINTER(P)]),
        "seqc_module_free": (None, [P]),
        "seqc_module_name": (S, [P]),
        "seqc_module_device": (S, [P]),
        "seqc_module_num_inputs": (I, [P]),
        "seqc_module_num_outputs": (I, [P]),
        "seqc_module_input": (None, [P, I, IP]),
        "seqc_module_output": (None, [P, I, IP]),
        "seqc_module_set_threads": (None, [P, ctypes.c_int]),
        "seqc_module_set_stream": (None, [P, P]),
        "seqc_module_last_run_gpu_ms": (ctypes.c_double, [P]),
        "seqc_module_run": (P, [P, TP, I, TP, I]),
        "seqc_module_run_into": (P, [P, TP, I, TP, I]),
        "seqc_module_in_place": (ctypes.c_int64, [P, I]),
        "seqc_tensor_release": (None, [TP]),
    }
    for name, (restype, argtypes) in signatures.items():
        fn = getattr(lib, name)
        fn.restype, fn.argtypes = restype, argtypes


def lib():
    """The loaded runtime library (loaded on first use)."""
    global _lib
    with _lib_lock:
        if _lib is None:
            path = _paths.runtime_library()
            try:
                loaded = ctypes.CDLL(path)
            except OSError as e:
                raise Error("%s: cannot load the runtime library: %s"
                            % (path, e)) from None
            _declare(loaded)
            _lib = loaded
    return _lib


def check(error, origin):
    """Raises seqc.Error for a non-NULL seqc_error (and frees it). `origin`
    prefixes the message as the CLI does (None: the message names its file
    itself, as load errors do)."""
    if not error:
        return
    runtime = lib()
    message = runtime.seqc_error_message(error).decode("utf-8", "replace")
    runtime.seqc_error_free(error)
    raise Error(message if origin is None else "%s: %s" % (origin, message))


def describe(info):
    """A TensorInfo as (name, dtype name, shape): the shape's dims are ints,
    or the symbol's name (str) where the size is only known at run time."""
    shape = []
    for i in range(info.rank):
        symbol = info.symbols[i]
        shape.append(symbol.decode() if symbol is not None else
                     int(info.dims[i]) if info.dims[i] >= 0 else None)
    return info.name.decode(), DTYPES[info.dtype], tuple(shape)
