// Elementwise linalg ops on buffers become loops over vectors of 16 lanes
// along the last dim; the others stay for convert-linalg-to-parallel-loops.
// RUN: seqc-opt %s --seq-vectorize-elementwise --split-input-file | FileCheck %s

#id = affine_map<(d0, d1) -> (d0, d1)>
#col = affine_map<(d0, d1) -> (d1)>
#row = affine_map<(d0, d1) -> (d0)>

// silu(g) ⊙ u · w[col] + r[row]: g, u and w run along the last dim (masked
// loads), r does not (one scalar load per row, broadcast); the body on
// vector<16xf32>; a masked store.
// CHECK-LABEL: func.func @gate(
// CHECK-SAME:    %[[G:[^:]+]]: memref<?x?xf32>, %[[U:[^:]+]]: memref<?x?xf32>, %[[W:[^:]+]]: memref<?xf32>, %[[R:[^:]+]]: memref<?xf32>, %[[O:[^:]+]]: memref<?x?xf32>
// CHECK-NOT:     linalg.generic
// CHECK:         scf.parallel (%[[I:.+]]) =
// CHECK:           scf.for %[[J:.+]] = %{{.+}} to %{{.+}} step %c16
// CHECK:             %[[MASK:.+]] = vector.create_mask %{{.+}} : vector<16xi1>
// CHECK:             vector.maskedload %[[G]][%[[I]], %[[J]]], %[[MASK]]
// CHECK:             vector.maskedload %[[U]][%[[I]], %[[J]]], %[[MASK]]
// CHECK:             vector.maskedload %[[W]][%[[J]]], %[[MASK]]
// CHECK:             %[[RS:.+]] = memref.load %[[R]][%[[I]]] : memref<?xf32>
// CHECK:             vector.broadcast %[[RS]] : f32 to vector<16xf32>
// CHECK:             math.exp %{{.+}} : vector<16xf32>
// CHECK:             arith.divf %{{.+}} : vector<16xf32>
// CHECK:             vector.maskedstore %[[O]][%[[I]], %[[J]]], %[[MASK]]
// CHECK-NOT:     linalg.generic
func.func @gate(%g: memref<?x?xf32>, %u: memref<?x?xf32>, %w: memref<?xf32>, %r: memref<?xf32>, %o: memref<?x?xf32>) {
  linalg.generic {indexing_maps = [#id, #id, #col, #row, #id], iterator_types = ["parallel", "parallel"]}
      ins(%g, %u, %w, %r : memref<?x?xf32>, memref<?x?xf32>, memref<?xf32>, memref<?xf32>) outs(%o : memref<?x?xf32>) {
  ^bb0(%a: f32, %b: f32, %c: f32, %d: f32, %out: f32):
    %one = arith.constant 1.0 : f32
    %n = arith.negf %a : f32
    %e = math.exp %n : f32
    %den = arith.addf %one, %e : f32
    %s = arith.divf %a, %den : f32
    %m = arith.mulf %s, %b : f32
    %x = arith.mulf %m, %c : f32
    %y = arith.addf %x, %d : f32
    linalg.yield %y : f32
  }
  return
}

// -----

// A copy between strided buffers whose last dim has unit stride; a fill
// from a scalar broadcast; a 1-D op is a parallel loop over vectors.
// CHECK-LABEL: func.func @copy_fill(
// CHECK:         scf.parallel
// CHECK:           scf.for {{.*}} step %c16
// CHECK:             vector.maskedload %{{.+}} : memref<?x?xf32, strided<[?, 1], offset: ?>>
// CHECK:             vector.maskedstore %{{.+}} : memref<?x?xf32, strided<[?, 1], offset: ?>>
// CHECK:         %[[V:.+]] = arith.ceildivui %{{.+}}, %c16
// CHECK:         scf.parallel (%{{.+}}) = (%{{.+}}) to (%[[V]])
// CHECK:           vector.broadcast %{{.+}} : f32 to vector<16xf32>
// CHECK:           vector.maskedstore %{{.+}} : memref<?xf32>
// CHECK-NOT:     linalg.
func.func @copy_fill(%a: memref<?x?xf32, strided<[?, 1], offset: ?>>, %b: memref<?x?xf32, strided<[?, 1], offset: ?>>, %c: memref<?xf32>, %v: f32) {
  linalg.copy ins(%a : memref<?x?xf32, strided<[?, 1], offset: ?>>) outs(%b : memref<?x?xf32, strided<[?, 1], offset: ?>>)
  linalg.fill ins(%v : f32) outs(%c : memref<?xf32>)
  return
}

// -----

#id = affine_map<(d0, d1) -> (d0, d1)>
#t = affine_map<(d0, d1) -> (d1, d0)>
#row = affine_map<(d0, d1) -> (d0)>

// Left to the scalar loops: a reduction; a body that reads its indices; a
// transposed input; a last dim of 4 (most lanes would idle); integer
// division (a masked-off lane would divide by zero); a last dim with a
// non-unit stride; a buffer of i1 (bytes in memory, bits in a vector).
// CHECK-LABEL: func.func @left_alone(
// CHECK-NOT:     vector.
// CHECK-COUNT-7: linalg.generic
// CHECK-NOT:     vector.
func.func @left_alone(%a: memref<?x?xf32>, %s: memref<?xf32>, %o: memref<?x?xf32>, %small: memref<?x4xf32>, %i: memref<?x?xi32>, %strided: memref<?x?xf32, strided<[1, ?]>>, %flags: memref<?x?xi1>) {
  linalg.generic {indexing_maps = [#id, #row], iterator_types = ["parallel", "reduction"]}
      ins(%a : memref<?x?xf32>) outs(%s : memref<?xf32>) {
  ^bb0(%x: f32, %acc: f32):
    %y = arith.addf %x, %acc : f32
    linalg.yield %y : f32
  }
  linalg.generic {indexing_maps = [#id], iterator_types = ["parallel", "parallel"]} outs(%o : memref<?x?xf32>) {
  ^bb0(%out: f32):
    %j = linalg.index 1 : index
    %ji = arith.index_cast %j : index to i32
    %f = arith.sitofp %ji : i32 to f32
    linalg.yield %f : f32
  }
  linalg.generic {indexing_maps = [#t, #id], iterator_types = ["parallel", "parallel"]}
      ins(%a : memref<?x?xf32>) outs(%o : memref<?x?xf32>) {
  ^bb0(%x: f32, %out: f32):
    linalg.yield %x : f32
  }
  linalg.generic {indexing_maps = [#id], iterator_types = ["parallel", "parallel"]} outs(%small : memref<?x4xf32>) {
  ^bb0(%out: f32):
    %y = arith.addf %out, %out : f32
    linalg.yield %y : f32
  }
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%i : memref<?x?xi32>) outs(%i : memref<?x?xi32>) {
  ^bb0(%x: i32, %out: i32):
    %y = arith.divsi %out, %x : i32
    linalg.yield %y : i32
  }
  linalg.generic {indexing_maps = [#id], iterator_types = ["parallel", "parallel"]} outs(%strided : memref<?x?xf32, strided<[1, ?]>>) {
  ^bb0(%out: f32):
    %y = arith.addf %out, %out : f32
    linalg.yield %y : f32
  }
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%a : memref<?x?xf32>) outs(%flags : memref<?x?xi1>) {
  ^bb0(%x: f32, %out: i1):
    %zero = arith.constant 0.0 : f32
    %y = arith.cmpf ogt, %x, %zero : f32
    linalg.yield %y : i1
  }
  return
}

// -----

#id = affine_map<(d0, d1) -> (d0, d1)>
#right = affine_map<(d0, d1) -> (d0, d1 + 32)>

// Two column ranges of one fused projection: the index along the last dim
// shifted by a constant (j + 32) is still a vector.
// CHECK-LABEL: func.func @columns(
// CHECK-SAME:    %[[F:[^:]+]]: memref<?x64xf32>
// CHECK:         scf.for %[[J:.+]] = %{{.+}} to %{{.+}} step %c16
// CHECK:           vector.maskedload %[[F]][%{{.+}}, %[[J]]]
// CHECK:           %[[J32:.+]] = arith.addi %[[J]], %c32
// CHECK:           vector.maskedload %[[F]][%{{.+}}, %[[J32]]]
// CHECK:           arith.mulf %{{.+}} : vector<16xf32>
func.func @columns(%f: memref<?x64xf32>, %o: memref<?x32xf32>) {
  linalg.generic {indexing_maps = [#id, #right, #id], iterator_types = ["parallel", "parallel"]}
      ins(%f, %f : memref<?x64xf32>, memref<?x64xf32>) outs(%o : memref<?x32xf32>) {
  ^bb0(%a: f32, %b: f32, %out: f32):
    %y = arith.mulf %a, %b : f32
    linalg.yield %y : f32
  }
  return
}
