// The `rgnn` dialect: relational GNN layers (SPEC §4.6) and the graph-level
// ops they decompose into.
#ifndef SEQC_RGNN_OPS
#define SEQC_RGNN_OPS

include "mlir/IR/OpBase.td"
include "mlir/Interfaces/InferTypeOpInterface.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "dialects/common/WeightedOpInterface.td"

def RGNN_Dialect : Dialect {
  let name = "rgnn";
  let cppNamespace = "::seqc::rgnn";
  let summary = "Relational graph neural networks, Pigeon/Hector style";
  let description = [{
    Two kinds of ops. Layer ops (`rgcn`, `rgat`, `hgt`) are the model
    description's nodes. Inter-operator ops state graph semantics that the
    layers decompose into: `typed_linear` (a GEMM whose weight is chosen per
    row by a node or edge type), `gather` (rows by edge source or
    destination), `edge_softmax` (softmax over the edges into each node) and
    `aggregate` (reduce edge rows into their destinations).

    A graph is `edge_index: tensor<2xEx i64>` (row 0 sources j, row 1
    destinations i) and `edge_type: tensor<Exi64>`; indices are checked at
    run time, never read out of bounds. Multi-edges count with multiplicity.
  }];
}

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
  let summary = "relational GCN, mean aggregation (PyG RGCNConv)";
  let description = [{
    `x[N,F]`, `edge_index[2,E]`, `edge_type[E]` → `[N,out]`:
    `x'_i = x_i·root + Σ_r (1/|N_r(i)|) Σ_{j∈N_r(i)} x_j·W_r + b`
    (an empty N_r(i) contributes 0). Weights, in order:
    `weight[R,F,out]`, `root[F,out]`, `bias[out]`, R = `relations`.
  }];
  let arguments = (ins RGNN_F32Tensor:$x, RGNN_IndexTensor:$edge_index,
                   RGNN_IndexTensor:$edge_type, I64Attr:$out,
                   I64Attr:$relations, Variadic<RGNN_F32Tensor>:$weights);
  let results = (outs RGNN_F32Tensor:$y);
  let assemblyFormat = [{
    $x `,` $edge_index `,` $edge_type (`weights` `(` $weights^ `)`)? attr-dict `:` functional-type(operands, results)
  }];
}

def RGNN_RGATOp : RGNN_LayerOp<"rgat"> {
  let summary = "relational graph attention (Pigeon RGAT)";
  let description = [{
    Edge e = (j→i) of type r, head h, D = out/H:
    `zs = x_j W_{r,h}`, `zd = x_i W_{r,h}`,
    `s_e = LeakyReLU(attn_l[r,h]·zs + attn_r[r,h]·zd)` (negative_slope),
    `α = softmax of s over the edges into i`, `out_{i,h} = Σ α zs`;
    `x'_i = concat_h out_{i,h} + x_i·loop_weight + bias`.
    Weights, in order: `weight[R,H,F,D]`, `attn_l[R,H,D]`, `attn_r[R,H,D]`,
    `loop_weight[F,out]`, `bias[out]`.
  }];
  let arguments = (ins RGNN_F32Tensor:$x, RGNN_IndexTensor:$edge_index,
                   RGNN_IndexTensor:$edge_type, I64Attr:$out, I64Attr:$heads,
                   I64Attr:$relations, F64Attr:$negative_slope,
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
// Inter-operator ops
//===----------------------------------------------------------------------===//

def RGNN_TypedLinearOp : RGNN_Op<"typed_linear"> {
  let summary = "per-row GEMM with a weight chosen by the row's type";
  let description = [{
    `x[M,I]`, `types[M]` in `[0,T)`. With `weight[T,I,O]`:
    `y_m = x_m · W[types_m] (+ bias[types_m])`, `y[M,O]`. With a per-head
    block weight `weight[T,H,I/H,O']`: head h maps columns
    `[h·I/H, (h+1)·I/H)` of x through `W[types_m,h]`, `y[M,H·O']`.
    Optional `bias[T, width of y]`. A type out of range is a run-time error.
  }];
  let arguments = (ins RGNN_F32Tensor:$x, RGNN_TypeTensor:$types,
                   RGNN_F32Tensor:$weight, Optional<RGNN_F32Tensor>:$bias);
  let results = (outs RGNN_F32Tensor:$y);
  let assemblyFormat = [{
    $x `,` $types `,` $weight (`bias` `(` $bias^ `)`)? attr-dict `:` functional-type(operands, results)
  }];
}

def RGNN_GatherOp : RGNN_Op<"gather"> {
  let summary = "rows of node data per edge, by source or destination";
  let description = [{
    `x[N,...]`, `edge_index[2,E]` → `y[E,...]`,
    `y_e = x[edge_index[side, e]]` with side 0 for `src`, 1 for `dst`.
  }];
  let arguments = (ins RGNN_F32Tensor:$x, RGNN_IndexTensor:$edge_index,
                   StrAttr:$side);
  let results = (outs RGNN_F32Tensor:$y);
  let assemblyFormat = [{
    $x `,` $edge_index attr-dict `:` functional-type(operands, results)
  }];
}

def RGNN_EdgeSoftmaxOp : RGNN_Op<"edge_softmax"> {
  let summary = "softmax over the edges into each node";
  let description = [{
    `scores[E]` or `[E,H]` → same shape:
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
    multiplied by `scale[e,h]`. `reduce = "sum"`: `y_i = Σ_{e→i} m_e`.
    `reduce = "mean"` with `edge_type` given and `relations` R:
    `y_i = Σ_r (1/|N_r(i)|) Σ_{e→i of type r} m_e` (RGCN's mean); without
    `edge_type`: `y_i = (1/|N(i)|) Σ_{e→i} m_e`. Nodes with no incoming edge
    get 0.
  }];
  let arguments = (ins RGNN_F32Tensor:$msgs, RGNN_IndexTensor:$edge_index,
                   Optional<RGNN_IndexTensor>:$edge_type,
                   Optional<RGNN_F32Tensor>:$scale, Index:$num_nodes,
                   StrAttr:$reduce, OptionalAttr<I64Attr>:$relations);
  let results = (outs RGNN_F32Tensor:$y);
  let assemblyFormat = [{
    $msgs `,` $edge_index (`types` `(` $edge_type^ `)`)? (`scale` `(` $scale^ `)`)? `nodes` $num_nodes attr-dict `:` functional-type(operands, results)
  }];
}

#endif // SEQC_RGNN_OPS
