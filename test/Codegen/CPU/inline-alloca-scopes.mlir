// RUN: seqc-opt %s --seq-inline-alloca-scopes | FileCheck %s

// A scope whose only "allocation" is a call is inlined (its results are
// the returned values); one with a memref.alloca of its own stays.
// CHECK-LABEL: func.func @scopes
// CHECK-NOT: memref.alloca_scope {
// CHECK: %[[V:.+]] = call @helper()
// CHECK: memref.alloca_scope
// CHECK:   memref.alloca()
// CHECK: return %[[V]]
func.func private @helper() -> f32
func.func @scopes() -> f32 {
  %v = memref.alloca_scope -> f32 {
    %x = func.call @helper() : () -> f32
    memref.alloca_scope.return %x : f32
  }
  memref.alloca_scope {
    %m = memref.alloca() : memref<4xf32>
  }
  return %v : f32
}
