// RUN: seqc-opt %s --seq-cpu-team-regions --split-input-file --verify-diagnostics | FileCheck %s

// A team loop becomes an OpenMP parallel region running its body once per
// thread (the loop's bounds dropped, its index 0), the barrier calls
// omp.barrier; the barrier's declaration goes.
// CHECK-LABEL: func.func @team
// CHECK-NOT: scf.parallel
// CHECK: omp.parallel {
// CHECK:   %[[WHO:.*]] = func.call @omp_get_thread_num()
// CHECK:   scf.for
// CHECK:     memref.store
// CHECK:     omp.barrier
// CHECK:   omp.terminator
// CHECK: }
// CHECK-NOT: seqc_team_barrier
func.func private @omp_get_thread_num() -> i32
func.func private @seqc_team_barrier()
func.func @team(%buf: memref<?xi32>, %n: index, %steps: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  scf.parallel (%i) = (%c0) to (%n) step (%c1) {
    %who = func.call @omp_get_thread_num() : () -> i32
    %at = arith.index_cast %who : i32 to index
    scf.for %t = %c0 to %steps step %c1 {
      memref.store %who, %buf[%at] : memref<?xi32>
      func.call @seqc_team_barrier() : () -> ()
    }
    scf.reduce
  } {seq.team}
  return
}

// -----

// Other parallel loops stay.
// CHECK-LABEL: func.func @other
// CHECK: scf.parallel
// CHECK-NOT: omp.parallel
func.func @other(%buf: memref<?xf32>, %n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %f = arith.constant 1.0 : f32
  scf.parallel (%i) = (%c0) to (%n) step (%c1) {
    memref.store %f, %buf[%i] : memref<?xf32>
    scf.reduce
  }
  return
}

// -----

func.func private @seqc_team_barrier()
func.func @stray() {
  // expected-error @below {{is a team barrier outside a team}}
  func.call @seqc_team_barrier() : () -> ()
  return
}
