// Ops without a CPU lowering yet are errors, not silent pass-throughs.
// RUN: seqc-opt %s --convert-seq-to-linalg -split-input-file -verify-diagnostics

func.func @gam(%x: tensor<1x4x8xf32>, %cw: tensor<8x3xf32>, %cb: tensor<8xf32>, %m: tensor<5x8xf32>, %gw: tensor<16x8xf32>, %gb: tensor<16xf32>) -> tensor<1x4x8xf32> {
  // expected-error @+1 {{'seq.gam' op has no CPU lowering yet}}
  %y = seq.gam %x weights(%cw, %cb, %m, %gw, %gb) {slots = 5 : i64, kernel = 3 : i64} : (tensor<1x4x8xf32>, tensor<8x3xf32>, tensor<8xf32>, tensor<5x8xf32>, tensor<16x8xf32>, tensor<16xf32>) -> tensor<1x4x8xf32>
  return %y : tensor<1x4x8xf32>
}

// -----

func.func @gather(%x: tensor<5x8xf32>, %ei: tensor<2x7xi64>) -> tensor<7x8xf32> {
  // expected-error @+1 {{'rgnn.gather' op has no CPU lowering yet}}
  %y = rgnn.gather %x, %ei {side = "src"} : (tensor<5x8xf32>, tensor<2x7xi64>) -> tensor<7x8xf32>
  return %y : tensor<7x8xf32>
}
