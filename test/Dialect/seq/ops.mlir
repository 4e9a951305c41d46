// Round trip of every seq op through the custom printer and parser.
// RUN: seqc-opt %s | seqc-opt | FileCheck %s --enable-var-scope

// CHECK-LABEL: func.func @weight(
// CHECK:         %[[R0:.+]] = seq.weight "l0.q_proj.weight" : tensor<128x256xf32>
// CHECK:         %[[R1:.+]] = seq.weight "l0.norm.weight" : tensor<16xf16>
// CHECK:         %[[R2:.+]] = seq.weight "emb" : tensor<4x4xbf16>
// CHECK:         return %[[R0]], %[[R1]], %[[R2]] : tensor<128x256xf32>, tensor<16xf16>, tensor<4x4xbf16>
func.func @weight() -> (tensor<128x256xf32>, tensor<16xf16>, tensor<4x4xbf16>) {
  %0 = seq.weight "l0.q_proj.weight" : tensor<128x256xf32>
  %1 = seq.weight "l0.norm.weight" : tensor<16xf16>
  %2 = seq.weight "emb" : tensor<4x4xbf16>
  return %0, %1, %2 : tensor<128x256xf32>, tensor<16xf16>, tensor<4x4xbf16>
}

// CHECK-LABEL: func.func @linear_bias(
// CHECK-SAME:    %[[X:[^:]+]]: tensor<?x?x16xf32>, %[[W:[^:]+]]: tensor<32x16xf32>, %[[B:[^:]+]]: tensor<32xf32>)
// CHECK:         %[[Y:.+]] = seq.linear %[[X]] weights(%[[W]], %[[B]]) {bias = true, out = 32 : i64} : (tensor<?x?x16xf32>, tensor<32x16xf32>, tensor<32xf32>) -> tensor<?x?x32xf32>
// CHECK:         return %[[Y]] : tensor<?x?x32xf32>
func.func @linear_bias(%x: tensor<?x?x16xf32>, %w: tensor<32x16xf32>, %b: tensor<32xf32>) -> tensor<?x?x32xf32> {
  %y = seq.linear %x weights(%w, %b) {out = 32 : i64, bias = true} : (tensor<?x?x16xf32>, tensor<32x16xf32>, tensor<32xf32>) -> tensor<?x?x32xf32>
  return %y : tensor<?x?x32xf32>
}

// CHECK-LABEL: func.func @linear_no_bias(
// CHECK-SAME:    %[[X:[^:]+]]: tensor<?x16xf32>, %[[W:[^:]+]]: tensor<8x16xf32>)
// CHECK:         %[[Y:.+]] = seq.linear %[[X]] weights(%[[W]]) {bias = false, out = 8 : i64} : (tensor<?x16xf32>, tensor<8x16xf32>) -> tensor<?x8xf32>
// CHECK:         return %[[Y]] : tensor<?x8xf32>
func.func @linear_no_bias(%x: tensor<?x16xf32>, %w: tensor<8x16xf32>) -> tensor<?x8xf32> {
  %y = seq.linear %x weights(%w) {out = 8 : i64, bias = false} : (tensor<?x16xf32>, tensor<8x16xf32>) -> tensor<?x8xf32>
  return %y : tensor<?x8xf32>
}

// CHECK-LABEL: func.func @embedding_i32(
// CHECK-SAME:    %[[IDS:[^:]+]]: tensor<?x?xi32>, %[[W:[^:]+]]: tensor<100x16xf32>)
// CHECK:         %[[Y:.+]] = seq.embedding %[[IDS]] weights(%[[W]]) {dim = 16 : i64, num = 100 : i64} : (tensor<?x?xi32>, tensor<100x16xf32>) -> tensor<?x?x16xf32>
// CHECK:         return %[[Y]] : tensor<?x?x16xf32>
func.func @embedding_i32(%ids: tensor<?x?xi32>, %w: tensor<100x16xf32>) -> tensor<?x?x16xf32> {
  %y = seq.embedding %ids weights(%w) {num = 100 : i64, dim = 16 : i64} : (tensor<?x?xi32>, tensor<100x16xf32>) -> tensor<?x?x16xf32>
  return %y : tensor<?x?x16xf32>
}

// CHECK-LABEL: func.func @embedding_i64(
// CHECK-SAME:    %[[IDS:[^:]+]]: tensor<?xi64>, %[[W:[^:]+]]: tensor<100x16xf32>)
// CHECK:         %[[Y:.+]] = seq.embedding %[[IDS]] weights(%[[W]]) {dim = 16 : i64, num = 100 : i64} : (tensor<?xi64>, tensor<100x16xf32>) -> tensor<?x16xf32>
// CHECK:         return %[[Y]] : tensor<?x16xf32>
func.func @embedding_i64(%ids: tensor<?xi64>, %w: tensor<100x16xf32>) -> tensor<?x16xf32> {
  %y = seq.embedding %ids weights(%w) {num = 100 : i64, dim = 16 : i64} : (tensor<?xi64>, tensor<100x16xf32>) -> tensor<?x16xf32>
  return %y : tensor<?x16xf32>
}

// CHECK-LABEL: func.func @rms_norm(
// CHECK-SAME:    %[[X:[^:]+]]: tensor<?x?x16xf32>, %[[W:[^:]+]]: tensor<16xf32>)
// CHECK:         %[[Y:.+]] = seq.rms_norm %[[X]] weights(%[[W]]) {eps = 1.000000e-05 : f64} : (tensor<?x?x16xf32>, tensor<16xf32>) -> tensor<?x?x16xf32>
// CHECK:         return %[[Y]] : tensor<?x?x16xf32>
func.func @rms_norm(%x: tensor<?x?x16xf32>, %w: tensor<16xf32>) -> tensor<?x?x16xf32> {
  %y = seq.rms_norm %x weights(%w) {eps = 1.0e-05 : f64} : (tensor<?x?x16xf32>, tensor<16xf32>) -> tensor<?x?x16xf32>
  return %y : tensor<?x?x16xf32>
}

// CHECK-LABEL: func.func @layer_norm(
// CHECK-SAME:    %[[X:[^:]+]]: tensor<?x?x16xf32>, %[[W:[^:]+]]: tensor<16xf32>, %[[B:[^:]+]]: tensor<16xf32>)
// CHECK:         %[[Y:.+]] = seq.layer_norm %[[X]] weights(%[[W]], %[[B]]) {eps = 1.000000e-05 : f64} : (tensor<?x?x16xf32>, tensor<16xf32>, tensor<16xf32>) -> tensor<?x?x16xf32>
// CHECK:         return %[[Y]] : tensor<?x?x16xf32>
func.func @layer_norm(%x: tensor<?x?x16xf32>, %w: tensor<16xf32>, %b: tensor<16xf32>) -> tensor<?x?x16xf32> {
  %y = seq.layer_norm %x weights(%w, %b) {eps = 1.0e-05 : f64} : (tensor<?x?x16xf32>, tensor<16xf32>, tensor<16xf32>) -> tensor<?x?x16xf32>
  return %y : tensor<?x?x16xf32>
}

// CHECK-LABEL: func.func @add(
// CHECK-SAME:    %[[A:[^:]+]]: tensor<?x?x16xf32>, %[[B:[^:]+]]: tensor<?x?x16xf32>)
// CHECK:         %[[Y:.+]] = seq.add %[[A]], %[[B]] : (tensor<?x?x16xf32>, tensor<?x?x16xf32>) -> tensor<?x?x16xf32>
// CHECK:         return %[[Y]] : tensor<?x?x16xf32>
func.func @add(%a: tensor<?x?x16xf32>, %b: tensor<?x?x16xf32>) -> tensor<?x?x16xf32> {
  %y = seq.add %a, %b : (tensor<?x?x16xf32>, tensor<?x?x16xf32>) -> tensor<?x?x16xf32>
  return %y : tensor<?x?x16xf32>
}

// CHECK-LABEL: func.func @add_broadcast(
// CHECK-SAME:    %[[A:[^:]+]]: tensor<?x?x16xf32>, %[[B:[^:]+]]: tensor<16xf32>)
// CHECK:         %[[Y:.+]] = seq.add %[[A]], %[[B]] : (tensor<?x?x16xf32>, tensor<16xf32>) -> tensor<?x?x16xf32>
// CHECK:         return %[[Y]] : tensor<?x?x16xf32>
func.func @add_broadcast(%a: tensor<?x?x16xf32>, %b: tensor<16xf32>) -> tensor<?x?x16xf32> {
  %y = seq.add %a, %b : (tensor<?x?x16xf32>, tensor<16xf32>) -> tensor<?x?x16xf32>
  return %y : tensor<?x?x16xf32>
}

// CHECK-LABEL: func.func @mul(
// CHECK-SAME:    %[[A:[^:]+]]: tensor<?x?x16xf32>, %[[B:[^:]+]]: tensor<?x?x16xf32>)
// CHECK:         %[[Y:.+]] = seq.mul %[[A]], %[[B]] : (tensor<?x?x16xf32>, tensor<?x?x16xf32>) -> tensor<?x?x16xf32>
// CHECK:         return %[[Y]] : tensor<?x?x16xf32>
func.func @mul(%a: tensor<?x?x16xf32>, %b: tensor<?x?x16xf32>) -> tensor<?x?x16xf32> {
  %y = seq.mul %a, %b : (tensor<?x?x16xf32>, tensor<?x?x16xf32>) -> tensor<?x?x16xf32>
  return %y : tensor<?x?x16xf32>
}

// CHECK-LABEL: func.func @mul_broadcast(
// CHECK-SAME:    %[[A:[^:]+]]: tensor<?x1x16xf32>, %[[B:[^:]+]]: tensor<?x8x1xf32>)
// CHECK:         %[[Y:.+]] = seq.mul %[[A]], %[[B]] : (tensor<?x1x16xf32>, tensor<?x8x1xf32>) -> tensor<?x8x16xf32>
// CHECK:         return %[[Y]] : tensor<?x8x16xf32>
func.func @mul_broadcast(%a: tensor<?x1x16xf32>, %b: tensor<?x8x1xf32>) -> tensor<?x8x16xf32> {
  %y = seq.mul %a, %b : (tensor<?x1x16xf32>, tensor<?x8x1xf32>) -> tensor<?x8x16xf32>
  return %y : tensor<?x8x16xf32>
}

// CHECK-LABEL: func.func @act(
// CHECK-SAME:    %[[X:[^:]+]]: tensor<?x?x16xf32>)
// CHECK:         %[[R0:.+]] = seq.act %[[X]] {kind = #seq<act_kind silu>} : (tensor<?x?x16xf32>) -> tensor<?x?x16xf32>
// CHECK:         %[[R1:.+]] = seq.act %[[X]] {kind = #seq<act_kind sigmoid>} : (tensor<?x?x16xf32>) -> tensor<?x?x16xf32>
// CHECK:         %[[R2:.+]] = seq.act %[[X]] {kind = #seq<act_kind tanh>} : (tensor<?x?x16xf32>) -> tensor<?x?x16xf32>
// CHECK:         %[[R3:.+]] = seq.act %[[X]] {kind = #seq<act_kind relu>} : (tensor<?x?x16xf32>) -> tensor<?x?x16xf32>
// CHECK:         %[[R4:.+]] = seq.act %[[X]] {kind = #seq<act_kind gelu>} : (tensor<?x?x16xf32>) -> tensor<?x?x16xf32>
// CHECK:         %[[R5:.+]] = seq.act %[[X]] {kind = #seq<act_kind gelu_tanh>} : (tensor<?x?x16xf32>) -> tensor<?x?x16xf32>
// CHECK:         %[[R6:.+]] = seq.act %[[X]] {kind = #seq<act_kind softplus>} : (tensor<?x?x16xf32>) -> tensor<?x?x16xf32>
// CHECK:         return %[[R0]], %[[R1]], %[[R2]], %[[R3]], %[[R4]], %[[R5]], %[[R6]] : tensor<?x?x16xf32>, tensor<?x?x16xf32>, tensor<?x?x16xf32>, tensor<?x?x16xf32>, tensor<?x?x16xf32>, tensor<?x?x16xf32>, tensor<?x?x16xf32>
func.func @act(%x: tensor<?x?x16xf32>) -> (tensor<?x?x16xf32>, tensor<?x?x16xf32>, tensor<?x?x16xf32>, tensor<?x?x16xf32>, tensor<?x?x16xf32>, tensor<?x?x16xf32>, tensor<?x?x16xf32>) {
  %0 = seq.act %x {kind = #seq<act_kind silu>} : (tensor<?x?x16xf32>) -> tensor<?x?x16xf32>
  %1 = seq.act %x {kind = #seq<act_kind sigmoid>} : (tensor<?x?x16xf32>) -> tensor<?x?x16xf32>
  %2 = seq.act %x {kind = #seq<act_kind tanh>} : (tensor<?x?x16xf32>) -> tensor<?x?x16xf32>
  %3 = seq.act %x {kind = #seq<act_kind relu>} : (tensor<?x?x16xf32>) -> tensor<?x?x16xf32>
  %4 = seq.act %x {kind = #seq<act_kind gelu>} : (tensor<?x?x16xf32>) -> tensor<?x?x16xf32>
  %5 = seq.act %x {kind = #seq<act_kind gelu_tanh>} : (tensor<?x?x16xf32>) -> tensor<?x?x16xf32>
  %6 = seq.act %x {kind = #seq<act_kind softplus>} : (tensor<?x?x16xf32>) -> tensor<?x?x16xf32>
  return %0, %1, %2, %3, %4, %5, %6 : tensor<?x?x16xf32>, tensor<?x?x16xf32>, tensor<?x?x16xf32>, tensor<?x?x16xf32>, tensor<?x?x16xf32>, tensor<?x?x16xf32>, tensor<?x?x16xf32>
}

// CHECK-LABEL: func.func @glu_mlp(
// CHECK-SAME:    %[[X:[^:]+]]: tensor<?x?x16xf32>, %[[GATE:[^:]+]]: tensor<64x16xf32>, %[[UP:[^:]+]]: tensor<64x16xf32>, %[[DOWN:[^:]+]]: tensor<16x64xf32>)
// CHECK:         %[[Y:.+]] = seq.glu_mlp %[[X]] weights(%[[GATE]], %[[UP]], %[[DOWN]]) {hidden = 64 : i64} : (tensor<?x?x16xf32>, tensor<64x16xf32>, tensor<64x16xf32>, tensor<16x64xf32>) -> tensor<?x?x16xf32>
// CHECK:         return %[[Y]] : tensor<?x?x16xf32>
func.func @glu_mlp(%x: tensor<?x?x16xf32>, %gate: tensor<64x16xf32>, %up: tensor<64x16xf32>, %down: tensor<16x64xf32>) -> tensor<?x?x16xf32> {
  %y = seq.glu_mlp %x weights(%gate, %up, %down) {hidden = 64 : i64} : (tensor<?x?x16xf32>, tensor<64x16xf32>, tensor<64x16xf32>, tensor<16x64xf32>) -> tensor<?x?x16xf32>
  return %y : tensor<?x?x16xf32>
}

// CHECK-LABEL: func.func @gla_core(
// CHECK-SAME:    %[[Q:[^:]+]]: tensor<?x?x8xf32>, %[[K:[^:]+]]: tensor<?x?x8xf32>, %[[V:[^:]+]]: tensor<?x?x16xf32>, %[[G:[^:]+]]: tensor<?x?x8xf32>)
// CHECK:         %[[O:.+]], %[[S:.+]] = seq.gla_core %[[Q]], %[[K]], %[[V]], %[[G]] {heads = 2 : i64, scale = 5.000000e-01 : f64} : (tensor<?x?x8xf32>, tensor<?x?x8xf32>, tensor<?x?x16xf32>, tensor<?x?x8xf32>) -> (tensor<?x?x16xf32>, tensor<?x2x4x8xf32>)
// CHECK:         return %[[O]], %[[S]] : tensor<?x?x16xf32>, tensor<?x2x4x8xf32>
func.func @gla_core(%q: tensor<?x?x8xf32>, %k: tensor<?x?x8xf32>, %v: tensor<?x?x16xf32>, %g: tensor<?x?x8xf32>) -> (tensor<?x?x16xf32>, tensor<?x2x4x8xf32>) {
  %o, %s = seq.gla_core %q, %k, %v, %g {heads = 2 : i64, scale = 5.000000e-01 : f64} : (tensor<?x?x8xf32>, tensor<?x?x8xf32>, tensor<?x?x16xf32>, tensor<?x?x8xf32>) -> (tensor<?x?x16xf32>, tensor<?x2x4x8xf32>)
  return %o, %s : tensor<?x?x16xf32>, tensor<?x2x4x8xf32>
}

// CHECK-LABEL: func.func @gla_core_init(
// CHECK-SAME:    %[[Q:[^:]+]]: tensor<?x?x8xf32>, %[[K:[^:]+]]: tensor<?x?x8xf32>, %[[V:[^:]+]]: tensor<?x?x16xf32>, %[[G:[^:]+]]: tensor<?x?x8xf32>, %[[S0:[^:]+]]: tensor<?x2x4x8xf32>)
// CHECK:         %[[O:.+]], %[[S:.+]] = seq.gla_core %[[Q]], %[[K]], %[[V]], %[[G]] init(%[[S0]]) {heads = 2 : i64, scale = 5.000000e-01 : f64} : (tensor<?x?x8xf32>, tensor<?x?x8xf32>, tensor<?x?x16xf32>, tensor<?x?x8xf32>, tensor<?x2x4x8xf32>) -> (tensor<?x?x16xf32>, tensor<?x2x4x8xf32>)
// CHECK:         return %[[O]], %[[S]] : tensor<?x?x16xf32>, tensor<?x2x4x8xf32>
func.func @gla_core_init(%q: tensor<?x?x8xf32>, %k: tensor<?x?x8xf32>, %v: tensor<?x?x16xf32>, %g: tensor<?x?x8xf32>, %s0: tensor<?x2x4x8xf32>) -> (tensor<?x?x16xf32>, tensor<?x2x4x8xf32>) {
  %o, %s = seq.gla_core %q, %k, %v, %g init(%s0) {heads = 2 : i64, scale = 5.000000e-01 : f64} : (tensor<?x?x8xf32>, tensor<?x?x8xf32>, tensor<?x?x16xf32>, tensor<?x?x8xf32>, tensor<?x2x4x8xf32>) -> (tensor<?x?x16xf32>, tensor<?x2x4x8xf32>)
  return %o, %s : tensor<?x?x16xf32>, tensor<?x2x4x8xf32>
}

// CHECK-LABEL: func.func @gla(
// CHECK-SAME:    %[[X:[^:]+]]: tensor<?x?x16xf32>, %[[WQ:[^:]+]]: tensor<8x16xf32>, %[[WK:[^:]+]]: tensor<8x16xf32>, %[[WV:[^:]+]]: tensor<16x16xf32>, %[[WG:[^:]+]]: tensor<16x16xf32>, %[[W0:[^:]+]]: tensor<4x16xf32>, %[[W1:[^:]+]]: tensor<8x4xf32>, %[[B1:[^:]+]]: tensor<8xf32>, %[[WN:[^:]+]]: tensor<8xf32>, %[[WO:[^:]+]]: tensor<16x16xf32>)
// CHECK:         %[[Y:.+]], %[[S:.+]] = seq.gla %[[X]] weights(%[[WQ]], %[[WK]], %[[WV]], %[[WG]], %[[W0]], %[[W1]], %[[B1]], %[[WN]], %[[WO]]) {eps = 1.000000e-05 : f64, gate_norm = 1.600000e+01 : f64, gate_rank = 4 : i64, heads = 2 : i64, key_dim = 8 : i64, value_dim = 16 : i64} : (tensor<?x?x16xf32>, tensor<8x16xf32>, tensor<8x16xf32>, tensor<16x16xf32>, tensor<16x16xf32>, tensor<4x16xf32>, tensor<8x4xf32>, tensor<8xf32>, tensor<8xf32>, tensor<16x16xf32>) -> (tensor<?x?x16xf32>, tensor<?x2x4x8xf32>)
// CHECK:         return %[[Y]], %[[S]] : tensor<?x?x16xf32>, tensor<?x2x4x8xf32>
func.func @gla(%x: tensor<?x?x16xf32>, %wq: tensor<8x16xf32>, %wk: tensor<8x16xf32>, %wv: tensor<16x16xf32>, %wg: tensor<16x16xf32>, %w0: tensor<4x16xf32>, %w1: tensor<8x4xf32>, %b1: tensor<8xf32>, %wn: tensor<8xf32>, %wo: tensor<16x16xf32>) -> (tensor<?x?x16xf32>, tensor<?x2x4x8xf32>) {
  %y, %s = seq.gla %x weights(%wq, %wk, %wv, %wg, %w0, %w1, %b1, %wn, %wo) {heads = 2 : i64, key_dim = 8 : i64, value_dim = 16 : i64, gate_rank = 4 : i64, gate_norm = 16.0 : f64, eps = 1.0e-05 : f64} : (tensor<?x?x16xf32>, tensor<8x16xf32>, tensor<8x16xf32>, tensor<16x16xf32>, tensor<16x16xf32>, tensor<4x16xf32>, tensor<8x4xf32>, tensor<8xf32>, tensor<8xf32>, tensor<16x16xf32>) -> (tensor<?x?x16xf32>, tensor<?x2x4x8xf32>)
  return %y, %s : tensor<?x?x16xf32>, tensor<?x2x4x8xf32>
}

// CHECK-LABEL: func.func @gla_init(
// CHECK-SAME:    %[[X:[^:]+]]: tensor<?x?x16xf32>, %[[S0:[^:]+]]: tensor<?x2x4x8xf32>, %[[WQ:[^:]+]]: tensor<8x16xf32>, %[[WK:[^:]+]]: tensor<8x16xf32>, %[[WV:[^:]+]]: tensor<16x16xf32>, %[[WG:[^:]+]]: tensor<16x16xf32>, %[[W0:[^:]+]]: tensor<4x16xf32>, %[[W1:[^:]+]]: tensor<8x4xf32>, %[[B1:[^:]+]]: tensor<8xf32>, %[[WN:[^:]+]]: tensor<8xf32>, %[[WO:[^:]+]]: tensor<16x16xf32>)
// CHECK:         %[[Y:.+]], %[[S:.+]] = seq.gla %[[X]] init(%[[S0]]) weights(%[[WQ]], %[[WK]], %[[WV]], %[[WG]], %[[W0]], %[[W1]], %[[B1]], %[[WN]], %[[WO]]) {eps = 1.000000e-05 : f64, gate_norm = 1.600000e+01 : f64, gate_rank = 4 : i64, heads = 2 : i64, key_dim = 8 : i64, value_dim = 16 : i64} : (tensor<?x?x16xf32>, tensor<?x2x4x8xf32>, tensor<8x16xf32>, tensor<8x16xf32>, tensor<16x16xf32>, tensor<16x16xf32>, tensor<4x16xf32>, tensor<8x4xf32>, tensor<8xf32>, tensor<8xf32>, tensor<16x16xf32>) -> (tensor<?x?x16xf32>, tensor<?x2x4x8xf32>)
// CHECK:         return %[[Y]], %[[S]] : tensor<?x?x16xf32>, tensor<?x2x4x8xf32>
func.func @gla_init(%x: tensor<?x?x16xf32>, %s0: tensor<?x2x4x8xf32>, %wq: tensor<8x16xf32>, %wk: tensor<8x16xf32>, %wv: tensor<16x16xf32>, %wg: tensor<16x16xf32>, %w0: tensor<4x16xf32>, %w1: tensor<8x4xf32>, %b1: tensor<8xf32>, %wn: tensor<8xf32>, %wo: tensor<16x16xf32>) -> (tensor<?x?x16xf32>, tensor<?x2x4x8xf32>) {
  %y, %s = seq.gla %x init(%s0) weights(%wq, %wk, %wv, %wg, %w0, %w1, %b1, %wn, %wo) {heads = 2 : i64, key_dim = 8 : i64, value_dim = 16 : i64, gate_rank = 4 : i64, gate_norm = 16.0 : f64, eps = 1.0e-05 : f64} : (tensor<?x?x16xf32>, tensor<?x2x4x8xf32>, tensor<8x16xf32>, tensor<8x16xf32>, tensor<16x16xf32>, tensor<16x16xf32>, tensor<4x16xf32>, tensor<8x4xf32>, tensor<8xf32>, tensor<8xf32>, tensor<16x16xf32>) -> (tensor<?x?x16xf32>, tensor<?x2x4x8xf32>)
  return %y, %s : tensor<?x?x16xf32>, tensor<?x2x4x8xf32>
}

// CHECK-LABEL: func.func @linear_recurrence(
// CHECK-SAME:    %[[A:[^:]+]]: tensor<?x?x16xf32>, %[[B:[^:]+]]: tensor<?x?x16xf32>)
// CHECK:         %[[H:.+]], %[[LAST:.+]] = seq.linear_recurrence %[[A]], %[[B]] : (tensor<?x?x16xf32>, tensor<?x?x16xf32>) -> (tensor<?x?x16xf32>, tensor<?x16xf32>)
// CHECK:         return %[[H]], %[[LAST]] : tensor<?x?x16xf32>, tensor<?x16xf32>
func.func @linear_recurrence(%a: tensor<?x?x16xf32>, %b: tensor<?x?x16xf32>) -> (tensor<?x?x16xf32>, tensor<?x16xf32>) {
  %h, %last = seq.linear_recurrence %a, %b : (tensor<?x?x16xf32>, tensor<?x?x16xf32>) -> (tensor<?x?x16xf32>, tensor<?x16xf32>)
  return %h, %last : tensor<?x?x16xf32>, tensor<?x16xf32>
}

// CHECK-LABEL: func.func @linear_recurrence_init(
// CHECK-SAME:    %[[A:[^:]+]]: tensor<?x?x16xf32>, %[[B:[^:]+]]: tensor<?x?x16xf32>, %[[H0:[^:]+]]: tensor<?x16xf32>)
// CHECK:         %[[H:.+]], %[[LAST:.+]] = seq.linear_recurrence %[[A]], %[[B]] init(%[[H0]]) : (tensor<?x?x16xf32>, tensor<?x?x16xf32>, tensor<?x16xf32>) -> (tensor<?x?x16xf32>, tensor<?x16xf32>)
// CHECK:         return %[[H]], %[[LAST]] : tensor<?x?x16xf32>, tensor<?x16xf32>
func.func @linear_recurrence_init(%a: tensor<?x?x16xf32>, %b: tensor<?x?x16xf32>, %h0: tensor<?x16xf32>) -> (tensor<?x?x16xf32>, tensor<?x16xf32>) {
  %h, %last = seq.linear_recurrence %a, %b init(%h0) : (tensor<?x?x16xf32>, tensor<?x?x16xf32>, tensor<?x16xf32>) -> (tensor<?x?x16xf32>, tensor<?x16xf32>)
  return %h, %last : tensor<?x?x16xf32>, tensor<?x16xf32>
}

// CHECK-LABEL: func.func @causal_conv1d(
// CHECK-SAME:    %[[X:[^:]+]]: tensor<?x?x16xf32>, %[[W:[^:]+]]: tensor<16x4xf32>, %[[B:[^:]+]]: tensor<16xf32>)
// CHECK:         %[[R0:.+]] = seq.causal_conv1d %[[X]] weights(%[[W]], %[[B]]) {activation = #seq<conv_activation silu>, kernel = 4 : i64} : (tensor<?x?x16xf32>, tensor<16x4xf32>, tensor<16xf32>) -> tensor<?x?x16xf32>
// CHECK:         %[[R1:.+]] = seq.causal_conv1d %[[X]] weights(%[[W]], %[[B]]) {activation = #seq<conv_activation none>, kernel = 4 : i64} : (tensor<?x?x16xf32>, tensor<16x4xf32>, tensor<16xf32>) -> tensor<?x?x16xf32>
// CHECK:         return %[[R0]], %[[R1]] : tensor<?x?x16xf32>, tensor<?x?x16xf32>
func.func @causal_conv1d(%x: tensor<?x?x16xf32>, %w: tensor<16x4xf32>, %b: tensor<16xf32>) -> (tensor<?x?x16xf32>, tensor<?x?x16xf32>) {
  %0 = seq.causal_conv1d %x weights(%w, %b) {kernel = 4 : i64, activation = #seq<conv_activation silu>} : (tensor<?x?x16xf32>, tensor<16x4xf32>, tensor<16xf32>) -> tensor<?x?x16xf32>
  %1 = seq.causal_conv1d %x weights(%w, %b) {kernel = 4 : i64, activation = #seq<conv_activation none>} : (tensor<?x?x16xf32>, tensor<16x4xf32>, tensor<16xf32>) -> tensor<?x?x16xf32>
  return %0, %1 : tensor<?x?x16xf32>, tensor<?x?x16xf32>
}

// CHECK-LABEL: func.func @rnn_gru(
// CHECK-SAME:    %[[X:[^:]+]]: tensor<?x?x16xf32>, %[[WIH:[^:]+]]: tensor<24x16xf32>, %[[WHH:[^:]+]]: tensor<24x8xf32>, %[[BIH:[^:]+]]: tensor<24xf32>, %[[BHH:[^:]+]]: tensor<24xf32>)
// CHECK:         %[[Y:.+]], %[[HN:.+]] = seq.rnn %[[X]] weights(%[[WIH]], %[[WHH]], %[[BIH]], %[[BHH]]) {cell = #seq<rnn_cell gru>, hidden = 8 : i64, layers = 1 : i64, solver = #seq<solver_request auto>} : (tensor<?x?x16xf32>, tensor<24x16xf32>, tensor<24x8xf32>, tensor<24xf32>, tensor<24xf32>) -> (tensor<?x?x8xf32>, tensor<1x?x8xf32>)
// CHECK:         return %[[Y]], %[[HN]] : tensor<?x?x8xf32>, tensor<1x?x8xf32>
func.func @rnn_gru(%x: tensor<?x?x16xf32>, %wih: tensor<24x16xf32>, %whh: tensor<24x8xf32>, %bih: tensor<24xf32>, %bhh: tensor<24xf32>) -> (tensor<?x?x8xf32>, tensor<1x?x8xf32>) {
  %y, %hn = seq.rnn %x weights(%wih, %whh, %bih, %bhh) {cell = #seq<rnn_cell gru>, hidden = 8 : i64, layers = 1 : i64, solver = #seq<solver_request auto>} : (tensor<?x?x16xf32>, tensor<24x16xf32>, tensor<24x8xf32>, tensor<24xf32>, tensor<24xf32>) -> (tensor<?x?x8xf32>, tensor<1x?x8xf32>)
  return %y, %hn : tensor<?x?x8xf32>, tensor<1x?x8xf32>
}

// CHECK-LABEL: func.func @rnn_lstm(
// CHECK-SAME:    %[[X:[^:]+]]: tensor<?x?x16xf32>, %[[H0:[^:]+]]: tensor<2x?x8xf32>, %[[C0:[^:]+]]: tensor<2x?x8xf32>, %[[WIH0:[^:]+]]: tensor<32x16xf32>, %[[WHH0:[^:]+]]: tensor<32x8xf32>, %[[BIH0:[^:]+]]: tensor<32xf32>, %[[BHH0:[^:]+]]: tensor<32xf32>, %[[WIH1:[^:]+]]: tensor<32x8xf32>, %[[WHH1:[^:]+]]: tensor<32x8xf32>, %[[BIH1:[^:]+]]: tensor<32xf32>, %[[BHH1:[^:]+]]: tensor<32xf32>)
// CHECK:         %[[Y:.+]], %[[HN:.+]], %[[CN:.+]] = seq.rnn %[[X]] h0(%[[H0]]) c0(%[[C0]]) weights(%[[WIH0]], %[[WHH0]], %[[BIH0]], %[[BHH0]], %[[WIH1]], %[[WHH1]], %[[BIH1]], %[[BHH1]]) {cell = #seq<rnn_cell lstm>, hidden = 8 : i64, layers = 2 : i64, solver = #seq<solver_request sequential>} : (tensor<?x?x16xf32>, tensor<2x?x8xf32>, tensor<2x?x8xf32>, tensor<32x16xf32>, tensor<32x8xf32>, tensor<32xf32>, tensor<32xf32>, tensor<32x8xf32>, tensor<32x8xf32>, tensor<32xf32>, tensor<32xf32>) -> (tensor<?x?x8xf32>, tensor<2x?x8xf32>, tensor<2x?x8xf32>)
// CHECK:         return %[[Y]], %[[HN]], %[[CN]] : tensor<?x?x8xf32>, tensor<2x?x8xf32>, tensor<2x?x8xf32>
func.func @rnn_lstm(%x: tensor<?x?x16xf32>, %h0: tensor<2x?x8xf32>, %c0: tensor<2x?x8xf32>, %wih0: tensor<32x16xf32>, %whh0: tensor<32x8xf32>, %bih0: tensor<32xf32>, %bhh0: tensor<32xf32>, %wih1: tensor<32x8xf32>, %whh1: tensor<32x8xf32>, %bih1: tensor<32xf32>, %bhh1: tensor<32xf32>) -> (tensor<?x?x8xf32>, tensor<2x?x8xf32>, tensor<2x?x8xf32>) {
  %y, %hn, %cn = seq.rnn %x h0(%h0) c0(%c0) weights(%wih0, %whh0, %bih0, %bhh0, %wih1, %whh1, %bih1, %bhh1) {cell = #seq<rnn_cell lstm>, hidden = 8 : i64, layers = 2 : i64, solver = #seq<solver_request sequential>} : (tensor<?x?x16xf32>, tensor<2x?x8xf32>, tensor<2x?x8xf32>, tensor<32x16xf32>, tensor<32x8xf32>, tensor<32xf32>, tensor<32xf32>, tensor<32x8xf32>, tensor<32x8xf32>, tensor<32xf32>, tensor<32xf32>) -> (tensor<?x?x8xf32>, tensor<2x?x8xf32>, tensor<2x?x8xf32>)
  return %y, %hn, %cn : tensor<?x?x8xf32>, tensor<2x?x8xf32>, tensor<2x?x8xf32>
}

// CHECK-LABEL: func.func @rnn_relu_bidirectional_no_bias(
// CHECK-SAME:    %[[X:[^:]+]]: tensor<?x?x16xf32>, %[[WIH:[^:]+]]: tensor<8x16xf32>, %[[WHH:[^:]+]]: tensor<8x8xf32>, %[[WIHR:[^:]+]]: tensor<8x16xf32>, %[[WHHR:[^:]+]]: tensor<8x8xf32>)
// CHECK:         %[[Y:.+]], %[[HN:.+]] = seq.rnn %[[X]] weights(%[[WIH]], %[[WHH]], %[[WIHR]], %[[WHHR]]) {bias = false, bidirectional = true, cell = #seq<rnn_cell rnn_relu>, hidden = 8 : i64, layers = 1 : i64, solver = #seq<solver_request auto>} : (tensor<?x?x16xf32>, tensor<8x16xf32>, tensor<8x8xf32>, tensor<8x16xf32>, tensor<8x8xf32>) -> (tensor<?x?x16xf32>, tensor<2x?x8xf32>)
// CHECK:         return %[[Y]], %[[HN]] : tensor<?x?x16xf32>, tensor<2x?x8xf32>
func.func @rnn_relu_bidirectional_no_bias(%x: tensor<?x?x16xf32>, %wih: tensor<8x16xf32>, %whh: tensor<8x8xf32>, %wihr: tensor<8x16xf32>, %whhr: tensor<8x8xf32>) -> (tensor<?x?x16xf32>, tensor<2x?x8xf32>) {
  %y, %hn = seq.rnn %x weights(%wih, %whh, %wihr, %whhr) {cell = #seq<rnn_cell rnn_relu>, hidden = 8 : i64, layers = 1 : i64, bias = false, bidirectional = true, solver = #seq<solver_request auto>} : (tensor<?x?x16xf32>, tensor<8x16xf32>, tensor<8x8xf32>, tensor<8x16xf32>, tensor<8x8xf32>) -> (tensor<?x?x16xf32>, tensor<2x?x8xf32>)
  return %y, %hn : tensor<?x?x16xf32>, tensor<2x?x8xf32>
}

// CHECK-LABEL: func.func @para_gru(
// CHECK-SAME:    %[[X:[^:]+]]: tensor<?x?x16xf32>, %[[H0:[^:]+]]: tensor<?x8xf32>, %[[BZ:[^:]+]]: tensor<8x16xf32>, %[[BR:[^:]+]]: tensor<8x16xf32>, %[[BH:[^:]+]]: tensor<8x16xf32>, %[[CZ:[^:]+]]: tensor<8xf32>, %[[CR:[^:]+]]: tensor<8xf32>, %[[CH:[^:]+]]: tensor<8xf32>, %[[AZ:[^:]+]]: tensor<8xf32>, %[[AR:[^:]+]]: tensor<8xf32>, %[[AH:[^:]+]]: tensor<8xf32>)
// CHECK:         %[[Y:.+]], %[[H:.+]] = seq.para_gru %[[X]] h0(%[[H0]]) weights(%[[BZ]], %[[BR]], %[[BH]], %[[CZ]], %[[CR]], %[[CH]], %[[AZ]], %[[AR]], %[[AH]]) {hidden = 8 : i64, solver = #seq<solver_request newton>} : (tensor<?x?x16xf32>, tensor<?x8xf32>, tensor<8x16xf32>, tensor<8x16xf32>, tensor<8x16xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) -> (tensor<?x?x8xf32>, tensor<?x8xf32>)
// CHECK:         return %[[Y]], %[[H]] : tensor<?x?x8xf32>, tensor<?x8xf32>
func.func @para_gru(%x: tensor<?x?x16xf32>, %h0: tensor<?x8xf32>, %bz: tensor<8x16xf32>, %br: tensor<8x16xf32>, %bh: tensor<8x16xf32>, %cz: tensor<8xf32>, %cr: tensor<8xf32>, %ch: tensor<8xf32>, %az: tensor<8xf32>, %ar: tensor<8xf32>, %ah: tensor<8xf32>) -> (tensor<?x?x8xf32>, tensor<?x8xf32>) {
  %y, %h = seq.para_gru %x h0(%h0) weights(%bz, %br, %bh, %cz, %cr, %ch, %az, %ar, %ah) {hidden = 8 : i64, solver = #seq<solver_request newton>} : (tensor<?x?x16xf32>, tensor<?x8xf32>, tensor<8x16xf32>, tensor<8x16xf32>, tensor<8x16xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) -> (tensor<?x?x8xf32>, tensor<?x8xf32>)
  return %y, %h : tensor<?x?x8xf32>, tensor<?x8xf32>
}

// CHECK-LABEL: func.func @para_gru_no_init(
// CHECK-SAME:    %[[X:[^:]+]]: tensor<?x?x16xf32>, %[[BZ:[^:]+]]: tensor<8x16xf32>, %[[BR:[^:]+]]: tensor<8x16xf32>, %[[BH:[^:]+]]: tensor<8x16xf32>, %[[CZ:[^:]+]]: tensor<8xf32>, %[[CR:[^:]+]]: tensor<8xf32>, %[[CH:[^:]+]]: tensor<8xf32>, %[[AZ:[^:]+]]: tensor<8xf32>, %[[AR:[^:]+]]: tensor<8xf32>, %[[AH:[^:]+]]: tensor<8xf32>)
// CHECK:         %[[Y:.+]], %[[H:.+]] = seq.para_gru %[[X]] weights(%[[BZ]], %[[BR]], %[[BH]], %[[CZ]], %[[CR]], %[[CH]], %[[AZ]], %[[AR]], %[[AH]]) {hidden = 8 : i64, solver = #seq<solver_request auto>} : (tensor<?x?x16xf32>, tensor<8x16xf32>, tensor<8x16xf32>, tensor<8x16xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) -> (tensor<?x?x8xf32>, tensor<?x8xf32>)
// CHECK:         return %[[Y]], %[[H]] : tensor<?x?x8xf32>, tensor<?x8xf32>
func.func @para_gru_no_init(%x: tensor<?x?x16xf32>, %bz: tensor<8x16xf32>, %br: tensor<8x16xf32>, %bh: tensor<8x16xf32>, %cz: tensor<8xf32>, %cr: tensor<8xf32>, %ch: tensor<8xf32>, %az: tensor<8xf32>, %ar: tensor<8xf32>, %ah: tensor<8xf32>) -> (tensor<?x?x8xf32>, tensor<?x8xf32>) {
  %y, %h = seq.para_gru %x weights(%bz, %br, %bh, %cz, %cr, %ch, %az, %ar, %ah) {hidden = 8 : i64, solver = #seq<solver_request auto>} : (tensor<?x?x16xf32>, tensor<8x16xf32>, tensor<8x16xf32>, tensor<8x16xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) -> (tensor<?x?x8xf32>, tensor<?x8xf32>)
  return %y, %h : tensor<?x?x8xf32>, tensor<?x8xf32>
}

// CHECK-LABEL: func.func @para_lstm(
// CHECK-SAME:    %[[X:[^:]+]]: tensor<?x?x16xf32>, %[[H0:[^:]+]]: tensor<?x8xf32>, %[[C0:[^:]+]]: tensor<?x8xf32>, %[[BF:[^:]+]]: tensor<8x16xf32>, %[[BC:[^:]+]]: tensor<8x16xf32>, %[[BO:[^:]+]]: tensor<8x16xf32>, %[[CBF:[^:]+]]: tensor<8xf32>, %[[CBC:[^:]+]]: tensor<8xf32>, %[[CBO:[^:]+]]: tensor<8xf32>, %[[AF:[^:]+]]: tensor<8xf32>, %[[AC:[^:]+]]: tensor<8xf32>, %[[AO:[^:]+]]: tensor<8xf32>, %[[PF:[^:]+]]: tensor<8xf32>, %[[PO:[^:]+]]: tensor<8xf32>)
// CHECK:         %[[Y:.+]], %[[H:.+]], %[[C:.+]] = seq.para_lstm %[[X]] h0(%[[H0]]) c0(%[[C0]]) weights(%[[BF]], %[[BC]], %[[BO]], %[[CBF]], %[[CBC]], %[[CBO]], %[[AF]], %[[AC]], %[[AO]], %[[PF]], %[[PO]]) {hidden = 8 : i64, solver = #seq<solver_request auto>} : (tensor<?x?x16xf32>, tensor<?x8xf32>, tensor<?x8xf32>, tensor<8x16xf32>, tensor<8x16xf32>, tensor<8x16xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) -> (tensor<?x?x8xf32>, tensor<?x8xf32>, tensor<?x8xf32>)
// CHECK:         return %[[Y]], %[[H]], %[[C]] : tensor<?x?x8xf32>, tensor<?x8xf32>, tensor<?x8xf32>
func.func @para_lstm(%x: tensor<?x?x16xf32>, %h0: tensor<?x8xf32>, %c0: tensor<?x8xf32>, %bf: tensor<8x16xf32>, %bc: tensor<8x16xf32>, %bo: tensor<8x16xf32>, %cbf: tensor<8xf32>, %cbc: tensor<8xf32>, %cbo: tensor<8xf32>, %af: tensor<8xf32>, %ac: tensor<8xf32>, %ao: tensor<8xf32>, %pf: tensor<8xf32>, %po: tensor<8xf32>) -> (tensor<?x?x8xf32>, tensor<?x8xf32>, tensor<?x8xf32>) {
  %y, %h, %c = seq.para_lstm %x h0(%h0) c0(%c0) weights(%bf, %bc, %bo, %cbf, %cbc, %cbo, %af, %ac, %ao, %pf, %po) {hidden = 8 : i64, solver = #seq<solver_request auto>} : (tensor<?x?x16xf32>, tensor<?x8xf32>, tensor<?x8xf32>, tensor<8x16xf32>, tensor<8x16xf32>, tensor<8x16xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) -> (tensor<?x?x8xf32>, tensor<?x8xf32>, tensor<?x8xf32>)
  return %y, %h, %c : tensor<?x?x8xf32>, tensor<?x8xf32>, tensor<?x8xf32>
}

// CHECK-LABEL: func.func @pgn(
// CHECK-SAME:    %[[X:[^:]+]]: tensor<?x?x16xf32>, %[[HW:[^:]+]]: tensor<8x16x3xf32>, %[[HB:[^:]+]]: tensor<8xf32>, %[[GW:[^:]+]]: tensor<16x24xf32>, %[[GB:[^:]+]]: tensor<16xf32>)
// CHECK:         %[[Y:.+]] = seq.pgn %[[X]] weights(%[[HW]], %[[HB]], %[[GW]], %[[GB]]) {hidden = 8 : i64, window = 3 : i64} : (tensor<?x?x16xf32>, tensor<8x16x3xf32>, tensor<8xf32>, tensor<16x24xf32>, tensor<16xf32>) -> tensor<?x?x8xf32>
// CHECK:         return %[[Y]] : tensor<?x?x8xf32>
func.func @pgn(%x: tensor<?x?x16xf32>, %hw: tensor<8x16x3xf32>, %hb: tensor<8xf32>, %gw: tensor<16x24xf32>, %gb: tensor<16xf32>) -> tensor<?x?x8xf32> {
  %y = seq.pgn %x weights(%hw, %hb, %gw, %gb) {hidden = 8 : i64, window = 3 : i64} : (tensor<?x?x16xf32>, tensor<8x16x3xf32>, tensor<8xf32>, tensor<16x24xf32>, tensor<16xf32>) -> tensor<?x?x8xf32>
  return %y : tensor<?x?x8xf32>
}

// CHECK-LABEL: func.func @gam(
// CHECK-SAME:    %[[X:[^:]+]]: tensor<?x?x16xf32>, %[[CW:[^:]+]]: tensor<16x4xf32>, %[[CB:[^:]+]]: tensor<16xf32>, %[[MEM:[^:]+]]: tensor<32x16xf32>, %[[GW:[^:]+]]: tensor<32x16xf32>, %[[GB:[^:]+]]: tensor<32xf32>)
// CHECK:         %[[Y:.+]] = seq.gam %[[X]] weights(%[[CW]], %[[CB]], %[[MEM]], %[[GW]], %[[GB]]) {kernel = 4 : i64, slots = 32 : i64} : (tensor<?x?x16xf32>, tensor<16x4xf32>, tensor<16xf32>, tensor<32x16xf32>, tensor<32x16xf32>, tensor<32xf32>) -> tensor<?x?x16xf32>
// CHECK:         return %[[Y]] : tensor<?x?x16xf32>
func.func @gam(%x: tensor<?x?x16xf32>, %cw: tensor<16x4xf32>, %cb: tensor<16xf32>, %mem: tensor<32x16xf32>, %gw: tensor<32x16xf32>, %gb: tensor<32xf32>) -> tensor<?x?x16xf32> {
  %y = seq.gam %x weights(%cw, %cb, %mem, %gw, %gb) {slots = 32 : i64, kernel = 4 : i64} : (tensor<?x?x16xf32>, tensor<16x4xf32>, tensor<16xf32>, tensor<32x16xf32>, tensor<32x16xf32>, tensor<32xf32>) -> tensor<?x?x16xf32>
  return %y : tensor<?x?x16xf32>
}

// CHECK-LABEL: func.func @gated_attention_elementwise(
// CHECK-SAME:    %[[X:[^:]+]]: tensor<?x?x16xf32>, %[[WQ:[^:]+]]: tensor<16x16xf32>, %[[WK:[^:]+]]: tensor<16x16xf32>, %[[WV:[^:]+]]: tensor<16x16xf32>, %[[WG:[^:]+]]: tensor<16x16xf32>, %[[WO:[^:]+]]: tensor<16x16xf32>)
// CHECK:         %[[Y:[^,]+]], %{{.+}} = seq.gated_attention %[[X]] weights(%[[WQ]], %[[WK]], %[[WV]], %[[WG]], %[[WO]]) {gate = #seq<attention_gate elementwise>, head_dim = 4 : i64, heads = 4 : i64, kv_heads = 4 : i64, rope_theta = 1.000000e+04 : f64} : (tensor<?x?x16xf32>, tensor<16x16xf32>, tensor<16x16xf32>, tensor<16x16xf32>, tensor<16x16xf32>, tensor<16x16xf32>) -> (tensor<?x?x16xf32>, tensor<?x?x16xf32>, tensor<?x?x16xf32>)
// CHECK:         return %[[Y]] : tensor<?x?x16xf32>
func.func @gated_attention_elementwise(%x: tensor<?x?x16xf32>, %wq: tensor<16x16xf32>, %wk: tensor<16x16xf32>, %wv: tensor<16x16xf32>, %wg: tensor<16x16xf32>, %wo: tensor<16x16xf32>) -> tensor<?x?x16xf32> {
  %y, %y_k, %y_v = seq.gated_attention %x weights(%wq, %wk, %wv, %wg, %wo) {heads = 4 : i64, kv_heads = 4 : i64, head_dim = 4 : i64, gate = #seq<attention_gate elementwise>, rope_theta = 1.0e+04 : f64} : (tensor<?x?x16xf32>, tensor<16x16xf32>, tensor<16x16xf32>, tensor<16x16xf32>, tensor<16x16xf32>, tensor<16x16xf32>) -> (tensor<?x?x16xf32>, tensor<?x?x16xf32>, tensor<?x?x16xf32>)
  return %y : tensor<?x?x16xf32>
}

// CHECK-LABEL: func.func @gated_attention_headwise_gqa(
// CHECK-SAME:    %[[X:[^:]+]]: tensor<?x?x16xf32>, %[[WQ:[^:]+]]: tensor<32x16xf32>, %[[WK:[^:]+]]: tensor<16x16xf32>, %[[WV:[^:]+]]: tensor<16x16xf32>, %[[WG:[^:]+]]: tensor<4x16xf32>, %[[WO:[^:]+]]: tensor<16x32xf32>)
// CHECK:         %[[Y:[^,]+]], %{{.+}} = seq.gated_attention %[[X]] weights(%[[WQ]], %[[WK]], %[[WV]], %[[WG]], %[[WO]]) {gate = #seq<attention_gate headwise>, head_dim = 8 : i64, heads = 4 : i64, kv_heads = 2 : i64} : (tensor<?x?x16xf32>, tensor<32x16xf32>, tensor<16x16xf32>, tensor<16x16xf32>, tensor<4x16xf32>, tensor<16x32xf32>) -> (tensor<?x?x16xf32>, tensor<?x?x16xf32>, tensor<?x?x16xf32>)
// CHECK:         return %[[Y]] : tensor<?x?x16xf32>
func.func @gated_attention_headwise_gqa(%x: tensor<?x?x16xf32>, %wq: tensor<32x16xf32>, %wk: tensor<16x16xf32>, %wv: tensor<16x16xf32>, %wg: tensor<4x16xf32>, %wo: tensor<16x32xf32>) -> tensor<?x?x16xf32> {
  %y, %y_k, %y_v = seq.gated_attention %x weights(%wq, %wk, %wv, %wg, %wo) {heads = 4 : i64, kv_heads = 2 : i64, head_dim = 8 : i64, gate = #seq<attention_gate headwise>} : (tensor<?x?x16xf32>, tensor<32x16xf32>, tensor<16x16xf32>, tensor<16x16xf32>, tensor<4x16xf32>, tensor<16x32xf32>) -> (tensor<?x?x16xf32>, tensor<?x?x16xf32>, tensor<?x?x16xf32>)
  return %y : tensor<?x?x16xf32>
}

// CHECK-LABEL: func.func @gated_attention_past(
// CHECK-SAME:    %[[X:[^:]+]]: tensor<?x?x16xf32>, %[[KP:[^:]+]]: tensor<?x?x8xf32>, %[[VP:[^:]+]]: tensor<?x?x8xf32>
// CHECK:         %[[Y:[^,]+]], %[[K:[^,]+]], %[[V:[^ ]+]] = seq.gated_attention %[[X]] past(%[[KP]], %[[VP]]) weights(
// CHECK-SAME:    -> (tensor<?x?x16xf32>, tensor<?x?x8xf32>, tensor<?x?x8xf32>)
// CHECK:         return %[[Y]], %[[K]], %[[V]]
func.func @gated_attention_past(%x: tensor<?x?x16xf32>, %kp: tensor<?x?x8xf32>, %vp: tensor<?x?x8xf32>, %wq: tensor<16x16xf32>, %wkv: tensor<8x16xf32>, %wg: tensor<4x16xf32>, %wo: tensor<16x16xf32>) -> (tensor<?x?x16xf32>, tensor<?x?x8xf32>, tensor<?x?x8xf32>) {
  %y, %k, %v = seq.gated_attention %x past(%kp, %vp) weights(%wq, %wkv, %wkv, %wg, %wo) {heads = 4 : i64, kv_heads = 2 : i64, head_dim = 4 : i64, gate = #seq<attention_gate headwise>} : (tensor<?x?x16xf32>, tensor<?x?x8xf32>, tensor<?x?x8xf32>, tensor<16x16xf32>, tensor<8x16xf32>, tensor<8x16xf32>, tensor<4x16xf32>, tensor<16x16xf32>) -> (tensor<?x?x16xf32>, tensor<?x?x8xf32>, tensor<?x?x8xf32>)
  return %y, %k, %v : tensor<?x?x16xf32>, tensor<?x?x8xf32>, tensor<?x?x8xf32>
}

// CHECK-LABEL: func.func @lif_hard(
// CHECK-SAME:    %[[X:[^:]+]]: tensor<?x?x16xf32>)
// CHECK:         %[[Y:.+]], %[[V:.+]] = seq.lif %[[X]] {decay_input = true, tau = 2.000000e+00 : f64, v_reset = 0.000000e+00 : f64, v_threshold = 1.000000e+00 : f64} : (tensor<?x?x16xf32>) -> (tensor<?x?x16xf32>, tensor<?x16xf32>)
// CHECK:         return %[[Y]], %[[V]] : tensor<?x?x16xf32>, tensor<?x16xf32>
func.func @lif_hard(%x: tensor<?x?x16xf32>) -> (tensor<?x?x16xf32>, tensor<?x16xf32>) {
  %y, %v = seq.lif %x {tau = 2.0 : f64, v_threshold = 1.0 : f64, v_reset = 0.0 : f64, decay_input = true} : (tensor<?x?x16xf32>) -> (tensor<?x?x16xf32>, tensor<?x16xf32>)
  return %y, %v : tensor<?x?x16xf32>, tensor<?x16xf32>
}

// CHECK-LABEL: func.func @lif_soft(
// CHECK-SAME:    %[[X:[^:]+]]: tensor<?x?x4x4xf32>)
// CHECK:         %[[Y:.+]], %[[V:.+]] = seq.lif %[[X]] {decay_input = false, tau = 2.000000e+00 : f64, v_threshold = 5.000000e-01 : f64} : (tensor<?x?x4x4xf32>) -> (tensor<?x?x4x4xf32>, tensor<?x4x4xf32>)
// CHECK:         return %[[Y]], %[[V]] : tensor<?x?x4x4xf32>, tensor<?x4x4xf32>
func.func @lif_soft(%x: tensor<?x?x4x4xf32>) -> (tensor<?x?x4x4xf32>, tensor<?x4x4xf32>) {
  %y, %v = seq.lif %x {tau = 2.0 : f64, v_threshold = 5.0e-01 : f64, decay_input = false} : (tensor<?x?x4x4xf32>) -> (tensor<?x?x4x4xf32>, tensor<?x4x4xf32>)
  return %y, %v : tensor<?x?x4x4xf32>, tensor<?x4x4xf32>
}

// CHECK-LABEL: func.func @plif(
// CHECK-SAME:    %[[X:[^:]+]]: tensor<?x?x16xf32>, %[[W:[^:]+]]: tensor<f32>)
// CHECK:         %[[Y:.+]], %[[V:.+]] = seq.plif %[[X]] weights(%[[W]]) {decay_input = true, v_reset = 0.000000e+00 : f64, v_threshold = 1.000000e+00 : f64} : (tensor<?x?x16xf32>, tensor<f32>) -> (tensor<?x?x16xf32>, tensor<?x16xf32>)
// CHECK:         return %[[Y]], %[[V]] : tensor<?x?x16xf32>, tensor<?x16xf32>
func.func @plif(%x: tensor<?x?x16xf32>, %w: tensor<f32>) -> (tensor<?x?x16xf32>, tensor<?x16xf32>) {
  %y, %v = seq.plif %x weights(%w) {v_threshold = 1.0 : f64, v_reset = 0.0 : f64, decay_input = true} : (tensor<?x?x16xf32>, tensor<f32>) -> (tensor<?x?x16xf32>, tensor<?x16xf32>)
  return %y, %v : tensor<?x?x16xf32>, tensor<?x16xf32>
}

// CHECK-LABEL: func.func @plif_from_v0(
// CHECK-SAME:    %[[X:[^:]+]]: tensor<?x?x4x4xf32>, %[[V0:[^:]+]]: tensor<?x4x4xf32>, %[[W:[^:]+]]: tensor<f32>)
// CHECK:         %[[Y:.+]], %[[V:.+]] = seq.plif %[[X]] v0(%[[V0]]) weights(%[[W]]) {decay_input = true, v_threshold = 1.000000e+00 : f64} : (tensor<?x?x4x4xf32>, tensor<?x4x4xf32>, tensor<f32>) -> (tensor<?x?x4x4xf32>, tensor<?x4x4xf32>)
// CHECK:         return %[[Y]], %[[V]] : tensor<?x?x4x4xf32>, tensor<?x4x4xf32>
func.func @plif_from_v0(%x: tensor<?x?x4x4xf32>, %v0: tensor<?x4x4xf32>, %w: tensor<f32>) -> (tensor<?x?x4x4xf32>, tensor<?x4x4xf32>) {
  %y, %v = seq.plif %x v0(%v0) weights(%w) {v_threshold = 1.0 : f64, decay_input = true} : (tensor<?x?x4x4xf32>, tensor<?x4x4xf32>, tensor<f32>) -> (tensor<?x?x4x4xf32>, tensor<?x4x4xf32>)
  return %y, %v : tensor<?x?x4x4xf32>, tensor<?x4x4xf32>
}

// CHECK-LABEL: func.func @if_neuron(
// CHECK-SAME:    %[[X:[^:]+]]: tensor<?x?xf32>)
// CHECK:         %[[Y:.+]], %[[V:.+]] = seq.if_neuron %[[X]] {v_threshold = 1.000000e+00 : f64} : (tensor<?x?xf32>) -> (tensor<?x?xf32>, tensor<?xf32>)
// CHECK:         return %[[Y]], %[[V]] : tensor<?x?xf32>, tensor<?xf32>
func.func @if_neuron(%x: tensor<?x?xf32>) -> (tensor<?x?xf32>, tensor<?xf32>) {
  %y, %v = seq.if_neuron %x {v_threshold = 1.0 : f64} : (tensor<?x?xf32>) -> (tensor<?x?xf32>, tensor<?xf32>)
  return %y, %v : tensor<?x?xf32>, tensor<?xf32>
}

// CHECK-LABEL: func.func @lif_per_neuron(
// CHECK-SAME:    %[[X:[^:]+]]: tensor<?x?x4x4xf32>, %[[TAU:[^:]+]]: tensor<4x4xf32>, %[[TH:[^:]+]]: tensor<4x4xf32>)
// CHECK:         seq.lif %[[X]] weights(%[[TAU]], %[[TH]]) {decay_input = true, per_neuron = ["tau", "v_threshold"], tau = 2.000000e+00 : f64, v_reset = 0.000000e+00 : f64, v_threshold = 1.000000e+00 : f64}
func.func @lif_per_neuron(%x: tensor<?x?x4x4xf32>, %tau: tensor<4x4xf32>, %th: tensor<4x4xf32>) -> (tensor<?x?x4x4xf32>, tensor<?x4x4xf32>) {
  %y, %v = seq.lif %x weights(%tau, %th) {tau = 2.0 : f64, v_threshold = 1.0 : f64, v_reset = 0.0 : f64, decay_input = true, per_neuron = ["tau", "v_threshold"]} : (tensor<?x?x4x4xf32>, tensor<4x4xf32>, tensor<4x4xf32>) -> (tensor<?x?x4x4xf32>, tensor<?x4x4xf32>)
  return %y, %v : tensor<?x?x4x4xf32>, tensor<?x4x4xf32>
}

// CHECK-LABEL: func.func @cuba_lif(
// CHECK-SAME:    %[[X:[^:]+]]: tensor<?x?x16xf32>, %[[V0:[^:]+]]: tensor<?x16xf32>, %[[I0:[^:]+]]: tensor<?x16xf32>, %[[LEAK:[^:]+]]: tensor<16xf32>)
// CHECK:         %{{.+}}, %{{.+}}, %{{.+}} = seq.cuba_lif %[[X]] v0(%[[V0]]) i0(%[[I0]]) weights(%[[LEAK]]) {per_neuron = ["v_leak"], r = 1.000000e+00 : f64, tau_mem = 1.000000e+01 : f64, tau_syn = 5.000000e+00 : f64, v_leak = 0.000000e+00 : f64, v_threshold = 1.000000e+00 : f64, w_in = 1.000000e+00 : f64} : (tensor<?x?x16xf32>, tensor<?x16xf32>, tensor<?x16xf32>, tensor<16xf32>) -> (tensor<?x?x16xf32>, tensor<?x16xf32>, tensor<?x16xf32>)
func.func @cuba_lif(%x: tensor<?x?x16xf32>, %v0: tensor<?x16xf32>, %i0: tensor<?x16xf32>, %leak: tensor<16xf32>) -> (tensor<?x?x16xf32>, tensor<?x16xf32>, tensor<?x16xf32>) {
  %y, %v, %i = seq.cuba_lif %x v0(%v0) i0(%i0) weights(%leak) {tau_syn = 5.0 : f64, tau_mem = 10.0 : f64, r = 1.0 : f64, w_in = 1.0 : f64, v_leak = 0.0 : f64, v_threshold = 1.0 : f64, per_neuron = ["v_leak"]} : (tensor<?x?x16xf32>, tensor<?x16xf32>, tensor<?x16xf32>, tensor<16xf32>) -> (tensor<?x?x16xf32>, tensor<?x16xf32>, tensor<?x16xf32>)
  return %y, %v, %i : tensor<?x?x16xf32>, tensor<?x16xf32>, tensor<?x16xf32>
}

// CHECK-LABEL: func.func @wkv(
// CHECK-SAME:    %[[K:[^:]+]]: tensor<?x?x16xf32>, %[[V:[^:]+]]: tensor<?x?x16xf32>, %[[DECAY:[^:]+]]: tensor<16xf32>, %[[FIRST:[^:]+]]: tensor<16xf32>)
// CHECK:         %[[Y:.+]] = seq.wkv %[[K]], %[[V]] weights(%[[DECAY]], %[[FIRST]]) : (tensor<?x?x16xf32>, tensor<?x?x16xf32>, tensor<16xf32>, tensor<16xf32>) -> tensor<?x?x16xf32>
// CHECK:         return %[[Y]] : tensor<?x?x16xf32>
func.func @wkv(%k: tensor<?x?x16xf32>, %v: tensor<?x?x16xf32>, %decay: tensor<16xf32>, %first: tensor<16xf32>) -> tensor<?x?x16xf32> {
  %y = seq.wkv %k, %v weights(%decay, %first) : (tensor<?x?x16xf32>, tensor<?x?x16xf32>, tensor<16xf32>, tensor<16xf32>) -> tensor<?x?x16xf32>
  return %y : tensor<?x?x16xf32>
}

// CHECK-LABEL: func.func @spiking_rwkv(
// CHECK-SAME:    %[[X:[^:]+]]: tensor<?x?x16xf32>, %[[VD:[^:]+]]: tensor<16xf32>, %[[MDD:[^:]+]]: tensor<16x16xf32>, %[[MFD:[^:]+]]: tensor<32x16xf32>, %[[MDF:[^:]+]]: tensor<16x32xf32>)
// CHECK:         %[[Y:.+]] = seq.spiking_rwkv %[[X]] weights(%[[VD]], %[[VD]], %[[VD]], %[[VD]], %[[VD]], %[[VD]], %[[VD]], %[[VD]], %[[VD]], %[[MDD]], %[[MDD]], %[[MDD]], %[[MDD]], %[[VD]], %[[VD]], %[[MFD]], %[[MDD]], %[[MDF]]) {ffn_hidden = 32 : i64, first = false, tau = 2.000000e+00 : f64, v_threshold = 1.000000e+00 : f64} : (tensor<?x?x16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16x16xf32>, tensor<16x16xf32>, tensor<16x16xf32>, tensor<16x16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<32x16xf32>, tensor<16x16xf32>, tensor<16x32xf32>) -> tensor<?x?x16xf32>
// CHECK:         return %[[Y]] : tensor<?x?x16xf32>
func.func @spiking_rwkv(%x: tensor<?x?x16xf32>, %vd: tensor<16xf32>, %mdd: tensor<16x16xf32>, %mfd: tensor<32x16xf32>, %mdf: tensor<16x32xf32>) -> tensor<?x?x16xf32> {
  %y = seq.spiking_rwkv %x weights(%vd, %vd, %vd, %vd, %vd, %vd, %vd, %vd, %vd, %mdd, %mdd, %mdd, %mdd, %vd, %vd, %mfd, %mdd, %mdf) {ffn_hidden = 32 : i64, first = false, tau = 2.0 : f64, v_threshold = 1.0 : f64} : (tensor<?x?x16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16x16xf32>, tensor<16x16xf32>, tensor<16x16xf32>, tensor<16x16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<32x16xf32>, tensor<16x16xf32>, tensor<16x32xf32>) -> tensor<?x?x16xf32>
  return %y : tensor<?x?x16xf32>
}

// CHECK-LABEL: func.func @spiking_rwkv_first(
// CHECK-SAME:    %[[X:[^:]+]]: tensor<?x?x16xf32>, %[[VD:[^:]+]]: tensor<16xf32>, %[[MDD:[^:]+]]: tensor<16x16xf32>, %[[MFD:[^:]+]]: tensor<32x16xf32>, %[[MDF:[^:]+]]: tensor<16x32xf32>)
// CHECK:         %[[Y:.+]] = seq.spiking_rwkv %[[X]] weights(%[[VD]], %[[VD]], %[[VD]], %[[VD]], %[[VD]], %[[VD]], %[[VD]], %[[VD]], %[[VD]], %[[VD]], %[[VD]], %[[MDD]], %[[MDD]], %[[MDD]], %[[MDD]], %[[VD]], %[[VD]], %[[MFD]], %[[MDD]], %[[MDF]]) {ffn_hidden = 32 : i64, first = true, tau = 2.000000e+00 : f64, v_threshold = 1.000000e+00 : f64} : (tensor<?x?x16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16x16xf32>, tensor<16x16xf32>, tensor<16x16xf32>, tensor<16x16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<32x16xf32>, tensor<16x16xf32>, tensor<16x32xf32>) -> tensor<?x?x16xf32>
// CHECK:         return %[[Y]] : tensor<?x?x16xf32>
func.func @spiking_rwkv_first(%x: tensor<?x?x16xf32>, %vd: tensor<16xf32>, %mdd: tensor<16x16xf32>, %mfd: tensor<32x16xf32>, %mdf: tensor<16x32xf32>) -> tensor<?x?x16xf32> {
  %y = seq.spiking_rwkv %x weights(%vd, %vd, %vd, %vd, %vd, %vd, %vd, %vd, %vd, %vd, %vd, %mdd, %mdd, %mdd, %mdd, %vd, %vd, %mfd, %mdd, %mdf) {ffn_hidden = 32 : i64, first = true, tau = 2.0 : f64, v_threshold = 1.0 : f64} : (tensor<?x?x16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16x16xf32>, tensor<16x16xf32>, tensor<16x16xf32>, tensor<16x16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<32x16xf32>, tensor<16x16xf32>, tensor<16x32xf32>) -> tensor<?x?x16xf32>
  return %y : tensor<?x?x16xf32>
}
