// RUN: seqc-opt %s --seq-lower-to-tensors --seq-lower-cpu-kernels --seq-lower-linear-to-gemm --split-input-file | FileCheck %s --enable-var-scope

// Shape attributes past the sizes that the lowerings unroll become loop
// bounds, not code (issue 16): the IR does not grow with them.

// PGN, window 17 (16 is the last unrolled one): no slice per step; x padded
// in front with w zero steps and flattened to [B, (T + w)·c], row t of the
// unfolded window is its w·c contiguous floats from t·c, copied in vectors
// by one parallel loop.
// CHECK-LABEL: func.func @pgn_window
// CHECK: %[[PADDED:.+]] = tensor.insert_slice %{{.+}} into %{{.+}}[0, 17, 0]
// CHECK-NOT: tensor.extract_slice %[[PADDED]]
// CHECK: %[[FLAT:.+]] = tensor.collapse_shape %[[PADDED]] {{\[}}[0], [1, 2]] : tensor<?x?x4xf32> into tensor<?x?xf32>
// CHECK: %[[IN:.+]] = bufferization.to_buffer %[[FLAT]]
// CHECK: %[[U:.+]] = memref.alloc({{.*}}) : memref<?x?x68xf32>
// CHECK: scf.parallel (%[[B:.+]], %[[T:.+]], %{{.+}}) =
// CHECK:   %[[E:.+]] = arith.muli
// CHECK:   %[[ROW:.+]] = arith.muli %[[T]], %c4{{(_[0-9]+)?}} :
// CHECK:   %[[FROM:.+]] = arith.addi %[[ROW]], %[[E]]
// CHECK:   %[[V:.+]] = vector.load %[[IN]][%[[B]], %[[FROM]]]
// CHECK:   vector.store %[[V]], %[[U]][%[[B]], %[[T]], %[[E]]]
// CHECK:   vector.maskedload %[[IN]]
// CHECK:   vector.maskedstore %[[U]]
// CHECK: bufferization.to_tensor %[[U]]
// CHECK: linalg.transpose ins(%{{.+}} : tensor<3x4x17xf32>) {{.*}} permutation = [0, 2, 1]
// CHECK-NOT: tensor.insert_slice
// CHECK: return
func.func @pgn_window(%x: tensor<?x?x4xf32>, %hw: tensor<3x4x17xf32>, %hb: tensor<3xf32>, %gw: tensor<6x7xf32>, %gb: tensor<6xf32>) -> tensor<?x?x3xf32> {
  %y = seq.pgn %x weights(%hw, %hb, %gw, %gb) {hidden = 3 : i64, window = 17 : i64} : (tensor<?x?x4xf32>, tensor<3x4x17xf32>, tensor<3xf32>, tensor<6x7xf32>, tensor<6xf32>) -> tensor<?x?x3xf32>
  return %y : tensor<?x?x3xf32>
}

// -----

// causal_conv1d, kernel 17: x padded in front with K − 1 zero steps, then
// parallel over (b, t, vectors of channels), a loop over the taps that
// carries the sum from the bias: y += wᵀ[i] ⊙ padded[b, t + i].
// CHECK-LABEL: func.func @causal_conv1d_kernel
// CHECK: %[[WT:.+]] = linalg.transpose ins(%{{.+}} : tensor<4x17xf32>) outs(%{{.+}} : tensor<17x4xf32>) permutation = [1, 0]
// CHECK: %[[PADDED:.+]] = tensor.insert_slice %{{.+}} into %{{.+}}[0, 16, 0]
// CHECK-NOT: tensor.extract_slice
// CHECK: %[[P:.+]] = bufferization.to_buffer %[[PADDED]]
// CHECK: %[[W:.+]] = bufferization.to_buffer %[[WT]]
// CHECK: %[[BIAS:.+]] = bufferization.to_buffer
// CHECK: scf.parallel (%[[B:.+]], %[[T:.+]], %{{.+}}) =
// CHECK:   %[[B0:.+]] = vector.load %[[BIAS]]
// CHECK:   %[[Y:.+]] = scf.for %[[I:.+]] = %{{.+}} to %c17{{(_[0-9]+)?}} step %{{.+}} iter_args(%[[ACC:.+]] = %[[B0]]) -> (vector<16xf32>)
// CHECK:     %[[S:.+]] = arith.addi %[[T]], %[[I]]
// CHECK:     %[[X:.+]] = vector.load %[[P]][%[[B]], %[[S]], %{{.+}}]
// CHECK:     %[[WI:.+]] = vector.load %[[W]][%[[I]], %{{.+}}]
// CHECK:     %[[M:.+]] = arith.mulf %[[WI]], %[[X]]
// CHECK:     %[[SUM:.+]] = arith.addf %[[ACC]], %[[M]]
// CHECK:     scf.yield %[[SUM]]
// CHECK:   vector.store %[[Y]]
// CHECK-NOT: linalg.generic
// CHECK: return
func.func @causal_conv1d_kernel(%x: tensor<?x?x4xf32>, %w: tensor<4x17xf32>, %b: tensor<4xf32>) -> tensor<?x?x4xf32> {
  %y = seq.causal_conv1d %x weights(%w, %b) {kernel = 17 : i64, activation = #seq<conv_activation none>} : (tensor<?x?x4xf32>, tensor<4x17xf32>, tensor<4xf32>) -> tensor<?x?x4xf32>
  return %y : tensor<?x?x4xf32>
}

// -----

// The GLA layer's per-head norm and swish gate with 2 heads of 1041 value
// columns (65 pieces of 16 and a 1-column tail each, 132 pieces in all,
// past 64): a loop over the heads; in each, a loop over the full pieces
// accumulates Σ o², the tail piece masked, then a second loop writes the
// outputs.
// CHECK-LABEL: func.func @gla_value_dim
// CHECK: scf.parallel (%[[B:.+]], %[[T:.+]]) =
// CHECK:   %[[TAIL:.+]] = vector.create_mask %c1{{(_[0-9]+)?}} :
// CHECK:   scf.for %[[H:.+]] = %{{.+}} to %c2{{(_[0-9]+)?}} step
// CHECK:     %[[COL0:.+]] = arith.muli %[[H]], %c1041{{(_[0-9]+)?}} :
// CHECK:     %[[SS:.+]] = scf.for %{{.+}} = %{{.+}} to %c65{{(_[0-9]+)?}} step %{{.+}} iter_args(%[[ACC:.+]] = %{{.+}}) -> (vector<16xf32>)
// CHECK:       %[[O:.+]] = vector.load
// CHECK:       %[[FMA:.+]] = vector.fma %[[O]], %[[O]], %[[ACC]]
// CHECK:       scf.yield %[[FMA]]
// CHECK:     %[[OT:.+]] = vector.maskedload %{{.+}}, %[[TAIL]]
// CHECK:     %[[ALL:.+]] = vector.fma %[[OT]], %[[OT]], %[[SS]]
// CHECK:     vector.reduction <add>, %[[ALL]]
// CHECK:     math.rsqrt
// CHECK:     scf.for %{{.+}} = %{{.+}} to %c65{{(_[0-9]+)?}} step
// CHECK:       vector.store
// CHECK:     vector.maskedstore %{{.+}}, %[[TAIL]]
// CHECK:   }
// CHECK:   scf.reduce
// CHECK: return
func.func @gla_value_dim(%x: tensor<?x?x8xf32>, %wq: tensor<4x8xf32>, %wk: tensor<4x8xf32>, %wv: tensor<2082x8xf32>, %wg: tensor<2082x8xf32>, %w0: tensor<2x8xf32>, %w1: tensor<4x2xf32>, %b1: tensor<4xf32>, %wn: tensor<1041xf32>, %wo: tensor<8x2082xf32>) -> tensor<?x?x8xf32> {
  %y, %s = seq.gla %x weights(%wq, %wk, %wv, %wg, %w0, %w1, %b1, %wn, %wo) {heads = 2 : i64, key_dim = 4 : i64, value_dim = 2082 : i64, gate_rank = 2 : i64, gate_norm = 16.0 : f64, eps = 1.0e-05 : f64} : (tensor<?x?x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>, tensor<2082x8xf32>, tensor<2082x8xf32>, tensor<2x8xf32>, tensor<4x2xf32>, tensor<4xf32>, tensor<1041xf32>, tensor<8x2082xf32>) -> (tensor<?x?x8xf32>, tensor<?x2x2x1041xf32>)
  return %y : tensor<?x?x8xf32>
}
