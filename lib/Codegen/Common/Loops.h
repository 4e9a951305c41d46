//===- Loops.h - Loop rewrites the targets' last miles share ----*- C++ -*-===//
#ifndef SEQC_LIB_CODEGEN_COMMON_LOOPS_H
#define SEQC_LIB_CODEGEN_COMMON_LOOPS_H

#include "mlir/Dialect/SCF/IR/SCF.h"

namespace seqc {

/// `loop` (without reductions) as a nest of scf.for loops over its bounds,
/// its body moved into the innermost; `loop` is erased.
void serializeParallelLoop(mlir::scf::ParallelOp loop);

} // namespace seqc

#endif // SEQC_LIB_CODEGEN_COMMON_LOOPS_H
