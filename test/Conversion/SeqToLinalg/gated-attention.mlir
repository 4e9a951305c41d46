// gated_attention on CPU: q, k, v and the gate in one fused GEMM over their
// stacked weights (132 rows), then no T×T matrix: a parallel loop over (batch, head,
// tiles of 4 query rows) walks the keys in blocks of 16 with an online
// softmax per row; K is transposed so that a block's keys are one vector.
// RUN: seqc-opt %s --convert-seq-to-linalg --split-input-file | FileCheck %s

// CHECK-LABEL: func.func @gated(
// V copied per kv head, [B, Hkv, T, Dh] (no seq.layout: the default bhtd).
// CHECK:         %[[V:.+]] = linalg.generic {{.*}} outs(%{{.+}} : tensor<?x2x?x16xf32>)
// RoPE: cos and sin tables [T, Dh/2], then rotate-half on q (4 heads) and
// k (2 kv heads); K transposed to [B, Hkv, Dh, T].
// CHECK:         linalg.generic {{.*}} outs(%{{.+}} : tensor<?x8xf32>)
// CHECK:           math.cos
// CHECK:         linalg.generic {{.*}} outs(%{{.+}} : tensor<?x8xf32>)
// CHECK:           math.sin
// CHECK:         linalg.generic {{.*}} ins(%{{.+}} : tensor<?x?x4x16xf32>)
// CHECK:         linalg.generic {{.*}} ins(%{{.+}} : tensor<?x?x2x16xf32>)
// CHECK:         %[[KT:.+]] = linalg.generic {{.*}} outs(%{{.+}} : tensor<?x2x16x?xf32>)
// CHECK:         scf.parallel (%[[B:.+]], %[[H:.+]], %[[TILE:.+]]) = {{.*}} to (%{{.+}}, %c4{{.*}}, %{{.+}})
// CHECK:           scf.for {{.*}} -> (f32, f32, vector<16xf32>, f32, f32, vector<16xf32>, f32, f32, vector<16xf32>, f32, f32, vector<16xf32>)
// Scores of the block for the 4 rows: per component, one masked load of 16
// keys and 4 broadcast FMAs.
// CHECK:             scf.for {{.*}} -> (vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>)
// CHECK:               vector.maskedload %{{.+}} : memref<?x2x16x?xf32>, vector<16xi1>, vector<16xf32> into vector<16xf32>
// CHECK-COUNT-4:       vector.fma
// Online softmax per row: keys past the row masked, running max, rescale.
// CHECK:             vector.step
// CHECK:             arith.select {{.*}} : vector<16xi1>, vector<16xf32>
// CHECK:             vector.reduction <maximumf>
// CHECK:             math.exp {{.*}} : f32
// CHECK:             math.exp {{.*}} : vector<16xf32>
// CHECK:             vector.reduction <add>
// Each V row of the block loaded once, added into the 4 rows.
// CHECK:             vector.load %{{.+}} : memref<?x2x?x16xf32>, vector<16xf32>
// CHECK-COUNT-4:     vector.fma
// The headwise gate where the row is stored, read in place from the fused
// projection (q 64 | k 32 | v 32 | gate 4 columns): column 128 + h.
// CHECK:           scf.if
// CHECK:             arith.divf
// CHECK:             %[[GCOL:.+]] = arith.addi %[[H]], %c128
// CHECK:             memref.load %{{.+}}[%[[B]], %{{.+}}, %[[GCOL]]] : memref<?x?x132xf32>
// CHECK:             math.exp
// CHECK:             vector.store
func.func @gated(%x: tensor<?x?x32xf32>, %wq: tensor<64x32xf32>, %wk: tensor<32x32xf32>, %wv: tensor<32x32xf32>, %wg: tensor<4x32xf32>, %wo: tensor<32x64xf32>) -> tensor<?x?x32xf32> {
  %y = seq.gated_attention %x weights(%wq, %wk, %wv, %wg, %wo) {heads = 4 : i64, kv_heads = 2 : i64, head_dim = 16 : i64, gate = "headwise", rope_theta = 10000.0 : f64} : (tensor<?x?x32xf32>, tensor<64x32xf32>, tensor<32x32xf32>, tensor<32x32xf32>, tensor<4x32xf32>, tensor<32x64xf32>) -> tensor<?x?x32xf32>
  return %y : tensor<?x?x32xf32>
}

// -----

// values = bthd (seq-select-layout's choice for short sequences): V read
// in place from the fused projection's rows (q 64 | k 32 | v 32 | gate 64
// columns): kv head h at column 96 + 16·h; no per-head copy.
// CHECK-LABEL: func.func @values_in_place(
// CHECK-NOT:     outs(%{{.+}} : tensor<?x2x?x16xf32>)
// CHECK:         scf.parallel
// CHECK:             %[[VCOL:.+]] = arith.addi %{{.+}}, %c96
// CHECK:             vector.load %{{.+}}[%{{.+}}, %{{.+}}, %[[VCOL]]] : memref<?x?x192xf32>, vector<16xf32>
func.func @values_in_place(%x: tensor<?x?x32xf32>, %wq: tensor<64x32xf32>, %wk: tensor<32x32xf32>, %wv: tensor<32x32xf32>, %wg: tensor<64x32xf32>, %wo: tensor<32x64xf32>) -> tensor<?x?x32xf32> {
  %y = seq.gated_attention %x weights(%wq, %wk, %wv, %wg, %wo) {heads = 4 : i64, kv_heads = 2 : i64, head_dim = 16 : i64, gate = "elementwise", seq.layout = {keys = "bhdt", queries = "bthd", values = "bthd"}} : (tensor<?x?x32xf32>, tensor<64x32xf32>, tensor<32x32xf32>, tensor<32x32xf32>, tensor<64x32xf32>, tensor<32x64xf32>) -> tensor<?x?x32xf32>
  return %y : tensor<?x?x32xf32>
}
