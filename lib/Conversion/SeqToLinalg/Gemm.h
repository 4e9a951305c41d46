//===- Gemm.h - y = x Wᵀ + b as a register-blocked vector kernel ----------===//
//
// nn.Linear products (x [..., K], W [N, K]) are the bulk of the flops of
// most models. Naive loops reach a few GFLOP/s; this kernel is the
// outer-product form of BLIS/GotoBLAS microkernels, emitted as MLIR vector
// ops:
//
// - W is packed once into panels of 32 output columns, [⌈N/32⌉, K, 32]
//   (zero-padded), so that a step of k reads one contiguous vector;
// - a block of 8 rows × 32 columns keeps its 8 accumulators (16 AVX-512
//   registers) across all of K; each step broadcasts 8 elements of x and
//   does 8 vector FMAs with one load of W;
// - a parallel loop over (chunks of 64 rows, panels) splits the work
//   across threads; a panel (32·K floats) stays in cache across its chunk.
//
// Partial blocks use clamped row reads and masked stores, so any M, N, K
// work. A model weight (seq.weight, or its f16/bf16 widening) is packed
// once per module into a module global, on the first run and again only
// if the weights move; any other W is packed where it is computed (a loop
// over time packs once: packWeight outside the loop, linearPacked inside).
//
//===----------------------------------------------------------------------===//
#ifndef SEQC_LIB_CONVERSION_SEQTOLINALG_GEMM_H
#define SEQC_LIB_CONVERSION_SEQTOLINALG_GEMM_H

#include "TensorBuilder.h"

namespace seqc {

/// Output columns per panel and rows per register block.
constexpr int64_t kGemmPanel = 32;
constexpr int64_t kGemmRows = 8;
/// Rows per parallel task.
constexpr int64_t kGemmChunk = 64;

/// A weight W [N, K] packed into panels, [⌈N/32⌉, K, 32]: a tensor, or
/// the module global holding a model weight's panels.
struct PackedWeight {
  mlir::Value panels, global;
  mlir::OpFoldResult n, k;
};

PackedWeight packWeight(TensorBuilder &b, mlir::Value w);
/// ⌈n / 32⌉: panels of n output columns.
mlir::OpFoldResult panelCount(TensorBuilder &b, mlir::OpFoldResult n);

/// y[..., n] = Σ_k x[..., k] · W[n, k] (+ bias[n]).
mlir::Value linearPacked(TensorBuilder &b, mlir::Value x, const PackedWeight &w,
                         mlir::Value bias = {});

/// x · [W_1; W_2; ...]ᵀ: projections of one input fused into one GEMM over
/// their stacked weights (packed once into one module global when they are
/// model weights); the outputs side by side, [..., ΣN_i].
mlir::Value fusedLinear(TensorBuilder &b, mlir::Value x,
                        llvm::ArrayRef<mlir::Value> weights);
/// Columns [offset, offset + width) of the last dim of a fused
/// projection's [..., N] output, as a tensor of their own (for consumers
/// that are not written to read it in place).
mlir::Value fusedPart(TensorBuilder &b, mlir::Value fused, int64_t offset,
                      int64_t width);

/// Where row m of a GEMM reads x and writes y: the indices of the row (all
/// but the last), and whether y is added to rather than overwritten.
struct GemmRows {
  std::function<llvm::SmallVector<mlir::Value>(mlir::ImplicitLocOpBuilder &,
                                               mlir::Value)>
      in, out;
  bool accumulate;
};

/// The kernel on buffers for rows m in [lo, hi): y[out(m), :n] (+)=
/// x[in(m), :k] · W + bias, with W's panels at `panels[panelLead..., p, k,
/// 32]` and the bias at `bias[biasLead..., :n]` (or no bias). Parallel
/// over chunks of rows × panels; rows written by two chunks must differ.
void gemmRows(mlir::ImplicitLocOpBuilder &b, mlir::Value x, mlir::Value panels,
              mlir::ValueRange panelLead, mlir::Value bias,
              mlir::ValueRange biasLead, mlir::Value y, mlir::Value n,
              mlir::Value k, mlir::Value lo, mlir::Value hi,
              const GemmRows &rows);

} // namespace seqc

#endif // SEQC_LIB_CONVERSION_SEQTOLINALG_GEMM_H
