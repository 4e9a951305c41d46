"""The model under construction: inputs, nodes, weights, outputs, and the
values the walk passes between converters."""
import collections
import re

from ..errors import ExportError
from ._layout import Group

_DTYPES = {"torch.float32": "f32", "torch.float16": "f16",
           "torch.bfloat16": "bf16", "torch.int32": "i32",
           "torch.int64": "i64"}


def seqc_dtype(dtype, what):
    """A torch dtype as the model's dtype name; ExportError otherwise."""
    name = _DTYPES.get(str(dtype))
    if name is None:
        raise ExportError(
            "%s has dtype %s; seqc models take float32, float16, bfloat16, "
            "int32 or int64 (call .float() on a float64 module and its "
            "inputs)" % (what, str(dtype).replace("torch.", "")))
    return name


class Tensor:
    """A tensor of the traced program as seqc has it.

    ref
        the seqc reference: a model input's name, ``node`` or ``node:k``.
    dtype, shape
        torch's (from the run on the example inputs).
    group
        the :class:`~seqc.export._layout.Group` of its axes 0 and 1: seqc
        holds the tensor with those axes swapped when it is time-major.
    """

    def __init__(self, ref, dtype, shape, group=None):
        self.ref = ref
        self.dtype = dtype
        self.shape = tuple(shape)
        self.group = group if group is not None else Group()

    @property
    def rank(self):
        return len(self.shape)

    def __repr__(self):
        return "<Tensor %s %s>" % (self.ref, list(self.shape))


class Constant:
    """A parameter or buffer read by the traced code itself (``x *
    self.scale``): seqc ops take no constant operands."""

    def __init__(self, value, path):
        self.value = value
        self.path = path


_Input = collections.namedtuple("_Input", "name dtype shape group")


class ModelBuilder:
    """Collects the model description and its tensors; build() makes the
    seqc.Model."""

    def __init__(self, name, dynamic=True):
        self.name = name
        self.dynamic = dynamic
        self.nodes = []
        self.tensors = {}
        self.inputs = []          # _Input, in the order of the signature
        self.outputs = {}         # name -> Tensor
        self.meta = {}
        self.paths = {}           # node name -> module path
        self.swapped = {}         # ref -> (why, nodes that may read it)
        self._taken = set()

    def unique(self, base):
        """A new node or input name from `base` (fx's node name, an
        argument name): no ':' or '.', not used before."""
        base = re.sub(r"[^A-Za-z0-9_]", "_", base) or "n"
        name, k = base, 1
        while name in self._taken:
            name, k = "%s_%d" % (base, k), k + 1
        self._taken.add(name)
        return name

    def add_input(self, base, example, roles=None, what=None):
        """Declares a model input like the tensor `example`; returns its
        Tensor value. `roles` names dims ({0: "N"}) in seqc's layout."""
        name = self.unique(base)
        dtype = seqc_dtype(example.dtype, what or "input '%s'" % name)
        value = Tensor(name, example.dtype, example.shape)
        if roles:
            value.group.set_roles(roles)
        self.inputs.append(_Input(name, dtype, tuple(example.shape),
                                  value.group))
        return value

    def is_input(self, ref):
        return any(spec.name == ref for spec in self.inputs)

    def swap_last_axes(self, value, why, reader=None):
        """Records that seqc holds `value`, a model input or a node output,
        with its last two axes swapped against torch (fla's recurrent state
        [B, H, V, K] is seqc's [B, H, K, V]): an input is declared so. Only
        `reader` (a node name) may read it; build() refuses any other
        reader, saying `why`, and lists the inputs and outputs in
        meta["state_v_first"]."""
        if value.ref not in self.swapped:
            self.swapped[value.ref] = (why, set())
            for i, spec in enumerate(self.inputs):
                if spec.name == value.ref:
                    shape = spec.shape[:-2] + spec.shape[:-3:-1]
                    self.inputs[i] = spec._replace(shape=shape)
        if reader is not None:
            self.swapped[value.ref][1].add(reader)

    def add_node(self, name, op, inputs, attrs=None, weights=None, path=""):
        """Appends a node; `inputs` are Tensors or None (optional inputs,
        trailing ones dropped), `weights` maps weight names to tensors (None
        entries skipped). Returns the node's name."""
        refs = [None if v is None else v.ref for v in inputs]
        while refs and refs[-1] is None:
            refs.pop()
        node = {"name": name, "op": op, "inputs": refs}
        if attrs:
            node["attrs"] = dict(attrs)
        self.nodes.append(node)
        for weight, tensor in (weights or {}).items():
            if tensor is not None:
                self.tensors["%s.%s" % (name, weight)] = tensor
        self.paths[name] = path
        return name

    def add_output(self, name, value):
        if not isinstance(value, Tensor):
            raise ExportError("output '%s' is a %s, not a tensor seqc "
                              "computes" % (name, type(value).__name__))
        if value.ref in {i.name for i in self.inputs}:
            raise ExportError("output '%s' is the model input '%s' "
                              "unchanged; seqc outputs are computed by a "
                              "node" % (name, value.ref))
        self.outputs[name] = value

    # -- build ------------------------------------------------------------

    def _input_shapes(self):
        """Each input's shape in seqc's layout with its roles' symbols:
        one symbol for one size; a dim of size 1 where its symbol is bigger
        elsewhere stays 1 (a broadcast); other sizes get B2, B3, ..."""
        entries = []
        for spec in self.inputs:
            shape = list(spec.shape)
            flip = len(shape) >= 2 and spec.group.is_time_major()
            if flip:
                shape[0], shape[1] = shape[1], shape[0]
            roles = spec.group.get_roles()
            if not roles:
                roles = ({0: "B", 1: "T"} if len(shape) >= 3 else
                         {0: "B"} if len(shape) == 2 else {})
            roles = {d: r for d, r in roles.items() if d < len(shape)}
            entries.append((spec, shape, roles, flip))
        if not self.dynamic:
            return [(spec, shape, flip) for spec, shape, _, flip in entries]
        biggest = {}
        for _, shape, roles, _ in entries:
            for d, r in roles.items():
                biggest[r] = max(biggest.get(r, 0), shape[d])
        symbols = {}   # (letter, size) -> symbol
        result = []
        for spec, shape, roles, flip in entries:
            for d, letter in roles.items():
                size = shape[d]
                if size == 1 and biggest[letter] > 1:
                    continue
                if (letter, size) not in symbols:
                    taken = sum(1 for (l, _) in symbols if l == letter)
                    symbols[(letter, size)] = letter + (
                        str(taken + 1) if taken else "")
                shape[d] = symbols[(letter, size)]
            result.append((spec, shape, flip))
        return result

    def _state_v_first(self):
        """meta["state_v_first"] (see swap_last_axes); ExportError for a
        node that reads a swapped tensor it may not."""
        for node in self.nodes:
            for ref in node["inputs"]:
                if ref in self.swapped and \
                        node["name"] not in self.swapped[ref][1]:
                    raise ExportError(
                        "%s (seqc node %s, %s) reads %s: %s" % (
                            self.paths.get(node["name"]) or "<root>",
                            node["name"], node["op"], ref,
                            self.swapped[ref][0]))
        return {"inputs": [i.name for i in self.inputs
                           if i.name in self.swapped],
                "outputs": [name for name, value in self.outputs.items()
                            if value.ref in self.swapped]}

    def build(self):
        """The seqc.Model, with ``model.meta`` saying how its signature
        relates to the torch module's (see seqc.export)."""
        from ..model import Model
        if self.swapped:
            self.meta["state_v_first"] = self._state_v_first()
        inputs, time_major_in = {}, []
        for spec, shape, flip in self._input_shapes():
            inputs[spec.name] = {"dtype": spec.dtype, "shape": shape}
            if flip:
                time_major_in.append(spec.name)
        outputs, time_major_out = {}, []
        for name, value in self.outputs.items():
            outputs[name] = value.ref
            if value.rank >= 2 and value.group.is_time_major():
                time_major_out.append(name)
        description = {"seqc_model": 1, "name": self.name,
                       "inputs": inputs, "nodes": self.nodes,
                       "outputs": outputs}
        model = Model(description, self.tensors)
        meta = dict(self.meta)
        meta["time_major"] = {"inputs": time_major_in,
                              "outputs": time_major_out}
        meta["module_paths"] = dict(self.paths)
        model.meta = meta
        return model
