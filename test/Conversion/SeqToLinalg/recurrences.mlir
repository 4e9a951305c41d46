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

// PGN's history window is one GEMM: x padded in front with w = 2 zero
// steps; the window unfolded window-major into [B, T, w·c] (slice j of the
// padded x, x at t − w + j, copied to columns [j·c, j·c + c)); times
// hie.weight [d, c, w] with its last two dims swapped and flattened to
// [d, w·c]. No loop over time, no index arithmetic.
// CHECK-LABEL: func.func @pgn
// CHECK-NOT: scf.for {{.*}} to %dim
// CHECK: %[[PADDED:.+]] = tensor.insert_slice %{{.+}} into %{{.+}}[0, 2, 0]
// CHECK-DAG: %[[H0:.+]] = tensor.extract_slice %[[PADDED]][0, 0, 0]
// CHECK-DAG: %[[H1:.+]] = tensor.extract_slice %[[PADDED]][0, 1, 0]
// CHECK: tensor.insert_slice %[[H0]] into %{{.+}}[0, 0, 0] [%{{.+}}, %{{.+}}, 4]
// CHECK: tensor.insert_slice %[[H1]] into %{{.+}}[0, 0, 4] [%{{.+}}, %{{.+}}, 4]
// CHECK: linalg.transpose ins(%{{.+}} : tensor<3x4x2xf32>) {{.*}} permutation = [0, 2, 1]
// CHECK: tensor.collapse_shape {{.*}} {{\[}}[0], [1, 2]] : tensor<3x2x4xf32> into tensor<3x8xf32>
// CHECK: scf.parallel
// CHECK:   vector.fma
func.func @pgn(%x: tensor<?x?x4xf32>, %hw: tensor<3x4x2xf32>, %hb: tensor<3xf32>, %gw: tensor<6x7xf32>, %gb: tensor<6xf32>) -> tensor<?x?x3xf32> {
  %y = seq.pgn %x weights(%hw, %hb, %gw, %gb) {hidden = 3 : i64, window = 2 : i64} : (tensor<?x?x4xf32>, tensor<3x4x2xf32>, tensor<3xf32>, tensor<6x7xf32>, tensor<6xf32>) -> tensor<?x?x3xf32>
  return %y : tensor<?x?x3xf32>
}
