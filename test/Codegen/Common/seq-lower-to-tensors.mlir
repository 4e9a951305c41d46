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
// spikes is a kernel call (a target may compute it sparsely); one fused
// into the neuron that is its only user goes into the neuron's call, which
// takes the linear's input and weight. The neuron's body: a loop over time
// carrying the potential [B, N]; charge, fire (H ≥ 1), hard reset to 0.
// CHECK-LABEL: func.func @linears_left
// CHECK-SAME: (%{{.+}}: tensor<?x8xf32>, %[[S:[^:]+]]: tensor<2x?x8xf32>, %[[W:[^:]+]]: tensor<4x8xf32>)
// CHECK: %[[ZERO:.+]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[ZEROS:.+]] = linalg.fill ins(%[[ZERO]] : f32)
// CHECK: linalg.contract {{.*}} outs(%[[ZEROS]] : tensor<?x4xf32>)
// CHECK: call @seqc_kernel_spike_linear(%[[S]], %[[W]])
// CHECK: call @[[NL:seqc_kernel_neurons_linear]](%[[S]], %[[W]])
// CHECK-NOT: seq.
// CHECK: func.func private @seqc_kernel_spike_linear({{.*}}seq.kernel = {name = "spike_linear"}
// CHECK:   linalg.contract
// CHECK: func.func private @[[NL]]({{.*}}seq.kernel = {bias = false, decay_input = true, kind = "lif", name = "neurons_linear", reset = 0.000000e+00 : f64, tau = 2.000000e+00 : f64, threshold = 1.000000e+00 : f64, v0 = false}
// CHECK:   linalg.contract
// CHECK:   scf.for {{.*}} -> (tensor<2x4xf32>, tensor<2x?x4xf32>)
// CHECK:     arith.cmpf oge
// CHECK:     tensor.insert_slice
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
// carried state [B, H] and W_hh [3H, H], marked to stay f32 with bf16
// products (its rounding would add up along the steps).
// CHECK-LABEL: func.func @gru
// CHECK: linalg.contract {{.*}}] ins(%{{.+}}, %{{.+}} : tensor<2x?x3xf32>, tensor<12x3xf32>)
// CHECK: scf.for
// CHECK:   linalg.broadcast
// CHECK:   linalg.contract {{.*}} {seq.f32_product} ins(%{{.+}}, %{{.+}} : tensor<2x4xf32>, tensor<12x4xf32>)
// CHECK:   math.tanh
// CHECK:   scf.yield
// CHECK-NOT: seq.rnn
func.func @gru(%x: tensor<2x?x3xf32>, %wih: tensor<12x3xf32>, %whh: tensor<12x4xf32>, %bih: tensor<12xf32>, %bhh: tensor<12xf32>) -> (tensor<2x?x4xf32>, tensor<1x2x4xf32>) {
  %y, %h = seq.rnn %x weights(%wih, %whh, %bih, %bhh) {cell = #seq<rnn_cell gru>, hidden = 4 : i64, layers = 1 : i64, solver = #seq<solver_request sequential>} : (tensor<2x?x3xf32>, tensor<12x3xf32>, tensor<12x4xf32>, tensor<12xf32>, tensor<12xf32>) -> (tensor<2x?x4xf32>, tensor<1x2x4xf32>)
  return %y, %h : tensor<2x?x4xf32>, tensor<1x2x4xf32>
}

// -----

// linear_recurrence is a kernel call: the scan is the body of a private
// function marked seq.kernel (a target may call its own kernel instead).
// Sequential: one loop over time carrying h [B, D], a_t ⊙ h + b_t per step.
// CHECK-LABEL: func.func @scan_sequential
// CHECK: %{{.+}}:2 = call @[[FN:seqc_kernel_linear_recurrence]](%{{.+}}, %{{.+}}) : (tensor<2x?x5xf32>, tensor<2x?x5xf32>) -> (tensor<2x?x5xf32>, tensor<2x5xf32>)
// CHECK-NOT: seq.linear_recurrence
// CHECK: func.func private @[[FN]]({{.*}} attributes {seq.kernel = {name = "linear_recurrence", scan = #seq.scan<method = sequential>}}
// CHECK:   linalg.fill
// CHECK:   scf.for {{.*}} -> (tensor<2x5xf32>, tensor<2x?x5xf32>)
// CHECK:     linalg.generic
// CHECK:       arith.mulf
// CHECK:       arith.addf
// CHECK:     tensor.insert_slice
// CHECK-NOT: scf.forall
// CHECK-NOT: vector.
func.func @scan_sequential(%a: tensor<2x?x5xf32>, %b: tensor<2x?x5xf32>) -> (tensor<2x?x5xf32>, tensor<2x5xf32>) {
  %h, %hT = seq.linear_recurrence %a, %b {seq.scan = #seq.scan<method = sequential>} : (tensor<2x?x5xf32>, tensor<2x?x5xf32>) -> (tensor<2x?x5xf32>, tensor<2x5xf32>)
  return %h, %hT : tensor<2x?x5xf32>, tensor<2x5xf32>
}

// -----

// Chunked into a parallel scan as tensor-level structure: (1) an
// scf.forall over the ceil(T / 64) chunks writes each chunk's transfer
// (Π a from ones, the state from zeros) into row c of P and S; (2) a loop
// over the chunks carries h0 through them, recording each chunk's carry;
// (3) an scf.forall over the chunks scans each from its carry into its
// [B, n, D] slice of the states.
// CHECK-LABEL: func.func @scan_chunked
// CHECK: func.func private @seqc_kernel_linear_recurrence
// CHECK-SAME: (%{{.+}}: tensor<2x?x5xf32>, %{{.+}}: tensor<2x?x5xf32>, %[[H0:[^:]+]]: tensor<2x5xf32>)
// CHECK-SAME: scan = #seq.scan<method = chunked, chunk = 64>
// CHECK: %[[CHUNKS:.+]] = arith.ceildivui %{{.+}}, %c64
// CHECK: %[[T:.+]]:2 = scf.forall (%[[C:.+]]) in (%[[CHUNKS]]) shared_outs(%[[P:.+]] = %{{.+}}, %[[S:.+]] = %{{.+}})
// CHECK:   arith.constant 1.0
// CHECK:   scf.for
// CHECK:   scf.forall.in_parallel
// CHECK:     tensor.parallel_insert_slice %{{.+}} into %[[P]][0, %[[C]], 0] [2, 1, 5]
// CHECK:     tensor.parallel_insert_slice %{{.+}} into %[[S]][0, %[[C]], 0] [2, 1, 5]
// CHECK: %[[CARRY:.+]]:2 = scf.for %{{.+}} = %{{.+}} to %[[CHUNKS]] {{.*}} iter_args(%{{.+}} = %[[H0]],
// CHECK: %[[OUT:.+]] = scf.forall (%[[C2:.+]]) in (%[[CHUNKS]]) shared_outs(%[[O:.+]] = %{{.+}})
// CHECK:   %[[LO:.+]] = arith.muli %[[C2]], %c64
// CHECK-DAG: tensor.extract_slice %[[O]][0, %[[LO]], 0] [2, %[[N:[^,]+]], 5]
// CHECK-DAG: tensor.extract_slice %[[CARRY]]#1[0, %[[C2]], 0] [2, 1, 5]
// CHECK:   scf.for {{.*}} -> (tensor<2x5xf32>, tensor<2x?x5xf32>)
// CHECK:   tensor.parallel_insert_slice %{{.+}} into %[[O]][0, %[[LO]], 0] [2, %[[N]], 5]
// CHECK: return %[[OUT]], %[[CARRY]]#0
func.func @scan_chunked(%a: tensor<2x?x5xf32>, %b: tensor<2x?x5xf32>, %h0: tensor<2x5xf32>) -> (tensor<2x?x5xf32>, tensor<2x5xf32>) {
  %h, %hT = seq.linear_recurrence %a, %b init(%h0) {seq.scan = #seq.scan<method = chunked, chunk = 64>} : (tensor<2x?x5xf32>, tensor<2x?x5xf32>, tensor<2x5xf32>) -> (tensor<2x?x5xf32>, tensor<2x5xf32>)
  return %h, %hT : tensor<2x?x5xf32>, tensor<2x5xf32>
}

// -----

// A causal convolution of more than 16 taps is a kernel call whose body is
// a reduction over the taps i of x padded in front by K − 1 steps, read at
// (b, t + i, d), into the bias; silu after it. Up to 16 taps it is one
// elementwise op (test/Codegen/CPU/seq-lower-cpu-kernels.mlir).
// CHECK-DAG: #[[$PAD:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d1 + d3, d2)>
// CHECK-DAG: #[[$TAP:.+]] = affine_map<(d0, d1, d2, d3) -> (d3, d2)>
// CHECK-LABEL: func.func @conv_taps
// CHECK: %[[WT:.+]] = linalg.transpose
// CHECK: call @[[FN:seqc_kernel_causal_conv_taps]](%{{.+}}, %[[WT]], %{{.+}}) : (tensor<?x?x4xf32>, tensor<17x4xf32>, tensor<4xf32>)
// CHECK: linalg.generic
// CHECK:   arith.divf
// CHECK: func.func private @[[FN]]({{.*}} attributes {seq.kernel = {kernel = 17 : i64, name = "causal_conv_taps"}}
// CHECK:   tensor.insert_slice %{{.+}} into %{{.+}}[0, 16, 0]
// CHECK:   linalg.generic {indexing_maps = [#[[$PAD]], #[[$TAP]], #{{.+}}], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
func.func @conv_taps(%x: tensor<?x?x4xf32>, %w: tensor<4x17xf32>, %b: tensor<4xf32>) -> tensor<?x?x4xf32> {
  %y = seq.causal_conv1d %x weights(%w, %b) {kernel = 17 : i64, activation = #seq<conv_activation silu>} : (tensor<?x?x4xf32>, tensor<4x17xf32>, tensor<4xf32>) -> tensor<?x?x4xf32>
  return %y : tensor<?x?x4xf32>
}

// -----

// PGN with a window of more than 16 steps unfolds it by a kernel call: one
// copy over (b, t, j, c) from x padded by w steps, read at (b, t + j, c),
// collapsed to [B, T, w·c]; the history is one contraction with the
// weight's last two dims swapped and flattened.
// CHECK-DAG: #[[$WIN:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d1 + d2, d3)>
// CHECK-LABEL: func.func @pgn_window
// CHECK: %[[U:.+]] = call @[[FN:seqc_kernel_unfold_window]](%{{.+}}) : (tensor<?x?x4xf32>) -> tensor<?x?x68xf32>
// CHECK: linalg.contract {{.*}} ins(%[[U]], %{{.+}} : tensor<?x?x68xf32>, tensor<3x68xf32>)
// CHECK-NOT: seq.pgn
// CHECK: func.func private @[[FN]]({{.*}} attributes {seq.kernel = {name = "unfold_window", window = 17 : i64}}
// CHECK:   linalg.generic {indexing_maps = [#[[$WIN]], #{{.+}}]{{.*}}outs(%{{.+}} : tensor<?x?x17x4xf32>)
// CHECK:   tensor.collapse_shape %{{.+}} {{\[}}[0], [1], [2, 3]] : tensor<?x?x17x4xf32> into tensor<?x?x68xf32>
func.func @pgn_window(%x: tensor<?x?x4xf32>, %hw: tensor<3x4x17xf32>, %hb: tensor<3xf32>, %gw: tensor<6x7xf32>, %gb: tensor<6xf32>) -> tensor<?x?x3xf32> {
  %y = seq.pgn %x weights(%hw, %hb, %gw, %gb) {hidden = 3 : i64, window = 17 : i64} : (tensor<?x?x4xf32>, tensor<3x4x17xf32>, tensor<3xf32>, tensor<6x7xf32>, tensor<6xf32>) -> tensor<?x?x3xf32>
  return %y : tensor<?x?x3xf32>
}

// -----

// GAM: the convolution, softmax(x Mᵀ) M as two contractions around a
// max-subtracted softmax, the gates; no kernel call below 17 taps.
// CHECK-LABEL: func.func @gam
// CHECK: linalg.contract {{.*}} -> tensor<?x?x5xf32>
// CHECK: arith.maximumf
// CHECK: math.exp
// CHECK: arith.divf
// CHECK: linalg.contract {{.*}} -> tensor<?x?x4xf32>
// CHECK-NOT: call
// CHECK-NOT: seq.gam
func.func @gam(%x: tensor<?x?x4xf32>, %cw: tensor<4x3xf32>, %cb: tensor<4xf32>, %m: tensor<5x4xf32>, %qw: tensor<8x4xf32>, %qb: tensor<8xf32>) -> tensor<?x?x4xf32> {
  %z = seq.gam %x weights(%cw, %cb, %m, %qw, %qb) {slots = 5 : i64, kernel = 3 : i64} : (tensor<?x?x4xf32>, tensor<4x3xf32>, tensor<4xf32>, tensor<5x4xf32>, tensor<8x4xf32>, tensor<8xf32>) -> tensor<?x?x4xf32>
  return %z : tensor<?x?x4xf32>
}

// -----

// gla_core is a kernel call carrying the op's decisions. Chunkwise (chunks
// of 16): per chunk in parallel, the cumulative log decay (a masked
// reduction over the chunk's steps), the scores A [B, H, n, n] (a
// reduction over keys, masked to i ≤ j, the exponent per pair), A v, and
// the chunk's decay and state update; then one loop along the chunks adds
// q̃ S to each chunk's rows and carries S [B, H, K, V].
// CHECK-LABEL: func.func @gla_chunkwise
// CHECK: call @[[FN:seqc_kernel_gla_core]](
// CHECK-NOT: seq.gla_core
// CHECK: func.func private @[[FN]]({{.*}}seq.kernel = {form = #seq.gla_form<method = chunked, chunk = 16, subchunk = 4>, gate_norm = 0.000000e+00 : f64, heads = 2 : i64, name = "gla_core", scale = 5.000000e-01 : f64}
// CHECK:   tensor.expand_shape {{.*}} into tensor<2x?x2x4xf32>
// CHECK:   %[[PARTS:.+]]:4 = scf.forall (%[[C:.+]]) in (%{{.+}}) shared_outs(
// CHECK:     linalg.index 4
// CHECK:     arith.cmpi ule
// CHECK:     linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]{{.*}}outs(%{{.+}} : tensor<2x2x?x?xf32>)
// CHECK:       math.exp
// CHECK:     scf.forall.in_parallel
// CHECK-COUNT-4: tensor.parallel_insert_slice
// CHECK:   %[[STATE:.+]]:2 = scf.for {{.*}} -> (tensor<2x2x4x3xf32>, tensor<2x?x2x3xf32>)
// CHECK:     tensor.extract_slice %[[PARTS]]#1
// CHECK:     linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]
// CHECK:     linalg.generic {{.*}}outs(%{{.+}} : tensor<2x2x4x3xf32>)
// CHECK:   tensor.collapse_shape %[[STATE]]#1 {{.*}} into tensor<2x?x6xf32>
// CHECK-NOT: vector.
func.func @gla_chunkwise(%q: tensor<2x?x8xf32>, %k: tensor<2x?x8xf32>, %v: tensor<2x?x6xf32>, %g: tensor<2x?x8xf32>) -> (tensor<2x?x6xf32>, tensor<2x2x4x3xf32>) {
  %o, %s = seq.gla_core %q, %k, %v, %g {heads = 2 : i64, scale = 0.5 : f64, seq.gla_form = #seq.gla_form<method = chunked, chunk = 16, subchunk = 4>} : (tensor<2x?x8xf32>, tensor<2x?x8xf32>, tensor<2x?x6xf32>, tensor<2x?x8xf32>) -> (tensor<2x?x6xf32>, tensor<2x2x4x3xf32>)
  return %o, %s : tensor<2x?x6xf32>, tensor<2x2x4x3xf32>
}

// -----

// Recurrent: one loop over time carrying S; per step S = e^g ⊙ S + kᵀv
// (written over S) and o_t = scale·q S (a reduction over keys).
// CHECK-LABEL: func.func @gla_recurrent
// CHECK: func.func private @seqc_kernel_gla_core
// CHECK-NOT: scf.forall
// CHECK: scf.for {{.*}} -> (tensor<2x2x4x3xf32>, tensor<2x?x2x3xf32>)
// CHECK:   linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "parallel", "parallel"]{{.*}}outs(%{{.+}} : tensor<2x2x4x3xf32>)
// CHECK:     math.exp
// CHECK:   linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "parallel", "reduction"]{{.*}}outs(%{{.+}} : tensor<2x2x3xf32>)
func.func @gla_recurrent(%q: tensor<2x?x8xf32>, %k: tensor<2x?x8xf32>, %v: tensor<2x?x6xf32>, %g: tensor<2x?x8xf32>) -> (tensor<2x?x6xf32>, tensor<2x2x4x3xf32>) {
  %o, %s = seq.gla_core %q, %k, %v, %g {heads = 2 : i64, scale = 0.5 : f64} : (tensor<2x?x8xf32>, tensor<2x?x8xf32>, tensor<2x?x6xf32>, tensor<2x?x8xf32>) -> (tensor<2x?x6xf32>, tensor<2x2x4x3xf32>)
  return %o, %s : tensor<2x?x6xf32>, tensor<2x2x4x3xf32>
}

// -----

// gated_attention: q, k, v and the gate one contraction; the attention a
// kernel call on it, o_proj after. Its body: RoPE on q and k (cos and sin of
// t·θ^(−2i/Dh) in f64), the query heads grouped under their kv head
// ([B, T, Hkv, G, Dh]), an scf.forall over tiles of 32 query rows, each
// walking the key blocks of 64 up to its last row with the online softmax
// (running max, α = e^{m − m'}, running sum and accumulator carried), then
// acc / l and the gate's sigmoid.
// CHECK-LABEL: func.func @gated_attention
// CHECK: %[[FUSED:.+]] = linalg.contract {{.*}} -> tensor<?x?x24xf32>
// CHECK: %[[O:.+]] = call @[[FN:seqc_kernel_gated_attention]](%[[FUSED]])
// CHECK: linalg.contract {{.*}} ins(%[[O]], %{{.+}} : tensor<?x?x8xf32>, tensor<4x8xf32>)
// CHECK: func.func private @[[FN]]({{.*}}seq.kernel = {gate = #seq<attention_gate elementwise>, head_dim = 4 : i64, heads = 2 : i64, kv_heads = 1 : i64, name = "gated_attention", rope_theta = 1.000000e+04 : f64}
// CHECK:   math.cos
// CHECK:   math.sin
// CHECK:   tensor.expand_shape {{.*}} into tensor<?x?x1x2x4xf32>
// CHECK:   scf.forall
// CHECK:     arith.constant 32 : index
// CHECK:     scf.for {{.*}} -> (tensor<?x1x2x?xf32>, tensor<?x1x2x?xf32>, tensor<?x?x1x2x4xf32>)
// CHECK:       arith.cmpi ugt
// CHECK:       arith.maximumf
// CHECK:       math.exp
// CHECK:     arith.divf
// CHECK:   tensor.collapse_shape {{.*}} into tensor<?x?x8xf32>
// CHECK-NOT: vector.
func.func @gated_attention(%x: tensor<?x?x4xf32>, %wq: tensor<8x4xf32>, %wk: tensor<4x4xf32>, %wv: tensor<4x4xf32>, %wg: tensor<8x4xf32>, %wo: tensor<4x8xf32>) -> tensor<?x?x4xf32> {
  %y, %y_k, %y_v = seq.gated_attention %x weights(%wq, %wk, %wv, %wg, %wo) {heads = 2 : i64, kv_heads = 1 : i64, head_dim = 4 : i64, gate = #seq<attention_gate elementwise>, rope_theta = 10000.0 : f64} : (tensor<?x?x4xf32>, tensor<8x4xf32>, tensor<4x4xf32>, tensor<4x4xf32>, tensor<8x4xf32>, tensor<4x8xf32>) -> (tensor<?x?x4xf32>, tensor<?x?x4xf32>, tensor<?x?x4xf32>)
  return %y : tensor<?x?x4xf32>
}

// -----

// wkv: checks of k against v, then a kernel call whose body carries the
// running-max state (aa, bb, pp) [B, D] along time.
// CHECK-LABEL: func.func @wkv
// CHECK: call @[[FN:seqc_kernel_wkv]](
// CHECK: func.func private @[[FN]]({{.*}}seq.kernel = {name = "wkv"}
// CHECK:   arith.constant -9.99999968E+37 : f32
// CHECK:   scf.for {{.*}} -> (tensor<?x16xf32>, tensor<?x16xf32>, tensor<?x16xf32>, tensor<?x?x16xf32>)
// CHECK:     arith.maximumf
// CHECK:     arith.divf
func.func @wkv(%k: tensor<?x?x16xf32>, %v: tensor<?x?x16xf32>, %d: tensor<16xf32>, %u: tensor<16xf32>) -> tensor<?x?x16xf32> {
  %y = seq.wkv %k, %v weights(%d, %u) : (tensor<?x?x16xf32>, tensor<?x?x16xf32>, tensor<16xf32>, tensor<16xf32>) -> tensor<?x?x16xf32>
  return %y : tensor<?x?x16xf32>
}

// -----

// para_gru: the three input projections are contractions; the recurrence a
// kernel call with the solver's decisions, whose body solves it as chosen,
// here by Newton: the first iterate f(0, x) over all steps at once, then an
// scf.while whose linearization is one elementwise op over (b, t, h) (the
// Jacobian, the right-hand side, the residual), the residual's max a
// reduction, and the linear recurrence the chunked scan (an scf.forall
// over chunks, a loop over the carries, an scf.forall again); past the
// cap, the error names the node.
// CHECK: seq.check_messages = ["node 'seq.para_gru': the newton solver did not converge in 4 iterations; use solver \22sequential\22"]
// CHECK-LABEL: func.func @para_gru
// CHECK-COUNT-3: linalg.contract
// CHECK: call @[[FN:seqc_kernel_para_rnn]](
// CHECK: func.func private @[[FN]]({{.*}}seq.kernel = {c0 = false, cell = "gru", h0 = false, name = "para_rnn", node = "seq.para_gru", request = #seq<solver_request newton>, scan = #seq.scan<method = chunked, chunk = 4>, solver = #seq.solver<method = newton, max_iterations = 4, tolerance = 1.000000e-05 : f64>}
// CHECK:   linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "parallel"]
// CHECK:     math.tanh
// CHECK:   scf.while
// CHECK:     %[[LIN:.+]]:3 = linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "parallel"]
// CHECK:       tensor.extract
// CHECK:       math.absf
// CHECK:     linalg.generic {{.*}}iterator_types = ["reduction", "reduction", "reduction"]
// CHECK:       arith.maximumf
// CHECK:     scf.condition(%{{.+}}) %{{.+}}, %{{.+}}, %{{.+}}, %[[LIN]]#0, %[[LIN]]#1 :
// CHECK:   } do {
// CHECK:     scf.forall
// CHECK:     scf.for
// CHECK:     scf.forall
// CHECK:   scf.if
// CHECK:     memref.store
func.func @para_gru(%x: tensor<1x?x4xf32>, %w: tensor<8x4xf32>, %v: tensor<8xf32>) -> tensor<1x?x8xf32> {
  %y, %h = seq.para_gru %x weights(%w, %w, %w, %v, %v, %v, %v, %v, %v) {hidden = 8 : i64, solver = #seq<solver_request newton>, seq.solver = #seq.solver<method = newton, max_iterations = 4, tolerance = 1.0e-05 : f64>, seq.scan = #seq.scan<method = chunked, chunk = 4>} : (tensor<1x?x4xf32>, tensor<8x4xf32>, tensor<8x4xf32>, tensor<8x4xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) -> (tensor<1x?x8xf32>, tensor<1x8xf32>)
  return %y : tensor<1x?x8xf32>
}

// -----

// para_lstm by Newton with the sequential scan: the linear steps couple
// (h, c) by 2x2 blocks, so the linearization yields four Jacobian entries
// and two right-hand sides, and each step of the scan sums two products
// per state.
// CHECK-LABEL: func.func @para_lstm
// CHECK: func.func private @seqc_kernel_para_rnn(
// CHECK:   scf.while {{.*}} -> (index, f32, tensor<1x?x8xf32>, tensor<1x?x8xf32>, tensor<1x?x8xf32>, tensor<1x?x8xf32>, tensor<1x?x8xf32>, tensor<1x?x8xf32>, tensor<1x?x8xf32>, tensor<1x?x8xf32>)
// CHECK:     %{{.+}}:7 = linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "parallel"]
// CHECK:   } do {
// CHECK:     scf.for {{.*}} -> (tensor<1x8xf32>, tensor<1x8xf32>, tensor<1x?x8xf32>, tensor<1x?x8xf32>)
// CHECK:       linalg.generic
// CHECK:         arith.mulf
// CHECK:         arith.mulf
// CHECK:         arith.addf
// CHECK:         arith.addf
// CHECK-NOT: scf.forall
func.func @para_lstm(%x: tensor<1x?x4xf32>, %w: tensor<8x4xf32>, %v: tensor<8xf32>) -> tensor<1x?x8xf32> {
  %y, %h, %c = seq.para_lstm %x weights(%w, %w, %w, %v, %v, %v, %v, %v, %v, %v, %v) {hidden = 8 : i64, solver = #seq<solver_request newton>, seq.solver = #seq.solver<method = newton, max_iterations = 4, tolerance = 1.0e-05 : f64>, seq.scan = #seq.scan<method = sequential>} : (tensor<1x?x4xf32>, tensor<8x4xf32>, tensor<8x4xf32>, tensor<8x4xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) -> (tensor<1x?x8xf32>, tensor<1x8xf32>, tensor<1x8xf32>)
  return %y : tensor<1x?x8xf32>
}
