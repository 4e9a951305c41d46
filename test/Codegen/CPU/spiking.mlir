// RUN: seqc-opt %s --seq-lower-to-tensors --seq-lower-cpu-kernels --seq-lower-linear-to-gemm --split-input-file | FileCheck %s --enable-var-scope

// A neuron keeps its potential in a vector register over the time loop:
// parallel over (batch, blocks of 128 neurons), sequential over time, one
// load of the input (prefetched a few steps ahead) and one store of the
// spikes per step. Full blocks use plain vector loads and stores; the last,
// partial block of a row is masked.
// CHECK-LABEL: func.func @lif
// CHECK: scf.parallel (%[[B:.*]], %[[N:.*]]) =
// CHECK:   scf.if %{{.*}} {
// CHECK:     %[[V:.*]] = scf.for %[[T:.*]] = {{.*}} iter_args(%{{.*}} = %{{.*}}) -> (vector<128xf32>)
// CHECK:       memref.prefetch
// CHECK:       vector.load %{{.*}}[%[[B]], %[[T]], %{{.*}}]
// CHECK:       arith.mulf
// CHECK:       arith.cmpf oge
// CHECK:       vector.store
// CHECK:       scf.yield
// CHECK:     vector.store %[[V]], %{{.*}}[%[[B]], %{{.*}}]
// CHECK:   } else {
// CHECK:     vector.create_mask
// CHECK:     scf.for
// CHECK:       vector.maskedload
// CHECK:       vector.maskedstore
// CHECK: bufferization.to_tensor
func.func @lif(%x: tensor<?x?x20xf32>) -> (tensor<?x?x20xf32>, tensor<?x20xf32>) {
  %s, %v = seq.lif %x {tau = 2.0 : f64, v_threshold = 1.0 : f64, v_reset = 0.0 : f64, decay_input = true} : (tensor<?x?x20xf32>) -> (tensor<?x?x20xf32>, tensor<?x20xf32>)
  return %s, %v : tensor<?x?x20xf32>, tensor<?x20xf32>
}

// -----

// From a given potential v0 (a stream continued): the register starts
// from v0's block instead of the reset value.
// CHECK-LABEL: func.func @lif_from_v0
// CHECK-SAME:    %[[X:[^:]+]]: tensor<?x?x20xf32>, %[[V0:[^:]+]]: tensor<?x20xf32>)
// CHECK: %[[V0B:.*]] = bufferization.to_buffer %[[V0]]
// CHECK: scf.parallel (%[[B:.*]], %[[N:.*]]) =
// CHECK:   scf.if %{{.*}} {
// CHECK:     %[[START:.*]] = vector.load %[[V0B]][%[[B]], %{{.*}}] : {{.*}}, vector<128xf32>
// CHECK:     scf.for %{{.*}} = {{.*}} iter_args(%{{.*}} = %[[START]]) -> (vector<128xf32>)
func.func @lif_from_v0(%x: tensor<?x?x20xf32>, %v0: tensor<?x20xf32>) -> (tensor<?x?x20xf32>, tensor<?x20xf32>) {
  %s, %v = seq.lif %x v0(%v0) {tau = 2.0 : f64, v_threshold = 1.0 : f64, v_reset = 0.0 : f64, decay_input = true} : (tensor<?x?x20xf32>, tensor<?x20xf32>) -> (tensor<?x?x20xf32>, tensor<?x20xf32>)
  return %s, %v : tensor<?x?x20xf32>, tensor<?x20xf32>
}

// -----

// A linear layer used only by a neuron is computed inside the neuron's
// loop nest: no contraction is materialized, the membrane input is a dot
// product over the transposed weight, step by step.
// CHECK-LABEL: func.func @linear_into_lif
// CHECK-NOT: vector<32xf32>
// CHECK: linalg.transpose
// CHECK: scf.parallel
// CHECK:   scf.for
// CHECK:     scf.for
// CHECK:       memref.load
// CHECK:       vector.fma
// CHECK:     arith.cmpf oge
// CHECK-NOT: seq.linear
func.func @linear_into_lif(%x: tensor<?x?x12xf32>, %w: tensor<20x12xf32>, %b: tensor<20xf32>) -> tensor<?x?x20xf32> {
  %y = seq.linear %x weights(%w, %b) {out = 20 : i64, bias = true} : (tensor<?x?x12xf32>, tensor<20x12xf32>, tensor<20xf32>) -> tensor<?x?x20xf32>
  %s, %v = seq.if_neuron %y {v_threshold = 1.0 : f64} : (tensor<?x?x20xf32>) -> (tensor<?x?x20xf32>, tensor<?x20xf32>)
  return %s : tensor<?x?x20xf32>
}

// -----

// cuba_lif carries the current and the potential in two registers; a
// parameter given per neuron is loaded once per lane block, before the
// time loop (a time constant as its inverse), and the final current is
// stored with the potential.
// CHECK-LABEL: func.func @cuba_lif_per_neuron
// CHECK-SAME:    %[[X:[^:]+]]: tensor<?x?x20xf32>, %[[TAU:[^:]+]]: tensor<20xf32>)
// CHECK: %[[TAUB:.*]] = bufferization.to_buffer %[[TAU]]
// CHECK: scf.parallel (%[[B:.*]], %[[N:.*]]) =
// CHECK:   scf.if %{{.*}} {
// CHECK:     %[[TV:.*]] = vector.load %[[TAUB]][%{{.*}}] : {{.*}}, vector<128xf32>
// CHECK:     arith.divf %{{.*}}, %[[TV]]
// CHECK:     %[[S:.*]]:2 = scf.for %{{.*}} iter_args({{.*}}) -> (vector<128xf32>, vector<128xf32>)
// CHECK:       vector.fma
// CHECK:       arith.cmpf oge
// CHECK:     vector.store %[[S]]#0
// CHECK:     vector.store %[[S]]#1
func.func @cuba_lif_per_neuron(%x: tensor<?x?x20xf32>, %tau: tensor<20xf32>) -> (tensor<?x?x20xf32>, tensor<?x20xf32>, tensor<?x20xf32>) {
  %s, %v, %i = seq.cuba_lif %x weights(%tau) {tau_syn = 2.0 : f64, tau_mem = 10.0 : f64, r = 1.0 : f64, w_in = 1.0 : f64, v_leak = 0.0 : f64, v_threshold = 1.0 : f64, v_reset = 0.0 : f64, per_neuron = ["tau_mem"]} : (tensor<?x?x20xf32>, tensor<20xf32>) -> (tensor<?x?x20xf32>, tensor<?x20xf32>, tensor<?x20xf32>)
  return %s, %v, %i : tensor<?x?x20xf32>, tensor<?x20xf32>, tensor<?x20xf32>
}

// -----

// WKV in the running-max form: three vectors of state per lane block.
// CHECK-LABEL: func.func @wkv
// CHECK: scf.parallel
// CHECK:   scf.for {{.*}} iter_args({{.*}}) -> (vector<32xf32>, vector<32xf32>, vector<32xf32>)
// CHECK:     arith.maximumf
// CHECK:     math.exp
// CHECK:     arith.divf
func.func @wkv(%k: tensor<?x?x16xf32>, %d: tensor<16xf32>, %u: tensor<16xf32>) -> tensor<?x?x16xf32> {
  %y = seq.wkv %k, %k weights(%d, %u) : (tensor<?x?x16xf32>, tensor<?x?x16xf32>, tensor<16xf32>, tensor<16xf32>) -> tensor<?x?x16xf32>
  return %y : tensor<?x?x16xf32>
}

// -----

// A linear layer on spikes measures the spike density at run time and,
// below the threshold, adds weight rows for the spikes present: no
// multiplies.
// CHECK-LABEL: func.func @spike_linear
// CHECK: %[[SPARSE:.*]] = arith.cmpf olt
// CHECK: scf.if %[[SPARSE]] -> (tensor<?x?x4xf32>) {
// CHECK:   linalg.transpose
// CHECK:   scf.parallel
// CHECK:     arith.cmpf une
// CHECK:     scf.if
// CHECK:       scf.for
// CHECK-NOT:     arith.mulf
// CHECK:         arith.addf
// CHECK: } else {
// CHECK:   vector.fma
func.func @spike_linear(%s: tensor<?x?x6xf32>, %w: tensor<4x6xf32>) -> tensor<?x?x4xf32> {
  %y = seq.linear %s weights(%w) {out = 4 : i64, bias = false, spike_input} : (tensor<?x?x6xf32>, tensor<4x6xf32>) -> tensor<?x?x4xf32>
  return %y : tensor<?x?x4xf32>
}
