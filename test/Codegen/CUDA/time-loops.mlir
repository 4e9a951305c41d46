// RUN: seqc-opt %s --seq-set-target=target=cuda --seq-lower-to-tensors --seq-lower-cuda-kernels --split-input-file | FileCheck %s --enable-var-scope
// RUN: seqc-opt %s --seq-set-target=target=cuda --seq-lower-to-tensors --seq-lower-cuda-kernels=kernels=false --split-input-file | FileCheck %s --check-prefix=BODY
// RUN: seqc-opt %s --seq-set-target=target=cuda --seqc-cuda-distribution-pipeline --split-input-file | FileCheck %s --check-prefix=DIST

// CUDA's kernels for the time loops (lib/Codegen/CUDA/Kernels/TimeLoops.cpp):
// one parallel loop over the lanes (batch, channel), each lane carrying its
// state in scalars through the whole time loop, one load of each input and
// one store of each output per step. The common body (kernels=false)
// steps every lane once per step instead: a host loop over time around
// an elementwise op per step. Distributed, the kernel is one grid whose
// threads each run the time loop; nothing is left on the host between
// steps.
// CHECK-LABEL: func.func @lif
// CHECK-SAME:    %[[X:[^:]+]]: tensor<?x?x20xf32>
// CHECK: %[[XB:.*]] = bufferization.to_buffer %[[X]]
// CHECK: scf.parallel (%[[B:.*]], %[[C:.*]]) = (%{{.*}}, %{{.*}}) to (%{{.*}}, %c20)
// CHECK:   %[[V:.*]] = scf.for %[[T:.*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%{{.*}} = %{{.*}}) -> (f32) {
// CHECK:     %[[XT:.*]] = memref.load %[[XB]][%[[B]], %[[T]], %[[C]]]
// CHECK:     arith.subf %[[XT]], %{{.*}}
// CHECK:     arith.cmpf oge
// CHECK:     memref.store %{{.*}}, %{{.*}}[%[[B]], %[[T]], %[[C]]]
// CHECK:     scf.yield %{{.*}} : f32
// CHECK:   memref.store %[[V]], %{{.*}}[%[[B]], %[[C]]]
// CHECK-NOT: linalg.generic
// BODY-LABEL: func.func @lif
// BODY: scf.for %{{.*}} iter_args(%{{.*}} = %{{.*}}, %{{.*}} = %{{.*}}) -> (tensor<?x20xf32>, tensor<?x?x20xf32>)
// BODY:   linalg.generic
// DIST-LABEL: func.func @lif
// DIST-NOT: scf.for %
// DIST: scf.forall (%{{.*}}) in (%{{.*}}) {
// DIST-NEXT: scf.forall (%{{.*}}) in (256) {
// DIST: scf.if
// DIST: scf.for %{{.*}} iter_args(%{{.*}} = %{{.*}}) -> (f32)
// DIST: {mapping = [#gpu.thread<x>]}
// DIST-NEXT: {mapping = [#gpu.block<x>]}
// DIST-NEXT: return
func.func @lif(%x: tensor<?x?x20xf32>) -> (tensor<?x?x20xf32>, tensor<?x20xf32>) {
  %s, %v = seq.lif %x {tau = 2.0 : f64, v_threshold = 1.0 : f64, v_reset = 0.0 : f64, decay_input = true} : (tensor<?x?x20xf32>) -> (tensor<?x?x20xf32>, tensor<?x20xf32>)
  return %s, %v : tensor<?x?x20xf32>, tensor<?x20xf32>
}

// -----

// cuba_lif from v0 and i0 with a parameter per neuron: the parameter is
// loaded once per lane, before the time loop; both states start from
// their inputs and are carried (two f32), and both are stored after it.
// CHECK-LABEL: func.func @cuba_lif
// CHECK-SAME:    %[[V0:[^:]+]]: tensor<?x16xf32>, %[[I0:[^:]+]]: tensor<?x16xf32>, %[[LEAK:[^:]+]]: tensor<16xf32>
// CHECK-DAG: %[[V0B:.*]] = bufferization.to_buffer %[[V0]]
// CHECK-DAG: %[[I0B:.*]] = bufferization.to_buffer %[[I0]]
// CHECK-DAG: %[[LEAKB:.*]] = bufferization.to_buffer %[[LEAK]]
// CHECK: scf.parallel (%[[B:.*]], %[[C:.*]]) =
// CHECK:   %[[L:.*]] = memref.load %[[LEAKB]][%[[C]]]
// CHECK:   %[[VS:.*]] = memref.load %[[V0B]][%[[B]], %[[C]]]
// CHECK:   %[[IS:.*]] = memref.load %[[I0B]][%[[B]], %[[C]]]
// CHECK:   %[[LAST:.*]]:2 = scf.for {{.*}} iter_args(%{{.*}} = %[[VS]], %{{.*}} = %[[IS]]) -> (f32, f32) {
// CHECK:     arith.subf %[[L]], %{{.*}}
// CHECK:   memref.store %[[LAST]]#0
// CHECK:   memref.store %[[LAST]]#1
// DIST-LABEL: func.func @cuba_lif
// DIST-NOT: scf.for %
// DIST: scf.for %{{.*}} iter_args(%{{.*}} = %{{.*}}, %{{.*}} = %{{.*}}) -> (f32, f32)
// DIST: {mapping = [#gpu.block<x>]}
// DIST-NEXT: return
func.func @cuba_lif(%x: tensor<?x?x16xf32>, %v0: tensor<?x16xf32>, %i0: tensor<?x16xf32>, %leak: tensor<16xf32>) -> (tensor<?x?x16xf32>, tensor<?x16xf32>, tensor<?x16xf32>) {
  %y, %v, %i = seq.cuba_lif %x v0(%v0) i0(%i0) weights(%leak) {tau_syn = 5.0 : f64, tau_mem = 10.0 : f64, r = 1.0 : f64, w_in = 1.0 : f64, v_leak = 0.0 : f64, v_threshold = 1.0 : f64, per_neuron = ["v_leak"]} : (tensor<?x?x16xf32>, tensor<?x16xf32>, tensor<?x16xf32>, tensor<16xf32>) -> (tensor<?x?x16xf32>, tensor<?x16xf32>, tensor<?x16xf32>)
  return %y, %v, %i : tensor<?x?x16xf32>, tensor<?x16xf32>, tensor<?x16xf32>
}

// -----

// PLIF: 1/τ = σ(w) computed in each lane from the 0-d weight.
// CHECK-LABEL: func.func @plif
// CHECK: scf.parallel
// CHECK:   memref.load %{{.*}}[] : memref<f32>
// CHECK:   math.exp
// CHECK:   scf.for
func.func @plif(%x: tensor<?x?x16xf32>, %w: tensor<f32>) -> (tensor<?x?x16xf32>, tensor<?x16xf32>) {
  %y, %v = seq.plif %x weights(%w) {v_threshold = 1.0 : f64, v_reset = 0.0 : f64, decay_input = true} : (tensor<?x?x16xf32>, tensor<f32>) -> (tensor<?x?x16xf32>, tensor<?x16xf32>)
  return %y, %v : tensor<?x?x16xf32>, tensor<?x16xf32>
}

// -----

// A linear used only by its neuron: on the GPU a product of its own (a
// contraction, for cuBLASLt or the tiles), then the neurons on it.
// CHECK-LABEL: func.func @linear_into_if
// CHECK: linalg.contract
// CHECK: bufferization.to_buffer
// CHECK: scf.parallel
// CHECK:   scf.for
// CHECK-NOT: seq.linear
// DIST-LABEL: func.func @linear_into_if
// DIST: {mapping = [#gpu.block<x>, #gpu.block<y>]}
// DIST: scf.for %{{.*}} iter_args(%{{.*}} = %{{.*}}) -> (f32)
func.func @linear_into_if(%x: tensor<?x?x12xf32>, %w: tensor<20x12xf32>, %b: tensor<20xf32>) -> tensor<?x?x20xf32> {
  %y = seq.linear %x weights(%w, %b) {out = 20 : i64, bias = true} : (tensor<?x?x12xf32>, tensor<20x12xf32>, tensor<20xf32>) -> tensor<?x?x20xf32>
  %s, %v = seq.if_neuron %y {v_threshold = 1.0 : f64} : (tensor<?x?x20xf32>) -> (tensor<?x?x20xf32>, tensor<?x20xf32>)
  return %s : tensor<?x?x20xf32>
}

// -----

// WKV: the running-max state (aa, bb, pp) in three scalars, from (0, 0,
// −1e38); w = −e^{decay} and u read once per lane.
// CHECK-LABEL: func.func @wkv
// CHECK: scf.parallel (%[[B:.*]], %[[C:.*]]) =
// CHECK:   memref.load %{{.*}}[%[[C]]]
// CHECK:   math.exp
// CHECK:   arith.negf
// CHECK:   scf.for {{.*}} iter_args(%{{.*}} = %{{.*}}, %{{.*}} = %{{.*}}, %{{.*}} = %{{.*}}) -> (f32, f32, f32) {
// CHECK:     arith.maximumf
// CHECK:     arith.divf
// CHECK:     memref.store
func.func @wkv(%k: tensor<?x?x16xf32>, %v: tensor<?x?x16xf32>, %decay: tensor<16xf32>, %first: tensor<16xf32>) -> tensor<?x?x16xf32> {
  %y = seq.wkv %k, %v weights(%decay, %first) : (tensor<?x?x16xf32>, tensor<?x?x16xf32>, tensor<16xf32>, tensor<16xf32>) -> tensor<?x?x16xf32>
  return %y : tensor<?x?x16xf32>
}

// -----

// A sequential linear_recurrence: h = a·h + b as an fma per step, from
// h0. A chunked one keeps the common body (its chunks are parallel).
// CHECK-LABEL: func.func @scan
// CHECK: scf.parallel
// CHECK:   memref.load
// CHECK:   scf.for {{.*}} -> (f32)
// CHECK:     math.fma
func.func @scan(%a: tensor<3x?x64xf32>, %b: tensor<3x?x64xf32>, %h0: tensor<3x64xf32>) -> (tensor<3x?x64xf32>, tensor<3x64xf32>) {
  %h, %hT = seq.linear_recurrence %a, %b init(%h0) {seq.scan = #seq.scan<method = sequential>} : (tensor<3x?x64xf32>, tensor<3x?x64xf32>, tensor<3x64xf32>) -> (tensor<3x?x64xf32>, tensor<3x64xf32>)
  return %h, %hT : tensor<3x?x64xf32>, tensor<3x64xf32>
}
// -----

// CHECK-LABEL: func.func @chunked_scan
// CHECK-NOT: scf.parallel
// CHECK: scf.forall
func.func @chunked_scan(%a: tensor<1x?x20xf32>, %b: tensor<1x?x20xf32>) -> (tensor<1x?x20xf32>, tensor<1x20xf32>) {
  %h, %hT = seq.linear_recurrence %a, %b {seq.scan = #seq.scan<method = chunked, chunk = 64>} : (tensor<1x?x20xf32>, tensor<1x?x20xf32>) -> (tensor<1x?x20xf32>, tensor<1x20xf32>)
  return %h, %hT : tensor<1x?x20xf32>, tensor<1x20xf32>
}
