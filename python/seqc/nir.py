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
| LIF             | lif, tau = τ/dt (leak to v_reset; input scale folded) |
|                 | or cuba_lif with tau_syn = 1 (nothing to fold into)   |
| IF              | if_neuron                                             |
| CubaLIF         | cuba_lif, tau_syn = τ_syn/dt, tau_mem = τ_mem/dt      |
| Identity, nested NIRGraph, fan-in/fan-out | wiring (fan-in: add)        |

Parameters that differ across neurons become per-neuron weights
(docs/spiking-ops.md). LIF's input scale r and offset v_leak − v_reset,
which `lif` does not have, are folded into the rows and bias of the
Affine/Linear in front of the neuron (exact up to float32 rounding of the
weights); with nothing to fold into, the neuron is a `cuba_lif` with an
instant synapse, which has both. IF's scale dt·r must be folded (or be 1
within 1e-6).
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
    connections), tau <= dt for a membrane (tau_syn < dt for a synapse),
    an IF input scale with no Affine/Linear in front to fold it into, and
    the like (docs/nir.md).
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
        return _Tensor(name, (out,), affine.path)

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
        self.values[path] = _Tensor(name, dims, path)

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

    @staticmethod
    def _per_neuron(params):
        """A neuron's parameters as its attributes and weights: one value
        as the attribute, values differing across neurons as the weight of
        that name, listed in "per_neuron" (docs/spiking-ops.md)."""
        attrs, weights = {}, {}
        for name, a in params.items():
            a = np.asarray(a, np.float64)
            if a.size and np.all(a == a.flat[0]):
                attrs[name] = float(a.flat[0])
            else:
                weights[name] = a
        if weights:
            attrs["per_neuron"] = list(weights)
        return attrs, weights

    def _time_constant(self, path, field, tau, strict=True):
        """τ/dt, which must be > 1 (≥ 1 for a synapse, `strict` False) for
        every neuron."""
        tau = np.asarray(tau, np.float64)
        steps = tau / self.dt
        bad = ~(steps > 1) if strict else ~(steps >= 1)
        if np.any(bad):
            bound = "> 1" if strict else ">= 1"
            at = tuple(int(i) for i in np.argwhere(bad)[0])
            where = "" if tau.size == 1 or np.all(tau == tau.flat[0]) \
                else "[%s]" % ", ".join(map(str, at))
            self.refuse(path, "%s%s = %.9g with dt = %.9g"
                        % (field, where, tau[at], self.dt),
                        "seqc needs %s/dt %s (%s/dt = %.9g): forward Euler "
                        "with dt %s %s overshoots the decay"
                        % (field, bound, field, steps[at],
                           ">=" if strict else ">", field))
        return steps

    def _scaled_input(self, path, value, options, why=None):
        """The neuron's input X = scale ⊙ x + offset for the first option
        (attrs, scale, offset) that seqc can build exactly: no change
        needed; folded into the rows of the Affine/Linear in front (the
        first option); or a scale within ONE_TOLERANCE of 1. Returns
        (tensor, attrs); where none can, None when `why` is None, else
        refuses with `why`."""
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
        if why is None:
            return None
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
        tau_steps = self._time_constant(path, "tau", tau)
        # v + dt/tau (v_leak - v + r x)
        #   = v + (X - (v - v_reset)) / tau_steps,
        #     X = r x + (v_leak - v_reset)
        #   = v - (v - v_reset) / tau_steps + X',   X' = X / tau_steps
        # (per neuron where the parameters are arrays): lif, its input
        # scale and offset folded in front.
        offset = v_leak - v_reset
        folded = self._scaled_input(path, value, [
            ({"decay_input": True}, r, offset),
            ({"decay_input": False}, r / tau_steps, offset / tau_steps)])
        if folded is not None:
            x, attrs = folded
            attrs = dict(attrs, tau=tau_steps, v_threshold=v_threshold,
                         v_reset=v_reset)
            self._neuron(path, "lif", x, attrs)
            return
        # Nothing to fold into: cuba_lif with an instant synapse
        # (tau_syn = 1: I = x) has LIF's r and v_leak.
        self._neuron(path, "cuba_lif", self.tensor(value), {
            "tau_syn": 1.0, "tau_mem": tau_steps, "r": r, "w_in": 1.0,
            "v_leak": v_leak, "v_threshold": v_threshold,
            "v_reset": v_reset})

    def _if(self, path, node):
        value = self.node_input(path)
        r, v_threshold, v_reset = self._params(
            path, node, value.shape, ("r", "v_threshold", "v_reset"))
        # v + dt r x: if_neuron with X = dt r x
        x, attrs = self._scaled_input(
            path, value, [({}, self.dt * r, 0.0)],
            "r = %s with dt = %.9g needs %%s" % (_describe(r), self.dt))
        attrs = dict(attrs, v_threshold=v_threshold, v_reset=v_reset)
        self._neuron(path, "if_neuron", x, attrs)

    def _cuba_lif(self, path, node):
        # cuba_lif is NIR's CubaLIF stepped at dt (docs/spiking-ops.md):
        # its time constants in steps, every parameter as NIR has it.
        value = self.node_input(path)
        tau_syn, tau_mem, r, v_leak, v_threshold, v_reset, w_in = \
            self._params(path, node, value.shape,
                         ("tau_syn", "tau_mem", "r", "v_leak",
                          "v_threshold", "v_reset", "w_in"))
        self._neuron(path, "cuba_lif", self.tensor(value), {
            "tau_syn": self._time_constant(path, "tau_syn", tau_syn,
                                           strict=False),
            "tau_mem": self._time_constant(path, "tau_mem", tau_mem),
            "r": r, "w_in": w_in, "v_leak": v_leak,
            "v_threshold": v_threshold, "v_reset": v_reset})

    def _neuron(self, path, op, x, params):
        """A neuron node on x; `params` holds numbers or arrays of the
        neurons' shape (attrs like decay_input as they are)."""
        attrs, weights = self._per_neuron(
            {k: v for k, v in params.items() if k != "decay_input"})
        if "decay_input" in params:
            attrs["decay_input"] = params["decay_input"]
        name = self.emit(path, op, [x.ref], attrs, weights)
        self.values[path] = _Tensor(name, x.shape, path)
