// RUN: seqc-opt %s --seq-approximate-math | FileCheck %s

// exp, tanh, log, log1p and erf on f32 scalars and vectors become arithmetic
// (which LLVM vectorizes) instead of libm calls; other math ops stay.
// CHECK-LABEL: func.func @approximate
// CHECK-NOT: math.exp
// CHECK-NOT: math.tanh
// CHECK-NOT: math.log
// CHECK: math.fma
// CHECK: math.sin %
// CHECK-NOT: math.exp
// CHECK-NOT: math.tanh
func.func @approximate(%x: f32, %v: vector<16xf32>) -> (f32, vector<16xf32>, f32, f32) {
  %e = math.exp %x : f32
  %t = math.tanh %v : vector<16xf32>
  %l = math.log1p %x : f32
  %k = math.sin %x : f32
  return %e, %t, %l, %k : f32, vector<16xf32>, f32, f32
}
