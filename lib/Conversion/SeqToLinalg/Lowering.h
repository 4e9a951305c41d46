//===- Lowering.h - seq op lowerings to linalg on tensors -----------------===//
//
// Each function builds the tensor IR of one seq op at the builder's point
// and returns the values that replace the op's results. Runtime checks
// (dynamic sizes that must agree) report through `Checks`.
//
//===----------------------------------------------------------------------===//
#ifndef SEQC_LIB_CONVERSION_SEQTOLINALG_LOWERING_H
#define SEQC_LIB_CONVERSION_SEQTOLINALG_LOWERING_H

#include "dialects/seq/SeqDialect.h"
#include "lib/Codegen/Common/TensorBuilder.h"

namespace seqc {

/// Emits run-time checks. A failed check records its message's number in
/// the module's status word (`seqc_status`) and the computation goes on over
/// sizes clamped to stay in bounds; the runtime reports the message.
class Checks {
public:
  explicit Checks(mlir::ModuleOp module);
  /// Fails at run time unless dims `ai` of `a` and `bi` of `b` are equal;
  /// returns `a` and `b` cut to the smaller size along those dims.
  std::pair<mlir::Value, mlir::Value> sameDim(TensorBuilder &b, mlir::Value x,
                                              int64_t xi, mlir::Value y,
                                              int64_t yi,
                                              const std::string &message);
  /// Fails at run time when the i1 `failed` is true.
  void failIf(TensorBuilder &b, mlir::Value failed, const std::string &message);
  /// Stores the table of messages on the module.
  void finish();

private:
  mlir::ModuleOp module;
  llvm::SmallVector<mlir::Attribute> messages;
};

using Results = llvm::SmallVector<mlir::Value>;

mlir::FailureOr<Results> lowerBuildingBlock(mlir::Operation *op,
                                            TensorBuilder &b, Checks &checks);
mlir::FailureOr<Results> lowerAttention(mlir::Operation *op, TensorBuilder &b,
                                        Checks &checks);
mlir::FailureOr<Results> lowerSpiking(mlir::Operation *op, TensorBuilder &b,
                                      Checks &checks);
/// The ops that run along time: linear_recurrence, causal_conv1d, PGN and
/// GAM, rnn, para_gru/para_lstm.
mlir::FailureOr<Results> lowerOverTime(mlir::Operation *op, TensorBuilder &b,
                                       Checks &checks);
/// rgnn templates: graph_layout, node_layout, pair_rows (checked here).
mlir::FailureOr<Results> lowerGraphLayout(mlir::Operation *op, TensorBuilder &b,
                                          Checks &checks);
/// rgnn templates: gemm, edge_map, node_reduce.
mlir::FailureOr<Results> lowerGraphKernel(mlir::Operation *op,
                                          TensorBuilder &b);

/// gla_core on q,k,g [B,T,H·K], v [B,T,H·V], s0 [B,H,K,V] or null:
/// recurrent when `chunk` is 0, else chunkwise (chunks of `chunk` steps,
/// sub-chunks of `sub`) for T ≥ chunk and recurrent below. With a nonzero
/// `gateNorm`, g holds logits and the log decay logsigmoid(g)/gateNorm is
/// computed where g is read. `offsets` (q, k, v, g starts, key and value
/// widths), when given, locate q, k, v, g in the rows of fused projections.
/// How gla_core is computed: the chunk and sub-chunk seq-chunk-gla chose
/// (chunk 0: the recurrent form), and the layouts seq-select-layout chose
/// for the recurrent form: its state [V, K] instead of [K, V], and q, k
/// and the decays read per head ([B, H, T, K] copies) instead of in place.
struct GLAForm {
  int64_t chunk = 0, sub = 0;
  bool stateVK = false, perHeadKeys = false;
};
Results buildGLACore(TensorBuilder &b, Checks &checks, mlir::Value q,
                     mlir::Value k, mlir::Value v, mlir::Value g,
                     mlir::Value s0, int64_t heads, double scale,
                     double gateNorm, GLAForm form, const std::string &node,
                     llvm::ArrayRef<int64_t> offsets = {});

/// gated_attention: causal attention in tiles with online softmax.
mlir::Value buildGatedAttention(TensorBuilder &b, seq::GatedAttentionOp op);
/// torch.nn.GRU / torch.nn.LSTM, sequentially over time.
Results buildRNN(TensorBuilder &b, seq::RNNOp op);
/// ParaRNN's para_gru / para_lstm, solved sequentially or by Newton
/// iterations (the op's `seq.solver`, set by seq-select-scan).
Results buildParaRNN(TensorBuilder &b, Checks &checks, mlir::Operation *op);
/// Depthwise causal convolution y_t = Σ_{i<K} w[:, i] ⊙ x_{t−K+1+i} + b.
mlir::Value buildCausalConv(TensorBuilder &b, mlir::Value x, mlir::Value w,
                            mlir::Value bias, int64_t kernel);
/// PGN and GAM (SPEC §4.3).
mlir::Value buildPGN(TensorBuilder &b, seq::PGNOp op);
mlir::Value buildGAM(TensorBuilder &b, seq::GAMOp op);
/// rms_norm over the last dim with weight w[D].
mlir::Value buildRMSNorm(TensorBuilder &b, mlir::Value x, mlir::Value w,
                         double eps);
/// layer_norm over the last dim (biased variance).
mlir::Value buildLayerNorm(TensorBuilder &b, mlir::Value x, mlir::Value w,
                           mlir::Value bias, double eps);
/// A linear layer on spikes: accumulate-only when the measured spike
/// density is low, the dense contraction otherwise.
mlir::Value buildSpikeLinear(TensorBuilder &b, seq::LinearOp op);
/// Whether a linear is computed inside the loop nest of the neuron that is
/// its only user (so it is not lowered on its own).
bool isFusedIntoNeuron(seq::LinearOp op);
/// The activation `kind` (seq.act's names) of one f32 value.
mlir::Value activation(mlir::ImplicitLocOpBuilder &b, llvm::StringRef kind,
                       mlir::Value x);
/// A node's name for messages (from its NameLoc).
std::string nodeName(mlir::Operation *op);

} // namespace seqc

#endif // SEQC_LIB_CONVERSION_SEQTOLINALG_LOWERING_H
