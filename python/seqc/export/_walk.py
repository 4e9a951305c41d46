"""The walk over the traced graph: runs it on the example inputs (for every
value's shape and dtype) and hands each node to its converter."""
import torch
import torch.fx
from torch.fx.node import map_arg

from ..errors import ExportError
from . import _registry
from ._builder import Constant, Tensor
from ._layout import LayoutConflict


def _describe(layer):
    cls = type(layer)
    return "%s.%s" % (cls.__module__, cls.__qualname__)


def _subclass_note(layer):
    for base in type(layer).__mro__[1:]:
        if _registry.is_registered_class(base):
            return (" (a subclass of %s.%s, whose forward it may change)"
                    % (base.__module__, base.__qualname__))
    return ""


class Context:
    """What a converter gets for one fx node: the builder, where the node
    comes from (module path), the real values torch computed, and helpers
    that emit seqc nodes and report what cannot be exported."""

    def __init__(self, walker, node, layer=None):
        self._walker = walker
        self.builder = walker.builder
        self.fx_node = node
        #: The module path (fx qualified name) the node belongs to; "" for
        #: the root module.
        self.path = node.meta.get("seqc_path", "")
        if node.op == "call_module" and not node.meta.get("seqc_is_root"):
            self.path = node.target
        self.layer = layer
        env = walker.env
        #: torch's values of the node's arguments and its result.
        self.real_args = map_arg(node.args, lambda a: env[a])
        self.real_kwargs = map_arg(node.kwargs, lambda a: env[a])
        self.real_out = None
        self._name = None

    def child(self, name, layer, real_input):
        """A Context for `layer`, a child `name` of this node's layer that
        a container runs on `real_input` (torch's value): its own path,
        node name and real result."""
        child = Context.__new__(Context)
        child._walker = self._walker
        child.builder = self.builder
        child.fx_node = self.fx_node
        child.path = "%s.%s" % (self.path, name) if self.path else name
        child.layer = layer
        child.real_args = (real_input,)
        child.real_kwargs = {}
        with torch.no_grad():
            child.real_out = layer(real_input)
        child._name = self.builder.unique("%s_%s" % (self.fx_node.name, name))
        return child

    # -- naming and errors --------------------------------------------------

    def where(self):
        """'path (Class)' or 'path, fx call' for messages."""
        path = self.path or "<root>"
        if self.layer is not None:
            return "%s (%s)" % (path, _describe(self.layer))
        node = self.fx_node
        if node.op == "call_method":
            return "%s, Tensor.%s" % (path, node.target)
        if node.op == "call_function":
            return "%s, %s" % (path, getattr(node.target, "__name__",
                                             node.target))
        return path

    def error(self, option, why):
        """Raises ExportError naming the module path and `option`."""
        raise ExportError("%s: %s: %s" % (self.where(), option, why))

    def name(self, op="node"):
        """This node's seqc name: fx's node name (the module path with '_'
        for '.'), prefixed by the op where it would start with a digit
        (nn.Sequential's children), made unique."""
        if self._name is None:
            base = self.fx_node.name.lstrip("_")
            if not base or base[0].isdigit():
                base = "%s_%s" % (op, base) if base else op
            self._name = self.builder.unique(base)
        return self._name

    # -- values -------------------------------------------------------------

    def tensor(self, value, what="input"):
        """`value` as a Tensor, or an ExportError saying what it is."""
        if isinstance(value, Tensor):
            return value
        if isinstance(value, Constant):
            self.error(what, "is the parameter or buffer '%s' read by the "
                       "traced code itself; seqc ops take no constant "
                       "operands (only a layer's own weights)" % value.path)
        self.error(what, "is %r, not a tensor (seqc ops take tensors "
                   "computed by the model)" % (value,))

    def require_layout(self, value, time_major, why):
        """Fixes `value`'s group time-major or batch-first; a conflict is
        an ExportError."""
        try:
            value.group.require(time_major, "%s %s" % (self.where(), why))
        except LayoutConflict as e:
            raise ExportError(str(e)) from None   # names this op first

    def join(self, a, b, flip=False):
        """Records that `b`'s axes 0 and 1 are `a`'s (swapped if flip)."""
        try:
            a.group.join(b.group, flip)
        except LayoutConflict as e:
            raise ExportError("%s: %s" % (self.where(), e)) from None

    def emit(self, op, inputs, attrs=None, weights=None, name=None):
        """Adds a seqc node; `weights` are torch tensors by their seqc name
        (None skipped). Returns the node's name."""
        clean = {}
        for key, tensor in (weights or {}).items():
            if tensor is not None:
                clean[key] = tensor.detach().cpu().contiguous()
        return self.builder.add_node(name or self.name(op), op, inputs, attrs,
                                     clean, self.path)

    def result(self, ref, real=None, like=None):
        """A Tensor for output `ref` shaped as torch's `real` (default: the
        node's own result); `like` shares that Tensor's group (an op that
        keeps axes 0 and 1)."""
        real = self.real_out if real is None else real
        value = Tensor(ref, real.dtype, real.shape)
        if like is not None:
            self.join(like, value)
        return value


class Walker(torch.fx.Interpreter):
    """Runs the GraphModule on the example inputs and converts each node
    on the way; `values` maps fx nodes to what seqc has for them."""

    def __init__(self, graph_module, builder):
        super().__init__(graph_module, garbage_collect_values=False)
        self.extra_traceback = False   # ExportError's message as written
        self.builder = builder
        self.values = {}
        self.result = None

    def run_node(self, node):
        real = super().run_node(node)
        if node.op == "output":
            self.result = map_arg(node.args[0], self.values.__getitem__)
            return real
        layer = (self.module.get_submodule(node.target)
                 if node.op == "call_module" else None)
        ctx = Context(self, node, layer)
        ctx.real_out = real
        self.values[node] = self._convert(ctx, node, layer, real)
        return real

    def _convert(self, ctx, node, layer, real):
        args = map_arg(node.args, self.values.__getitem__)
        kwargs = map_arg(node.kwargs, self.values.__getitem__)
        if node.op == "placeholder":
            return self._placeholder(ctx, node, real)
        if node.op == "get_attr":
            return Constant(real, node.target)
        if node.op == "call_module":
            convert = _registry.module_converter(layer)
            if convert is None:
                raise ExportError(
                    "%s: layer %s is not supported by seqc.export%s (see "
                    "docs/export.md for the layers it maps)"
                    % (ctx.path or "<root>", _describe(layer),
                       _subclass_note(layer)))
            return convert(ctx, layer, *args, **kwargs)
        if node.op == "call_function":
            convert = _registry.function_converter(node.target)
            if convert is None:
                ctx.error("function %s" % getattr(
                    node.target, "__name__", node.target),
                    "not supported by seqc.export")
            return convert(ctx, *args, **kwargs)
        if node.op == "call_method":
            convert = _registry.method_converter(node.target)
            if convert is None:
                ctx.error("method Tensor.%s" % node.target,
                          "not supported by seqc.export")
            return convert(ctx, *args, **kwargs)
        raise ExportError("unexpected fx node %s" % node.format_node())

    def _placeholder(self, ctx, node, real):
        name = node.target.lstrip("*")
        if real is None or isinstance(real, (bool, int, float, str)):
            return real     # a parameter left at its default: a constant
        if isinstance(real, torch.Tensor):
            return self.builder.add_input(name, real)
        for convert in _registry.placeholder_converters():
            value = convert(ctx, name, real)
            if value is not None:
                return value
        raise ExportError("input '%s' is a %s; seqc.export takes tensors "
                          "(and PyG's hetero dicts for HGTConv)"
                          % (name, type(real).__name__))
