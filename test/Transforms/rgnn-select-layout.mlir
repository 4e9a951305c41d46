// Layout selection for per-pair tables: compact or dense, from graph
// statistics known at compile time, else measured at run time ("auto").
// RUN: seqc-opt %s --rgnn-select-layout | FileCheck %s
// RUN: seqc-opt %s --rgnn-select-layout="threshold=0.5" | FileCheck %s --check-prefix=HALF
// RUN: seqc-opt %s --rgnn-select-layout="enable=false" | FileCheck %s --check-prefix=OFF

// N and E unknown: decided at run time, with the threshold recorded.
// CHECK-LABEL: func.func @dynamic(
// CHECK:         rgnn.relation_linear {{.*}} {materialize = #rgnn<materialize auto>, side = #rgnn<side src>, threshold = 7.500000e-01 : f64}
// CHECK:         rgnn.pair_mean {{.*}} {materialize = #rgnn<materialize auto>, relations = 3 : i64, threshold = 7.500000e-01 : f64}
// HALF-LABEL:  func.func @dynamic(
// HALF:          threshold = 5.000000e-01 : f64
// OFF-LABEL:   func.func @dynamic(
// OFF:           rgnn.relation_linear {{.*}} {materialize = #rgnn<materialize pair>, side = #rgnn<side src>}
func.func @dynamic(%x: tensor<?x16xf32>, %ei: tensor<2x?xi64>, %et: tensor<?xi64>, %w: tensor<3x16x32xf32>, %n: index) -> (tensor<?x32xf32>, tensor<?x16xf32>) {
  %a = rgnn.relation_linear %x, %ei, %et, %w nodes %n {side = #rgnn<side src>, materialize = #rgnn<materialize pair>} : (tensor<?x16xf32>, tensor<2x?xi64>, tensor<?xi64>, tensor<3x16x32xf32>, index) -> tensor<?x32xf32>
  %m = rgnn.pair_mean %x, %ei, %et nodes %n {relations = 3 : i64, materialize = #rgnn<materialize pair>} : (tensor<?x16xf32>, tensor<2x?xi64>, tensor<?xi64>, index) -> tensor<?x16xf32>
  return %a, %m : tensor<?x32xf32>, tensor<?x16xf32>
}

// 100 nodes, 3 relations: 30 edges touch about 10% of the 300 pairs
// (compact); 600 edges about 86% (dense at the default 0.75); 150 edges
// about 39% (dense only at a threshold of 0.3).
// CHECK-LABEL: func.func @static(
// CHECK:         rgnn.relation_linear {{.*}} {materialize = #rgnn<materialize pair>, side = #rgnn<side src>}
// CHECK:         rgnn.relation_linear {{.*}} {materialize = #rgnn<materialize dense>, side = #rgnn<side src>}
// CHECK:         rgnn.relation_linear {{.*}} {materialize = #rgnn<materialize pair>, side = #rgnn<side src>}
// CHECK:         rgnn.relation_linear {{.*}} {side = #rgnn<side src>}
// HALF-LABEL:  func.func @static(
// HALF:          {materialize = #rgnn<materialize pair>, side = #rgnn<side src>}
// HALF:          {materialize = #rgnn<materialize dense>, side = #rgnn<side src>}
// HALF:          {materialize = #rgnn<materialize pair>, side = #rgnn<side src>}
func.func @static(%x: tensor<100x16xf32>, %e30: tensor<2x30xi64>, %t30: tensor<30xi64>, %e600: tensor<2x600xi64>, %t600: tensor<600xi64>, %e150: tensor<2x150xi64>, %t150: tensor<150xi64>, %w: tensor<3x16x32xf32>, %n: index) -> (tensor<30x32xf32>, tensor<600x32xf32>, tensor<150x32xf32>, tensor<30x32xf32>) {
  %a = rgnn.relation_linear %x, %e30, %t30, %w nodes %n {side = #rgnn<side src>, materialize = #rgnn<materialize pair>} : (tensor<100x16xf32>, tensor<2x30xi64>, tensor<30xi64>, tensor<3x16x32xf32>, index) -> tensor<30x32xf32>
  %b = rgnn.relation_linear %x, %e600, %t600, %w nodes %n {side = #rgnn<side src>, materialize = #rgnn<materialize pair>} : (tensor<100x16xf32>, tensor<2x600xi64>, tensor<600xi64>, tensor<3x16x32xf32>, index) -> tensor<600x32xf32>
  %c = rgnn.relation_linear %x, %e150, %t150, %w nodes %n {side = #rgnn<side src>, materialize = #rgnn<materialize pair>} : (tensor<100x16xf32>, tensor<2x150xi64>, tensor<150xi64>, tensor<3x16x32xf32>, index) -> tensor<150x32xf32>
  // Not compact: nothing to choose.
  %d = rgnn.relation_linear %x, %e30, %t30, %w nodes %n {side = #rgnn<side src>} : (tensor<100x16xf32>, tensor<2x30xi64>, tensor<30xi64>, tensor<3x16x32xf32>, index) -> tensor<30x32xf32>
  return %a, %b, %c, %d : tensor<30x32xf32>, tensor<600x32xf32>, tensor<150x32xf32>, tensor<30x32xf32>
}
