"""torch.fx tracing with the layers seqc maps kept whole (leaves), and
every node tagged with the module path it was traced in."""
import inspect
import re

import torch
import torch.fx

from ..errors import ExportError
from . import _registry


class _Tracer(torch.fx.Tracer):
    """A Tracer whose leaves are the layers seqc.export maps (plus torch.nn's
    own, as fx's default), recording node.meta["seqc_path"]."""

    def __init__(self):
        super().__init__()
        self._paths = []

    def is_leaf_module(self, m, module_qualified_name):
        if _registry.module_converter(m) is not None:
            return True
        if _registry.is_library_layer(m):
            return True     # unsupported: the walk names it
        return super().is_leaf_module(m, module_qualified_name)

    def call_module(self, m, forward, args, kwargs):
        path = self.path_of_module(m)
        self._paths.append(path)
        try:
            return super().call_module(m, forward, args, kwargs)
        except ExportError:
            raise
        except Exception as e:
            # Name the innermost module whose forward could not be traced.
            if not getattr(e, "_seqc_path_named", False):
                raise ExportError(
                    "%s (%s.%s) cannot be traced by torch.fx (%s: %s); "
                    "seqc.export needs a forward without data-dependent "
                    "control flow over its tensors" % (
                        path or "<root>", type(m).__module__,
                        type(m).__qualname__, type(e).__name__, e)) from None
            raise
        finally:
            self._paths.pop()

    def create_node(self, *args, **kwargs):
        node = super().create_node(*args, **kwargs)
        node.meta["seqc_path"] = self._paths[-1] if self._paths else ""
        return node


def _snake(name):
    """RGCNConv -> rgcn_conv, ParametricLIFNode -> parametric_lif_node."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_",
                  name).lower()


def _trace_leaf_root(root, count):
    """A graph calling `root` itself: fx never treats the root as a leaf."""
    holder = torch.nn.Module()
    child = _snake(type(root).__name__) or "layer"
    holder.add_module(child, root)
    graph = torch.fx.Graph()
    try:
        params = list(inspect.signature(root.forward).parameters)
    except (TypeError, ValueError):
        params = []
    names = [params[i] if i < len(params) else "input%d" % i
             for i in range(count)]
    placeholders = [graph.placeholder(n) for n in names]
    call = graph.call_module(child, tuple(placeholders))
    call.meta["seqc_path"] = ""
    call.meta["seqc_is_root"] = True
    graph.output(call)
    module = torch.fx.GraphModule(holder, graph)
    module._seqc_root_child = child
    return module


def _defaults_after(root, count):
    """The forward's parameters after the `count` given ones, fixed at
    their defaults while tracing (``def forward(self, x, h0=None)`` traced
    for x alone takes the h0=None path)."""
    try:
        params = list(inspect.signature(root.forward).parameters.values())
    except (TypeError, ValueError):
        return None
    fixed = {}
    for param in params[count:]:
        if param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
            continue
        if param.default is param.empty:
            raise ExportError(
                "%s.forward's parameter '%s' has no default and no example "
                "input" % (type(root).__name__, param.name))
        fixed[param.name] = param.default
    return fixed or None


def trace(root, count):
    """A GraphModule of `root`'s forward for `count` positional inputs."""
    if _registry.module_converter(root) is not None:
        return _trace_leaf_root(root, count)
    tracer = _Tracer()
    try:
        graph = tracer.trace(root, concrete_args=_defaults_after(root, count))
    except Exception as e:  # fx raises TraceError, TypeError, ...
        raise ExportError(
            "%s cannot be traced by torch.fx (%s: %s); seqc.export needs a "
            "forward without data-dependent control flow over its tensors"
            % (type(root).__name__, type(e).__name__, e)) from None
    return torch.fx.GraphModule(tracer.root, graph)
