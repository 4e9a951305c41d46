//===- Loops.h - Loop rewrites the targets' last miles share ----*- C++ -*-===//
#ifndef SEQC_LIB_CODEGEN_COMMON_LOOPS_H
#define SEQC_LIB_CODEGEN_COMMON_LOOPS_H

#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/Builders.h"

namespace seqc {

/// `loop` (without reductions) as a nest of scf.for loops over its bounds,
/// its body moved into the innermost; `loop` is erased.
void serializeParallelLoop(mlir::scf::ParallelOp loop);

/// The indices of `linear` over dims of `sizes` (row-major: the last dim
/// fastest; the first takes what is left, unbounded).
llvm::SmallVector<mlir::Value> delinearize(mlir::OpBuilder &b,
                                           mlir::Location loc,
                                           mlir::Value linear,
                                           mlir::ArrayRef<mlir::Value> sizes);

} // namespace seqc

#endif // SEQC_LIB_CODEGEN_COMMON_LOOPS_H
