// seq-check-common-contract: the common pipeline's output, which every
// target's lowering starts from, has a target, no op that must be rewritten
// first, and every strategy decision made (seqc-common-pipeline.mlir: the
// pipeline's output passes it). Run alone, it finds what was not decided.
// RUN: seqc-opt %s --split-input-file --verify-diagnostics --seq-check-common-contract

// expected-error @below {{contract of the common pipeline: the module has no #seq.target}}
module {
func.func @decided(%a: tensor<1x?x20xf32>, %q: tensor<1x?x8xf32>, %v: tensor<1x?x6xf32>, %x: tensor<?x4xf32>, %ei: tensor<2x?xi64>, %et: tensor<?xi64>, %w: tensor<3x4x8xf32>, %root: tensor<4x8xf32>, %b: tensor<8xf32>) -> (tensor<1x?x20xf32>, tensor<1x?x6xf32>, tensor<?x8xf32>) {
  // expected-error @+1 {{'seq.linear_recurrence' is lowered by seq-lower-to-tensors}}
  %h, %hT = seq.linear_recurrence %a, %a : (tensor<1x?x20xf32>, tensor<1x?x20xf32>) -> (tensor<1x?x20xf32>, tensor<1x20xf32>)
  // expected-error @+1 {{'seq.gla_core' is lowered by seq-lower-to-tensors}}
  %o, %s = seq.gla_core %q, %q, %v, %q {heads = 2 : i64, scale = 0.5 : f64} : (tensor<1x?x8xf32>, tensor<1x?x8xf32>, tensor<1x?x6xf32>, tensor<1x?x8xf32>) -> (tensor<1x?x6xf32>, tensor<1x2x4x3xf32>)
  // expected-error @+1 {{'rgnn.rgcn' must be rewritten before the targets' lowering}}
  %y = rgnn.rgcn %x, %ei, %et weights(%w, %root, %b) {out = 8 : i64, relations = 3 : i64} : (tensor<?x4xf32>, tensor<2x?xi64>, tensor<?xi64>, tensor<3x4x8xf32>, tensor<4x8xf32>, tensor<8xf32>) -> tensor<?x8xf32>
  return %h, %o, %y : tensor<1x?x20xf32>, tensor<1x?x6xf32>, tensor<?x8xf32>
}
}

// -----

// The decisions ride on the kernel functions: Newton needs its scan form
// too, GLA its form and layout, a graph table its materialization. An op
// of another dialect is not part of the contract.
module attributes {seq.target = #seq.target<kind = cpu, threads = 2, vector_bits = 256, vector_registers = 16>} {
// expected-error @+1 {{kernel 'seqc_kernel_para_rnn' has no scan (seq-select-scan decides it)}}
func.func private @seqc_kernel_para_rnn(%x: tensor<4xf32>) -> tensor<4xf32> attributes {seq.kernel = {name = "para_rnn", solver = #seq.solver<method = newton, max_iterations = 4, tolerance = 1.0e-05 : f64>}} {
  return %x : tensor<4xf32>
}
// expected-error @+2 {{kernel 'seqc_kernel_gla_core' has no form (seq-chunk-gla decides it)}}
// expected-error @+1 {{kernel 'seqc_kernel_gla_core' has no layout (seq-select-layout decides it)}}
func.func private @seqc_kernel_gla_core(%x: tensor<4xf32>) -> tensor<4xf32> attributes {seq.kernel = {name = "gla_core"}} {
  return %x : tensor<4xf32>
}
// expected-error @+1 {{kernel 'seqc_kernel_pair_rows' has no materialize (rgnn-select-layout decides it)}}
func.func private @seqc_kernel_pair_rows(%x: tensor<4xf32>) -> tensor<4xf32> attributes {seq.kernel = {name = "pair_rows", relations = 2 : i64, template = "rgnn.pair_rows"}} {
  return %x : tensor<4xf32>
}
func.func @partial(%x: tensor<4xf32>, %m: memref<4xf32>) -> tensor<4xf32> {
  %y = call @seqc_kernel_para_rnn(%x) : (tensor<4xf32>) -> tensor<4xf32>
  %p = call @seqc_kernel_pair_rows(%y) : (tensor<4xf32>) -> tensor<4xf32>
  %z = call @seqc_kernel_gla_core(%p) : (tensor<4xf32>) -> tensor<4xf32>
  %c = arith.constant 0 : index
  // expected-error @+1 {{'memref.load' must be rewritten before the targets' lowering}}
  %e = memref.load %m[%c] : memref<4xf32>
  return %z : tensor<4xf32>
}
}

// -----

// The families seq-lower-to-tensors lowers must be gone (a linear on spikes
// too: it is a kernel call, and the rgnn templates); the run-time checks'
// status word stays.
module attributes {seq.target = #seq.target<kind = cpu, threads = 2, vector_bits = 256, vector_registers = 16>} {
memref.global "private" @seqc_status : memref<i32> = dense<0>
func.func @lowered(%x: tensor<2x4xf32>, %w: tensor<4xf32>, %m: tensor<8x4xf32>, %fail: i1, %ei: tensor<2x?xi64>, %et: tensor<?xi64>, %n: index) -> (tensor<2x4xf32>, tensor<2x8xf32>) {
  // expected-error @+1 {{'rgnn.graph_layout' is lowered by seq-lower-to-tensors}}
  %src, %dst, %t, %order, %seg = rgnn.graph_layout %ei, %et nodes %n {relations = 3 : i64} : (tensor<2x?xi64>, tensor<?xi64>, index) -> (tensor<?xi64>, tensor<?xi64>, tensor<?xi64>, tensor<?xi64>, tensor<?xi64>)
  // expected-error @+1 {{'seq.rms_norm' is lowered by seq-lower-to-tensors}}
  %y = seq.rms_norm %x weights(%w) {eps = 1.0e-05 : f64} : (tensor<2x4xf32>, tensor<4xf32>) -> tensor<2x4xf32>
  // expected-error @+1 {{'seq.linear' is lowered by seq-lower-to-tensors}}
  %z = seq.linear %x weights(%m) {out = 8 : i64, bias = false, spike_input} : (tensor<2x4xf32>, tensor<8x4xf32>) -> tensor<2x8xf32>
  scf.if %fail {
    %s = memref.get_global @seqc_status : memref<i32>
    %c = arith.constant 1 : i32
    memref.store %c, %s[] : memref<i32>
  }
  return %y, %z : tensor<2x4xf32>, tensor<2x8xf32>
}
}

// -----

// Calls only of kernel functions (a target may replace them by its own
// kernels, or compile their bodies).
module attributes {seq.target = #seq.target<kind = cpu, threads = 2, vector_bits = 256, vector_registers = 16>} {
func.func private @seqc_kernel_scale(%x: tensor<4xf32>) -> tensor<4xf32> attributes {seq.kernel = {name = "scale"}} {
  return %x : tensor<4xf32>
}
func.func private @helper(%x: tensor<4xf32>) -> tensor<4xf32> {
  return %x : tensor<4xf32>
}
func.func @calls(%x: tensor<4xf32>) -> tensor<4xf32> {
  %y = call @seqc_kernel_scale(%x) : (tensor<4xf32>) -> tensor<4xf32>
  // expected-error @+1 {{a call of 'helper', which is not a kernel function}}
  %z = call @helper(%y) : (tensor<4xf32>) -> tensor<4xf32>
  return %z : tensor<4xf32>
}
}
