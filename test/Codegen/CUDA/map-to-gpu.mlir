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
