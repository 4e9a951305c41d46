// The target attribute and the typed lowering decisions round-trip; every
// parameter a kind does not use is left out of the printed form.
// RUN: seqc-opt %s -split-input-file | seqc-opt -split-input-file | FileCheck %s

// CHECK: module attributes {seq.target = #seq.target<kind = cpu, threads = 2, vector_bits = 256, vector_registers = 16, l1_bytes = 32768>}
module attributes {seq.target = #seq.target<kind = cpu, threads = 2, vector_bits = 256, vector_registers = 16, l1_bytes = 32768>} {
}

// -----

// CHECK: module attributes {seq.precision = "bf16", seq.target = #seq.target<kind = cpu, threads = 2, vector_bits = 512, vector_registers = 32, bf16_dot = true, bf16_tiles = true>}
module attributes {seq.precision = "bf16", seq.target = #seq.target<kind = cpu, threads = 2, vector_bits = 512, vector_registers = 32, bf16_dot = true, bf16_tiles = true>} {
}

// -----

// CHECK: module attributes {seq.target = #seq.target<kind = cuda, arch = "sm_90a", shared_memory_bytes = 232448, warps = 4>}
module attributes {seq.target = #seq.target<kind = cuda, arch = "sm_90a", shared_memory_bytes = 232448, warps = 4>} {
}

// -----

// CHECK-LABEL: func.func @decisions
// CHECK: seq.linear_recurrence {{.*}}{seq.scan = #seq.scan<method = chunked, chunk = 64>}
// CHECK: seq.linear_recurrence {{.*}}{seq.scan = #seq.scan<method = sequential>}
// CHECK: seq.para_gru {{.*}}seq.scan = #seq.scan<method = chunked, chunk = 16>, seq.solver = #seq.solver<method = newton, max_iterations = 5, tolerance = 1.000000e-05 : f64, on_cap = sequential>
// CHECK: seq.gla_core {{.*}}seq.gla_form = #seq.gla_form<method = chunked, chunk = 64, subchunk = 16>, seq.layout = #seq.gla_layout<keys = bhtd, state = vk>
// CHECK: seq.gla_core {{.*}}seq.gla_form = #seq.gla_form<method = recurrent>
func.func @decisions(%a: tensor<1x?x20xf32>, %x: tensor<1x?x4xf32>, %w: tensor<8x4xf32>, %v: tensor<8xf32>, %q: tensor<1x?x8xf32>, %vv: tensor<1x?x6xf32>) {
  %h, %hT = seq.linear_recurrence %a, %a {seq.scan = #seq.scan<method = chunked, chunk = 64>} : (tensor<1x?x20xf32>, tensor<1x?x20xf32>) -> (tensor<1x?x20xf32>, tensor<1x20xf32>)
  %g, %gT = seq.linear_recurrence %a, %a {seq.scan = #seq.scan<method = sequential>} : (tensor<1x?x20xf32>, tensor<1x?x20xf32>) -> (tensor<1x?x20xf32>, tensor<1x20xf32>)
  %y, %s = seq.para_gru %x weights(%w, %w, %w, %v, %v, %v, %v, %v, %v) {hidden = 8 : i64, solver = #seq<solver_request auto>, seq.scan = #seq.scan<method = chunked, chunk = 16>, seq.solver = #seq.solver<method = newton, max_iterations = 5, tolerance = 1.0e-05 : f64, on_cap = sequential>} : (tensor<1x?x4xf32>, tensor<8x4xf32>, tensor<8x4xf32>, tensor<8x4xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) -> (tensor<1x?x8xf32>, tensor<1x8xf32>)
  %o, %st = seq.gla_core %q, %q, %vv, %q {heads = 2 : i64, scale = 0.5 : f64, seq.gla_form = #seq.gla_form<method = chunked, chunk = 64, subchunk = 16>, seq.layout = #seq.gla_layout<keys = bhtd, state = vk>} : (tensor<1x?x8xf32>, tensor<1x?x8xf32>, tensor<1x?x6xf32>, tensor<1x?x8xf32>) -> (tensor<1x?x6xf32>, tensor<1x2x4x3xf32>)
  %o2, %st2 = seq.gla_core %q, %q, %vv, %q {heads = 2 : i64, scale = 0.5 : f64, seq.gla_form = #seq.gla_form<method = recurrent>} : (tensor<1x?x8xf32>, tensor<1x?x8xf32>, tensor<1x?x6xf32>, tensor<1x?x8xf32>) -> (tensor<1x?x6xf32>, tensor<1x2x4x3xf32>)
  return
}
