// gated_attention on CPU: q, k, v and the gate in one fused GEMM over
// their stacked weights (132 rows), then no T×T matrix: flash attention's
// blocking. A parallel loop over (batch, head, tiles of 32 query rows)
// walks the keys in blocks of 64 with an online softmax per row, the
// tile's rows in vector lanes, keeping the tile's scores, accumulators
// and running max/sum in scratch it owns.
// RUN: seqc-opt %s --seq-lower-to-tensors --seq-lower-cpu-kernels --seq-lower-linear-to-gemm --split-input-file | FileCheck %s

// CHECK-LABEL: func.func @gated(
// RoPE tables [T, Dh/2] in f64 by angle addition (t = 64n + 8a + c) from
// cos and sin of c·f and 8a·f (8 of each) and 64n·f (the blocks of 64
// positions the call touches), rounded to f32.
// CHECK:         linalg.generic {{.*}} outs(%{{.+}} : tensor<8x8xf64>)
// CHECK:           math.cos %{{.+}} : f64
// CHECK:         linalg.generic {{.*}} outs(%{{.+}} : tensor<8x8xf64>)
// CHECK:           math.sin %{{.+}} : f64
// CHECK:         linalg.generic {{.*}} outs(%{{.+}} : tensor<8x8xf64>)
// CHECK:         linalg.generic {{.*}} outs(%{{.+}} : tensor<8x8xf64>)
// CHECK:         linalg.generic {{.*}} outs(%{{.+}} : tensor<?x8xf64>)
// CHECK:         linalg.generic {{.*}} outs(%{{.+}} : tensor<?x8xf64>)
// CHECK:         linalg.generic {{.*}} outs(%{{.+}} : tensor<?x8xf32>)
// CHECK-NOT:       math.cos
// CHECK:           arith.truncf %{{.+}} : f64 to f32
// CHECK:         linalg.generic {{.*}} outs(%{{.+}} : tensor<?x8xf32>)
// q (4 heads) and k (2 kv heads) per head with rotate-half RoPE in
// vectors: x₁ cos − x₂ sin, x₂ cos + x₁ sin; q times 1/√16 = 0.25.
// CHECK:         %[[Q:.+]] = memref.alloc({{.*}}) : memref<?x4x?x16xf32>
// CHECK:         scf.parallel
// CHECK:           %[[COS:.+]] = vector.maskedload %{{.+}} : memref<?x8xf32>
// CHECK:           %[[SIN:.+]] = vector.maskedload %{{.+}} : memref<?x8xf32>
// CHECK:           %[[X1:.+]] = vector.maskedload %{{.+}}[%{{.+}}, %{{.+}}, %c0{{.*}}]{{.*}} : memref<?x?x132xf32>
// CHECK:           %[[X2:.+]] = vector.maskedload %{{.+}}[%{{.+}}, %{{.+}}, %c8{{.*}}]{{.*}} : memref<?x?x132xf32>
// CHECK-DAG:       %[[A:.+]] = arith.mulf %[[X1]], %[[COS]]
// CHECK-DAG:       %[[B:.+]] = arith.mulf %[[X2]], %[[SIN]]
// CHECK:           %[[R:.+]] = arith.subf %[[A]], %[[B]]
// CHECK:           arith.mulf %[[R]], %cst{{.*}} : vector<16xf32>
// CHECK:           vector.maskedstore %[[Q]]
// CHECK:         %[[K:.+]] = memref.alloc({{.*}}) : memref<?x2x?x16xf32>
// CHECK:         scf.parallel
// CHECK:           vector.maskedload %{{.+}}[%{{.+}}, %{{.+}}, %c64{{.*}}]{{.*}} : memref<?x?x132xf32>
// CHECK:           vector.maskedstore %[[K]]
// At most 8 query rows take the row tasks, which read V in place; the
// tiles take V copied per kv head (no seq.layout: the default bhtd),
// [B, Hkv, T, Dh], 16 lanes at a time from the fused projection (q 64 |
// k 32 | v 32 | gate 4 columns): kv heads at columns 96 and 112.
// CHECK:         %[[FEW:.+]] = arith.cmpi ule, %{{.+}}, %c8
// CHECK:         scf.if %[[FEW]] {
// CHECK-NOT:       memref.alloc
// CHECK:         } else {
// CHECK:         %[[V:.+]] = memref.alloc({{.*}}) : memref<?x2x?x16xf32>
// CHECK:         scf.parallel
// CHECK:           vector.maskedload %{{.+}}[%{{.+}}, %{{.+}}, %c96]
// CHECK:           vector.maskedstore %[[V]]
// CHECK:           vector.maskedload %{{.+}}[%{{.+}}, %{{.+}}, %c112]
// CHECK:           vector.maskedstore %[[V]]
// More than 8 query rows (else a task per row: @past below): 64
// workers, each with its own scratch, the tile's rows in lanes: qᵀ
// [16, 32], Sᵀ then Pᵀ [64, 32], accᵀ [16, 32], running max and sum per
// row, the accumulators by rows [32, 16]; worker w takes the tasks (batch,
// head, tile) w, w + 64, ...
// CHECK:         %[[QT:.+]] = memref.alloc() {{.*}}: memref<64x16x32xf32>
// CHECK:         %[[P:.+]] = memref.alloc() {{.*}}: memref<64x64x32xf32>
// CHECK:         %[[ACCT:.+]] = memref.alloc() {{.*}}: memref<64x16x32xf32>
// CHECK:         %[[M:.+]] = memref.alloc() {{.*}}: memref<64x32xf32>
// CHECK:         %[[L:.+]] = memref.alloc() {{.*}}: memref<64x32xf32>
// CHECK:         %[[ACC:.+]] = memref.alloc() {{.*}}: memref<64x32x16xf32>
// CHECK:         scf.parallel (%[[W:.+]]) = (%{{.+}}) to (%c64{{.*}})
// CHECK:           scf.for %{{.+}} = %[[W]] to %{{.+}} step %c64
// CHECK:             %[[H:.+]] = arith.remui %{{.+}}, %c4
// CHECK:             %[[B:.+]] = arith.divui %{{.+}}, %c4
// The tile's 32 rows of q transposed into qᵀ.
// CHECK:             scf.for
// CHECK:               vector.maskedload %[[Q]]
// CHECK-COUNT-16:      memref.store %{{.+}}, %[[QT]]
// Key blocks; Sᵀ 8 keys × 32 rows in 16 registers: per component, two
// vectors of qᵀ and eight broadcasts of k (two components per iteration).
// CHECK:             scf.for
// CHECK:               scf.for
// CHECK:                 scf.for {{.*}} -> ({{(vector<16xf32>, ){15}vector<16xf32>}})
// CHECK-COUNT-2:           vector.load %[[QT]]
// CHECK:                   memref.load %[[K]]
// CHECK:                   vector.fma
// Keys past the row masked (rows in lanes ≥ the key), stored; the block's
// max per row as vectors of rows.
// CHECK:                 arith.cmpi sge, %{{.+}}, %{{.+}} : vector<16xi32>
// CHECK:                 vector.store %{{.+}}, %[[P]]
// CHECK:                 arith.maxnumf {{.*}} : vector<16xf32>
// The online softmax elementwise over 16 rows a vector: no reductions
// across lanes, no scalar exponentials. The exponentials of x ≤ 0 are
// 2ⁿ·p(r) with 2ⁿ added into the exponent bits (no math.exp).
// CHECK-NOT:           vector.reduction
// CHECK:               arith.maxnumf {{.*}} : vector<16xf32>
// CHECK:               arith.shli %{{.+}} : vector<16xi32>
// CHECK:               scf.for {{.*}} -> (vector<16xf32>)
// CHECK-NOT:             math.exp
// CHECK-COUNT-7:         math.fma %{{.+}} : vector<16xf32>
// CHECK:                 arith.shli %{{.+}} : vector<16xi32>
// CHECK:                 vector.store %{{.+}}, %[[P]]
// CHECK:               vector.store %{{.+}}, %[[L]]
// CHECK:               vector.store %{{.+}}, %[[M]]
// accᵀ = α ⊙ accᵀ + Vᵀ Pᵀ: 8 components × 32 rows in 16 registers, per
// key two vectors of Pᵀ and eight broadcasts of V.
// CHECK:               scf.for
// CHECK:                 vector.load %[[ACCT]]
// CHECK:                 scf.for {{.*}} -> ({{(vector<16xf32>, ){15}vector<16xf32>}})
// CHECK-COUNT-2:           vector.load %[[P]]
// CHECK:                   memref.load %[[V]]
// CHECK:                   vector.fma
// CHECK:                 vector.store %{{.+}}, %[[ACCT]]
// The accumulators back to rows; o = acc / l, and the headwise gate where
// the row is stored, read in place from the fused projection: column 128
// + h.
// CHECK:             scf.for
// CHECK:               vector.load %[[ACCT]]
// CHECK:               memref.store %{{.+}}, %[[ACC]]
// CHECK:             scf.for
// CHECK:               scf.if
// CHECK:                 memref.load %[[L]]
// CHECK:                 arith.divf
// CHECK:                 %[[GCOL:.+]] = arith.addi %[[H]], %c128
// CHECK:                 memref.load %{{.+}}[%[[B]], %{{.+}}, %[[GCOL]]] : memref<?x?x132xf32>
// CHECK:                 math.exp
// CHECK:                 vector.maskedstore
func.func @gated(%x: tensor<?x?x32xf32>, %wq: tensor<64x32xf32>, %wk: tensor<32x32xf32>, %wv: tensor<32x32xf32>, %wg: tensor<4x32xf32>, %wo: tensor<32x64xf32>) -> tensor<?x?x32xf32> {
  %y, %y_k, %y_v = seq.gated_attention %x weights(%wq, %wk, %wv, %wg, %wo) {heads = 4 : i64, kv_heads = 2 : i64, head_dim = 16 : i64, gate = #seq<attention_gate headwise>, rope_theta = 10000.0 : f64} : (tensor<?x?x32xf32>, tensor<64x32xf32>, tensor<32x32xf32>, tensor<32x32xf32>, tensor<4x32xf32>, tensor<32x64xf32>) -> (tensor<?x?x32xf32>, tensor<?x?x32xf32>, tensor<?x?x32xf32>)
  return %y : tensor<?x?x32xf32>
}

// -----

// values = bthd (seq-select-layout's choice for short sequences): V read
// in place from the fused projection's rows (q 64 | k 32 | v 32 | gate 64
// columns): component d of kv head h at column 16·h + d + 96 (a vector of
// 16 per key in the row tasks, a component per key in the tiles); only q
// and k are copied per head.
// CHECK-LABEL: func.func @values_in_place(
// CHECK-NOT:     memref<?x2x?x16xf32>
// CHECK:         memref.alloc({{.*}}) : memref<?x4x?x16xf32>
// CHECK:         memref.alloc({{.*}}) : memref<?x2x?x16xf32>
// CHECK:         scf.if
// CHECK:           scf.parallel
// CHECK:             %[[ROWCOL:.+]] = arith.addi %{{.+}}, %c96
// CHECK:             vector.maskedload %{{.+}}[%{{.+}}, %{{.+}}, %[[ROWCOL]]], {{.*}} : memref<?x?x192xf32>
// CHECK:         } else {
// CHECK:           scf.parallel
// CHECK:                   %[[VCOL:.+]] = arith.addi %{{.+}}, %c96
// CHECK:                   memref.load %{{.+}}[%{{.+}}, %{{.+}}, %[[VCOL]]] : memref<?x?x192xf32>
func.func @values_in_place(%x: tensor<?x?x32xf32>, %wq: tensor<64x32xf32>, %wk: tensor<32x32xf32>, %wv: tensor<32x32xf32>, %wg: tensor<64x32xf32>, %wo: tensor<32x64xf32>) -> tensor<?x?x32xf32> {
  %y, %y_k, %y_v = seq.gated_attention %x weights(%wq, %wk, %wv, %wg, %wo) {heads = 4 : i64, kv_heads = 2 : i64, head_dim = 16 : i64, gate = #seq<attention_gate elementwise>, seq.layout = #seq.attention_layout<values = bthd>} : (tensor<?x?x32xf32>, tensor<64x32xf32>, tensor<32x32xf32>, tensor<32x32xf32>, tensor<64x32xf32>, tensor<32x64xf32>) -> (tensor<?x?x32xf32>, tensor<?x?x32xf32>, tensor<?x?x32xf32>)
  return %y : tensor<?x?x32xf32>
}

// -----

// Past keys (after RoPE) and values (a stream's earlier calls, k_past and
// v_past [B, P, 32]): RoPE's tables from position P, made once; x's keys
// rotated by them and appended after the past ones, x's values likewise
// (the op's results 1 and 2); in the kernel, q rotated by the same
// tables (no second set); then few query rows (T ≤ 8, a
// decode step) take a task per row with the keys in lanes, reading K and
// V in place in the appended rows (16 scores a block from 16 keys, summed
// into one vector by 4 rounds of shuffles, their max, then the values);
// more take the tiles, K copied per head for them.
// CHECK-LABEL: func.func @past(
// CHECK-SAME:    %[[X:[^:]+]]: tensor<?x?x32xf32>, %[[KP:[^:]+]]: tensor<?x?x32xf32>, %[[VP:[^:]+]]: tensor<?x?x32xf32>
// CHECK:         %[[P:.+]] = tensor.dim %[[KP]], %c1
// CHECK:         %[[END:.+]] = arith.addi %[[P]], %{{.+}} : index
// CHECK:         arith.ceildivui %[[END]], %c64
// CHECK:         math.cos
// CHECK:         %[[COS:.+]] = linalg.generic {{.*}} outs(%{{.+}} : tensor<?x8xf32>)
// CHECK:         %[[SIN:.+]] = linalg.generic {{.*}} outs(%{{.+}} : tensor<?x8xf32>)
// CHECK:         %[[K0:.+]] = tensor.insert_slice %{{.+}} into %{{.+}}[0, 0, 0]
// CHECK:         %[[KEYS:.+]] = tensor.insert_slice %{{.+}} into %[[K0]][0, %{{.+}}, 0]
// CHECK:         %[[V0:.+]] = tensor.insert_slice %{{.+}} into %{{.+}}[0, 0, 0]
// CHECK:         %[[VALUES:.+]] = tensor.insert_slice %{{.+}} into %[[V0]][0, %{{.+}}, 0]
// CHECK-NOT:     math.cos
// CHECK:         %[[PAST:.+]] = arith.subi %[[NKEYS:.+]], %[[STEPS:.+]] : index
// CHECK-NOT:     math.cos
// CHECK:         %[[KB:.+]] = bufferization.to_buffer %[[KEYS]] read_only : tensor<?x?x32xf32> to memref<?x?x32xf32>
// CHECK:         %[[VB:.+]] = bufferization.to_buffer %[[VALUES]] read_only : tensor<?x?x32xf32> to memref<?x?x32xf32>
// CHECK:         bufferization.to_buffer %[[COS]]
// CHECK:         bufferization.to_buffer %[[SIN]]
// CHECK:         memref.alloc(%{{.+}}, %[[STEPS]]) : memref<?x4x?x16xf32>
// CHECK:         %[[FEW:.+]] = arith.cmpi ule, %[[STEPS]], %c8
// CHECK:         scf.if %[[FEW]] {
// CHECK:           scf.parallel
// CHECK-COUNT-16:    vector.maskedload %[[KB]]
// CHECK-NOT:         vector.from_elements
// CHECK-COUNT-30:     vector.shuffle
// CHECK-NOT:         vector.shuffle
// CHECK:             vector.reduction <maxnumf>
// CHECK:             vector.maskedload %[[VB]]
// CHECK:         } else {
// CHECK:           memref.alloc(%{{.+}}, %[[NKEYS]]) : memref<?x2x?x16xf32>
// CHECK:           vector.maskedload %[[KB]]
func.func @past(%x: tensor<?x?x32xf32>, %kp: tensor<?x?x32xf32>, %vp: tensor<?x?x32xf32>, %wq: tensor<64x32xf32>, %wk: tensor<32x32xf32>, %wv: tensor<32x32xf32>, %wg: tensor<64x32xf32>, %wo: tensor<32x64xf32>) -> (tensor<?x?x32xf32>, tensor<?x?x32xf32>, tensor<?x?x32xf32>) {
  %y, %k, %v = seq.gated_attention %x past(%kp, %vp) weights(%wq, %wk, %wv, %wg, %wo) {heads = 4 : i64, kv_heads = 2 : i64, head_dim = 16 : i64, gate = #seq<attention_gate elementwise>, rope_theta = 10000.0 : f64, seq.layout = #seq.attention_layout<values = bthd>} : (tensor<?x?x32xf32>, tensor<?x?x32xf32>, tensor<?x?x32xf32>, tensor<64x32xf32>, tensor<32x32xf32>, tensor<32x32xf32>, tensor<64x32xf32>, tensor<32x64xf32>) -> (tensor<?x?x32xf32>, tensor<?x?x32xf32>, tensor<?x?x32xf32>)
  return %y, %k, %v : tensor<?x?x32xf32>, tensor<?x?x32xf32>, tensor<?x?x32xf32>
}
