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

#include "mlir/Dialect/Func/IR/FuncOps.h"
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

/// The iterator types of a linalg.generic: `parallel` parallel loops, then
/// `reductions` reduction loops.
inline llvm::SmallVector<mlir::utils::IteratorType>
loopTypes(int parallel, int reductions = 0) {
  llvm::SmallVector<mlir::utils::IteratorType> its(
      parallel, mlir::utils::IteratorType::parallel);
  its.append(reductions, mlir::utils::IteratorType::reduction);
  return its;
}

/// Marks a kernel function: {name = "<kernel>", <its parameters>}.
constexpr llvm::StringLiteral kKernelAttr = "seq.kernel";
using KernelBodyFn =
    std::function<Results(TensorBuilder &, mlir::ValueRange operands)>;
/// A kernel call: a piece of a lowering that a target may compute its own
/// way (the CPU's lane scans and loops over taps). Its target-independent
/// form, `body`, is built into a private function of its own, marked
/// `seq.kernel = {name = <name>, attrs...}`, and called here with
/// `operands`; the call's results are returned. A target replaces the call
/// by its kernel for `name`, or inlines the body (inlineKernelCall).
Results buildKernelCall(TensorBuilder &b, llvm::StringRef name,
                        llvm::ArrayRef<mlir::NamedAttribute> attrs,
                        mlir::ValueRange operands, const KernelBodyFn &body);
/// The module's function `name`, declared (private, no body, at the end of
/// the module) where it is missing: an external the generated code calls.
mlir::func::FuncOp declareFunction(mlir::ModuleOp module, llvm::StringRef name,
                                   mlir::FunctionType type);
/// The model function: the module's one public function with a body
/// (@main, renamed @seqc_main by `seqc compile`); null when there is none,
/// failure (an error emitted) when there is a second.
mlir::FailureOr<mlir::func::FuncOp> modelFunction(mlir::ModuleOp module);
/// The `seq.kernel` of the function `call` calls, or null.
mlir::DictionaryAttr kernelOf(mlir::func::CallOp call);
/// The body of the kernel function `call` calls, built at `b` on the call's
/// operands; its results.
Results inlineKernelCall(TensorBuilder &b, mlir::func::CallOp call);
/// A target's own kernel for a call, or failure to inline its body.
using OwnKernelFn = llvm::function_ref<mlir::FailureOr<Results>(
    TensorBuilder &, mlir::func::CallOp)>;
/// Replaces every kernel call of `module` by `own` or, where that fails
/// (or `own` is null), by the inlined body; erases the kernel functions.
void lowerKernelCalls(mlir::ModuleOp module, OwnKernelFn own = nullptr);
/// After a target's kernels: nothing of seq but `seq.weight`, nothing of
/// rgnn may remain; else an error at the first such op (`target` names the
/// target in it) and failure.
mlir::LogicalResult checkNothingOfSeqLeft(mlir::ModuleOp module,
                                          llvm::StringRef target);

/// Chunk c of `chunk` steps: (lo, n), [lo, lo + n) within [0, steps).
std::pair<mlir::Value, mlir::Value> chunkSpan(TensorBuilder &b, mlir::Value c,
                                              int64_t chunk, mlir::Value steps);
/// Rows [lo, lo + n) along dim 1 (steps, or chunks) of a tensor.
struct StepRows {
  llvm::SmallVector<mlir::OpFoldResult> offsets, sizes;
  /// Those rows of `x` (a slice).
  mlir::Value of(TensorBuilder &b, mlir::Value x) const;
  /// `value` written as those rows of `x`.
  mlir::Value into(TensorBuilder &b, mlir::Value value, mlir::Value x) const;
};
StepRows stepRows(TensorBuilder &b, mlir::Value x, mlir::OpFoldResult lo,
                  mlir::OpFoldResult n);
/// What one chunk writes into one of a parallel loop's outputs: `value` as
/// the rows `rows` (of the output's rank, or rank-reduced).
struct ChunkWrite {
  mlir::Value value;
  StepRows rows;
};
using ChunkBody = std::function<llvm::SmallVector<ChunkWrite>(
    TensorBuilder &, mlir::Value chunk, mlir::ValueRange outs)>;
/// An scf.forall over `chunks` with shared outputs `outs`; `body` returns
/// one write per output. The loop's results.
mlir::ValueRange forEachChunk(TensorBuilder &b, mlir::Value chunks,
                              mlir::ValueRange outs, const ChunkBody &body);

/// s_t = A_t s_{t−1} + b_t from s (n tensors [B, D]), with A the n·n and b
/// the n tensors [B, T, D] (n = 1: the diagonal scan): sequentially
/// (chunk 0) or in chunks scanned in parallel. (The states, n tensors
/// [B, T, D]; the last state, n tensors [B, D].)
Results solveLinearRecurrence(TensorBuilder &b, mlir::ValueRange a,
                              mlir::ValueRange bv, mlir::ValueRange s,
                              int64_t chunk);

/// The largest element of the f32 tensor `x` (any rank) as a scalar: 0
/// when `x` is empty, NaN when an element is (a diverged Newton iterate
/// never looks converged).
mlir::Value largestElement(TensorBuilder &b, mlir::Value x);

/// Building blocks (SPEC §4.1): linear, embedding, norms, add/mul, act,
/// glu_mlp. A linear on spikes (seq-mark-spike-inputs) is a kernel call
/// ("spike_linear"); one fused into its neuron is lowered with the neuron.
void populateBuildingBlockPatterns(mlir::RewritePatternSet &patterns,
                                   Checks &checks);
/// seq.rnn: torch.nn.GRU / torch.nn.LSTM, sequentially over time.
void populateRNNPatterns(mlir::RewritePatternSet &patterns, Checks &checks);
/// linear_recurrence (as a kernel call: sequential, or chunked into a
/// parallel scan, per the op's `seq.scan`) and causal_conv1d.
void populateRecurrencePatterns(mlir::RewritePatternSet &patterns,
                                Checks &checks);
/// PGN and GAM (SPEC §4.3).
void populateGatedMemoryPatterns(mlir::RewritePatternSet &patterns,
                                 Checks &checks);
/// Depthwise causal convolution y_t = Σ_{i<K} w[:, i] ⊙ x_{t−K+1+i} + b.
mlir::Value buildCausalConv(TensorBuilder &b, mlir::Value x, mlir::Value w,
                            mlir::Value bias, int64_t kernel);
/// gla_core and the GLA layer (SPEC §4.2): gla_core a kernel call, in the
/// form seq-chunk-gla chose (recurrent or chunkwise).
void populateGLAPatterns(mlir::RewritePatternSet &patterns, Checks &checks);
/// How a para_rnn kernel call's recurrence is solved, read from the call's
/// `request`, `solver` and `scan` (the common body and a target's kernel
/// read the same attributes the same way): Newton when the solver chosen
/// says so, or, without seq-select-scan's choice, when it was asked for.
struct ParaSolve {
  bool newton = false;
  int64_t chunk = 0; ///< the linear recurrences' scan chunk; 0: sequential
  int64_t maxIterations = 32;
  double tolerance = 2e-6;
  bool errorAtCap = true; ///< false: solve sequentially past the cap
  static ParaSolve of(mlir::DictionaryAttr kernel);
  /// The error at the iteration cap, naming `node`.
  std::string capMessage(llvm::StringRef node) const;
};
/// para_gru / para_lstm: the projections contractions, the recurrence a
/// kernel call (solved sequentially in its body).
void populateParaRNNPatterns(mlir::RewritePatternSet &patterns, Checks &checks);
/// The spiking units (SPEC §4.5): lif, plif, if_neuron (kernel calls,
/// with the linear fused into them), wkv (a kernel call), spiking_rwkv.
void populateSpikingPatterns(mlir::RewritePatternSet &patterns, Checks &checks);
/// A linear on spikes as a "spike_linear" kernel call (a contraction).
mlir::Value buildSpikeLinearCall(TensorBuilder &b, seq::LinearOp op);
/// gated_attention (SPEC §4.4): the attention a kernel call in tiles with
/// online softmax.
void populateGatedAttentionPatterns(mlir::RewritePatternSet &patterns,
                                    Checks &checks);
/// The rgnn templates (graph_layout, node_layout, pair_rows, gemm,
/// edge_map, node_reduce) as kernel calls carrying the template's
/// attributes (`template` its op name), with target-independent bodies.
void populateGraphPatterns(mlir::RewritePatternSet &patterns, Checks &checks);
/// The rgnn template a kernel call of those stands for, rebuilt at `b`
/// from the call's operands and the kernel's attributes, so that a
/// target's kernel reads it by its accessors; the caller erases it.
mlir::Operation *rebuildTemplate(TensorBuilder &b, mlir::func::CallOp call,
                                 mlir::DictionaryAttr kernel);
/// RoPE's tables (GatedAttention.cpp): cos and sin of t·θ^(−2i/Dh) for
/// positions t = first..first+steps−1 (first: 0 when null), i < Dh/2,
/// [steps, Dh/2] each, in f64 and then rounded (t·θ^(−2i/Dh) in f32 would
/// be off by about T·1e-7 rad). With t = 64n + 8a + c they come from cos
/// and sin of 64n·f, 8a·f and c·f by angle addition: 2·(16 + B) calls of
/// libm per frequency instead of 2·T, B the blocks of 64 positions that
/// first..first+steps−1 touch (one or two for a decode step). Made once
/// per call for every batch row and head.
std::pair<mlir::Value, mlir::Value> ropeTables(TensorBuilder &b,
                                               mlir::Value steps, int64_t dh,
                                               double theta,
                                               mlir::Value first = {});
/// A "gated_attention" call's heads (GatedAttention.cpp): from its
/// operands, the fused projection [B, T, W] (q, k, v, then the gate) and,
/// where the call has past keys, every position's keys (after RoPE) and
/// values [B, P + T, Hkv·Dh] (the past ones, then x's) and, with
/// rope_theta, the tables x's keys were rotated by: q [B, T, H, Dh], k
/// and v [B, P + T, Hkv, Dh] (P = 0 without past keys; then k is rotated
/// here when the kernel has rope_theta) and the gate [B, T, H·Dh], or [B,
/// T, H] when headwise. Query row t is position P + t; `rotateQueries`
/// false leaves q unrotated for a kernel that rotates it as it reads it, by
/// the tables `ropeCos` and `ropeSin` [T, Dh/2] of the angles (P + t)·θ^(
/// −2i/Dh) (null without rope_theta).
struct AttentionHeads {
  int64_t heads = 0, kvHeads = 0, dh = 0;
  bool headwise = false;
  mlir::Value q, k, v, gate;
  mlir::Value ropeCos, ropeSin;
  int64_t group() const { return heads / kvHeads; }
  static AttentionHeads of(TensorBuilder &b, mlir::DictionaryAttr kernel,
                           mlir::ValueRange operands,
                           bool rotateQueries = true);
};
/// gla_core on q, k, g [B, T, H·K], v [B, T, H·V] and s0 [B, H, K, V] or
/// null, their sizes checked, as a kernel call with `op`'s decisions. With
/// a nonzero `gateNorm` g holds logits (the log decay is
/// logsigmoid(g)/gateNorm); `offsets` (q, k, v, g starts, key and value
/// widths) locate them in the rows of fused projections. (o, s).
Results buildGLACoreCall(TensorBuilder &b, Checks &checks, mlir::Operation *op,
                         mlir::Value q, mlir::Value k, mlir::Value v,
                         mlir::Value g, mlir::Value s0, int64_t heads,
                         double scale, double gateNorm,
                         llvm::ArrayRef<int64_t> offsets = {});
/// Whether seq-lower-to-tensors lowers `op` on its own: every seq op but
/// seq.weight and a linear lowered with its neuron, and the rgnn templates.
bool lowersToTensors(mlir::Operation *op);

/// A unit attribute on a linear contraction whose operands stay f32 in a
/// module of bf16 products (`--precision=bf16`): a product inside a time
/// loop (rnn's recurrent one) or one feeding a neuron's, whose rounding
/// would add up along the steps past SPEC §5's bound. Every target's
/// product kernels honour it.
constexpr llvm::StringLiteral kF32ProductAttr = "seq.f32_product";
/// Whether `module`'s products read bf16 operands (`seq.precision =
/// "bf16"`, SPEC §5).
bool bf16Products(mlir::ModuleOp module);
/// Whether the linear contraction `linear` reads bf16 operands: its
/// module's products do and it is not marked kF32ProductAttr.
bool bf16Operands(mlir::linalg::ContractOp linear);

/// y[..., n] = Σ_k x[..., k] · w[n, k] (+ bias[n]): nn.Linear as a
/// `linalg.contract` into the broadcast bias (or zeros); `keepF32` marks
/// it kF32ProductAttr.
mlir::Value buildLinear(TensorBuilder &b, mlir::Value x, mlir::Value w,
                        mlir::Value bias = {}, bool keepF32 = false);
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
/// w [N, K] into y [..., N] (tensors, or buffers after bufferization).
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
/// Whether a linear is lowered with the neuron that is its only user (a
/// "neurons_linear" kernel call), not on its own.
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
