//===- Graph.h - The graph templates' target-independent bodies -----------===//
//
// The rgnn templates (graph_layout, node_layout, pair_rows, gemm,
// edge_map, node_reduce) lower to kernel calls named after them, carrying
// the template's attributes; their bodies, the target-independent form,
// are built here (GraphLayout.cpp, GraphKernels.cpp). The layouts work on
// i64 tensors of indices, by parallel passes (GraphSort.cpp: merge sorts,
// binary searches, scans), each a one-dimensional generic computing
// indices per position; only the passes' count is sequential.
//
//===----------------------------------------------------------------------===//
#ifndef SEQC_LIB_CODEGEN_COMMON_LOWERING_GRAPH_H
#define SEQC_LIB_CODEGEN_COMMON_LOWERING_GRAPH_H

#include "Lowering.h"
#include "dialects/rgnn/RGNNDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

namespace seqc::graph {

using IB = mlir::ImplicitLocOpBuilder;

inline mlir::Value toIndex(IB &b, mlir::Value v) {
  return mlir::arith::IndexCastOp::create(b, b.getIndexType(), v);
}
inline mlir::Value toI64(IB &b, mlir::Value v) {
  return mlir::arith::IndexCastOp::create(b, b.getI64Type(), v);
}
inline mlir::Value at(IB &b, mlir::Value t, mlir::ValueRange i) {
  return mlir::tensor::ExtractOp::create(b, t, i);
}
/// An i64 element of `t`, as an index.
inline mlir::Value indexAt(IB &b, mlir::Value t, mlir::ValueRange i) {
  return toIndex(b, at(b, t, i));
}
/// `t` with element `i` set to `v`.
inline mlir::Value put(IB &b, mlir::Value v, mlir::Value t,
                       mlir::ValueRange i) {
  return mlir::tensor::InsertOp::create(b, v, t, i);
}
inline mlir::Value add(IB &b, mlir::Value x, mlir::Value y) {
  return mlir::arith::AddIOp::create(b, x, y);
}
inline mlir::Value mul(IB &b, mlir::Value x, mlir::Value y) {
  return mlir::arith::MulIOp::create(b, x, y);
}
inline mlir::Value idx(IB &b, int64_t v) {
  return mlir::arith::ConstantIndexOp::create(b, v);
}
inline mlir::Value i64(IB &b, int64_t v) {
  return mlir::arith::ConstantIntOp::create(b, b.getI64Type(), v);
}
inline mlir::Value flag(IB &b, bool v) {
  return mlir::arith::ConstantIntOp::create(b, b.getI1Type(), v);
}
inline mlir::Value cmp(IB &b, mlir::arith::CmpIPredicate p, mlir::Value x,
                       mlir::Value y) {
  return mlir::arith::CmpIOp::create(b, p, x, y);
}
inline mlir::Value negate(IB &b, mlir::Value i1) {
  return mlir::arith::XOrIOp::create(b, i1, flag(b, true));
}
/// Whether the i64 `v` is in [0, bound) (bound an index).
inline mlir::Value inRange(IB &b, mlir::Value v, mlir::Value bound) {
  return cmp(b, mlir::arith::CmpIPredicate::ult, v, toI64(b, bound));
}

/// for (i = lo; i < hi; ++i) carried = body(i, carried); the results.
using LoopBody = std::function<llvm::SmallVector<mlir::Value>(
    TensorBuilder &, mlir::Value i, mlir::ValueRange carried)>;
inline mlir::ValueRange forLoop(TensorBuilder &b, mlir::Value lo,
                                mlir::Value hi, mlir::ValueRange init,
                                const LoopBody &body) {
  auto loop = mlir::scf::ForOp::create(
      b, lo, hi, idx(b, 1), init,
      [&](mlir::OpBuilder &nb, mlir::Location loc, mlir::Value i,
          mlir::ValueRange carried) {
        TensorBuilder lb(loc, nb);
        mlir::scf::YieldOp::create(lb, body(lb, i, carried));
      });
  return loop.getResults();
}

/// An i64 tensor of `sizes` (contents undefined).
mlir::Value emptyIndices(TensorBuilder &b,
                         llvm::ArrayRef<mlir::OpFoldResult> sizes);
/// [n] i64 tensors, one per value `at(i)` returns for position i: one
/// parallel linalg.generic.
llvm::SmallVector<mlir::Value> indicesOf(
    TensorBuilder &b, mlir::Value n, unsigned count,
    const std::function<llvm::SmallVector<mlir::Value>(IB &, mlir::Value)> &at);
/// then() where `cond`, else `otherwise`: an scf.if, so that what then()
/// reads is read only where `cond` holds.
mlir::Value valueIf(IB &b, mlir::Value cond,
                    const std::function<mlir::Value(IB &)> &then,
                    mlir::Value otherwise);

// Parallel passes (GraphSort.cpp): each a generic over every position.
/// Whether `bad(i)` holds for any i in [0, n) (an i1): chunks of positions
/// in parallel, then their flags; `bad` is asked inside [0, n) only.
mlir::Value any(TensorBuilder &b, mlir::Value n,
                const std::function<mlir::Value(IB &, mlir::Value)> &bad);
/// Items 0..n-1 sorted stably by the i64 key(i): the keys in order and the
/// items ([n] i64 each), by ceil(log2 n) merge passes.
struct Sorted {
  mlir::Value keys, items;
};
Sorted sortByKey(TensorBuilder &b, mlir::Value n,
                 const std::function<mlir::Value(IB &, mlir::Value)> &key);
/// The halvings a binary search over [0, n] needs (an index).
mlir::Value searchSteps(IB &b, mlir::Value n);
/// The first position p < n of the ascending i64 `sorted` with
/// sorted[p] >= v, or n (`steps`: searchSteps(n)).
mlir::Value lowerBound(IB &b, mlir::Value sorted, mlir::Value n,
                       mlir::Value steps, mlir::Value v);
/// The inclusive prefix sums of the [n] i64 `values`, by ceil(log2 n)
/// passes.
mlir::Value inclusiveScan(TensorBuilder &b, mlir::Value values, mlir::Value n);

/// Whether a pair table is dense, decided at run time: the pairs present
/// (`total`, an index) at least `threshold` of all `keys` pairs, and some.
mlir::Value prefersDense(IB &b, mlir::Value total, mlir::Value keys,
                         double threshold);

/// A template's operand as the kernel body sees it (its block argument),
/// or null for an absent optional operand.
using BodyOperand = std::function<mlir::Value(mlir::Value)>;

// The bodies (results as the template's; the layouts check their inputs).
Results graphLayoutBody(TensorBuilder &b, Checks &checks,
                        rgnn::GraphLayoutOp op, const BodyOperand &in);
Results nodeLayoutBody(TensorBuilder &b, Checks &checks, rgnn::NodeLayoutOp op,
                       const BodyOperand &in);
Results pairRowsBody(TensorBuilder &b, Checks &, rgnn::PairRowsOp op,
                     const BodyOperand &in);
Results gemmBody(TensorBuilder &b, Checks &, rgnn::GemmOp op,
                 const BodyOperand &in);
/// gemm's body: per segment its gathered rows times its weight, by
/// linalg.matmul, or `asLinears` by nn.Linear's contraction (buildLinear,
/// the weight transposed once) so that a target's projections take it.
mlir::Value segmentGemm(TensorBuilder &b, rgnn::GemmOp op,
                        const BodyOperand &in, bool asLinears);
Results edgeMapBody(TensorBuilder &b, Checks &, rgnn::EdgeMapOp op,
                    const BodyOperand &in);
Results nodeReduceBody(TensorBuilder &b, Checks &, rgnn::NodeReduceOp op,
                       const BodyOperand &in);

} // namespace seqc::graph

#endif // SEQC_LIB_CODEGEN_COMMON_LOWERING_GRAPH_H
