// RUN: seqc-opt %s --seq-cuda-kernel-only-inputs | FileCheck %s

// Inputs that only the loops over #gpu.block read, directly or through a
// view, or the library's product on the device (seqc_cuda_gemm) reads, are
// noted; one the host loads, one a host reshape reads its sizes from, one
// the entry returns, one another function takes, and the weights (no
// seq.name) are not.
// CHECK: module attributes {seq.kernel_only_inputs = ["kernel", "viewed", "product"]}
module {
  func.func @main(%k: memref<?xf32> {seq.name = "kernel"},
                  %h: memref<?xf32> {seq.name = "host"},
                  %v: memref<?xf32> {seq.name = "viewed"},
                  %r: memref<4xf32> {seq.name = "returned"},
                  %shape: memref<1xindex> {seq.name = "shape"},
                  %w: memref<4xf32> {seq.weight = "w"},
                  %p: memref<2x2xf32> {seq.name = "product"},
                  %o: memref<2x2xf32> {seq.name = "other"}) -> memref<4xf32> {
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
    %pv = memref.reinterpret_cast %p to offset: [0], sizes: [2, 2], strides: [2, 1]
        : memref<2x2xf32> to memref<?x?xf32, strided<[?, 1], offset: ?>>
    %ov = memref.reinterpret_cast %o to offset: [0], sizes: [2, 2], strides: [2, 1]
        : memref<2x2xf32> to memref<?x?xf32, strided<[?, 1], offset: ?>>
    %f32 = arith.constant 0 : i32
    %done = func.call @seqc_cuda_gemm(%pv, %pv, %pv, %f32)
        : (memref<?x?xf32, strided<[?, 1], offset: ?>>,
           memref<?x?xf32, strided<[?, 1], offset: ?>>,
           memref<?x?xf32, strided<[?, 1], offset: ?>>, i32) -> i32
    func.call @other(%ov) : (memref<?x?xf32, strided<[?, 1], offset: ?>>) -> ()
    return %r : memref<4xf32>
  }
  func.func private @seqc_cuda_gemm(memref<?x?xf32, strided<[?, 1], offset: ?>>,
                                    memref<?x?xf32, strided<[?, 1], offset: ?>>,
                                    memref<?x?xf32, strided<[?, 1], offset: ?>>,
                                    i32) -> i32
  func.func private @other(memref<?x?xf32, strided<[?, 1], offset: ?>>)
}
