// RUN: seqc-opt %s --seq-cuda-warp-mma --canonicalize --split-input-file --verify-diagnostics | FileCheck %s --enable-var-scope
// RUN: seqc-opt %s --seq-cuda-warp-mma=emulate=true --split-input-file --verify-diagnostics | FileCheck %s --check-prefix=EMULATE
// RUN: seqc-opt %s --seq-cuda-warp-mma --seq-cuda-map-to-gpu --split-input-file --verify-diagnostics | FileCheck %s --check-prefix=GPU

// A warp's tile product (seq-cuda-warp-mma): C[32, 16] += A[32, 64] B[64, 16]
// in bf16 with f32 accumulation, as mma.sync.m16n8k16 per 16 x 8 tile of C
// (2 x 2 of them) and 16 deep step (4, C carried in registers): each lane
// loads its four C elements (rows g, g + 8 = lane / 4 (+ 8), columns
// 2 (lane % 4) (+ 1)), A's and B's bf16 pairs packed into i32s (the
// second shifted into the high half), and stores D's four elements.
// CHECK-LABEL: func.func @tile_product
// CHECK: scf.forall (%{{.*}}) in (2) {
// CHECK:   %[[LANE:.*]] = gpu.lane_id
// CHECK:   %[[G:.*]] = arith.divui %[[LANE]], %c4
// CHECK:   %[[T:.*]] = arith.remui %[[LANE]], %c4
// CHECK:   %[[T2:.*]] = arith.muli %[[T]], %c2
// CHECK:   scf.for %[[M0:.*]] = %c0 to %c32 step %c16
// CHECK:     scf.for %[[N0:.*]] = %c0 to %c16 step %c8
// CHECK:       %[[ROW:.*]] = arith.addi %[[M0]], %[[G]]
// CHECK:       %[[COL:.*]] = arith.addi %[[N0]], %[[T2]]
// CHECK-COUNT-4: memref.load %{{.*}} : memref<32x16xf32, #gpu.address_space<workgroup>>
// CHECK:       %[[D:.*]]:4 = scf.for %{{.*}} = %c0 to %c64 step %c16 iter_args(
// CHECK-COUNT-6: arith.shli %{{.*}}, %c16_i32 : i32
// CHECK:         %[[MMA:.*]] = nvvm.mma.sync A[%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}]  B[%{{.*}}, %{{.*}}]  C[%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}]  {layoutA = #nvvm.mma_layout<row>, layoutB = #nvvm.mma_layout<col>, multiplicandAPtxType = #nvvm.mma_type<bf16>, multiplicandBPtxType = #nvvm.mma_type<bf16>, shape = #nvvm.shape<m = 16, n = 8, k = 16>} : (i32, i32, f32) -> !llvm.struct<(f32, f32, f32, f32)>
// CHECK-COUNT-4: llvm.extractvalue %[[MMA]]
// CHECK:       memref.store %[[D]]#0, %{{.*}}[%[[ROW]], %[[COL]]]
// CHECK-NOT: linalg.matmul
// CHECK: } {mapping = [#gpu.warp<x>]}
// The CPU simulation's form: loops, one run per warp.
// EMULATE-LABEL: func.func @tile_product
// EMULATE-NOT: nvvm
// EMULATE: scf.forall (%{{.*}}) in (2) {
// EMULATE:   scf.for
// EMULATE:     scf.for
// EMULATE:       scf.for
// EMULATE:         arith.extf %{{.*}} : bf16 to f32
// EMULATE:         arith.extf %{{.*}} : bf16 to f32
// EMULATE:         arith.mulf
// EMULATE:         arith.addf
// EMULATE: } {mapping = [#gpu.warp<x>]}
// Mapped: a block of 64 threads (the thread loop's 16 grow to two warps),
// the warp loop's id the thread's / 32; the thread loop guarded.
// GPU-LABEL: func.func @tile_product
// GPU: gpu.launch blocks({{.*}}) threads(%[[TX:.*]], %{{.*}}, %{{.*}}) in (%{{.*}} = %c64{{.*}}, %{{.*}} = %c1{{.*}}, %{{.*}} = %c1{{.*}})
// GPU:   arith.cmpi ult, %[[TX]], %c16
// GPU:   gpu.barrier
// GPU:   %[[WARP:.*]] = arith.divui %[[TX]], %c32
// GPU:   gpu.lane_id
// GPU:   nvvm.mma.sync
// GPU:   gpu.terminator
func.func @tile_product(%n: index) {
  scf.forall (%blk) in (%n) {
    %a = memref.alloca() : memref<2x32x64xbf16, #gpu.address_space<workgroup>>
    %b = memref.alloca() : memref<64x16xbf16, #gpu.address_space<workgroup>>
    %c = memref.alloca() : memref<32x16xf32, #gpu.address_space<workgroup>>
    scf.forall (%tx) in (16) {
      %z = arith.constant 0.0 : f32
      %i0 = arith.constant 0 : index
      memref.store %z, %c[%tx, %i0] : memref<32x16xf32, #gpu.address_space<workgroup>>
    } {mapping = [#gpu.thread<x>]}
    scf.forall (%w) in (2) {
      %aw = memref.subview %a[%w, 0, 0] [1, 32, 64] [1, 1, 1] : memref<2x32x64xbf16, #gpu.address_space<workgroup>> to memref<32x64xbf16, strided<[64, 1], offset: ?>, #gpu.address_space<workgroup>>
      linalg.matmul ins(%aw, %b : memref<32x64xbf16, strided<[64, 1], offset: ?>, #gpu.address_space<workgroup>>, memref<64x16xbf16, #gpu.address_space<workgroup>>) outs(%c : memref<32x16xf32, #gpu.address_space<workgroup>>)
    } {mapping = [#gpu.warp<x>]}
  } {mapping = [#gpu.block<x>]}
  return
}

// -----

// Only bf16 tiles of whole instructions: f32 operands, or a C of 12
// columns, are errors.
func.func @f32_product(%a: memref<16x16xf32>, %b: memref<16x8xf32>, %c: memref<16x8xf32>) {
  scf.forall (%w) in (1) {
    // expected-error @+1 {{in a warp loop is not bf16 x bf16 into f32}}
    linalg.matmul ins(%a, %b : memref<16x16xf32>, memref<16x8xf32>) outs(%c : memref<16x8xf32>)
  } {mapping = [#gpu.warp<x>]}
  return
}

// -----

func.func @ragged(%a: memref<16x16xbf16>, %b: memref<16x12xbf16>, %c: memref<16x12xf32>) {
  scf.forall (%w) in (1) {
    // expected-error @+1 {{in a warp loop is not made of 16 x 8 x 16 tiles}}
    linalg.matmul ins(%a, %b : memref<16x16xbf16>, memref<16x12xbf16>) outs(%c : memref<16x12xf32>)
  } {mapping = [#gpu.warp<x>]}
  return
}
