// Conversion passes of seqc: from the seq dialect down to upstream dialects.
#ifndef SEQC_CONVERSION_PASSES
#define SEQC_CONVERSION_PASSES

include "mlir/Pass/PassBase.td"

def ConvertSeqToLinalg : Pass<"convert-seq-to-linalg", "mlir::ModuleOp"> {
  let summary = "Lower seq ops to linalg, tensor, scf, arith and math";
  let description = [{
    Each seq op becomes linalg.generic ops on tensors (matmuls as contractions,
    norms as row reductions, recurrences as scf.for loops over time carrying
    the state). Dynamic sizes that must agree are checked at run time: a
    mismatch stores the number of a message in the module's `seqc_status`
    word (messages in the module attribute `seq.check_messages`) and the
    computation continues over clamped sizes, so nothing is read out of
    bounds. Ops without a CPU lowering yet are reported as errors.
  }];
  let dependentDialects = [
    "mlir::arith::ArithDialect", "mlir::linalg::LinalgDialect",
    "mlir::math::MathDialect", "mlir::memref::MemRefDialect",
    "mlir::scf::SCFDialect", "mlir::tensor::TensorDialect",
    "mlir::bufferization::BufferizationDialect", "mlir::vector::VectorDialect"
  ];
}

#endif // SEQC_CONVERSION_PASSES
