// RUN: seqc-opt %s --seq-lower-to-tensors --seq-lower-cpu-kernels --seq-lower-linear-to-gemm --canonicalize --split-input-file | FileCheck %s

// The chunked scan: (1) each chunk's transfer (Π a, and the state reached
// from zero) in parallel over chunks; (2) the carries into the chunks by a
// loop over chunks, ending in h_T; (3) every chunk again from its carry,
// in parallel, writing h. State in vector registers (32 lanes, the last
// block masked: 20 of 32).
// CHECK-LABEL: func.func @chunked
// CHECK: %[[N:.+]] = arith.ceildivui %{{.*}}, %c64
// CHECK: scf.parallel (%[[C1:.+]]) = (%c0) to (%[[N]])
// CHECK:   scf.for {{.*}} -> (vector<32xf32>, vector<32xf32>)
// CHECK:     arith.mulf
// CHECK:     vector.fma
// CHECK:   vector.maskedstore %[[P:.+]][%c0, %[[C1]], %c0]
// CHECK:   vector.maskedstore %[[S:.+]][%c0, %[[C1]], %c0]
// CHECK: scf.for %[[C2:.+]] = %c0 to %[[N]]
// CHECK:   vector.maskedstore %[[CARRY:.+]][%c0, %[[C2]], %c0]
// CHECK:   vector.fma
// CHECK: vector.maskedstore %[[FINAL:.+]][%c0, %c0]
// CHECK: scf.parallel (%[[C3:.+]]) = (%c0) to (%[[N]])
// CHECK:   vector.maskedload %[[CARRY]][%c0, %[[C3]], %c0]
// CHECK:   scf.for
// CHECK:     vector.fma
// CHECK:     vector.maskedstore
func.func @chunked(%a: tensor<1x?x20xf32>, %b: tensor<1x?x20xf32>) -> (tensor<1x?x20xf32>, tensor<1x20xf32>) {
  %h, %hT = seq.linear_recurrence %a, %b {seq.scan = #seq.scan<method = chunked, chunk = 64>} : (tensor<1x?x20xf32>, tensor<1x?x20xf32>) -> (tensor<1x?x20xf32>, tensor<1x20xf32>)
  return %h, %hT : tensor<1x?x20xf32>, tensor<1x20xf32>
}

// -----

// The sequential form: one parallel loop over (batch, lane blocks) around
// the loop over time; full blocks unmasked.
// CHECK-LABEL: func.func @sequential
// CHECK: scf.parallel (%{{.*}}, %{{.*}}) = (%c0, %c0) to (%c3, %c2)
// CHECK:   scf.if
// CHECK:     scf.for
// CHECK:       vector.load
// CHECK:       vector.fma
// CHECK:       vector.store
// CHECK-NOT: scf.parallel
func.func @sequential(%a: tensor<3x?x64xf32>, %b: tensor<3x?x64xf32>, %h0: tensor<3x64xf32>) -> tensor<3x?x64xf32> {
  %h, %hT = seq.linear_recurrence %a, %b init(%h0) {seq.scan = #seq.scan<method = sequential>} : (tensor<3x?x64xf32>, tensor<3x?x64xf32>, tensor<3x64xf32>) -> (tensor<3x?x64xf32>, tensor<3x64xf32>)
  return %h : tensor<3x?x64xf32>
}

// -----

// para_gru solved by Newton: the first iterate f(0, x_t) for all steps in
// parallel; then a while loop whose condition linearizes the cell around
// the iterate (Jacobian and right-hand side of the linear step, the
// residual reduced per block) and continues while the residual is above
// the tolerance (or NaN: `ugt`) and under the cap; its body is the scan.
// Hitting the cap is an error (the status word).
// CHECK-LABEL: func.func @newton
// CHECK: scf.parallel
// CHECK:   math.tanh
// CHECK: scf.while
// CHECK:   scf.parallel
// CHECK:     vector.reduction <maximumf>
// CHECK:   arith.cmpf ugt
// CHECK:   arith.cmpi ult
// CHECK:   scf.condition
// CHECK: } do {
// CHECK:   scf.parallel
// CHECK:   scf.for
// CHECK:   scf.parallel
// CHECK: arith.cmpf ugt
// CHECK: scf.if
// CHECK:   memref.get_global @seqc_status
func.func @newton(%x: tensor<1x?x4xf32>, %w: tensor<8x4xf32>, %v: tensor<8xf32>) -> tensor<1x?x8xf32> {
  %y, %h = seq.para_gru %x weights(%w, %w, %w, %v, %v, %v, %v, %v, %v) {hidden = 8 : i64, solver = #seq<solver_request newton>, seq.scan = #seq.scan<method = chunked, chunk = 16>, seq.solver = #seq.solver<method = newton, max_iterations = 5, tolerance = 2.0e-06 : f64>} : (tensor<1x?x4xf32>, tensor<8x4xf32>, tensor<8x4xf32>, tensor<8x4xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) -> (tensor<1x?x8xf32>, tensor<1x8xf32>)
  return %y : tensor<1x?x8xf32>
}

// -----

// para_lstm by Newton: the linear steps are 2×2 blocks over (h, c) (four
// Jacobian entries, 16 lanes); when the compiler chose Newton, the cap
// leads to the sequential solve instead of an error.
// CHECK-LABEL: func.func @newton_lstm
// CHECK: scf.while
// CHECK: } do {
// CHECK:   scf.for {{.*}} -> (vector<16xf32>, vector<16xf32>)
// CHECK-NOT: @seqc_status
// CHECK: scf.if
// CHECK:   scf.for {{.*}} -> (vector<16xf32>, vector<16xf32>)
// CHECK:     math.tanh
// CHECK: } else {
func.func @newton_lstm(%x: tensor<1x?x4xf32>, %w: tensor<8x4xf32>, %v: tensor<8xf32>) -> tensor<1x?x8xf32> {
  %y, %h, %c = seq.para_lstm %x weights(%w, %w, %w, %v, %v, %v, %v, %v, %v, %v, %v) {hidden = 8 : i64, solver = #seq<solver_request auto>, seq.solver = #seq.solver<method = newton, max_iterations = 32, tolerance = 2.0e-06 : f64, on_cap = sequential>} : (tensor<1x?x4xf32>, tensor<8x4xf32>, tensor<8x4xf32>, tensor<8x4xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) -> (tensor<1x?x8xf32>, tensor<1x8xf32>, tensor<1x8xf32>)
  return %y : tensor<1x?x8xf32>
}
