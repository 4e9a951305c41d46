"""seqc.from_nir: a NIR graph (the Neuromorphic Intermediate
Representation, https://neuroir.org) as a seqc.Model.

NIR describes neurons by differential equations; ``from_nir(graph, dt)``
discretizes them by forward Euler at the caller's step ``dt`` (as
SpikingJelly's and snnTorch's NIR imports do) and maps the result onto
SPEC §4.1/§4.3/§4.5 ops:

| NIR node        | seqc                                                  |
|-----------------|-------------------------------------------------------|
| Affine          | linear (weight [out, in], bias)                       |
| Linear          | linear, "bias": false                                 |
| LIF             | lif, tau = τ/dt, v_reset (leak to v_reset)            |
| IF              | if_neuron                                             |
| CubaLIF         | linear (zero weight, bias a), linear_recurrence, lif  |
| Identity, nested NIRGraph, fan-in/fan-out | wiring (fan-in: add)        |

Input scales (r, dt·r, w_in) and the offset v_leak − v_reset, which
seqc's neurons do not have, are folded into the rows and bias of the
Affine/Linear in front of the neuron (exact up to float32 rounding of the
weights); without one they must be 1 and 0 (within 1e-6).
docs/nir.md has the derivations and what is refused; anything not
expressible exactly raises seqc.ExportError naming the NIR node.
"""
import math
import os
import re

import numpy as np

from .errors import ExportError
from .model import Model

#: A scale within this of 1 counts as 1 where no weights can absorb it
#: (float32 parameters cannot say better; SpikingJelly's import uses 1e-6
#: too).
ONE_TOLERANCE = 1e-6

_NEURONS = ("LIF", "IF", "CubaLIF")
_SUPPORTED = ("Input", "Output", "Identity", "Affine", "Linear") + _NEURONS


def _import_nir():
    try:
        import nir
    except ImportError as e:
        raise ImportError("seqc.from_nir needs the `nir` package "
                          "(pip install nir)") from e
    return nir


def from_nir(graph, dt, *, name="nir"):
    """A NIR graph as a :class:`seqc.Model`.

    graph
        a ``nir.NIRGraph``, or the path of a NIR file (``nir.read``).
    dt
        the time step, in the graph's time unit (seconds in NIR): every
        neuron is discretized by forward Euler at ``dt``.
    name
        the model's name.

    Each NIR ``Input`` node becomes a model input of the same name (made
    into an identifier), ``f32 [B, T, *shape]``: batch-first, time on
    axis 1 (SPEC §3), where SpikingJelly and snnTorch loop over a
    time-major ``[T, B, ...]``. Each ``Output`` node becomes a model output
    of its name: spikes (0/1) after a neuron, values after an
    Affine/Linear. Every neuron starts a sequence at its ``v_reset`` (the
    synaptic current of CubaLIF at 0), as SpikingJelly's import does.

    Discretization (``x`` the node's input at step t, spikes where the
    potential exceeds ``v_threshold``, then ``v = v_reset``)::

        LIF      v += dt/tau * (v_leak - v + r*x)
        IF       v += dt * r * x
        CubaLIF  I += dt/tau_syn * (w_in*x - I)
                 v += dt/tau_mem * (v_leak - v + r*I)   (the new I)

    Raises seqc.ExportError, naming the NIR node, for what seqc's ops
    cannot express exactly: other node types, cycles (recurrent
    connections), per-neuron tau/v_threshold/v_reset, tau <= dt for the
    membrane, an input scale or leak offset with no Affine/Linear in front
    to fold it into, and the like (docs/nir.md).
    """
    nir = _import_nir()
    if isinstance(graph, (str, bytes, os.PathLike)):
        graph = nir.read(graph)
    if not isinstance(graph, nir.NIRGraph):
        raise TypeError("seqc.from_nir takes a nir.NIRGraph or the path of "
                        "a NIR file, not %s" % type(graph).__name__)
    try:
        dt = float(dt)
    except (TypeError, ValueError):
        raise TypeError("dt must be a number, not %s"
                        % type(dt).__name__) from None
    if not (math.isfinite(dt) and dt > 0):
        raise ValueError("dt must be positive and finite, got %r" % dt)
    return _Importer(nir, graph, dt, str(name)).run()


# -- values ----------------------------------------------------------------

class _Tensor:
    """A tensor the model computes: `ref` (an input's name or a node's
    output), `shape` per time step."""

    def __init__(self, ref, shape, origin):
        self.ref = ref
        self.shape = tuple(shape)
        self.origin = origin  # the NIR node that made it, for messages


class _Affine:
    """An Affine/Linear not emitted yet (`weight @ src + bias`), so that a
    neuron after it can fold its input scale into the rows."""

    def __init__(self, path, src, weight, bias):
        self.path = path
        self.src = src
        self.weight = weight  # float64 [out, in]
        self.bias = bias      # float64 [out] or None
        self.shape = (weight.shape[0],)
        self.origin = path
        self.emitted = None   # its _Tensor, once emitted as it is


def _describe(a):
    a = np.asarray(a, np.float64)
    if a.size and np.all(a == a.flat[0]):
        return "%.9g" % a.flat[0]
    return "per-neuron values %s" % np.array2string(
        a.ravel(), precision=6, threshold=6)


# -- the importer ------------------------------------------------------------

class _Importer:

    def __init__(self, nir, graph, dt, name):
        self.nir = nir
        self.graph = graph
        self.dt = dt
        self.name = name
        self.nodes = {}          # path -> NIR node (flattened)
        self.passthrough = set()  # nested Input/Output, Identity
        self.edges = []
        self.top_inputs = []
        self.top_outputs = []
        # the model
        self.inputs = {}
        self.model_nodes = []
        self.tensors = {}
        self.outputs = {}        # Output path -> (name, reference)
        self.names = set()
        self.narrow = []         # emitted [B, T, k] tensors, for constants

    def classes(self, *names):
        """NIR's node classes of these names (Identity is not exported
        at the top of nir 1.0)."""
        found = []
        for name in names:
            for where in (self.nir, getattr(getattr(self.nir, "ir", None),
                                            "graph", None)):
                cls = getattr(where, name, None)
                if isinstance(cls, type):
                    found.append(cls)
                    break
        return tuple(found)

    # -- errors and names

    def _kind(self, path):
        return type(self.nodes[path]).__name__

    def refuse(self, path, what, why):
        raise ExportError("NIR node '%s' (%s): %s: %s"
                          % (path, self._kind(path), what, why))

    def unique(self, base):
        name = re.sub(r"[^A-Za-z0-9_]", "_", base) or "node"
        candidate, k = name, 2
        while candidate in self.names:
            candidate = "%s_%d" % (name, k)
            k += 1
        self.names.add(candidate)
        return candidate

    # -- the graph

    def _flatten(self, graph, prefix):
        """Adds `graph`'s nodes (nested graphs inlined, their Input and
        Output nodes as pass-throughs) and edges; returns its Input and
        Output nodes' paths."""
        nir = self.nir
        entry, exit_, ins, outs = {}, {}, [], []
        if not isinstance(graph.nodes, dict):
            raise ExportError("NIR graph '%s': nodes must be a dict"
                              % (prefix[:-1] or "<top>"))
        for key, node in graph.nodes.items():
            path = prefix + str(key)
            if isinstance(node, nir.NIRGraph):
                sub_ins, sub_outs = self._flatten(node, path + ".")
                if len(sub_ins) != 1 or len(sub_outs) != 1:
                    raise ExportError(
                        "NIR node '%s' (NIRGraph): a nested graph with %d "
                        "Input and %d Output nodes: seqc.from_nir inlines "
                        "nested graphs with one of each"
                        % (path, len(sub_ins), len(sub_outs)))
                entry[key], exit_[key] = sub_ins[0], sub_outs[0]
                continue
            self.nodes[path] = node
            entry[key] = exit_[key] = path
            if isinstance(node, nir.Input):
                ins.append(path)
            elif isinstance(node, nir.Output):
                outs.append(path)
            if prefix and isinstance(node, (nir.Input, nir.Output)):
                self.passthrough.add(path)
            elif isinstance(node, self.classes("Identity")):
                self.passthrough.add(path)
        seen = set()
        for edge in graph.edges:
            src, dst = (str(e) for e in edge)
            for end in (src, dst):
                if end not in graph.nodes:
                    raise ExportError(
                        "NIR edge ('%s', '%s') in graph '%s': no node '%s'"
                        % (src, dst, prefix[:-1] or "<top>", end))
            if (src, dst) in seen:
                raise ExportError("NIR edge ('%s', '%s') in graph '%s' is "
                                  "given twice" % (src, dst,
                                                   prefix[:-1] or "<top>"))
            seen.add((src, dst))
            self.edges.append((exit_[src], entry[dst]))
        return ins, outs

    def _check_structure(self):
        nir = self.nir
        self.preds = {p: [] for p in self.nodes}
        self.succs = {p: [] for p in self.nodes}
        for src, dst in self.edges:
            self.preds[dst].append(src)
            self.succs[src].append(dst)
        for path, node in self.nodes.items():
            kind = type(node).__name__
            if not isinstance(node, self.classes(*_SUPPORTED)):
                self.refuse(path, "node type %s" % kind,
                            "not supported: seqc.from_nir imports "
                            "Affine, Linear, LIF, IF and CubaLIF (with "
                            "Input, Output, Identity and nested graphs)")
        for path in self.top_inputs:
            if self.preds[path]:
                self.refuse(path, "incoming edge from '%s'"
                            % self.preds[path][0],
                            "a graph's Input has none")
        for path in self.top_outputs:
            if self.succs[path]:
                self.refuse(path, "outgoing edge to '%s'"
                            % self.succs[path][0],
                            "a graph's Output has none")
        if not self.top_inputs:
            raise ExportError("NIR graph: no Input node")
        if not self.top_outputs:
            raise ExportError("NIR graph: no Output node")
        self.order = self._topological_order()
        # Live nodes: those an Output depends on.
        self.live = set()
        stack = list(self.top_outputs)
        while stack:
            path = stack.pop()
            if path not in self.live:
                self.live.add(path)
                stack.extend(self.preds[path])
        for path in self.order:
            if (path in self.live and path not in self.top_inputs
                    and not self.preds[path]):
                self.refuse(path, "no incoming edge",
                            "its input is undefined")

    def _topological_order(self):
        order, indegree = [], {p: len(v) for p, v in self.preds.items()}
        ready = [p for p in self.nodes if indegree[p] == 0]
        while ready:
            path = ready.pop(0)
            order.append(path)
            for succ in self.succs[path]:
                indegree[succ] -= 1
                if indegree[succ] == 0:
                    ready.append(succ)
        if len(order) == len(self.nodes):
            return order
        cycle = self._find_cycle(set(self.nodes) - set(order))
        raise ExportError(
            "NIR graph: a cycle %s: recurrent connections (a neuron's "
            "output fed back to its input through the graph) are not "
            "supported: seqc.from_nir imports feed-forward graphs"
            % " -> ".join("'%s'" % p for p in cycle))

    def _find_cycle(self, left):
        # Every node left has a predecessor left; walk back until a repeat.
        path = sorted(left)[0]
        walk, position = [], {}
        while path not in position:
            position[path] = len(walk)
            walk.append(path)
            path = next(p for p in self.preds[path] if p in left)
        cycle = walk[position[path]:] + [path]
        return cycle[::-1]

    def _uses(self, path):
        """How many nodes use `path`'s value, looking through
        pass-throughs (each use counts)."""
        count = 0
        for succ in self.succs[path]:
            if succ not in self.live:
                continue
            if succ in self.passthrough:
                count += self._uses(succ)
            else:
                count += 1
        return count

    # -- the model

    def emit(self, base, op, inputs, attrs=None, weights=None):
        name = self.unique(base)
        node = {"name": name, "op": op, "inputs": list(inputs)}
        if attrs:
            node["attrs"] = attrs
        self.model_nodes.append(node)
        for key, value in (weights or {}).items():
            self.tensors["%s.%s" % (name, key)] = \
                np.ascontiguousarray(value, dtype=np.float32)
        return name

    def tensor(self, value):
        """`value` emitted: an _Affine becomes its linear node (once)."""
        if isinstance(value, _Tensor):
            return value
        if value.emitted is None:
            value.emitted = self._emit_linear(value.path, value, 1.0, 0.0)
        return value.emitted

    def _emit_linear(self, base, affine, scale, offset):
        """The linear node of `affine` with rows scaled by `scale` and
        `offset` added to the bias (both per output or scalars)."""
        out = affine.weight.shape[0]
        scale = np.broadcast_to(np.asarray(scale, np.float64), (out,))
        offset = np.broadcast_to(np.asarray(offset, np.float64), (out,))
        weights = {"weight": affine.weight * scale[:, None]}
        has_bias = affine.bias is not None or np.any(offset != 0)
        if has_bias:
            bias = affine.bias if affine.bias is not None else np.zeros(out)
            weights["bias"] = bias * scale + offset
        attrs = {"out": int(out)}
        if not has_bias:
            attrs["bias"] = False
        name = self.emit(base, "linear", [affine.src.ref], attrs, weights)
        result = _Tensor(name, (out,), affine.path)
        self.narrow.append(result)
        return result

    def node_input(self, path):
        """The value flowing into `path`: its one predecessor's, or the sum
        of all of them (add nodes)."""
        preds = self.preds[path]
        if len(preds) == 1:
            return self.values[preds[0]]
        values = [self.tensor(self.values[p]) for p in preds]
        for p, v in zip(preds, values):
            if v.shape != values[0].shape:
                self.refuse(path, "inputs of shapes %s ('%s') and %s ('%s')"
                            % (list(values[0].shape), preds[0],
                               list(v.shape), p),
                            "NIR sums a node's inputs, which needs one "
                            "shape")
        total = values[0]
        for k, v in enumerate(values[1:], start=1):
            name = self.emit("%s_sum%d" % (path, k), "add",
                             [total.ref, v.ref])
            total = _Tensor(name, v.shape, path)
        return total

    def run(self):
        nir = self.nir
        ins, outs = self._flatten(self.graph, "")
        self.top_inputs, self.top_outputs = ins, outs
        self._check_structure()
        self.values = {}
        for path in self.top_inputs:
            self._add_input(path)
        for path in self.order:
            node = self.nodes[path]
            if path not in self.live or path in self.top_inputs:
                continue
            if path in self.passthrough:
                self.values[path] = self.node_input(path)
            elif isinstance(node, nir.Output):
                self._add_output(path)
            elif isinstance(node, (nir.Affine, nir.Linear)):
                self._affine(path, node)
            elif isinstance(node, nir.LIF):
                self._lif(path, node)
            elif isinstance(node, nir.IF):
                self._if(path, node)
            elif isinstance(node, nir.CubaLIF):
                self._cuba_lif(path, node)
        # Outputs in the order of the graph's Output nodes.
        outputs = {}
        for path in self.top_outputs:
            name, ref = self.outputs[path]
            outputs[name] = ref
        description = {"seqc_model": 1, "name": self.name,
                       "inputs": self.inputs, "nodes": self.model_nodes,
                       "outputs": outputs}
        return Model(description, self.tensors)

    def _add_input(self, path):
        node = self.nodes[path]
        shape = np.asarray(node.input_type["input"]).ravel()
        try:
            dims = [int(d) for d in shape]
        except (TypeError, ValueError):
            dims = None
        if not dims or any(d <= 0 for d in dims) or any(
                d != s for d, s in zip(dims, shape)):
            self.refuse(path, "shape %s" % list(shape),
                        "a model input is [B, T, *shape] with a non-empty "
                        "shape of positive sizes per time step")
        name = self.unique(path)
        self.inputs[name] = {"dtype": "f32", "shape": ["B", "T"] + dims}
        value = _Tensor(name, dims, path)
        if len(dims) == 1:
            self.narrow.append(value)
        self.values[path] = value

    def _add_output(self, path):
        value = self.node_input(path)
        if isinstance(value, _Tensor) and value.ref in self.inputs:
            self.refuse(path, "fed by the graph's Input '%s' unchanged"
                        % value.origin,
                        "a seqc output is computed by a node")
        self.outputs[path] = (self.unique_output(path),
                              self.tensor(value).ref)

    def unique_output(self, path):
        name = re.sub(r"[^A-Za-z0-9_]", "_", path) or "output"
        taken = {n for n, _ in self.outputs.values()}
        candidate, k = name, 2
        while candidate in taken:
            candidate = "%s_%d" % (name, k)
            k += 1
        return candidate

    # -- nodes

    def _affine(self, path, node):
        value = self.tensor(self.node_input(path))
        weight = np.asarray(node.weight, np.float64)
        if weight.ndim != 2:
            self.refuse(path, "weight of shape %s" % list(weight.shape),
                        "seqc's linear takes a 2-D weight [out, in]")
        out, in_ = weight.shape
        if value.shape != (in_,):
            self.refuse(path, "input of shape %s" % list(value.shape),
                        "the weight [%d, %d] takes [%d] per time step "
                        "(NIR's Affine/Linear act on a vector)"
                        % (out, in_, in_))
        bias = None
        if isinstance(node, self.nir.Affine):
            if node.bias is None:
                bias = None
            else:
                bias = np.asarray(node.bias, np.float64)
                if bias.size == 1 and bias.shape != (out,):
                    bias = np.broadcast_to(bias.reshape(()), (out,))
                if bias.shape != (out,):
                    self.refuse(path, "bias of shape %s"
                                % list(bias.shape),
                                "it must be [%d]" % out)
        self.values[path] = _Affine(path, value, weight, bias)

    def _params(self, path, node, shape, names):
        """The node's parameters as float64 arrays of the neurons' shape."""
        result = []
        for field in names:
            raw = getattr(node, field, None)
            if raw is None:
                self.refuse(path, "no %s" % field, "it is required")
            a = np.asarray(raw, np.float64)
            if a.shape != tuple(shape):
                if a.size != 1:
                    self.refuse(path, "%s of shape %s" % (field,
                                                          list(a.shape)),
                                "its input has %s per time step"
                                % list(shape))
                a = np.full(shape, a.reshape(()))
            if not np.all(np.isfinite(a)):
                self.refuse(path, "%s = %s" % (field, _describe(a)),
                            "parameters must be finite")
            result.append(a)
        return result

    def _uniform(self, path, field, a):
        if not np.all(a == a.flat[0]):
            self.refuse(path, "%s differs across neurons (%s)"
                        % (field, _describe(a)),
                        "per-neuron parameters are not supported yet: "
                        "seqc's neurons take one %s per layer" % field)
        return float(a.flat[0])

    def _membrane_tau(self, path, field, tau):
        tau_steps = tau / self.dt
        if not tau_steps > 1:
            self.refuse(path, "%s = %.9g with dt = %.9g" % (field, tau,
                                                             self.dt),
                        "seqc's lif needs tau/dt > 1 (tau/dt = %.9g): "
                        "forward Euler with dt >= tau overshoots the leak"
                        % tau_steps)
        return tau_steps

    def _scaled_input(self, path, value, options, why):
        """The neuron's input X = scale ⊙ x + offset for the first option
        (attrs, scale, offset) that seqc can build exactly: no change
        needed; folded into the rows of the Affine/Linear in front (the
        first option); or a scale within ONE_TOLERANCE of 1. Returns
        (tensor, attrs)."""
        for attrs, scale, offset in options:
            if np.all(scale == 1) and np.all(offset == 0):
                return self.tensor(value), attrs
        if isinstance(value, _Affine):
            attrs, scale, offset = options[0]
            if self._uses(value.path) == 1 and value.emitted is None:
                base = value.path
            else:
                base = "%s_%s" % (value.path, path)
            return self._emit_linear(base, value, scale, offset), attrs
        for attrs, scale, offset in options:
            if np.all(offset == 0) and np.all(
                    np.abs(scale - 1) <= ONE_TOLERANCE):
                return self.tensor(value), attrs
        attrs, scale, offset = options[0]
        needs = []
        if not np.all(scale == 1):
            needs.append("scaling its input by %s" % _describe(scale))
        if not np.all(offset == 0):
            needs.append("adding %s to its input" % _describe(offset))
        preds = self.preds[path]
        if len(preds) > 1:
            source = "is the sum of %s" % " and ".join(
                "'%s'" % p for p in preds)
        else:
            source = "comes from '%s' (%s)" % (value.origin,
                                               self._kind(value.origin))
        self.refuse(path, why % " and ".join(needs),
                    "seqc's neurons have no input scale or offset; "
                    "seqc.from_nir folds them into an Affine/Linear in "
                    "front, but the input of '%s' %s" % (path, source))

    def _lif(self, path, node):
        value = self.node_input(path)
        tau, r, v_leak, v_threshold, v_reset = self._params(
            path, node, value.shape,
            ("tau", "r", "v_leak", "v_threshold", "v_reset"))
        tau = self._uniform(path, "tau", tau)
        v_threshold = self._uniform(path, "v_threshold", v_threshold)
        v_reset = self._uniform(path, "v_reset", v_reset)
        tau_steps = self._membrane_tau(path, "tau", tau)
        # v + dt/tau (v_leak - v + r x)
        #   = v + (X - (v - v_reset)) / tau_steps,
        #     X = r x + (v_leak - v_reset)
        #   = v - (v - v_reset) / tau_steps + X',   X' = X / tau_steps
        offset = v_leak - v_reset
        x, attrs = self._scaled_input(path, value, [
            ({"decay_input": True}, r, offset),
            ({"decay_input": False}, r / tau_steps, offset / tau_steps)],
            "r = %s, v_leak = %s, v_reset = %.9g need %%s"
            % (_describe(r), _describe(v_leak), v_reset))
        attrs = dict(attrs, tau=tau_steps, v_threshold=v_threshold,
                     v_reset=v_reset)
        self._neuron(path, "lif", x, attrs)

    def _if(self, path, node):
        value = self.node_input(path)
        r, v_threshold, v_reset = self._params(
            path, node, value.shape, ("r", "v_threshold", "v_reset"))
        v_threshold = self._uniform(path, "v_threshold", v_threshold)
        v_reset = self._uniform(path, "v_reset", v_reset)
        # v + dt r x: if_neuron with X = dt r x
        x, attrs = self._scaled_input(
            path, value, [({}, self.dt * r, 0.0)],
            "r = %s with dt = %.9g needs %%s" % (_describe(r), self.dt))
        attrs = dict(attrs, v_threshold=v_threshold, v_reset=v_reset)
        self._neuron(path, "if_neuron", x, attrs)

    def _cuba_lif(self, path, node):
        value = self.node_input(path)
        if len(value.shape) != 1:
            self.refuse(path, "input of shape %s" % list(value.shape),
                        "seqc.from_nir builds CubaLIF's current on "
                        "[B, T, D] (one axis per step)")
        tau_syn, tau_mem, r, v_leak, v_threshold, v_reset, w_in = \
            self._params(path, node, value.shape,
                         ("tau_syn", "tau_mem", "r", "v_leak",
                          "v_threshold", "v_reset", "w_in"))
        tau_mem = self._uniform(path, "tau_mem", tau_mem)
        v_threshold = self._uniform(path, "v_threshold", v_threshold)
        v_reset = self._uniform(path, "v_reset", v_reset)
        tau_steps = self._membrane_tau(path, "tau_mem", tau_mem)
        if not np.all(tau_syn > 0):
            self.refuse(path, "tau_syn = %s" % _describe(tau_syn),
                        "time constants must be positive")
        if not np.all(v_leak == v_reset):
            self.refuse(path, "v_leak = %s with v_reset = %.9g"
                        % (_describe(v_leak), v_reset),
                        "the leak of seqc's lif goes to v_reset, and the "
                        "offset v_leak - v_reset cannot be folded through "
                        "the synaptic current, which starts at 0 "
                        "(cuba_lif is not in the op catalogue yet)")
        # I_t = a I_{t-1} + (dt/tau_syn) w_in x_t,  a = 1 - dt/tau_syn:
        # a linear_recurrence of J = r I (r per neuron commutes with it),
        # whose input r (dt/tau_syn) w_in x is folded in front; then
        # v + dt/tau_mem (v_leak - v + J), the lif of _lif.
        decay = 1.0 - self.dt / tau_syn
        gain = r * (self.dt / tau_syn) * w_in
        b, attrs = self._scaled_input(path, value, [
            ({"decay_input": True}, gain, 0.0),
            ({"decay_input": False}, gain / tau_steps, 0.0)],
            "r = %s, w_in = %s, tau_syn = %s with dt = %.9g need %%s"
            % (_describe(r), _describe(w_in), _describe(tau_syn),
               self.dt))
        # The constant a[B, T, D]: a linear with zero weight and bias a
        # on the narrowest [B, T, k] tensor there is (0·x + a is a,
        # exactly, for finite x).
        source = min(self.narrow, key=lambda t: t.shape[0])
        width = value.shape[0]
        a = self.emit("%s_decay" % path, "linear", [source.ref],
                      {"out": int(width)},
                      {"weight": np.zeros((width, source.shape[0])),
                       "bias": decay})
        current = self.emit("%s_current" % path, "linear_recurrence",
                            [a, b.ref])
        attrs = dict(attrs, tau=tau_steps, v_threshold=v_threshold,
                     v_reset=v_reset)
        self._neuron(path, "lif", _Tensor(current, value.shape, path),
                     attrs)

    def _neuron(self, path, op, x, attrs):
        ordered = {k: attrs[k] for k in ("tau", "decay_input", "v_threshold",
                                         "v_reset") if k in attrs}
        name = self.emit(path, op, [x.ref], ordered)
        result = _Tensor(name, x.shape, path)
        if len(x.shape) == 1:
            self.narrow.append(result)
        self.values[path] = result
