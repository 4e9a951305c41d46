// RUN: seqc-opt %s --seq-set-target=target=cuda --seq-lower-to-tensors --seq-lower-cuda-kernels --split-input-file | FileCheck %s --enable-var-scope
// RUN: seqc-opt %s --seq-set-target=target=cuda --seq-lower-to-tensors --seq-lower-cuda-kernels=kernels=false --split-input-file | FileCheck %s --check-prefix=BODY
// RUN: seqc-opt %s --seq-set-target=target=cuda --seqc-cuda-distribution-pipeline --seq-cuda-map-to-gpu --split-input-file | FileCheck %s --check-prefix=GPU

// Gated attention in flash form on the GPU
// (lib/Codegen/CUDA/Kernels/Attention.cpp): RoPE's tables (cos and sin
// [T, Dh/2], angles in f64) and k rotated by them first (as the common
// body does: one rotation per half; no rotated q); then one grid of blocks of 16
// query rows of one head (row t at position P + t after the P past keys;
// here P = 0), 8 threads per row (Dh = 128: 16 dims each); q's
// rows staged once, rotated as they are read (the pair's partner and the
// tables' entries loaded); per block of 16 keys up to the tile's last row (causal blocks
// skipped), the keys and values staged in workgroup memory, the scores
// (two keys per thread, masked past the row), the online softmax's step
// (m, l per thread, α = e^{m − m'}, acc on the thread's dims); then
// acc / l times the sigmoid of the head's gate (headwise). GQA: 4 heads on
// one kv head.
// CHECK-LABEL: func.func @flash
// CHECK: math.cos %{{.*}} : f64
// CHECK: math.sin %{{.*}} : f64
// CHECK: %[[COS:.*]] = linalg.generic {{.*}} outs(%{{.*}} : tensor<?x64xf32>)
// CHECK: %[[SIN:.*]] = linalg.generic {{.*}} outs(%{{.*}} : tensor<?x64xf32>)
// CHECK-NOT: math.cos
// CHECK-COUNT-2: linalg.generic {{.*}} ins(%{{.*}}, %{{.*}}, %[[COS]], %[[SIN]] : tensor<?x?x1x64xf32>, tensor<?x?x1x64xf32>, tensor<?x64xf32>, tensor<?x64xf32>)
// CHECK-NOT: math.cos
// CHECK: %[[PAST:.*]] = arith.subi %[[KEYS:.*]], %[[STEPS:.*]] : index
// CHECK: %[[TILES:.*]] = arith.ceildivui %[[STEPS]], %c16
// CHECK: scf.forall (%[[BLOCK:.*]]) in (%{{.*}}) {
// CHECK: %[[HEAD:.*]] = arith.remui %{{.*}}, %c4
// CHECK: %[[KV:.*]] = arith.divui %[[HEAD]], %c4
// CHECK: %[[Q:.*]] = memref.alloca() : memref<16x129xf32, #gpu.address_space<workgroup>>
// CHECK: %[[ACC:.*]] = memref.alloca() : memref<16x129xf32, #gpu.address_space<workgroup>>
// CHECK: %[[K:.*]] = memref.alloca() : memref<16x129xf32, #gpu.address_space<workgroup>>
// CHECK: %[[V:.*]] = memref.alloca() : memref<16x129xf32, #gpu.address_space<workgroup>>
// CHECK: %[[S:.*]] = memref.alloca() : memref<16x16xf32, #gpu.address_space<workgroup>>
// CHECK: scf.forall (%{{.*}}, %{{.*}}) in (8, 16) {
// CHECK:   memref.load %{{.*}}[%{{.*}}, %{{.*}}, %{{.*}}, %[[D:.*]]] : memref<?x?x4x128xf32>
// CHECK:   arith.cmpi ult, %[[D]], %c64
// CHECK:   %[[PAIR:.*]] = arith.select
// CHECK:   %[[PARTNER:.*]] = arith.select
// CHECK:   memref.load %{{.*}}[%{{.*}}, %{{.*}}, %{{.*}}, %[[PARTNER]]]
// CHECK:   memref.load %{{.*}}[%{{.*}}, %[[PAIR]]] : memref<?x64xf32>
// CHECK:   arith.mulf
// CHECK:   memref.load %{{.*}}[%{{.*}}, %[[PAIR]]] : memref<?x64xf32>
// CHECK:   arith.mulf
// CHECK:   arith.subf
// CHECK:   arith.addf
// CHECK:   arith.select
// CHECK:   memref.store %{{.*}}, %[[Q]]
// CHECK: %[[LAST:.*]] = arith.minui
// CHECK: %[[END:.*]] = arith.addi %[[PAST]], %[[LAST]]
// CHECK: %[[KEYBLOCKS:.*]] = arith.ceildivui %[[END]], %c16
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
  %y, %y_k, %y_v = seq.gated_attention %x weights(%wq, %wkv, %wkv, %wg, %wo) {gate = #seq<attention_gate headwise>, head_dim = 128 : i64, heads = 4 : i64, kv_heads = 1 : i64, rope_theta = 1.000000e+04 : f64} : (tensor<?x?x8xf32>, tensor<512x8xf32>, tensor<128x8xf32>, tensor<128x8xf32>, tensor<4x8xf32>, tensor<8x512xf32>) -> (tensor<?x?x8xf32>, tensor<?x?x128xf32>, tensor<?x?x128xf32>)
  return %y : tensor<?x?x8xf32>
}

// -----

// Past keys (after RoPE) and values (k_past, v_past [B, P, 128]): RoPE's
// tables from position P, made once; x's keys rotated by them and
// appended after the past ones, x's values likewise; the flash kernel
// rotates q by the same tables (no second set); the block's rows at
// positions P + r0 + r (the key blocks up to the last one's), its staged
// keys bounded by all P + T.
// CHECK-LABEL: func.func @flash_past
// CHECK-SAME: %{{[^:]*}}: tensor<?x?x8xf32>, %[[KP:[^:]*]]: tensor<?x?x128xf32>
// CHECK: %[[P:.*]] = tensor.dim %[[KP]], %c1{{.*}} : tensor<?x?x128xf32>
// CHECK: %[[END:.*]] = arith.addi %[[P]], %{{.*}} : index
// CHECK: arith.ceildivui %[[END]], %c64
// CHECK: math.cos
// CHECK: %[[COS:.*]] = linalg.generic {{.*}} outs(%{{.*}} : tensor<?x64xf32>)
// CHECK: %[[SIN:.*]] = linalg.generic {{.*}} outs(%{{.*}} : tensor<?x64xf32>)
// CHECK: tensor.insert_slice %{{.*}} into %{{.*}}[0, %{{.*}}, 0]
// CHECK: tensor.insert_slice %{{.*}} into %{{.*}}[0, %{{.*}}, 0]
// CHECK-NOT: math.cos
// CHECK: %[[PAST:.*]] = arith.subi %[[KEYS:.*]], %[[STEPS:.*]] : index
// CHECK-NOT: math.cos
// CHECK: bufferization.to_buffer %[[COS]]
// CHECK: bufferization.to_buffer %[[SIN]]
// CHECK: arith.ceildivui %[[STEPS]], %c16
// CHECK: scf.forall
// CHECK:   arith.addi %[[PAST]], %{{.*}} : index
// CHECK:   %[[LAST:.*]] = arith.minui
// CHECK:   arith.addi %[[PAST]], %[[LAST]] : index
// CHECK:   scf.for
// CHECK:     arith.cmpi ult, %{{.*}}, %[[KEYS]] : index
func.func @flash_past(%x: tensor<?x?x8xf32>, %kp: tensor<?x?x128xf32>, %vp: tensor<?x?x128xf32>, %wq: tensor<512x8xf32>, %wkv: tensor<128x8xf32>, %wg: tensor<4x8xf32>, %wo: tensor<8x512xf32>) -> tensor<?x?x8xf32> {
  %y, %k, %v = seq.gated_attention %x past(%kp, %vp) weights(%wq, %wkv, %wkv, %wg, %wo) {gate = #seq<attention_gate headwise>, head_dim = 128 : i64, heads = 4 : i64, kv_heads = 1 : i64, rope_theta = 1.000000e+04 : f64} : (tensor<?x?x8xf32>, tensor<?x?x128xf32>, tensor<?x?x128xf32>, tensor<512x8xf32>, tensor<128x8xf32>, tensor<128x8xf32>, tensor<4x8xf32>, tensor<8x512xf32>) -> (tensor<?x?x8xf32>, tensor<?x?x128xf32>, tensor<?x?x128xf32>)
  return %y : tensor<?x?x8xf32>
}

// -----

// Dh = 160: blocks of 8 rows and 8 keys (the workgroup buffers within
// 48 KiB), 8 threads per row.
// CHECK-LABEL: func.func @wide_heads
// CHECK: memref.alloca() : memref<8x161xf32, #gpu.address_space<workgroup>>
// CHECK: scf.forall (%{{.*}}, %{{.*}}) in (8, 8) {
func.func @wide_heads(%x: tensor<?x?x8xf32>, %w: tensor<160x8xf32>, %wo: tensor<8x160xf32>) -> tensor<?x?x8xf32> {
  %y, %y_k, %y_v = seq.gated_attention %x weights(%w, %w, %w, %w, %wo) {gate = #seq<attention_gate elementwise>, head_dim = 160 : i64, heads = 1 : i64, kv_heads = 1 : i64} : (tensor<?x?x8xf32>, tensor<160x8xf32>, tensor<160x8xf32>, tensor<160x8xf32>, tensor<160x8xf32>, tensor<8x160xf32>) -> (tensor<?x?x8xf32>, tensor<?x?x160xf32>, tensor<?x?x160xf32>)
  return %y : tensor<?x?x8xf32>
}

// -----

// Dh = 264: past the kernel's buffers, the common body.
// CHECK-LABEL: func.func @too_wide
// CHECK-NOT: #gpu.address_space<workgroup>
// CHECK: return
func.func @too_wide(%x: tensor<?x?x8xf32>, %w: tensor<264x8xf32>, %wo: tensor<8x264xf32>) -> tensor<?x?x8xf32> {
  %y, %y_k, %y_v = seq.gated_attention %x weights(%w, %w, %w, %w, %wo) {gate = #seq<attention_gate elementwise>, head_dim = 264 : i64, heads = 1 : i64, kv_heads = 1 : i64} : (tensor<?x?x8xf32>, tensor<264x8xf32>, tensor<264x8xf32>, tensor<264x8xf32>, tensor<264x8xf32>, tensor<8x264xf32>) -> (tensor<?x?x8xf32>, tensor<?x?x264xf32>, tensor<?x?x264xf32>)
  return %y : tensor<?x?x8xf32>
}

// -----

// With bf16 products (SPEC §5) and Dh = 64 the two products are warps'
// tensor-core tiles (seq-cuda-warp-mma): q (scaled), kᵀ, v and the weights
// staged as bf16 (rows padded by 8); per key block the stage also zeroes
// the scores, two warps compute S = q kᵀ (16 x 8 each), the thread loop
// masks them and takes the softmax's step (acc only scaled by α, the
// weights of its keys staged), then four warps add P v to acc (16 columns
// each).
// CHECK-LABEL: func.func @flash_bf16
// CHECK: %[[Q:.*]] = memref.alloca() : memref<16x72xbf16, #gpu.address_space<workgroup>>
// CHECK: %[[ACC:.*]] = memref.alloca() : memref<16x65xf32, #gpu.address_space<workgroup>>
// CHECK: %[[KT:.*]] = memref.alloca() : memref<64x24xbf16, #gpu.address_space<workgroup>>
// CHECK: %[[V:.*]] = memref.alloca() : memref<16x72xbf16, #gpu.address_space<workgroup>>
// CHECK: %[[S:.*]] = memref.alloca() : memref<16x16xf32, #gpu.address_space<workgroup>>
// CHECK: %[[P:.*]] = memref.alloca() : memref<16x24xbf16, #gpu.address_space<workgroup>>
// CHECK: scf.for
// CHECK:   scf.forall (%{{.*}}, %{{.*}}) in (8, 16) {
// CHECK:     memref.store %{{.*}}, %[[S]]
// CHECK:     memref.store %{{.*}}, %[[KT]][%[[D:.*]], %[[KK:.*]]] : memref<64x24xbf16
// CHECK:     memref.store %{{.*}}, %[[V]][%[[KK]], %[[D]]] : memref<16x72xbf16
// CHECK:   scf.forall (%[[W:.*]]) in (2) {
// CHECK:     %[[SCOL:.*]] = arith.muli %[[W]], %c8
// CHECK:     %[[SV:.*]] = memref.subview %[[S]][0, %[[SCOL]]] [16, 8]
// CHECK:     %[[KV:.*]] = memref.subview %[[KT]][0, %[[SCOL]]] [64, 8]
// CHECK:     %[[QV:.*]] = memref.subview %[[Q]][0, 0] [16, 64]
// CHECK:     linalg.matmul ins(%[[QV]], %[[KV]] : {{.*}}) outs(%[[SV]] : {{.*}})
// CHECK:   } {mapping = [#gpu.warp<x>]}
// CHECK:   scf.forall (%{{.*}}, %{{.*}}) in (8, 16) {
// CHECK:     arith.cmpi ugt
// CHECK:     arith.select
// CHECK-COUNT-16: arith.maximumf
// CHECK:     memref.store %{{.*}}, %[[P]]
// CHECK-NOT: math.fma
// CHECK:     memref.store %{{.*}}, %[[ACC]]
// CHECK:   scf.forall (%[[W2:.*]]) in (4) {
// CHECK:     %[[VCOL:.*]] = arith.muli %[[W2]], %c16
// CHECK:     %[[AV:.*]] = memref.subview %[[ACC]][0, %[[VCOL]]] [16, 16]
// CHECK:     %[[VV:.*]] = memref.subview %[[V]][0, %[[VCOL]]] [16, 16]
// CHECK:     %[[PV:.*]] = memref.subview %[[P]][0, 0] [16, 16]
// CHECK:     linalg.matmul ins(%[[PV]], %[[VV]] : {{.*}}) outs(%[[AV]] : {{.*}})
// CHECK:   } {mapping = [#gpu.warp<x>]}
// Mapped: 128 threads (four warps), mma.sync for both products.
// GPU-LABEL: func.func @flash_bf16
// GPU: gpu.launch {{.*}} threads({{.*}}) in (%{{.*}} = %c8{{.*}}, %{{.*}} = %c16{{.*}}, %{{.*}} = %c1{{.*}}) workgroup(
// GPU: nvvm.mma.sync
// GPU: nvvm.mma.sync
// GPU: gpu.terminator
module attributes {seq.precision = "bf16"} {
func.func @flash_bf16(%x: tensor<?x?x8xf32>, %w: tensor<128x8xf32>, %wg: tensor<2x8xf32>, %wo: tensor<8x128xf32>) -> tensor<?x?x8xf32> {
  %y, %y_k, %y_v = seq.gated_attention %x weights(%w, %w, %w, %wg, %wo) {gate = #seq<attention_gate headwise>, head_dim = 64 : i64, heads = 2 : i64, kv_heads = 2 : i64} : (tensor<?x?x8xf32>, tensor<128x8xf32>, tensor<128x8xf32>, tensor<128x8xf32>, tensor<2x8xf32>, tensor<8x128xf32>) -> (tensor<?x?x8xf32>, tensor<?x?x128xf32>, tensor<?x?x128xf32>)
  return %y : tensor<?x?x8xf32>
}
}
