//===- InitAll.cpp - Registration of seqc and upstream dialects/passes ----===//
#include "seqc/InitAll.h"

#include "dialects/rgnn/RGNNDialect.h"
#include "dialects/seq/SeqDialect.h"
#include "seqc/Codegen/Passes.h"
#include "seqc/Codegen/Pipelines.h"
#include "seqc/Transforms/Passes.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Target/LLVMIR/Dialect/All.h"

void seqc::registerAllDialects(mlir::DialectRegistry &registry) {
  // Upstream dialects load lazily, so registering all of them costs little
  // and keeps every interface model (bufferization, LLVM translation) the
  // pipelines need in one place.
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  mlir::registerAllToLLVMIRTranslations(registry);
  registry.insert<seq::SeqDialect, rgnn::RGNNDialect>();
}

void seqc::registerAllPasses() {
  mlir::registerAllPasses();
  seqc::registerSeqcTransformsPasses();
  seqc::registerSeqcCodegenPasses();
  seqc::registerPipelines();
}
