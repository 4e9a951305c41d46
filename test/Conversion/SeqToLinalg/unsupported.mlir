// Ops without a CPU lowering yet are errors, not silent pass-throughs.
// RUN: seqc-opt %s --convert-seq-to-linalg -split-input-file -verify-diagnostics

func.func @attention(%x: tensor<1x4x8xf32>, %wq: tensor<8x8xf32>, %wk: tensor<8x8xf32>, %wv: tensor<8x8xf32>, %wg: tensor<8x8xf32>, %wo: tensor<8x8xf32>) -> tensor<1x4x8xf32> {
  // expected-error @+1 {{'seq.gated_attention' op has no CPU lowering yet}}
  %y = seq.gated_attention %x weights(%wq, %wk, %wv, %wg, %wo) {heads = 2 : i64, kv_heads = 2 : i64, head_dim = 4 : i64, gate = "elementwise"} : (tensor<1x4x8xf32>, tensor<8x8xf32>, tensor<8x8xf32>, tensor<8x8xf32>, tensor<8x8xf32>, tensor<8x8xf32>) -> tensor<1x4x8xf32>
  return %y : tensor<1x4x8xf32>
}

// -----

// rgnn layers and inter-operator ops go through the rgnn passes first.
func.func @gather(%x: tensor<5x8xf32>, %ei: tensor<2x7xi64>, %n: index) -> tensor<7x8xf32> {
  // expected-error @+1 {{'rgnn.gather' op is lowered by rgnn-decompose and rgnn-lower-to-templates first}}
  %y = rgnn.gather %x, %ei nodes %n {side = "src"} : (tensor<5x8xf32>, tensor<2x7xi64>, index) -> tensor<7x8xf32>
  return %y : tensor<7x8xf32>
}
