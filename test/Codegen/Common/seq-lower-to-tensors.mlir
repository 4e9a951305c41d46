// RUN: seqc-opt %s --seq-lower-to-tensors --split-input-file | FileCheck %s --enable-var-scope

// A linear layer is a linalg.contract of x [..., K] and w [N, K] into the
// bias broadcast over the rows: target-independent, no vector or memref
// code (each target computes it its own way).
// CHECK-DAG: #[[$X:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d3)>
// CHECK-DAG: #[[$W:.+]] = affine_map<(d0, d1, d2, d3) -> (d2, d3)>
// CHECK-DAG: #[[$Y:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>
// CHECK-LABEL: func.func @linear
// CHECK-SAME: (%[[XV:.+]]: tensor<?x?x8xf32>, %[[WV:.+]]: tensor<4x8xf32>, %[[BV:.+]]: tensor<4xf32>)
// CHECK: %[[INIT:.+]] = linalg.broadcast ins(%[[BV]] : tensor<4xf32>) outs(%{{.+}} : tensor<?x?x4xf32>) dimensions = [0, 1]
// CHECK: linalg.contract indexing_maps = [#[[$X]], #[[$W]], #[[$Y]]] ins(%[[XV]], %[[WV]] : tensor<?x?x8xf32>, tensor<4x8xf32>) outs(%[[INIT]] : tensor<?x?x4xf32>)
// CHECK-NOT: vector.
// CHECK-NOT: memref.
// CHECK-NOT: seq.linear
func.func @linear(%x: tensor<?x?x8xf32>, %w: tensor<4x8xf32>, %b: tensor<4xf32>) -> tensor<?x?x4xf32> {
  %y = seq.linear %x weights(%w, %b) {out = 4 : i64, bias = true} : (tensor<?x?x8xf32>, tensor<4x8xf32>, tensor<4xf32>) -> tensor<?x?x4xf32>
  return %y : tensor<?x?x4xf32>
}

// -----

// Without a bias the contraction accumulates into zeros. A linear on
// spikes, and one fused into the neuron that is its only user, are the
// target's.
// CHECK-LABEL: func.func @linears_left
// CHECK: %[[ZERO:.+]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[ZEROS:.+]] = linalg.fill ins(%[[ZERO]] : f32)
// CHECK: linalg.contract {{.*}} outs(%[[ZEROS]] : tensor<?x4xf32>)
// CHECK: seq.linear %{{.+}} {{.*}}spike_input
// CHECK: %[[FUSED:.+]] = seq.linear
// CHECK: seq.lif %[[FUSED]]
func.func @linears_left(%x: tensor<?x8xf32>, %s: tensor<2x?x8xf32>, %w: tensor<4x8xf32>) -> (tensor<?x4xf32>, tensor<2x?x4xf32>, tensor<2x?x4xf32>) {
  %a = seq.linear %x weights(%w) {out = 4 : i64, bias = false} : (tensor<?x8xf32>, tensor<4x8xf32>) -> tensor<?x4xf32>
  %b = seq.linear %s weights(%w) {out = 4 : i64, bias = false, spike_input} : (tensor<2x?x8xf32>, tensor<4x8xf32>) -> tensor<2x?x4xf32>
  %c = seq.linear %s weights(%w) {out = 4 : i64, bias = false} : (tensor<2x?x8xf32>, tensor<4x8xf32>) -> tensor<2x?x4xf32>
  %z, %v = seq.lif %c {tau = 2.0 : f64, v_threshold = 1.0 : f64, v_reset = 0.0 : f64, decay_input = true} : (tensor<2x?x4xf32>) -> (tensor<2x?x4xf32>, tensor<2x4xf32>)
  return %a, %b, %z : tensor<?x4xf32>, tensor<2x?x4xf32>, tensor<2x?x4xf32>
}

// -----

// rms_norm: a row reduction of x², then one elementwise pass.
// CHECK-LABEL: func.func @rms_norm
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "reduction"]
// CHECK: math.rsqrt
// CHECK: linalg.generic
// CHECK-NOT: seq.rms_norm
func.func @rms_norm(%x: tensor<?x?x8xf32>, %w: tensor<8xf32>) -> tensor<?x?x8xf32> {
  %y = seq.rms_norm %x weights(%w) {eps = 1.0e-6 : f64} : (tensor<?x?x8xf32>, tensor<8xf32>) -> tensor<?x?x8xf32>
  return %y : tensor<?x?x8xf32>
}

// -----

// Broadcasting reads a size-1 dim at index 0; dynamic dims spanned by both
// operands get a run-time check that records a message and clamps.
// CHECK: memref.global "private" @seqc_status : memref<i32> = dense<0>
// CHECK-LABEL: func.func @add_broadcast
// CHECK: %[[NE:.*]] = arith.cmpi ne
// CHECK: scf.if %[[NE]] {
// CHECK:   memref.get_global @seqc_status
// CHECK:   memref.store
// CHECK: arith.minui
// CHECK: tensor.extract_slice
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #{{.*}}, #{{.*}}]
func.func @add_broadcast(%a: tensor<?x8xf32>, %b: tensor<?x8xf32>, %c: tensor<1x8xf32>) -> (tensor<?x8xf32>, tensor<?x8xf32>) {
  %y = seq.add %a, %b : (tensor<?x8xf32>, tensor<?x8xf32>) -> tensor<?x8xf32>
  %z = seq.mul %a, %c : (tensor<?x8xf32>, tensor<1x8xf32>) -> tensor<?x8xf32>
  return %y, %z : tensor<?x8xf32>, tensor<?x8xf32>
}

// -----

// Token ids are clamped into the table (the runtime rejects bad ids first).
// CHECK-LABEL: func.func @embedding
// CHECK: arith.index_cast
// CHECK: arith.minsi
// CHECK: arith.maxsi
// CHECK: tensor.extract %{{.*}}[%{{.*}}, %{{.*}}] : tensor<10x4xf32>
func.func @embedding(%ids: tensor<?x?xi64>, %w: tensor<10x4xf32>) -> tensor<?x?x4xf32> {
  %y = seq.embedding %ids weights(%w) {num = 10 : i64, dim = 4 : i64} : (tensor<?x?xi64>, tensor<10x4xf32>) -> tensor<?x?x4xf32>
  return %y : tensor<?x?x4xf32>
}

// -----

// glu_mlp: gate and up contractions, silu(gate) ⊙ up, the down contraction.
// CHECK-LABEL: func.func @glu_mlp
// CHECK-COUNT-2: linalg.contract
// CHECK: linalg.generic
// CHECK: arith.mulf
// CHECK: linalg.contract {{.*}} -> tensor<?x4xf32>
func.func @glu_mlp(%x: tensor<?x4xf32>, %g: tensor<6x4xf32>, %u: tensor<6x4xf32>, %d: tensor<4x6xf32>) -> tensor<?x4xf32> {
  %y = seq.glu_mlp %x weights(%g, %u, %d) {hidden = 6 : i64} : (tensor<?x4xf32>, tensor<6x4xf32>, tensor<6x4xf32>, tensor<4x6xf32>) -> tensor<?x4xf32>
  return %y : tensor<?x4xf32>
}

// -----

// GRU: the input projections of all steps are one contraction before the
// loop over time; the recurrent one is a contraction in the loop, on the
// carried state [B, H] and W_hh [3H, H].
// CHECK-LABEL: func.func @gru
// CHECK: linalg.contract {{.*}} ins(%{{.+}}, %{{.+}} : tensor<2x?x3xf32>, tensor<12x3xf32>)
// CHECK: scf.for
// CHECK:   linalg.broadcast
// CHECK:   linalg.contract {{.*}} ins(%{{.+}}, %{{.+}} : tensor<2x4xf32>, tensor<12x4xf32>)
// CHECK:   math.tanh
// CHECK:   scf.yield
// CHECK-NOT: seq.rnn
func.func @gru(%x: tensor<2x?x3xf32>, %wih: tensor<12x3xf32>, %whh: tensor<12x4xf32>, %bih: tensor<12xf32>, %bhh: tensor<12xf32>) -> (tensor<2x?x4xf32>, tensor<1x2x4xf32>) {
  %y, %h = seq.rnn %x weights(%wih, %whh, %bih, %bhh) {cell = #seq<rnn_cell gru>, hidden = 4 : i64, layers = 1 : i64, solver = #seq<solver_request sequential>} : (tensor<2x?x3xf32>, tensor<12x3xf32>, tensor<12x4xf32>, tensor<12xf32>, tensor<12xf32>) -> (tensor<2x?x4xf32>, tensor<1x2x4xf32>)
  return %y, %h : tensor<2x?x4xf32>, tensor<1x2x4xf32>
}
