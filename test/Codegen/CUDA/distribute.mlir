// RUN: seqc-opt %s --seq-cuda-distribute --split-input-file | FileCheck %s
// RUN: seqc-opt %s --seq-cuda-distribute=threads=64 --split-input-file | FileCheck %s --check-prefix=T64

// A 2-D loop: N = its trip counts' product, ceil(N / 256) blocks, the
// iteration delinearized (the last dim fastest), a static scratch buffer
// on the thread's stack.
// CHECK-LABEL: func.func @two_dims
// CHECK-SAME: (%[[M:.*]]: memref<?x7xf32>)
// CHECK-DAG: %[[C7:.*]] = arith.constant 7 : index
// CHECK: %[[ROWS:.*]] = memref.dim %[[M]]
// CHECK: %[[SPAN:.*]] = arith.subi %[[ROWS]], %{{.*}}
// CHECK: %[[N0:.*]] = arith.ceildivsi %[[SPAN]], %{{.*}}
// CHECK: %[[R0:.*]] = arith.maxsi %[[N0]]
// CHECK: %[[TOTAL0:.*]] = arith.muli %{{.*}}, %[[R0]]
// CHECK: %[[TOTAL:.*]] = arith.muli %[[TOTAL0]], %{{.*}}
// CHECK: %[[BLOCKS:.*]] = arith.ceildivui %[[TOTAL]], %c256
// CHECK: scf.forall (%[[B:.*]]) in (%[[BLOCKS]]) {
// CHECK-NEXT: scf.forall (%[[T:.*]]) in (256) {
// CHECK-NEXT: %[[BASE:.*]] = arith.muli %[[B]], %c256
// CHECK-NEXT: %[[ID:.*]] = arith.addi %[[BASE]], %[[T]]
// CHECK-NEXT: %[[IN:.*]] = arith.cmpi ult, %[[ID]], %[[TOTAL]]
// CHECK-NEXT: scf.if %[[IN]] {
// CHECK: %[[J:.*]] = arith.remui %[[ID]], %{{.*}}
// CHECK: %[[I:.*]] = arith.divui %[[ID]], %{{.*}}
// CHECK: memref.alloca() {alignment = 64 : i64} : memref<4xf32>
// CHECK-NOT: memref.dealloc
// CHECK: memref.store %{{.*}}, %[[M]][%{{.*}}, %{{.*}}]
// CHECK: } {mapping = [#gpu.thread<x>]}
// CHECK-NEXT: } {mapping = [#gpu.block<x>]}
// T64-LABEL: func.func @two_dims
// T64: arith.ceildivui %{{.*}}, %c64
// T64: scf.forall (%{{.*}}) in (64)
func.func @two_dims(%m: memref<?x7xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c7 = arith.constant 7 : index
  %cst = arith.constant 1.0 : f32
  %rows = memref.dim %m, %c0 : memref<?x7xf32>
  scf.parallel (%i, %j) = (%c0, %c0) to (%rows, %c7) step (%c1, %c1) {
    %scratch = memref.alloc() {alignment = 64 : i64} : memref<4xf32>
    memref.store %cst, %scratch[%c0] : memref<4xf32>
    %v = memref.load %scratch[%c0] : memref<4xf32>
    memref.store %v, %m[%i, %j] : memref<?x7xf32>
    memref.dealloc %scratch : memref<4xf32>
    scf.reduce
  }
  return
}

// -----

// A body that allocates a run-time size stays on the host, as loops.
// CHECK-LABEL: func.func @dynamic_scratch
// CHECK-NOT: scf.forall
// CHECK-NOT: scf.parallel
// CHECK: scf.for
// CHECK: memref.alloc(%{{.*}})
func.func @dynamic_scratch(%m: memref<?xf32>, %n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %cst = arith.constant 1.0 : f32
  %rows = memref.dim %m, %c0 : memref<?xf32>
  scf.parallel (%i) = (%c0) to (%rows) step (%c1) {
    %scratch = memref.alloc(%n) : memref<?xf32>
    memref.store %cst, %scratch[%c0] : memref<?xf32>
    %v = memref.load %scratch[%c0] : memref<?xf32>
    memref.store %v, %m[%i] : memref<?xf32>
    memref.dealloc %scratch : memref<?xf32>
    scf.reduce
  }
  return
}
