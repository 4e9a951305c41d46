// RUN: seqc-opt %s --convert-scf-to-cf --convert-vector-to-llvm=enable-amx --seq-amx-block-arguments | FileCheck %s
// RUN: seqc-opt %s --convert-scf-to-cf --convert-vector-to-llvm=enable-amx --seq-amx-block-arguments --finalize-memref-to-llvm --convert-arith-to-llvm --convert-index-to-llvm --convert-func-to-llvm --convert-cf-to-llvm --reconcile-unrealized-casts | FileCheck %s --check-prefix=LLVM
// RUN: not seqc-opt %s --convert-scf-to-cf --convert-vector-to-llvm=enable-amx --finalize-memref-to-llvm --convert-arith-to-llvm --convert-index-to-llvm --convert-func-to-llvm --convert-cf-to-llvm --reconcile-unrealized-casts 2>&1 | FileCheck %s --check-prefix=WITHOUT

// Accumulator tiles carried over a loop (the bf16 GEMM's AMX kernel):
// after the amx ops became intrinsics, the loop's block argument is an
// LLVM tile, the branches pass the intrinsics' LLVM tiles, and the module
// reaches the LLVM dialect; without the pass the block argument keeps a
// type no conversion to LLVM knows.
// CHECK-LABEL: func.func @carried
// CHECK: %[[ZERO:.+]] = llvm.call_intrinsic "llvm.x86.tilezero.internal"
// CHECK: cf.br ^[[LOOP:bb[0-9]+]](%{{.+}}, %[[ZERO]] : index, !llvm.x86_amx)
// CHECK: ^[[LOOP]](%{{.+}}: index, %[[ACC:.+]]: !llvm.x86_amx):
// CHECK: ^bb{{[0-9]+}}:
// CHECK: %[[NEXT:.+]] = llvm.call_intrinsic "llvm.x86.tdpbf16ps.internal"({{.*}}, %[[ACC]], {{.*}})
// CHECK: cf.br ^[[LOOP]](%{{.+}}, %[[NEXT]] : index, !llvm.x86_amx)
// CHECK: llvm.call_intrinsic "llvm.x86.tilestored64.internal"({{.*}}, %[[ACC]])
// CHECK-NOT: !amx.tile
// LLVM: llvm.func @carried
// LLVM-NOT: unrealized_conversion_cast
// LLVM-NOT: !amx.tile
// WITHOUT: failed to legalize
func.func @carried(%a: memref<16x32xbf16>, %b: memref<16x32xbf16>, %c: memref<16x16xf32>, %n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %zero = amx.tile_zero : !amx.tile<16x16xf32>
  %acc = scf.for %i = %c0 to %n step %c1 iter_args(%t = %zero) -> (!amx.tile<16x16xf32>) {
    %ta = amx.tile_load %a[%c0, %c0] : memref<16x32xbf16> into !amx.tile<16x32xbf16>
    %tb = amx.tile_load %b[%c0, %c0] : memref<16x32xbf16> into !amx.tile<16x32xbf16>
    %u = amx.tile_mulf %ta, %tb, %t : !amx.tile<16x32xbf16>, !amx.tile<16x32xbf16>, !amx.tile<16x16xf32>
    scf.yield %u : !amx.tile<16x16xf32>
  }
  amx.tile_store %c[%c0, %c0], %acc : memref<16x16xf32>, !amx.tile<16x16xf32>
  return
}
