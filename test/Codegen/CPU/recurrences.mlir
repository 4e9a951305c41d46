// RUN: seqc-opt %s --seq-lower-to-tensors --seq-lower-cpu-kernels --seq-lower-linear-to-gemm --split-input-file | FileCheck %s --enable-var-scope

// GRU: the input projections of all steps are one GEMM before the time
// loop; W_hh is packed once, outside it; inside, the recurrent GEMM on the
// packed panels and one gate generic on the r, z, n blocks (columns 0, H,
// 2H) of both projections, sliced as [B, H] views.
// CHECK-LABEL: func.func @gru
// CHECK: linalg.generic {{.*}}outs(%{{.*}} : tensor<1x5x32xf32>)
// CHECK: scf.parallel
// CHECK: %[[HH:.*]] = linalg.generic {{.*}}outs(%{{.*}} : tensor<1x8x32xf32>)
// CHECK: scf.for
// CHECK-NOT: tensor<1x8x32xf32>
// CHECK:   bufferization.to_buffer %[[HH]]
// CHECK:   scf.parallel
// CHECK:     vector.fma
// CHECK:   %[[R:.*]] = tensor.extract_slice %[[GI:.*]][0, 0] [%{{.*}}, 8] [1, 1] : tensor<?x24xf32> to tensor<?x8xf32>
// CHECK:   %[[Z:.*]] = tensor.extract_slice %[[GI]][0, 8] [%{{.*}}, 8] [1, 1]
// CHECK:   %[[N:.*]] = tensor.extract_slice %[[GI]][0, 16] [%{{.*}}, 8] [1, 1]
// CHECK:   linalg.generic {{.*}}ins(%{{.*}}, %[[R]], %[[Z]], %[[N]], %{{.*}}, %{{.*}}, %{{.*}} :
// CHECK:     math.tanh
// CHECK:   tensor.insert_slice
func.func @gru(%x: tensor<?x?x5xf32>, %wi: tensor<24x5xf32>, %wh: tensor<24x8xf32>, %bi: tensor<24xf32>, %bh: tensor<24xf32>) -> tensor<?x?x8xf32> {
  %y, %h = seq.rnn %x weights(%wi, %wh, %bi, %bh) {cell = #seq<rnn_cell gru>, hidden = 8 : i64, layers = 1 : i64, solver = #seq<solver_request auto>} : (tensor<?x?x5xf32>, tensor<24x5xf32>, tensor<24x8xf32>, tensor<24xf32>, tensor<24xf32>) -> (tensor<?x?x8xf32>, tensor<1x?x8xf32>)
  return %y : tensor<?x?x8xf32>
}

// -----

// A fixed batch: every per-step slice and the state are static [2, H]
// (the time loop's bound stays the dynamic T).
// CHECK-LABEL: func.func @gru_fixed_batch
// CHECK: scf.for {{.*}} -> (tensor<2x8xf32>, tensor<2x?x8xf32>)
// CHECK:   tensor.extract_slice %{{.*}}[0, %{{.*}}, 0] [2, 1, 24] [1, 1, 1] : tensor<2x?x24xf32> to tensor<2x24xf32>
// CHECK:   tensor.extract_slice %{{.*}}[0, 16] [2, 8] [1, 1] : tensor<2x24xf32> to tensor<2x8xf32>
// CHECK:   linalg.generic {{.*}}outs(%{{.*}} : tensor<2x8xf32>)
// CHECK:   tensor.insert_slice %{{.*}}[0, %{{.*}}, 0] [2, 1, 8] [1, 1, 1] : tensor<2x8xf32> into tensor<2x?x8xf32>
func.func @gru_fixed_batch(%x: tensor<2x?x5xf32>, %wi: tensor<24x5xf32>, %wh: tensor<24x8xf32>, %bi: tensor<24xf32>, %bh: tensor<24xf32>) -> (tensor<2x?x8xf32>, tensor<1x2x8xf32>) {
  %y, %h = seq.rnn %x weights(%wi, %wh, %bi, %bh) {cell = #seq<rnn_cell gru>, hidden = 8 : i64, layers = 1 : i64, solver = #seq<solver_request auto>} : (tensor<2x?x5xf32>, tensor<24x5xf32>, tensor<24x8xf32>, tensor<24xf32>, tensor<24xf32>) -> (tensor<2x?x8xf32>, tensor<1x2x8xf32>)
  return %y, %h : tensor<2x?x8xf32>, tensor<1x2x8xf32>
}

// -----

// LSTM, all static, two layers, with initial states: the i, f, g, o blocks
// (columns 0, H, 2H, 3H) as static [3, H] views; the o blocks read again by
// the second generic (h' from c').
// CHECK-LABEL: func.func @lstm_static
// CHECK: scf.for {{.*}} -> (tensor<3x4xf32>, tensor<3x7x4xf32>, tensor<3x4xf32>)
// CHECK:   %[[OI:.*]] = tensor.extract_slice %{{.*}}[0, 12] [3, 4] [1, 1] : tensor<3x16xf32> to tensor<3x4xf32>
// CHECK:   %[[OH:.*]] = tensor.extract_slice %{{.*}}[0, 12] [3, 4] [1, 1] : tensor<3x16xf32> to tensor<3x4xf32>
// CHECK:   %[[C:.*]] = linalg.generic {{.*}}outs(%{{.*}} : tensor<3x4xf32>)
// CHECK:   linalg.generic {{.*}}ins(%[[C]], %[[OI]], %[[OH]] : {{.*}}outs(%{{.*}} : tensor<3x4xf32>)
// CHECK: scf.for {{.*}} -> (tensor<3x4xf32>, tensor<3x7x4xf32>, tensor<3x4xf32>)
func.func @lstm_static(%x: tensor<3x7x5xf32>, %h0: tensor<2x3x4xf32>, %c0: tensor<2x3x4xf32>, %wi0: tensor<16x5xf32>, %wh0: tensor<16x4xf32>, %bi0: tensor<16xf32>, %bh0: tensor<16xf32>, %wi1: tensor<16x4xf32>, %wh1: tensor<16x4xf32>, %bi1: tensor<16xf32>, %bh1: tensor<16xf32>) -> (tensor<3x7x4xf32>, tensor<2x3x4xf32>, tensor<2x3x4xf32>) {
  %y, %h, %c = seq.rnn %x h0(%h0) c0(%c0) weights(%wi0, %wh0, %bi0, %bh0, %wi1, %wh1, %bi1, %bh1) {cell = #seq<rnn_cell lstm>, hidden = 4 : i64, layers = 2 : i64, solver = #seq<solver_request sequential>} : (tensor<3x7x5xf32>, tensor<2x3x4xf32>, tensor<2x3x4xf32>, tensor<16x5xf32>, tensor<16x4xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16x4xf32>, tensor<16x4xf32>, tensor<16xf32>, tensor<16xf32>) -> (tensor<3x7x4xf32>, tensor<2x3x4xf32>, tensor<2x3x4xf32>)
  return %y, %h, %c : tensor<3x7x4xf32>, tensor<2x3x4xf32>, tensor<2x3x4xf32>
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
