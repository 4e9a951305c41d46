//===- LibraryGemm.h - Projections by the GPU's BLAS library ----*- C++ -*-===//
//
// The call of seqc_cuda_gemm (seqc/Codegen/Passes.h has its contract) that
// seq-cuda-tile-linear puts before its tiles.
//
//===----------------------------------------------------------------------===//
#ifndef SEQC_LIB_CODEGEN_CUDA_LIBRARYGEMM_H
#define SEQC_LIB_CODEGEN_CUDA_LIBRARYGEMM_H

#include "mlir/Dialect/Linalg/IR/Linalg.h"

namespace seqc {

/// Before `linear` (a linear linalg.contract on buffers): when x, w and y
/// are matrices with unit column stride (x and y's leading dims collapsing
/// into rows), the call of seqc_cuda_gemm on their 2-D views. The result
/// is true where the module's kernels must do the product: the buffers are
/// not matrices, or the library declined. `bf16`: the call asks for bf16
/// operands.
mlir::Value buildLibraryGemm(mlir::OpBuilder &b,
                             mlir::linalg::ContractOp linear, bool bf16);

/// `value` (f32) rounded to the nearest bf16 (ties to even), as f32.
mlir::Value roundedToBF16(mlir::OpBuilder &b, mlir::Location loc,
                          mlir::Value value);
/// `value` (f32) rounded to the nearest bf16 (ties to even), as bf16 (in
/// integer arithmetic too).
mlir::Value toBF16(mlir::OpBuilder &b, mlir::Location loc, mlir::Value value);

} // namespace seqc

#endif // SEQC_LIB_CODEGEN_CUDA_LIBRARYGEMM_H
