// --precision=bf16 (SPEC §5): with the module's seq.precision = "bf16" the
// linear products read bf16 on whichever the #seq.target has: AMX tiles
// (bf16_tiles), vdpbf16ps (bf16_dot), or neither (the f32 kernel).
// RUN: seqc-opt %s --seq-lower-linear-to-gemm --split-input-file | FileCheck %s --enable-var-scope
// RUN: seqc-opt %s --seq-lower-linear-to-gemm=bf16-kernel=dot --split-input-file --verify-diagnostics | FileCheck %s --check-prefix=DOT
// RUN: not seqc-opt %s --seq-lower-linear-to-gemm=bf16-kernel=amx --split-input-file 2>&1 | FileCheck %s --check-prefix=BADKERNEL

// A model weight (W [40, 70]) packed once into a global of bf16 panels:
// 2 panels of 32 columns, 35 pairs of k rounded up to 48 (whole tiles of
// 16 pairs), 64 bf16 per step (each column's pair side by side), each
// lane rounded from the weight (zero past column 40 and step 70). x is
// rounded to rows of bf16 (padded to blocks of 32 rows, 96 wide) by
// vector; the product runs on AMX tiles: the panel's bias loaded once for
// its blocks, 16x32 bf16 loads of x and of the panels, four 16x16 f32
// accumulators carried over the steps, stored to a staging block, then y's
// rows with the bias.
// CHECK-LABEL: module attributes
// CHECK: memref.global "private" @seqc_packed.l.weight.bf16tiles : memref<2x48x64xbf16>
// CHECK-LABEL: func.func @tiles
// CHECK: memref.get_global @seqc_packed.l.weight.bf16tiles
// CHECK: scf.if
// CHECK:   arith.divui
// CHECK:   arith.remui
// CHECK:   memref.load {{.*}} : memref<40x70xf32>
// CHECK:   arith.truncf {{.*}} : f32 to bf16
// CHECK:   memref.store {{.*}} : memref<2x48x64xbf16>
// CHECK: memref.alloc({{.*}}) : memref<?x96xbf16>
// CHECK: vector.maskedload {{.*}} into vector<32xf32>
// CHECK: arith.truncf {{.*}} : vector<32xf32> to vector<32xbf16>
// CHECK: vector.maskedstore {{.*}} : memref<?x96xbf16>, vector<32xi1>, vector<32xbf16>
// CHECK: %[[STAGING:.+]] = memref.alloc({{.*}}) : memref<?x32x32xf32>
// CHECK: scf.parallel
// CHECK:   vector.maskedload {{.*}} : memref<40xf32>
// CHECK:   amx.tile_zero : !amx.tile<16x16xf32>
// CHECK:   scf.for {{.*}} iter_args({{.*}}) -> (!amx.tile<16x16xf32>, !amx.tile<16x16xf32>, !amx.tile<16x16xf32>, !amx.tile<16x16xf32>)
// CHECK:     amx.tile_load {{.*}} : memref<?x96xbf16> into !amx.tile<16x32xbf16>
// CHECK:     amx.tile_load {{.*}} : memref<2x48x64xbf16> into !amx.tile<16x32xbf16>
// CHECK-COUNT-4: amx.tile_mulf
// CHECK:   amx.tile_store %[[STAGING]]
// CHECK:   vector.maskedstore
// CHECK-NOT: vector.fma
// CHECK-NOT: linalg.contract
//
// Forced to vdpbf16ps: panels without the tiles' padding (35 steps), the
// register block of dot products on x's broadcast pairs.
// DOT: memref.global "private" @seqc_packed.l.weight.bf16 : memref<2x35x64xbf16>
// DOT-LABEL: func.func @tiles
// DOT: memref.alloc({{.*}}) : memref<?x70xbf16>
// DOT: scf.parallel
// DOT:   vector.load {{.*}} : memref<2x35x64xbf16>, vector<32xbf16>
// DOT:   vector.load {{.*}} : memref<?x70xbf16>, vector<2xbf16>
// DOT:   vector.bitcast {{.*}} : vector<2xbf16> to vector<1xi32>
// DOT:   vector.broadcast {{.*}} : vector<1xi32> to vector<16xi32>
// DOT:   x86vector.avx512.dot {{.*}} : vector<32xbf16> -> vector<16xf32>
// DOT-NOT: amx.
// BADKERNEL: bf16-kernel is auto, tiles or dot, not 'amx'
#x = affine_map<(d0, d1, d2) -> (d0, d2)>
#w = affine_map<(d0, d1, d2) -> (d1, d2)>
#y = affine_map<(d0, d1, d2) -> (d0, d1)>
module attributes {seq.precision = "bf16", seq.target = #seq.target<kind = cpu, threads = 2, vector_bits = 512, vector_registers = 32, bf16_dot = true, bf16_tiles = true>} {
  func.func @tiles(%x: tensor<?x70xf32>) -> tensor<?x40xf32> {
    %c0 = arith.constant 0 : index
    %m = tensor.dim %x, %c0 : tensor<?x70xf32>
    %w = seq.weight "l.weight" : tensor<40x70xf32>
    %b = seq.weight "l.bias" : tensor<40xf32>
    %e = tensor.empty(%m) : tensor<?x40xf32>
    %init = linalg.broadcast ins(%b : tensor<40xf32>) outs(%e : tensor<?x40xf32>) dimensions = [0]
    %y = linalg.contract indexing_maps = [#x, #w, #y] ins(%x, %w : tensor<?x70xf32>, tensor<40x70xf32>) outs(%init : tensor<?x40xf32>) -> tensor<?x40xf32>
    return %y : tensor<?x40xf32>
  }
}

// -----

// A W computed in the function is packed where it is, into a bf16 tensor
// of the same layout; on a target with only vdpbf16ps the product uses it.
// CHECK-LABEL: func.func @dot_only
// CHECK: linalg.generic {{.*}}outs(%{{.*}} : tensor<1x4x64xbf16>)
// CHECK:   arith.truncf {{.*}} : f32 to bf16
// CHECK: x86vector.avx512.dot
// CHECK-NOT: amx.
// CHECK-NOT: vector.fma
// BADKERNEL: bf16-kernel is auto, tiles or dot, not 'amx'
#x = affine_map<(d0, d1, d2) -> (d0, d2)>
#w = affine_map<(d0, d1, d2) -> (d1, d2)>
#y = affine_map<(d0, d1, d2) -> (d0, d1)>
module attributes {seq.precision = "bf16", seq.target = #seq.target<kind = cpu, threads = 2, vector_bits = 512, vector_registers = 32, bf16_dot = true>} {
  func.func @dot_only(%x: tensor<3x7xf32>, %w: tensor<5x7xf32>) -> tensor<3x5xf32> {
    %z = arith.constant 0.0 : f32
    %e = tensor.empty() : tensor<3x5xf32>
    %init = linalg.fill ins(%z : f32) outs(%e : tensor<3x5xf32>) -> tensor<3x5xf32>
    %y = linalg.contract indexing_maps = [#x, #w, #y] ins(%x, %w : tensor<3x7xf32>, tensor<5x7xf32>) outs(%init : tensor<3x5xf32>) -> tensor<3x5xf32>
    return %y : tensor<3x5xf32>
  }
}

// -----

// A target with neither keeps the f32 kernel (SPEC §5's fallback); asked
// for vdpbf16ps, it is an error.
// CHECK-LABEL: func.func @fallback
// CHECK: vector.fma
// CHECK-NOT: bf16
// BADKERNEL: bf16-kernel is auto, tiles or dot, not 'amx'
#x = affine_map<(d0, d1, d2) -> (d0, d2)>
#w = affine_map<(d0, d1, d2) -> (d1, d2)>
#y = affine_map<(d0, d1, d2) -> (d0, d1)>
// expected-error @+1 {{bf16-kernel=dot, which the target #seq.target<kind = cpu, threads = 2, vector_bits = 256, vector_registers = 16> lacks}}
module attributes {seq.precision = "bf16", seq.target = #seq.target<kind = cpu, threads = 2, vector_bits = 256, vector_registers = 16>} {
  func.func @fallback(%x: tensor<3x7xf32>, %w: tensor<5x7xf32>) -> tensor<3x5xf32> {
    %z = arith.constant 0.0 : f32
    %e = tensor.empty() : tensor<3x5xf32>
    %init = linalg.fill ins(%z : f32) outs(%e : tensor<3x5xf32>) -> tensor<3x5xf32>
    %y = linalg.contract indexing_maps = [#x, #w, #y] ins(%x, %w : tensor<3x7xf32>, tensor<5x7xf32>) outs(%init : tensor<3x5xf32>) -> tensor<3x5xf32>
    return %y : tensor<3x5xf32>
  }
}
