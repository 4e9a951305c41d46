// RUN: seqc-opt %s --seq-lower-to-tensors --seq-lower-cpu-kernels --seq-lower-linear-to-gemm --split-input-file | FileCheck %s --enable-var-scope

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
