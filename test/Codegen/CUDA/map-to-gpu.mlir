// RUN: seqc-opt %s --seq-cuda-map-to-gpu | FileCheck %s

// The block and thread loops as one launch, skipped for an empty grid.
// CHECK-LABEL: func.func @launch
// CHECK-SAME: (%[[M:.*]]: memref<?xf32>, %[[BLOCKS:.*]]: index)
// CHECK: %[[ANY:.*]] = arith.cmpi ugt, %[[BLOCKS]], %c0
// CHECK: scf.if %[[ANY]] {
// CHECK: gpu.launch blocks(%[[BX:.*]], %{{.*}}, %{{.*}}) in (%{{.*}} = %[[BLOCKS]], %{{.*}} = %[[ONE:.*]], %{{.*}} = %[[ONE]]) threads(%[[TX:.*]], %{{.*}}, %{{.*}}) in (%{{.*}} = %c128{{.*}}, %{{.*}} = %[[ONE]], %{{.*}} = %[[ONE]]) {
// CHECK: %[[BASE:.*]] = arith.muli %[[BX]], %c128
// CHECK: %[[ID:.*]] = arith.addi %[[BASE]], %[[TX]]
// CHECK: memref.store %{{.*}}, %[[M]][%[[ID]]]
// CHECK: gpu.terminator
// CHECK-NOT: scf.forall
func.func @launch(%m: memref<?xf32>, %blocks: index) {
  %c128 = arith.constant 128 : index
  %cst = arith.constant 1.0 : f32
  scf.forall (%b) in (%blocks) {
    scf.forall (%t) in (128) {
      %base = arith.muli %b, %c128 : index
      %id = arith.addi %base, %t : index
      memref.store %cst, %m[%id] : memref<?xf32>
    } {mapping = [#gpu.thread<x>]}
  } {mapping = [#gpu.block<x>]}
  return
}

// Thread loops of different sizes in one block: the block is the largest,
// the smaller one's body guarded, a barrier between them.
// CHECK-LABEL: func.func @two_loops
// CHECK: gpu.launch blocks({{.*}}) threads(%[[TX:.*]], %[[TY:.*]], %{{.*}}) in (%{{.*}} = %c64{{.*}}, %{{.*}} = %c2{{.*}}, %{{.*}} = %c1{{.*}}) {
// CHECK: %[[IN:.*]] = arith.cmpi ult, %[[TX]], %c32
// CHECK: scf.if %[[IN]] {
// CHECK: memref.store %{{.*}}, %{{.*}}[%[[TX]]]
// CHECK: }
// CHECK-NEXT: gpu.barrier
// CHECK: memref.store %{{.*}}, %{{.*}}[%[[TY]], %[[TX]]]
// CHECK-NEXT: gpu.terminator
func.func @two_loops(%m: memref<?xf32>, %n: memref<?x?xf32>, %blocks: index) {
  %cst = arith.constant 1.0 : f32
  scf.forall (%b) in (%blocks) {
    scf.forall (%t) in (32) {
      memref.store %cst, %m[%t] : memref<?xf32>
    } {mapping = [#gpu.thread<x>]}
    scf.forall (%tx, %ty) in (64, 2) {
      memref.store %cst, %n[%ty, %tx] : memref<?x?xf32>
    } {mapping = [#gpu.thread<x>, #gpu.thread<y>]}
  } {mapping = [#gpu.block<x>]}
  return
}

// A warp loop in a block of 8 x 16 threads: the thread's warp is its
// linear id (x + 8 y) / 32, four warps of 32 lanes; two of them run a
// loop over 2 warps (guarded), then a barrier.
// CHECK-LABEL: func.func @warps
// CHECK: gpu.launch blocks({{.*}}) threads(%[[TX:.*]], %[[TY:.*]], %{{.*}}) in (%{{.*}} = %c8{{.*}}, %{{.*}} = %c16{{.*}}, %{{.*}} = %c1{{.*}})
// CHECK:   gpu.barrier
// CHECK:   %[[YS:.*]] = arith.muli %[[TY]], %c8
// CHECK:   %[[LINEAR:.*]] = arith.addi %[[TX]], %[[YS]]
// CHECK:   %[[WARP:.*]] = arith.divui %[[LINEAR]], %c32
// CHECK:   %[[IN:.*]] = arith.cmpi ult, %[[WARP]], %c2
// CHECK:   scf.if %[[IN]] {
// CHECK:     memref.store %{{.*}}, %{{.*}}[%[[WARP]]]
// CHECK:   gpu.terminator
func.func @warps(%m: memref<?xf32>, %blocks: index) {
  %cst = arith.constant 1.0 : f32
  scf.forall (%b) in (%blocks) {
    scf.forall (%x, %y) in (8, 16) {
      memref.store %cst, %m[%x] : memref<?xf32>
    } {mapping = [#gpu.thread<x>, #gpu.thread<y>]}
    scf.forall (%w) in (2) {
      memref.store %cst, %m[%w] : memref<?xf32>
    } {mapping = [#gpu.warp<x>]}
  } {mapping = [#gpu.block<x>]}
  return
}
