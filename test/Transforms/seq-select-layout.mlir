// seq-select-layout: the layouts attention's consumers read and carry,
// per consumer, recorded as seq.layout.
// RUN: seqc-opt %s --seq-set-target --seq-select-layout | FileCheck %s
// RUN: seqc-opt %s --seq-set-target --seq-select-layout="state=vk keys=bthd values=bthd" | FileCheck %s --check-prefix=FORCED
// RUN: not seqc-opt %s --seq-set-target --seq-select-layout="state=vx" 2>&1 | FileCheck %s --check-prefix=STATE
// RUN: not seqc-opt %s --seq-set-target --seq-select-layout="values=bhdt" 2>&1 | FileCheck %s --check-prefix=VALUES

// The benchmark's GLA layer: K = 64, V = 128 per head. [K, V] costs
// 3·64·8 = 1536 vector ops per step, [V, K] 2·(3·128·4 + 8·128) = 5120:
// kv. Eight blocks of 16 value columns read each key row: q, k and the
// decays are copied per head.
// CHECK-LABEL: func.func @layer
// CHECK:         seq.gla {{.*}}seq.layout = #seq.gla_layout<keys = bhtd, state = kv>
// FORCED-LABEL: func.func @layer
// FORCED:        seq.gla {{.*}}seq.layout = #seq.gla_layout<keys = bthd, state = vk>
func.func @layer(%x: tensor<?x?x512xf32>, %wq: tensor<256x512xf32>, %wk: tensor<256x512xf32>, %wv: tensor<512x512xf32>, %wg: tensor<512x512xf32>, %w0: tensor<16x512xf32>, %w1: tensor<256x16xf32>, %b1: tensor<256xf32>, %wn: tensor<128xf32>, %wo: tensor<512x512xf32>) -> tensor<?x?x512xf32> {
  %y, %s = seq.gla %x weights(%wq, %wk, %wv, %wg, %w0, %w1, %b1, %wn, %wo) {heads = 4 : i64, key_dim = 256 : i64, value_dim = 512 : i64, gate_rank = 16 : i64, gate_norm = 16.0 : f64, eps = 1.0e-5 : f64} : (tensor<?x?x512xf32>, tensor<256x512xf32>, tensor<256x512xf32>, tensor<512x512xf32>, tensor<512x512xf32>, tensor<16x512xf32>, tensor<256x16xf32>, tensor<256xf32>, tensor<128xf32>, tensor<512x512xf32>) -> (tensor<?x?x512xf32>, tensor<?x4x64x128xf32>)
  return %y : tensor<?x?x512xf32>
}

// K = 64, V = 16: one block per head reads the keys, so they stay in
// place; kv (192 against 2·(192 + 128)).
// CHECK-LABEL: func.func @one_block
// CHECK:         seq.gla_core {{.*}}seq.layout = #seq.gla_layout<keys = bthd, state = kv>
func.func @one_block(%q: tensor<?x?x128xf32>, %v: tensor<?x?x32xf32>) -> (tensor<?x?x32xf32>, tensor<?x2x64x16xf32>) {
  %o, %s = seq.gla_core %q, %q, %v, %q {heads = 2 : i64, scale = 0.125 : f64} : (tensor<?x?x128xf32>, tensor<?x?x128xf32>, tensor<?x?x32xf32>, tensor<?x?x128xf32>) -> (tensor<?x?x32xf32>, tensor<?x2x64x16xf32>)
  return %o, %s : tensor<?x?x32xf32>, tensor<?x2x64x16xf32>
}

// K = 64, V = 4: a [K, V] row would use 4 of 16 lanes; [V, K] costs
// 2·(3·4·4 + 8·4) = 160 against 192.
// CHECK-LABEL: func.func @few_values
// CHECK:         seq.gla_core {{.*}}seq.layout = #seq.gla_layout<keys = bthd, state = vk>
func.func @few_values(%q: tensor<?x?x64xf32>, %v: tensor<?x?x4xf32>) -> (tensor<?x?x4xf32>, tensor<?x1x64x4xf32>) {
  %o, %s = seq.gla_core %q, %q, %v, %q {heads = 1 : i64, scale = 0.125 : f64} : (tensor<?x?x64xf32>, tensor<?x?x64xf32>, tensor<?x?x4xf32>, tensor<?x?x64xf32>) -> (tensor<?x?x4xf32>, tensor<?x1x64x4xf32>)
  return %o, %s : tensor<?x?x4xf32>, tensor<?x1x64x4xf32>
}

// gated_attention: V per kv head for long or unknown T, in place for
// short T; q and K always per head.
// CHECK-LABEL: func.func @attention
// CHECK:         seq.gated_attention {{.*}}seq.layout = #seq.attention_layout<values = bhtd>
// CHECK:         seq.gated_attention {{.*}}seq.layout = #seq.attention_layout<values = bthd>
// CHECK:         seq.gated_attention {{.*}}seq.layout = #seq.attention_layout<values = bhtd>
// FORCED-LABEL: func.func @attention
// FORCED-COUNT-3: seq.layout = #seq.attention_layout<values = bthd>
func.func @attention(%x: tensor<?x?x32xf32>, %short: tensor<1x64x32xf32>, %long: tensor<1x512x32xf32>, %wq: tensor<64x32xf32>, %wk: tensor<32x32xf32>, %wv: tensor<32x32xf32>, %wg: tensor<4x32xf32>, %wo: tensor<32x64xf32>) -> (tensor<?x?x32xf32>, tensor<1x64x32xf32>, tensor<1x512x32xf32>) {
  %a, %a_k, %a_v = seq.gated_attention %x weights(%wq, %wk, %wv, %wg, %wo) {heads = 4 : i64, kv_heads = 2 : i64, head_dim = 16 : i64, gate = #seq<attention_gate headwise>} : (tensor<?x?x32xf32>, tensor<64x32xf32>, tensor<32x32xf32>, tensor<32x32xf32>, tensor<4x32xf32>, tensor<32x64xf32>) -> (tensor<?x?x32xf32>, tensor<?x?x32xf32>, tensor<?x?x32xf32>)
  %b, %b_k, %b_v = seq.gated_attention %short weights(%wq, %wk, %wv, %wg, %wo) {heads = 4 : i64, kv_heads = 2 : i64, head_dim = 16 : i64, gate = #seq<attention_gate headwise>} : (tensor<1x64x32xf32>, tensor<64x32xf32>, tensor<32x32xf32>, tensor<32x32xf32>, tensor<4x32xf32>, tensor<32x64xf32>) -> (tensor<1x64x32xf32>, tensor<1x64x32xf32>, tensor<1x64x32xf32>)
  %c, %c_k, %c_v = seq.gated_attention %long weights(%wq, %wk, %wv, %wg, %wo) {heads = 4 : i64, kv_heads = 2 : i64, head_dim = 16 : i64, gate = #seq<attention_gate headwise>} : (tensor<1x512x32xf32>, tensor<64x32xf32>, tensor<32x32xf32>, tensor<32x32xf32>, tensor<4x32xf32>, tensor<32x64xf32>) -> (tensor<1x512x32xf32>, tensor<1x512x32xf32>, tensor<1x512x32xf32>)
  return %a, %b, %c : tensor<?x?x32xf32>, tensor<1x64x32xf32>, tensor<1x512x32xf32>
}

// STATE: Cannot find option named 'vx'
// VALUES: Cannot find option named 'bhdt'
