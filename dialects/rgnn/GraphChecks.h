//===- GraphChecks.h - Shape checks shared by the rgnn ops ----------------===//
#ifndef SEQC_DIALECTS_RGNN_GRAPHCHECKS_H
#define SEQC_DIALECTS_RGNN_GRAPHCHECKS_H

#include "dialects/common/ShapeChecker.h"

namespace seqc::rgnn {

/// Checks `edge_index[2,E]` (i64) and returns E.
inline mlir::FailureOr<int64_t> edgeCount(const ShapeChecker &c,
                                          mlir::Value edgeIndex) {
  auto t = c.tensor(edgeIndex, "edge_index", 2, Elem::I64);
  if (mlir::failed(t))
    return mlir::failure();
  if (!t->isDynamicDim(0) && t->getDimSize(0) != 2)
    return c.error("operand 'edge_index' must have shape [2, E], got " +
                   shapeStr(t->getShape()));
  return t->getDimSize(1);
}

/// Checks a per-edge or per-node i64 vector of length `n`.
inline mlir::LogicalResult indexVector(const ShapeChecker &c, mlir::Value v,
                                       llvm::StringRef what, int64_t n) {
  auto t = c.tensor(v, what, 1, Elem::I64);
  if (mlir::failed(t))
    return mlir::failure();
  return c.shapeIs(*t, what, {n});
}

} // namespace seqc::rgnn

#endif // SEQC_DIALECTS_RGNN_GRAPHCHECKS_H
