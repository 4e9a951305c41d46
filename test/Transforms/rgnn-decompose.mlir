// rgcn, rgat and hgt in rgnn inter-operator ops: the per-edge
// formulation, as PyG computes it.
// RUN: seqc-opt %s --rgnn-decompose | FileCheck %s

// CHECK-LABEL: func.func @rgcn(
// CHECK-SAME:    %[[X:[^:]+]]: tensor<?x16xf32>, %[[EI:[^:]+]]: tensor<2x?xi64>, %[[ET:[^:]+]]: tensor<?xi64>, %[[W:[^:]+]]: tensor<3x16x32xf32>, %[[ROOT:[^:]+]]: tensor<16x32xf32>, %[[B:[^:]+]]: tensor<32xf32>)
// CHECK:         %[[N:.+]] = tensor.dim %[[X]], %{{.+}} : tensor<?x16xf32>
// CHECK:         %[[M:.+]] = rgnn.relation_linear %[[X]], %[[EI]], %[[ET]], %[[W]] nodes %[[N]] {side = #rgnn<side src>}
// CHECK:         %[[AGG:.+]] = rgnn.aggregate %[[M]], %[[EI]] types(%[[ET]]) nodes %[[N]] {reduce = #rgnn<reduce mean>, relations = 3 : i64}
// CHECK:         %[[R:.+]] = rgnn.typed_linear %[[X]], %{{.+}} bias(%{{.+}}) : (tensor<?x16xf32>, tensor<1x16x32xf32>, tensor<1x32xf32>) -> tensor<?x32xf32>
// CHECK:         %[[Y:.+]] = linalg.generic {{.*}} ins(%[[R]], %[[AGG]] :
// CHECK:         return %[[Y]]
func.func @rgcn(%x: tensor<?x16xf32>, %ei: tensor<2x?xi64>, %et: tensor<?xi64>, %w: tensor<3x16x32xf32>, %root: tensor<16x32xf32>, %b: tensor<32xf32>) -> tensor<?x32xf32> {
  %y = rgnn.rgcn %x, %ei, %et weights(%w, %root, %b) {out = 32 : i64, relations = 3 : i64} : (tensor<?x16xf32>, tensor<2x?xi64>, tensor<?xi64>, tensor<3x16x32xf32>, tensor<16x32xf32>, tensor<32xf32>) -> tensor<?x32xf32>
  return %y : tensor<?x32xf32>
}

// aggr add: one sum over all edges, no root term, the bias added alone.
// CHECK-LABEL: func.func @rgcn_add_no_root(
// CHECK-SAME:    %[[X:[^:]+]]: tensor<?x16xf32>, %[[EI:[^:]+]]: tensor<2x?xi64>, %[[ET:[^:]+]]: tensor<?xi64>, %[[W:[^:]+]]: tensor<3x16x32xf32>, %[[B:[^:]+]]: tensor<32xf32>)
// CHECK:         %[[M:.+]] = rgnn.relation_linear %[[X]], %[[EI]], %[[ET]], %[[W]]
// CHECK:         %[[AGG:.+]] = rgnn.aggregate %[[M]], %[[EI]] nodes %{{.+}} {reduce = #rgnn<reduce sum>}
// CHECK-NOT:     rgnn.typed_linear
// CHECK:         %[[Y:.+]] = linalg.generic {{.*}} ins(%[[AGG]], %[[B]] :
// CHECK:         return %[[Y]]
func.func @rgcn_add_no_root(%x: tensor<?x16xf32>, %ei: tensor<2x?xi64>, %et: tensor<?xi64>, %w: tensor<3x16x32xf32>, %b: tensor<32xf32>) -> tensor<?x32xf32> {
  %y = rgnn.rgcn %x, %ei, %et weights(%w, %b) {out = 32 : i64, relations = 3 : i64, aggr = #rgnn<aggregation add>, root = false} : (tensor<?x16xf32>, tensor<2x?xi64>, tensor<?xi64>, tensor<3x16x32xf32>, tensor<32xf32>) -> tensor<?x32xf32>
  return %y : tensor<?x32xf32>
}

// aggr max (PyG's): the sources' max per (relation, destination) pair,
// then each relation's weight; a root term without bias.
// CHECK-LABEL: func.func @rgcn_max_no_bias(
// CHECK-SAME:    %[[X:[^:]+]]: tensor<?x16xf32>, %[[EI:[^:]+]]: tensor<2x?xi64>, %[[ET:[^:]+]]: tensor<?xi64>, %[[W:[^:]+]]: tensor<3x16x32xf32>, %[[ROOT:[^:]+]]: tensor<16x32xf32>)
// CHECK-NOT:     rgnn.relation_linear
// CHECK:         %[[M:.+]] = rgnn.pair_mean %[[X]], %[[EI]], %[[ET]] nodes %{{.+}} {reduce = #rgnn<reduce max>, relations = 3 : i64}
// CHECK:         %[[AGG:.+]] = rgnn.pair_linear %[[M]], %[[W]]
// CHECK:         %[[R:.+]] = rgnn.typed_linear %[[X]], %{{.+}} : (tensor<?x16xf32>, tensor<1x16x32xf32>) -> tensor<?x32xf32>
// CHECK:         %[[Y:.+]] = linalg.generic {{.*}} ins(%[[R]], %[[AGG]] :
// CHECK:         return %[[Y]]
func.func @rgcn_max_no_bias(%x: tensor<?x16xf32>, %ei: tensor<2x?xi64>, %et: tensor<?xi64>, %w: tensor<3x16x32xf32>, %root: tensor<16x32xf32>) -> tensor<?x32xf32> {
  %y = rgnn.rgcn %x, %ei, %et weights(%w, %root) {out = 32 : i64, relations = 3 : i64, aggr = #rgnn<aggregation max>, bias = false} : (tensor<?x16xf32>, tensor<2x?xi64>, tensor<?xi64>, tensor<3x16x32xf32>, tensor<16x32xf32>) -> tensor<?x32xf32>
  return %y : tensor<?x32xf32>
}

// PyG's form: q and k folded into the relation weights (W·q, W·k), so the
// scores are relation_linears of the nodes at both ends; the heads' mean
// without concat.
// CHECK-LABEL: func.func @rgat_shared(
// CHECK-SAME:    %[[X:[^:]+]]: tensor<?x16xf32>, %[[EI:[^:]+]]: tensor<2x?xi64>, %[[ET:[^:]+]]: tensor<?xi64>, %[[W:[^:]+]]: tensor<3x16x32xf32>
// CHECK:         %[[WQ:.+]] = linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "parallel", "reduction"]} ins(%[[W]], %{{.+}} : tensor<3x16x32xf32>, tensor<32x4xf32>)
// CHECK:         %[[WK:.+]] = linalg.generic {{.*}} ins(%[[W]], %{{.+}} : tensor<3x16x32xf32>, tensor<32x4xf32>)
// CHECK:         %[[ZS:.+]] = rgnn.relation_linear %[[X]], %[[EI]], %[[ET]], %[[W]] nodes %[[N:.+]] {side = #rgnn<side src>}
// CHECK:         %[[SL:.+]] = rgnn.relation_linear %[[X]], %[[EI]], %[[ET]], %[[WK]] nodes %[[N]] {side = #rgnn<side src>}
// CHECK:         %[[SR:.+]] = rgnn.relation_linear %[[X]], %[[EI]], %[[ET]], %[[WQ]] nodes %[[N]] {side = #rgnn<side dst>}
// CHECK:         %[[S:.+]] = linalg.generic {{.*}} ins(%[[SL]], %[[SR]] :
// CHECK:         %[[A:.+]] = rgnn.edge_softmax %[[S]], %[[EI]] nodes %[[N]]
// CHECK:         %[[AGG:.+]] = rgnn.aggregate %[[ZS]], %[[EI]] scale(%[[A]]) nodes %[[N]] {reduce = #rgnn<reduce sum>}
// CHECK:         tensor.expand_shape %[[AGG]] {{\[}}[0], [1, 2]]
// CHECK:         iterator_types = ["parallel", "parallel", "reduction"]
// CHECK:         arith.mulf %{{.+}}, %{{.+}} : f32
// CHECK:         %[[Y:.+]] = linalg.generic {{.*}} ins(%{{.+}}, %{{.+}} : tensor<?x8xf32>, tensor<8xf32>)
// CHECK:         return %[[Y]]
func.func @rgat_shared(%x: tensor<?x16xf32>, %ei: tensor<2x?xi64>, %et: tensor<?xi64>, %w: tensor<3x16x32xf32>, %q: tensor<32x4xf32>, %k: tensor<32x4xf32>, %b: tensor<8xf32>) -> tensor<?x8xf32> {
  %y = rgnn.rgat %x, %ei, %et weights(%w, %q, %k, %b) {out = 32 : i64, heads = 4 : i64, relations = 3 : i64, negative_slope = 2.000000e-01 : f64, attention = #rgnn<attention shared>, concat = false} : (tensor<?x16xf32>, tensor<2x?xi64>, tensor<?xi64>, tensor<3x16x32xf32>, tensor<32x4xf32>, tensor<32x4xf32>, tensor<8xf32>) -> tensor<?x8xf32>
  return %y : tensor<?x8xf32>
}

// Heads as one [R, in, out] weight; scores per head from both ends.
// CHECK-LABEL: func.func @rgat(
// CHECK-SAME:    %[[X:[^:]+]]: tensor<?x16xf32>, %[[EI:[^:]+]]: tensor<2x?xi64>, %[[ET:[^:]+]]: tensor<?xi64>
// CHECK:         %[[WF:.+]] = tensor.collapse_shape %{{.+}} {{\[}}[0], [1], [2, 3]] : tensor<3x16x4x8xf32> into tensor<3x16x32xf32>
// CHECK:         %[[ZS:.+]] = rgnn.relation_linear %[[X]], %[[EI]], %[[ET]], %[[WF]] nodes %[[N:.+]] {side = #rgnn<side src>}
// CHECK:         %[[ZD:.+]] = rgnn.relation_linear %[[X]], %[[EI]], %[[ET]], %[[WF]] nodes %[[N]] {side = #rgnn<side dst>}
// CHECK:         %[[SL:.+]] = rgnn.edge_dot %[[ZS]], %{{.+}} types(%[[ET]]) {heads = 4 : i64}
// CHECK:         %[[SR:.+]] = rgnn.edge_dot %[[ZD]], %{{.+}} types(%[[ET]]) {heads = 4 : i64}
// CHECK:         %[[S:.+]] = linalg.generic {{.*}} ins(%[[SL]], %[[SR]] :
// CHECK:           arith.cmpf ogt
// CHECK:           arith.select
// CHECK:         %[[A:.+]] = rgnn.edge_softmax %[[S]], %[[EI]] nodes %[[N]]
// CHECK:         %[[AGG:.+]] = rgnn.aggregate %[[ZS]], %[[EI]] scale(%[[A]]) nodes %[[N]] {reduce = #rgnn<reduce sum>}
// CHECK:         rgnn.typed_linear %[[X]]
func.func @rgat(%x: tensor<?x16xf32>, %ei: tensor<2x?xi64>, %et: tensor<?xi64>, %w: tensor<3x4x16x8xf32>, %al: tensor<3x4x8xf32>, %ar: tensor<3x4x8xf32>, %lw: tensor<16x32xf32>, %b: tensor<32xf32>) -> tensor<?x32xf32> {
  %y = rgnn.rgat %x, %ei, %et weights(%w, %al, %ar, %lw, %b) {out = 32 : i64, heads = 4 : i64, relations = 3 : i64, negative_slope = 2.000000e-01 : f64} : (tensor<?x16xf32>, tensor<2x?xi64>, tensor<?xi64>, tensor<3x4x16x8xf32>, tensor<3x4x8xf32>, tensor<3x4x8xf32>, tensor<16x32xf32>, tensor<32xf32>) -> tensor<?x32xf32>
  return %y : tensor<?x32xf32>
}

// in == out: the skip gate folds into a_lin, the residual becomes a
// per-type scaled identity.
// CHECK-LABEL: func.func @hgt(
// CHECK-SAME:    %[[X:[^:]+]]: tensor<?x32xf32>, %[[EI:[^:]+]]: tensor<2x?xi64>, %[[ET:[^:]+]]: tensor<?xi64>, %[[NT:[^:]+]]: tensor<?xi64>
// CHECK:         %[[K:.+]] = rgnn.typed_linear %[[X]], %{{.+}} types(%[[NT]]) bias(%{{.+}}) : (tensor<?x32xf32>, tensor<?xi64>, tensor<2x32x32xf32>, tensor<2x32xf32>) -> tensor<?x32xf32>
// CHECK:         %[[Q:.+]] = rgnn.typed_linear %[[X]], %{{.+}} types(%[[NT]])
// CHECK:         %[[V:.+]] = rgnn.typed_linear %[[X]], %{{.+}} types(%[[NT]])
// CHECK:         %[[KR:.+]] = rgnn.relation_linear %[[K]], %[[EI]], %[[ET]], %{{.+}} nodes %[[N:.+]] {side = #rgnn<side src>} : (tensor<?x32xf32>, tensor<2x?xi64>, tensor<?xi64>, tensor<3x32x32xf32>, index) -> tensor<?x32xf32>
// CHECK:         %[[MSG:.+]] = rgnn.relation_linear %[[V]], %[[EI]], %[[ET]], %{{.+}} nodes %[[N]] {side = #rgnn<side src>}
// CHECK:         %[[QD:.+]] = rgnn.gather %[[Q]], %[[EI]] nodes %[[N]] {side = #rgnn<side dst>}
// CHECK:         %[[S:.+]] = rgnn.edge_dot %[[QD]], %[[KR]] {heads = 4 : i64}
// CHECK:         %[[A:.+]] = rgnn.edge_softmax %[[S]], %[[EI]] nodes %[[N]]
// CHECK:         %[[AGG:.+]] = rgnn.aggregate %[[MSG]], %[[EI]] scale(%[[A]]) nodes %[[N]] {reduce = #rgnn<reduce sum>}
// CHECK:         %[[G:.+]] = linalg.generic {{.*}} ins(%[[AGG]] :
// CHECK:           math.erf
// CHECK:         %[[O:.+]] = rgnn.typed_linear %[[G]], %{{.+}} types(%[[NT]]) bias(%{{.+}})
// CHECK:         %[[RES:.+]] = rgnn.typed_linear %[[X]], %{{.+}} types(%[[NT]]) : (tensor<?x32xf32>, tensor<?xi64>, tensor<2x32x32xf32>) -> tensor<?x32xf32>
// CHECK:         linalg.generic {{.*}} ins(%[[O]], %[[RES]] :
func.func @hgt(%x: tensor<?x32xf32>, %ei: tensor<2x?xi64>, %et: tensor<?xi64>, %nt: tensor<?xi64>, %kw: tensor<2x32x32xf32>, %kb: tensor<2x32xf32>, %qw: tensor<2x32x32xf32>, %qb: tensor<2x32xf32>, %vw: tensor<2x32x32xf32>, %vb: tensor<2x32xf32>, %att: tensor<3x4x8x8xf32>, %msg: tensor<3x4x8x8xf32>, %pri: tensor<3x4xf32>, %aw: tensor<2x32x32xf32>, %ab: tensor<2x32xf32>, %skip: tensor<2xf32>) -> tensor<?x32xf32> {
  %y = rgnn.hgt %x, %ei, %et, %nt weights(%kw, %kb, %qw, %qb, %vw, %vb, %att, %msg, %pri, %aw, %ab, %skip) {out = 32 : i64, heads = 4 : i64, relations = 3 : i64, node_types = 2 : i64} : (tensor<?x32xf32>, tensor<2x?xi64>, tensor<?xi64>, tensor<?xi64>, tensor<2x32x32xf32>, tensor<2x32xf32>, tensor<2x32x32xf32>, tensor<2x32xf32>, tensor<2x32x32xf32>, tensor<2x32xf32>, tensor<3x4x8x8xf32>, tensor<3x4x8x8xf32>, tensor<3x4xf32>, tensor<2x32x32xf32>, tensor<2x32xf32>, tensor<2xf32>) -> tensor<?x32xf32>
  return %y : tensor<?x32xf32>
}

// A layer on the previous layer's output uses the same node count, so
// both are on one graph (laid out once by rgnn-lower-to-templates).
// CHECK-LABEL: func.func @stacked(
// CHECK:         rgnn.relation_linear {{.*}} nodes %[[N:[^ ]+]]
// CHECK:         rgnn.relation_linear {{.*}} nodes %[[N]]
func.func @stacked(%x: tensor<?x16xf32>, %ei: tensor<2x?xi64>, %et: tensor<?xi64>, %w: tensor<3x16x16xf32>, %root: tensor<16x16xf32>, %b: tensor<16xf32>) -> tensor<?x16xf32> {
  %h = rgnn.rgcn %x, %ei, %et weights(%w, %root, %b) {out = 16 : i64, relations = 3 : i64} : (tensor<?x16xf32>, tensor<2x?xi64>, tensor<?xi64>, tensor<3x16x16xf32>, tensor<16x16xf32>, tensor<16xf32>) -> tensor<?x16xf32>
  %y = rgnn.rgcn %h, %ei, %et weights(%w, %root, %b) {out = 16 : i64, relations = 3 : i64} : (tensor<?x16xf32>, tensor<2x?xi64>, tensor<?xi64>, tensor<3x16x16xf32>, tensor<16x16xf32>, tensor<16xf32>) -> tensor<?x16xf32>
  return %y : tensor<?x16xf32>
}
