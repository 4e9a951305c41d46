// Ops without a CPU lowering yet are errors, not silent pass-throughs.
// RUN: seqc-opt %s --convert-seq-to-linalg -split-input-file -verify-diagnostics

// rgnn layers and inter-operator ops go through the rgnn passes first.
func.func @gather(%x: tensor<5x8xf32>, %ei: tensor<2x7xi64>, %n: index) -> tensor<7x8xf32> {
  // expected-error @+1 {{'rgnn.gather' op is lowered by rgnn-decompose and rgnn-lower-to-templates first}}
  %y = rgnn.gather %x, %ei nodes %n {side = "src"} : (tensor<5x8xf32>, tensor<2x7xi64>, index) -> tensor<7x8xf32>
  return %y : tensor<7x8xf32>
}
