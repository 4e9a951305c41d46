// RUN: seqc-opt %s --seq-lower-to-tensors --seq-lower-cpu-kernels --seq-lower-linear-to-gemm --split-input-file | FileCheck %s --enable-var-scope

// A linear layer is the packed GEMM kernel (Gemm.h): W [4, 8] packed into
// one zero-padded panel [1, 8, 32]; a parallel loop over (chunks of 64
// rows, panels); per slice of up to 256 steps of k, blocks of 8 rows keep
// 16 accumulators (8 rows × 2 vectors of 16, from the bias) across the
// loop over k, unrolled by 4 (then a remainder loop): per step two panel
// loads and 16 broadcast FMAs; masked stores of the 4 valid columns.
// CHECK-LABEL: func.func @linear
// CHECK-NOT: seq.linear
// CHECK: %[[PACKED:.*]] = linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "parallel"]{{.*}}outs(%{{.*}} : tensor<1x8x32xf32>)
// CHECK:   tensor.extract
// CHECK:   arith.select
// CHECK: %[[PANELS:.*]] = bufferization.to_buffer %[[PACKED]]
// CHECK: scf.parallel
// CHECK-COUNT-2: vector.maskedload {{.*}} : memref<4xf32>
// CHECK:   scf.for
// CHECK:     scf.for {{.*}} -> ({{(vector<16xf32>, ){15}vector<16xf32>}})
// CHECK-COUNT-2: vector.load %[[PANELS]]
// CHECK-COUNT-64: vector.fma
// CHECK:     scf.for {{.*}} -> ({{(vector<16xf32>, ){15}vector<16xf32>}})
// CHECK-COUNT-16: vector.fma
// CHECK:     vector.maskedstore
func.func @linear(%x: tensor<?x?x8xf32>, %w: tensor<4x8xf32>, %b: tensor<4xf32>) -> tensor<?x?x4xf32> {
  %y = seq.linear %x weights(%w, %b) {out = 4 : i64, bias = true} : (tensor<?x?x8xf32>, tensor<4x8xf32>, tensor<4xf32>) -> tensor<?x?x4xf32>
  return %y : tensor<?x?x4xf32>
}

// -----

// Without seq-select-scan's choice: the sequential form (see scan.mlir).
// CHECK-LABEL: func.func @linear_recurrence
// CHECK: scf.parallel
// CHECK:   scf.for
// CHECK:     vector.fma
// CHECK-NOT: scf.parallel
func.func @linear_recurrence(%a: tensor<2x?x5xf32>, %b: tensor<2x?x5xf32>) -> (tensor<2x?x5xf32>, tensor<2x5xf32>) {
  %h, %hT = seq.linear_recurrence %a, %b : (tensor<2x?x5xf32>, tensor<2x?x5xf32>) -> (tensor<2x?x5xf32>, tensor<2x5xf32>)
  return %h, %hT : tensor<2x?x5xf32>, tensor<2x5xf32>
}

// -----

// causal_conv1d: x padded in front with K − 1 = 2 zero steps, wᵀ [K, D];
// then one elementwise op (no reduction loop, no index arithmetic) reads
// the K views of the padded x shifted by 0, 1, 2 steps and the K rows of wᵀ:
// y = b + Σ_i wᵀ[i] ⊙ padded[:, i : i + T].
// CHECK-LABEL: func.func @causal_conv1d
// CHECK: %[[WT:.+]] = linalg.transpose ins(%{{.+}} : tensor<4x3xf32>) outs(%{{.+}} : tensor<3x4xf32>) permutation = [1, 0]
// CHECK: %[[ZEROS:.+]] = linalg.fill
// CHECK: %[[PADDED:.+]] = tensor.insert_slice %{{.+}} into %[[ZEROS]][0, 2, 0]
// CHECK-DAG: %[[X0:.+]] = tensor.extract_slice %[[PADDED]][0, 0, 0]
// CHECK-DAG: %[[X1:.+]] = tensor.extract_slice %[[PADDED]][0, 1, 0]
// CHECK-DAG: %[[X2:.+]] = tensor.extract_slice %[[PADDED]][0, 2, 0]
// CHECK-DAG: %[[W0:.+]] = tensor.extract_slice %[[WT]][0, 0] [1, 4]
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "parallel"]{{.*}} ins(%{{.+}}, %[[X0]], %[[X1]], %[[X2]], %[[W0]],
// CHECK-NOT: linalg.index
// CHECK-COUNT-3: arith.mulf
// CHECK: linalg.yield
func.func @causal_conv1d(%x: tensor<?x?x4xf32>, %w: tensor<4x3xf32>, %b: tensor<4xf32>) -> tensor<?x?x4xf32> {
  %y = seq.causal_conv1d %x weights(%w, %b) {kernel = 3 : i64, activation = #seq<conv_activation none>} : (tensor<?x?x4xf32>, tensor<4x3xf32>, tensor<4xf32>) -> tensor<?x?x4xf32>
  return %y : tensor<?x?x4xf32>
}

// -----

// A model weight is packed once per module: its panels live in a module
// global, refilled only when the weights' address differs from the one
// they were packed from (first run, or other weights); f16 weights are
// widened while packing.
// CHECK-DAG: memref.global "private" @seqc_packed.l.weight : memref<2x8x32xf32> = uninitialized {alignment = 64 : i64}
// CHECK-DAG: memref.global "private" @seqc_packed.l.weight.src : memref<i64> = dense<0>
// CHECK-DAG: memref.global "private" @seqc_packed.h.weight : memref<1x40x32xf32>
// CHECK-LABEL: func.func @weight_panels
// CHECK: %[[PANELS:.*]] = memref.get_global @seqc_packed.l.weight :
// CHECK: %[[SRC:.*]] = memref.get_global @seqc_packed.l.weight.src
// CHECK: memref.extract_aligned_pointer_as_index
// CHECK: %[[STALE:.*]] = arith.cmpi ne
// CHECK: scf.if %[[STALE]] {
// CHECK:   scf.parallel
// CHECK:     memref.store {{.*}}, %[[PANELS]]
// CHECK:   memref.store {{.*}}, %[[SRC]][]
// CHECK: }
// CHECK-NOT: linalg.generic
// CHECK: scf.parallel
// CHECK:   vector.load %[[PANELS]]
// CHECK: scf.if
// CHECK:   arith.extf {{.*}} : f16 to f32
func.func @weight_panels(%x: tensor<?x8xf32>, %y: tensor<?x40xf32>) -> (tensor<?x40xf32>, tensor<?x3xf32>) {
  %w = seq.weight "l.weight" : tensor<40x8xf32>
  %a = seq.linear %x weights(%w) {out = 40 : i64, bias = false} : (tensor<?x8xf32>, tensor<40x8xf32>) -> tensor<?x40xf32>
  %h = seq.weight "h.weight" : tensor<3x40xf16>
  %hw = arith.extf %h : tensor<3x40xf16> to tensor<3x40xf32>
  %b = seq.linear %y weights(%hw) {out = 3 : i64, bias = false} : (tensor<?x40xf32>, tensor<3x40xf32>) -> tensor<?x3xf32>
  return %a, %b : tensor<?x40xf32>, tensor<?x3xf32>
}

// -----

// Views of model weights are packed once too: PGN's window weight with
// its last two dims swapped and flattened, and the two column blocks of
// its gate; GAM's memory as it is and transposed.
// CHECK-DAG: memref.global "private" @seqc_packed.p.hie.weight.swapflat : memref<1x8x32xf32>
// CHECK-DAG: memref.global "private" @seqc_packed.p.gate.weight.at0_0 : memref<1x4x32xf32>
// CHECK-DAG: memref.global "private" @seqc_packed.p.gate.weight.at0_4 : memref<1x3x32xf32>
// CHECK-DAG: memref.global "private" @seqc_packed.g.memory : memref<1x4x32xf32>
// CHECK-DAG: memref.global "private" @seqc_packed.g.memory.T : memref<1x5x32xf32>
// CHECK-LABEL: func.func @weight_views
func.func @weight_views(%x: tensor<?x?x4xf32>) -> (tensor<?x?x3xf32>, tensor<?x?x4xf32>) {
  %hw = seq.weight "p.hie.weight" : tensor<3x4x2xf32>
  %hb = seq.weight "p.hie.bias" : tensor<3xf32>
  %gw = seq.weight "p.gate.weight" : tensor<6x7xf32>
  %gb = seq.weight "p.gate.bias" : tensor<6xf32>
  %y = seq.pgn %x weights(%hw, %hb, %gw, %gb) {hidden = 3 : i64, window = 2 : i64} : (tensor<?x?x4xf32>, tensor<3x4x2xf32>, tensor<3xf32>, tensor<6x7xf32>, tensor<6xf32>) -> tensor<?x?x3xf32>
  %cw = seq.weight "g.conv.weight" : tensor<4x3xf32>
  %cb = seq.weight "g.conv.bias" : tensor<4xf32>
  %m = seq.weight "g.memory" : tensor<5x4xf32>
  %qw = seq.weight "g.gate.weight" : tensor<8x4xf32>
  %qb = seq.weight "g.gate.bias" : tensor<8xf32>
  %z = seq.gam %x weights(%cw, %cb, %m, %qw, %qb) {slots = 5 : i64, kernel = 3 : i64} : (tensor<?x?x4xf32>, tensor<4x3xf32>, tensor<4xf32>, tensor<5x4xf32>, tensor<8x4xf32>, tensor<8xf32>) -> tensor<?x?x4xf32>
  return %y, %z : tensor<?x?x3xf32>, tensor<?x?x4xf32>
}

// -----

// The run-time checks of both lowerings share one table: the CPU pass
// numbers its messages on from the common lowering's (codes 1, 2, then 3, 4).
// CHECK: module attributes {seq.check_messages = ["node 'seq.add': operand sizes differ along dim 0", "node 'seq.add': operand sizes differ along dim 1", "node 'seq.linear_recurrence': sizes of a and b differ along dim 0", "node 'seq.linear_recurrence': sizes of a and b differ along dim 1"]}
// CHECK-LABEL: func.func @checks_of_both
// CHECK: arith.constant 1 : i32
// CHECK: arith.constant 2 : i32
// CHECK: arith.constant 3 : i32
// CHECK: arith.constant 4 : i32
func.func @checks_of_both(%x: tensor<?x?x4xf32>, %y: tensor<?x?x4xf32>) -> tensor<?x?x4xf32> {
  %s = seq.add %x, %y : (tensor<?x?x4xf32>, tensor<?x?x4xf32>) -> tensor<?x?x4xf32>
  %h, %hT = seq.linear_recurrence %s, %y : (tensor<?x?x4xf32>, tensor<?x?x4xf32>) -> (tensor<?x?x4xf32>, tensor<?x4xf32>)
  return %h : tensor<?x?x4xf32>
}
