// RUN: seqc-opt %s --seq-weights-to-args | FileCheck %s --enable-var-scope

// Each distinct weight becomes one argument after the inputs, named by its
// tensor; a weight read twice is one argument.
// CHECK-LABEL: func.func @main
// CHECK-SAME: (%[[X:.*]]: tensor<?x8xf32> {bufferization.writable = false}, %[[W:.*]]: tensor<8xf32> {bufferization.writable = false, seq.weight = "n0.weight"}, %[[H:.*]]: tensor<8xf16> {bufferization.writable = false, seq.weight = "n1.weight"})
// CHECK-NOT: seq.weight "
// CHECK: seq.rms_norm %[[X]] weights(%[[W]])
// CHECK: seq.rms_norm %{{.*}} weights(%[[W]])
// CHECK: arith.extf %[[H]]
func.func @main(%x: tensor<?x8xf32>) -> (tensor<?x8xf32>, tensor<8xf32>) {
  %w = seq.weight "n0.weight" : tensor<8xf32>
  %y = seq.rms_norm %x weights(%w) {eps = 1.0e-6 : f64} : (tensor<?x8xf32>, tensor<8xf32>) -> tensor<?x8xf32>
  %w2 = seq.weight "n0.weight" : tensor<8xf32>
  %z = seq.rms_norm %y weights(%w2) {eps = 1.0e-6 : f64} : (tensor<?x8xf32>, tensor<8xf32>) -> tensor<?x8xf32>
  %h = seq.weight "n1.weight" : tensor<8xf16>
  %e = arith.extf %h : tensor<8xf16> to tensor<8xf32>
  return %z, %e : tensor<?x8xf32>, tensor<8xf32>
}
