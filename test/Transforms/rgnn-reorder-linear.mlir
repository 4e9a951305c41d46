// Pigeon's linear operator reorder on rgnn inter-operator ops.
// RUN: seqc-opt %s --rgnn-reorder-linear | FileCheck %s
// RUN: seqc-opt %s --rgnn-reorder-linear="enable=false" | FileCheck %s --check-prefix=OFF

// RGCN: a per-relation mean of per-edge transforms becomes the mean of the
// sources per (relation, destination) pair, then one transform per pair.
// CHECK-LABEL: func.func @rgcn_mean(
// CHECK-SAME:    %[[X:[^:]+]]: tensor<?x16xf32>, %[[EI:[^:]+]]: tensor<2x?xi64>, %[[ET:[^:]+]]: tensor<?xi64>, %[[W:[^:]+]]: tensor<3x16x32xf32>, %[[N:[^:]+]]: index)
// CHECK-NOT:     rgnn.relation_linear
// CHECK:         %[[M:.+]] = rgnn.pair_mean %[[X]], %[[EI]], %[[ET]] nodes %[[N]] {relations = 3 : i64} : {{.*}} -> tensor<?x16xf32>
// CHECK:         %[[Y:.+]] = rgnn.pair_linear %[[M]], %[[W]] : (tensor<?x16xf32>, tensor<3x16x32xf32>) -> tensor<?x32xf32>
// CHECK-NOT:     rgnn.aggregate
// CHECK:         return %[[Y]]
// OFF-LABEL:   func.func @rgcn_mean(
// OFF:           rgnn.relation_linear
// OFF:           rgnn.aggregate
// OFF-NOT:       rgnn.pair_mean
func.func @rgcn_mean(%x: tensor<?x16xf32>, %ei: tensor<2x?xi64>, %et: tensor<?xi64>, %w: tensor<3x16x32xf32>, %n: index) -> tensor<?x32xf32> {
  %m = rgnn.relation_linear %x, %ei, %et, %w nodes %n {side = #rgnn<side src>} : (tensor<?x16xf32>, tensor<2x?xi64>, tensor<?xi64>, tensor<3x16x32xf32>, index) -> tensor<?x32xf32>
  %y = rgnn.aggregate %m, %ei types(%et) nodes %n {reduce = #rgnn<reduce mean>, relations = 3 : i64} : (tensor<?x32xf32>, tensor<2x?xi64>, tensor<?xi64>, index) -> tensor<?x32xf32>
  return %y : tensor<?x32xf32>
}

// RGAT: the score's dot product with a per-relation vector folds into the
// transform, W_r·a_r ([in, heads] per relation); the transform itself
// stays for the messages.
// CHECK-LABEL: func.func @rgat_scores(
// CHECK-SAME:    %[[X:[^:]+]]: tensor<?x16xf32>, %[[EI:[^:]+]]: tensor<2x?xi64>, %[[ET:[^:]+]]: tensor<?xi64>, %[[W:[^:]+]]: tensor<3x16x32xf32>, %[[A:[^:]+]]: tensor<3x32xf32>, %[[N:[^:]+]]: index)
// CHECK:         %[[Z:.+]] = rgnn.relation_linear %[[X]], %[[EI]], %[[ET]], %[[W]] nodes %[[N]] {side = #rgnn<side src>} : {{.*}} -> tensor<?x32xf32>
// CHECK-DAG:     %[[WH:.+]] = tensor.expand_shape %[[W]] {{\[}}[0], [1], [2, 3]] {{.*}} into tensor<3x16x4x8xf32>
// CHECK-DAG:     %[[AH:.+]] = tensor.expand_shape %[[A]] {{\[}}[0], [1, 2]] {{.*}} into tensor<3x4x8xf32>
// CHECK:         %[[F:.+]] = linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "parallel", "reduction"]} ins(%[[WH]], %[[AH]] : {{.*}}) outs(%{{.+}} : tensor<3x16x4xf32>)
// CHECK:           arith.mulf
// CHECK:           arith.addf
// CHECK:         %[[S:.+]] = rgnn.relation_linear %[[X]], %[[EI]], %[[ET]], %[[F]] nodes %[[N]] {side = #rgnn<side src>} : {{.*}} -> tensor<?x4xf32>
// CHECK-NOT:     rgnn.edge_dot
// CHECK:         %[[Y:.+]] = rgnn.aggregate %[[Z]]
// CHECK:         return %[[S]], %[[Y]]
// OFF-LABEL:   func.func @rgat_scores(
// OFF:           rgnn.edge_dot
func.func @rgat_scores(%x: tensor<?x16xf32>, %ei: tensor<2x?xi64>, %et: tensor<?xi64>, %w: tensor<3x16x32xf32>, %a: tensor<3x32xf32>, %n: index) -> (tensor<?x4xf32>, tensor<?x32xf32>) {
  %z = rgnn.relation_linear %x, %ei, %et, %w nodes %n {side = #rgnn<side src>} : (tensor<?x16xf32>, tensor<2x?xi64>, tensor<?xi64>, tensor<3x16x32xf32>, index) -> tensor<?x32xf32>
  %s = rgnn.edge_dot %z, %a types(%et) {heads = 4 : i64} : (tensor<?x32xf32>, tensor<3x32xf32>, tensor<?xi64>) -> tensor<?x4xf32>
  %y = rgnn.aggregate %z, %ei nodes %n {reduce = #rgnn<reduce sum>} : (tensor<?x32xf32>, tensor<2x?xi64>, index) -> tensor<?x32xf32>
  return %s, %y : tensor<?x4xf32>, tensor<?x32xf32>
}

// A mean of destination-side transforms is not a mean over sources: left.
// CHECK-LABEL: func.func @dst_side_stays(
// CHECK:         rgnn.relation_linear {{.*}} {side = #rgnn<side dst>}
// CHECK:         rgnn.aggregate
func.func @dst_side_stays(%x: tensor<?x16xf32>, %ei: tensor<2x?xi64>, %et: tensor<?xi64>, %w: tensor<3x16x32xf32>, %n: index) -> tensor<?x32xf32> {
  %m = rgnn.relation_linear %x, %ei, %et, %w nodes %n {side = #rgnn<side dst>} : (tensor<?x16xf32>, tensor<2x?xi64>, tensor<?xi64>, tensor<3x16x32xf32>, index) -> tensor<?x32xf32>
  %y = rgnn.aggregate %m, %ei types(%et) nodes %n {reduce = #rgnn<reduce mean>, relations = 3 : i64} : (tensor<?x32xf32>, tensor<2x?xi64>, tensor<?xi64>, index) -> tensor<?x32xf32>
  return %y : tensor<?x32xf32>
}
