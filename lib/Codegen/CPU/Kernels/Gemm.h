//===- Gemm.h - y = x Wᵀ + b as a register-blocked vector kernel ----------===//
//
// nn.Linear products (x [..., K], W [N, K]) are the bulk of the flops of
// most models. Naive loops reach a few GFLOP/s; this kernel is the
// outer-product form of BLIS/GotoBLAS microkernels, emitted as MLIR vector
// ops:
//
// - W is packed once into panels of 32 output columns, [⌈N/32⌉, K, 32]
//   (zero-padded), so that a step of k reads contiguous vectors;
// - a block of 8 rows × 32 columns keeps its 16 accumulators (8 rows × 2
//   vectors of 16 lanes: 16 AVX-512 registers) across a slice of 256
//   steps of k; each step broadcasts 8 elements of x and does 16 vector
//   FMAs with two loads of W; the loop over k is unrolled by 4;
// - a parallel loop over (chunks of 64 rows, panels) splits the work
//   across threads; the chunk's rows walk the panel one slice of k at a
//   time (256 × 32 floats, 32 KB: it stays in L1), the slices after the
//   first adding to y. (8 × 48 and 6 × 64 blocks measured no faster on
//   the GLA layer; the slices and the unrolling took the projections from
//   about 70% to about 80% of the FMA peak.)
//
// With --precision=bf16 (SPEC §5) the products read bf16 and accumulate in
// f32, W packed as [⌈N/32⌉, steps, 64] bf16 (lane 2c + h of step s is
// W[32p + c, 2s + h], rounded to nearest even) and x converted once per
// product into rows of 2·steps bf16, on whichever the target has
// (#seq.target):
// - AMX-BF16 (bf16_tiles): 32 × 32 blocks of y as four 16 × 16 f32 tiles,
//   each step of 16 pairs two x tiles times two W tiles (tdpbf16ps) — the
//   panel layout is the tiles' pair-interleaved one; steps and x's rows
//   are padded with zeros to whole tiles;
// - AVX512_BF16 (bf16_dot): the register block above with each step two
//   steps of k, x's pair broadcast times W's pairs (vdpbf16ps).
//
// Partial blocks use clamped row reads and masked stores, so any M, N, K
// work. A model weight (seq.weight, or its f16/bf16 widening) is packed
// once per module into a module global, on the first run and again only
// if the weights move; any other W is packed where it is computed (a loop
// over time packs once: seq-lower-linear-to-gemm packs a W that a loop
// does not change before the loop, and runs linearPacked inside).
//
//===----------------------------------------------------------------------===//
#ifndef SEQC_LIB_CODEGEN_CPU_KERNELS_GEMM_H
#define SEQC_LIB_CODEGEN_CPU_KERNELS_GEMM_H

#include "lib/Codegen/Common/TensorBuilder.h"

namespace seqc {

/// Output columns per panel (a multiple of the vector width kGemmLanes)
/// and rows per register block.
constexpr int64_t kGemmLanes = 16;
constexpr int64_t kGemmPanel = 32;
constexpr int64_t kGemmRows = 8;
/// Rows per parallel task.
constexpr int64_t kGemmChunk = 64;
/// Steps of k per pass over a task's rows: the panel's part (kGemmDepth ×
/// 32 floats, 32 KB) stays in L1 while the row blocks walk it.
constexpr int64_t kGemmDepth = 256;

/// What a product reads and multiplies with: f32 FMAs, bf16 pairs by
/// vdpbf16ps, or bf16 AMX tiles.
enum class GemmKind { F32, BF16Dot, BF16Tiles };
/// An AMX tile of x or W: 16 rows of 16 bf16 pairs (64 bytes).
constexpr int64_t kTileRows = 16;
constexpr int64_t kTilePairs = 16;

/// A weight W [N, K] packed into panels, [⌈N/32⌉, K, 32] f32 or
/// [⌈N/32⌉, pairSteps(K), 64] bf16: a tensor, or the module global holding
/// a model weight's panels.
struct PackedWeight {
  mlir::Value panels, global;
  mlir::OpFoldResult n, k;
  GemmKind kind = GemmKind::F32;
};

PackedWeight packWeight(TensorBuilder &b, mlir::Value w,
                        GemmKind kind = GemmKind::F32);
/// Steps of bf16 pairs for k: ⌈k/2⌉, rounded up to whole tiles for AMX.
int64_t pairSteps(int64_t k, GemmKind kind);
mlir::Value pairSteps(mlir::ImplicitLocOpBuilder &b, mlir::Value k,
                      GemmKind kind);
/// ⌈n / 32⌉: panels of n output columns.
mlir::OpFoldResult panelCount(TensorBuilder &b, mlir::OpFoldResult n);

/// y[..., n] = Σ_k x[..., k] · W[n, k] (+ bias[n]).
mlir::Value linearPacked(TensorBuilder &b, mlir::Value x, const PackedWeight &w,
                         mlir::Value bias = {});

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
/// Panels of i32 are bf16 pairs: then x holds pairs too and k counts them.
void gemmRows(mlir::ImplicitLocOpBuilder &b, mlir::Value x, mlir::Value panels,
              mlir::ValueRange panelLead, mlir::Value bias,
              mlir::ValueRange biasLead, mlir::Value y, mlir::Value n,
              mlir::Value k, mlir::Value lo, mlir::Value hi,
              const GemmRows &rows);

/// One task of gemmRows, serially: rows [r0, r1) by panel `p`.
void gemmTask(mlir::ImplicitLocOpBuilder &b, mlir::Value x, mlir::Value panels,
              mlir::ValueRange panelLead, mlir::Value bias,
              mlir::ValueRange biasLead, mlir::Value y, mlir::Value n,
              mlir::Value k, mlir::Value r0, mlir::Value r1, mlir::Value p,
              const GemmRows &rows);

/// A panel's kGemmPanel columns from n0 as vectors of kGemmLanes: the
/// masks of the columns below n, and the accumulators' first values (the
/// bias at `bias[biasLead..., :]`, or zeros without one).
struct PanelPieces {
  llvm::SmallVector<mlir::Value> masks, init;
};
PanelPieces panelPieces(mlir::ImplicitLocOpBuilder &ib, mlir::Value n,
                        mlir::Value n0, mlir::Value bias,
                        mlir::ValueRange biasLead);

/// The index of row `row` of the flattened leading dims `lead`.
llvm::SmallVector<mlir::Value> rowIndex(mlir::ImplicitLocOpBuilder &ib,
                                        mlir::Value row,
                                        llvm::ArrayRef<mlir::Value> lead);
llvm::SmallVector<mlir::Value> withLast(llvm::SmallVector<mlir::Value> idx,
                                        mlir::Value last);

/// x [lead..., k] (f32, m rows) as a buffer of rows of 2·steps bf16 (zeros
/// past k); for AMX, with zero rows up to a multiple of 32 (GemmBF16.cpp).
mlir::Value bf16Rows(TensorBuilder &b, mlir::Value x,
                     llvm::ArrayRef<mlir::Value> lead, mlir::Value m,
                     mlir::Value k, mlir::Value steps, GemmKind kind);

/// y[out(r), :n] = xRows[r] · W + bias for rows r < m, by AMX tiles:
/// xRows from bf16Rows, W's panels of GemmKind::BF16Tiles.
void gemmTiles(TensorBuilder &b, mlir::Value xRows, mlir::Value panels,
               mlir::Value bias, mlir::Value y, mlir::Value n,
               mlir::Value steps, mlir::Value m,
               const std::function<llvm::SmallVector<mlir::Value>(
                   mlir::ImplicitLocOpBuilder &, mlir::Value)> &out);

} // namespace seqc

#endif // SEQC_LIB_CODEGEN_CPU_KERNELS_GEMM_H
