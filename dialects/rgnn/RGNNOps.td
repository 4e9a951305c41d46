// The `rgnn` dialect: relational GNN layers (SPEC §4.6) and the graph-level
// ops they decompose into.
#ifndef SEQC_RGNN_OPS
#define SEQC_RGNN_OPS

include "mlir/IR/OpBase.td"
include "mlir/Interfaces/InferTypeOpInterface.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "dialects/common/WeightedOpInterface.td"
include "dialects/rgnn/RGNNAttrs.td"

class RGNN_Op<string mnemonic, list<Trait> traits = []>
    : Op<RGNN_Dialect, mnemonic,
         !listconcat(traits, [Pure, InferTypeOpAdaptor])>;

class RGNN_LayerOp<string mnemonic, list<Trait> traits = []>
    : RGNN_Op<mnemonic, !listconcat(traits,
         [DeclareOpInterfaceMethods<WeightedOpInterface>])>;

def RGNN_F32Tensor : RankedTensorOf<[F32]>;
def RGNN_IndexTensor : RankedTensorOf<[I64]>;
def RGNN_TypeTensor : RankedTensorOf<[I32, I64]>;

//===----------------------------------------------------------------------===//
// Layers
//===----------------------------------------------------------------------===//

def RGNN_RGCNOp : RGNN_LayerOp<"rgcn"> {
  let summary = "relational GCN (PyG RGCNConv)";
  let description = [{
    `x[N,F]`, `edge_index[2,E]`, `edge_type[E]` → `[N,out]`:
    `x'_i = x_i·root + Σ_r AGG_{j∈N_r(i)} x_j·W_r + b`, AGG (`aggr`) the
    mean, sum (`add`) or elementwise max over the relation's edges into i
    (an empty N_r(i) contributes 0); the root term only when `root`, b only
    when `bias`. Weights, in order: `weight[R,F,out]`, then `root[F,out]`
    and `bias[out]` where enabled, R = `relations`.
  }];
  let arguments = (ins RGNN_F32Tensor:$x, RGNN_IndexTensor:$edge_index,
                   RGNN_IndexTensor:$edge_type, I64Attr:$out,
                   I64Attr:$relations,
                   DefaultValuedAttr<RGNN_AggregationAttr,
                                     "::seqc::rgnn::Aggregation::mean">:$aggr,
                   DefaultValuedAttr<BoolAttr, "true">:$root,
                   DefaultValuedAttr<BoolAttr, "true">:$bias,
                   Variadic<RGNN_F32Tensor>:$weights);
  let results = (outs RGNN_F32Tensor:$y);
  let assemblyFormat = [{
    $x `,` $edge_index `,` $edge_type (`weights` `(` $weights^ `)`)? attr-dict `:` functional-type(operands, results)
  }];
}

def RGNN_RGATOp : RGNN_LayerOp<"rgat"> {
  let summary = "relational graph attention (Pigeon RGAT, PyG RGATConv)";
  let description = [{
    Edge e = (j→i) of type r, head h, D = out/H. `attention` per_relation
    (Pigeon):
    `zs = x_j W_{r,h}`, `zd = x_i W_{r,h}`,
    `s_e = LeakyReLU(attn_l[r,h]·zs + attn_r[r,h]·zd)` (negative_slope),
    `α = softmax of s over the edges into i`, `out_{i,h} = Σ α zs`;
    `x'_i = concat_h out_{i,h} + x_i·loop_weight + bias`.
    Weights, in order: `weight[R,H,F,D]`, `attn_l[R,H,D]`, `attn_r[R,H,D]`,
    `loop_weight[F,out]`, `bias[out]`.
    `attention` shared (PyG RGATConv's default, additive self-attention
    across relations): `zs = x_j W_r`, `zd = x_i W_r` (all heads, [out]),
    `s_{e,h} = LeakyReLU(zd·q[:,h] + zs·k[:,h])`, α and out as above;
    `x'_i = concat_h out_{i,h}` (or, without `concat`, their mean over h)
    `+ bias`. Weights: `weight[R,F,out]`, `q[out,H]`, `k[out,H]`, and
    `bias[out]` (`[out/H]` without concat) unless `bias` is false.
  }];
  let arguments = (ins RGNN_F32Tensor:$x, RGNN_IndexTensor:$edge_index,
                   RGNN_IndexTensor:$edge_type, I64Attr:$out, I64Attr:$heads,
                   I64Attr:$relations, F64Attr:$negative_slope,
                   DefaultValuedAttr<RGNN_AttentionAttr,
                       "::seqc::rgnn::Attention::per_relation">:$attention,
                   DefaultValuedAttr<BoolAttr, "true">:$concat,
                   DefaultValuedAttr<BoolAttr, "true">:$bias,
                   Variadic<RGNN_F32Tensor>:$weights);
  let results = (outs RGNN_F32Tensor:$y);
  let assemblyFormat = [{
    $x `,` $edge_index `,` $edge_type (`weights` `(` $weights^ `)`)? attr-dict `:` functional-type(operands, results)
  }];
}

def RGNN_HGTOp : RGNN_LayerOp<"hgt"> {
  let summary = "heterogeneous graph transformer";
  let description = [{
    k, q, v by the node type's linear; per edge e = (j→i) of type r, head h,
    D = out/H: `k' = k_{j,h}·rel_att[r,h]`, `m = v_{j,h}·rel_msg[r,h]`,
    `α = softmax over edges into i of (q_{i,h}·k')·rel_pri[r,h]/√D`,
    `agg_{i,h} = Σ α m`; `o_i = a_lin_{τ(i)}(gelu(agg_i))`; when in == out
    `x'_i = σ(skip_τ)·o_i + (1−σ(skip_τ))·x_i`, else `x'_i = o_i`.
    Weights, in order: `k_lin.weight[K,out,F]`, `k_lin.bias[K,out]`,
    `q_lin.weight`, `q_lin.bias`, `v_lin.weight`, `v_lin.bias` (alike),
    `rel_att[R,H,D,D]`, `rel_msg[R,H,D,D]`, `rel_pri[R,H]`,
    `a_lin.weight[K,out,out]`, `a_lin.bias[K,out]`, `skip[K]`.
  }];
  let arguments = (ins RGNN_F32Tensor:$x, RGNN_IndexTensor:$edge_index,
                   RGNN_IndexTensor:$edge_type, RGNN_IndexTensor:$node_type,
                   I64Attr:$out, I64Attr:$heads, I64Attr:$relations,
                   I64Attr:$node_types, Variadic<RGNN_F32Tensor>:$weights);
  let results = (outs RGNN_F32Tensor:$y);
  let assemblyFormat = [{
    $x `,` $edge_index `,` $edge_type `,` $node_type (`weights` `(` $weights^ `)`)? attr-dict `:` functional-type(operands, results)
  }];
}

//===----------------------------------------------------------------------===//
// Inter-operator ops: graph semantics, per node or per edge in the order of
// edge_index. `rgnn-decompose` writes the layers in these; the reorder,
// compact-materialization and layout passes rewrite them.
//===----------------------------------------------------------------------===//

def RGNN_TypedLinearOp : RGNN_Op<"typed_linear", [AttrSizedOperandSegments]> {
  let summary = "per-node GEMM with a weight chosen by the node's type";
  let description = [{
    `x[M,I]`, `weight[T,I,O]`, optional `types[M]` in `[0,T)` (without
    types T must be 1): `y_m = x_m · W[types_m] (+ bias[types_m])`,
    `y[M,O]`. A type out of range is a run-time error.
  }];
  let arguments = (ins RGNN_F32Tensor:$x, Optional<RGNN_IndexTensor>:$types,
                   RGNN_F32Tensor:$weight, Optional<RGNN_F32Tensor>:$bias);
  let results = (outs RGNN_F32Tensor:$y);
  let assemblyFormat = [{
    $x `,` $weight (`types` `(` $types^ `)`)? (`bias` `(` $bias^ `)`)? attr-dict `:` functional-type(operands, results)
  }];
}

def RGNN_RelationLinearOp : RGNN_Op<"relation_linear"> {
  let summary = "an edge's end node transformed by its relation's weight";
  let description = [{
    `x[N,I]`, `weight[R,I,O]` → `y[E,O]`, `y_e = x[side(e)] · W[type_e]`
    with side `src` (row 0 of edge_index) or `dst`.

    `materialize` says what the lowering computes; the value is the same:
    `edge` (one row per edge, the naive form), `pair` (one row per unique
    (relation, node) pair present in the graph: compact materialization),
    `dense` (one row per (relation, node), all of them) or `auto` (pair or
    dense, chosen at run time from the measured number of unique pairs).
  }];
  let arguments = (ins RGNN_F32Tensor:$x, RGNN_IndexTensor:$edge_index,
                   RGNN_IndexTensor:$edge_type, RGNN_F32Tensor:$weight,
                   Index:$num_nodes, RGNN_SideAttr:$side,
                   DefaultValuedAttr<RGNN_MaterializeAttr,
                                     "Materialize::edge">:$materialize);
  let results = (outs RGNN_F32Tensor:$y);
  let assemblyFormat = [{
    $x `,` $edge_index `,` $edge_type `,` $weight `nodes` $num_nodes attr-dict `:` functional-type(operands, results)
  }];
}

def RGNN_GatherOp : RGNN_Op<"gather"> {
  let summary = "rows of node data per edge, by source or destination";
  let description = [{
    `x[N,F]`, `edge_index[2,E]` → `y[E,F]`,
    `y_e = x[edge_index[side, e]]` with side 0 for `src`, 1 for `dst`.
  }];
  let arguments = (ins RGNN_F32Tensor:$x, RGNN_IndexTensor:$edge_index,
                   Index:$num_nodes, RGNN_SideAttr:$side);
  let results = (outs RGNN_F32Tensor:$y);
  let assemblyFormat = [{
    $x `,` $edge_index `nodes` $num_nodes attr-dict `:` functional-type(operands, results)
  }];
}

def RGNN_EdgeDotOp : RGNN_Op<"edge_dot"> {
  let summary = "per-head dot products of two per-edge rows";
  let description = [{
    `a[E,H·D]`, `b[E,H·D]` → `s[E,H]`, `s_{e,h} = Σ_d a_{e,hD+d} b_{e,hD+d}`.
    With `types(edge_type)`, `b` is a table `[R,H·D]` and row `type_e` is
    used: a per-relation vector.
  }];
  let arguments = (ins RGNN_F32Tensor:$a, RGNN_F32Tensor:$b,
                   Optional<RGNN_IndexTensor>:$edge_type, I64Attr:$heads);
  let results = (outs RGNN_F32Tensor:$s);
  let assemblyFormat = [{
    $a `,` $b (`types` `(` $edge_type^ `)`)? attr-dict `:` functional-type(operands, results)
  }];
}

def RGNN_EdgeSoftmaxOp : RGNN_Op<"edge_softmax"> {
  let summary = "softmax over the edges into each node";
  let description = [{
    `scores[E,H]` → same shape:
    `y_e = exp(s_e − m_i) / Σ_{e'→i} exp(s_{e'} − m_i)`, i the destination
    of e and `m_i` the max over the edges into i, per head. `num_nodes` is N.
  }];
  let arguments = (ins RGNN_F32Tensor:$scores, RGNN_IndexTensor:$edge_index,
                   Index:$num_nodes);
  let results = (outs RGNN_F32Tensor:$y);
  let assemblyFormat = [{
    $scores `,` $edge_index `nodes` $num_nodes attr-dict `:` functional-type(operands, results)
  }];
}

def RGNN_AggregateOp : RGNN_Op<"aggregate", [AttrSizedOperandSegments]> {
  let summary = "reduce edge rows into their destination nodes";
  let description = [{
    `msgs[E,F]` → `y[N,F]`, N = `num_nodes`. With optional `scale[E,H]` (H
    divides F) each message's head h (columns `[h·F/H, (h+1)·F/H)`) is first
    multiplied by `scale[e,h]`. `reduce` sum: `y_i = Σ_{e→i} m_e`.
    `reduce` mean with `edge_type` given and `relations` R:
    `y_i = Σ_r (1/|N_r(i)|) Σ_{e→i of type r} m_e` (RGCN's mean); without
    `edge_type`: `y_i = (1/|N(i)|) Σ_{e→i} m_e`. Nodes with no incoming edge
    get 0.
  }];
  let arguments = (ins RGNN_F32Tensor:$msgs, RGNN_IndexTensor:$edge_index,
                   Optional<RGNN_IndexTensor>:$edge_type,
                   Optional<RGNN_F32Tensor>:$scale, Index:$num_nodes,
                   RGNN_ReduceAttr:$reduce, OptionalAttr<I64Attr>:$relations);
  let results = (outs RGNN_F32Tensor:$y);
  let assemblyFormat = [{
    $msgs `,` $edge_index (`types` `(` $edge_type^ `)`)? (`scale` `(` $scale^ `)`)? `nodes` $num_nodes attr-dict `:` functional-type(operands, results)
  }];
}

def RGNN_PairMeanOp : RGNN_Op<"pair_mean"> {
  let summary = "mean (or max) of the sources per (relation, destination) pair";
  let description = [{
    `x[N,F]` → `y[R·N,F]`, row `r·N + i` = `(1/|N_r(i)|) Σ_{j∈N_r(i)} x_j`
    (`reduce` mean) or the elementwise `max_{j∈N_r(i)} x_j` (`reduce` max:
    PyG RGCNConv's max, taken before the relation's weight), 0 when
    `N_r(i)` is empty. Written by `rgnn-reorder-linear` in place of
    per-edge transforms that a mean would follow, and by `rgnn-decompose`
    for rgcn's max. `materialize` as for `relation_linear`: `dense` stores
    all R·N rows, `pair` only the pairs present, `auto` chooses at run time.
  }];
  let arguments = (ins RGNN_F32Tensor:$x, RGNN_IndexTensor:$edge_index,
                   RGNN_IndexTensor:$edge_type, Index:$num_nodes,
                   I64Attr:$relations,
                   DefaultValuedAttr<RGNN_MaterializeAttr,
                                     "Materialize::dense">:$materialize,
                   DefaultValuedAttr<RGNN_ReduceAttr,
                                     "::seqc::rgnn::Reduce::mean">:$reduce);
  let results = (outs RGNN_F32Tensor:$y);
  let assemblyFormat = [{
    $x `,` $edge_index `,` $edge_type `nodes` $num_nodes attr-dict `:` functional-type(operands, results)
  }];
}

def RGNN_PairLinearOp : RGNN_Op<"pair_linear"> {
  let summary = "sum over relations of per-pair rows through W_r";
  let description = [{
    `a[R·N,I]`, `weight[R,I,O]` → `y[N,O]`, `y_i = Σ_r a[r·N+i] · W_r`.
  }];
  let arguments = (ins RGNN_F32Tensor:$a, RGNN_F32Tensor:$weight);
  let results = (outs RGNN_F32Tensor:$y);
  let assemblyFormat = [{
    $a `,` $weight attr-dict `:` functional-type(operands, results)
  }];
}

//===----------------------------------------------------------------------===//
// Intra-operator templates: what `rgnn-lower-to-templates` turns the
// inter-operator ops into. Each states its data layout and schedule; the
// CPU lowering (seq-lower-cpu-kernels) turns them into loops.
//===----------------------------------------------------------------------===//

class RGNN_TemplateOp<string mnemonic, list<Trait> traits = []>
    : Op<RGNN_Dialect, mnemonic, !listconcat(traits, [Pure])>;

def RGNN_GraphLayoutOp : RGNN_TemplateOp<"graph_layout"> {
  let summary = "checked edge arrays and the edges sorted by (type, destination)";
  let description = [{
    Checks at run time that sources and destinations are in `[0, N)`,
    that `edge_type` has E entries and that they are in `[0, R)` (an error names `edge_index` or `edge_type`; the
    layout is then empty: no edge is read through it). `order[E]` holds
    the edge ids sorted by (type, destination) by a stable counting sort;
    `src`, `dst`, `types` `[E]` are the edges' ends and types in that
    order, the order of every per-edge value of the templates; the edges
    of key `k = r·N + i` are positions `[segments[k], segments[k+1])`.
    Computed once per graph and shared by every layer on it.
  }];
  let arguments = (ins RGNN_IndexTensor:$edge_index, RGNN_IndexTensor:$edge_type,
                   Index:$num_nodes, I64Attr:$relations);
  let results = (outs RGNN_IndexTensor:$src, RGNN_IndexTensor:$dst,
                  RGNN_IndexTensor:$types, RGNN_IndexTensor:$order,
                  RGNN_IndexTensor:$segments);
  let assemblyFormat = [{
    $edge_index `,` $edge_type `nodes` $num_nodes attr-dict `:` functional-type(operands, results)
  }];
}

def RGNN_NodeLayoutOp : RGNN_TemplateOp<"node_layout"> {
  let summary = "checked node types and the nodes sorted by type";
  let description = [{
    Checks that `node_type` has N entries, each in `[0, K)` (an error
    names `node_type`); results: the clamped types `[N]`, `order[N]` (node ids by type) and
    `offsets[K+1]`.
  }];
  let arguments = (ins RGNN_IndexTensor:$node_type, Index:$num_nodes,
                   I64Attr:$num_types);
  let results = (outs RGNN_IndexTensor:$types, RGNN_IndexTensor:$order,
                  RGNN_IndexTensor:$offsets);
  let assemblyFormat = [{
    $node_type `nodes` $num_nodes attr-dict `:` functional-type(operands, results)
  }];
}

def RGNN_PairRowsOp : RGNN_TemplateOp<"pair_rows"> {
  let summary = "the rows of a per-edge or per-(relation, node) table";
  let description = [{
    For `node[E]`, the nodes at one side of the edges, with the graph
    layout's `types` and `segments`: `nodes[M]` (the node whose
    row each table row reads, rows grouped by relation), `offsets[R+1]`
    (the rows of each relation), `row_of[R·N]` (the row of pair (r, n),
    −1 if absent), `edge_rows[E]` (the row each edge reads, in the layout's
    order: what the traversals use, one sequential read per edge) and
    `dense` (i1).
    - `edge`: a row per edge, in the layout's order (`row_of` and
      `edge_rows` empty);
    - `pair`: a row per (relation, node) pair present (compact);
    - `dense`: all R·N pairs, row r·N + n;
    - `auto`: dense when the pairs present are at least `threshold` of
      R·N, measured at run time; compact otherwise.
  }];
  let arguments = (ins RGNN_IndexTensor:$node, RGNN_IndexTensor:$types,
                   RGNN_IndexTensor:$segments,
                   Index:$num_nodes, I64Attr:$relations,
                   RGNN_MaterializeAttr:$materialize,
                   DefaultValuedAttr<F64Attr, "0.75">:$threshold);
  let results = (outs RGNN_IndexTensor:$nodes, RGNN_IndexTensor:$offsets,
                  RGNN_IndexTensor:$row_of, RGNN_IndexTensor:$edge_rows,
                  I1:$dense);
  let assemblyFormat = [{
    $node `,` $types `,` $segments `nodes` $num_nodes attr-dict `:` functional-type(operands, results)
  }];
}

def RGNN_GemmOp : RGNN_TemplateOp<"gemm", [AttrSizedOperandSegments]> {
  let summary = "GEMM template: gathered rows, per-segment weights, scatter";
  let description = [{
    For each segment s, rows m in `[offsets[s], offsets[s+1])`:
    `y[out(m)] (+)= x[in(m)] · weight[s] (+ bias[s])`. `in(m)` is m
    without `rows`; with `rows`, `rows[m]` (rows gathered by an index
    list), or `m − offsets[s]` when `dense` holds at run time (a dense
    table: each segment reads x from row 0). `out(m)` is `scatter[m]` or m. Starting from `init`;
    `accumulate` adds instead of storing (segments in order, so rows
    repeated across segments never race). Schedule: the packed GEMM kernel
    per segment, parallel over row chunks × column panels.
  }];
  let arguments = (ins RGNN_F32Tensor:$x, RGNN_F32Tensor:$weight,
                   RGNN_IndexTensor:$offsets, RGNN_F32Tensor:$init,
                   Optional<RGNN_IndexTensor>:$rows, Optional<I1>:$dense,
                   Optional<RGNN_IndexTensor>:$scatter,
                   Optional<RGNN_F32Tensor>:$bias, UnitAttr:$accumulate);
  let results = (outs RGNN_F32Tensor:$y);
  let assemblyFormat = [{
    $x `,` $weight `segments` $offsets `into` $init (`rows` `(` $rows^ `)`)? (`dense` `(` $dense^ `)`)? (`scatter` `(` $scatter^ `)`)? (`bias` `(` $bias^ `)`)? attr-dict `:` functional-type(operands, results)
  }];
}

def RGNN_EdgeMapOp : RGNN_TemplateOp<"edge_map", [AttrSizedOperandSegments]> {
  let summary = "traversal template: one row per edge, in edge order";
  let description = [{
    A parallel loop over the edges e in the layout's order (`src`, `dst`,
    `types` of graph_layout). Operand tables are read at rows chosen by
    `modes` (one per table): `edge` (e), `src`, `dst` (the edge's
    nodes), `type`, `pair_src` / `pair_dst` (the next `row_maps` operand,
    pair_rows' `edge_rows`, holds the row of each edge). Rows a few edges
    ahead are prefetched. `kind` copy: `y_e` = the row of
    table 0; dot: per-head dot products of the rows of tables 0 and 1,
    `y[E, heads]`.
  }];
  let arguments = (ins RGNN_IndexTensor:$src, RGNN_IndexTensor:$dst,
                   RGNN_IndexTensor:$types, Index:$num_nodes,
                   Variadic<RGNN_F32Tensor>:$tables,
                   Variadic<RGNN_IndexTensor>:$row_maps,
                   RGNN_EdgeMapKindAttr:$kind, RGNN_RowModeArrayAttr:$modes,
                   I64Attr:$heads);
  let results = (outs RGNN_F32Tensor:$y);
  let assemblyFormat = [{
    $src `,` $dst `,` $types `nodes` $num_nodes `tables` `(` $tables `)` `maps` `(` $row_maps `)` attr-dict `:` functional-type(operands, results)
  }];
}

def RGNN_NodeReduceOp : RGNN_TemplateOp<"node_reduce", [AttrSizedOperandSegments]> {
  let summary = "traversal template: per destination, over its edge segments";
  let description = [{
    A parallel loop over destination nodes i; each owns its output row, so
    there are no races. Its edges are the segments `r·N + i` of the
    layout (r = 0..R−1), positions in the layout's order. The value of an edge is the row of `table` chosen
    by `mode` (as in `edge_map`, through `row_map` for pair modes).
    `kind`: `sum` (with optional per-head `scale[E,H]`), `mean` (over all
    edges into i), `mean_per_relation` (Σ_r of the mean over segment r),
    `softmax_sum` (Σ_e α_e·value with α the per-head softmax of
    `scores[E,H]` over the edges into i, max-subtracted, fused: no α is
    stored), `pair_mean` (the mean of segment r written to row
    `out_rows[r·N + i]` of a per-pair table of `rows` rows instead),
    `pair_max` (as pair_mean with the elementwise max, 0 for an empty
    segment).
  }];
  let arguments = (ins RGNN_IndexTensor:$src, RGNN_IndexTensor:$dst,
                   RGNN_IndexTensor:$types, RGNN_IndexTensor:$segments,
                   Index:$num_nodes, RGNN_F32Tensor:$table, Optional<RGNN_IndexTensor>:$row_map,
                   Optional<RGNN_F32Tensor>:$scores,
                   Optional<RGNN_IndexTensor>:$out_rows,
                   Optional<Index>:$rows,
                   RGNN_NodeReduceKindAttr:$kind, RGNN_RowModeAttr:$mode,
                   I64Attr:$heads);
  let results = (outs RGNN_F32Tensor:$y);
  let assemblyFormat = [{
    $table `over` $segments `edges` $src `,` $dst `,` $types `nodes` $num_nodes (`map` `(` $row_map^ `)`)? (`scores` `(` $scores^ `)`)? (`out_rows` `(` $out_rows^ `)`)? (`rows` $rows^)? attr-dict `:` functional-type(operands, results)
  }];
}

#endif // SEQC_RGNN_OPS
