// RUN: seqc-opt %s --seq-lower-to-tensors --seq-lower-cpu-kernels --seq-lower-linear-to-gemm --split-input-file | FileCheck %s --enable-var-scope --check-prefix=CPU
// RUN: seqc-opt %s --seq-lower-to-tensors "--seq-lower-cpu-kernels=kernels=false" --seq-lower-linear-to-gemm --split-input-file | FileCheck %s --enable-var-scope --check-prefix=COMMON

// seq.rnn's time loop, the kernel call rnn_scan: the CPU's kernel
// (RNNScan.cpp) and the common body it replaces.

// GRU, the common body (kernels=false): the input projections of all
// steps are one GEMM before the time loop; W_hh is packed once, outside
// it; inside, the recurrent GEMM on the packed panels and one gate generic
// on the r, z, n blocks (columns 0, H, 2H) of both projections, sliced as
// [B, H] views.
// COMMON-LABEL: func.func @gru
// COMMON: linalg.generic {{.*}}outs(%{{.*}} : tensor<1x5x32xf32>)
// COMMON: scf.parallel
// COMMON: %[[HH:.*]] = linalg.generic {{.*}}outs(%{{.*}} : tensor<1x8x32xf32>)
// COMMON: scf.for
// COMMON-NOT: tensor<1x8x32xf32>
// COMMON:   bufferization.to_buffer %[[HH]]
// COMMON:   scf.parallel
// COMMON:     vector.fma
// COMMON:   %[[R:.*]] = tensor.extract_slice %[[GI:.*]][0, 0] [%{{.*}}, 8] [1, 1] : tensor<?x24xf32> to tensor<?x8xf32>
// COMMON:   %[[Z:.*]] = tensor.extract_slice %[[GI]][0, 8] [%{{.*}}, 8] [1, 1]
// COMMON:   %[[N:.*]] = tensor.extract_slice %[[GI]][0, 16] [%{{.*}}, 8] [1, 1]
// COMMON:   linalg.generic {{.*}}ins(%{{.*}}, %[[R]], %[[Z]], %[[N]], %{{.*}}, %{{.*}}, %{{.*}} :
// COMMON:     math.tanh
// COMMON:   tensor.insert_slice
// The CPU's kernel: W_hh packed once; a team of threads (seq.team) kept
// across the time loop when there is work enough (the condition reads
// omp_get_max_threads), its shares from the team's actual size; per step
// this member's panels of the recurrent product, a barrier (H = 8: a gate's
// columns are not whole panels), its units' gates (masked lanes past H), a
// barrier; else the same loop on one thread, without barriers.
// CPU-LABEL: func.func @gru
// CPU: linalg.generic {{.*}}outs(%{{.*}} : tensor<1x5x32xf32>)
// CPU: scf.parallel
// CPU: %[[HH:.*]] = linalg.generic {{.*}}outs(%{{.*}} : tensor<1x8x32xf32>)
// CPU-NOT: scf.for
// CPU: bufferization.to_buffer %[[HH]]
// CPU: %[[MAX:.*]] = call @omp_get_max_threads()
// CPU: scf.if
// CPU: scf.parallel
// CPU: func.call @omp_get_num_threads()
// CPU: func.call @omp_get_thread_num()
// CPU: scf.for
// CPU:   scf.for
// CPU:     vector.fma
// CPU:   func.call @seqc_team_barrier()
// CPU:   scf.for
// CPU:     vector.create_mask
// CPU:     scf.for
// CPU:       math.tanh
// CPU:       vector.maskedstore
// CPU:       vector.maskedstore
// CPU:   func.call @seqc_team_barrier()
// CPU: } {seq.team}
// CPU: } else {
// CPU-NOT: seqc_team_barrier
// CPU: scf.for
// CPU: vector.fma
// CPU: math.tanh
// CPU: return
func.func @gru(%x: tensor<?x?x5xf32>, %wi: tensor<24x5xf32>, %wh: tensor<24x8xf32>, %bi: tensor<24xf32>, %bh: tensor<24xf32>) -> tensor<?x?x8xf32> {
  %y, %h = seq.rnn %x weights(%wi, %wh, %bi, %bh) {cell = #seq<rnn_cell gru>, hidden = 8 : i64, layers = 1 : i64, solver = #seq<solver_request auto>} : (tensor<?x?x5xf32>, tensor<24x5xf32>, tensor<24x8xf32>, tensor<24xf32>, tensor<24xf32>) -> (tensor<?x?x8xf32>, tensor<1x?x8xf32>)
  return %y : tensor<?x?x8xf32>
}

// -----

// A fixed batch: every per-step slice and the state are static [2, H]
// (the time loop's bound stays the dynamic T).
// COMMON-LABEL: func.func @gru_fixed_batch
// COMMON: scf.for {{.*}} -> (tensor<2x8xf32>, tensor<2x?x8xf32>)
// COMMON:   tensor.extract_slice %{{.*}}[0, %{{.*}}, 0] [2, 1, 24] [1, 1, 1] : tensor<2x?x24xf32> to tensor<2x24xf32>
// COMMON:   tensor.extract_slice %{{.*}}[0, 16] [2, 8] [1, 1] : tensor<2x24xf32> to tensor<2x8xf32>
// COMMON:   linalg.generic {{.*}}outs(%{{.*}} : tensor<2x8xf32>)
// COMMON:   tensor.insert_slice %{{.*}}[0, %{{.*}}, 0] [2, 1, 8] [1, 1, 1] : tensor<2x8xf32> into tensor<2x?x8xf32>
func.func @gru_fixed_batch(%x: tensor<2x?x5xf32>, %wi: tensor<24x5xf32>, %wh: tensor<24x8xf32>, %bi: tensor<24xf32>, %bh: tensor<24xf32>) -> (tensor<2x?x8xf32>, tensor<1x2x8xf32>) {
  %y, %h = seq.rnn %x weights(%wi, %wh, %bi, %bh) {cell = #seq<rnn_cell gru>, hidden = 8 : i64, layers = 1 : i64, solver = #seq<solver_request auto>} : (tensor<2x?x5xf32>, tensor<24x5xf32>, tensor<24x8xf32>, tensor<24xf32>, tensor<24xf32>) -> (tensor<2x?x8xf32>, tensor<1x2x8xf32>)
  return %y, %h : tensor<2x?x8xf32>, tensor<1x2x8xf32>
}

// -----

// LSTM, all static, two layers, with initial states: the i, f, g, o blocks
// (columns 0, H, 2H, 3H) as static [3, H] views; the o blocks read again by
// the second generic (h' from c').
// COMMON-LABEL: func.func @lstm_static
// COMMON: scf.for {{.*}} -> (tensor<3x4xf32>, tensor<3x7x4xf32>, tensor<3x4xf32>)
// COMMON:   %[[OI:.*]] = tensor.extract_slice %{{.*}}[0, 12] [3, 4] [1, 1] : tensor<3x16xf32> to tensor<3x4xf32>
// COMMON:   %[[OH:.*]] = tensor.extract_slice %{{.*}}[0, 12] [3, 4] [1, 1] : tensor<3x16xf32> to tensor<3x4xf32>
// COMMON:   %[[C:.*]] = linalg.generic {{.*}}outs(%{{.*}} : tensor<3x4xf32>)
// COMMON:   linalg.generic {{.*}}ins(%[[C]], %[[OI]], %[[OH]] : {{.*}}outs(%{{.*}} : tensor<3x4xf32>)
// COMMON: scf.for {{.*}} -> (tensor<3x4xf32>, tensor<3x7x4xf32>, tensor<3x4xf32>)
func.func @lstm_static(%x: tensor<3x7x5xf32>, %h0: tensor<2x3x4xf32>, %c0: tensor<2x3x4xf32>, %wi0: tensor<16x5xf32>, %wh0: tensor<16x4xf32>, %bi0: tensor<16xf32>, %bh0: tensor<16xf32>, %wi1: tensor<16x4xf32>, %wh1: tensor<16x4xf32>, %bi1: tensor<16xf32>, %bh1: tensor<16xf32>) -> (tensor<3x7x4xf32>, tensor<2x3x4xf32>, tensor<2x3x4xf32>) {
  %y, %h, %c = seq.rnn %x h0(%h0) c0(%c0) weights(%wi0, %wh0, %bi0, %bh0, %wi1, %wh1, %bi1, %bh1) {cell = #seq<rnn_cell lstm>, hidden = 4 : i64, layers = 2 : i64, solver = #seq<solver_request sequential>} : (tensor<3x7x5xf32>, tensor<2x3x4xf32>, tensor<2x3x4xf32>, tensor<16x5xf32>, tensor<16x4xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16x4xf32>, tensor<16x4xf32>, tensor<16xf32>, tensor<16xf32>) -> (tensor<3x7x4xf32>, tensor<2x3x4xf32>, tensor<2x3x4xf32>)
  return %y, %h, %c : tensor<3x7x4xf32>, tensor<2x3x4xf32>, tensor<2x3x4xf32>
}

// -----

// H = 32, a gate's columns whole panels: each member takes the same units
// in every gate, so one barrier a step (after the gates).
// COMMON-LABEL: func.func @lstm_aligned
// CPU-LABEL: func.func @lstm_aligned
// CPU: scf.parallel
// CPU: scf.for
// CPU:   vector.fma
// CPU-NOT: seqc_team_barrier
// CPU:   math.tanh
// CPU:   func.call @seqc_team_barrier()
// CPU-NOT: seqc_team_barrier
// CPU: } {seq.team}
func.func @lstm_aligned(%x: tensor<?x?x5xf32>, %wi: tensor<128x5xf32>, %wh: tensor<128x32xf32>) -> tensor<?x?x32xf32> {
  %y, %h, %c = seq.rnn %x weights(%wi, %wh) {cell = #seq<rnn_cell lstm>, hidden = 32 : i64, layers = 1 : i64, bias = false, solver = #seq<solver_request auto>} : (tensor<?x?x5xf32>, tensor<128x5xf32>, tensor<128x32xf32>) -> (tensor<?x?x32xf32>, tensor<1x?x32xf32>, tensor<1x?x32xf32>)
  return %y : tensor<?x?x32xf32>
}
