// gla_core on CPU, both forms (seq-chunk-gla chooses; see
// test/Transforms/seq-chunk-gla.mlir).
// RUN: seqc-opt %s --seq-lower-to-tensors --seq-lower-cpu-kernels --seq-lower-linear-to-gemm --split-input-file | FileCheck %s

// Recurrent (no seq.gla_form), the default layouts (no seq.layout: state
// [K, V], q and k read in place): the decays e^g once for all steps (per
// step and head, 16 keys at a time), then a parallel loop over (batch,
// head, groups of 4 value blocks of 16 columns) walking blocks of 32
// steps. Per step block, pairs of value blocks (here V = 20: one pair)
// walk the key rows in register tiles of up to 8 rows (here K = 4): the
// tile's 4 × 2 state rows are carried in vector registers along the steps;
// they enter from s0 (here zeros) in the first step block, else from a
// scratch buffer, and leave to the final state in the last step block,
// else to the scratch (a decode step touches the state once, no scratch).
// A last value block without a pair goes alone. With no steps at all the
// final state is s0 (a loop of its own, first).
// CHECK-LABEL: func.func @recurrent
// CHECK:         %[[FINAL:.+]] = memref.alloc(%{{.+}}) : memref<?x2x4x20xf32>
// CHECK:         %[[DECAY:.+]] = memref.alloc(%{{.+}}, %{{.+}}) : memref<?x?x8xf32>
// CHECK:         scf.parallel (%{{.+}}, %{{.+}}) =
// CHECK:           scf.for
// CHECK:             math.exp %{{.+}} : vector<16xf32>
// CHECK:         %[[STATE:.+]] = memref.alloc(%{{.+}}) : memref<?x2x2x4x16xf32>
// CHECK:         scf.parallel (%{{.+}}, %{{.+}}, %{{.+}}) =
// CHECK:           scf.if
// CHECK:             vector.maskedstore %[[FINAL]][
// CHECK:           scf.for
// CHECK:             %[[ENTERING:.+]] = arith.cmpi eq
// CHECK:             %[[LEAVING:.+]] = arith.cmpi eq
// CHECK:             scf.for
// CHECK:               %[[ROWS:.+]]:8 = scf.if %[[ENTERING]] -> ({{(vector<16xf32>, ){7}vector<16xf32>}})
// CHECK-NOT:             vector.load %[[STATE]]
// CHECK:               } else {
// CHECK-COUNT-8:         vector.load %[[STATE]]
// CHECK:               scf.for {{.*}} iter_args(%{{.+}} = %[[ROWS]]#0, {{.*}} -> ({{(vector<16xf32>, ){7}vector<16xf32>}})
// CHECK-COUNT-2:         vector.maskedload %{{.+}} : memref<?x?x40xf32>
// CHECK:                 memref.load %[[DECAY]]
// CHECK:                 memref.load %{{.+}} : memref<?x?x8xf32>
// CHECK:                 vector.fma
// CHECK:                 vector.fma
// CHECK:                 vector.maskedstore
// CHECK:                 vector.maskedstore
// CHECK:               scf.if %[[LEAVING]] {
// CHECK-COUNT-8:         vector.maskedstore %[[FINAL]][
// CHECK:               } else {
// CHECK-COUNT-8:         vector.store %{{.+}}, %[[STATE]]
// CHECK:             scf.if
// CHECK:               scf.if %[[ENTERING]] -> ({{(vector<16xf32>, ){3}vector<16xf32>}})
// CHECK:               scf.for {{.*}} -> ({{(vector<16xf32>, ){3}vector<16xf32>}})
func.func @recurrent(%q: tensor<?x?x8xf32>, %v: tensor<?x?x40xf32>) -> (tensor<?x?x40xf32>, tensor<?x2x4x20xf32>) {
  %o, %s = seq.gla_core %q, %q, %v, %q {heads = 2 : i64, scale = 0.5 : f64} : (tensor<?x?x8xf32>, tensor<?x?x8xf32>, tensor<?x?x40xf32>, tensor<?x?x8xf32>) -> (tensor<?x?x40xf32>, tensor<?x2x4x20xf32>)
  return %o, %s : tensor<?x?x40xf32>, tensor<?x2x4x20xf32>
}

// -----

// keys = bhtd: q, k and the decays copied per head, [B, H, T, K], in the
// loop that computes the decays (per step and head, 16 keys at a time);
// the tiles read those.
// CHECK-LABEL: func.func @per_head_keys
// CHECK:         %[[DECAY:.+]] = memref.alloc(%{{.+}}, %{{.+}}) : memref<?x2x?x4xf32>
// CHECK:         %[[Q:.+]] = memref.alloc(%{{.+}}, %{{.+}}) : memref<?x2x?x4xf32>
// CHECK:         %[[K:.+]] = memref.alloc(%{{.+}}, %{{.+}}) : memref<?x2x?x4xf32>
// CHECK:         scf.parallel (%{{.+}}, %{{.+}}) =
// CHECK:           scf.for
// CHECK:             math.exp %{{.+}} : vector<16xf32>
// CHECK:             vector.maskedstore %[[DECAY]]
// CHECK:             vector.maskedstore %[[Q]]
// CHECK:             vector.maskedstore %[[K]]
// CHECK:         scf.parallel (%{{.+}}, %{{.+}}, %{{.+}}) =
// CHECK:               scf.for {{.*}} -> (vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>)
// CHECK:                 memref.load %[[K]]
// CHECK:                 memref.load %[[DECAY]]
// CHECK:                 memref.load %[[Q]]
func.func @per_head_keys(%q: tensor<?x?x8xf32>, %v: tensor<?x?x6xf32>) -> (tensor<?x?x6xf32>, tensor<?x2x4x3xf32>) {
  %o, %s = seq.gla_core %q, %q, %v, %q {heads = 2 : i64, scale = 0.5 : f64, seq.layout = #seq.gla_layout<keys = bhtd, state = kv>} : (tensor<?x?x8xf32>, tensor<?x?x8xf32>, tensor<?x?x6xf32>, tensor<?x?x8xf32>) -> (tensor<?x?x6xf32>, tensor<?x2x4x3xf32>)
  return %o, %s : tensor<?x?x6xf32>, tensor<?x2x4x3xf32>
}

// -----

// state = vk: the state's rows are value columns, its lanes the keys. A
// task owns all 3 value columns of a head (3 vectors of 16 key lanes, the
// 4 keys masked in), loads q, k and the decays of a step as vectors, and
// sums each output with one horizontal reduction.
// CHECK-LABEL: func.func @state_vk
// CHECK:         scf.parallel (%{{.+}}, %{{.+}}, %{{.+}}) =
// CHECK:           vector.create_mask %c4{{.*}} : vector<16xi1>
// CHECK:           scf.for {{.*}} -> (vector<16xf32>, vector<16xf32>, vector<16xf32>)
// CHECK-COUNT-3:     vector.maskedload
// CHECK:             vector.fma
// CHECK:             vector.fma
// CHECK:             vector.reduction <add>
// CHECK:             memref.store
// CHECK-NOT:     memref.alloc({{.*}}) : memref<?x2x1x4x16xf32>
func.func @state_vk(%q: tensor<?x?x8xf32>, %v: tensor<?x?x6xf32>) -> (tensor<?x?x6xf32>, tensor<?x2x4x3xf32>) {
  %o, %s = seq.gla_core %q, %q, %v, %q {heads = 2 : i64, scale = 0.5 : f64, seq.layout = #seq.gla_layout<keys = bthd, state = vk>} : (tensor<?x?x8xf32>, tensor<?x?x8xf32>, tensor<?x?x6xf32>, tensor<?x?x8xf32>) -> (tensor<?x?x6xf32>, tensor<?x2x4x3xf32>)
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
  %o, %s = seq.gla_core %q, %q, %v, %q {heads = 2 : i64, scale = 0.5 : f64, seq.gla_form = #seq.gla_form<method = chunked, chunk = 8, subchunk = 4>} : (tensor<?x?x8xf32>, tensor<?x?x8xf32>, tensor<?x?x6xf32>, tensor<?x?x8xf32>) -> (tensor<?x?x6xf32>, tensor<?x2x4x3xf32>)
  return %o, %s : tensor<?x?x6xf32>, tensor<?x2x4x3xf32>
}
