// RUN: seqc-opt %s --seq-select-scan="threads=2" --split-input-file | FileCheck %s
// RUN: seqc-opt %s --seq-select-scan="threads=2 scan=chunked chunk=100" --split-input-file | FileCheck %s --check-prefix=FORCED
// RUN: seqc-opt %s --seq-select-scan="threads=64" --split-input-file | FileCheck %s --check-prefix=WIDE
// RUN: not seqc-opt %s --seq-select-scan="scan=parallel" --split-input-file 2>&1 | FileCheck %s --check-prefix=BAD

// Enough lane blocks (4 × ⌈256/32⌉ = 32 ≥ 2 × threads) keep every thread
// busy: sequential.
// CHECK-LABEL: func.func @many_rows
// CHECK: seq.linear_recurrence {{.*}}seq.scan = "sequential"
// CHECK-NOT: seq.scan_chunk
// FORCED-LABEL: func.func @many_rows
// FORCED: seq.scan = "chunked", seq.scan_chunk = 100 : i64
func.func @many_rows(%a: tensor<4x4096x256xf32>, %b: tensor<4x4096x256xf32>) -> tensor<4x4096x256xf32> {
  %h, %hT = seq.linear_recurrence %a, %b : (tensor<4x4096x256xf32>, tensor<4x4096x256xf32>) -> (tensor<4x4096x256xf32>, tensor<4x256xf32>)
  return %h : tensor<4x4096x256xf32>
}

// -----

// One lane block and a long sequence: time is cut into 4 × 2 / 1 = 8
// chunks of ⌈4096 / 8⌉ steps. With 64 threads, into 256 chunks of 16
// steps, but chunks have at least 64 steps.
// CHECK-LABEL: func.func @one_row
// CHECK: seq.scan = "chunked", seq.scan_chunk = 512 : i64
// WIDE-LABEL: func.func @one_row
// WIDE: seq.scan = "chunked", seq.scan_chunk = 64 : i64
func.func @one_row(%a: tensor<1x4096x20xf32>, %b: tensor<1x4096x20xf32>) -> tensor<1x4096x20xf32> {
  %h, %hT = seq.linear_recurrence %a, %b : (tensor<1x4096x20xf32>, tensor<1x4096x20xf32>) -> (tensor<1x4096x20xf32>, tensor<1x20xf32>)
  return %h : tensor<1x4096x20xf32>
}

// -----

// Too short to cut; a dynamic length is cut into chunks of 256 (a dynamic
// batch counts as one row).
// CHECK-LABEL: func.func @short_and_dynamic
// CHECK: seq.scan = "sequential"
// CHECK: seq.scan = "chunked", seq.scan_chunk = 256 : i64
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
// CHECK: seq.para_gru {{.*}}seq.newton_max_iterations = 32 : i64, seq.newton_on_cap = "error", seq.newton_tolerance = 2.000000e-06 : f64, seq.scan = "chunked", seq.scan_chunk = 256 : i64, seq.solver = "newton"
// CHECK: seq.para_gru {{.*}}seq.solver = "sequential"
// CHECK: seq.para_gru {{.*}}seq.solver = "sequential"
// WIDE-LABEL: func.func @solvers
// WIDE: seq.solver = "newton"
// WIDE: seq.solver = "sequential"
// WIDE: seq.newton_on_cap = "sequential"{{.*}}seq.solver = "newton"
func.func @solvers(%x: tensor<1x2048x4xf32>, %w: tensor<8x4xf32>, %v: tensor<8xf32>) -> tensor<1x2048x8xf32> {
  %y0, %h0 = seq.para_gru %x weights(%w, %w, %w, %v, %v, %v, %v, %v, %v) {hidden = 8 : i64, solver = "newton"} : (tensor<1x2048x4xf32>, tensor<8x4xf32>, tensor<8x4xf32>, tensor<8x4xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) -> (tensor<1x2048x8xf32>, tensor<1x8xf32>)
  %y1, %h1 = seq.para_gru %x weights(%w, %w, %w, %v, %v, %v, %v, %v, %v) {hidden = 8 : i64, solver = "sequential"} : (tensor<1x2048x4xf32>, tensor<8x4xf32>, tensor<8x4xf32>, tensor<8x4xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) -> (tensor<1x2048x8xf32>, tensor<1x8xf32>)
  %y2, %h2 = seq.para_gru %x weights(%w, %w, %w, %v, %v, %v, %v, %v, %v) {hidden = 8 : i64, solver = "auto"} : (tensor<1x2048x4xf32>, tensor<8x4xf32>, tensor<8x4xf32>, tensor<8x4xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) -> (tensor<1x2048x8xf32>, tensor<1x8xf32>)
  return %y2 : tensor<1x2048x8xf32>
}

// BAD: seq-select-scan: scan must be auto, sequential or chunked, not 'parallel'
