// Verifier and shape-inference errors of the seq ops, one case per message.
// RUN: seqc-opt %s -split-input-file -verify-diagnostics=only-expected

func.func @linear_rank0(%x: tensor<f32>, %w: tensor<8x16xf32>) {
  // expected-error @+1 {{'seq.linear' op operand 'x' must have rank at least 1}}
  %y = seq.linear %x weights(%w) {out = 8 : i64, bias = false} : (tensor<f32>, tensor<8x16xf32>) -> tensor<8xf32>
  return
}

// -----

func.func @linear_out_zero(%x: tensor<?x16xf32>, %w: tensor<8x16xf32>) {
  // expected-error @+1 {{attribute 'out' must be at least 1, got 0}}
  %y = seq.linear %x weights(%w) {out = 0 : i64, bias = false} : (tensor<?x16xf32>, tensor<8x16xf32>) -> tensor<?x0xf32>
  return
}

// -----

func.func @linear_missing_bias(%x: tensor<?x16xf32>, %w: tensor<8x16xf32>) {
  // expected-error @+1 {{expects 2 weights, got 1}}
  %y = seq.linear %x weights(%w) {out = 8 : i64, bias = true} : (tensor<?x16xf32>, tensor<8x16xf32>) -> tensor<?x8xf32>
  return
}

// -----

func.func @linear_transposed_weight(%x: tensor<?x16xf32>, %w: tensor<16x8xf32>) {
  // expected-error @+1 {{weight 'weight' must have shape [8, 16], got [16, 8]}}
  %y = seq.linear %x weights(%w) {out = 8 : i64, bias = false} : (tensor<?x16xf32>, tensor<16x8xf32>) -> tensor<?x8xf32>
  return
}

// -----

func.func @linear_f16_weight(%x: tensor<?x16xf32>, %w: tensor<8x16xf16>) {
  // expected-error @+1 {{operand #1 must be variadic of ranked tensor of 32-bit float values, but got 'tensor<8x16xf16>'}}
  %y = seq.linear %x weights(%w) {out = 8 : i64, bias = false} : (tensor<?x16xf32>, tensor<8x16xf16>) -> tensor<?x8xf32>
  return
}

// -----

func.func @linear_f16_input(%x: tensor<?x16xf16>, %w: tensor<8x16xf32>) {
  // expected-error @+1 {{operand #0 must be ranked tensor of 32-bit float values, but got 'tensor<?x16xf16>'}}
  %y = seq.linear %x weights(%w) {out = 8 : i64, bias = false} : (tensor<?x16xf16>, tensor<8x16xf32>) -> tensor<?x8xf32>
  return
}

// -----

func.func @linear_wrong_result(%x: tensor<?x16xf32>, %w: tensor<8x16xf32>) {
  // expected-error @+1 {{inferred type(s) 'tensor<?x8xf32>' are incompatible with return type(s) of operation 'tensor<?x16xf32>'}}
  %y = seq.linear %x weights(%w) {out = 8 : i64, bias = false} : (tensor<?x16xf32>, tensor<8x16xf32>) -> tensor<?x16xf32>
  return
}

// -----

func.func @embedding_float_ids(%ids: tensor<?xf32>, %w: tensor<100x16xf32>) {
  // expected-error @+1 {{operand #0 must be ranked tensor of 32-bit signless integer or 64-bit signless integer values}}
  %y = seq.embedding %ids weights(%w) {num = 100 : i64, dim = 16 : i64} : (tensor<?xf32>, tensor<100x16xf32>) -> tensor<?x16xf32>
  return
}

// -----

func.func @embedding_table_shape(%ids: tensor<?xi64>, %w: tensor<100x8xf32>) {
  // expected-error @+1 {{weight 'weight' must have shape [100, 16], got [100, 8]}}
  %y = seq.embedding %ids weights(%w) {num = 100 : i64, dim = 16 : i64} : (tensor<?xi64>, tensor<100x8xf32>) -> tensor<?x16xf32>
  return
}

// -----

func.func @rms_norm_negative_eps(%x: tensor<?x16xf32>, %w: tensor<16xf32>) {
  // expected-error @+1 {{attribute 'eps' must not be negative}}
  %y = seq.rms_norm %x weights(%w) {eps = -1.0e-05 : f64} : (tensor<?x16xf32>, tensor<16xf32>) -> tensor<?x16xf32>
  return
}

// -----

func.func @rms_norm_infinite_eps(%x: tensor<?x16xf32>, %w: tensor<16xf32>) {
  // expected-error @+1 {{attribute 'eps' must be finite}}
  %y = seq.rms_norm %x weights(%w) {eps = 0x7FF0000000000000 : f64} : (tensor<?x16xf32>, tensor<16xf32>) -> tensor<?x16xf32>
  return
}

// -----

func.func @rms_norm_extra_weight(%x: tensor<?x16xf32>, %w: tensor<16xf32>) {
  // expected-error @+1 {{expects 1 weight, got 2}}
  %y = seq.rms_norm %x weights(%w, %w) {eps = 1.0e-05 : f64} : (tensor<?x16xf32>, tensor<16xf32>, tensor<16xf32>) -> tensor<?x16xf32>
  return
}

// -----

func.func @layer_norm_bias_shape(%x: tensor<?x16xf32>, %w: tensor<16xf32>, %b: tensor<8xf32>) {
  // expected-error @+1 {{weight 'bias' must have shape [16], got [8]}}
  %y = seq.layer_norm %x weights(%w, %b) {eps = 1.0e-05 : f64} : (tensor<?x16xf32>, tensor<16xf32>, tensor<8xf32>) -> tensor<?x16xf32>
  return
}

// -----

func.func @add_no_broadcast(%a: tensor<?x4x16xf32>, %b: tensor<8x16xf32>) {
  // expected-error @+1 {{'seq.add' op operands of shapes [?, 4, 16] and [8, 16] do not broadcast}}
  %y = seq.add %a, %b : (tensor<?x4x16xf32>, tensor<8x16xf32>) -> tensor<?x4x16xf32>
  return
}

// -----

func.func @mul_no_broadcast(%a: tensor<?x16xf32>, %b: tensor<15xf32>) {
  // expected-error @+1 {{'seq.mul' op operands of shapes [?, 16] and [15] do not broadcast}}
  %y = seq.mul %a, %b : (tensor<?x16xf32>, tensor<15xf32>) -> tensor<?x16xf32>
  return
}

// -----

func.func @act_kind_as_string(%x: tensor<?x16xf32>) {
  // expected-error @+1 {{attribute 'kind' failed to satisfy constraint: an activation function}}
  %y = seq.act %x {kind = "silu"} : (tensor<?x16xf32>) -> tensor<?x16xf32>
  return
}

// -----

func.func @act_unknown_kind(%x: tensor<?x16xf32>) {
  // expected-error @+1 {{expected ::seqc::seq::ActKind to be one of: silu, sigmoid, tanh, relu, gelu, gelu_tanh, softplus}}
  %y = seq.act %x {kind = #seq<act_kind swish>} : (tensor<?x16xf32>) -> tensor<?x16xf32>
  return
}

// -----

func.func @glu_mlp_down_shape(%x: tensor<?x16xf32>, %g: tensor<64x16xf32>, %u: tensor<64x16xf32>, %d: tensor<64x16xf32>) {
  // expected-error @+1 {{weight 'down_proj.weight' must have shape [16, 64], got [64, 16]}}
  %y = seq.glu_mlp %x weights(%g, %u, %d) {hidden = 64 : i64} : (tensor<?x16xf32>, tensor<64x16xf32>, tensor<64x16xf32>, tensor<64x16xf32>) -> tensor<?x16xf32>
  return
}

// -----

func.func @gla_core_rank(%q: tensor<?x8xf32>, %k: tensor<?x?x8xf32>, %v: tensor<?x?x16xf32>, %g: tensor<?x?x8xf32>) {
  // expected-error @+1 {{operand 'q' must have rank 3, got 2}}
  %o, %s = seq.gla_core %q, %k, %v, %g {heads = 2 : i64, scale = 5.0e-01 : f64} : (tensor<?x8xf32>, tensor<?x?x8xf32>, tensor<?x?x16xf32>, tensor<?x?x8xf32>) -> (tensor<?x?x16xf32>, tensor<?x2x4x8xf32>)
  return
}

// -----

func.func @gla_core_heads_zero(%q: tensor<?x?x8xf32>, %k: tensor<?x?x8xf32>, %v: tensor<?x?x16xf32>, %g: tensor<?x?x8xf32>) {
  // expected-error @+1 {{attribute 'heads' must be at least 1, got 0}}
  %o, %s = seq.gla_core %q, %k, %v, %g {heads = 0 : i64, scale = 5.0e-01 : f64} : (tensor<?x?x8xf32>, tensor<?x?x8xf32>, tensor<?x?x16xf32>, tensor<?x?x8xf32>) -> (tensor<?x?x16xf32>, tensor<?x2x4x8xf32>)
  return
}

// -----

func.func @gla_core_k_shape(%q: tensor<?x?x8xf32>, %k: tensor<?x?x4xf32>, %v: tensor<?x?x16xf32>, %g: tensor<?x?x8xf32>) {
  // expected-error @+1 {{operand 'k' must have shape [?, ?, 8], got [?, ?, 4]}}
  %o, %s = seq.gla_core %q, %k, %v, %g {heads = 2 : i64, scale = 5.0e-01 : f64} : (tensor<?x?x8xf32>, tensor<?x?x4xf32>, tensor<?x?x16xf32>, tensor<?x?x8xf32>) -> (tensor<?x?x16xf32>, tensor<?x2x4x8xf32>)
  return
}

// -----

func.func @gla_core_g_shape(%q: tensor<2x?x8xf32>, %k: tensor<2x?x8xf32>, %v: tensor<2x?x16xf32>, %g: tensor<3x?x8xf32>) {
  // expected-error @+1 {{operand 'g' must have shape [2, ?, 8], got [3, ?, 8]}}
  %o, %s = seq.gla_core %q, %k, %v, %g {heads = 2 : i64, scale = 5.0e-01 : f64} : (tensor<2x?x8xf32>, tensor<2x?x8xf32>, tensor<2x?x16xf32>, tensor<3x?x8xf32>) -> (tensor<2x?x16xf32>, tensor<2x2x4x8xf32>)
  return
}

// -----

func.func @gla_core_v_batch(%q: tensor<2x?x8xf32>, %k: tensor<2x?x8xf32>, %v: tensor<3x?x16xf32>, %g: tensor<2x?x8xf32>) {
  // expected-error @+1 {{batch sizes of q and v must agree}}
  %o, %s = seq.gla_core %q, %k, %v, %g {heads = 2 : i64, scale = 5.0e-01 : f64} : (tensor<2x?x8xf32>, tensor<2x?x8xf32>, tensor<3x?x16xf32>, tensor<2x?x8xf32>) -> (tensor<2x?x16xf32>, tensor<2x2x4x8xf32>)
  return
}

// -----

func.func @gla_core_v_length(%q: tensor<?x5x8xf32>, %k: tensor<?x5x8xf32>, %v: tensor<?x6x16xf32>, %g: tensor<?x5x8xf32>) {
  // expected-error @+1 {{lengths of q and v must agree}}
  %o, %s = seq.gla_core %q, %k, %v, %g {heads = 2 : i64, scale = 5.0e-01 : f64} : (tensor<?x5x8xf32>, tensor<?x5x8xf32>, tensor<?x6x16xf32>, tensor<?x5x8xf32>) -> (tensor<?x5x16xf32>, tensor<?x2x4x8xf32>)
  return
}

// -----

func.func @gla_core_key_heads(%q: tensor<?x?x8xf32>, %k: tensor<?x?x8xf32>, %v: tensor<?x?x9xf32>, %g: tensor<?x?x8xf32>) {
  // expected-error @+1 {{key width of q (8) must be divisible by 3}}
  %o, %s = seq.gla_core %q, %k, %v, %g {heads = 3 : i64, scale = 5.0e-01 : f64} : (tensor<?x?x8xf32>, tensor<?x?x8xf32>, tensor<?x?x9xf32>, tensor<?x?x8xf32>) -> (tensor<?x?x9xf32>, tensor<?x3x2x3xf32>)
  return
}

// -----

func.func @gla_core_value_heads(%q: tensor<?x?x8xf32>, %k: tensor<?x?x8xf32>, %v: tensor<?x?x9xf32>, %g: tensor<?x?x8xf32>) {
  // expected-error @+1 {{value width of v (9) must be divisible by 2}}
  %o, %s = seq.gla_core %q, %k, %v, %g {heads = 2 : i64, scale = 5.0e-01 : f64} : (tensor<?x?x8xf32>, tensor<?x?x8xf32>, tensor<?x?x9xf32>, tensor<?x?x8xf32>) -> (tensor<?x?x9xf32>, tensor<?x2x4x4xf32>)
  return
}

// -----

func.func @gla_core_s0_rank(%q: tensor<?x?x8xf32>, %k: tensor<?x?x8xf32>, %v: tensor<?x?x16xf32>, %g: tensor<?x?x8xf32>, %s0: tensor<?x4x8xf32>) {
  // expected-error @+1 {{operand 's0' must have rank 4, got 3}}
  %o, %s = seq.gla_core %q, %k, %v, %g init(%s0) {heads = 2 : i64, scale = 5.0e-01 : f64} : (tensor<?x?x8xf32>, tensor<?x?x8xf32>, tensor<?x?x16xf32>, tensor<?x?x8xf32>, tensor<?x4x8xf32>) -> (tensor<?x?x16xf32>, tensor<?x2x4x8xf32>)
  return
}

// -----

func.func @gla_core_s0_shape(%q: tensor<?x?x8xf32>, %k: tensor<?x?x8xf32>, %v: tensor<?x?x16xf32>, %g: tensor<?x?x8xf32>, %s0: tensor<?x2x8x4xf32>) {
  // expected-error @+1 {{operand 's0' must have shape [?, 2, 4, 8], got [?, 2, 8, 4]}}
  %o, %s = seq.gla_core %q, %k, %v, %g init(%s0) {heads = 2 : i64, scale = 5.0e-01 : f64} : (tensor<?x?x8xf32>, tensor<?x?x8xf32>, tensor<?x?x16xf32>, tensor<?x?x8xf32>, tensor<?x2x8x4xf32>) -> (tensor<?x?x16xf32>, tensor<?x2x4x8xf32>)
  return
}

// -----

func.func @gla_x_rank(%x: tensor<?x16xf32>, %wq: tensor<8x16xf32>, %wk: tensor<8x16xf32>, %wv: tensor<16x16xf32>, %wg: tensor<16x16xf32>, %w0: tensor<4x16xf32>, %w1: tensor<8x4xf32>, %b1: tensor<8xf32>, %wn: tensor<8xf32>, %wo: tensor<16x16xf32>) {
  // expected-error @+1 {{'seq.gla' op operand 'x' must have rank 3, got 2}}
  %y, %s = seq.gla %x weights(%wq, %wk, %wv, %wg, %w0, %w1, %b1, %wn, %wo) {heads = 2 : i64, key_dim = 8 : i64, value_dim = 16 : i64, gate_rank = 4 : i64, gate_norm = 16.0 : f64, eps = 1.0e-05 : f64} : (tensor<?x16xf32>, tensor<8x16xf32>, tensor<8x16xf32>, tensor<16x16xf32>, tensor<16x16xf32>, tensor<4x16xf32>, tensor<8x4xf32>, tensor<8xf32>, tensor<8xf32>, tensor<16x16xf32>) -> (tensor<?x16xf32>, tensor<?x2x4x8xf32>)
  return
}

// -----

func.func @gla_key_dim_heads(%x: tensor<?x?x16xf32>, %wq: tensor<6x16xf32>, %wk: tensor<6x16xf32>, %wv: tensor<16x16xf32>, %wg: tensor<16x16xf32>, %w0: tensor<4x16xf32>, %w1: tensor<6x4xf32>, %b1: tensor<6xf32>, %wn: tensor<4xf32>, %wo: tensor<16x16xf32>) {
  // expected-error @+1 {{attribute 'key_dim' (6) must be divisible by 4}}
  %y, %s = seq.gla %x weights(%wq, %wk, %wv, %wg, %w0, %w1, %b1, %wn, %wo) {heads = 4 : i64, key_dim = 6 : i64, value_dim = 16 : i64, gate_rank = 4 : i64, gate_norm = 16.0 : f64, eps = 1.0e-05 : f64} : (tensor<?x?x16xf32>, tensor<6x16xf32>, tensor<6x16xf32>, tensor<16x16xf32>, tensor<16x16xf32>, tensor<4x16xf32>, tensor<6x4xf32>, tensor<6xf32>, tensor<4xf32>, tensor<16x16xf32>) -> (tensor<?x?x16xf32>, tensor<?x4x1x4xf32>)
  return
}

// -----

func.func @gla_value_dim_heads(%x: tensor<?x?x16xf32>, %wq: tensor<8x16xf32>, %wk: tensor<8x16xf32>, %wv: tensor<10x16xf32>, %wg: tensor<10x16xf32>, %w0: tensor<4x16xf32>, %w1: tensor<8x4xf32>, %b1: tensor<8xf32>, %wn: tensor<2xf32>, %wo: tensor<16x10xf32>) {
  // expected-error @+1 {{attribute 'value_dim' (10) must be divisible by 4}}
  %y, %s = seq.gla %x weights(%wq, %wk, %wv, %wg, %w0, %w1, %b1, %wn, %wo) {heads = 4 : i64, key_dim = 8 : i64, value_dim = 10 : i64, gate_rank = 4 : i64, gate_norm = 16.0 : f64, eps = 1.0e-05 : f64} : (tensor<?x?x16xf32>, tensor<8x16xf32>, tensor<8x16xf32>, tensor<10x16xf32>, tensor<10x16xf32>, tensor<4x16xf32>, tensor<8x4xf32>, tensor<8xf32>, tensor<2xf32>, tensor<16x10xf32>) -> (tensor<?x?x16xf32>, tensor<?x4x2x2xf32>)
  return
}

// -----

func.func @gla_gate_norm_zero(%x: tensor<?x?x16xf32>, %wq: tensor<8x16xf32>, %wk: tensor<8x16xf32>, %wv: tensor<16x16xf32>, %wg: tensor<16x16xf32>, %w0: tensor<4x16xf32>, %w1: tensor<8x4xf32>, %b1: tensor<8xf32>, %wn: tensor<8xf32>, %wo: tensor<16x16xf32>) {
  // expected-error @+1 {{attribute 'gate_norm' must be positive}}
  %y, %s = seq.gla %x weights(%wq, %wk, %wv, %wg, %w0, %w1, %b1, %wn, %wo) {heads = 2 : i64, key_dim = 8 : i64, value_dim = 16 : i64, gate_rank = 4 : i64, gate_norm = 0.0 : f64, eps = 1.0e-05 : f64} : (tensor<?x?x16xf32>, tensor<8x16xf32>, tensor<8x16xf32>, tensor<16x16xf32>, tensor<16x16xf32>, tensor<4x16xf32>, tensor<8x4xf32>, tensor<8xf32>, tensor<8xf32>, tensor<16x16xf32>) -> (tensor<?x?x16xf32>, tensor<?x2x4x8xf32>)
  return
}

// -----

func.func @gla_missing_weight(%x: tensor<?x?x16xf32>, %wq: tensor<8x16xf32>, %wk: tensor<8x16xf32>, %wv: tensor<16x16xf32>, %wg: tensor<16x16xf32>, %w0: tensor<4x16xf32>, %w1: tensor<8x4xf32>, %b1: tensor<8xf32>, %wo: tensor<16x16xf32>) {
  // expected-error @+1 {{expects 9 weights, got 8}}
  %y, %s = seq.gla %x weights(%wq, %wk, %wv, %wg, %w0, %w1, %b1, %wo) {heads = 2 : i64, key_dim = 8 : i64, value_dim = 16 : i64, gate_rank = 4 : i64, gate_norm = 16.0 : f64, eps = 1.0e-05 : f64} : (tensor<?x?x16xf32>, tensor<8x16xf32>, tensor<8x16xf32>, tensor<16x16xf32>, tensor<16x16xf32>, tensor<4x16xf32>, tensor<8x4xf32>, tensor<8xf32>, tensor<16x16xf32>) -> (tensor<?x?x16xf32>, tensor<?x2x4x8xf32>)
  return
}

// -----

func.func @gla_norm_weight_shape(%x: tensor<?x?x16xf32>, %wq: tensor<8x16xf32>, %wk: tensor<8x16xf32>, %wv: tensor<16x16xf32>, %wg: tensor<16x16xf32>, %w0: tensor<4x16xf32>, %w1: tensor<8x4xf32>, %b1: tensor<8xf32>, %wn: tensor<16xf32>, %wo: tensor<16x16xf32>) {
  // expected-error @+1 {{weight 'g_norm_swish_gate.weight' must have shape [8], got [16]}}
  %y, %s = seq.gla %x weights(%wq, %wk, %wv, %wg, %w0, %w1, %b1, %wn, %wo) {heads = 2 : i64, key_dim = 8 : i64, value_dim = 16 : i64, gate_rank = 4 : i64, gate_norm = 16.0 : f64, eps = 1.0e-05 : f64} : (tensor<?x?x16xf32>, tensor<8x16xf32>, tensor<8x16xf32>, tensor<16x16xf32>, tensor<16x16xf32>, tensor<4x16xf32>, tensor<8x4xf32>, tensor<8xf32>, tensor<16xf32>, tensor<16x16xf32>) -> (tensor<?x?x16xf32>, tensor<?x2x4x8xf32>)
  return
}

// -----

func.func @gla_s0_shape(%x: tensor<?x?x16xf32>, %s0: tensor<?x2x8x4xf32>, %wq: tensor<8x16xf32>, %wk: tensor<8x16xf32>, %wv: tensor<16x16xf32>, %wg: tensor<16x16xf32>, %w0: tensor<4x16xf32>, %w1: tensor<8x4xf32>, %b1: tensor<8xf32>, %wn: tensor<8xf32>, %wo: tensor<16x16xf32>) {
  // expected-error @+1 {{'seq.gla' op operand 's0' must have shape [?, 2, 4, 8], got [?, 2, 8, 4]}}
  %y, %s = seq.gla %x init(%s0) weights(%wq, %wk, %wv, %wg, %w0, %w1, %b1, %wn, %wo) {heads = 2 : i64, key_dim = 8 : i64, value_dim = 16 : i64, gate_rank = 4 : i64, gate_norm = 16.0 : f64, eps = 1.0e-05 : f64} : (tensor<?x?x16xf32>, tensor<?x2x8x4xf32>, tensor<8x16xf32>, tensor<8x16xf32>, tensor<16x16xf32>, tensor<16x16xf32>, tensor<4x16xf32>, tensor<8x4xf32>, tensor<8xf32>, tensor<8xf32>, tensor<16x16xf32>) -> (tensor<?x?x16xf32>, tensor<?x2x4x8xf32>)
  return
}

// -----

func.func @linear_recurrence_b_shape(%a: tensor<?x?x16xf32>, %b: tensor<?x?x8xf32>) {
  // expected-error @+1 {{operand 'b' must have shape [?, ?, 16], got [?, ?, 8]}}
  %h, %last = seq.linear_recurrence %a, %b : (tensor<?x?x16xf32>, tensor<?x?x8xf32>) -> (tensor<?x?x16xf32>, tensor<?x16xf32>)
  return
}

// -----

func.func @linear_recurrence_h0_shape(%a: tensor<?x?x16xf32>, %b: tensor<?x?x16xf32>, %h0: tensor<?x8xf32>) {
  // expected-error @+1 {{operand 'h0' must have shape [?, 16], got [?, 8]}}
  %h, %last = seq.linear_recurrence %a, %b init(%h0) : (tensor<?x?x16xf32>, tensor<?x?x16xf32>, tensor<?x8xf32>) -> (tensor<?x?x16xf32>, tensor<?x16xf32>)
  return
}

// -----

func.func @causal_conv1d_activation(%x: tensor<?x?x16xf32>, %w: tensor<16x4xf32>, %b: tensor<16xf32>) {
  // expected-error @+1 {{expected ::seqc::seq::ConvActivation to be one of: none, silu}}
  %y = seq.causal_conv1d %x weights(%w, %b) {kernel = 4 : i64, activation = #seq<conv_activation relu>} : (tensor<?x?x16xf32>, tensor<16x4xf32>, tensor<16xf32>) -> tensor<?x?x16xf32>
  return
}

// -----

func.func @causal_conv1d_kernel_shape(%x: tensor<?x?x16xf32>, %w: tensor<16x3xf32>, %b: tensor<16xf32>) {
  // expected-error @+1 {{weight 'weight' must have shape [16, 4], got [16, 3]}}
  %y = seq.causal_conv1d %x weights(%w, %b) {kernel = 4 : i64, activation = #seq<conv_activation none>} : (tensor<?x?x16xf32>, tensor<16x3xf32>, tensor<16xf32>) -> tensor<?x?x16xf32>
  return
}

// -----

func.func @rnn_gru_c0(%x: tensor<?x?x16xf32>, %h0: tensor<1x?x8xf32>, %c0: tensor<1x?x8xf32>, %wih: tensor<24x16xf32>, %whh: tensor<24x8xf32>, %b: tensor<24xf32>) {
  // expected-error @+1 {{only an lstm has a cell state 'c0'}}
  %y, %hn = seq.rnn %x h0(%h0) c0(%c0) weights(%wih, %whh, %b, %b) {cell = #seq<rnn_cell gru>, hidden = 8 : i64, layers = 1 : i64, solver = #seq<solver_request auto>} : (tensor<?x?x16xf32>, tensor<1x?x8xf32>, tensor<1x?x8xf32>, tensor<24x16xf32>, tensor<24x8xf32>, tensor<24xf32>, tensor<24xf32>) -> (tensor<?x?x8xf32>, tensor<1x?x8xf32>)
  return
}

// -----

func.func @rnn_unknown_cell(%x: tensor<?x?x16xf32>, %wih: tensor<24x16xf32>, %whh: tensor<24x8xf32>, %b: tensor<24xf32>) {
  // expected-error @+1 {{expected ::seqc::seq::RNNCell to be one of: gru, lstm, rnn_tanh, rnn_relu}}
  %y, %hn = seq.rnn %x weights(%wih, %whh, %b, %b) {cell = #seq<rnn_cell elman>, hidden = 8 : i64, layers = 1 : i64, solver = #seq<solver_request auto>} : (tensor<?x?x16xf32>, tensor<24x16xf32>, tensor<24x8xf32>, tensor<24xf32>, tensor<24xf32>) -> (tensor<?x?x8xf32>, tensor<1x?x8xf32>)
  return
}

// -----

func.func @rnn_unknown_solver(%x: tensor<?x?x16xf32>, %wih: tensor<24x16xf32>, %whh: tensor<24x8xf32>, %b: tensor<24xf32>) {
  // expected-error @+1 {{expected ::seqc::seq::SolverRequest to be one of: auto, sequential, newton}}
  %y, %hn = seq.rnn %x weights(%wih, %whh, %b, %b) {cell = #seq<rnn_cell gru>, hidden = 8 : i64, layers = 1 : i64, solver = #seq<solver_request parallel>} : (tensor<?x?x16xf32>, tensor<24x16xf32>, tensor<24x8xf32>, tensor<24xf32>, tensor<24xf32>) -> (tensor<?x?x8xf32>, tensor<1x?x8xf32>)
  return
}

// -----

func.func @rnn_zero_layers(%x: tensor<?x?x16xf32>) {
  // expected-error @+1 {{attribute 'layers' must be at least 1, got 0}}
  %y, %hn = seq.rnn %x {cell = #seq<rnn_cell gru>, hidden = 8 : i64, layers = 0 : i64, solver = #seq<solver_request auto>} : (tensor<?x?x16xf32>) -> (tensor<?x?x8xf32>, tensor<0x?x8xf32>)
  return
}

// -----

// The second layer reads the first layer's hidden state, not x.
func.func @rnn_layer1_input_width(%x: tensor<?x?x16xf32>, %wih0: tensor<32x16xf32>, %whh: tensor<32x8xf32>, %b: tensor<32xf32>) {
  // expected-error @+1 {{weight 'weight_ih_l1' must have shape [32, 8], got [32, 16]}}
  %y, %hn, %cn = seq.rnn %x weights(%wih0, %whh, %b, %b, %wih0, %whh, %b, %b) {cell = #seq<rnn_cell lstm>, hidden = 8 : i64, layers = 2 : i64, solver = #seq<solver_request auto>} : (tensor<?x?x16xf32>, tensor<32x16xf32>, tensor<32x8xf32>, tensor<32xf32>, tensor<32xf32>, tensor<32x16xf32>, tensor<32x8xf32>, tensor<32xf32>, tensor<32xf32>) -> (tensor<?x?x8xf32>, tensor<2x?x8xf32>, tensor<2x?x8xf32>)
  return
}

// -----

func.func @rnn_h0_layers(%x: tensor<?x?x16xf32>, %h0: tensor<1x?x8xf32>, %wih0: tensor<32x16xf32>, %wih1: tensor<32x8xf32>, %whh: tensor<32x8xf32>, %b: tensor<32xf32>) {
  // expected-error @+1 {{operand 'h0' must have shape [2, ?, 8], got [1, ?, 8]}}
  %y, %hn, %cn = seq.rnn %x h0(%h0) weights(%wih0, %whh, %b, %b, %wih1, %whh, %b, %b) {cell = #seq<rnn_cell lstm>, hidden = 8 : i64, layers = 2 : i64, solver = #seq<solver_request auto>} : (tensor<?x?x16xf32>, tensor<1x?x8xf32>, tensor<32x16xf32>, tensor<32x8xf32>, tensor<32xf32>, tensor<32xf32>, tensor<32x8xf32>, tensor<32x8xf32>, tensor<32xf32>, tensor<32xf32>) -> (tensor<?x?x8xf32>, tensor<2x?x8xf32>, tensor<2x?x8xf32>)
  return
}

// -----

// An lstm also returns its final cell state.
func.func @rnn_lstm_two_results(%x: tensor<?x?x16xf32>, %wih: tensor<32x16xf32>, %whh: tensor<32x8xf32>, %b: tensor<32xf32>) {
  // expected-error @+1 {{'seq.rnn' op inferred type(s) 'tensor<?x?x8xf32>', 'tensor<1x?x8xf32>', 'tensor<1x?x8xf32>' are incompatible with return type(s) of operation 'tensor<?x?x8xf32>', 'tensor<1x?x8xf32>'}}
  %y, %hn = seq.rnn %x weights(%wih, %whh, %b, %b) {cell = #seq<rnn_cell lstm>, hidden = 8 : i64, layers = 1 : i64, solver = #seq<solver_request auto>} : (tensor<?x?x16xf32>, tensor<32x16xf32>, tensor<32x8xf32>, tensor<32xf32>, tensor<32xf32>) -> (tensor<?x?x8xf32>, tensor<1x?x8xf32>)
  return
}

// -----

func.func @para_gru_h0_shape(%x: tensor<?x?x16xf32>, %h0: tensor<?x16xf32>, %bm: tensor<8x16xf32>, %v: tensor<8xf32>) {
  // expected-error @+1 {{operand 'h0' must have shape [?, 8], got [?, 16]}}
  %y, %h = seq.para_gru %x h0(%h0) weights(%bm, %bm, %bm, %v, %v, %v, %v, %v, %v) {hidden = 8 : i64, solver = #seq<solver_request auto>} : (tensor<?x?x16xf32>, tensor<?x16xf32>, tensor<8x16xf32>, tensor<8x16xf32>, tensor<8x16xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) -> (tensor<?x?x8xf32>, tensor<?x8xf32>)
  return
}

// -----

func.func @para_gru_diag_shape(%x: tensor<?x?x16xf32>, %bm: tensor<8x16xf32>, %v: tensor<8xf32>, %ah: tensor<8x8xf32>) {
  // expected-error @+1 {{weight 'A_h' must have shape [8], got [8, 8]}}
  %y, %h = seq.para_gru %x weights(%bm, %bm, %bm, %v, %v, %v, %v, %v, %ah) {hidden = 8 : i64, solver = #seq<solver_request auto>} : (tensor<?x?x16xf32>, tensor<8x16xf32>, tensor<8x16xf32>, tensor<8x16xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8x8xf32>) -> (tensor<?x?x8xf32>, tensor<?x8xf32>)
  return
}

// -----

// A para_lstm also has the peephole weights C_f and C_o.
func.func @para_lstm_missing_peepholes(%x: tensor<?x?x16xf32>, %bm: tensor<8x16xf32>, %v: tensor<8xf32>) {
  // expected-error @+1 {{expects 11 weights, got 9}}
  %y, %h, %c = seq.para_lstm %x weights(%bm, %bm, %bm, %v, %v, %v, %v, %v, %v) {hidden = 8 : i64, solver = #seq<solver_request auto>} : (tensor<?x?x16xf32>, tensor<8x16xf32>, tensor<8x16xf32>, tensor<8x16xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) -> (tensor<?x?x8xf32>, tensor<?x8xf32>, tensor<?x8xf32>)
  return
}

// -----

func.func @para_lstm_c0_shape(%x: tensor<?x?x16xf32>, %h0: tensor<?x8xf32>, %c0: tensor<?x4xf32>, %bm: tensor<8x16xf32>, %v: tensor<8xf32>) {
  // expected-error @+1 {{operand 'c0' must have shape [?, 8], got [?, 4]}}
  %y, %h, %c = seq.para_lstm %x h0(%h0) c0(%c0) weights(%bm, %bm, %bm, %v, %v, %v, %v, %v, %v, %v, %v) {hidden = 8 : i64, solver = #seq<solver_request auto>} : (tensor<?x?x16xf32>, tensor<?x8xf32>, tensor<?x4xf32>, tensor<8x16xf32>, tensor<8x16xf32>, tensor<8x16xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) -> (tensor<?x?x8xf32>, tensor<?x8xf32>, tensor<?x8xf32>)
  return
}

// -----

func.func @pgn_window_zero(%x: tensor<?x?x16xf32>, %hw: tensor<8x16x0xf32>, %hb: tensor<8xf32>, %gw: tensor<16x24xf32>, %gb: tensor<16xf32>) {
  // expected-error @+1 {{attribute 'window' must be at least 1, got 0}}
  %y = seq.pgn %x weights(%hw, %hb, %gw, %gb) {hidden = 8 : i64, window = 0 : i64} : (tensor<?x?x16xf32>, tensor<8x16x0xf32>, tensor<8xf32>, tensor<16x24xf32>, tensor<16xf32>) -> tensor<?x?x8xf32>
  return
}

// -----

// The gate reads [x_t; H_t], so its input width is channels + hidden.
func.func @pgn_gate_shape(%x: tensor<?x?x16xf32>, %hw: tensor<8x16x3xf32>, %hb: tensor<8xf32>, %gw: tensor<16x16xf32>, %gb: tensor<16xf32>) {
  // expected-error @+1 {{weight 'gate.weight' must have shape [16, 24], got [16, 16]}}
  %y = seq.pgn %x weights(%hw, %hb, %gw, %gb) {hidden = 8 : i64, window = 3 : i64} : (tensor<?x?x16xf32>, tensor<8x16x3xf32>, tensor<8xf32>, tensor<16x16xf32>, tensor<16xf32>) -> tensor<?x?x8xf32>
  return
}

// -----

func.func @gam_memory_shape(%x: tensor<?x?x16xf32>, %cw: tensor<16x4xf32>, %cb: tensor<16xf32>, %mem: tensor<16x32xf32>, %gw: tensor<32x16xf32>, %gb: tensor<32xf32>) {
  // expected-error @+1 {{weight 'memory' must have shape [32, 16], got [16, 32]}}
  %y = seq.gam %x weights(%cw, %cb, %mem, %gw, %gb) {slots = 32 : i64, kernel = 4 : i64} : (tensor<?x?x16xf32>, tensor<16x4xf32>, tensor<16xf32>, tensor<16x32xf32>, tensor<32x16xf32>, tensor<32xf32>) -> tensor<?x?x16xf32>
  return
}

// -----

func.func @gated_attention_kv_heads(%x: tensor<?x?x16xf32>, %w: tensor<16x16xf32>, %wkv: tensor<12x16xf32>) {
  // expected-error @+1 {{attribute 'kv_heads' (3) must divide 'heads' (4)}}
  %y, %y_k, %y_v = seq.gated_attention %x weights(%w, %wkv, %wkv, %w, %w) {heads = 4 : i64, kv_heads = 3 : i64, head_dim = 4 : i64, gate = #seq<attention_gate elementwise>} : (tensor<?x?x16xf32>, tensor<16x16xf32>, tensor<12x16xf32>, tensor<12x16xf32>, tensor<16x16xf32>, tensor<16x16xf32>) -> (tensor<?x?x16xf32>, tensor<?x?x12xf32>, tensor<?x?x12xf32>)
  return
}

// -----

func.func @gated_attention_rope_theta(%x: tensor<?x?x16xf32>, %w: tensor<16x16xf32>) {
  // expected-error @+1 {{attribute 'rope_theta' must be positive}}
  %y, %y_k, %y_v = seq.gated_attention %x weights(%w, %w, %w, %w, %w) {heads = 4 : i64, kv_heads = 4 : i64, head_dim = 4 : i64, gate = #seq<attention_gate elementwise>, rope_theta = 0.0 : f64} : (tensor<?x?x16xf32>, tensor<16x16xf32>, tensor<16x16xf32>, tensor<16x16xf32>, tensor<16x16xf32>, tensor<16x16xf32>) -> (tensor<?x?x16xf32>, tensor<?x?x16xf32>, tensor<?x?x16xf32>)
  return
}

// -----

func.func @gated_attention_rope_odd_head_dim(%x: tensor<?x?x15xf32>, %w: tensor<15x15xf32>) {
  // expected-error @+1 {{rotary embedding needs an even 'head_dim', got 5}}
  %y, %y_k, %y_v = seq.gated_attention %x weights(%w, %w, %w, %w, %w) {heads = 3 : i64, kv_heads = 3 : i64, head_dim = 5 : i64, gate = #seq<attention_gate elementwise>, rope_theta = 1.0e+04 : f64} : (tensor<?x?x15xf32>, tensor<15x15xf32>, tensor<15x15xf32>, tensor<15x15xf32>, tensor<15x15xf32>, tensor<15x15xf32>) -> (tensor<?x?x15xf32>, tensor<?x?x15xf32>, tensor<?x?x15xf32>)
  return
}

// -----

func.func @gated_attention_gate_kind(%x: tensor<?x?x16xf32>, %w: tensor<16x16xf32>) {
  // expected-error @+1 {{expected ::seqc::seq::AttentionGate to be one of: elementwise, headwise}}
  %y, %y_k, %y_v = seq.gated_attention %x weights(%w, %w, %w, %w, %w) {heads = 4 : i64, kv_heads = 4 : i64, head_dim = 4 : i64, gate = #seq<attention_gate none>} : (tensor<?x?x16xf32>, tensor<16x16xf32>, tensor<16x16xf32>, tensor<16x16xf32>, tensor<16x16xf32>, tensor<16x16xf32>) -> (tensor<?x?x16xf32>, tensor<?x?x16xf32>, tensor<?x?x16xf32>)
  return
}

// -----

func.func @gated_attention_headwise_gate_shape(%x: tensor<?x?x16xf32>, %w: tensor<16x16xf32>) {
  // expected-error @+1 {{weight 'gate_proj.weight' must have shape [4, 16], got [16, 16]}}
  %y, %y_k, %y_v = seq.gated_attention %x weights(%w, %w, %w, %w, %w) {heads = 4 : i64, kv_heads = 4 : i64, head_dim = 4 : i64, gate = #seq<attention_gate headwise>} : (tensor<?x?x16xf32>, tensor<16x16xf32>, tensor<16x16xf32>, tensor<16x16xf32>, tensor<16x16xf32>, tensor<16x16xf32>) -> (tensor<?x?x16xf32>, tensor<?x?x16xf32>, tensor<?x?x16xf32>)
  return
}

// -----

func.func @gated_attention_gqa_kv_shape(%x: tensor<?x?x16xf32>, %w: tensor<16x16xf32>) {
  // expected-error @+1 {{weight 'k_proj.weight' must have shape [8, 16], got [16, 16]}}
  %y, %y_k, %y_v = seq.gated_attention %x weights(%w, %w, %w, %w, %w) {heads = 4 : i64, kv_heads = 2 : i64, head_dim = 4 : i64, gate = #seq<attention_gate elementwise>} : (tensor<?x?x16xf32>, tensor<16x16xf32>, tensor<16x16xf32>, tensor<16x16xf32>, tensor<16x16xf32>, tensor<16x16xf32>) -> (tensor<?x?x16xf32>, tensor<?x?x8xf32>, tensor<?x?x8xf32>)
  return
}

// -----

func.func @gated_attention_past_width(%x: tensor<?x?x16xf32>, %kp: tensor<?x?x12xf32>, %w: tensor<16x16xf32>) {
  // expected-error @+1 {{operand 'k_past' must have shape [?, ?, 16], got [?, ?, 12]}}
  %y, %y_k, %y_v = seq.gated_attention %x past(%kp, %kp) weights(%w, %w, %w, %w, %w) {heads = 4 : i64, kv_heads = 4 : i64, head_dim = 4 : i64, gate = #seq<attention_gate elementwise>} : (tensor<?x?x16xf32>, tensor<?x?x12xf32>, tensor<?x?x12xf32>, tensor<16x16xf32>, tensor<16x16xf32>, tensor<16x16xf32>, tensor<16x16xf32>, tensor<16x16xf32>) -> (tensor<?x?x16xf32>, tensor<?x?x16xf32>, tensor<?x?x16xf32>)
  return
}

// -----

func.func @gated_attention_past_lengths(%x: tensor<?x?x16xf32>, %kp: tensor<?x3x16xf32>, %vp: tensor<?x4x16xf32>, %w: tensor<16x16xf32>) {
  // expected-error @+1 {{operand 'v_past' must have shape [?, 3, 16], got [?, 4, 16]}}
  %y, %y_k, %y_v = seq.gated_attention %x past(%kp, %vp) weights(%w, %w, %w, %w, %w) {heads = 4 : i64, kv_heads = 4 : i64, head_dim = 4 : i64, gate = #seq<attention_gate elementwise>} : (tensor<?x?x16xf32>, tensor<?x3x16xf32>, tensor<?x4x16xf32>, tensor<16x16xf32>, tensor<16x16xf32>, tensor<16x16xf32>, tensor<16x16xf32>, tensor<16x16xf32>) -> (tensor<?x?x16xf32>, tensor<?x?x16xf32>, tensor<?x?x16xf32>)
  return
}

// -----

func.func @gated_attention_past_alone(%x: tensor<?x?x16xf32>, %kp: tensor<?x?x16xf32>, %w: tensor<16x16xf32>) {
  // expected-error @+1 {{takes 'k_past' and 'v_past' together}}
  %y:3 = "seq.gated_attention"(%x, %kp, %w, %w, %w, %w, %w) <{heads = 4 : i64, kv_heads = 4 : i64, head_dim = 4 : i64, gate = #seq<attention_gate elementwise>, operandSegmentSizes = array<i32: 1, 1, 0, 5>}> : (tensor<?x?x16xf32>, tensor<?x?x16xf32>, tensor<16x16xf32>, tensor<16x16xf32>, tensor<16x16xf32>, tensor<16x16xf32>, tensor<16x16xf32>) -> (tensor<?x?x16xf32>, tensor<?x?x16xf32>, tensor<?x?x16xf32>)
  return
}

// -----

func.func @lif_v0_shape(%x: tensor<?x?x16xf32>, %v0: tensor<?x8xf32>) {
  // expected-error @+1 {{operand 'v0' must have shape [?, 16], got [?, 8]}}
  %y, %v = seq.lif %x v0(%v0) {tau = 2.0 : f64, v_threshold = 1.0 : f64, decay_input = true} : (tensor<?x?x16xf32>, tensor<?x8xf32>) -> (tensor<?x?x16xf32>, tensor<?x16xf32>)
  return
}

// -----

func.func @lif_tau_one(%x: tensor<?x?x16xf32>) {
  // expected-error @+1 {{attribute 'tau' must be greater than 1, got 1.000000}}
  %y, %v = seq.lif %x {tau = 1.0 : f64, v_threshold = 1.0 : f64, decay_input = true} : (tensor<?x?x16xf32>) -> (tensor<?x?x16xf32>, tensor<?x16xf32>)
  return
}

// -----

func.func @lif_rank1(%x: tensor<?xf32>) {
  // expected-error @+1 {{'seq.lif' op operand 'x' must be [B, T, ...] (rank at least 2), got rank 1}}
  %y, %v = seq.lif %x {tau = 2.0 : f64, v_threshold = 1.0 : f64, decay_input = true} : (tensor<?xf32>) -> (tensor<?xf32>, tensor<?xf32>)
  return
}

// -----

func.func @lif_nan_threshold(%x: tensor<?x?x16xf32>) {
  // expected-error @+1 {{attribute 'v_threshold' must be finite}}
  %y, %v = seq.lif %x {tau = 2.0 : f64, v_threshold = 0x7FF8000000000000 : f64, decay_input = true} : (tensor<?x?x16xf32>) -> (tensor<?x?x16xf32>, tensor<?x16xf32>)
  return
}

// -----

func.func @lif_infinite_reset(%x: tensor<?x?x16xf32>) {
  // expected-error @+1 {{attribute 'v_reset' must be finite}}
  %y, %v = seq.lif %x {tau = 2.0 : f64, v_threshold = 1.0 : f64, v_reset = 0xFFF0000000000000 : f64, decay_input = true} : (tensor<?x?x16xf32>) -> (tensor<?x?x16xf32>, tensor<?x16xf32>)
  return
}

// -----

func.func @lif_per_neuron_unknown(%x: tensor<?x?x16xf32>, %w: tensor<16xf32>) {
  // expected-error @+1 {{attribute 'per_neuron' may name tau, v_threshold, v_reset, got 'v_leak'}}
  %y, %v = seq.lif %x weights(%w) {tau = 2.0 : f64, v_threshold = 1.0 : f64, decay_input = true, per_neuron = ["v_leak"]} : (tensor<?x?x16xf32>, tensor<16xf32>) -> (tensor<?x?x16xf32>, tensor<?x16xf32>)
  return
}

// -----

func.func @lif_per_neuron_soft_reset(%x: tensor<?x?x16xf32>, %w: tensor<16xf32>) {
  // expected-error @+1 {{attribute 'per_neuron' names 'v_reset', but the reset is soft (v_reset null)}}
  %y, %v = seq.lif %x weights(%w) {tau = 2.0 : f64, v_threshold = 1.0 : f64, decay_input = true, per_neuron = ["v_reset"]} : (tensor<?x?x16xf32>, tensor<16xf32>) -> (tensor<?x?x16xf32>, tensor<?x16xf32>)
  return
}

// -----

func.func @if_neuron_per_neuron_shape(%x: tensor<?x?x4x4xf32>, %w: tensor<16xf32>) {
  // expected-error @+1 {{weight 'v_threshold' must have shape [4, 4], got [16]}}
  %y, %v = seq.if_neuron %x weights(%w) {v_threshold = 1.0 : f64, per_neuron = ["v_threshold"]} : (tensor<?x?x4x4xf32>, tensor<16xf32>) -> (tensor<?x?x4x4xf32>, tensor<?x4x4xf32>)
  return
}

// -----

func.func @if_neuron_per_neuron_twice(%x: tensor<?x?x16xf32>, %w: tensor<16xf32>) {
  // expected-error @+1 {{attribute 'per_neuron' names 'v_threshold' twice}}
  %y, %v = seq.if_neuron %x weights(%w, %w) {v_threshold = 1.0 : f64, per_neuron = ["v_threshold", "v_threshold"]} : (tensor<?x?x16xf32>, tensor<16xf32>, tensor<16xf32>) -> (tensor<?x?x16xf32>, tensor<?x16xf32>)
  return
}

// -----

func.func @cuba_lif_tau_syn(%x: tensor<?x?x16xf32>) {
  // expected-error @+1 {{attribute 'tau_syn' must be at least 1, got 0.500000}}
  %y, %v, %i = seq.cuba_lif %x {tau_syn = 0.5 : f64, tau_mem = 10.0 : f64, r = 1.0 : f64, w_in = 1.0 : f64, v_leak = 0.0 : f64, v_threshold = 1.0 : f64} : (tensor<?x?x16xf32>) -> (tensor<?x?x16xf32>, tensor<?x16xf32>, tensor<?x16xf32>)
  return
}

// -----

func.func @cuba_lif_tau_mem(%x: tensor<?x?x16xf32>) {
  // expected-error @+1 {{attribute 'tau_mem' must be greater than 1, got 1.000000}}
  %y, %v, %i = seq.cuba_lif %x {tau_syn = 1.0 : f64, tau_mem = 1.0 : f64, r = 1.0 : f64, w_in = 1.0 : f64, v_leak = 0.0 : f64, v_threshold = 1.0 : f64} : (tensor<?x?x16xf32>) -> (tensor<?x?x16xf32>, tensor<?x16xf32>, tensor<?x16xf32>)
  return
}

// -----

func.func @cuba_lif_i0_shape(%x: tensor<?x?x16xf32>, %i0: tensor<?x8xf32>) {
  // expected-error @+1 {{operand 'i0' must have shape [?, 16], got [?, 8]}}
  %y, %v, %i = seq.cuba_lif %x i0(%i0) {tau_syn = 2.0 : f64, tau_mem = 10.0 : f64, r = 1.0 : f64, w_in = 1.0 : f64, v_leak = 0.0 : f64, v_threshold = 1.0 : f64} : (tensor<?x?x16xf32>, tensor<?x8xf32>) -> (tensor<?x?x16xf32>, tensor<?x16xf32>, tensor<?x16xf32>)
  return
}

// -----

func.func @plif_w_not_scalar(%x: tensor<?x?x16xf32>, %w: tensor<1xf32>) {
  // expected-error @+1 {{weight 'w' must have shape [], got [1]}}
  %y, %v = seq.plif %x weights(%w) {v_threshold = 1.0 : f64, decay_input = true} : (tensor<?x?x16xf32>, tensor<1xf32>) -> (tensor<?x?x16xf32>, tensor<?x16xf32>)
  return
}

// -----

func.func @plif_no_weight(%x: tensor<?x?x16xf32>) {
  // expected-error @+1 {{'seq.plif' op expects 1 weight, got 0}}
  %y, %v = seq.plif %x {v_threshold = 1.0 : f64, decay_input = true} : (tensor<?x?x16xf32>) -> (tensor<?x?x16xf32>, tensor<?x16xf32>)
  return
}

// -----

func.func @if_neuron_rank0(%x: tensor<f32>) {
  // expected-error @+1 {{'seq.if_neuron' op operand 'x' must be [B, T, ...] (rank at least 2), got rank 0}}
  %y, %v = seq.if_neuron %x {v_threshold = 1.0 : f64} : (tensor<f32>) -> (tensor<f32>, tensor<f32>)
  return
}

// -----

func.func @wkv_v_shape(%k: tensor<?x?x16xf32>, %v: tensor<?x?x8xf32>, %w: tensor<16xf32>) {
  // expected-error @+1 {{operand 'v' must have shape [?, ?, 16], got [?, ?, 8]}}
  %y = seq.wkv %k, %v weights(%w, %w) : (tensor<?x?x16xf32>, tensor<?x?x8xf32>, tensor<16xf32>, tensor<16xf32>) -> tensor<?x?x16xf32>
  return
}

// -----

func.func @wkv_time_first_shape(%k: tensor<?x?x16xf32>, %v: tensor<?x?x16xf32>, %w: tensor<16xf32>, %u: tensor<8xf32>) {
  // expected-error @+1 {{weight 'time_first' must have shape [16], got [8]}}
  %y = seq.wkv %k, %v weights(%w, %u) : (tensor<?x?x16xf32>, tensor<?x?x16xf32>, tensor<16xf32>, tensor<8xf32>) -> tensor<?x?x16xf32>
  return
}

// -----

// With first = true the block also reads ln0.weight and ln0.bias.
func.func @spiking_rwkv_first_weights(%x: tensor<?x?x16xf32>, %vd: tensor<16xf32>, %mdd: tensor<16x16xf32>, %mfd: tensor<32x16xf32>, %mdf: tensor<16x32xf32>) {
  // expected-error @+1 {{expects 20 weights, got 18}}
  %y = seq.spiking_rwkv %x weights(%vd, %vd, %vd, %vd, %vd, %vd, %vd, %vd, %vd, %mdd, %mdd, %mdd, %mdd, %vd, %vd, %mfd, %mdd, %mdf) {ffn_hidden = 32 : i64, first = true, tau = 2.0 : f64, v_threshold = 1.0 : f64} : (tensor<?x?x16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16x16xf32>, tensor<16x16xf32>, tensor<16x16xf32>, tensor<16x16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<32x16xf32>, tensor<16x16xf32>, tensor<16x32xf32>) -> tensor<?x?x16xf32>
  return
}

// -----

func.func @spiking_rwkv_ffn_value_shape(%x: tensor<?x?x16xf32>, %vd: tensor<16xf32>, %mdd: tensor<16x16xf32>, %mfd: tensor<32x16xf32>) {
  // expected-error @+1 {{weight 'ffn.value.weight' must have shape [16, 32], got [32, 16]}}
  %y = seq.spiking_rwkv %x weights(%vd, %vd, %vd, %vd, %vd, %vd, %vd, %vd, %vd, %mdd, %mdd, %mdd, %mdd, %vd, %vd, %mfd, %mdd, %mfd) {ffn_hidden = 32 : i64, first = false, tau = 2.0 : f64, v_threshold = 1.0 : f64} : (tensor<?x?x16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16x16xf32>, tensor<16x16xf32>, tensor<16x16xf32>, tensor<16x16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<32x16xf32>, tensor<16x16xf32>, tensor<32x16xf32>) -> tensor<?x?x16xf32>
  return
}

// -----

func.func @spiking_rwkv_tau_negative(%x: tensor<?x?x16xf32>, %vd: tensor<16xf32>, %mdd: tensor<16x16xf32>, %mfd: tensor<32x16xf32>, %mdf: tensor<16x32xf32>) {
  // expected-error @+1 {{'seq.spiking_rwkv' op attribute 'tau' must be greater than 1}}
  %y = seq.spiking_rwkv %x weights(%vd, %vd, %vd, %vd, %vd, %vd, %vd, %vd, %vd, %mdd, %mdd, %mdd, %mdd, %vd, %vd, %mfd, %mdd, %mdf) {ffn_hidden = 32 : i64, first = false, tau = -2.0 : f64, v_threshold = 1.0 : f64} : (tensor<?x?x16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16x16xf32>, tensor<16x16xf32>, tensor<16x16xf32>, tensor<16x16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<32x16xf32>, tensor<16x16xf32>, tensor<16x32xf32>) -> tensor<?x?x16xf32>
  return
}

// -----

func.func @gla_negative_eps(%x: tensor<?x?x16xf32>, %wq: tensor<8x16xf32>, %wk: tensor<8x16xf32>, %wv: tensor<16x16xf32>, %wg: tensor<16x16xf32>, %w0: tensor<4x16xf32>, %w1: tensor<8x4xf32>, %b1: tensor<8xf32>, %wn: tensor<4xf32>, %wo: tensor<16x16xf32>) {
  // expected-error @+1 {{attribute 'eps' must not be negative, got -1.0}}
  %y, %s = seq.gla %x weights(%wq, %wk, %wv, %wg, %w0, %w1, %b1, %wn, %wo) {heads = 4 : i64, key_dim = 8 : i64, value_dim = 16 : i64, gate_rank = 4 : i64, gate_norm = 16.0 : f64, eps = -1.0 : f64} : (tensor<?x?x16xf32>, tensor<8x16xf32>, tensor<8x16xf32>, tensor<16x16xf32>, tensor<16x16xf32>, tensor<4x16xf32>, tensor<8x4xf32>, tensor<8xf32>, tensor<4xf32>, tensor<16x16xf32>) -> (tensor<?x?x16xf32>, tensor<?x4x2x4xf32>)
  return
}

// -----

func.func @linear_out_huge(%x: tensor<?x16xf32>, %w: tensor<8x16xf32>) {
  // expected-error @+1 {{attribute 'out' must be at most 2^31, got 4611686018427387904}}
  %y = seq.linear %x weights(%w) {out = 4611686018427387904 : i64, bias = false} : (tensor<?x16xf32>, tensor<8x16xf32>) -> tensor<?x8xf32>
  return
}

// -----

// Only the first problem is reported, even when several checks fail.
func.func @gla_core_first_problem_only(%q: tensor<2x8xf32>, %v: tensor<2x8xf32>) {
  // expected-error @+1 {{operand 'q' must have rank 3, got 2}}
  %o, %s = seq.gla_core %q, %q, %v, %q {heads = 0 : i64, scale = 1.0 : f64} : (tensor<2x8xf32>, tensor<2x8xf32>, tensor<2x8xf32>, tensor<2x8xf32>) -> (tensor<2x8xf32>, tensor<2x8xf32>)
  return
}

// -----

// An initial state must follow the dynamic dims of the operand it goes with:
// a static size against a dynamic one (a symbol of the model) is an error,
// either way round.
func.func @rnn_h0_static_batch(%x: tensor<?x?x16xf32>, %h0: tensor<1x1x8xf32>, %wih: tensor<24x16xf32>, %whh: tensor<24x8xf32>, %b: tensor<24xf32>) {
  // expected-error @+1 {{operand 'h0' must have shape [1, ?, 8], got [1, 1, 8] (dim 1 is fixed, but must follow a symbolic size)}}
  %y, %hn = seq.rnn %x h0(%h0) weights(%wih, %whh, %b, %b) {cell = #seq<rnn_cell gru>, hidden = 8 : i64, layers = 1 : i64, solver = #seq<solver_request auto>} : (tensor<?x?x16xf32>, tensor<1x1x8xf32>, tensor<24x16xf32>, tensor<24x8xf32>, tensor<24xf32>, tensor<24xf32>) -> (tensor<?x?x8xf32>, tensor<1x?x8xf32>)
  return
}

// -----

func.func @rnn_c0_static_batch(%x: tensor<?x?x16xf32>, %h0: tensor<1x?x8xf32>, %c0: tensor<1x2x8xf32>, %wih: tensor<32x16xf32>, %whh: tensor<32x8xf32>, %b: tensor<32xf32>) {
  // expected-error @+1 {{operand 'c0' must have shape [1, ?, 8], got [1, 2, 8] (dim 1 is fixed, but must follow a symbolic size)}}
  %y, %hn, %cn = seq.rnn %x h0(%h0) c0(%c0) weights(%wih, %whh, %b, %b) {cell = #seq<rnn_cell lstm>, hidden = 8 : i64, layers = 1 : i64, solver = #seq<solver_request auto>} : (tensor<?x?x16xf32>, tensor<1x?x8xf32>, tensor<1x2x8xf32>, tensor<32x16xf32>, tensor<32x8xf32>, tensor<32xf32>, tensor<32xf32>) -> (tensor<?x?x8xf32>, tensor<1x?x8xf32>, tensor<1x?x8xf32>)
  return
}

// -----

func.func @rnn_h0_dynamic_layers(%x: tensor<4x?x16xf32>, %h0: tensor<?x4x8xf32>, %wih: tensor<24x16xf32>, %whh: tensor<24x8xf32>, %b: tensor<24xf32>) {
  // expected-error @+1 {{operand 'h0' must have shape [1, 4, 8], got [?, 4, 8] (dim 0 is symbolic, but must be 1)}}
  %y, %hn = seq.rnn %x h0(%h0) weights(%wih, %whh, %b, %b) {cell = #seq<rnn_cell gru>, hidden = 8 : i64, layers = 1 : i64, solver = #seq<solver_request auto>} : (tensor<4x?x16xf32>, tensor<?x4x8xf32>, tensor<24x16xf32>, tensor<24x8xf32>, tensor<24xf32>, tensor<24xf32>) -> (tensor<4x?x8xf32>, tensor<1x4x8xf32>)
  return
}

// -----

func.func @linear_recurrence_h0_static_batch(%a: tensor<?x?x16xf32>, %b: tensor<?x?x16xf32>, %h0: tensor<1x16xf32>) {
  // expected-error @+1 {{operand 'h0' must have shape [?, 16], got [1, 16] (dim 0 is fixed, but must follow a symbolic size)}}
  %h, %last = seq.linear_recurrence %a, %b init(%h0) : (tensor<?x?x16xf32>, tensor<?x?x16xf32>, tensor<1x16xf32>) -> (tensor<?x?x16xf32>, tensor<?x16xf32>)
  return
}

// -----

func.func @para_gru_h0_static_batch(%x: tensor<?x?x16xf32>, %h0: tensor<2x8xf32>, %bm: tensor<8x16xf32>, %v: tensor<8xf32>) {
  // expected-error @+1 {{operand 'h0' must have shape [?, 8], got [2, 8] (dim 0 is fixed, but must follow a symbolic size)}}
  %y, %h = seq.para_gru %x h0(%h0) weights(%bm, %bm, %bm, %v, %v, %v, %v, %v, %v) {hidden = 8 : i64, solver = #seq<solver_request auto>} : (tensor<?x?x16xf32>, tensor<2x8xf32>, tensor<8x16xf32>, tensor<8x16xf32>, tensor<8x16xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) -> (tensor<?x?x8xf32>, tensor<?x8xf32>)
  return
}

// -----

func.func @para_lstm_c0_dynamic_width(%x: tensor<?x?x16xf32>, %h0: tensor<?x8xf32>, %c0: tensor<?x?xf32>, %bm: tensor<8x16xf32>, %v: tensor<8xf32>) {
  // expected-error @+1 {{operand 'c0' must have shape [?, 8], got [?, ?] (dim 1 is symbolic, but must be 8)}}
  %y, %h, %c = seq.para_lstm %x h0(%h0) c0(%c0) weights(%bm, %bm, %bm, %v, %v, %v, %v, %v, %v, %v, %v) {hidden = 8 : i64, solver = #seq<solver_request auto>} : (tensor<?x?x16xf32>, tensor<?x8xf32>, tensor<?x?xf32>, tensor<8x16xf32>, tensor<8x16xf32>, tensor<8x16xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) -> (tensor<?x?x8xf32>, tensor<?x8xf32>, tensor<?x8xf32>)
  return
}

// -----

func.func @gla_core_s0_static_batch(%q: tensor<?x?x8xf32>, %k: tensor<?x?x8xf32>, %v: tensor<?x?x16xf32>, %g: tensor<?x?x8xf32>, %s0: tensor<1x2x4x8xf32>) {
  // expected-error @+1 {{operand 's0' must have shape [?, 2, 4, 8], got [1, 2, 4, 8] (dim 0 is fixed, but must follow a symbolic size)}}
  %o, %s = seq.gla_core %q, %k, %v, %g init(%s0) {heads = 2 : i64, scale = 5.0e-01 : f64} : (tensor<?x?x8xf32>, tensor<?x?x8xf32>, tensor<?x?x16xf32>, tensor<?x?x8xf32>, tensor<1x2x4x8xf32>) -> (tensor<?x?x16xf32>, tensor<?x2x4x8xf32>)
  return
}

// -----

func.func @gla_s0_static_batch(%x: tensor<?x?x16xf32>, %s0: tensor<3x2x4x8xf32>, %wq: tensor<8x16xf32>, %wk: tensor<8x16xf32>, %wv: tensor<16x16xf32>, %wg: tensor<16x16xf32>, %w0: tensor<4x16xf32>, %w1: tensor<8x4xf32>, %b1: tensor<8xf32>, %wn: tensor<8xf32>, %wo: tensor<16x16xf32>) {
  // expected-error @+1 {{'seq.gla' op operand 's0' must have shape [?, 2, 4, 8], got [3, 2, 4, 8] (dim 0 is fixed, but must follow a symbolic size)}}
  %y, %s = seq.gla %x init(%s0) weights(%wq, %wk, %wv, %wg, %w0, %w1, %b1, %wn, %wo) {heads = 2 : i64, key_dim = 8 : i64, value_dim = 16 : i64, gate_rank = 4 : i64, gate_norm = 16.0 : f64, eps = 1.0e-05 : f64} : (tensor<?x?x16xf32>, tensor<3x2x4x8xf32>, tensor<8x16xf32>, tensor<8x16xf32>, tensor<16x16xf32>, tensor<16x16xf32>, tensor<4x16xf32>, tensor<8x4xf32>, tensor<8xf32>, tensor<8xf32>, tensor<16x16xf32>) -> (tensor<?x?x16xf32>, tensor<?x2x4x8xf32>)
  return
}
