// RUN: seqc-opt %s --seq-cuda-kernel-only-inputs | FileCheck %s

// Inputs that only the loops over #gpu.block read, directly or through a
// view, are noted; one the host loads, one a host reshape reads its sizes
// from, one the entry returns, and the weights (no seq.name) are not.
// CHECK: module attributes {seq.kernel_only_inputs = ["kernel", "viewed"]}
module {
  func.func @main(%k: memref<?xf32> {seq.name = "kernel"},
                  %h: memref<?xf32> {seq.name = "host"},
                  %v: memref<?xf32> {seq.name = "viewed"},
                  %r: memref<4xf32> {seq.name = "returned"},
                  %shape: memref<1xindex> {seq.name = "shape"},
                  %w: memref<4xf32> {seq.weight = "w"}) -> memref<4xf32> {
    %c0 = arith.constant 0 : index
    %n = memref.dim %k, %c0 : memref<?xf32>
    %x = memref.load %h[%c0] : memref<?xf32>
    %s = memref.subview %v[1] [2] [1]
        : memref<?xf32> to memref<2xf32, strided<[1], offset: 1>>
    %kk = memref.reshape %k(%shape)
        : (memref<?xf32>, memref<1xindex>) -> memref<?xf32>
    scf.forall (%b) in (1) {
      scf.forall (%t) in (2) {
        %a = memref.load %kk[%t] : memref<?xf32>
        %c = memref.load %s[%t] : memref<2xf32, strided<[1], offset: 1>>
        %d = arith.addf %a, %c : f32
        %e = arith.addf %d, %x : f32
        memref.store %e, %w[%t] : memref<4xf32>
      } {mapping = [#gpu.thread<x>]}
    } {mapping = [#gpu.block<x>]}
    return %r : memref<4xf32>
  }
}
