//===- TensorBuilder.h - Helpers that build linalg/tensor IR for lowerings ===//
//
// The seq lowerings and the rgnn rewrites describe each op as a few
// linalg.generic ops on tensors with dynamic sizes. TensorBuilder keeps the
// boilerplate (sizes, empty tensors, indexing maps, scalar constants) in
// one place; it knows no target.
//
//===----------------------------------------------------------------------===//
#ifndef SEQC_LIB_CODEGEN_COMMON_TENSORBUILDER_H
#define SEQC_LIB_CODEGEN_COMMON_TENSORBUILDER_H

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/ImplicitLocOpBuilder.h"

#include <functional>

namespace seqc {

/// Builds the body of a linalg.generic: block arguments in, yielded values
/// out.
using BodyFn = std::function<llvm::SmallVector<mlir::Value>(
    mlir::ImplicitLocOpBuilder &, mlir::ValueRange)>;

class TensorBuilder : public mlir::ImplicitLocOpBuilder {
public:
  using ImplicitLocOpBuilder::ImplicitLocOpBuilder;

  // Scalars.
  mlir::Value f32(double v);
  mlir::Value index(int64_t v);
  /// Dimension `i` of a tensor as an index value.
  mlir::Value dim(mlir::Value tensor, int64_t i);
  /// Dimension `i` of a tensor as an f32 value.
  mlir::Value dimF32(mlir::Value tensor, int64_t i);
  /// All sizes of a tensor (constants where static).
  llvm::SmallVector<mlir::OpFoldResult> sizes(mlir::Value tensor);

  // Tensors.
  mlir::Value empty(llvm::ArrayRef<mlir::OpFoldResult> sizes,
                    mlir::Type element = {});
  mlir::Value zeros(llvm::ArrayRef<mlir::OpFoldResult> sizes);

  // Indexing maps over `n` loop dims.
  mlir::AffineMap identity(unsigned n);
  /// (d0..d{n-1}) → (d_i for i in dims).
  mlir::AffineMap select(unsigned n, llvm::ArrayRef<unsigned> dims);

  /// linalg.generic with one f32 tensor result written into `init`.
  mlir::Value generic(llvm::ArrayRef<mlir::Value> inputs,
                      llvm::ArrayRef<mlir::AffineMap> inputMaps,
                      mlir::Value init, mlir::AffineMap initMap,
                      llvm::ArrayRef<mlir::utils::IteratorType> iterators,
                      const BodyFn &body);
  /// linalg.generic with a result per init, all written by `initMap`.
  llvm::SmallVector<mlir::Value>
  generics(llvm::ArrayRef<mlir::Value> inputs,
           llvm::ArrayRef<mlir::AffineMap> inputMaps,
           llvm::ArrayRef<mlir::Value> inits, mlir::AffineMap initMap,
           llvm::ArrayRef<mlir::utils::IteratorType> iterators,
           const BodyFn &body);
  /// Elementwise over inputs of the same shape as `shapeOf`.
  mlir::Value map(llvm::ArrayRef<mlir::Value> inputs, mlir::Value shapeOf,
                  const std::function<mlir::Value(mlir::ImplicitLocOpBuilder &,
                                                  mlir::ValueRange)> &fn);
  /// A tensor of `sizes` holding the vector `v` along its last dim.
  mlir::Value broadcastLast(mlir::Value v,
                            llvm::ArrayRef<mlir::OpFoldResult> sizes);
  /// Σ over the last dim of f(x): [..., D] → [...].
  mlir::Value
  sumLast(mlir::Value x,
          const std::function<mlir::Value(mlir::ImplicitLocOpBuilder &,
                                          mlir::Value)> &f);
  /// x[:, t] of a [B, T, ...] tensor as [B, ...] (B = `batch` rows).
  mlir::Value timeSlice(mlir::Value x, mlir::Value t, mlir::OpFoldResult batch);
  /// Writes y [B, ...] into x[:, t].
  mlir::Value insertTime(mlir::Value y, mlir::Value x, mlir::Value t);
  /// x [B, T, D] padded in front with `steps` zero steps: [B, T + steps, D].
  mlir::Value padSteps(mlir::Value x, int64_t steps);
  /// x [B, T, D] delayed by d steps (zeros in the first d), for d from
  /// `most` down to `least`: views of x padded in front once with `most`
  /// zero steps, so that elementwise ops read them in vectors.
  llvm::SmallVector<mlir::Value> delayedSteps(mlir::Value x, int64_t most,
                                              int64_t least);
  /// [..., A·B] → [..., A, B] and back (A, B static).
  mlir::Value splitLast(mlir::Value x, int64_t a, int64_t b);
  mlir::Value mergeLast(mlir::Value x);
};

// Buffers in a lowering on tensors (a kernel of memref loops inside it).
/// A read-only buffer of a tensor. Bufferization sees the tensor read
/// here, not where the buffer is used: build every tensor a lowering needs
/// before taking the buffers, so that no tensor op between them can reuse
/// (overwrite) a buffer still to be read.
mlir::Value readBuffer(TensorBuilder &b, mlir::Value tensor);
/// A new buffer (f32 unless said), and the tensor it becomes once written.
mlir::Value allocBuffer(TensorBuilder &b, llvm::ArrayRef<mlir::Value> sizes,
                        mlir::Type element = {});
mlir::Value bufferTensor(TensorBuilder &b, mlir::Value buffer);

// Scalar math used by several lowerings (f32 values or vectors of f32).
mlir::Value sigmoid(mlir::ImplicitLocOpBuilder &b, mlir::Value x);
mlir::Value silu(mlir::ImplicitLocOpBuilder &b, mlir::Value x);
/// log σ(x) = min(x, 0) − log1p(exp(−|x|)).
mlir::Value logSigmoid(mlir::ImplicitLocOpBuilder &b, mlir::Value x);
/// e^x for x ≤ 0 (scores minus their running max in a softmax): 2ⁿ·p(r)
/// with n = round(x log₂e), r = x − n ln 2 and p of degree 5 (relative
/// error below 2e-7), 2ⁿ added into the exponent bits; x below −87.3
/// gives about 1e-38, not 0. Twelve ops against about twenty for math.exp's
/// polynomial, which clamps both ends and n.
mlir::Value expNonPositive(mlir::ImplicitLocOpBuilder &b, mlir::Value x);
mlir::Value constF32(mlir::ImplicitLocOpBuilder &b, double v);
/// `v` of the type of `x` (f32, or a splat vector of f32).
mlir::Value constLike(mlir::ImplicitLocOpBuilder &b, mlir::Value x, double v);
/// An f32 vector of `type` with every lane `v`.
mlir::Value splatF32(mlir::ImplicitLocOpBuilder &b, mlir::VectorType type,
                     double v);
/// The sum of a vector's lanes in any order: a tree of shuffles and adds
/// (reassociation allowed), not a chain of 16 dependent scalar adds.
mlir::Value sumLanes(mlir::ImplicitLocOpBuilder &b, mlir::Value v);

} // namespace seqc

#endif // SEQC_LIB_CODEGEN_COMMON_TENSORBUILDER_H
