//===- CUDAKernels.h - The CUDA target's own kernels ------------*- C++ -*-===//
//
// The CUDA target's kernels for kernel calls of the common lowering whose
// target-independent body does not suit a GPU; every other call is
// computed by its body (seq-lower-cuda-kernels). Each is built at the
// builder's point, as memref loops between the call's tensors, and
// returns the values that replace the call's results; its parallel loops
// become the grid (seq-cuda-distribute), its projections products of their
// own (seq-cuda-tile-linear).
//
//===----------------------------------------------------------------------===//
#ifndef SEQC_LIB_CODEGEN_CUDA_KERNELS_CUDAKERNELS_H
#define SEQC_LIB_CODEGEN_CUDA_KERNELS_CUDAKERNELS_H

#include "lib/Codegen/Common/Lowering/Lowering.h"

namespace seqc {

/// The CUDA target's own kernel for `call` (neurons, neurons_linear, wkv,
/// a sequential linear_recurrence, para_rnn, gated_attention, gla_core,
/// gla_norm_gate, node_reduce),
/// built at `b`; failure where it has none. Its run-time checks report through
/// `checks`.
mlir::FailureOr<Results>
lowerCUDAKernelCall(TensorBuilder &b, mlir::func::CallOp call, Checks &checks);

/// Neurons per a "neurons" call (or, `fused`, a "neurons_linear" one):
/// (spikes [B, T, N], potential [B, N] [, cuba_lif's current [B, N]])
/// (TimeLoops.cpp, as the two below).
Results lowerNeurons(TensorBuilder &b, mlir::DictionaryAttr kernel,
                     mlir::ValueRange operands, bool fused);
/// WKV on k, v [B, T, D] with the decay and bonus [D] (Neurons.h's step).
mlir::Value lowerWKV(TensorBuilder &b, mlir::ValueRange operands);
/// A sequential scan h_t = a_t ⊙ h_{t−1} + b_t on (a, b [, h0]):
/// (h [B, T, D], h_T [B, D]).
Results lowerSequentialScan(TensorBuilder &b, mlir::ValueRange operands);

/// gated_attention's heads from the call's operands (the fused projection,
/// then every position's keys and values where there are past ones:
/// AttentionHeads) in flash form (Attention.cpp): the gated heads [B, T,
/// H·Dh]; failure for head dims it does not take.
mlir::FailureOr<Results> lowerGatedAttention(TensorBuilder &b,
                                             mlir::DictionaryAttr kernel,
                                             mlir::ValueRange operands);

/// gla_core (GLA.cpp): (o [B, T, H·V], S [B, H, K, V]) by the chunkwise
/// kernel, or the step kernel for decode steps and the recurrent form;
/// failure for key dims whose chunk does not fit a block.
mlir::FailureOr<Results> lowerGLACore(TensorBuilder &b,
                                      mlir::DictionaryAttr kernel,
                                      mlir::ValueRange operands);

/// The GLA layer's per-head norm and swish gate (a "gla_norm_gate" call's
/// operands o, fused, w; GLA.cpp): y [B, T, H·V]; failure for more heads
/// than its workgroup buffers take.
mlir::FailureOr<Results> lowerGLANormGate(TensorBuilder &b,
                                          mlir::DictionaryAttr kernel,
                                          mlir::ValueRange operands);

/// An rgnn template's kernel call by CUDA's own kernel (Graph.cpp:
/// node_reduce, a warp per destination node; segment_gemm, linears per
/// segment); failure for the others.
mlir::FailureOr<Results> lowerGraphTemplate(TensorBuilder &b,
                                            mlir::func::CallOp call,
                                            mlir::DictionaryAttr kernel);

/// para_gru / para_lstm's recurrence (a "para_rnn" call's operands),
/// sequential or by Newton (ParaRNN.cpp): (y, h_T[, c_T]).
Results lowerParaRNN(TensorBuilder &b, Checks &checks,
                     mlir::DictionaryAttr kernel, mlir::ValueRange operands);

} // namespace seqc

#endif // SEQC_LIB_CODEGEN_CUDA_KERNELS_CUDAKERNELS_H
