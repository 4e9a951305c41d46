// RUN: seqc-opt %s --seq-lower-to-tensors --seq-lower-cpu-kernels --split-input-file | FileCheck %s --check-prefix=KERNEL
// RUN: seqc-opt %s --seq-lower-to-tensors --seq-lower-cpu-kernels=kernels=false --split-input-file | FileCheck %s --check-prefix=BODY

// The common lowering's kernel calls: the CPU replaces each by its own
// kernel (the chunked lane scan: parallel loops over chunks and lane
// blocks, the state in vectors), or, with kernels=false, inlines the
// target-independent body (scf.forall over the chunks). Either way no
// call and no kernel function remain.
// KERNEL-LABEL: func.func @scan_chunked
// KERNEL-NOT: call
// KERNEL: scf.parallel
// KERNEL:   vector.fma
// KERNEL-NOT: scf.forall
// KERNEL-NOT: seqc_kernel
// BODY-LABEL: func.func @scan_chunked
// BODY-NOT: call
// BODY: scf.forall
// BODY: scf.for
// BODY: scf.forall
// BODY-NOT: vector.
// BODY-NOT: seqc_kernel
func.func @scan_chunked(%a: tensor<2x?x5xf32>, %b: tensor<2x?x5xf32>, %h0: tensor<2x5xf32>) -> (tensor<2x?x5xf32>, tensor<2x5xf32>) {
  %h, %hT = seq.linear_recurrence %a, %b init(%h0) {seq.scan = #seq.scan<method = chunked, chunk = 64>} : (tensor<2x?x5xf32>, tensor<2x?x5xf32>, tensor<2x5xf32>) -> (tensor<2x?x5xf32>, tensor<2x5xf32>)
  return %h, %hT : tensor<2x?x5xf32>, tensor<2x5xf32>
}

// -----

// A convolution of 17 taps: the CPU's loop over the taps in lane blocks,
// or the reduction generic.
// KERNEL-LABEL: func.func @conv_taps
// KERNEL-NOT: call
// KERNEL: scf.parallel
// KERNEL:   scf.for {{.*}} -> (vector<16xf32>)
// KERNEL-NOT: seqc_kernel
// BODY-LABEL: func.func @conv_taps
// BODY-NOT: call
// BODY: linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "parallel", "reduction"]
// BODY-NOT: seqc_kernel
func.func @conv_taps(%x: tensor<?x?x4xf32>, %w: tensor<4x17xf32>, %b: tensor<4xf32>) -> tensor<?x?x4xf32> {
  %y = seq.causal_conv1d %x weights(%w, %b) {kernel = 17 : i64, activation = #seq<conv_activation none>} : (tensor<?x?x4xf32>, tensor<4x17xf32>, tensor<4xf32>) -> tensor<?x?x4xf32>
  return %y : tensor<?x?x4xf32>
}
