//===- Lowering.h - Target-independent lowering of seq ops to tensors -----===//
//
// The families whose lowering both targets share: each op becomes linalg
// ops on tensors (projections as `linalg.contract`, norms as row
// reductions, recurrences as scf.for loops over time carrying the state),
// through conversion patterns, one file per family (populate<Family>
// Patterns). Each target's last mile takes those ops from there: the CPU
// turns each linear contraction into its packed GEMM kernel
// (seq-lower-linear-to-gemm). Runtime checks (dynamic sizes that must
// agree) report through `Checks`.
//
//===----------------------------------------------------------------------===//
#ifndef SEQC_LIB_CODEGEN_COMMON_LOWERING_LOWERING_H
#define SEQC_LIB_CODEGEN_COMMON_LOWERING_LOWERING_H

#include "dialects/seq/SeqDialect.h"
#include "lib/Codegen/Common/TensorBuilder.h"

#include "mlir/Transforms/DialectConversion.h"

namespace seqc {

/// The module's status word: 0, or the number of the first failed check.
constexpr llvm::StringLiteral kStatusWord = "seqc_status";

/// Emits run-time checks. A failed check records its message's number in
/// the module's status word (`seqc_status`) and the computation goes on over
/// sizes clamped to stay in bounds; the runtime reports the message. The
/// messages are the module's `seq.check_messages`; a second Checks on the
/// same module numbers on from those already there.
class Checks {
public:
  explicit Checks(mlir::ModuleOp module);
  /// Fails at run time unless dims `xi` of `x` and `yi` of `y` are equal;
  /// returns `x` and `y` cut to the smaller size along those dims.
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

/// Building blocks (SPEC §4.1): linear, embedding, norms, add/mul, act,
/// glu_mlp. A linear that the target computes its own way stays: one on
/// spikes (seq-mark-spike-inputs) or one fused into its neuron.
void populateBuildingBlockPatterns(mlir::RewritePatternSet &patterns,
                                   Checks &checks);
/// seq.rnn: torch.nn.GRU / torch.nn.LSTM, sequentially over time.
void populateRNNPatterns(mlir::RewritePatternSet &patterns, Checks &checks);
/// Whether seq-lower-to-tensors lowers `op` (the ops of the families
/// above, less the linears left to the target).
bool lowersToTensors(mlir::Operation *op);

/// y[..., n] = Σ_k x[..., k] · w[n, k] (+ bias[n]): nn.Linear as a
/// `linalg.contract` into the broadcast bias (or zeros).
mlir::Value buildLinear(TensorBuilder &b, mlir::Value x, mlir::Value w,
                        mlir::Value bias = {});
/// x · [W_1; W_2; ...]ᵀ: projections of one input as one contraction over
/// their stacked weights (`tensor.concat`); the outputs side by side,
/// [..., ΣN_i].
mlir::Value buildFusedLinear(TensorBuilder &b, mlir::Value x,
                             llvm::ArrayRef<mlir::Value> weights);
/// Columns [offset, offset + width) of the last dim of a fused
/// projection's [..., N] output, as a tensor of their own (for consumers
/// that are not written to read it in place).
mlir::Value fusedPart(TensorBuilder &b, mlir::Value fused, int64_t offset,
                      int64_t width);
/// Whether `op` is a linear in the form buildLinear writes: x [..., K] and
/// w [N, K] into y [..., N].
bool isLinearContraction(mlir::linalg::ContractOp op);
/// rms_norm over the last dim with weight w[D].
mlir::Value buildRMSNorm(TensorBuilder &b, mlir::Value x, mlir::Value w,
                         double eps);
/// layer_norm over the last dim (biased variance).
mlir::Value buildLayerNorm(TensorBuilder &b, mlir::Value x, mlir::Value w,
                           mlir::Value bias, double eps);
/// The activation `kind` of one f32 value.
mlir::Value activation(mlir::ImplicitLocOpBuilder &b, seq::ActKind kind,
                       mlir::Value x);
/// Whether a linear is computed inside the loop nest of the neuron that is
/// its only user (so it is not lowered on its own). (Today the CPU's
/// choice, made for every target: a target that computes the two apart
/// would lower such a linear itself.)
bool isFusedIntoNeuron(seq::LinearOp op);
/// A node's name for messages (from its NameLoc).
std::string nodeName(mlir::Operation *op);

/// `results` cast to `op`'s result types where a lowering knew more static
/// sizes than the op's types said.
Results castToResultTypes(TensorBuilder &b, mlir::Operation *op,
                          Results results);

/// A conversion pattern that lowers one op by `lower` (built at the op,
/// through the rewriter) and replaces it with the values returned. The
/// lowerings read the op's own operands: no types are converted, so they
/// are the values the adaptor would give (the uses of a replaced op move
/// to its replacement when the conversion commits), but a lowering must
/// not look through them at ops this conversion replaced.
template <typename OpTy>
class LowerOpPattern : public mlir::OpConversionPattern<OpTy> {
public:
  using LowerFn =
      std::function<mlir::FailureOr<Results>(TensorBuilder &, OpTy, Checks &)>;
  LowerOpPattern(mlir::MLIRContext *ctx, Checks &checks, LowerFn lower)
      : mlir::OpConversionPattern<OpTy>(ctx), checks(checks),
        lower(std::move(lower)) {}

  mlir::LogicalResult
  matchAndRewrite(OpTy op, typename OpTy::Adaptor,
                  mlir::ConversionPatternRewriter &rewriter) const override {
    // A copy of the rewriter's builder: its listener (the rewriter) sees
    // every op the lowering creates.
    TensorBuilder b(op->getLoc(), rewriter);
    mlir::FailureOr<Results> results = lower(b, op, checks);
    if (mlir::failed(results))
      return mlir::failure();
    rewriter.replaceOp(op, castToResultTypes(b, op, *results));
    return mlir::success();
  }

private:
  Checks &checks;
  LowerFn lower;
};

} // namespace seqc

#endif // SEQC_LIB_CODEGEN_COMMON_LOWERING_LOWERING_H
