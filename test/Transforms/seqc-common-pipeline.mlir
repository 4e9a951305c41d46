// The common pipeline: the target set, rgnn layers rewritten to templates,
// every strategy decision made, the building blocks lowered to tensors,
// and its output checked by seq-check-common-contract (the last pass).
// RUN: seqc-opt %s --seqc-common-pipeline | FileCheck %s
// RUN: seqc-opt %s --seq-set-target="target=cuda arch=sm_90" --seqc-common-pipeline | FileCheck %s --check-prefix=CUDA

// CHECK: module attributes {{.*}}seq.target = #seq.target<kind = cpu
// CHECK-LABEL: func.func @decided
// CHECK: call @seqc_kernel_linear_recurrence(
// CHECK: call @seqc_kernel_gla_core(
// CHECK: call @seqc_kernel_graph_layout(
// CHECK-NOT: rgnn.
// CUDA: module attributes {{.*}}seq.target = #seq.target<kind = cuda, arch = "sm_90"
func.func @decided(%a: tensor<1x?x20xf32>, %q: tensor<1x?x8xf32>, %v: tensor<1x?x6xf32>, %x: tensor<?x4xf32>, %ei: tensor<2x?xi64>, %et: tensor<?xi64>, %w: tensor<3x4x8xf32>, %root: tensor<4x8xf32>, %b: tensor<8xf32>) -> (tensor<1x?x20xf32>, tensor<1x?x6xf32>, tensor<?x8xf32>) {
  %h, %hT = seq.linear_recurrence %a, %a : (tensor<1x?x20xf32>, tensor<1x?x20xf32>) -> (tensor<1x?x20xf32>, tensor<1x20xf32>)
  %o, %s = seq.gla_core %q, %q, %v, %q {heads = 2 : i64, scale = 0.5 : f64} : (tensor<1x?x8xf32>, tensor<1x?x8xf32>, tensor<1x?x6xf32>, tensor<1x?x8xf32>) -> (tensor<1x?x6xf32>, tensor<1x2x4x3xf32>)
  %y = rgnn.rgcn %x, %ei, %et weights(%w, %root, %b) {out = 8 : i64, relations = 3 : i64} : (tensor<?x4xf32>, tensor<2x?xi64>, tensor<?xi64>, tensor<3x4x8xf32>, tensor<4x8xf32>, tensor<8xf32>) -> tensor<?x8xf32>
  return %h, %o, %y : tensor<1x?x20xf32>, tensor<1x?x6xf32>, tensor<?x8xf32>
}

// The building blocks leave the common pipeline lowered to tensors: the
// linear as a contraction, the norm as linalg ops (the same on both
// targets).
// CHECK-LABEL: func.func @lowered
// CHECK: linalg.contract
// CHECK: math.rsqrt
// CHECK-NOT: seq.linear
// CHECK-NOT: seq.rms_norm
// CUDA-LABEL: func.func @lowered
// CUDA: linalg.contract
// CUDA-NOT: seq.linear
// CUDA-NOT: seq.rms_norm
func.func @lowered(%x: tensor<?x4xf32>, %w: tensor<8x4xf32>, %g: tensor<8xf32>) -> tensor<?x8xf32> {
  %y = seq.linear %x weights(%w) {out = 8 : i64, bias = false} : (tensor<?x4xf32>, tensor<8x4xf32>) -> tensor<?x8xf32>
  %z = seq.rms_norm %y weights(%g) {eps = 1.0e-05 : f64} : (tensor<?x8xf32>, tensor<8xf32>) -> tensor<?x8xf32>
  return %z : tensor<?x8xf32>
}

// The decisions ride on the kernel functions (after the functions that
// call them).
// CHECK: func.func private @seqc_kernel_linear_recurrence({{.*}}seq.kernel = {name = "linear_recurrence", scan = #seq.scan<
// CHECK: func.func private @seqc_kernel_gla_core({{.*}}seq.kernel = {form = #seq.gla_form<{{.*}}layout = #seq.gla_layout<
// CHECK: func.func private @seqc_kernel_graph_layout({{.*}}seq.kernel = {name = "graph_layout", relations = 3 : i64, template = "rgnn.graph_layout"}
// CHECK: func.func private @seqc_kernel_pair_rows({{.*}}seq.kernel = {materialize = #rgnn<materialize
// CUDA: func.func private @seqc_kernel_gla_core({{.*}}seq.kernel = {form = #seq.gla_form<method = chunked
