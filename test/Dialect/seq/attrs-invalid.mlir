// Each verifier of the target attribute and of the typed decisions rejects
// bad values, and a decision name holds only its kind, on ops that take it.
// RUN: seqc-opt %s -split-input-file -verify-diagnostics

// expected-error @+1 {{a cpu target has 1 to 1024 threads, not 0}}
module attributes {seq.target = #seq.target<kind = cpu, vector_bits = 256, vector_registers = 16>} {}

// -----

// expected-error @+1 {{a cpu target's vector_bits is 128, 256 or 512, not 384}}
module attributes {seq.target = #seq.target<kind = cpu, threads = 2, vector_bits = 384, vector_registers = 16>} {}

// -----

// expected-error @+1 {{arch, shared_memory_bytes and warps describe a cuda target, not a cpu}}
module attributes {seq.target = #seq.target<kind = cpu, threads = 2, vector_bits = 256, vector_registers = 16, warps = 4>} {}

// -----

// expected-error @+1 {{cache sizes must not be negative}}
module attributes {seq.target = #seq.target<kind = cpu, threads = 2, vector_bits = 256, vector_registers = 16, l2_bytes = -1>} {}

// -----

// expected-error @+1 {{a cuda target's arch is sm_NN, not 'compute_90'}}
module attributes {seq.target = #seq.target<kind = cuda, arch = "compute_90", shared_memory_bytes = 1024, warps = 4>} {}

// -----

// expected-error @+1 {{a cuda target has 1 to 32 warps per block, not 64}}
module attributes {seq.target = #seq.target<kind = cuda, arch = "sm_80", shared_memory_bytes = 1024, warps = 64>} {}

// -----

// expected-error @+1 {{threads, vector_bits, vector_registers, bf16_dot and bf16_tiles describe a cpu target, not a cuda}}
module attributes {seq.target = #seq.target<kind = cuda, arch = "sm_80", shared_memory_bytes = 1024, warps = 4, threads = 8>} {}

// -----

// expected-error @+1 {{threads, vector_bits, vector_registers, bf16_dot and bf16_tiles describe a cpu target, not a cuda}}
module attributes {seq.target = #seq.target<kind = cuda, arch = "sm_80", shared_memory_bytes = 1024, warps = 4, bf16_tiles = true>} {}

// -----

// expected-error @+1 {{'seq.precision' must be a string "f32" or "bf16", not "fp8"}}
module attributes {seq.precision = "fp8"} {}

// -----

module {
  // expected-error @+1 {{'seq.precision' belongs on a builtin.module}}
  func.func @f() attributes {seq.precision = "bf16"} {
    return
  }
}

// -----

// expected-error @+2 {{expected ::seqc::seq::TargetKind to be one of: cpu, cuda}}
// expected-error @+1 {{failed to parse Seq_TargetAttr parameter 'kind'}}
module attributes {seq.target = #seq.target<kind = tpu, threads = 2>} {}

// -----

// expected-error @+1 {{'builtin.module' op 'seq.target' must be a #seq.target, not "cpu"}}
module attributes {seq.target = "cpu"} {}

// -----

func.func @scan_chunk_zero(%a: tensor<1x?x20xf32>) {
  // expected-error @+1 {{a chunked scan needs chunk >= 1, not 0}}
  %h, %hT = seq.linear_recurrence %a, %a {seq.scan = #seq.scan<method = chunked>} : (tensor<1x?x20xf32>, tensor<1x?x20xf32>) -> (tensor<1x?x20xf32>, tensor<1x20xf32>)
  return
}

// -----

func.func @scan_sequential_chunk(%a: tensor<1x?x20xf32>) {
  // expected-error @+1 {{a sequential scan has no chunk}}
  %h, %hT = seq.linear_recurrence %a, %a {seq.scan = #seq.scan<method = sequential, chunk = 8>} : (tensor<1x?x20xf32>, tensor<1x?x20xf32>) -> (tensor<1x?x20xf32>, tensor<1x20xf32>)
  return
}

// -----

func.func @scan_method(%a: tensor<1x?x20xf32>) {
  // expected-error @+2 {{expected ::seqc::seq::ScanMethod to be one of: sequential, chunked}}
  // expected-error @+1 {{failed to parse Seq_ScanAttr parameter 'method'}}
  %h, %hT = seq.linear_recurrence %a, %a {seq.scan = #seq.scan<method = parallel>} : (tensor<1x?x20xf32>, tensor<1x?x20xf32>) -> (tensor<1x?x20xf32>, tensor<1x20xf32>)
  return
}

// -----

func.func @scan_on_gla(%q: tensor<1x?x8xf32>, %v: tensor<1x?x6xf32>) {
  // expected-error @+1 {{'seq.gla_core' op 'seq.scan' belongs on seq.linear_recurrence, seq.para_gru or seq.para_lstm}}
  %o, %s = seq.gla_core %q, %q, %v, %q {heads = 2 : i64, scale = 0.5 : f64, seq.scan = #seq.scan<method = sequential>} : (tensor<1x?x8xf32>, tensor<1x?x8xf32>, tensor<1x?x6xf32>, tensor<1x?x8xf32>) -> (tensor<1x?x6xf32>, tensor<1x2x4x3xf32>)
  return
}

// -----

func.func @scan_as_string(%a: tensor<1x?x20xf32>) {
  // expected-error @+1 {{'seq.linear_recurrence' op 'seq.scan' must be a #seq.scan, not "chunked"}}
  %h, %hT = seq.linear_recurrence %a, %a {seq.scan = "chunked"} : (tensor<1x?x20xf32>, tensor<1x?x20xf32>) -> (tensor<1x?x20xf32>, tensor<1x20xf32>)
  return
}

// -----

func.func @newton_iterations(%x: tensor<1x?x4xf32>, %w: tensor<8x4xf32>, %v: tensor<8xf32>) {
  // expected-error @+1 {{newton needs max_iterations >= 1, not 0}}
  %y, %s = seq.para_gru %x weights(%w, %w, %w, %v, %v, %v, %v, %v, %v) {hidden = 8 : i64, solver = #seq<solver_request auto>, seq.solver = #seq.solver<method = newton, tolerance = 1.0e-05 : f64>} : (tensor<1x?x4xf32>, tensor<8x4xf32>, tensor<8x4xf32>, tensor<8x4xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) -> (tensor<1x?x8xf32>, tensor<1x8xf32>)
  return
}

// -----

func.func @newton_tolerance(%x: tensor<1x?x4xf32>, %w: tensor<8x4xf32>, %v: tensor<8xf32>) {
  // expected-error @+1 {{newton needs a tolerance > 0 (f64)}}
  %y, %s = seq.para_gru %x weights(%w, %w, %w, %v, %v, %v, %v, %v, %v) {hidden = 8 : i64, solver = #seq<solver_request auto>, seq.solver = #seq.solver<method = newton, max_iterations = 4, tolerance = 0.0 : f64>} : (tensor<1x?x4xf32>, tensor<8x4xf32>, tensor<8x4xf32>, tensor<8x4xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) -> (tensor<1x?x8xf32>, tensor<1x8xf32>)
  return
}

// -----

func.func @sequential_with_settings(%x: tensor<1x?x4xf32>, %w: tensor<8x4xf32>, %v: tensor<8xf32>) {
  // expected-error @+1 {{max_iterations, tolerance and on_cap belong to the newton solver}}
  %y, %s = seq.para_gru %x weights(%w, %w, %w, %v, %v, %v, %v, %v, %v) {hidden = 8 : i64, solver = #seq<solver_request auto>, seq.solver = #seq.solver<method = sequential, max_iterations = 4>} : (tensor<1x?x4xf32>, tensor<8x4xf32>, tensor<8x4xf32>, tensor<8x4xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) -> (tensor<1x?x8xf32>, tensor<1x8xf32>)
  return
}

// -----

func.func @solver_on_recurrence(%a: tensor<1x?x20xf32>) {
  // expected-error @+1 {{'seq.linear_recurrence' op 'seq.solver' belongs on seq.para_gru or seq.para_lstm}}
  %h, %hT = seq.linear_recurrence %a, %a {seq.solver = #seq.solver<method = sequential>} : (tensor<1x?x20xf32>, tensor<1x?x20xf32>) -> (tensor<1x?x20xf32>, tensor<1x20xf32>)
  return
}

// -----

func.func @gla_subchunk(%q: tensor<1x?x8xf32>, %v: tensor<1x?x6xf32>) {
  // expected-error @+1 {{subchunk (5) must divide chunk (32)}}
  %o, %s = seq.gla_core %q, %q, %v, %q {heads = 2 : i64, scale = 0.5 : f64, seq.gla_form = #seq.gla_form<method = chunked, chunk = 32, subchunk = 5>} : (tensor<1x?x8xf32>, tensor<1x?x8xf32>, tensor<1x?x6xf32>, tensor<1x?x8xf32>) -> (tensor<1x?x6xf32>, tensor<1x2x4x3xf32>)
  return
}

// -----

func.func @gla_chunk_missing(%q: tensor<1x?x8xf32>, %v: tensor<1x?x6xf32>) {
  // expected-error @+1 {{the chunked form needs chunk and subchunk >= 1}}
  %o, %s = seq.gla_core %q, %q, %v, %q {heads = 2 : i64, scale = 0.5 : f64, seq.gla_form = #seq.gla_form<method = chunked, chunk = 32>} : (tensor<1x?x8xf32>, tensor<1x?x8xf32>, tensor<1x?x6xf32>, tensor<1x?x8xf32>) -> (tensor<1x?x6xf32>, tensor<1x2x4x3xf32>)
  return
}

// -----

func.func @gla_recurrent_chunk(%q: tensor<1x?x8xf32>, %v: tensor<1x?x6xf32>) {
  // expected-error @+1 {{the recurrent form has no chunk or subchunk}}
  %o, %s = seq.gla_core %q, %q, %v, %q {heads = 2 : i64, scale = 0.5 : f64, seq.gla_form = #seq.gla_form<method = recurrent, chunk = 64>} : (tensor<1x?x8xf32>, tensor<1x?x8xf32>, tensor<1x?x6xf32>, tensor<1x?x8xf32>) -> (tensor<1x?x6xf32>, tensor<1x2x4x3xf32>)
  return
}

// -----

func.func @gla_layout_state(%q: tensor<1x?x8xf32>, %v: tensor<1x?x6xf32>) {
  // expected-error @+2 {{expected ::seqc::seq::StateLayout to be one of: kv, vk}}
  // expected-error @+1 {{failed to parse Seq_GLALayoutAttr parameter 'state'}}
  %o, %s = seq.gla_core %q, %q, %v, %q {heads = 2 : i64, scale = 0.5 : f64, seq.layout = #seq.gla_layout<keys = bhtd, state = kk>} : (tensor<1x?x8xf32>, tensor<1x?x8xf32>, tensor<1x?x6xf32>, tensor<1x?x8xf32>) -> (tensor<1x?x6xf32>, tensor<1x2x4x3xf32>)
  return
}

// -----

func.func @attention_layout_on_gla(%q: tensor<1x?x8xf32>, %v: tensor<1x?x6xf32>) {
  // expected-error @+1 {{'seq.gla_core' op 'seq.layout' must be a #seq.gla_layout, not #seq.attention_layout<values = bhtd>}}
  %o, %s = seq.gla_core %q, %q, %v, %q {heads = 2 : i64, scale = 0.5 : f64, seq.layout = #seq.attention_layout<values = bhtd>} : (tensor<1x?x8xf32>, tensor<1x?x8xf32>, tensor<1x?x6xf32>, tensor<1x?x8xf32>) -> (tensor<1x?x6xf32>, tensor<1x2x4x3xf32>)
  return
}
