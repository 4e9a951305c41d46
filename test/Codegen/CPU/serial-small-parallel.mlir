// RUN: seqc-opt %s --seq-cpu-serial-small-parallel | FileCheck %s
// RUN: seqc-opt %s '--seq-cpu-serial-small-parallel=threshold=100' | FileCheck %s --check-prefix=LOW
// RUN: seqc-opt %s --seq-cpu-serial-small-parallel --convert-scf-to-openmp | FileCheck %s --check-prefix=OMP

// Each parallel loop runs on the team only when its work, estimated at run
// time before it, reaches the threshold (32768 units): iterations times
// one iteration's units, an inner loop counting its trips times its
// body's; else its serial copy runs. Here n rows of a 64-step loop whose
// body is 4 ops (load, mulf, store, yield).
// CHECK-LABEL: func.func @rows
// CHECK: %[[ROWS:.*]] = arith.ceildivsi %{{.*}}, %{{.*}} : index
// CHECK: %[[ITERATIONS:.*]] = arith.muli %{{.*}}, %[[ROWS]]
// CHECK: %[[STEPS:.*]] = arith.ceildivsi
// CHECK: arith.muli %[[STEPS]], %c4
// CHECK: %[[WORK:.*]] = arith.muli %[[ITERATIONS]], %{{.*}}
// CHECK: %[[BIG:.*]] = arith.cmpi sge, %[[WORK]], %c32768
// CHECK: scf.if %[[BIG]] {
// CHECK-NEXT: scf.parallel (%[[I:.*]]) = (%c0) to (%{{.*}}) step (%c1) {
// CHECK: } else {
// CHECK-NEXT: scf.for %[[S:.*]] = %c0 to %{{.*}} step %c1 {
// CHECK-NEXT: scf.for %{{.*}} = %c0 to %c64 step %c1 {
// CHECK-NEXT: memref.load %{{.*}}[%[[S]], %{{.*}}]
// The team's loop becomes the OpenMP region; the copy stays plain loops.
// OMP-LABEL: func.func @rows
// OMP: scf.if %{{.*}} {
// OMP: omp.parallel {
// OMP: } else {
// OMP-NEXT: scf.for
// LOW-LABEL: func.func @rows
// LOW: arith.cmpi sge, %{{.*}}, %c100
// LOW: scf.if
func.func @rows(%m: memref<?x64xf32>, %n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  scf.parallel (%i) = (%c0) to (%n) step (%c1) {
    scf.for %j = %c0 to %c64 step %c1 {
      %v = memref.load %m[%i, %j] : memref<?x64xf32>
      %w = arith.mulf %v, %v : f32
      memref.store %w, %m[%i, %j] : memref<?x64xf32>
    }
    scf.reduce
  }
  return
}

// A block of rows: the inner loop's bounds come from the induction variable
// (rows [8i, min(8i + 8, n))). They are computed before the region at its
// first iteration: the min is copied out, the induction variable replaced
// by the lower bound.
// CHECK-LABEL: func.func @blocks
// CHECK: %[[FIRST:.*]] = arith.muli %c0, %c8
// CHECK: %[[END:.*]] = arith.addi %[[FIRST]], %c8
// CHECK: arith.minsi %[[END]], %{{.*}}
// CHECK: scf.if
// CHECK: scf.parallel
// CHECK: arith.minsi
func.func @blocks(%m: memref<?xf32>, %n: index, %blocks: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  scf.parallel (%b) = (%c0) to (%blocks) step (%c1) {
    %first = arith.muli %b, %c8 : index
    %end = arith.addi %first, %c8 : index
    %last = arith.minsi %end, %n : index
    scf.for %r = %first to %last step %c1 {
      %v = memref.load %m[%r] : memref<?xf32>
      %w = arith.addf %v, %v : f32
      memref.store %w, %m[%r] : memref<?xf32>
    }
    scf.reduce
  }
  return
}

// A loop whose bound is read from memory inside the region counts 4096
// trips: only work known to be small runs serially.
// CHECK-LABEL: func.func @unknown
// CHECK: %[[UNKNOWN:.*]] = arith.muli %c4096, %{{.*}}
// CHECK: scf.if
func.func @unknown(%m: memref<?xf32>, %bounds: memref<?xindex>, %n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  scf.parallel (%i) = (%c0) to (%n) step (%c1) {
    %ub = memref.load %bounds[%i] : memref<?xindex>
    scf.for %r = %c0 to %ub step %c1 {
      %v = memref.load %m[%r] : memref<?xf32>
      memref.store %v, %m[%i] : memref<?xf32>
    }
    scf.reduce
  }
  return
}
