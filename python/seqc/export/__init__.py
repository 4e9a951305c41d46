"""seqc.export: a PyTorch module as a seqc.Model (SPEC §7).

    model = seqc.export(torch_module, example_inputs)
    module = seqc.compile(model)
    y = module(*example_inputs)["y"]

The module is traced with torch.fx, its supported layers kept whole; every
layer, function and method call of the trace is mapped onto seqc's op
catalogue (docs/export.md has the tables), weights renamed and re-laid-out
as ``<node>.<weight>``. What seqc cannot express exactly raises
seqc.ExportError naming the module path and the option; nothing is
dropped silently.

The libraries' converters are this package's torch_nn.py (torch.nn),
spikingjelly.py (LIFNode, ParametricLIFNode, IFNode), pyg.py (RGCNConv,
RGATConv, HGTConv, and the helpers that flatten PyG's hetero dicts) and
fla.py (flash-linear-attention's GatedLinearAttention).
"""
import copy
import sys
import types

from ..errors import ExportError

__all__ = ["export", "ExportError"]


def _example_tuple(example_inputs):
    if isinstance(example_inputs, (tuple, list)):
        return tuple(example_inputs)
    return (example_inputs,)


def _flatten(result):
    """The traced result's leaves in order (nested tuples and lists, as
    an LSTM's (y, (h_n, c_n)), flattened)."""
    if isinstance(result, (tuple, list)):
        return [leaf for item in result for leaf in _flatten(item)]
    return [result]


def _outputs(builder, result):
    """Model outputs from the traced result: one tensor is "y"; a tuple or
    list, nested or not, y0, y1, ... in order, its None leaves (fla's
    (o, None, None)) skipped but counted; a dict its keys. An HGTConv
    result is one tensor over all nodes (model.meta["hetero"])."""
    def add(name, value):
        if getattr(value, "seqc_output", None) is not None:
            value.seqc_output(builder, name)
        else:
            builder.add_output(name, value)
    if isinstance(result, dict):
        for key, value in result.items():
            add(str(key), value)
    elif isinstance(result, (tuple, list)):
        for i, value in enumerate(_flatten(result)):
            if value is not None:
                add("y%d" % i, value)
    else:
        add("y", result)


def export(torch_module, example_inputs, name=None, dynamic=True):
    """Traces `torch_module` on `example_inputs` and returns the
    equivalent seqc.Model.

    torch_module
        a torch.nn.Module (exported in eval mode, from a copy: the module
        itself is not changed). Its supported layers: torch.nn Linear,
        Embedding, LayerNorm, RMSNorm, GRU, LSTM, RNN, ReLU, GELU, SiLU,
        Sigmoid, Tanh, Softplus, Dropout, Identity and add/mul;
        SpikingJelly LIFNode, ParametricLIFNode, IFNode (multi-step); PyG
        RGCNConv, RGATConv and HGTConv; flash-linear-attention's
        GatedLinearAttention.
    example_inputs
        a tensor or a tuple of the forward's positional arguments (PyG's
        x_dict/edge_index_dict for HGTConv). The module is run on them
        once, for every tensor's shape and dtype.
    name
        the model's name (default: the module's class name).
    dynamic
        True (default): the inputs' batch, time, node and edge dims are
        symbols ("B", "T", "N", "E"; "B2" where another size plays that
        role), so one model takes any size; False: every dim as in the
        examples.

    Inputs are named after the forward's parameters, outputs "y" (one
    tensor), "y0", "y1", ... (tuple or list) or the keys of a returned dict.
    seqc's sequence tensors are batch-first; a module that is time-major
    (SpikingJelly's [T, B, ...], nn.GRU(batch_first=False)) becomes a model
    whose inputs and outputs are those tensors with axes 0 and 1 swapped.
    ``model.meta`` records it::

        model.meta["time_major"]  = {"inputs": [...], "outputs": [...]}
        model.meta["module_paths"] = {seqc node: torch module path}
        model.meta["hetero"]       # HGTConv: node/edge type order, see
                                   # seqc.export.pyg.hetero_inputs
        model.meta["state_v_first"] = {"inputs": [...], "outputs": [...]}
                                   # fla's recurrent states: torch's are
                                   # seqc's with the last two axes
                                   # swapped (seqc.export.fla.Stateful)

    Raises seqc.ExportError for a layer, function, option or data flow
    seqc cannot express exactly.
    """
    import torch

    from . import _registry, _tracing
    from ._builder import ModelBuilder
    from ._walk import Walker

    if not isinstance(torch_module, torch.nn.Module):
        raise TypeError("seqc.export takes a torch.nn.Module, not %s"
                        % type(torch_module).__name__)
    inputs = _example_tuple(example_inputs)
    root = copy.deepcopy(torch_module).eval()
    for prepare in _registry.preparers():
        prepare(root)
    graph_module = _tracing.trace(root, len(inputs))
    builder = ModelBuilder(name or type(torch_module).__name__, dynamic)
    walker = Walker(graph_module, builder)
    with torch.no_grad():
        walker.run(*inputs)
    _outputs(builder, walker.result)
    return builder.build()


class _CallableModule(types.ModuleType):
    """Makes ``seqc.export(...)`` work although seqc.export is this
    package: calling the package calls export()."""

    def __call__(self, *args, **kwargs):
        return export(*args, **kwargs)


sys.modules[__name__].__class__ = _CallableModule
