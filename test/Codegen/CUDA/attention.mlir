// RUN: seqc-opt %s --seq-set-target=target=cuda --seq-lower-to-tensors --seq-lower-cuda-kernels --split-input-file | FileCheck %s --enable-var-scope
// RUN: seqc-opt %s --seq-set-target=target=cuda --seq-lower-to-tensors --seq-lower-cuda-kernels=kernels=false --split-input-file | FileCheck %s --check-prefix=BODY
// RUN: seqc-opt %s --seq-set-target=target=cuda --seqc-cuda-distribution-pipeline --seq-cuda-map-to-gpu --split-input-file | FileCheck %s --check-prefix=GPU

// Gated attention in flash form on the GPU
// (lib/Codegen/CUDA/Kernels/Attention.cpp): q and k rotated first (RoPE,
// as the common body does); then one grid of blocks of 16 query rows of
// one head, 8 threads per row (Dh = 128: 16 dims each); q's rows staged
// once; per block of 16 keys up to the tile's last row (causal blocks
// skipped), the keys and values staged in workgroup memory, the scores
// (two keys per thread, masked past the row), the online softmax's step
// (m, l per thread, α = e^{m − m'}, acc on the thread's dims); then
// acc / l times the sigmoid of the head's gate (headwise). GQA: 4 heads on
// one kv head.
// CHECK-LABEL: func.func @flash
// CHECK-COUNT-2: math.cos
// CHECK: %[[TILES:.*]] = arith.ceildivui %{{.*}}, %c16
// CHECK: scf.forall (%[[BLOCK:.*]]) in (%{{.*}}) {
// CHECK: %[[HEAD:.*]] = arith.remui %{{.*}}, %c4
// CHECK: %[[KV:.*]] = arith.divui %[[HEAD]], %c4
// CHECK: %[[Q:.*]] = memref.alloca() : memref<16x129xf32, #gpu.address_space<workgroup>>
// CHECK: %[[ACC:.*]] = memref.alloca() : memref<16x129xf32, #gpu.address_space<workgroup>>
// CHECK: %[[K:.*]] = memref.alloca() : memref<16x129xf32, #gpu.address_space<workgroup>>
// CHECK: %[[V:.*]] = memref.alloca() : memref<16x129xf32, #gpu.address_space<workgroup>>
// CHECK: %[[S:.*]] = memref.alloca() : memref<16x16xf32, #gpu.address_space<workgroup>>
// CHECK: scf.forall (%{{.*}}, %{{.*}}) in (8, 16) {
// CHECK:   memref.store %{{.*}}, %[[Q]]
// CHECK: %[[LAST:.*]] = arith.minui
// CHECK: %[[KEYBLOCKS:.*]] = arith.ceildivui %[[LAST]], %c16
// CHECK: scf.for %{{.*}} = %{{.*}} to %[[KEYBLOCKS]]
// CHECK:   scf.forall (%{{.*}}, %{{.*}}) in (8, 16) {
// CHECK:     scf.for %{{.*}} = %{{.*}} to %c2048{{.*}} step %c128
// CHECK:       memref.load %{{.*}}[%{{.*}}, %{{.*}}, %[[KV]], %{{.*}}]
// CHECK:       memref.store %{{.*}}, %[[K]]
// CHECK:       memref.store %{{.*}}, %[[V]]
// CHECK:   scf.forall (%{{.*}}, %[[ROW:.*]]) in (8, 16) {
// CHECK:     scf.for {{.*}} -> (f32, f32) {
// CHECK:       memref.load %[[Q]][%[[ROW]]
// CHECK:       math.fma
// CHECK:       math.fma
// CHECK:     arith.cmpi ugt
// CHECK:     arith.select
// CHECK:     memref.store %{{.*}}, %[[S]]
// CHECK:   scf.forall (%{{.*}}, %{{.*}}) in (8, 16) {
// CHECK-COUNT-16: arith.maximumf
// CHECK:     math.exp
// CHECK:     scf.for
// CHECK:       memref.load %[[ACC]]
// CHECK-COUNT-16: math.fma
// CHECK:       memref.store %{{.*}}, %[[ACC]]
// CHECK: scf.forall (%{{.*}}, %{{.*}}) in (8, 16) {
// CHECK:   scf.if
// CHECK:     arith.negf
// CHECK:     math.exp
// CHECK:     scf.for
// CHECK:       arith.divf
// CHECK: } {mapping = [#gpu.block<x>]}
// The common body instead: its tiles of 32 rows a parallel loop of tensors.
// BODY-LABEL: func.func @flash
// BODY-NOT: #gpu.block
// BODY: scf.forall
// Mapped: one launch of 8 x 16 threads, three barriers per key block.
// GPU-LABEL: func.func @flash
// GPU: gpu.launch blocks({{.*}}) threads({{.*}}) in (%{{.*}} = %c8{{.*}}, %{{.*}} = %c16{{.*}}, %{{.*}} = %c1{{.*}}) workgroup(
// GPU: gpu.barrier
// GPU: scf.for
// GPU: gpu.barrier
// GPU: gpu.barrier
// GPU: gpu.barrier
// GPU: gpu.terminator
func.func @flash(%x: tensor<?x?x8xf32>, %wq: tensor<512x8xf32>, %wkv: tensor<128x8xf32>, %wg: tensor<4x8xf32>, %wo: tensor<8x512xf32>) -> tensor<?x?x8xf32> {
  %y = seq.gated_attention %x weights(%wq, %wkv, %wkv, %wg, %wo) {gate = #seq<attention_gate headwise>, head_dim = 128 : i64, heads = 4 : i64, kv_heads = 1 : i64, rope_theta = 1.000000e+04 : f64} : (tensor<?x?x8xf32>, tensor<512x8xf32>, tensor<128x8xf32>, tensor<128x8xf32>, tensor<4x8xf32>, tensor<8x512xf32>) -> tensor<?x?x8xf32>
  return %y : tensor<?x?x8xf32>
}

// -----

// Dh = 160: blocks of 8 rows and 8 keys (the workgroup buffers within
// 48 KiB), 8 threads per row.
// CHECK-LABEL: func.func @wide_heads
// CHECK: memref.alloca() : memref<8x161xf32, #gpu.address_space<workgroup>>
// CHECK: scf.forall (%{{.*}}, %{{.*}}) in (8, 8) {
func.func @wide_heads(%x: tensor<?x?x8xf32>, %w: tensor<160x8xf32>, %wo: tensor<8x160xf32>) -> tensor<?x?x8xf32> {
  %y = seq.gated_attention %x weights(%w, %w, %w, %w, %wo) {gate = #seq<attention_gate elementwise>, head_dim = 160 : i64, heads = 1 : i64, kv_heads = 1 : i64} : (tensor<?x?x8xf32>, tensor<160x8xf32>, tensor<160x8xf32>, tensor<160x8xf32>, tensor<160x8xf32>, tensor<8x160xf32>) -> tensor<?x?x8xf32>
  return %y : tensor<?x?x8xf32>
}

// -----

// Dh = 264: past the kernel's buffers, the common body.
// CHECK-LABEL: func.func @too_wide
// CHECK-NOT: #gpu.address_space<workgroup>
// CHECK: return
func.func @too_wide(%x: tensor<?x?x8xf32>, %w: tensor<264x8xf32>, %wo: tensor<8x264xf32>) -> tensor<?x?x8xf32> {
  %y = seq.gated_attention %x weights(%w, %w, %w, %w, %wo) {gate = #seq<attention_gate elementwise>, head_dim = 264 : i64, heads = 1 : i64, kv_heads = 1 : i64} : (tensor<?x?x8xf32>, tensor<264x8xf32>, tensor<264x8xf32>, tensor<264x8xf32>, tensor<264x8xf32>, tensor<8x264xf32>) -> tensor<?x?x8xf32>
  return %y : tensor<?x?x8xf32>
}
