// RUN: seqc-opt %s --convert-seq-to-linalg --split-input-file | FileCheck %s --enable-var-scope

// GRU: the input projections of all steps are one GEMM before the time
// loop; W_hh is packed once, outside it; inside, the recurrent GEMM on the
// packed panels and one gate generic that reads the r, z, n blocks at
// j, j + H, j + 2H.
// CHECK-DAG: #[[$Z:.*]] = affine_map<(d0, d1) -> (d0, d1 + 8)>
// CHECK-DAG: #[[$N:.*]] = affine_map<(d0, d1) -> (d0, d1 + 16)>
// CHECK-LABEL: func.func @gru
// CHECK: linalg.generic {{.*}}outs(%{{.*}} : tensor<1x5x32xf32>)
// CHECK: scf.parallel
// CHECK: %[[HH:.*]] = linalg.generic {{.*}}outs(%{{.*}} : tensor<1x8x32xf32>)
// CHECK: scf.for
// CHECK-NOT: tensor<1x8x32xf32>
// CHECK:   bufferization.to_buffer %[[HH]]
// CHECK:   scf.parallel
// CHECK:     vector.fma
// CHECK:   linalg.generic {indexing_maps = [#{{.*}}, #{{.*}}, #[[$Z]], #[[$N]],
// CHECK:     math.tanh
// CHECK:   tensor.insert_slice
func.func @gru(%x: tensor<?x?x5xf32>, %wi: tensor<24x5xf32>, %wh: tensor<24x8xf32>, %bi: tensor<24xf32>, %bh: tensor<24xf32>) -> tensor<?x?x8xf32> {
  %y, %h = seq.rnn %x weights(%wi, %wh, %bi, %bh) {cell = "gru", hidden = 8 : i64, layers = 1 : i64, solver = "auto"} : (tensor<?x?x5xf32>, tensor<24x5xf32>, tensor<24x8xf32>, tensor<24xf32>, tensor<24xf32>) -> (tensor<?x?x8xf32>, tensor<1x?x8xf32>)
  return %y : tensor<?x?x8xf32>
}

// -----

// PGN's history window is one GEMM: the window unfolded into
// [B, T, c·w] (x at t − w + j, 0 before the sequence), times hie.weight
// flattened to [d, c·w]; no loop over time.
// CHECK-LABEL: func.func @pgn
// CHECK-NOT: scf.for {{.*}} to %dim
// CHECK: linalg.generic {{.*}}outs(%{{.*}} : tensor<?x?x8xf32>)
// CHECK:   arith.cmpi sge
// CHECK:   tensor.extract
// CHECK: tensor.collapse_shape {{.*}} {{\[}}[0], [1, 2]] : tensor<3x4x2xf32> into tensor<3x8xf32>
// CHECK: scf.parallel
// CHECK:   vector.fma
func.func @pgn(%x: tensor<?x?x4xf32>, %hw: tensor<3x4x2xf32>, %hb: tensor<3xf32>, %gw: tensor<6x7xf32>, %gb: tensor<6xf32>) -> tensor<?x?x3xf32> {
  %y = seq.pgn %x weights(%hw, %hb, %gw, %gb) {hidden = 3 : i64, window = 2 : i64} : (tensor<?x?x4xf32>, tensor<3x4x2xf32>, tensor<3xf32>, tensor<6x7xf32>, tensor<6xf32>) -> tensor<?x?x3xf32>
  return %y : tensor<?x?x3xf32>
}
