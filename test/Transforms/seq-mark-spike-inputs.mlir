// RUN: seqc-opt %s --seq-mark-spike-inputs | FileCheck %s

// Only a linear whose input is a neuron's spike output is marked.
// CHECK-LABEL: func.func @mark
// CHECK: %[[S:.*]], %{{.*}} = seq.lif
// CHECK: seq.linear %[[S]] {{.*}}spike_input
// CHECK: seq.linear %arg0 weights
// CHECK-NOT: spike_input
func.func @mark(%x: tensor<?x?x6xf32>, %w: tensor<4x6xf32>) -> (tensor<?x?x4xf32>, tensor<?x?x4xf32>) {
  %s, %v = seq.lif %x {tau = 2.0 : f64, v_threshold = 1.0 : f64, decay_input = true} : (tensor<?x?x6xf32>) -> (tensor<?x?x6xf32>, tensor<?x6xf32>)
  %a = seq.linear %s weights(%w) {out = 4 : i64, bias = false} : (tensor<?x?x6xf32>, tensor<4x6xf32>) -> tensor<?x?x4xf32>
  %b = seq.linear %x weights(%w) {out = 4 : i64, bias = false} : (tensor<?x?x6xf32>, tensor<4x6xf32>) -> tensor<?x?x4xf32>
  return %a, %b : tensor<?x?x4xf32>, tensor<?x?x4xf32>
}
