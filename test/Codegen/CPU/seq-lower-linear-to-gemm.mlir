// RUN: seqc-opt %s --seq-lower-linear-to-gemm --split-input-file | FileCheck %s --enable-var-scope

// A linear contraction in a loop whose W comes from outside: W is packed
// once, before the outermost such loop; each step runs the GEMM on the
// packed panels, its accumulators loaded from the broadcast bias.
#x = affine_map<(d0, d1, d2) -> (d0, d2)>
#w = affine_map<(d0, d1, d2) -> (d1, d2)>
#y = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-LABEL: func.func @in_loop
// CHECK: %[[PACKED:.+]] = linalg.generic {{.*}}outs(%{{.*}} : tensor<1x4x32xf32>)
// CHECK: scf.for
// CHECK:   scf.for
// CHECK-NOT: tensor<1x4x32xf32>
// CHECK:     bufferization.to_buffer %[[PACKED]]
// CHECK:     scf.parallel
// CHECK:       vector.maskedload {{.*}} : memref<8xf32>
// CHECK:       vector.fma
// CHECK-NOT: linalg.contract
// CHECK-NOT: linalg.broadcast
func.func @in_loop(%h0: tensor<2x4xf32>, %w: tensor<8x4xf32>, %b: tensor<8xf32>, %n: index) -> tensor<2x4xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %r = scf.for %i = %c0 to %n step %c1 iter_args(%h = %h0) -> tensor<2x4xf32> {
    %r2 = scf.for %j = %c0 to %n step %c1 iter_args(%g = %h) -> tensor<2x4xf32> {
      %e = tensor.empty() : tensor<2x8xf32>
      %init = linalg.broadcast ins(%b : tensor<8xf32>) outs(%e : tensor<2x8xf32>) dimensions = [0]
      %y = linalg.contract indexing_maps = [#x, #w, #y] ins(%g, %w : tensor<2x4xf32>, tensor<8x4xf32>) outs(%init : tensor<2x8xf32>) -> tensor<2x8xf32>
      %s = tensor.extract_slice %y[0, 0] [2, 4] [1, 1] : tensor<2x8xf32> to tensor<2x4xf32>
      scf.yield %s : tensor<2x4xf32>
    }
    scf.yield %r2 : tensor<2x4xf32>
  }
  return %r : tensor<2x4xf32>
}

// -----

// An init that is neither a broadcast bias nor zeros is added after the
// product; a contraction of another form is left alone.
#x = affine_map<(d0, d1, d2) -> (d0, d2)>
#w = affine_map<(d0, d1, d2) -> (d1, d2)>
#y = affine_map<(d0, d1, d2) -> (d0, d1)>
#wkn = affine_map<(d0, d1, d2) -> (d2, d1)>
// CHECK-LABEL: func.func @other_inits
// CHECK-SAME: %[[INIT:[a-z0-9]+]]: tensor<3x8xf32>
// CHECK: scf.parallel
// CHECK: %[[PROD:.+]] = bufferization.to_tensor
// CHECK: linalg.generic {{.*}}ins(%[[PROD]], %[[INIT]] :
// CHECK:   arith.addf
// CHECK: linalg.contract indexing_maps = [#{{.+}}, #{{.+}}, #{{.+}}] ins(%{{.+}}, %{{.+}} : tensor<3x4xf32>, tensor<4x8xf32>)
func.func @other_inits(%x: tensor<3x4xf32>, %w: tensor<8x4xf32>, %init: tensor<3x8xf32>, %wt: tensor<4x8xf32>) -> (tensor<3x8xf32>, tensor<3x8xf32>) {
  %y = linalg.contract indexing_maps = [#x, #w, #y] ins(%x, %w : tensor<3x4xf32>, tensor<8x4xf32>) outs(%init : tensor<3x8xf32>) -> tensor<3x8xf32>
  %z = linalg.contract indexing_maps = [#x, #wkn, #y] ins(%x, %wt : tensor<3x4xf32>, tensor<4x8xf32>) outs(%init : tensor<3x8xf32>) -> tensor<3x8xf32>
  return %y, %z : tensor<3x8xf32>, tensor<3x8xf32>
}
