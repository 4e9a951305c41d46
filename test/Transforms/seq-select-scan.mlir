// RUN: seqc-opt %s --seq-set-target="threads=2" --seq-select-scan --split-input-file | FileCheck %s
// RUN: seqc-opt %s --seq-set-target="threads=2" --seq-select-scan="scan=chunked chunk=100" --split-input-file | FileCheck %s --check-prefix=FORCED
// RUN: seqc-opt %s --seq-set-target="threads=64" --seq-select-scan --split-input-file | FileCheck %s --check-prefix=WIDE
// RUN: not seqc-opt %s --seq-set-target --seq-select-scan="scan=parallel" --split-input-file 2>&1 | FileCheck %s --check-prefix=BAD

// Enough lane blocks (4 × ⌈256/32⌉ = 32 ≥ 2 × threads) keep every thread
// busy: sequential.
// CHECK-LABEL: func.func @many_rows
// CHECK: seq.linear_recurrence {{.*}}seq.scan = #seq.scan<method = sequential>
// CHECK-NOT: chunk =
// FORCED-LABEL: func.func @many_rows
// FORCED: seq.scan = #seq.scan<method = chunked, chunk = 100>
func.func @many_rows(%a: tensor<4x4096x256xf32>, %b: tensor<4x4096x256xf32>) -> tensor<4x4096x256xf32> {
  %h, %hT = seq.linear_recurrence %a, %b : (tensor<4x4096x256xf32>, tensor<4x4096x256xf32>) -> (tensor<4x4096x256xf32>, tensor<4x256xf32>)
  return %h : tensor<4x4096x256xf32>
}

// -----

// One lane block and a long sequence: time is cut into 4 × 2 / 1 = 8
// chunks of ⌈4096 / 8⌉ steps. With 64 threads, into 256 chunks of 16
// steps, but chunks have at least 64 steps.
// CHECK-LABEL: func.func @one_row
// CHECK: seq.scan = #seq.scan<method = chunked, chunk = 512>
// WIDE-LABEL: func.func @one_row
// WIDE: seq.scan = #seq.scan<method = chunked, chunk = 64>
func.func @one_row(%a: tensor<1x4096x20xf32>, %b: tensor<1x4096x20xf32>) -> tensor<1x4096x20xf32> {
  %h, %hT = seq.linear_recurrence %a, %b : (tensor<1x4096x20xf32>, tensor<1x4096x20xf32>) -> (tensor<1x4096x20xf32>, tensor<1x20xf32>)
  return %h : tensor<1x4096x20xf32>
}

// -----

// Too short to cut; a dynamic length is cut into chunks of 256 (a dynamic
// batch counts as one row).
// CHECK-LABEL: func.func @short_and_dynamic
// CHECK: seq.scan = #seq.scan<method = sequential>
// CHECK: seq.scan = #seq.scan<method = chunked, chunk = 256>
func.func @short_and_dynamic(%a: tensor<1x100x20xf32>, %b: tensor<1x100x20xf32>, %c: tensor<?x?x20xf32>, %d: tensor<?x?x20xf32>) -> (tensor<1x100x20xf32>, tensor<?x?x20xf32>) {
  %h, %hT = seq.linear_recurrence %a, %b : (tensor<1x100x20xf32>, tensor<1x100x20xf32>) -> (tensor<1x100x20xf32>, tensor<1x20xf32>)
  %g, %gT = seq.linear_recurrence %c, %d : (tensor<?x?x20xf32>, tensor<?x?x20xf32>) -> (tensor<?x?x20xf32>, tensor<?x20xf32>)
  return %h, %g : tensor<1x100x20xf32>, tensor<?x?x20xf32>
}

// -----

// Solvers: `newton` and `sequential` as asked (Newton gets its scan form
// and an error at the cap); `auto` is sequential on 2 threads, and Newton
// (finishing sequentially at the cap) on 64 threads for a long sequence
// of one lane block.
// CHECK-LABEL: func.func @solvers
// CHECK: seq.para_gru {{.*}}seq.scan = #seq.scan<method = chunked, chunk = 256>, seq.solver = #seq.solver<method = newton, max_iterations = 32, tolerance = 2.000000e-06 : f64>
// CHECK: seq.para_gru {{.*}}seq.solver = #seq.solver<method = sequential>
// CHECK: seq.para_gru {{.*}}seq.solver = #seq.solver<method = sequential>
// WIDE-LABEL: func.func @solvers
// WIDE: seq.solver = #seq.solver<method = newton, max_iterations = 32, tolerance = 2.000000e-06 : f64>
// WIDE: seq.solver = #seq.solver<method = sequential>
// WIDE: seq.solver = #seq.solver<method = newton, max_iterations = 32, tolerance = 2.000000e-06 : f64, on_cap = sequential>
func.func @solvers(%x: tensor<1x2048x4xf32>, %w: tensor<8x4xf32>, %v: tensor<8xf32>) -> tensor<1x2048x8xf32> {
  %y0, %h0 = seq.para_gru %x weights(%w, %w, %w, %v, %v, %v, %v, %v, %v) {hidden = 8 : i64, solver = #seq<solver_request newton>} : (tensor<1x2048x4xf32>, tensor<8x4xf32>, tensor<8x4xf32>, tensor<8x4xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) -> (tensor<1x2048x8xf32>, tensor<1x8xf32>)
  %y1, %h1 = seq.para_gru %x weights(%w, %w, %w, %v, %v, %v, %v, %v, %v) {hidden = 8 : i64, solver = #seq<solver_request sequential>} : (tensor<1x2048x4xf32>, tensor<8x4xf32>, tensor<8x4xf32>, tensor<8x4xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) -> (tensor<1x2048x8xf32>, tensor<1x8xf32>)
  %y2, %h2 = seq.para_gru %x weights(%w, %w, %w, %v, %v, %v, %v, %v, %v) {hidden = 8 : i64, solver = #seq<solver_request auto>} : (tensor<1x2048x4xf32>, tensor<8x4xf32>, tensor<8x4xf32>, tensor<8x4xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) -> (tensor<1x2048x8xf32>, tensor<1x8xf32>)
  return %y2 : tensor<1x2048x8xf32>
}

// BAD: Cannot find option named 'parallel'
