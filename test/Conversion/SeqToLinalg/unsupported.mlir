// Ops without a CPU lowering yet are errors, not silent pass-throughs.
// RUN: seqc-opt %s --convert-seq-to-linalg -verify-diagnostics

func.func @wkv(%k: tensor<1x4x8xf32>, %d: tensor<8xf32>) -> tensor<1x4x8xf32> {
  // expected-error @+1 {{'seq.wkv' op has no CPU lowering yet}}
  %y = seq.wkv %k, %k weights(%d, %d) : (tensor<1x4x8xf32>, tensor<1x4x8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<1x4x8xf32>
  return %y : tensor<1x4x8xf32>
}
