// The CUDA cost model's choices (lib/Codegen/CUDA/CUDATargetInfo.cpp): a
// GPU has thousands of threads, so a scan is cut into chunks of 64 steps
// wherever the sequence has two of them (a dynamic one too), Newton is
// chosen from T = 1024 while the lanes are few, and GLA runs chunkwise.
// RUN: seqc-opt %s --seq-set-target="target=cuda" --seq-select-scan --seq-chunk-gla --split-input-file | FileCheck %s

// CHECK-LABEL: func.func @scans
// CHECK: seq.scan = #seq.scan<method = sequential>
// CHECK: seq.scan = #seq.scan<method = chunked, chunk = 64>
// CHECK: seq.scan = #seq.scan<method = chunked, chunk = 64>
func.func @scans(%a: tensor<1x100x20xf32>, %b: tensor<1x100x20xf32>, %c: tensor<4x4096x256xf32>, %d: tensor<?x?x20xf32>) -> (tensor<1x100x20xf32>, tensor<4x4096x256xf32>, tensor<?x?x20xf32>) {
  %h, %hT = seq.linear_recurrence %a, %b : (tensor<1x100x20xf32>, tensor<1x100x20xf32>) -> (tensor<1x100x20xf32>, tensor<1x20xf32>)
  %h2, %hT2 = seq.linear_recurrence %c, %c : (tensor<4x4096x256xf32>, tensor<4x4096x256xf32>) -> (tensor<4x4096x256xf32>, tensor<4x256xf32>)
  %h3, %hT3 = seq.linear_recurrence %d, %d : (tensor<?x?x20xf32>, tensor<?x?x20xf32>) -> (tensor<?x?x20xf32>, tensor<?x20xf32>)
  return %h, %h2, %h3 : tensor<1x100x20xf32>, tensor<4x4096x256xf32>, tensor<?x?x20xf32>
}

// -----

// `auto`: Newton from T = 1024 on this target, sequential below.
// CHECK-LABEL: func.func @newton_by_length
// CHECK: seq.para_gru {{.*}}seq.solver = #seq.solver<method = newton
// CHECK: seq.para_gru {{.*}}seq.solver = #seq.solver<method = sequential>
func.func @newton_by_length(%x: tensor<1x2048x4xf32>, %s: tensor<1x512x4xf32>, %w: tensor<8x4xf32>, %v: tensor<8xf32>) -> (tensor<1x2048x8xf32>, tensor<1x512x8xf32>) {
  %y0, %h0 = seq.para_gru %x weights(%w, %w, %w, %v, %v, %v, %v, %v, %v) {hidden = 8 : i64, solver = #seq<solver_request auto>} : (tensor<1x2048x4xf32>, tensor<8x4xf32>, tensor<8x4xf32>, tensor<8x4xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) -> (tensor<1x2048x8xf32>, tensor<1x8xf32>)
  %y1, %h1 = seq.para_gru %s weights(%w, %w, %w, %v, %v, %v, %v, %v, %v) {hidden = 8 : i64, solver = #seq<solver_request auto>} : (tensor<1x512x4xf32>, tensor<8x4xf32>, tensor<8x4xf32>, tensor<8x4xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) -> (tensor<1x512x8xf32>, tensor<1x8xf32>)
  return %y0, %y1 : tensor<1x2048x8xf32>, tensor<1x512x8xf32>
}

// -----

// `auto` at T = 2048: Newton for 8 · 2048 = 16384 state elements (the
// LSTM's h and c), sequential for 8 · 2049 hidden units (the sequential
// kernel then has lanes enough to fill the GPU).
// CHECK-LABEL: func.func @newton_by_lanes
// CHECK: seq.para_lstm {{.*}}seq.solver = #seq.solver<method = newton
// CHECK: seq.para_gru {{.*}}seq.solver = #seq.solver<method = sequential>
func.func @newton_by_lanes(%x: tensor<8x2048x4xf32>, %w: tensor<1024x4xf32>, %v: tensor<1024xf32>, %wg: tensor<2049x4xf32>, %vg: tensor<2049xf32>) -> (tensor<8x2048x1024xf32>, tensor<8x2048x2049xf32>) {
  %y0, %h0, %c0 = seq.para_lstm %x weights(%w, %w, %w, %v, %v, %v, %v, %v, %v, %v, %v) {hidden = 1024 : i64, solver = #seq<solver_request auto>} : (tensor<8x2048x4xf32>, tensor<1024x4xf32>, tensor<1024x4xf32>, tensor<1024x4xf32>, tensor<1024xf32>, tensor<1024xf32>, tensor<1024xf32>, tensor<1024xf32>, tensor<1024xf32>, tensor<1024xf32>, tensor<1024xf32>, tensor<1024xf32>) -> (tensor<8x2048x1024xf32>, tensor<8x1024xf32>, tensor<8x1024xf32>)
  %y1, %h1 = seq.para_gru %x weights(%wg, %wg, %wg, %vg, %vg, %vg, %vg, %vg, %vg) {hidden = 2049 : i64, solver = #seq<solver_request auto>} : (tensor<8x2048x4xf32>, tensor<2049x4xf32>, tensor<2049x4xf32>, tensor<2049x4xf32>, tensor<2049xf32>, tensor<2049xf32>, tensor<2049xf32>, tensor<2049xf32>, tensor<2049xf32>, tensor<2049xf32>) -> (tensor<8x2048x2049xf32>, tensor<8x2049xf32>)
  return %y0, %y1 : tensor<8x2048x1024xf32>, tensor<8x2048x2049xf32>
}
