// gla_core on CPU, both forms (seq-chunk-gla chooses; see
// test/Transforms/seq-chunk-gla.mlir).
// RUN: seqc-opt %s --convert-seq-to-linalg --split-input-file | FileCheck %s

// Recurrent (no seq.chunk): the decays e^g once for all steps, then a
// parallel loop over (batch, head, blocks of 16 value columns), each
// walking time with its state rows in a scratch buffer it owns.
// CHECK-LABEL: func.func @recurrent
// CHECK:         %[[STATE:.+]] = memref.alloc(%{{.+}}) : memref<?x2x1x4x16xf32>
// CHECK:         %[[DECAY:.+]] = memref.alloc(%{{.+}}, %{{.+}}) : memref<?x?x8xf32>
// CHECK:         scf.parallel (%{{.+}}, %{{.+}}) =
// CHECK:           math.exp %{{.+}} : vector<8xf32>
// CHECK:         scf.parallel (%{{.+}}, %{{.+}}, %{{.+}}) =
// CHECK:           scf.for
// CHECK:             scf.for {{.*}} -> (vector<16xf32>)
// CHECK:               memref.load %[[DECAY]]
// CHECK:               vector.fma
// CHECK:               vector.store %{{.+}}, %[[STATE]][
// CHECK:               vector.fma
// CHECK:             vector.maskedstore
// CHECK-NOT:     scf.if
func.func @recurrent(%q: tensor<?x?x8xf32>, %v: tensor<?x?x6xf32>) -> (tensor<?x?x6xf32>, tensor<?x2x4x3xf32>) {
  %o, %s = seq.gla_core %q, %q, %v, %q {heads = 2 : i64, scale = 0.5 : f64} : (tensor<?x?x8xf32>, tensor<?x?x8xf32>, tensor<?x?x6xf32>, tensor<?x?x8xf32>) -> (tensor<?x?x6xf32>, tensor<?x2x4x3xf32>)
  return %o, %s : tensor<?x?x6xf32>, tensor<?x2x4x3xf32>
}

// -----

// Chunkwise, chunks of 8 and sub-chunks of 4, when T ≥ 8; below (decode),
// the recurrent form.
// CHECK-LABEL: func.func @chunked
// CHECK:         %[[FULL:.+]] = arith.cmpi uge, %{{.+}}, %c8
// CHECK:         scf.if %[[FULL]] {
// Phase 1, per (batch, head, chunk): cumulative log gates, q̃ and k̂, the
// chunk's decay, and the intra-chunk scores by sub-chunk: per pair inside
// a sub-chunk, split at its start across sub-chunks.
// CHECK:           %[[SCORES:.+]] = memref.alloc(%{{.+}}, %{{.+}}) : memref<?x2x?x8x8xf32>
// CHECK:           %[[OWN:.+]] = memref.alloc(%{{.+}}, %{{.+}}) : memref<?x2x?x4x3xf32>
// CHECK:           %[[ENTERING:.+]] = memref.alloc(%{{.+}}, %{{.+}}) : memref<?x2x?x4x3xf32>
// CHECK:           scf.parallel (%{{.+}}, %{{.+}}, %{{.+}}) =
// CHECK:             scf.for {{.*}} -> (vector<4xf32>)
// CHECK:             math.exp
// CHECK:             scf.for
// CHECK:               scf.for
// CHECK:                 scf.for
// CHECK:                   math.exp
// CHECK:                   vector.reduction <add>
// CHECK:                   memref.store %{{.+}}, %[[SCORES]]
// CHECK:               scf.for
// CHECK:                 math.exp
// CHECK:               scf.for
// CHECK:                 math.exp
// CHECK:                 scf.for
// CHECK:                   vector.reduction <add>
// Each chunk's own state contribution, per (batch, head, chunk, value
// block), 4 key rows at a time.
// CHECK:           scf.parallel (%{{.+}}, %{{.+}}, %{{.+}}, %{{.+}}) =
// CHECK-COUNT-4:       vector.fma
// CHECK:             vector.maskedstore %[[OWN]][
// States passed along the chunks: O(K) per chunk.
// CHECK:           scf.parallel (%{{.+}}, %{{.+}}, %{{.+}}) =
// CHECK:             vector.maskedstore %[[ENTERING]][
// Outputs per (batch, head, chunk, value block), 4 rows at a time: inter
// (q̃ S) then intra (A v).
// CHECK:           scf.parallel (%{{.+}}, %{{.+}}, %{{.+}}, %{{.+}}) =
// CHECK-COUNT-4:       vector.fma
// CHECK-COUNT-4:       vector.fma
// CHECK:         } else {
// CHECK:           scf.parallel (%{{.+}}, %{{.+}}) =
// CHECK:             math.exp
func.func @chunked(%q: tensor<?x?x8xf32>, %v: tensor<?x?x6xf32>) -> (tensor<?x?x6xf32>, tensor<?x2x4x3xf32>) {
  %o, %s = seq.gla_core %q, %q, %v, %q {heads = 2 : i64, scale = 0.5 : f64, seq.chunk = 8 : i64, seq.subchunk = 4 : i64} : (tensor<?x?x8xf32>, tensor<?x?x8xf32>, tensor<?x?x6xf32>, tensor<?x?x8xf32>) -> (tensor<?x?x6xf32>, tensor<?x2x4x3xf32>)
  return %o, %s : tensor<?x?x6xf32>, tensor<?x2x4x3xf32>
}
