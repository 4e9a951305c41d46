// Enum attributes of the `rgnn` dialect: the side of an edge, an
// aggregation, the graph table layout (`materialize`: the model's request,
// then rgnn-select-layout's decision) and the templates' schedules, as
// `#rgnn<side src>`.
#ifndef SEQC_RGNN_ATTRS
#define SEQC_RGNN_ATTRS

include "dialects/rgnn/RGNNDialect.td"
include "mlir/IR/EnumAttr.td"

class RGNN_Enum<string name, string summary, list<I32EnumAttrCase> cases>
    : I32EnumAttr<name, summary, cases> {
  let cppNamespace = "::seqc::rgnn";
  let genSpecializedAttr = 0;
}

def RGNN_Side : RGNN_Enum<"Side", "the end of an edge a row is read at", [
    I32EnumAttrCase<"src", 0>, I32EnumAttrCase<"dst", 1>]>;
def RGNN_SideAttr : EnumAttr<RGNN_Dialect, RGNN_Side, "side">;

def RGNN_Reduce : RGNN_Enum<"Reduce", "how messages into a node combine", [
    I32EnumAttrCase<"sum", 0>, I32EnumAttrCase<"mean", 1>,
    I32EnumAttrCase<"max", 2>]>;
def RGNN_ReduceAttr : EnumAttr<RGNN_Dialect, RGNN_Reduce, "reduce">;

def RGNN_Aggregation : RGNN_Enum<"Aggregation",
    "how rgcn combines the messages of one relation (PyG's aggr)", [
    I32EnumAttrCase<"mean", 0>, I32EnumAttrCase<"add", 1>,
    I32EnumAttrCase<"max", 2>]>;
def RGNN_AggregationAttr
    : EnumAttr<RGNN_Dialect, RGNN_Aggregation, "aggregation">;

def RGNN_Attention : RGNN_Enum<"Attention",
    "rgat's scores: q/k vectors per relation and head (Pigeon) or dense q/k "
    "matrices shared by all relations (PyG's RGATConv)", [
    I32EnumAttrCase<"per_relation", 0>, I32EnumAttrCase<"shared", 1>]>;
def RGNN_AttentionAttr : EnumAttr<RGNN_Dialect, RGNN_Attention, "attention">;

def RGNN_Materialize : RGNN_Enum<"Materialize",
    "the rows of a per-relation table: per edge, per pair present, all "
    "(relation, node) pairs, or pair/dense chosen at run time", [
    I32EnumAttrCase<"edge", 0>, I32EnumAttrCase<"pair", 1>,
    I32EnumAttrCase<"dense", 2>, I32EnumAttrCase<"automatic", 3, "auto">]>;
def RGNN_MaterializeAttr
    : EnumAttr<RGNN_Dialect, RGNN_Materialize, "materialize">;

// The templates' schedules (rgnn-lower-to-templates writes them).
def RGNN_RowMode : RGNN_Enum<"RowMode",
    "the row of a table an edge reads: its position, its source or "
    "destination node, its relation, or its pair's row", [
    I32EnumAttrCase<"edge", 0>, I32EnumAttrCase<"src", 1>,
    I32EnumAttrCase<"dst", 2>, I32EnumAttrCase<"type", 3>,
    I32EnumAttrCase<"pair_src", 4>, I32EnumAttrCase<"pair_dst", 5>]>;
def RGNN_RowModeAttr : EnumAttr<RGNN_Dialect, RGNN_RowMode, "row_mode">;
def RGNN_RowModeArrayAttr
    : TypedArrayAttrBase<RGNN_RowModeAttr, "row modes">;

def RGNN_EdgeMapKind : RGNN_Enum<"EdgeMapKind",
    "what rgnn.edge_map computes per edge", [
    I32EnumAttrCase<"copy", 0>, I32EnumAttrCase<"dot", 1>]>;
def RGNN_EdgeMapKindAttr
    : EnumAttr<RGNN_Dialect, RGNN_EdgeMapKind, "edge_map_kind">;

def RGNN_NodeReduceKind : RGNN_Enum<"NodeReduceKind",
    "what rgnn.node_reduce computes per destination", [
    I32EnumAttrCase<"sum", 0>, I32EnumAttrCase<"mean", 1>,
    I32EnumAttrCase<"mean_per_relation", 2>,
    I32EnumAttrCase<"softmax_sum", 3>, I32EnumAttrCase<"pair_mean", 4>,
    I32EnumAttrCase<"pair_max", 5>]>;
def RGNN_NodeReduceKindAttr
    : EnumAttr<RGNN_Dialect, RGNN_NodeReduceKind, "node_reduce_kind">;

#endif // SEQC_RGNN_ATTRS
