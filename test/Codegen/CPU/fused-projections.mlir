// Operator fusion in the GLA layer: q, k, v, the output gate and the decay
// gate's first low-rank factor all read x, so they are one GEMM over their
// stacked weights, packed once into one module global (208 rows: 7 panels
// of 32). Three GEMMs remain in all: the fused one, the decay gate's
// second factor and o_proj. The elementwise chains fuse too: the decay
// gate's logsigmoid and normalizer into the loop of gla_core that reads
// it, and rms_norm ⊙ weight ⊙ swish gate into one loop over rows that
// reads the gate in place from the fused output.
// RUN: seqc-opt %s --seq-lower-to-tensors --seq-lower-cpu-kernels --seq-lower-linear-to-gemm | FileCheck %s

// CHECK-DAG: memref.global "private" @"seqc_packed.a.q_proj.weight+a.k_proj.weight+a.v_proj.weight+a.g_proj.weight+a.gk_proj.0.weight" : memref<7x64x32xf32>
// CHECK-DAG: memref.global "private" @seqc_packed.a.gk_proj.1.weight : memref<1x16x32xf32>
// CHECK-DAG: memref.global "private" @seqc_packed.a.o_proj.weight : memref<2x64x32xf32>
// CHECK-NOT: memref.global "private" @seqc_packed.a.q_proj.weight :
// CHECK-LABEL: func.func @gla
// CHECK:       %[[PANELS:.+]] = memref.get_global @"seqc_packed.a.q_proj.weight+{{.*}}" : memref<7x64x32xf32>
// Packing reads each row from the stacked weight that holds it.
// CHECK:       scf.if
// CHECK:         scf.parallel
// CHECK-COUNT-4:   arith.select
// CHECK:       %[[FUSED:.+]] = memref.alloc(%{{.+}}, %{{.+}}) : memref<?x?x208xf32>
// CHECK:       scf.parallel
// CHECK-COUNT-16: vector.fma {{.*}} : vector<16xf32>
// The decay gate's factor: columns 192..207 of the fused output, copied
// by an elementwise op (which runs in vectors).
// CHECK:       %[[LOW:.+]] = tensor.extract_slice %{{.+}}[0, 0, 192] [%{{.+}}, %{{.+}}, 16] [1, 1, 1] : tensor<?x?x208xf32> to tensor<?x?x16xf32>
// CHECK:       linalg.generic {{.*}} ins(%[[LOW]] : tensor<?x?x16xf32>)
// gla_core reads q, k, v in place, and applies logsigmoid / 16 to the gate
// where it reads it (here: the recurrent form's decays).
// CHECK:       math.log1p
// CHECK:       arith.divf
// CHECK:       math.exp
// The fused epilogue: one parallel loop over rows; per head (in pieces of
// 16 lanes) the mean square, rsqrt, the weight and silu of the gate read
// at column 128 + h·16.
// CHECK:       scf.parallel
// CHECK:         vector.reduction <add>
// CHECK:         math.rsqrt
// CHECK:         vector.maskedload %{{.+}}[%{{.+}}, %{{.+}}, %c128], %{{.+}}, %{{.+}} : memref<?x?x208xf32>
func.func @gla(%x: tensor<?x?x64xf32>) -> tensor<?x?x64xf32> {
  %wq = seq.weight "a.q_proj.weight" : tensor<32x64xf32>
  %wk = seq.weight "a.k_proj.weight" : tensor<32x64xf32>
  %wv = seq.weight "a.v_proj.weight" : tensor<64x64xf32>
  %wg = seq.weight "a.g_proj.weight" : tensor<64x64xf32>
  %w0 = seq.weight "a.gk_proj.0.weight" : tensor<16x64xf32>
  %w1 = seq.weight "a.gk_proj.1.weight" : tensor<32x16xf32>
  %b1 = seq.weight "a.gk_proj.1.bias" : tensor<32xf32>
  %wn = seq.weight "a.g_norm_swish_gate.weight" : tensor<16xf32>
  %wo = seq.weight "a.o_proj.weight" : tensor<64x64xf32>
  %y, %s = seq.gla %x weights(%wq, %wk, %wv, %wg, %w0, %w1, %b1, %wn, %wo) {heads = 4 : i64, key_dim = 32 : i64, value_dim = 64 : i64, gate_rank = 16 : i64, gate_norm = 16.0 : f64, eps = 1.0e-5 : f64} : (tensor<?x?x64xf32>, tensor<32x64xf32>, tensor<32x64xf32>, tensor<64x64xf32>, tensor<64x64xf32>, tensor<16x64xf32>, tensor<32x16xf32>, tensor<32xf32>, tensor<16xf32>, tensor<64x64xf32>) -> (tensor<?x?x64xf32>, tensor<?x4x8x16xf32>)
  return %y : tensor<?x?x64xf32>
}
