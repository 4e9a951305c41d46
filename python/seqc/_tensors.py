"""NumPy arrays and torch tensors to and from the runtime's seqc_tensor:
inputs bound without a copy where their memory already has the module's
layout, outputs wrapped around the buffers the runtime hands over."""
import ctypes
import sys

import numpy as np

from . import _runtime as rt
from .errors import Error

# NumPy has no bfloat16: bf16 data travels as its raw 16-bit words.
_NUMPY = {"f32": np.dtype(np.float32), "f16": np.dtype(np.float16),
          "bf16": np.dtype(np.uint16), "i32": np.dtype(np.int32),
          "i64": np.dtype(np.int64)}
_FROM_NUMPY = {np.dtype(np.float32): "f32", np.dtype(np.float16): "f16",
               np.dtype(np.int32): "i32", np.dtype(np.int64): "i64"}
_TORCH_NAMES = {"float32": "f32", "float16": "f16", "bfloat16": "bf16",
                "int32": "i32", "int64": "i64"}


def numpy_dtype(dtype):
    """The NumPy dtype that holds a seqc dtype (uint16 words for bf16)."""
    return _NUMPY[dtype]


def torch_module():
    """torch when the program has imported it, else None: seqc never
    imports torch itself."""
    return sys.modules.get("torch")


def is_torch_tensor(value):
    torch = torch_module()
    return torch is not None and isinstance(value, torch.Tensor)


class Bound:
    """One input as the runtime sees it: `tensor` (a seqc_tensor),
    `keep` (the object owning its memory, alive for the run) and `copied`
    (whether binding had to make a copy)."""

    def __init__(self, tensor, keep, copied):
        self.tensor, self.keep, self.copied = tensor, keep, copied


def _tensor(dtype, shape, data, memory):
    t = rt.Tensor()
    t.dtype = rt.DTYPES.index(dtype)
    t.rank = len(shape)
    for i, size in enumerate(shape):
        t.shape[i] = size
    t.data = data
    t.memory = memory
    return t


def _check_rank(name, shape):
    if len(shape) > rt.MAX_RANK:
        raise Error("input '%s' has rank %d; seqc takes rank %d at most"
                    % (name, len(shape), rt.MAX_RANK))


def _bind_torch(name, want, value):
    dtype = _TORCH_NAMES.get(str(value.dtype).replace("torch.", ""))
    if dtype is None:
        raise Error("input '%s' must be %s, got %s"
                    % (name, want, value.dtype))
    device = value.device.type
    if device not in ("cpu", "cuda"):
        raise Error("input '%s' is on the %s; seqc takes CPU or CUDA tensors"
                    % (name, value.device))
    if device == "cuda" and (value.device.index or 0) != 0:
        raise Error("input '%s' is on %s; seqc's CUDA modules run on cuda:0"
                    % (name, value.device))
    _check_rank(name, value.shape)
    copied = not value.is_contiguous()
    if copied:
        value = value.contiguous()
    memory = rt.DEVICE if device == "cuda" else rt.HOST
    tensor = _tensor(dtype, tuple(value.shape), value.data_ptr(), memory)
    return Bound(tensor, value, copied)


def _bind_numpy(name, want, value):
    if not isinstance(value, np.ndarray):
        # Lists and scalars have no buffer to share: made one, of the
        # input's dtype. Other array-likes are shared where they can be.
        if isinstance(value, (list, tuple, int, float)):
            value = np.asarray(value, dtype=numpy_dtype(want))
        else:
            value = np.asarray(value)
    copied = False
    if not value.dtype.isnative:
        value, copied = value.astype(value.dtype.newbyteorder("=")), True
    if value.dtype.name == "bfloat16":  # ml_dtypes' bfloat16
        dtype = "bf16"
    elif value.dtype == np.uint16 and want == "bf16":
        dtype = "bf16"  # raw bfloat16 words
    else:
        dtype = _FROM_NUMPY.get(value.dtype)
    if dtype is None:
        hint = ("give its bfloat16 words as uint16: (x.astype(np.float32)"
                ".view(np.uint32) >> 16).astype(np.uint16)" if want == "bf16"
                else "convert it, e.g. with .astype(np.%s)"
                % numpy_dtype(want).name)
        raise Error("input '%s' must be %s, got %s (%s)"
                    % (name, want, value.dtype, hint))
    _check_rank(name, value.shape)
    if not (value.flags.c_contiguous and value.flags.aligned):
        value, copied = np.array(value, order="C", copy=True), True
    tensor = _tensor(dtype, value.shape, value.ctypes.data, rt.HOST)
    return Bound(tensor, value, copied)


def bind(name, want, value):
    """Binds `value` (a NumPy array, a torch tensor, or a list / scalar)
    as the input `name` whose dtype is `want`.

    Without a copy when its memory is dense in C order (and aligned) with a
    dtype seqc has: the runtime reads the caller's buffer. A strided array
    or tensor, or one in non-native byte order, is copied once into C order
    first; a list or scalar becomes an array of the input's dtype. Any other
    dtype (float64, say) is an Error: seqc never converts numbers silently.
    A dtype seqc has but the input does not take is left to the runtime,
    whose message is the CLI's."""
    if is_torch_tensor(value):
        return _bind_torch(name, want, value)
    return _bind_numpy(name, want, value)


class HostBuffer:
    """An output's host memory, handed over by the runtime: NumPy arrays
    view it (__array_interface__) and it is released when the last view
    goes."""

    def __init__(self, tensor, dtype, shape):
        self._tensor = tensor
        self.__array_interface__ = {
            "version": 3, "shape": shape, "typestr": numpy_dtype(dtype).str,
            "data": (tensor.data, False)}

    def __del__(self):
        try:
            rt.lib().seqc_tensor_release(ctypes.byref(self._tensor))
        except Exception:  # interpreter shutdown
            pass


class DeviceBuffer(HostBuffer):
    """An output in GPU memory (a CUDA module, torch inputs on the GPU):
    torch views it through __cuda_array_interface__."""

    def __init__(self, tensor, dtype, shape):
        self._tensor = tensor
        self.__cuda_array_interface__ = {
            "version": 2, "shape": shape, "typestr": numpy_dtype(dtype).str,
            "data": (tensor.data, False), "strides": None}


def wrap_output(tensor, as_torch):
    """The output `tensor` (a seqc_tensor the caller now owns) as a NumPy
    array or a torch tensor viewing the runtime's buffer, without a copy."""
    dtype = rt.DTYPES[tensor.dtype]
    shape = tuple(int(tensor.shape[i]) for i in range(tensor.rank))
    if tensor.memory == rt.DEVICE:
        torch = torch_module()
        out = torch.as_tensor(DeviceBuffer(tensor, dtype, shape),
                              device="cuda")
        return out.view(torch.bfloat16) if dtype == "bf16" else out
    if not tensor.data:
        array = np.empty(shape, numpy_dtype(dtype))
    else:
        array = np.asarray(HostBuffer(tensor, dtype, shape))
    if not as_torch:
        return array
    torch = torch_module()
    out = torch.from_numpy(array)
    return out.view(torch.bfloat16) if dtype == "bf16" else out
