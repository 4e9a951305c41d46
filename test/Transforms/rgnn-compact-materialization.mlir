// Compact materialization: relation transforms per unique (relation, node)
// pair instead of per edge; pair means only for the pairs present.
// RUN: seqc-opt %s --rgnn-compact-materialization | FileCheck %s
// RUN: seqc-opt %s --rgnn-compact-materialization="enable=false" | FileCheck %s --check-prefix=OFF

// CHECK-LABEL: func.func @compact(
// CHECK:         rgnn.relation_linear {{.*}} {materialize = #rgnn<materialize pair>, side = #rgnn<side src>}
// CHECK:         rgnn.relation_linear {{.*}} {materialize = #rgnn<materialize pair>, side = #rgnn<side dst>}
// CHECK:         rgnn.relation_linear {{.*}} {materialize = #rgnn<materialize dense>, side = #rgnn<side src>}
// CHECK:         rgnn.pair_mean {{.*}} {materialize = #rgnn<materialize pair>, relations = 3 : i64}
// OFF-LABEL:   func.func @compact(
// OFF:           rgnn.relation_linear {{.*}} {side = #rgnn<side src>}
// OFF:           rgnn.relation_linear {{.*}} {side = #rgnn<side dst>}
// OFF:           rgnn.relation_linear {{.*}} {materialize = #rgnn<materialize dense>, side = #rgnn<side src>}
// OFF:           rgnn.pair_mean {{.*}} {relations = 3 : i64}
func.func @compact(%x: tensor<?x16xf32>, %ei: tensor<2x?xi64>, %et: tensor<?xi64>, %w: tensor<3x16x32xf32>, %n: index) -> (tensor<?x32xf32>, tensor<?x32xf32>, tensor<?x32xf32>, tensor<?x16xf32>) {
  %a = rgnn.relation_linear %x, %ei, %et, %w nodes %n {side = #rgnn<side src>} : (tensor<?x16xf32>, tensor<2x?xi64>, tensor<?xi64>, tensor<3x16x32xf32>, index) -> tensor<?x32xf32>
  %b = rgnn.relation_linear %x, %ei, %et, %w nodes %n {side = #rgnn<side dst>, materialize = #rgnn<materialize edge>} : (tensor<?x16xf32>, tensor<2x?xi64>, tensor<?xi64>, tensor<3x16x32xf32>, index) -> tensor<?x32xf32>
  // An explicit choice other than per edge is kept.
  %c = rgnn.relation_linear %x, %ei, %et, %w nodes %n {side = #rgnn<side src>, materialize = #rgnn<materialize dense>} : (tensor<?x16xf32>, tensor<2x?xi64>, tensor<?xi64>, tensor<3x16x32xf32>, index) -> tensor<?x32xf32>
  %m = rgnn.pair_mean %x, %ei, %et nodes %n {relations = 3 : i64} : (tensor<?x16xf32>, tensor<2x?xi64>, tensor<?xi64>, index) -> tensor<?x16xf32>
  return %a, %b, %c, %m : tensor<?x32xf32>, tensor<?x32xf32>, tensor<?x32xf32>, tensor<?x16xf32>
}
