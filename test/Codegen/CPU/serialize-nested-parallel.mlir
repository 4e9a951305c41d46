// RUN: seqc-opt %s --seq-serialize-nested-parallel | FileCheck %s

// A parallel loop inside another becomes a nest of sequential loops over
// the same bounds, its body moved in; the outer loop, and a parallel loop
// nested in none, stay parallel.
// CHECK-LABEL: func.func @nested
// CHECK: scf.parallel (%[[C:.+]]) = (%c0) to (%[[N:.+]]) step (%c1)
// CHECK:   scf.for %[[I:.+]] = %c0 to %[[M:.+]] step %c1
// CHECK:     scf.for %[[J:.+]] = %c0 to %c5 step %c1
// CHECK:       memref.store %{{.+}}, %{{.+}}[%[[C]], %[[I]], %[[J]]]
// CHECK-NOT: scf.parallel
// CHECK: scf.parallel (%{{.+}}) = (%c0) to (%[[N]]) step (%c1)
func.func @nested(%buf: memref<?x?x5xf32>, %n: index, %m: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c5 = arith.constant 5 : index
  %f = arith.constant 1.0 : f32
  scf.parallel (%c) = (%c0) to (%n) step (%c1) {
    scf.parallel (%i, %j) = (%c0, %c0) to (%m, %c5) step (%c1, %c1) {
      memref.store %f, %buf[%c, %i, %j] : memref<?x?x5xf32>
      scf.reduce
    }
    scf.reduce
  }
  scf.parallel (%c) = (%c0) to (%n) step (%c1) {
    memref.store %f, %buf[%c, %c0, %c0] : memref<?x?x5xf32>
    scf.reduce
  }
  return
}
