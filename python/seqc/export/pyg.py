"""PyTorch Geometric layers onto seqc's relational GNN ops (SPEC §4.6).

- RGCNConv -> rgcn: weight [R, in, out] (basis and block decompositions
  expanded exactly), root [in, out], bias [out].
- RGATConv -> rgat (attention "shared"): weight [R, in, heads·out]
  (basis and block decompositions expanded exactly), q/k [heads·out,
  heads], bias.
- HGTConv -> hgt: kqv_lin split into k_lin/q_lin/v_lin [K, out, in];
  k_rel/v_rel into rel_att/rel_msg [R, H, D, D]; p_rel into rel_pri
  [R, H]; out_lin as a_lin [K, out, out]; skip [K].

A homogeneous graph is the model inputs x [N, F], edge_index [2, E] and
edge_type [E], as RGCNConv takes them. HGTConv takes dicts per node type
and edge type; the model takes them flattened to global ids:

    x          [N, F]   the x_dict tensors one after the other, in the
                        order of model.meta["hetero"]["node_types"]
    node_type  [N]      each row's index in that list
    edge_index [2, E]   each edge type's edge_index with its source and
                        destination types' row offsets added
    edge_type  [E]      the edge's index in meta["hetero"]["edge_types"]

and returns y [N, out] over all rows (a node type that receives no edge
type has no output in PyG: hetero_outputs leaves it out). hetero_inputs
and hetero_outputs do the flattening.
"""
import torch

from ._registry import module, placeholder

# -- RGCNConv ---------------------------------------------------------------


def _graph_inputs(ctx, x, edge_index, edge_type):
    """Checks and labels x [N, F], edge_index [2, E], edge_type [E]."""
    if isinstance(x, (tuple, list)):
        ctx.error("x", "a (source, destination) pair of node features "
                  "(bipartite graph) is not expressible; seqc's graph ops "
                  "take one x [N, F]")
    x = ctx.tensor(x, "x")
    if not x.dtype.is_floating_point or x.rank != 2:
        ctx.error("x", "must be float node features [N, F] (featureless "
                  "node ids are not expressible), got %s %s"
                  % (x.dtype, list(x.shape)))
    edge_index = ctx.tensor(edge_index, "edge_index")
    if edge_index.dtype != torch.int64 or edge_index.shape[:1] != (2,) \
            or edge_index.rank != 2:
        ctx.error("edge_index", "must be int64 [2, E] (a SparseTensor or "
                  "adjacency is not expressible)")
    if edge_type is None:
        ctx.error("edge_type", "is required (seqc's graph ops take the "
                  "edge types as a tensor)")
    edge_type = ctx.tensor(edge_type, "edge_type")
    if edge_type.dtype != torch.int64 or edge_type.rank != 1:
        ctx.error("edge_type", "must be int64 [E]")
    for value, roles, what in ((x, {0: "N"}, "x [N, F]"),
                               (edge_index, {1: "E"}, "edge_index [2, E]"),
                               (edge_type, {0: "E"}, "edge_type [E]")):
        ctx.require_layout(value, False, "(%s)" % what)
        value.group.set_roles(roles)
    return x, edge_index, edge_type


def _graph_output(ctx, name, real):
    value = ctx.result(name, real)
    value.group.require(False, "%s (graph output [N, out])" % ctx.where())
    value.group.set_roles({0: "N"})
    return value


def _rgcn_weight(layer):
    """PyG's relation weights as a dense [R, in, out], exactly as its
    forward forms them: bases combined by comp (the same product),
    blocks placed on the diagonal."""
    weight = layer.weight.detach()
    R, out = layer.num_relations, layer.out_channels
    if layer.num_bases is not None:
        return (layer.comp.detach() @ weight.view(layer.num_bases, -1)).view(
            R, layer.in_channels_l, out)
    if layer.num_blocks is not None:
        return _block_diagonal(weight)
    return weight


def _block_diagonal(weight):
    """Blocks [R, blocks, in_b, out_b] as a dense [R, blocks·in_b,
    blocks·out_b] with block c on the diagonal: what PyG's block
    decompositions multiply x by (x's block c times block c, the blocks'
    outputs side by side)."""
    r, blocks, ib, ob = weight.shape
    dense = weight.new_zeros(r, blocks * ib, blocks * ob)
    for b in range(blocks):
        dense[:, b * ib:(b + 1) * ib, b * ob:(b + 1) * ob] = weight[:, b]
    return dense


@module("torch_geometric.nn.conv.RGCNConv")
def rgcn(ctx, layer, x, edge_index, edge_type=None):
    """RGCNConv: seqc rgcn, aggr 'mean', 'add' ('sum') or 'max' (PyG's
    order: the neighbours' x_j aggregated per relation, then times W_r,
    which seqc's rgcn follows: docs/graph-ops.md)."""
    import torch_geometric
    x, edge_index, edge_type = _graph_inputs(ctx, x, edge_index, edge_type)
    aggr = layer.aggr
    if aggr not in ("mean", "add", "sum", "max"):
        ctx.error("aggr=%r" % (aggr,),
                  "seqc's rgcn aggregates by mean, add or max")
    if layer.flow != "source_to_target":
        ctx.error("flow=%r" % layer.flow, "seqc's edges run from row 0 "
                  "(source) to row 1 (destination)")
    if isinstance(layer.in_channels, (tuple, list)) and \
            layer.in_channels[0] != layer.in_channels[1]:
        ctx.error("in_channels=%s" % (layer.in_channels,),
                  "bipartite graphs are not expressible")
    segmm = torch_geometric.backend.use_segment_matmul
    if (aggr == "mean" and layer.num_bases is None
            and layer.num_blocks is None
            and torch_geometric.typing.WITH_SEGMM and segmm is not False):
        ctx.error("aggr='mean' with pyg-lib's segment_matmul",
                  "that path of RGCNConv averages over all relations' edges "
                  "together, not per relation (set "
                  "torch_geometric.backend.use_segment_matmul = False)")
    attrs = {"out": layer.out_channels, "relations": layer.num_relations,
             "aggr": "add" if aggr == "sum" else aggr,
             "root": layer.root is not None, "bias": layer.bias is not None}
    name = ctx.emit("rgcn", [x, edge_index, edge_type], attrs,
                    {"weight": _rgcn_weight(layer), "root": layer.root,
                     "bias": layer.bias})
    return _graph_output(ctx, name, ctx.real_out)


# -- RGATConv ----------------------------------------------------------------


def _rgat_weight(layer):
    """RGATConv's relation weights as a dense [R, in, heads·out_channels],
    exactly as its message() forms them: bases combined by att (the same
    product); blocks placed on the diagonal (its einsum multiplies block c
    of x by weight[r, c] and concatenates the blocks' outputs)."""
    R, out = layer.num_relations, layer.heads * layer.out_channels
    if layer.num_bases is not None:
        return (layer.att.detach() @ layer.basis.detach().view(
            layer.num_bases, -1)).view(R, layer.in_channels, out)
    weight = layer.weight.detach()
    if layer.num_blocks is not None:
        return _block_diagonal(weight)
    return weight


@module("torch_geometric.nn.conv.RGATConv")
def rgat(ctx, layer, x, edge_index, edge_type=None, edge_attr=None,
         size=None, return_attention_weights=None):
    """RGATConv: seqc rgat with attention "shared" (docs/graph-ops.md):
    PyG's default form (across-relation, additive self-attention, dim 1,
    no mod, no edge features); weight (bases and blocks expanded), q, k,
    bias as they are."""
    if layer.attention_mechanism != "across-relation":
        ctx.error("attention_mechanism=%r" % layer.attention_mechanism,
                  "seqc's rgat normalizes the attention over all the edges "
                  "into a node (across-relation), not per relation")
    if layer.dim != 1:
        ctx.error("dim=%r" % layer.dim, "seqc's rgat has one query/key "
                  "dimension per head")
    if layer.attention_mode != "additive-self-attention":
        ctx.error("attention_mode=%r" % layer.attention_mode,
                  "seqc's rgat scores edges by additive self-attention "
                  "(LeakyReLU(q_i + k_j)) only")
    if layer.mod is not None:
        ctx.error("mod=%r" % layer.mod, "the cardinality-preservation "
                  "options are not in seqc's rgat")
    if layer.lin_edge is not None or edge_attr is not None:
        ctx.error("edge_dim=%r / edge_attr" % layer.edge_dim,
                  "edge features in the attention are not expressible")
    if layer.training and layer.dropout > 0:
        ctx.error("dropout=%r in training mode" % layer.dropout,
                  "attention dropout is random")
    if layer.aggr != "add":
        ctx.error("aggr=%r" % (layer.aggr,), "seqc's rgat sums the "
                  "attention-weighted messages (PyG's default 'add')")
    if layer.flow != "source_to_target":
        ctx.error("flow=%r" % layer.flow, "seqc's edges run from row 0 "
                  "(source) to row 1 (destination)")
    if size is not None:
        ctx.error("size=%r" % (size,), "seqc's rgat takes the node count "
                  "from x (no bipartite size)")
    if return_attention_weights is not None:
        ctx.error("return_attention_weights", "seqc's rgat returns only "
                  "the node features")
    x, edge_index, edge_type = _graph_inputs(ctx, x, edge_index, edge_type)
    attrs = {"out": layer.heads * layer.out_channels, "heads": layer.heads,
             "relations": layer.num_relations,
             "negative_slope": float(layer.negative_slope),
             "attention": "shared", "concat": bool(layer.concat),
             "bias": layer.bias is not None}
    name = ctx.emit("rgat", [x, edge_index, edge_type], attrs,
                    {"weight": _rgat_weight(layer), "q": layer.q,
                     "k": layer.k, "bias": layer.bias})
    return _graph_output(ctx, name, ctx.real_out)


# -- heterogeneous graphs (HGTConv) ----------------------------------------


class HeteroDictInput:
    """A dict model input (x_dict or edge_index_dict), made into seqc
    inputs by the first HGTConv that reads it (which knows the type
    order)."""

    def __init__(self, name, example):
        self.name = name
        self.example = example
        self.flattened = None      # x_dict: the Tensor x
        self.node_type = None      # x_dict: the Tensor node_type

    def seqc_getitem(self, ctx, key):
        ctx.error("%s[%r]" % (self.name, key), "seqc.export passes PyG's "
                  "hetero dicts whole to HGTConv (seqc has no per-type "
                  "slicing)")


class HeteroFeatures:
    """An HGTConv result: y [N, out] over all node types' rows, of which
    `types` are PyG's output dict."""

    def __init__(self, tensor, types, hetero):
        self.tensor = tensor
        self.types = list(types)
        self.hetero = hetero

    def seqc_getitem(self, ctx, key):
        ctx.error("[%r]" % (key,), "one node type's rows are not "
                  "expressible (seqc has no slicing); return the whole "
                  "dict, and split it with seqc.export.pyg.hetero_outputs")

    def seqc_output(self, builder, name):
        builder.add_output(name, self.tensor)
        self.hetero.setdefault("outputs", {})[name] = list(self.types)


@placeholder
def hetero_dict(ctx, name, example):
    """PyG's x_dict ({node type: [N_t, F]}) and edge_index_dict ({(src,
    rel, dst): [2, E_r]})."""
    if isinstance(example, dict) and example and all(
            isinstance(v, torch.Tensor) for v in example.values()):
        return HeteroDictInput(name, example)
    return None


def _base(name, suffix="_dict"):
    return name[:-len(suffix)] if name.endswith(suffix) else name


def _hetero_meta(ctx, layer):
    """model.meta["hetero"]: the node and edge type order (the first
    HGTConv's metadata; every later one must have the same)."""
    builder = ctx.builder
    node_types = list(layer.node_types)
    edge_types = [tuple(e) for e in layer.edge_types]
    hetero = builder.meta.get("hetero")
    if hetero is None:
        hetero = builder.meta["hetero"] = {
            "node_types": node_types,
            "edge_types": [list(e) for e in edge_types],
            "inputs": {}, "outputs": {}}
    elif (hetero["node_types"] != node_types or
          [tuple(e) for e in hetero["edge_types"]] != edge_types):
        ctx.error("metadata", "differs from the first HGTConv's (node and "
                  "edge types and their order must be the same)")
    return hetero


def _hetero_edges(ctx, hetero, edge_dict):
    """edge_index [2, E] and edge_type [E] for the layer's
    edge_index_dict (model inputs, made once)."""
    builder = ctx.builder
    edge_types = [tuple(e) for e in hetero["edge_types"]]
    if not isinstance(edge_dict, HeteroDictInput):
        ctx.error("edge_index_dict", "must be a model input")
    if edge_dict.flattened is None:
        example = edge_dict.example
        unknown = [k for k in example if tuple(k) not in edge_types]
        if unknown:
            ctx.error("edge_index_dict", "has edge types %s not in the "
                      "layer's metadata" % unknown)
        order = [edge_types.index(tuple(k)) for k in example]
        if order != sorted(order):
            ctx.error("edge_index_dict order", "differs from metadata[1]'s; "
                      "PyG's HGTConv then applies the relation weights of "
                      "other edge types (its k_rel/v_rel take the types as "
                      "sorted)")
        total = sum(int(v.shape[1]) for v in example.values())
        base = _base(edge_dict.name)
        ei = builder.add_input(base, torch.zeros(2, total, dtype=torch.int64),
                               {1: "E"})
        et = builder.add_input(base.replace("index", "type")
                               if "index" in base else base + "_type",
                               torch.zeros(total, dtype=torch.int64),
                               {0: "E"})
        edge_dict.flattened = (ei, et)
        hetero["inputs"]["edge_index"] = ei.ref
        hetero["inputs"]["edge_type"] = et.ref
    return edge_dict.flattened


def _hetero_features(ctx, layer, x_dict, hetero):
    """x [N, F] and node_type [N] for the layer's x_dict."""
    node_types = hetero["node_types"]
    if isinstance(x_dict, HeteroFeatures):
        missing = [t for t in node_types if t not in x_dict.types]
        if missing:
            ctx.error("x_dict", "lacks node types %s: the previous HGTConv "
                      "gives no output for types that receive no edges"
                      % missing)
        return x_dict.tensor, ctx.builder.hetero_node_type
    if not isinstance(x_dict, HeteroDictInput):
        ctx.error("x_dict", "must be a model input or an HGTConv's output")
    if x_dict.flattened is None:
        example = x_dict.example
        if sorted(map(str, example)) != sorted(map(str, node_types)):
            ctx.error("x_dict", "has node types %s; the layer's are %s"
                      % (list(example), node_types))
        widths = {int(v.shape[-1]) for v in example.values()}
        dtypes = {v.dtype for v in example.values()}
        if len(widths) != 1 or len(dtypes) != 1 or any(
                v.dim() != 2 for v in example.values()):
            ctx.error("x_dict", "node types have different feature sizes "
                      "or dtypes (%s); seqc's hgt takes one x [N, F]"
                      % {k: list(v.shape) for k, v in example.items()})
        total = sum(int(v.shape[0]) for v in example.values())
        like = next(iter(example.values()))
        x = ctx.builder.add_input(
            _base(x_dict.name), like.new_zeros(total, like.shape[1]),
            {0: "N"})
        nt = ctx.builder.add_input("node_type",
                                   torch.zeros(total, dtype=torch.int64),
                                   {0: "N"})
        x_dict.flattened, x_dict.node_type = x, nt
        hetero["inputs"]["x"] = x.ref
        hetero["inputs"]["node_type"] = nt.ref
        ctx.builder.hetero_node_type = nt
    return x_dict.flattened, x_dict.node_type


def _hgt_weights(ctx, layer, node_types, edge_types):
    """HGTConv's parameters in seqc hgt's layout."""
    F, H = layer.out_channels, layer.heads
    D, R = F // H, len(edge_types)
    k_w, q_w, v_w, k_b, q_b, v_b, a_w, a_b, skip = ([] for _ in range(9))
    for t in node_types:
        lin = layer.kqv_lin.lins[t]
        if lin.bias is None:
            ctx.error("kqv_lin.lins[%r].bias" % t, "missing; seqc's hgt "
                      "has k/q/v biases")
        w, b = lin.weight.detach(), lin.bias.detach()
        k_w.append(w[:F]), q_w.append(w[F:2 * F]), v_w.append(w[2 * F:])
        k_b.append(b[:F]), q_b.append(b[F:2 * F]), v_b.append(b[2 * F:])
        out = layer.out_lin.lins[t]
        a_w.append(out.weight.detach())
        a_b.append(out.bias.detach() if out.bias is not None
                   else torch.zeros(F))
        skip.append(layer.skip[t].detach().reshape(()))
    # k_rel/v_rel: HeteroLinear over type h·R + r, y = x @ weight[type].
    rel_att = layer.k_rel.weight.detach().view(H, R, D, D).transpose(0, 1)
    rel_msg = layer.v_rel.weight.detach().view(H, R, D, D).transpose(0, 1)
    for rel in (layer.k_rel, layer.v_rel):
        if rel.bias is not None:
            ctx.error("k_rel/v_rel bias", "seqc's hgt has none")
    rel_pri = torch.stack([layer.p_rel["__".join(e)].detach().reshape(H)
                           for e in edge_types])
    return {"k_lin.weight": torch.stack(k_w), "k_lin.bias": torch.stack(k_b),
            "q_lin.weight": torch.stack(q_w), "q_lin.bias": torch.stack(q_b),
            "v_lin.weight": torch.stack(v_w), "v_lin.bias": torch.stack(v_b),
            "rel_att": rel_att, "rel_msg": rel_msg, "rel_pri": rel_pri,
            "a_lin.weight": torch.stack(a_w), "a_lin.bias": torch.stack(a_b),
            "skip": torch.stack(skip)}


@module("torch_geometric.nn.conv.HGTConv")
def hgt(ctx, layer, x_dict, edge_index_dict):
    """HGTConv: seqc hgt on the flattened graph (see the module docstring);
    all node types must have the same input size."""
    node_types = list(layer.node_types)
    edge_types = [tuple(e) for e in layer.edge_types]
    in_sizes = {layer.in_channels[t] for t in node_types}
    if len(in_sizes) != 1 or -1 in in_sizes:
        ctx.error("in_channels=%s" % layer.in_channels,
                  "seqc's hgt takes one feature size for all node types "
                  "(lazy -1 sizes: run the layer once first)")
    if layer.flow != "source_to_target":
        ctx.error("flow=%r" % layer.flow, "only source_to_target")
    hetero = _hetero_meta(ctx, layer)
    x, node_type = _hetero_features(ctx, layer, x_dict, hetero)
    edge_index, edge_type = _hetero_edges(ctx, hetero, edge_index_dict)
    attrs = {"out": layer.out_channels, "heads": layer.heads,
             "relations": len(edge_types), "node_types": len(node_types)}
    name = ctx.emit("hgt", [x, edge_index, edge_type, node_type], attrs,
                    _hgt_weights(ctx, layer, node_types, edge_types))
    total = int(x.shape[0])
    value = _graph_output(ctx, name, torch.zeros(total, layer.out_channels,
                                                 dtype=x.dtype))
    dst_types = [t for t in node_types if t in layer.dst_node_types]
    return HeteroFeatures(value, dst_types, hetero)


# -- flattening helpers for users -------------------------------------------


def _offsets(hetero, sizes):
    offsets, total = {}, 0
    for t in hetero["node_types"]:
        offsets[t] = total
        total += sizes.get(t, 0)
    return offsets, total


def hetero_inputs(model, x_dict, edge_index_dict):
    """The exported model's inputs for PyG's dicts: a dict input name →
    torch tensor (x, node_type, edge_index, edge_type), flattened in the
    node and edge type order recorded in model.meta["hetero"]."""
    hetero = model.meta["hetero"]
    names = hetero["inputs"]
    sizes = {t: int(v.shape[0]) for t, v in x_dict.items()}
    offsets, _ = _offsets(hetero, sizes)
    xs = [torch.as_tensor(x_dict[t]) for t in hetero["node_types"]]
    types = [torch.full((sizes[t],), k, dtype=torch.int64)
             for k, t in enumerate(hetero["node_types"])]
    edges, edge_types = [], []
    for r, key in enumerate(hetero["edge_types"]):
        key = tuple(key)
        if key not in edge_index_dict:
            continue
        ei = torch.as_tensor(edge_index_dict[key]).to(torch.int64).clone()
        ei[0] += offsets[key[0]]
        ei[1] += offsets[key[2]]
        edges.append(ei)
        edge_types.append(torch.full((ei.shape[1],), r, dtype=torch.int64))
    result = {names["x"]: torch.cat(xs).contiguous(),
              names["node_type"]: torch.cat(types)}
    result[names["edge_index"]] = (torch.cat(edges, 1).contiguous() if edges
                                   else torch.zeros(2, 0, dtype=torch.int64))
    result[names["edge_type"]] = (torch.cat(edge_types) if edge_types
                                  else torch.zeros(0, dtype=torch.int64))
    return result


def hetero_outputs(model, outputs, x_dict, name="y"):
    """PyG's output dict from the model's outputs (the dict a
    seqc.Module returns, or the tensor `name` itself): the rows of each
    node type the HGTConv outputs, sized as in x_dict."""
    hetero = model.meta["hetero"]
    y = outputs[name] if isinstance(outputs, dict) else outputs
    sizes = {t: int(v.shape[0]) for t, v in x_dict.items()}
    offsets, _ = _offsets(hetero, sizes)
    return {t: y[offsets[t]:offsets[t] + sizes[t]]
            for t in hetero["outputs"][name]}
