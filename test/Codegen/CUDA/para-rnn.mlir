// RUN: seqc-opt %s --seq-set-target=target=cuda --seq-lower-to-tensors --seq-lower-cuda-kernels --split-input-file | FileCheck %s --enable-var-scope
// RUN: seqc-opt %s --seq-set-target=target=cuda --seq-lower-to-tensors --seq-lower-cuda-kernels=kernels=false --split-input-file | FileCheck %s --check-prefix=BODY
// RUN: seqc-opt %s --seq-set-target=target=cuda --seqc-cuda-distribution-pipeline --seq-cuda-map-to-gpu --split-input-file | FileCheck %s --check-prefix=GPU

// ParaRNN's Newton solve on the GPU (lib/Codegen/CUDA/Kernels/ParaRNN.cpp):
// one grid of blocks of 4 lanes (hidden units of a batch row), each a
// thread loop over (lane, segment) of 4 x 128: the first iterate; then an
// scf.while in the block whose iterations linearize every segment (its
// affine map and residual into workgroup memory), scan the 128 maps a
// thread per lane (the states entering the segments, the lane's residual),
// decide on the block's residual, and solve every segment again from its
// entering state; a last thread loop per lane stores the final state and,
// the model having asked for Newton, the residual the host checks.
// CHECK-LABEL: func.func @newton_gru
// CHECK: %[[ITER:.*]] = memref.alloc({{.*}}) : memref<?x?x6xf32>
// CHECK: scf.forall (%[[BLOCK:.*]]) in (%{{.*}}) {
// CHECK-COUNT-5: memref.alloca() : memref<128x4xf32, #gpu.address_space<workgroup>>
// CHECK: %[[LANES:.*]] = memref.alloca() : memref<4xf32, #gpu.address_space<workgroup>>
// CHECK: scf.forall (%{{.*}}, %{{.*}}) in (4, 128) {
// CHECK:   scf.for
// CHECK:     math.tanh
// CHECK:     memref.store %{{.*}}, %[[ITER]]
// CHECK: } {mapping = [#gpu.thread<x>, #gpu.thread<y>]}
// CHECK: scf.while
// CHECK:   scf.forall (%{{.*}}, %[[SEG:.*]]) in (4, 128) {
// CHECK:     scf.for {{.*}} -> (f32, f32, f32, f32) {
// CHECK:       math.tanh
// CHECK:       math.absf
// CHECK:       arith.maximumf
// CHECK:     memref.store %{{.*}}, %{{.*}}[%[[SEG]], %{{.*}}] : memref<128x4xf32, #gpu.address_space<workgroup>>
// CHECK:   } {mapping = [#gpu.thread<x>, #gpu.thread<y>]}
// CHECK:   scf.forall (%[[LANE:.*]], %{{.*}}) in (4, 1) {
// CHECK:     scf.for %[[K:.*]] = %{{.*}} to %c128{{.*}} -> (f32, f32) {
// CHECK:       memref.store %{{.*}}, %{{.*}}[%[[K]], %{{.*}}] : memref<128x4xf32, #gpu.address_space<workgroup>>
// CHECK:       math.fma
// CHECK:     memref.store %{{.*}}, %[[LANES]]
// CHECK:   } {mapping = [#gpu.thread<x>, #gpu.thread<y>]}
// CHECK:   memref.load %[[LANES]]
// CHECK:   arith.cmpf ugt
// CHECK:   scf.condition
// CHECK: } do {
// CHECK:   scf.forall (%{{.*}}, %{{.*}}) in (4, 128) {
// CHECK:     scf.for {{.*}} -> (f32, f32) {
// CHECK:       memref.store %{{.*}}, %[[ITER]]
// CHECK: scf.forall (%{{.*}}, %{{.*}}) in (4, 1) {
// CHECK: } {mapping = [#gpu.block<x>]}
// CHECK: linalg.generic
// CHECK: arith.maximumf
// The common body instead: a host loop of elementwise ops and a scan.
// BODY-LABEL: func.func @newton_gru
// BODY-NOT: #gpu.block
// BODY: scf.while
// BODY: linalg.generic
// Mapped: one launch of 4 x 128 threads, the iterations a loop in it with
// a barrier after each phase.
// GPU-LABEL: func.func @newton_gru
// GPU: gpu.launch blocks({{.*}}) threads({{.*}}) in (%{{.*}} = %c4{{.*}}, %{{.*}} = %c128{{.*}}, %{{.*}} = %c1{{.*}}) workgroup(
// GPU: gpu.barrier
// GPU: scf.while
// GPU: gpu.barrier
// GPU: gpu.barrier
// GPU: scf.condition
// GPU: } do {
// GPU: gpu.barrier
// GPU: gpu.terminator
func.func @newton_gru(%x: tensor<?x?x3xf32>, %w: tensor<6x3xf32>, %v: tensor<6xf32>) -> (tensor<?x?x6xf32>, tensor<?x6xf32>) {
  %y, %h = seq.para_gru %x weights(%w, %w, %w, %v, %v, %v, %v, %v, %v) {hidden = 6 : i64, solver = #seq<solver_request newton>} : (tensor<?x?x3xf32>, tensor<6x3xf32>, tensor<6x3xf32>, tensor<6x3xf32>, tensor<6xf32>, tensor<6xf32>, tensor<6xf32>, tensor<6xf32>, tensor<6xf32>, tensor<6xf32>) -> (tensor<?x?x6xf32>, tensor<?x6xf32>)
  return %y, %h : tensor<?x?x6xf32>, tensor<?x6xf32>
}

// -----

// The CIFG LSTM chosen Newton by the compiler (`auto`): the state is
// (h, c), each segment's map a 2x2 matrix and an offset (four and two
// workgroup buffers); at the cap its lanes solve sequentially in the same
// launch, and the host checks nothing.
// CHECK-LABEL: func.func @newton_lstm
// CHECK: scf.forall
// CHECK-COUNT-11: memref.alloca() : memref<128x4xf32, #gpu.address_space<workgroup>>
// CHECK: scf.while
// CHECK:   scf.for {{.*}} -> (f32, f32, f32, f32, f32, f32, f32, f32, f32) {
// CHECK: } do {
// CHECK: scf.forall (%{{.*}}, %{{.*}}) in (4, 1) {
// CHECK:   scf.if
// CHECK:     scf.for {{.*}} -> (f32, f32) {
// CHECK: } {mapping = [#gpu.block<x>]}
// CHECK-NOT: linalg.generic
// CHECK: return
func.func @newton_lstm(%x: tensor<?x?x3xf32>, %h0: tensor<?x6xf32>, %c0: tensor<?x6xf32>, %w: tensor<6x3xf32>, %v: tensor<6xf32>) -> (tensor<?x?x6xf32>, tensor<?x6xf32>, tensor<?x6xf32>) {
  %y, %h, %c = seq.para_lstm %x h0(%h0) c0(%c0) weights(%w, %w, %w, %v, %v, %v, %v, %v, %v, %v, %v) {hidden = 6 : i64, solver = #seq<solver_request auto>, seq.solver = #seq.solver<method = newton, max_iterations = 8, tolerance = 2.0e-06 : f64, on_cap = sequential>} : (tensor<?x?x3xf32>, tensor<?x6xf32>, tensor<?x6xf32>, tensor<6x3xf32>, tensor<6x3xf32>, tensor<6x3xf32>, tensor<6xf32>, tensor<6xf32>, tensor<6xf32>, tensor<6xf32>, tensor<6xf32>, tensor<6xf32>, tensor<6xf32>, tensor<6xf32>) -> (tensor<?x?x6xf32>, tensor<?x6xf32>, tensor<?x6xf32>)
  return %y, %h, %c : tensor<?x?x6xf32>, tensor<?x6xf32>, tensor<?x6xf32>
}

// -----

// Sequential: a thread per lane, h in a register through the time loop.
// CHECK-LABEL: func.func @sequential_gru
// CHECK: scf.parallel (%[[B:.*]], %[[H:.*]]) = (%{{.*}}, %{{.*}}) to (%{{.*}}, %c6{{.*}})
// CHECK:   scf.for %[[T:.*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%{{.*}} = %{{.*}}) -> (f32) {
// CHECK:     memref.load %{{.*}}[%[[B]], %[[T]], %[[H]]]
// CHECK:     math.tanh
// CHECK:     memref.store %{{.*}}, %{{.*}}[%[[B]], %[[T]], %[[H]]]
// CHECK:   memref.store %{{.*}}, %{{.*}}[%[[B]], %[[H]]]
// CHECK-NOT: scf.forall
// BODY-LABEL: func.func @sequential_gru
// BODY: scf.for %{{.*}} iter_args(%{{.*}} = %{{.*}}, %{{.*}} = %{{.*}}) -> (tensor<?x6xf32>, tensor<?x?x6xf32>)
// BODY:   linalg.generic
func.func @sequential_gru(%x: tensor<?x?x3xf32>, %w: tensor<6x3xf32>, %v: tensor<6xf32>) -> (tensor<?x?x6xf32>, tensor<?x6xf32>) {
  %y, %h = seq.para_gru %x weights(%w, %w, %w, %v, %v, %v, %v, %v, %v) {hidden = 6 : i64, solver = #seq<solver_request sequential>} : (tensor<?x?x3xf32>, tensor<6x3xf32>, tensor<6x3xf32>, tensor<6x3xf32>, tensor<6xf32>, tensor<6xf32>, tensor<6xf32>, tensor<6xf32>, tensor<6xf32>, tensor<6xf32>) -> (tensor<?x?x6xf32>, tensor<?x6xf32>)
  return %y, %h : tensor<?x?x6xf32>, tensor<?x6xf32>
}
