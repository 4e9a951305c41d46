// RUN: seqc-opt %s --seq-set-target=target=cuda --seq-lower-to-tensors --seq-lower-cuda-kernels --split-input-file | FileCheck %s --enable-var-scope
// RUN: seqc-opt %s --seq-set-target=target=cuda --seq-lower-to-tensors --seq-lower-cuda-kernels=kernels=false --split-input-file | FileCheck %s --check-prefix=BODY
// RUN: seqc-opt %s --seq-set-target=target=cuda --seqc-cuda-distribution-pipeline --seq-cuda-map-to-gpu --split-input-file | FileCheck %s --check-prefix=GPU

// rgnn.node_reduce on the GPU (lib/Codegen/CUDA/Kernels/Graph.cpp): a warp
// per destination node, 8 per block (blocks: ⌈N / 8⌉); lane l takes the
// columns l, l + 32, ... and walks the node's segments relation by
// relation (R = (|segments| − 1) / N), its folds in registers, reading
// each edge's row at its column (a warp: 32 consecutive words). The
// softmax: the head's max score over the edges, then the weights' sum and
// the weighted rows; 0 for a node without edges.
// CHECK-LABEL: func.func @softmax_sum
// CHECK-SAME: %[[N:[^:]+]]: index
// CHECK: %[[BLOCKS:.*]] = arith.ceildivui %[[N]], %c8
// CHECK: scf.forall (%[[B:.*]]) in (%[[BLOCKS]]) {
// CHECK:   scf.forall (%[[LANE:.*]], %[[WARP:.*]]) in (32, 8) {
// CHECK:     %[[NODE:.*]] = arith.addi %{{.*}}, %[[WARP]]
// CHECK:     arith.cmpi ult, %[[NODE]], %[[N]]
// CHECK:     scf.for %[[C:.*]] = %[[LANE]] to %c32{{.*}} step %c32
// CHECK:       %[[MAX:.*]] = scf.for {{.*}} -> (f32) {
// CHECK:         scf.for
// CHECK:           arith.maximumf
// CHECK:       scf.for {{.*}} -> (f32, f32) {
// CHECK:         scf.for
// CHECK:           arith.subf %{{.*}}, %[[MAX]]
// CHECK:           math.exp
// CHECK:           memref.load %{{.*}}[%{{.*}}, %[[C]]] : memref<?x32xf32>
// CHECK:           math.fma
// CHECK:       arith.cmpf ogt
// CHECK:       memref.store %{{.*}}[%[[NODE]], %[[C]]]
// CHECK:   } {mapping = [#gpu.thread<x>, #gpu.thread<y>]}
// CHECK: } {mapping = [#gpu.block<x>]}
// The common body instead: a thread per node (no thread mapping).
// BODY-LABEL: func.func @softmax_sum
// BODY-NOT: #gpu.thread
// BODY: return
// Mapped: one launch of 32 x 8 threads.
// GPU-LABEL: func.func @softmax_sum
// GPU: gpu.launch blocks({{.*}}) threads({{.*}}) in (%{{.*}} = %c32{{.*}}, %{{.*}} = %c8{{.*}}, %{{.*}} = %c1{{.*}})
func.func @softmax_sum(%src: tensor<?xi64>, %dst: tensor<?xi64>, %t: tensor<?xi64>, %seg: tensor<?xi64>, %n: index, %table: tensor<?x32xf32>, %row: tensor<?xi64>, %s: tensor<?x2xf32>) -> tensor<?x32xf32> {
  %y = rgnn.node_reduce %table over %seg edges %src, %dst, %t nodes %n map(%row) scores(%s) {kind = #rgnn<node_reduce_kind softmax_sum>, mode = #rgnn<row_mode pair_src>, heads = 2 : i64} : (tensor<?xi64>, tensor<?xi64>, tensor<?xi64>, tensor<?xi64>, index, tensor<?x32xf32>, tensor<?xi64>, tensor<?x2xf32>) -> tensor<?x32xf32>
  return %y : tensor<?x32xf32>
}

// -----

// pair_mean: per relation, a present pair (out_rows[r·N + i] ≥ 0) gets
// its segment's mean in its row of the per-pair table (m rows).
// CHECK-LABEL: func.func @pair_mean
// CHECK: memref.alloc(%{{.*}}) : memref<?x80xf32>
// CHECK: scf.forall (%{{.*}}, %{{.*}}) in (32, 8) {
// CHECK:   scf.for %[[C:.*]] = %{{.*}} to %c80{{.*}} step %c32
// CHECK:     scf.for
// CHECK:       %[[ROW:.*]] = memref.load %{{.*}}[%{{.*}}] : memref<?xi64>
// CHECK:       arith.cmpi sge, %[[ROW]]
// CHECK:       scf.if
// CHECK:         scf.for {{.*}} -> (f32) {
// CHECK:           arith.addf
// CHECK:         arith.uitofp
// CHECK:         arith.divf
// CHECK:         %[[AT:.*]] = arith.index_cast %[[ROW]]
// CHECK:         memref.store %{{.*}}[%[[AT]], %[[C]]]
func.func @pair_mean(%src: tensor<?xi64>, %dst: tensor<?xi64>, %t: tensor<?xi64>, %seg: tensor<?xi64>, %n: index, %x: tensor<?x80xf32>, %row: tensor<?xi64>, %m: index) -> tensor<?x80xf32> {
  %y = rgnn.node_reduce %x over %seg edges %src, %dst, %t nodes %n out_rows(%row) rows %m {kind = #rgnn<node_reduce_kind pair_mean>, mode = #rgnn<row_mode src>, heads = 1 : i64} : (tensor<?xi64>, tensor<?xi64>, tensor<?xi64>, tensor<?xi64>, index, tensor<?x80xf32>, tensor<?xi64>, index) -> tensor<?x80xf32>
  return %y : tensor<?x80xf32>
}

// -----

// mean_per_relation over edge rows: each relation's mean added to the
// node's sum.
// CHECK-LABEL: func.func @mean_per_relation
// CHECK: scf.forall (%{{.*}}, %{{.*}}) in (32, 8) {
// CHECK:   scf.for {{.*}} -> (f32, index) {
// CHECK:     %[[SEG:.*]] = scf.for %[[E:[^ ]*]] = {{.*}} -> (f32) {
// CHECK:       memref.load %{{.*}}[%[[E]], %{{.*}}] : memref<?x16xf32>
// CHECK:     arith.divf %[[SEG]]
// CHECK:     arith.addf
func.func @mean_per_relation(%src: tensor<?xi64>, %dst: tensor<?xi64>, %t: tensor<?xi64>, %seg: tensor<?xi64>, %n: index, %e: tensor<?x16xf32>) -> tensor<?x16xf32> {
  %y = rgnn.node_reduce %e over %seg edges %src, %dst, %t nodes %n {kind = #rgnn<node_reduce_kind mean_per_relation>, mode = #rgnn<row_mode edge>, heads = 1 : i64} : (tensor<?xi64>, tensor<?xi64>, tensor<?xi64>, tensor<?xi64>, index, tensor<?x16xf32>) -> tensor<?x16xf32>
  return %y : tensor<?x16xf32>
}

// -----

// segment_gemm: the weight transposed once ([S, I, O] as nn.Linear's
// [S, O, I]), then per segment its gathered rows times the segment's
// matrix as a linear, which the projections' path gives to the library
// (seqc_cuda_gemm: cuBLASLt, bf16 tensor cores with --precision=bf16);
// the rows scattered back in parallel.
// CHECK-LABEL: func.func @segment_gemm
// CHECK: %[[WT:.*]] = linalg.generic {{.*}} ins(%{{.*}} : tensor<3x16x32xf32>) outs(%{{.*}} : tensor<3x32x16xf32>)
// CHECK: scf.for
// CHECK:   tensor.extract_slice %[[WT]]{{.*}} to tensor<32x16xf32>
// CHECK:   linalg.contract
// CHECK:   scf.forall
// CHECK:     tensor.parallel_insert_slice
// GPU-LABEL: func.func @segment_gemm
// GPU: scf.for
// GPU:   call @seqc_cuda_gemm
func.func @segment_gemm(%x: tensor<?x16xf32>, %w: tensor<3x16x32xf32>, %off: tensor<?xi64>, %init: tensor<?x32xf32>, %rows: tensor<?xi64>, %dense: i1, %out: tensor<?xi64>) -> tensor<?x32xf32> {
  %y = rgnn.gemm %x, %w segments %off into %init rows(%rows) dense(%dense) scatter(%out) {accumulate} : (tensor<?x16xf32>, tensor<3x16x32xf32>, tensor<?xi64>, tensor<?x32xf32>, tensor<?xi64>, i1, tensor<?xi64>) -> tensor<?x32xf32>
  return %y : tensor<?x32xf32>
}
