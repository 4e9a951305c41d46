"""torch.nn layers and torch functions onto seqc ops (SPEC §4.1, §4.3).

| torch                                  | seqc                          |
|----------------------------------------|-------------------------------|
| nn.Linear                              | linear                        |
| nn.Embedding                           | embedding                     |
| nn.LayerNorm (last dim)                | layer_norm                    |
| nn.RMSNorm (last dim)                  | rms_norm                      |
| nn.GRU / nn.LSTM / nn.RNN              | rnn (cell gru/lstm/rnn_*)     |
| nn.ReLU/GELU/SiLU/Sigmoid/Tanh/Softplus and their functions | act      |
| +, *, torch.add/mul, Tensor.add/mul    | add, mul                      |
| nn.Dropout*, nn.Identity, .contiguous()| nothing (the same tensor)     |
| x.transpose(0, 1), x.permute(1, 0, ...)| nothing (a layout flip)       |
"""
import operator

import torch
import torch.nn.functional as F

from ._builder import Tensor
from ._registry import function, method, module


def positionwise(fn):
    """Marks a layer converter as acting on the last dim only (a
    container may hold it; see spikingjelly.container)."""
    fn.positionwise = True
    return fn

# -- layers -----------------------------------------------------------------


def _float_input(ctx, x, what="input"):
    x = ctx.tensor(x, what)
    if not x.dtype.is_floating_point:
        ctx.error(what, "has dtype %s; this layer takes floats" % x.dtype)
    return x


@positionwise
@module("torch.nn.Linear", "spikingjelly.activation_based.layer.Linear")
def linear(ctx, layer, x):
    """nn.Linear (and SpikingJelly's layer.Linear, the same forward): seqc
    linear, weight [out, in] as PyTorch's."""
    x = _float_input(ctx, x)
    name = ctx.emit("linear", [x], {"out": layer.out_features,
                                    "bias": layer.bias is not None},
                    {"weight": layer.weight, "bias": layer.bias})
    return ctx.result(name, like=x)


@module("torch.nn.Embedding")
def embedding(ctx, layer, ids):
    """nn.Embedding on ids [B, T] (max_norm, which rewrites the table
    while looking up, is refused)."""
    ids = ctx.tensor(ids, "input")
    if layer.max_norm is not None:
        ctx.error("max_norm=%s" % layer.max_norm,
                  "renormalizes the looked-up rows in place; seqc's "
                  "embedding is a plain row lookup")
    if ids.dtype not in (torch.int32, torch.int64):
        ctx.error("input", "has dtype %s; embedding ids are int32 or int64"
                  % ids.dtype)
    if ids.rank != 2:
        ctx.error("input", "has shape %s; seqc's embedding takes ids "
                  "[B, T]" % list(ids.shape))
    ids.group.set_roles({0: "B", 1: "T"})
    name = ctx.emit("embedding", [ids], {"num": layer.num_embeddings,
                                         "dim": layer.embedding_dim},
                    {"weight": layer.weight})
    return ctx.result(name, like=ids)


def _norm_weights(ctx, layer, x, with_bias):
    shape = tuple(layer.normalized_shape)
    if len(shape) != 1:
        ctx.error("normalized_shape=%s" % list(shape),
                  "seqc normalizes over the last dim only")
    dim = shape[0]
    weight = layer.weight
    if weight is None:       # elementwise_affine=False: exactly w = 1, b = 0
        weight = torch.ones(dim)
    weights = {"weight": weight}
    if with_bias:
        bias = getattr(layer, "bias", None)
        weights["bias"] = bias if bias is not None else torch.zeros(dim)
    return weights


@positionwise
@module("torch.nn.LayerNorm")
def layer_norm(ctx, layer, x):
    """nn.LayerNorm over the last dim; without affine parameters (or without
    bias) the weight is 1 and the bias 0, which is exact."""
    x = _float_input(ctx, x)
    weights = _norm_weights(ctx, layer, x, with_bias=True)
    name = ctx.emit("layer_norm", [x], {"eps": float(layer.eps)}, weights)
    return ctx.result(name, like=x)


@positionwise
@module("torch.nn.RMSNorm")
def rms_norm(ctx, layer, x):
    """nn.RMSNorm over the last dim; eps=None is torch's finfo(dtype).eps,
    as RMSNorm's forward takes it."""
    x = _float_input(ctx, x)
    weights = _norm_weights(ctx, layer, x, with_bias=False)
    eps = layer.eps if layer.eps is not None else torch.finfo(x.dtype).eps
    name = ctx.emit("rms_norm", [x], {"eps": float(eps)}, weights)
    return ctx.result(name, like=x)


_RNN_CELLS = {"GRU": "gru", "LSTM": "lstm", "RNN_TANH": "rnn_tanh",
              "RNN_RELU": "rnn_relu"}


def _state_input(ctx, value, what):
    """h0 / c0 [layers·dirs, B, H]: the same layout in torch and seqc."""
    if value is None:
        return None
    value = _float_input(ctx, value, what)
    ctx.require_layout(value, False, "(%s [layers*dirs, B, H])" % what)
    value.group.set_roles({1: "B"})
    return value


@module("torch.nn.GRU", "torch.nn.LSTM", "torch.nn.RNN")
def rnn(ctx, layer, x, hx=None):
    """nn.GRU / nn.LSTM / nn.RNN: seqc rnn with PyTorch's weight names.
    batch_first=False is the same recurrence on time-major tensors (the
    model's input and y are then the batch-first transposes); proj_size is
    refused."""
    x = _float_input(ctx, x)
    if layer.mode not in _RNN_CELLS:
        ctx.error("mode=%s" % layer.mode, "unknown recurrent cell")
    if getattr(layer, "proj_size", 0):
        ctx.error("proj_size=%d" % layer.proj_size,
                  "LSTM projections are not in seqc's rnn op")
    if x.rank != 3:
        ctx.error("input", "has shape %s; seqc's rnn takes a batch "
                  "(3-d input), not an unbatched sequence" % list(x.shape))
    ctx.require_layout(x, not layer.batch_first,
                       "(batch_first=%s)" % layer.batch_first)
    x.group.set_roles({0: "B", 1: "T"})
    lstm = layer.mode == "LSTM"
    h0 = c0 = None
    if isinstance(hx, (tuple, list)):
        h0, c0 = hx
    else:
        h0 = hx
    if lstm and hx is not None and not isinstance(hx, (tuple, list)):
        ctx.error("hx", "an LSTM's state is a tuple (h0, c0)")
    h0 = _state_input(ctx, h0, "h0")
    c0 = _state_input(ctx, c0, "c0")
    if lstm and (h0 is None) != (c0 is None):
        ctx.error("hx", "give both h0 and c0 or neither")
    attrs = {"cell": _RNN_CELLS[layer.mode], "hidden": layer.hidden_size,
             "layers": layer.num_layers, "bias": bool(layer.bias),
             "bidirectional": bool(layer.bidirectional)}
    weights = {n: getattr(layer, n) for n in layer._flat_weights_names}
    inputs = [x, h0, c0] if lstm else [x, h0]
    if lstm and h0 is None:
        inputs = [x]
    name = ctx.emit("rnn", inputs, attrs, weights)
    y_real, state_real = ctx.real_out
    y = ctx.result(name, y_real, like=x)

    def state(ref, real):
        value = ctx.result(ref, real)
        value.group.require(False, "%s (h_n/c_n)" % ctx.where())
        value.group.set_roles({1: "B"})
        return value
    if lstm:
        return (y, (state(name + ":1", state_real[0]),
                    state(name + ":2", state_real[1])))
    return (y, state(name + ":1", state_real))


# -- activations ------------------------------------------------------------


def _act(ctx, x, kind):
    x = _float_input(ctx, x)
    name = ctx.emit("act", [x], {"kind": kind})
    return ctx.result(name, like=x)


def _gelu_kind(ctx, approximate):
    if approximate == "none":
        return "gelu"
    if approximate == "tanh":
        return "gelu_tanh"
    ctx.error("approximate=%r" % approximate, "unknown GELU approximation")


def _softplus(ctx, x, beta, threshold):
    # torch returns x itself where beta·x > threshold; seqc computes
    # log(1 + e^x) everywhere, which differs there by at most
    # log1p(e^-threshold): within SPEC §5 (1e-4) for threshold >= 10.
    if beta != 1:
        ctx.error("beta=%s" % beta, "seqc's softplus has beta 1")
    if threshold < 10:
        ctx.error("threshold=%s" % threshold,
                  "below 10 torch's linear region differs from "
                  "log(1 + e^x) by more than SPEC's tolerance")
    return _act(ctx, x, "softplus")


#: Activation layers without options: class name -> act kind.
_SIMPLE_ACTS = {"ReLU": "relu", "SiLU": "silu", "Sigmoid": "sigmoid",
                "Tanh": "tanh"}


@positionwise
@module(*("torch.nn." + name for name in _SIMPLE_ACTS))
def simple_activation(ctx, layer, x):
    """nn.ReLU, nn.SiLU, nn.Sigmoid, nn.Tanh: seqc act."""
    return _act(ctx, x, _SIMPLE_ACTS[type(layer).__name__])


@positionwise
@module("torch.nn.GELU")
def gelu_layer(ctx, layer, x):
    """nn.GELU: act gelu (erf) or gelu_tanh (approximate='tanh')."""
    return _act(ctx, x, _gelu_kind(ctx, layer.approximate))


@positionwise
@module("torch.nn.Softplus")
def softplus_layer(ctx, layer, x):
    """nn.Softplus with beta 1 (see _softplus for the threshold)."""
    return _softplus(ctx, x, layer.beta, layer.threshold)


@function(F.relu, torch.relu)
@method("relu")
def relu(ctx, x, inplace=False):
    return _act(ctx, x, "relu")


@function(F.silu)
def silu(ctx, x, inplace=False):
    return _act(ctx, x, "silu")


@function(torch.sigmoid, F.sigmoid)
@method("sigmoid")
def sigmoid(ctx, x):
    return _act(ctx, x, "sigmoid")


@function(torch.tanh, F.tanh)
@method("tanh")
def tanh(ctx, x):
    return _act(ctx, x, "tanh")


@function(F.gelu)
def gelu(ctx, x, approximate="none"):
    return _act(ctx, x, _gelu_kind(ctx, approximate))


@function(F.softplus)
def softplus(ctx, x, beta=1.0, threshold=20.0):
    return _softplus(ctx, x, beta, threshold)


# -- no-ops -----------------------------------------------------------------


@positionwise
@module("torch.nn.Identity", "torch.nn.Dropout", "torch.nn.Dropout1d",
        "torch.nn.Dropout2d", "torch.nn.Dropout3d", "torch.nn.AlphaDropout")
def identity_layer(ctx, layer, x, *args, **kwargs):
    """Identity, and dropout in eval mode (export traces eval mode)."""
    return x


@function(F.dropout)
def dropout(ctx, x, p=0.5, training=True, inplace=False):
    if training and p > 0:
        ctx.error("training=True", "dropout outside eval mode is random")
    return x


@method("contiguous")
def contiguous(ctx, x, *args, **kwargs):
    return x


@method("float")
def to_float(ctx, x):
    x = ctx.tensor(x)
    if x.dtype != torch.float32:
        ctx.error("float()", "converts %s to float32; seqc has no casts"
                  % x.dtype)
    return x


# -- elementwise ------------------------------------------------------------


def _broadcast_layout(ctx, big, small):
    """`small` (lower rank) broadcast against `big`: right-aligned, so it
    must not meet big's axes 0/1 when those may be swapped in seqc, unless
    its dims there are 1."""
    offset = big.rank - small.rank
    for axis in (0, 1):
        d = axis - offset
        if 0 <= d < small.rank and small.shape[d] != 1 and big.rank >= 2:
            ctx.require_layout(big, False, "(broadcasting a %d-d operand "
                               "over its axis %d)" % (small.rank, axis))
            return


def _binary(ctx, op, a, b, what):
    for operand, name in ((a, "first operand"), (b, "second operand")):
        if not isinstance(operand, Tensor):
            if isinstance(operand, (int, float)):
                ctx.error(name, "is the number %r; seqc's %s takes two "
                          "tensors (a scalar operand is not expressible)"
                          % (operand, what))
            ctx.tensor(operand, name)
    if a.rank == b.rank:
        ctx.join(a, b)      # same axes 0/1, both swapped or neither
        like = a
    else:
        big, small = (a, b) if a.rank > b.rank else (b, a)
        _broadcast_layout(ctx, big, small)
        like = big
    name = ctx.emit(op, [a, b])
    return ctx.result(name, like=like)


@function(operator.add, operator.iadd, torch.add)
@method("add", "add_", "__add__", "__radd__")
def add(ctx, a, b, alpha=1):
    """a + b (alpha 1 only)."""
    if alpha != 1:
        ctx.error("alpha=%s" % alpha, "seqc's add has no scale")
    return _binary(ctx, "add", a, b, "add")


@function(operator.mul, operator.imul, torch.mul)
@method("mul", "mul_", "__mul__", "__rmul__")
def mul(ctx, a, b):
    """a * b, elementwise."""
    return _binary(ctx, "mul", a, b, "mul")


# -- structure --------------------------------------------------------------


@function(torch.fx._symbolic_trace._assert_is_none)
def assert_is_none(ctx, value, *args, **kwargs):
    """fx's guard for a forward parameter fixed at its default None."""
    return None


@function(operator.getitem)
def getitem(ctx, value, index):
    """An element of a tuple a layer returned (GRU's (y, h_n)); indexing a
    tensor is not expressible."""
    if isinstance(value, (tuple, list)):
        return value[index]
    if isinstance(value, dict):
        return value[index]
    getter = getattr(value, "seqc_getitem", None)
    if getter is not None:
        return getter(ctx, index)
    ctx.error("indexing [%r]" % (index,), "seqc has no slicing or "
              "indexing ops")


def _flip(ctx, x):
    x = ctx.tensor(x)
    if x.rank < 2:
        ctx.error("transpose", "of a %d-d tensor" % x.rank)
    value = ctx.result(x.ref)
    ctx.join(x, value, flip=True)
    return value


@function(torch.transpose, torch.swapaxes)
@method("transpose", "swapaxes")
def transpose(ctx, x, dim0, dim1):
    """x.transpose(0, 1): the same seqc tensor, its axes 0/1 swapped in
    torch's view (a time-major/batch-first flip); other transposes are
    not expressible."""
    x = ctx.tensor(x)
    dims = sorted(d % x.rank for d in (dim0, dim1))
    if dims == [0, 1]:
        return _flip(ctx, x)
    if dims[0] == dims[1]:
        return x
    ctx.error("transpose(%d, %d)" % (dim0, dim1),
              "only axes 0 and 1 (time-major <-> batch-first) can be "
              "swapped")


@function(torch.permute)
@method("permute")
def permute(ctx, x, *dims):
    """x.permute(1, 0, 2, ...): as transpose(0, 1); other permutations
    are not expressible."""
    x = ctx.tensor(x)
    if len(dims) == 1 and isinstance(dims[0], (tuple, list)):
        dims = tuple(dims[0])
    dims = tuple(d % x.rank for d in dims)
    if dims == tuple(range(x.rank)):
        return x
    if dims == (1, 0) + tuple(range(2, x.rank)):
        return _flip(ctx, x)
    ctx.error("permute%s" % (dims,), "only axes 0 and 1 can be swapped")


@method("t")
def t(ctx, x):
    x = ctx.tensor(x)
    return _flip(ctx, x) if x.rank == 2 else x
