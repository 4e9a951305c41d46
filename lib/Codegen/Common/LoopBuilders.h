//===- LoopBuilders.h - scf loops on buffers, in few lines ----------------===//
//
// The kernels written as scf loops on buffers build their loops and
// index arithmetic with these helpers: the CPU's rgnn templates
// (GraphLayout.cpp, GraphKernels.cpp: index lists, segments, counting
// sorts) and attention kernels (GLACore.cpp, GatedAttention.cpp,
// GLANormGate.cpp), and the CUDA target's kernels (CUDA/Kernels).
//
//===----------------------------------------------------------------------===//
#ifndef SEQC_LIB_CODEGEN_COMMON_LOOPBUILDERS_H
#define SEQC_LIB_CODEGEN_COMMON_LOOPBUILDERS_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/ImplicitLocOpBuilder.h"

#include <functional>

namespace seqc::loops {

using IB = mlir::ImplicitLocOpBuilder;
using LoopBody = std::function<void(IB &, mlir::Value)>;
using CarryBody = std::function<llvm::SmallVector<mlir::Value>(
    IB &, mlir::Value, mlir::ValueRange)>;

inline mlir::Value idx(IB &b, int64_t v) {
  return mlir::arith::ConstantIndexOp::create(b, v);
}
inline mlir::Value i64(IB &b, int64_t v) {
  return mlir::arith::ConstantIntOp::create(b, b.getI64Type(), v);
}
inline mlir::Value toIndex(IB &b, mlir::Value v) {
  return mlir::arith::IndexCastOp::create(b, b.getIndexType(), v);
}
inline mlir::Value toI64(IB &b, mlir::Value v) {
  return mlir::arith::IndexCastOp::create(b, b.getI64Type(), v);
}
/// An i64 element of a buffer, as an index.
inline mlir::Value loadIndex(IB &b, mlir::Value mem, mlir::ValueRange at) {
  return toIndex(b, mlir::memref::LoadOp::create(b, mem, at));
}
inline void storeIndex(IB &b, mlir::Value v, mlir::Value mem,
                       mlir::ValueRange at) {
  mlir::memref::StoreOp::create(b, toI64(b, v), mem, at);
}
inline mlir::Value add(IB &b, mlir::Value x, mlir::Value y) {
  return mlir::arith::AddIOp::create(b, x, y);
}
inline mlir::Value mul(IB &b, mlir::Value x, mlir::Value y) {
  return mlir::arith::MulIOp::create(b, x, y);
}
inline mlir::Value cmp(IB &b, mlir::arith::CmpIPredicate p, mlir::Value x,
                       mlir::Value y) {
  return mlir::arith::CmpIOp::create(b, p, x, y);
}
/// x < y for indices.
inline mlir::Value below(IB &b, mlir::Value x, mlir::Value y) {
  return cmp(b, mlir::arith::CmpIPredicate::ult, x, y);
}
/// 0 ≤ v < bound for an i64 v and an index bound.
inline mlir::Value inRange(IB &b, mlir::Value v, mlir::Value bound) {
  return cmp(b, mlir::arith::CmpIPredicate::ult, v, toI64(b, bound));
}

/// for (i = lo; i < hi; i += step) body(i), sequential.
inline void forRange(IB &b, mlir::Value lo, mlir::Value hi,
                     const LoopBody &body, int64_t step = 1) {
  mlir::scf::ForOp::create(b, lo, hi, idx(b, step), mlir::ValueRange{},
                           [&](mlir::OpBuilder &nb, mlir::Location loc,
                               mlir::Value i, mlir::ValueRange) {
                             IB ib(loc, nb);
                             body(ib, i);
                             mlir::scf::YieldOp::create(ib);
                           });
}
/// A sequential loop (by `step`) carrying `init` through
/// body(i, carried) → next.
inline mlir::ValueRange forCarry(IB &b, mlir::Value lo, mlir::Value hi,
                                 mlir::ValueRange init, const CarryBody &body,
                                 int64_t step = 1) {
  auto loop = mlir::scf::ForOp::create(
      b, lo, hi, idx(b, step), init,
      [&](mlir::OpBuilder &nb, mlir::Location loc, mlir::Value i,
          mlir::ValueRange carried) {
        IB ib(loc, nb);
        mlir::scf::YieldOp::create(ib, body(ib, i, carried));
      });
  return loop.getResults();
}
/// A parallel loop over [lo, hi) (OpenMP after convert-scf-to-openmp).
inline void parallelRange(IB &b, mlir::Value lo, mlir::Value hi,
                          const LoopBody &body) {
  mlir::scf::ParallelOp::create(
      b, mlir::ValueRange{lo}, mlir::ValueRange{hi},
      mlir::ValueRange{idx(b, 1)},
      [&](mlir::OpBuilder &nb, mlir::Location loc, mlir::ValueRange ivs) {
        IB ib(loc, nb);
        body(ib, ivs[0]);
      });
}
/// A parallel loop nest over [0, sizes[0]) × [0, sizes[1]) × ...
/// (OpenMP after convert-scf-to-openmp).
inline void
parallelGrid(IB &b, mlir::ValueRange sizes,
             const std::function<void(IB &, mlir::ValueRange)> &body) {
  llvm::SmallVector<mlir::Value> zeros(sizes.size(), idx(b, 0));
  llvm::SmallVector<mlir::Value> ones(sizes.size(), idx(b, 1));
  mlir::scf::ParallelOp::create(
      b, zeros, sizes, ones,
      [&](mlir::OpBuilder &nb, mlir::Location loc, mlir::ValueRange ivs) {
        IB ib(loc, nb);
        body(ib, ivs);
      });
}
inline void ifThen(IB &b, mlir::Value cond,
                   const std::function<void(IB &)> &body) {
  mlir::scf::IfOp::create(b, cond, [&](mlir::OpBuilder &nb, mlir::Location l) {
    IB ib(l, nb);
    body(ib);
    mlir::scf::YieldOp::create(ib);
  });
}

} // namespace seqc::loops

#endif // SEQC_LIB_CODEGEN_COMMON_LOOPBUILDERS_H
