// Per-edge operands that do not come from rgnn ops cannot be lowered: the
// templates keep per-edge values in the graph layout's order, and a tensor
// from outside is in edge_index order.
// RUN: seqc-opt %s --rgnn-lower-to-templates -split-input-file -verify-diagnostics

func.func @outside_messages(%m: tensor<?x16xf32>, %ei: tensor<2x?xi64>, %et: tensor<?xi64>, %n: index) -> tensor<?x16xf32> {
  // expected-error @+1 {{'rgnn.aggregate' op takes a per-edge operand from outside the rgnn ops}}
  %y = rgnn.aggregate %m, %ei types(%et) nodes %n {reduce = #rgnn<reduce mean>, relations = 3 : i64} : (tensor<?x16xf32>, tensor<2x?xi64>, tensor<?xi64>, index) -> tensor<?x16xf32>
  return %y : tensor<?x16xf32>
}

// -----

// A gather is only read by the rgnn ops that take it (no per-edge copy).
func.func @gather_escapes(%x: tensor<?x16xf32>, %ei: tensor<2x?xi64>, %n: index) -> tensor<?x16xf32> {
  // expected-error @+1 {{'rgnn.gather' op is lowered only as an operand of rgnn ops}}
  %g = rgnn.gather %x, %ei nodes %n {side = #rgnn<side src>} : (tensor<?x16xf32>, tensor<2x?xi64>, index) -> tensor<?x16xf32>
  return %g : tensor<?x16xf32>
}

// -----

// pair_mean's table has a row per (relation, node) pair, not per edge:
// only pair_linear reads it.
func.func @pair_table_per_edge(%x: tensor<?x16xf32>, %ei: tensor<2x?xi64>, %et: tensor<?xi64>, %n: index) -> tensor<?x16xf32> {
  %p = rgnn.pair_mean %x, %ei, %et nodes %n {relations = 3 : i64, materialize = #rgnn<materialize dense>} : (tensor<?x16xf32>, tensor<2x?xi64>, tensor<?xi64>, index) -> tensor<?x16xf32>
  // expected-error @+1 {{'rgnn.aggregate' op reads rgnn.pair_mean's per-pair table per edge; only rgnn.pair_linear reads it}}
  %y = rgnn.aggregate %p, %ei types(%et) nodes %n {reduce = #rgnn<reduce mean>, relations = 3 : i64} : (tensor<?x16xf32>, tensor<2x?xi64>, tensor<?xi64>, index) -> tensor<?x16xf32>
  return %y : tensor<?x16xf32>
}

// -----

// A scale is read by the edge's position: a gather's rows (a node's row
// per edge, in the layout's terms a row of x) cannot be one.
func.func @scale_of_node_rows(%x: tensor<?x16xf32>, %s: tensor<?x4xf32>, %ei: tensor<2x?xi64>, %et: tensor<?xi64>, %w: tensor<3x16x16xf32>, %n: index) -> tensor<?x16xf32> {
  %m = rgnn.relation_linear %x, %ei, %et, %w nodes %n {side = #rgnn<side src>} : (tensor<?x16xf32>, tensor<2x?xi64>, tensor<?xi64>, tensor<3x16x16xf32>, index) -> tensor<?x16xf32>
  %g = rgnn.gather %s, %ei nodes %n {side = #rgnn<side dst>} : (tensor<?x4xf32>, tensor<2x?xi64>, index) -> tensor<?x4xf32>
  // expected-error @+1 {{'rgnn.aggregate' op scales by rows of nodes or pairs, not by a value per edge}}
  %y = rgnn.aggregate %m, %ei scale(%g) nodes %n {reduce = #rgnn<reduce sum>} : (tensor<?x16xf32>, tensor<2x?xi64>, tensor<?x4xf32>, index) -> tensor<?x16xf32>
  return %y : tensor<?x16xf32>
}
