// gated_attention on CPU: q, k, v and the gate in one fused GEMM over
// their stacked weights (132 rows), then no T×T matrix: flash attention's
// blocking. A parallel loop over (batch, head, tiles of 32 query rows)
// walks the keys in blocks of 64 with an online softmax per row, keeping
// the tile's scores, accumulators and running max/sum in scratch it owns.
// RUN: seqc-opt %s --convert-seq-to-linalg --split-input-file | FileCheck %s

// CHECK-LABEL: func.func @gated(
// V copied per kv head, [B, Hkv, T, Dh] (no seq.layout: the default bhtd).
// CHECK:         linalg.generic {{.*}} outs(%{{.+}} : tensor<?x2x?x16xf32>)
// RoPE tables [T, Dh/2] in f64 by angle addition from cos and sin of
// j·f (64 of them) and 64n·f (⌈T/64⌉), rounded to f32; then q read from
// the fused projection with rotate-half applied (4 heads), and K likewise
// (2 kv heads) and transposed by blocks of 64 keys, [B, Hkv, ⌈T/64⌉, Dh,
// 64]: no separate copies of q and k.
// CHECK:         linalg.generic {{.*}} outs(%{{.+}} : tensor<64x8xf64>)
// CHECK:           math.cos %{{.+}} : f64
// CHECK:         linalg.generic {{.*}} outs(%{{.+}} : tensor<64x8xf64>)
// CHECK:           math.sin %{{.+}} : f64
// CHECK:         linalg.generic {{.*}} outs(%{{.+}} : tensor<?x8xf64>)
// CHECK:         linalg.generic {{.*}} outs(%{{.+}} : tensor<?x8xf64>)
// CHECK:         linalg.generic {{.*}} outs(%{{.+}} : tensor<?x8xf32>)
// CHECK-NOT:       math.cos
// CHECK:           arith.truncf %{{.+}} : f64 to f32
// CHECK:         linalg.generic {{.*}} outs(%{{.+}} : tensor<?x8xf32>)
// CHECK:         linalg.generic {{.*}} outs(%{{.+}} : tensor<?x?x64xf32>)
// CHECK:           tensor.extract %{{.+}} : tensor<?x?x132xf32>
// CHECK:         linalg.generic {{.*}} outs(%{{.+}} : tensor<?x2x?x16x64xf32>)
// CHECK:           tensor.extract %{{.+}} : tensor<?x?x132xf32>
// 64 workers, each with its own scratch: scores/probabilities [32, 64],
// accumulators [32, 16], running max, sum and rescaling per row; worker w
// takes the tasks (batch, head, tile) w, w + 64, ...
// CHECK:         %[[P:.+]] = memref.alloc() {{.*}}: memref<64x32x64xf32>
// CHECK:         %[[ACC:.+]] = memref.alloc() {{.*}}: memref<64x32x16xf32>
// CHECK:         %[[M:.+]] = memref.alloc() {{.*}}: memref<64x32xf32>
// CHECK:         %[[L:.+]] = memref.alloc() {{.*}}: memref<64x32xf32>
// CHECK:         %[[ALPHA:.+]] = memref.alloc() {{.*}}: memref<64x32xf32>
// CHECK:         scf.parallel (%[[W:.+]]) = (%{{.+}}) to (%c64{{.*}})
// CHECK:           scf.for %{{.+}} = %[[W]] to %{{.+}} step %c64
// CHECK:             %[[H:.+]] = arith.remui %{{.+}}, %c4
// CHECK:             %[[B:.+]] = arith.divui %{{.+}}, %c4
// Key blocks; scores 4 rows at a time: per component, 4 vectors of 16
// keys loaded once and 4 broadcasts of q, 16 FMAs.
// CHECK:           scf.for
// CHECK:             scf.for
// CHECK:               scf.for {{.*}} -> ({{(vector<16xf32>, ){15}vector<16xf32>}})
// CHECK-COUNT-4:         vector.load %{{.+}} : memref<?x2x?x16x64xf32>, vector<16xf32>
// CHECK-COUNT-4:         vector.fma
// Then, on the registers, per row: keys past the row masked, the running
// max as a tree of vector maxima, rescaling, exponentials, the sum as a
// tree of adds.
// CHECK:               arith.cmpi ule, %{{.+}}, %{{.+}} : vector<16xi32>
// CHECK:               vector.reduction <maxnumf>, %{{.+}} fastmath<reassoc,nnan>
// CHECK:               math.exp %{{.+}} : f32
// CHECK-COUNT-4:       math.exp %{{.+}} : vector<16xf32>
// CHECK:               vector.reduction <add>, %{{.+}} fastmath<reassoc>
// CHECK:               memref.store %{{.+}}, %[[ALPHA]]
// acc = α ⊙ acc + P V: 8 rows × one vector of Dh (16) in registers, each
// V row loaded once for the 8, P broadcast from the scratch.
// CHECK:             scf.for
// CHECK:               memref.load %[[ALPHA]]
// CHECK:               scf.for {{.*}} -> ({{(vector<16xf32>, ){7}vector<16xf32>}})
// CHECK:                 vector.maskedload %{{.+}} : memref<?x2x?x16xf32>
// CHECK:                 memref.load %[[P]]
// CHECK:                 vector.fma
// CHECK:               vector.store %{{.+}}, %[[ACC]]
// o = acc / l, and the headwise gate where the row is stored, read in
// place from the fused projection (q 64 | k 32 | v 32 | gate 4 columns):
// column 128 + h.
// CHECK:           scf.for
// CHECK:             scf.if
// CHECK:               memref.load %[[L]]
// CHECK:               arith.divf
// CHECK:               %[[GCOL:.+]] = arith.addi %[[H]], %c128
// CHECK:               memref.load %{{.+}}[%[[B]], %{{.+}}, %[[GCOL]]] : memref<?x?x132xf32>
// CHECK:               math.exp
// CHECK:               vector.maskedstore
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
// CHECK:               %[[VCOL:.+]] = arith.addi %{{.+}}, %c96
// CHECK:               vector.maskedload %{{.+}}[%{{.+}}, %{{.+}}, %[[VCOL]]], %{{.+}}, %{{.+}} : memref<?x?x192xf32>
func.func @values_in_place(%x: tensor<?x?x32xf32>, %wq: tensor<64x32xf32>, %wk: tensor<32x32xf32>, %wv: tensor<32x32xf32>, %wg: tensor<64x32xf32>, %wo: tensor<32x64xf32>) -> tensor<?x?x32xf32> {
  %y = seq.gated_attention %x weights(%wq, %wk, %wv, %wg, %wo) {heads = 4 : i64, kv_heads = 2 : i64, head_dim = 16 : i64, gate = "elementwise", seq.layout = {keys = "bhdt", queries = "bthd", values = "bthd"}} : (tensor<?x?x32xf32>, tensor<64x32xf32>, tensor<32x32xf32>, tensor<32x32xf32>, tensor<64x32xf32>, tensor<32x64xf32>) -> tensor<?x?x32xf32>
  return %y : tensor<?x?x32xf32>
}
