// The `rgnn` dialect's definition, shared by its attributes and its ops.
#ifndef SEQC_RGNN_DIALECT
#define SEQC_RGNN_DIALECT

include "mlir/IR/OpBase.td"

def RGNN_Dialect : Dialect {
  let name = "rgnn";
  let cppNamespace = "::seqc::rgnn";
  let summary = "Relational graph neural networks, Pigeon/Hector style";
  let description = [{
    Three levels, after Pigeon/Hector. Layer ops (`rgcn`, `rgat`, `hgt`)
    are the model description's nodes. `rgnn-decompose` writes them in
    inter-operator ops, graph semantics per node or per edge
    (`typed_linear`, `relation_linear`, `gather`, `edge_dot`,
    `edge_softmax`, `aggregate`, and `pair_mean` / `pair_linear` after the
    linear reorder). `rgnn-lower-to-templates` turns those into
    intra-operator templates that carry their data layout and schedule:
    `graph_layout`, `node_layout`, `pair_rows`, the GEMM template `gemm`
    and the traversal templates `edge_map` and `node_reduce`.

    A graph is `edge_index: tensor<2xEx i64>` (row 0 sources j, row 1
    destinations i) and `edge_type: tensor<Exi64>`; indices are checked at
    run time, never read out of bounds. Multi-edges count with multiplicity.
  }];
  let useDefaultAttributePrinterParser = 1;
}

#endif // SEQC_RGNN_DIALECT
