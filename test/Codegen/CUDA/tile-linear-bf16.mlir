// RUN: seqc-opt %s '--seq-cuda-tile-linear=library=false' --split-input-file | FileCheck %s --check-prefix=TILE
// RUN: seqc-opt %s --seq-cuda-tile-linear --seq-cuda-simulate-library --split-input-file | FileCheck %s --check-prefix=SIMULATED
// RUN: seqc-opt %s --seq-cuda-tile-linear --split-input-file | FileCheck %s --check-prefix=LIBRARY

// In a module whose products read bf16 (`seq.precision = "bf16"`, SPEC §5):
// the tiles stage x and w rounded to the nearest bf16 (ties to even, in
// integer arithmetic: + 0x7FFF + the kept bit's parity, low 16 bits
// dropped; NaN kept), then multiply and accumulate in f32 as before; the
// CPU stand-in of the library call rounds its operands the same way (the
// runtime asks cuBLASLt for CUBLAS_COMPUTE_32F_FAST_16BF when the call's
// flag says bf16, and the stand-in rounds where it does). In an f32
// module, and for a product marked `seq.f32_product` (rnn's recurrent one,
// a linear feeding neurons), nothing is rounded and the flag is 0.
// LIBRARY-LABEL: func.func @linear(
// LIBRARY: %[[BF16:.*]] = arith.constant 1 : i32
// LIBRARY: call @seqc_cuda_gemm(%{{.*}}, %{{.*}}, %{{.*}}, %[[BF16]])
// TILE-LABEL: func.func @linear
// TILE: memref.alloc() : memref<16x16xf32, #gpu.address_space<workgroup>>
// TILE: scf.forall
// TILE: %[[X:.*]] = memref.load %arg0
// TILE: %[[BITS:.*]] = arith.bitcast %[[X]] : f32 to i32
// TILE: %[[SHIFTED:.*]] = arith.shrui %[[BITS]], %c16_i32
// TILE: %[[KEPT:.*]] = arith.andi %[[SHIFTED]], %c1_i32
// TILE: %[[HALF:.*]] = arith.addi %[[KEPT]], %c32767_i32
// TILE: %[[UP:.*]] = arith.addi %[[BITS]], %[[HALF]]
// TILE: %[[CUT:.*]] = arith.andi %[[UP]], %c-65536_i32
// TILE: %[[R:.*]] = arith.bitcast %[[CUT]] : i32 to f32
// TILE: %[[NAN:.*]] = arith.cmpf uno, %[[X]], %[[X]]
// TILE: %[[XR:.*]] = arith.select %[[NAN]], %[[X]], %[[R]]
// TILE: scf.yield %[[XR]]
// TILE: %[[W:.*]] = memref.load %arg1
// TILE: arith.bitcast %[[W]] : f32 to i32
// TILE: arith.mulf
// SIMULATED-LABEL: func.func private @seqc_cuda_gemm(
// SIMULATED: %[[FLAG:.*]] = arith.cmpi ne, %arg3, %c0_i32
// SIMULATED: scf.for
// SIMULATED: %[[X:.*]] = memref.load %arg0
// SIMULATED: arith.bitcast %[[X]] : f32 to i32
// SIMULATED: %[[W:.*]] = memref.load %arg1
// SIMULATED: arith.bitcast %[[W]] : f32 to i32
// SIMULATED: %[[WR:.*]] = arith.select %[[FLAG]], %{{.*}}, %[[W]]
// SIMULATED: arith.mulf %{{.*}}, %[[WR]]
module attributes {seq.precision = "bf16"} {
  func.func @linear(%x: memref<?x24xf32>, %w: memref<10x24xf32>,
                    %y: memref<?x10xf32>) {
    linalg.contract indexing_maps = [affine_map<(m, n, k) -> (m, k)>,
                                     affine_map<(m, n, k) -> (n, k)>,
                                     affine_map<(m, n, k) -> (m, n)>]
        ins(%x, %w : memref<?x24xf32>, memref<10x24xf32>)
        outs(%y : memref<?x10xf32>)
    return
  }
}

// -----

// TILE-LABEL: func.func @linear_f32
// TILE-NOT: arith.bitcast
// TILE: return
// LIBRARY-LABEL: func.func @linear_f32(
// LIBRARY: %[[F32:.*]] = arith.constant 0 : i32
// LIBRARY: call @seqc_cuda_gemm(%{{.*}}, %{{.*}}, %{{.*}}, %[[F32]])
module {
  func.func @linear_f32(%x: memref<?x24xf32>, %w: memref<10x24xf32>,
                        %y: memref<?x10xf32>) {
    linalg.contract indexing_maps = [affine_map<(m, n, k) -> (m, k)>,
                                     affine_map<(m, n, k) -> (n, k)>,
                                     affine_map<(m, n, k) -> (m, n)>]
        ins(%x, %w : memref<?x24xf32>, memref<10x24xf32>)
        outs(%y : memref<?x10xf32>)
    return
  }
}

// -----

// TILE-LABEL: func.func @marked_f32
// TILE-NOT: arith.bitcast
// TILE: return
// LIBRARY-LABEL: func.func @marked_f32(
// LIBRARY: %[[F32:.*]] = arith.constant 0 : i32
// LIBRARY: call @seqc_cuda_gemm(%{{.*}}, %{{.*}}, %{{.*}}, %[[F32]])
module attributes {seq.precision = "bf16"} {
  func.func @marked_f32(%x: memref<?x24xf32>, %w: memref<10x24xf32>,
                        %y: memref<?x10xf32>) {
    linalg.contract indexing_maps = [affine_map<(m, n, k) -> (m, k)>,
                                     affine_map<(m, n, k) -> (n, k)>,
                                     affine_map<(m, n, k) -> (m, n)>]
        ins(%x, %w : memref<?x24xf32>, memref<10x24xf32>)
        outs(%y : memref<?x10xf32>) {seq.f32_product}
    return
  }
}
