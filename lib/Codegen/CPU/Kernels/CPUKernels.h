//===- CPUKernels.h - The CPU's kernels -----------------------------------===//
//
// The CPU's own kernels for the common lowering's kernel calls and the
// rgnn templates: vector, memref and scf.parallel code (lane scans, GLA and
// attention register tiles, neurons in registers, graph traversals), and
// linalg on tensors where that suffices. Each function builds its IR at the
// builder's point and returns the values that replace the call's or op's
// results. Their projections are `buildLinear` contractions, which
// seq-lower-linear-to-gemm turns into the packed GEMM afterwards.
//
//===----------------------------------------------------------------------===//
#ifndef SEQC_LIB_CODEGEN_CPU_KERNELS_CPUKERNELS_H
#define SEQC_LIB_CODEGEN_CPU_KERNELS_CPUKERNELS_H

#include "lib/Codegen/Common/Lowering/Lowering.h"

namespace seqc {

/// The CPU's own kernel for a kernel call of the common lowering
/// (linear_recurrence, causal_conv_taps, unfold_window, gla_core,
/// gla_norm_gate, gated_attention, neurons, neurons_linear, wkv,
/// spike_linear, para_rnn, rnn_scan), built at `b`; failure for a kernel
/// it has none for. `rnnTeamWork`: see buildRNNScan.
mlir::FailureOr<Results> lowerKernelCall(TensorBuilder &b,
                                         mlir::func::CallOp call,
                                         Checks &checks, int64_t rnnTeamWork);
/// rgnn templates: graph_layout, node_layout, pair_rows (checked here).
mlir::FailureOr<Results> lowerGraphLayout(mlir::Operation *op, TensorBuilder &b,
                                          Checks &checks);
/// rgnn templates: gemm, edge_map, node_reduce.
mlir::FailureOr<Results> lowerGraphKernel(mlir::Operation *op,
                                          TensorBuilder &b);

/// How gla_core is computed: the chunk and sub-chunk seq-chunk-gla chose
/// (chunk 0: the recurrent form), and the layouts seq-select-layout chose
/// for the recurrent form: its state [V, K] instead of [K, V], and q, k
/// and the decays read per head ([B, H, T, K] copies) instead of in place.
struct GLAForm {
  int64_t chunk = 0, sub = 0;
  bool stateVK = false, perHeadKeys = false;
};
/// gla_core on q,k,g [B,T,H·K], v [B,T,H·V], s0 [B,H,K,V] or null, whose
/// sizes agree (the common lowering checked them): recurrent when `chunk`
/// is 0, else chunkwise (chunks of `chunk` steps, sub-chunks of `sub`) for
/// T ≥ chunk and recurrent below. With a nonzero `gateNorm`, g holds
/// logits and the log decay logsigmoid(g)/gateNorm is computed where g is
/// read. `offsets` (q, k, v, g starts, key and value widths), when given,
/// locate q, k, v, g in the rows of fused projections.
Results buildGLACore(TensorBuilder &b, mlir::Value q, mlir::Value k,
                     mlir::Value v, mlir::Value g, mlir::Value s0,
                     int64_t heads, double scale, double gateNorm, GLAForm form,
                     llvm::ArrayRef<int64_t> offsets = {});
/// The GLA layer's y = rms_norm(o_h) ⊙ w ⊙ silu(gate) per head, the gate
/// being columns [gateCol, gateCol + H·V) of `fused`.
mlir::Value buildGLANormGate(TensorBuilder &b, mlir::Value o, mlir::Value fused,
                             int64_t gateCol, mlir::Value w, int64_t heads,
                             int64_t vd, double eps);

/// gated_attention's heads and the layout seq-select-layout chose for V.
struct AttentionShape {
  int64_t heads, kvHeads, headDim;
  bool headwise;
  std::optional<double> ropeTheta;
  bool perHeadValues = true; ///< V copied per kv head, or read in place
};
/// gated_attention's causal attention, in tiles with online softmax, on
/// the call's operands: the fused projection [B, T, ·] (q, k, v, then the
/// gate) and, where there are past keys, every position's keys and values
/// [B, P + T, Hkv·Dh]: the gated heads side by side, [B, T, H·Dh].
mlir::Value buildAttentionHeads(TensorBuilder &b, mlir::ValueRange operands,
                                const AttentionShape &shape);
/// ParaRNN's para_gru / para_lstm recurrence on a "para_rnn" call's
/// operands (the three projections [B, T, H], the diagonal weights, [h0],
/// [c0]), solved sequentially or by Newton iterations (its `solver`, set
/// by seq-select-scan): (y, h_T[, c_T]).
Results buildParaRNN(TensorBuilder &b, Checks &checks,
                     mlir::DictionaryAttr kernel, mlir::ValueRange operands);
/// seq.rnn's time loop, an "rnn_scan" call (`kernel`: cell, hidden,
/// reverse, bias) on (gi [B, T, G·H], W_hh [G·H, H], [b_hh], h0 [B, H],
/// [c0]): (ys [B, T, H], h_T[, c_T]). On a team of threads (a `kTeamAttr`
/// loop with `kTeamBarrier` calls, Passes.h) when a step's product has at least
/// `teamWork` FMAs, the loop 16 times that, and more than one thread may
/// run; else on the calling thread.
Results buildRNNScan(TensorBuilder &b, mlir::DictionaryAttr kernel,
                     mlir::ValueRange operands, int64_t teamWork);
/// A linear layer x Wᵀ (+ bias) on spikes: accumulate-only when the
/// measured spike density is low, the dense contraction otherwise; of
/// `resultType`.
mlir::Value buildSpikeLinear(TensorBuilder &b, mlir::Value x, mlir::Value w,
                             mlir::Value bias, mlir::Type resultType);
/// Neurons per a "neurons" call's attributes (`kernel`) on its operands (x
/// [B, T, N], or, `fused`, a "neurons_linear" call's in, W [, bias]; then
/// [PLIF's weight] [per-neuron parameters [N]] [v0] [i0]): (spikes
/// [B, T, N], potential [B, N] [, cuba_lif's current [B, N]]).
Results buildNeurons(TensorBuilder &b, mlir::DictionaryAttr kernel,
                     mlir::ValueRange operands, bool fused);
/// WKV on k, v [B, T, D] with the decay and bonus [D].
mlir::Value buildWKV(TensorBuilder &b, mlir::Value k, mlir::Value v,
                     mlir::Value decay, mlir::Value first);

} // namespace seqc

#endif // SEQC_LIB_CODEGEN_CPU_KERNELS_CPUKERNELS_H
