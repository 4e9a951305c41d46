// RUN: seqc-opt %s --seq-cuda-tile-linear | FileCheck %s --check-prefix=LIBRARY
// RUN: seqc-opt %s '--seq-cuda-tile-linear=library=false' | FileCheck %s --check-prefix=TILE
// RUN: seqc-opt %s '--seq-cuda-tile-linear=library=false' | FileCheck %s --check-prefix=NOLIB
// RUN: seqc-opt %s --seq-cuda-tile-linear --seq-cuda-map-to-gpu | FileCheck %s --check-prefix=LAUNCH
// RUN: seqc-opt %s '--seq-cuda-tile-linear=tile=8' | FileCheck %s --check-prefix=EIGHT
// RUN: not seqc-opt %s '--seq-cuda-tile-linear=tile=33' 2>&1 | FileCheck %s --check-prefix=BAD

// A projection y[b, t, n] += x[b, t, k] w[n, k] (seqc's linear form) as
// output tiles: rows (b, t flattened) on blocks x, columns on blocks y; x's
// and w's k-tiles staged in workgroup memory (w's padded by a column:
// it is read down its columns), then multiplied; the sums added to y
// inside its edges.
#x = affine_map<(b, t, n, k) -> (b, t, k)>
#w = affine_map<(b, t, n, k) -> (n, k)>
#y = affine_map<(b, t, n, k) -> (b, t, n)>
func.func @linear(%x: memref<?x?x24xf32>, %w: memref<10x24xf32>,
                  %y: memref<?x?x10xf32>) {
  linalg.contract indexing_maps = [#x, #w, #y]
      ins(%x, %w : memref<?x?x24xf32>, memref<10x24xf32>)
      outs(%y : memref<?x?x10xf32>)
  return
}
// First the library (cuBLASLt at run time) on 2-D views, x and y's rows
// flattened, where the buffers are matrices (unit last stride, rows
// contiguous); the tiles where they are not or the call declines.
// LIBRARY-LABEL: func.func @linear
// LIBRARY: %{{.*}}, %{{.*}}, %[[XS:.*]]:3, %[[XT:.*]]:3 = memref.extract_strided_metadata %arg0
// LIBRARY: %[[UNIT:.*]] = arith.cmpi eq, %[[XT]]#2, %c1
// LIBRARY: %[[ROWSTRIDE:.*]] = arith.muli %[[XT]]#1, %[[XS]]#1
// LIBRARY: arith.cmpi eq, %[[XT]]#0, %[[ROWSTRIDE]]
// LIBRARY: %[[X:.*]] = memref.reinterpret_cast %{{.*}} to offset: [%{{.*}}], sizes: [%{{.*}}, %[[XS]]#2], strides: [%[[XT]]#1, 1] : memref<f32> to memref<?x?xf32, strided<[?, 1], offset: ?>>
// LIBRARY: %[[W:.*]] = memref.reinterpret_cast
// LIBRARY: %[[Y:.*]] = memref.reinterpret_cast
// LIBRARY: %[[TILES:.*]] = scf.if %{{.*}} -> (i1) {
// LIBRARY-NEXT: %[[F32:.*]] = arith.constant 0 : i32
// LIBRARY-NEXT: %[[S:.*]] = func.call @seqc_cuda_gemm(%[[X]], %[[W]], %[[Y]], %[[F32]])
// LIBRARY: arith.cmpi ne, %[[S]], %c0_i32
// LIBRARY: } else {
// LIBRARY-NEXT: %true = arith.constant true
// LIBRARY: scf.if %[[TILES]] {
// LIBRARY: scf.forall
// LIBRARY: } {mapping = [#gpu.block<x>, #gpu.block<y>]}
// LIBRARY-NEXT: }
// LIBRARY-NEXT: return
// LIBRARY: func.func private @seqc_cuda_gemm(memref<?x?xf32, strided<[?, 1], offset: ?>>, memref<?x?xf32, strided<[?, 1], offset: ?>>, memref<?x?xf32, strided<[?, 1], offset: ?>>, i32) -> i32
// NOLIB-NOT: seqc_cuda_gemm

// TILE-LABEL: func.func @linear
// TILE-NOT: linalg.contract
// TILE: scf.forall (%[[BM:.*]], %[[BN:.*]]) in (%{{.*}}, %{{.*}}) {
// TILE: %[[XS:.*]] = memref.alloc() : memref<16x16xf32, #gpu.address_space<workgroup>>
// TILE: %[[WS:.*]] = memref.alloc() : memref<16x17xf32, #gpu.address_space<workgroup>>
// TILE: %[[ACC:.*]] = memref.alloc() : memref<16x16xf32, #gpu.address_space<workgroup>>
// TILE: scf.forall (%{{.*}}, %{{.*}}) in (16, 16) {
// TILE: memref.store %{{.*}}, %[[ACC]]
// TILE: } {mapping = [#gpu.thread<x>, #gpu.thread<y>]}
// TILE: scf.for %[[KT:.*]] = %{{.*}} to %{{.*}} step %{{.*}} {
// Staging: zeros past the edges.
// TILE: scf.forall (%[[TN:.*]], %[[TM:.*]]) in (16, 16) {
// TILE: %[[XV:.*]] = scf.if %{{.*}} -> (f32) {
// TILE: memref.load %{{.*}} : memref<?x?x24xf32>
// TILE: } else {
// TILE: scf.yield %cst
// TILE: memref.store %[[XV]], %[[XS]][%[[TM]], %[[TN]]]
// TILE: %[[WV:.*]] = scf.if %{{.*}} -> (f32) {
// TILE: memref.load %{{.*}} : memref<10x24xf32>
// TILE: memref.store %[[WV]], %[[WS]][%[[TM]], %[[TN]]]
// TILE: } {mapping = [#gpu.thread<x>, #gpu.thread<y>]}
// The product of the staged tiles.
// TILE: scf.forall (%[[TN2:.*]], %[[TM2:.*]]) in (16, 16) {
// TILE: scf.for %[[KK:.*]] = %{{.*}} to %c16 step %{{.*}} iter_args
// TILE: memref.load %[[XS]][%[[TM2]], %[[KK]]]
// TILE: memref.load %[[WS]][%[[TN2]], %[[KK]]]
// TILE: arith.mulf
// TILE: arith.addf
// TILE: memref.store %{{.*}}, %[[ACC]][%[[TM2]], %[[TN2]]]
// TILE: } {mapping = [#gpu.thread<x>, #gpu.thread<y>]}
// TILE: }
// The epilogue.
// TILE: scf.forall
// TILE: scf.if
// TILE: memref.load %{{.*}} : memref<?x?x10xf32>
// TILE: memref.store %{{.*}} : memref<?x?x10xf32>
// TILE: } {mapping = [#gpu.thread<x>, #gpu.thread<y>]}
// TILE: memref.dealloc %[[XS]]
// TILE: } {mapping = [#gpu.block<x>, #gpu.block<y>]}

// Mapped: one launch of 16 x 16 threads, the buffers its workgroup
// attributions, a barrier after each thread loop but the last.
// LAUNCH-LABEL: func.func @linear
// LAUNCH: gpu.launch blocks(%{{.*}}, %{{.*}}, %{{.*}}) in (%{{.*}} = %{{.*}}, %{{.*}} = %{{.*}}, %{{.*}} = %c1{{.*}}) threads(%{{.*}}, %{{.*}}, %{{.*}}) in (%{{.*}} = %c16{{.*}}, %{{.*}} = %c16{{.*}}, %{{.*}} = %c1{{.*}}) workgroup(%[[XS:.*]] : memref<16x16xf32, #gpu.address_space<workgroup>>, %[[WS:.*]] : memref<16x17xf32, #gpu.address_space<workgroup>>, %[[ACC:.*]] : memref<16x16xf32, #gpu.address_space<workgroup>>) {
// LAUNCH: memref.store %{{.*}}, %[[ACC]]
// LAUNCH-NEXT: gpu.barrier
// LAUNCH: scf.for
// LAUNCH: memref.store %{{.*}}, %[[WS]]
// LAUNCH-NEXT: gpu.barrier
// LAUNCH: memref.store %{{.*}}, %[[ACC]]
// LAUNCH-NEXT: gpu.barrier
// LAUNCH-NEXT: }
// LAUNCH: memref.store %{{.*}} : memref<?x?x10xf32>
// LAUNCH-NOT: gpu.barrier
// LAUNCH: gpu.terminator
// LAUNCH-NOT: memref.alloc
// LAUNCH-NOT: memref.dealloc
// LAUNCH-NOT: scf.forall

// A contraction that is not a projection (here a batched product) is left.
#a = affine_map<(b, m, n, k) -> (b, m, k)>
#bm = affine_map<(b, m, n, k) -> (b, k, n)>
#c = affine_map<(b, m, n, k) -> (b, m, n)>
func.func @batched(%a: memref<2x3x4xf32>, %b: memref<2x4x5xf32>,
                   %c: memref<2x3x5xf32>) {
  linalg.contract indexing_maps = [#a, #bm, #c]
      ins(%a, %b : memref<2x3x4xf32>, memref<2x4x5xf32>)
      outs(%c : memref<2x3x5xf32>)
  return
}
// TILE-LABEL: func.func @batched
// TILE: linalg.contract

// EIGHT: memref.alloc() : memref<8x8xf32, #gpu.address_space<workgroup>>
// EIGHT: scf.forall (%{{.*}}, %{{.*}}) in (8, 8)
// BAD: seq-cuda-tile-linear: tile must be in 1..32
