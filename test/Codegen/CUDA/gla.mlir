// RUN: seqc-opt %s --seq-set-target=target=cuda --seq-chunk-gla --seq-lower-to-tensors --seq-lower-cuda-kernels --split-input-file | FileCheck %s --enable-var-scope
// RUN: seqc-opt %s --seq-set-target=target=cuda --seq-chunk-gla=form=recurrent --seq-lower-to-tensors --seq-lower-cuda-kernels --split-input-file | FileCheck %s --check-prefix=REC
// RUN: seqc-opt %s --seq-set-target=target=cuda --seqc-cuda-distribution-pipeline --seq-cuda-map-to-gpu --split-input-file | FileCheck %s --check-prefix=GPU

// gla_core on the GPU (lib/Codegen/CUDA/Kernels/GLA.cpp), K = V = 128 per
// head: at run time a decode step (T = 1) takes the step kernel, a longer
// sequence the chunkwise one. Both: a block per (batch row, head, 32
// value columns), 32 x 8 threads, the block's state slice S [128, 32] in
// workgroup memory loaded from s0 and stored at the end. The step kernel:
// per step, q, k, e^{g} and v staged; each thread updates its 16 rows of
// S and sums q·S over them; one row of threads adds the 8 partial sums.
// The chunkwise kernel: chunks of 16 steps (seq-chunk-gla's CUDA chunk),
// six thread loops per chunk: stage (rows padded: 16 x 129), the gates'
// cumulative sums, the scores (an exponent per pair), q̃ and k̂ in place,
// the outputs (q̃ S and the causal scores times v), the state.
// CHECK-LABEL: func.func @chunkwise
// CHECK: %[[DECODE:.*]] = arith.cmpi eq, %{{.*}}, %c1
// CHECK: scf.if %[[DECODE]] -> (tensor<?x?x256xf32>, tensor<?x2x128x128xf32>) {
// CHECK:   scf.forall (%{{.*}}) in (%{{.*}}) {
// CHECK:     %[[S:.*]] = memref.alloca() : memref<128x32xf32, #gpu.address_space<workgroup>>
// CHECK:     scf.forall (%{{.*}}, %{{.*}}) in (32, 8) {
// CHECK:       memref.store %{{.*}}, %[[S]]
// CHECK:     %[[PART:.*]] = memref.alloca() : memref<8x32xf32, #gpu.address_space<workgroup>>
// CHECK:     scf.for
// CHECK:       scf.forall (%{{.*}}, %{{.*}}) in (32, 8) {
// CHECK:         math.exp
// CHECK:       scf.forall (%[[X:.*]], %[[Y:.*]]) in (32, 8) {
// CHECK:         scf.for %{{.*}} = %[[Y]] to %c128{{.*}} step %c8
// CHECK:           memref.store %{{.*}}, %[[S]]
// CHECK:         memref.store %{{.*}}, %[[PART]][%[[Y]], %[[X]]]
// CHECK:       scf.forall (%{{.*}}, %{{.*}}) in (32, 8) {
// CHECK:         memref.load %[[PART]]
// CHECK:     scf.forall (%{{.*}}, %{{.*}}) in (32, 8) {
// CHECK:       memref.load %[[S]]
// CHECK:   } {mapping = [#gpu.block<x>]}
// CHECK: } else {
// CHECK:   %[[CHUNKS:.*]] = arith.ceildivui %{{.*}}, %c16
// CHECK:   scf.forall (%{{.*}}) in (%{{.*}}) {
// CHECK:     %[[S2:.*]] = memref.alloca() : memref<128x32xf32, #gpu.address_space<workgroup>>
// CHECK:     %[[Q:.*]] = memref.alloca() : memref<16x129xf32, #gpu.address_space<workgroup>>
// CHECK:     %[[K:.*]] = memref.alloca() : memref<16x129xf32, #gpu.address_space<workgroup>>
// CHECK:     %[[CUM:.*]] = memref.alloca() : memref<16x129xf32, #gpu.address_space<workgroup>>
// CHECK:     %[[V:.*]] = memref.alloca() : memref<16x32xf32, #gpu.address_space<workgroup>>
// CHECK:     %[[A:.*]] = memref.alloca() : memref<16x16xf32, #gpu.address_space<workgroup>>
// CHECK:     %[[LAST:.*]] = memref.alloca() : memref<128xf32, #gpu.address_space<workgroup>>
// CHECK:     scf.for %{{.*}} = %{{.*}} to %[[CHUNKS]]
// CHECK:       scf.forall (%{{.*}}, %{{.*}}) in (32, 8) {
// CHECK:         memref.store %{{.*}}, %[[Q]]
// CHECK:         memref.store %{{.*}}, %[[K]]
// CHECK:         memref.store %{{.*}}, %[[CUM]]
// CHECK:         memref.store %{{.*}}, %[[V]]
// CHECK:       scf.forall (%{{.*}}, %{{.*}}) in (32, 8) {
// CHECK:         memref.store %{{.*}}, %[[CUM]]
// CHECK:         memref.store %{{.*}}, %[[LAST]]
// CHECK:       scf.forall (%{{.*}}, %{{.*}}) in (32, 8) {
// CHECK:         arith.cmpi ule
// CHECK:         math.exp
// CHECK:         memref.store %{{.*}}, %[[A]]
// CHECK:       scf.forall (%{{.*}}, %{{.*}}) in (32, 8) {
// CHECK:         memref.store %{{.*}}, %[[Q]]
// CHECK:         memref.store %{{.*}}, %[[K]]
// CHECK:       scf.forall (%{{.*}}, %{{.*}}) in (32, 8) {
// CHECK:         memref.load %[[S2]]
// CHECK:         memref.load %[[A]]
// CHECK:       scf.forall (%{{.*}}, %{{.*}}) in (32, 8) {
// CHECK:         memref.load %[[LAST]]
// CHECK:         memref.store %{{.*}}, %[[S2]]
// CHECK:   } {mapping = [#gpu.block<x>]}
// The recurrent form: the step kernel alone, whatever the length.
// REC-LABEL: func.func @chunkwise
// REC-NOT: scf.if %{{.*}} -> (tensor
// REC: memref.alloca() : memref<8x32xf32, #gpu.address_space<workgroup>>
// REC-NOT: memref<16x129xf32
// REC: return
// Mapped: two launches of 32 x 8 threads, three barriers per step and
// six per chunk.
// GPU-LABEL: func.func @chunkwise
// GPU: scf.if
// GPU: gpu.launch blocks({{.*}}) threads({{.*}}) in (%{{.*}} = %c32{{.*}}, %{{.*}} = %c8{{.*}}, %{{.*}} = %c1{{.*}}) workgroup(
// GPU: gpu.barrier
// GPU: scf.for
// GPU-COUNT-3: gpu.barrier
// GPU: gpu.terminator
// GPU: } else {
// GPU: gpu.launch blocks({{.*}}) threads({{.*}}) in (%{{.*}} = %c32{{.*}}, %{{.*}} = %c8{{.*}}, %{{.*}} = %c1{{.*}}) workgroup(
// GPU: gpu.barrier
// GPU: scf.for
// GPU-COUNT-6: gpu.barrier
// GPU: gpu.terminator
func.func @chunkwise(%q: tensor<?x?x256xf32>, %v: tensor<?x?x256xf32>, %s0: tensor<?x2x128x128xf32>) -> (tensor<?x?x256xf32>, tensor<?x2x128x128xf32>) {
  %o, %s = seq.gla_core %q, %q, %v, %q init(%s0) {heads = 2 : i64, scale = 0.125 : f64} : (tensor<?x?x256xf32>, tensor<?x?x256xf32>, tensor<?x?x256xf32>, tensor<?x?x256xf32>, tensor<?x2x128x128xf32>) -> (tensor<?x?x256xf32>, tensor<?x2x128x128xf32>)
  return %o, %s : tensor<?x?x256xf32>, tensor<?x2x128x128xf32>
}

// -----

// K = 136, V = 40: chunks of 8 steps (16 would pass the workgroup
// memory), two blocks of 32 value columns per head (columns past 40
// masked).
// CHECK-LABEL: func.func @wide_keys
// CHECK: } else {
// CHECK: arith.ceildivui %{{.*}}, %c8
// CHECK: memref.alloca() : memref<136x32xf32, #gpu.address_space<workgroup>>
// CHECK: memref.alloca() : memref<8x137xf32, #gpu.address_space<workgroup>>
func.func @wide_keys(%q: tensor<?x?x136xf32>, %v: tensor<?x?x40xf32>) -> (tensor<?x?x40xf32>, tensor<?x1x136x40xf32>) {
  %o, %s = seq.gla_core %q, %q, %v, %q {heads = 1 : i64, scale = 0.125 : f64} : (tensor<?x?x136xf32>, tensor<?x?x136xf32>, tensor<?x?x40xf32>, tensor<?x?x136xf32>) -> (tensor<?x?x40xf32>, tensor<?x1x136x40xf32>)
  return %o, %s : tensor<?x?x40xf32>, tensor<?x1x136x40xf32>
}

// -----

// V = 5: blocks of 8 columns (8 x 32 threads) and chunks of 16.
// CHECK-LABEL: func.func @narrow_values
// CHECK: } else {
// CHECK: arith.ceildivui %{{.*}}, %c16
// CHECK: memref.alloca() : memref<136x8xf32, #gpu.address_space<workgroup>>
// CHECK: scf.forall (%{{.*}}, %{{.*}}) in (8, 32) {
// CHECK: memref.alloca() : memref<16x137xf32, #gpu.address_space<workgroup>>
func.func @narrow_values(%q: tensor<?x?x136xf32>, %v: tensor<?x?x5xf32>) -> (tensor<?x?x5xf32>, tensor<?x1x136x5xf32>) {
  %o, %s = seq.gla_core %q, %q, %v, %q {heads = 1 : i64, scale = 0.125 : f64} : (tensor<?x?x136xf32>, tensor<?x?x136xf32>, tensor<?x?x5xf32>, tensor<?x?x136xf32>) -> (tensor<?x?x5xf32>, tensor<?x1x136x5xf32>)
  return %o, %s : tensor<?x?x5xf32>, tensor<?x1x136x5xf32>
}

// -----

// A static decode step: the step kernel alone.
// CHECK-LABEL: func.func @decode
// CHECK-NOT: scf.if %{{.*}} -> (tensor
// CHECK-NOT: memref<16x129xf32
// CHECK: memref.alloca() : memref<8x32xf32, #gpu.address_space<workgroup>>
// CHECK: return
func.func @decode(%q: tensor<?x1x256xf32>, %v: tensor<?x1x256xf32>) -> (tensor<?x1x256xf32>, tensor<?x2x128x128xf32>) {
  %o, %s = seq.gla_core %q, %q, %v, %q {heads = 2 : i64, scale = 0.125 : f64} : (tensor<?x1x256xf32>, tensor<?x1x256xf32>, tensor<?x1x256xf32>, tensor<?x1x256xf32>) -> (tensor<?x1x256xf32>, tensor<?x2x128x128xf32>)
  return %o, %s : tensor<?x1x256xf32>, tensor<?x2x128x128xf32>
}

// -----

// K = 400, V = 8: no chunk fits a block; the common body (no block
// loop).
// CHECK-LABEL: func.func @too_wide
// CHECK-NOT: #gpu.block
// CHECK: return
func.func @too_wide(%q: tensor<?x?x400xf32>, %v: tensor<?x?x8xf32>) -> (tensor<?x?x8xf32>, tensor<?x1x400x8xf32>) {
  %o, %s = seq.gla_core %q, %q, %v, %q {heads = 1 : i64, scale = 0.125 : f64} : (tensor<?x?x400xf32>, tensor<?x?x400xf32>, tensor<?x?x8xf32>, tensor<?x?x400xf32>) -> (tensor<?x?x8xf32>, tensor<?x1x400x8xf32>)
  return %o, %s : tensor<?x?x8xf32>, tensor<?x1x400x8xf32>
}

// -----

// The GLA layer: q, k, v read in place from the fused projection's rows
// (the kernels index columns, no copies), then the norm-gate epilogue as
// a kernel: a block per (batch row, step), 32 x 8 threads; each head's
// squares summed by 32 threads into [heads, 32], 1/rms per head, then the
// row's y = o·(1/rms)·w·silu(gate).
// CHECK-LABEL: func.func @layer
// CHECK: scf.if %{{.*}} -> (tensor
// CHECK: memref.alloca() : memref<16x5xf32, #gpu.address_space<workgroup>>
// CHECK: scf.forall (%{{.*}}) in (%{{.*}}) {
// CHECK:   %[[PART:.*]] = memref.alloca() : memref<2x32xf32, #gpu.address_space<workgroup>>
// CHECK:   %[[INV:.*]] = memref.alloca() : memref<2xf32, #gpu.address_space<workgroup>>
// CHECK:   scf.forall (%{{.*}}, %{{.*}}) in (32, 8) {
// CHECK:     math.fma
// CHECK:     memref.store %{{.*}}, %[[PART]]
// CHECK:   scf.forall (%{{.*}}, %{{.*}}) in (32, 8) {
// CHECK:     math.rsqrt
// CHECK:     memref.store %{{.*}}, %[[INV]]
// CHECK:   scf.forall (%{{.*}}, %{{.*}}) in (32, 8) {
// CHECK:     memref.load %[[INV]]
// CHECK:     math.exp
// CHECK: } {mapping = [#gpu.block<x>]}
func.func @layer(%x: tensor<?x?x16xf32>, %wq: tensor<8x16xf32>, %wk: tensor<8x16xf32>, %wv: tensor<16x16xf32>, %wg: tensor<16x16xf32>, %w0: tensor<4x16xf32>, %w1: tensor<8x4xf32>, %b1: tensor<8xf32>, %wn: tensor<8xf32>, %wo: tensor<16x16xf32>) -> (tensor<?x?x16xf32>, tensor<?x2x4x8xf32>) {
  %y, %s = seq.gla %x weights(%wq, %wk, %wv, %wg, %w0, %w1, %b1, %wn, %wo) {heads = 2 : i64, key_dim = 8 : i64, value_dim = 16 : i64, gate_rank = 4 : i64, gate_norm = 16.0 : f64, eps = 1.0e-05 : f64} : (tensor<?x?x16xf32>, tensor<8x16xf32>, tensor<8x16xf32>, tensor<16x16xf32>, tensor<16x16xf32>, tensor<4x16xf32>, tensor<8x4xf32>, tensor<8xf32>, tensor<8xf32>, tensor<16x16xf32>) -> (tensor<?x?x16xf32>, tensor<?x2x4x8xf32>)
  return %y, %s : tensor<?x?x16xf32>, tensor<?x2x4x8xf32>
}

// -----

// With bf16 products (SPEC §5), chunks of 16 and K = 64: the chunk's
// products are tensor-core tiles (seq-cuda-warp-mma). Besides q, k and
// the cumulative gates (f32: the scores' exponent per pair), bf16 q̃,
// k̂ᵀ, S before the chunk, the scores and v (rows padded by 8), and the
// f32 outputs; after q̃ and k̂, the block's eight warps: four the outputs
// o = q̃ S + A v (8 columns each), four the state update S += k̂ᵀ v (16
// key rows each, S scaled by e^{b_last} before); then the outputs
// written. No f32 FMA products remain.
// CHECK-LABEL: func.func @chunk_tiles
// CHECK: %[[STATE:.*]] = memref.alloca() : memref<64x32xf32, #gpu.address_space<workgroup>>
// CHECK: memref.alloca() : memref<16x65xf32, #gpu.address_space<workgroup>>
// CHECK: %[[QT:.*]] = memref.alloca() : memref<16x72xbf16, #gpu.address_space<workgroup>>
// CHECK: %[[KT:.*]] = memref.alloca() : memref<64x24xbf16, #gpu.address_space<workgroup>>
// CHECK: %[[ST:.*]] = memref.alloca() : memref<64x40xbf16, #gpu.address_space<workgroup>>
// CHECK: %[[A:.*]] = memref.alloca() : memref<16x24xbf16, #gpu.address_space<workgroup>>
// CHECK: %[[V:.*]] = memref.alloca() : memref<16x40xbf16, #gpu.address_space<workgroup>>
// CHECK: %[[O:.*]] = memref.alloca() : memref<16x32xf32, #gpu.address_space<workgroup>>
// CHECK: scf.for
// CHECK:   memref.store %{{.*}}, %[[V]]
// CHECK:   memref.store %{{.*}}, %[[O]]
// CHECK:   memref.store %{{.*}}, %[[A]]
// CHECK:   memref.store %{{.*}}, %[[QT]]
// CHECK:   memref.store %{{.*}}, %[[KT]][%[[I:.*]], %[[J:.*]]]
// CHECK:   memref.store %{{.*}}, %[[ST]]
// CHECK:   math.exp
// CHECK:   memref.store %{{.*}}, %[[STATE]]
// CHECK:   scf.forall (%[[W:.*]]) in (8) {
// CHECK:     %[[OUTS:.*]] = arith.cmpi ult, %[[W]], %c4
// CHECK:     scf.if %[[OUTS]] {
// CHECK:       scf.for %[[N0:.*]] = %{{.*}} to %c32{{.*}} step %c32
// CHECK:         %[[OV:.*]] = memref.subview %[[O]][0, %[[N0]]] [16, 8]
// CHECK:         %[[SV:.*]] = memref.subview %[[ST]][0, %[[N0]]] [64, 8]
// CHECK:         %[[QV:.*]] = memref.subview %[[QT]][0, 0] [16, 64]
// CHECK:         linalg.matmul ins(%[[QV]], %[[SV]] : {{.*}}) outs(%[[OV]] : {{.*}})
// CHECK:         %[[VV:.*]] = memref.subview %[[V]][0, %[[N0]]] [16, 8]
// CHECK:         %[[AV:.*]] = memref.subview %[[A]][0, 0] [16, 16]
// CHECK:         linalg.matmul ins(%[[AV]], %[[VV]] : {{.*}}) outs(%[[OV]] : {{.*}})
// CHECK:     } else {
// CHECK:       scf.for %[[M0:.*]] = %{{.*}} to %c64{{.*}} step %c64
// CHECK:         %[[SS:.*]] = memref.subview %[[STATE]][%[[M0]], 0] [16, 32]
// CHECK:         %[[VA:.*]] = memref.subview %[[V]][0, 0] [16, 32]
// CHECK:         %[[KV:.*]] = memref.subview %[[KT]][%[[M0]], 0] [16, 16]
// CHECK:         linalg.matmul ins(%[[KV]], %[[VA]] : {{.*}}) outs(%[[SS]] : {{.*}})
// CHECK:   } {mapping = [#gpu.warp<x>]}
// CHECK:   scf.forall (%{{.*}}, %{{.*}}) in (32, 8) {
// CHECK:     memref.load %[[O]]
// CHECK-NOT: math.fma
// CHECK: } {mapping = [#gpu.block<x>]}
// Mapped: mma.sync for the three products.
// GPU-LABEL: func.func @chunk_tiles
// GPU-COUNT-3: nvvm.mma.sync
module attributes {seq.precision = "bf16"} {
func.func @chunk_tiles(%q: tensor<?x?x128xf32>, %v: tensor<?x?x256xf32>) -> (tensor<?x?x256xf32>, tensor<?x2x64x128xf32>) {
  %o, %s = seq.gla_core %q, %q, %v, %q {heads = 2 : i64, scale = 0.125 : f64} : (tensor<?x?x128xf32>, tensor<?x?x128xf32>, tensor<?x?x256xf32>, tensor<?x?x128xf32>) -> (tensor<?x?x256xf32>, tensor<?x2x64x128xf32>)
  return %o, %s : tensor<?x?x256xf32>, tensor<?x2x64x128xf32>
}
}

// -----

// K = 128: the tiles' buffers fit 46 KiB with 16 value columns and q, k
// staged as bf16 too (q̃ in place of q; the scores from bf16 q and k).
// CHECK-LABEL: func.func @chunk_tiles_wide_keys
// CHECK: memref.alloca() : memref<128x16xf32, #gpu.address_space<workgroup>>
// CHECK: %[[Q:.*]] = memref.alloca() : memref<16x136xbf16, #gpu.address_space<workgroup>>
// CHECK: %[[K:.*]] = memref.alloca() : memref<16x136xbf16, #gpu.address_space<workgroup>>
// CHECK: memref.alloca() : memref<16x129xf32, #gpu.address_space<workgroup>>
// CHECK: %[[KT:.*]] = memref.alloca() : memref<128x24xbf16, #gpu.address_space<workgroup>>
// CHECK-NOT: memref.alloca() : memref<16x136xbf16
// CHECK: scf.for
// CHECK:   memref.store %{{.*}}, %[[Q]]
// CHECK:   memref.store %{{.*}}, %[[K]]
// CHECK:   memref.load %[[Q]]
// CHECK:   arith.extf %{{.*}} : bf16 to f32
// CHECK:   memref.store %{{.*}}, %[[Q]]
// CHECK:   memref.store %{{.*}}, %[[KT]]
// CHECK:   scf.forall (%{{.*}}) in (8) {
// CHECK:     memref.subview %[[Q]][0, 0] [16, 128]
// CHECK:     linalg.matmul
// CHECK:   } {mapping = [#gpu.warp<x>]}
module attributes {seq.precision = "bf16"} {
func.func @chunk_tiles_wide_keys(%q: tensor<?x?x128xf32>, %v: tensor<?x?x128xf32>) -> (tensor<?x?x128xf32>, tensor<?x1x128x128xf32>) {
  %o, %s = seq.gla_core %q, %q, %v, %q {heads = 1 : i64, scale = 0.125 : f64} : (tensor<?x?x128xf32>, tensor<?x?x128xf32>, tensor<?x?x128xf32>, tensor<?x?x128xf32>) -> (tensor<?x?x128xf32>, tensor<?x1x128x128xf32>)
  return %o, %s : tensor<?x?x128xf32>, tensor<?x1x128x128xf32>
}
}
