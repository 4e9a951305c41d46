// Ops without a CPU lowering yet are errors, not silent pass-throughs.
// RUN: seqc-opt %s --seq-lower-cpu-kernels -split-input-file -verify-diagnostics

// rgnn layers and inter-operator ops go through the rgnn passes first.
func.func @gather(%x: tensor<5x8xf32>, %ei: tensor<2x7xi64>, %n: index) -> tensor<7x8xf32> {
  // expected-error @+1 {{'rgnn.gather' op is lowered by rgnn-decompose and rgnn-lower-to-templates first}}
  %y = rgnn.gather %x, %ei nodes %n {side = #rgnn<side src>} : (tensor<5x8xf32>, tensor<2x7xi64>, index) -> tensor<7x8xf32>
  return %y : tensor<7x8xf32>
}

// -----

// The families the common pipeline lowers are not the CPU kernels' to
// lower.
func.func @rms_norm(%x: tensor<?x8xf32>, %w: tensor<8xf32>) -> tensor<?x8xf32> {
  // expected-error @+1 {{'seq.rms_norm' op is lowered by seq-lower-to-tensors first}}
  %y = seq.rms_norm %x weights(%w) {eps = 1.0e-6 : f64} : (tensor<?x8xf32>, tensor<8xf32>) -> tensor<?x8xf32>
  return %y : tensor<?x8xf32>
}
