// RUN: seqc-opt %s --split-input-file --verify-diagnostics --seq-state-to-args | FileCheck %s --enable-var-scope

// Mutable globals become arguments of the model function after its inputs,
// the run-time status word last; constants stay globals. The module lists
// the instance state (not the status) with its types.
// CHECK-LABEL: module attributes
// CHECK-SAME: seq.state = [{seq.state = "seqc_packed.w", type = memref<2x4x32xf32>}, {seq.state = "seqc_packed.w.src", type = memref<i64>}]
// CHECK-SAME: seq.status_arg
// CHECK-NOT: memref.global "private" @seqc_packed
// CHECK-NOT: memref.global "private" @seqc_status
// CHECK: memref.global "private" constant @table
// CHECK: func.func @seqc_main(%[[X:.*]]: memref<4xf32>, %[[P:.*]]: memref<2x4x32xf32> {seq.state = "seqc_packed.w", seq.state_scope = "module"}, %[[SRC:.*]]: memref<i64> {seq.state = "seqc_packed.w.src", seq.state_scope = "module"}, %[[ST:.*]]: memref<i32> {seq.state = "seqc_status", seq.state_scope = "call"})
// CHECK: memref.load %[[SRC]][]
// CHECK: memref.store %{{.*}}, %[[P]]
// CHECK: memref.store %{{.*}}, %[[ST]][]
// CHECK: memref.get_global @table
memref.global "private" @seqc_status : memref<i32> = dense<0>
memref.global "private" @seqc_packed.w : memref<2x4x32xf32> = uninitialized
memref.global "private" @seqc_packed.w.src : memref<i64> = dense<0>
memref.global "private" constant @table : memref<4xf32> = dense<1.0>
func.func @seqc_main(%x: memref<4xf32>) {
  %c0 = arith.constant 0 : index
  %f = arith.constant 2.0 : f32
  %one = arith.constant 1 : i32
  %src = memref.get_global @seqc_packed.w.src : memref<i64>
  %s = memref.load %src[] : memref<i64>
  %p = memref.get_global @seqc_packed.w : memref<2x4x32xf32>
  memref.store %f, %p[%c0, %c0, %c0] : memref<2x4x32xf32>
  %st = memref.get_global @seqc_status : memref<i32>
  memref.store %one, %st[] : memref<i32>
  %t = memref.get_global @table : memref<4xf32>
  return
}

// -----

// State the runtime could not reproduce: it zeroes what it allocates.
// expected-error @+1 {{mutable global with a nonzero initial value}}
memref.global "private" @counter : memref<i64> = dense<7>
func.func @main() {
  %c = memref.get_global @counter : memref<i64>
  return
}

// -----

// State read by a helper function could not be passed to it.
// expected-error @+1 {{mutable global read outside the model function}}
memref.global "private" @seqc_packed.v : memref<4xf32> = uninitialized
func.func @main() {
  return
}
func.func private @helper() {
  %p = memref.get_global @seqc_packed.v : memref<4xf32>
  return
}
