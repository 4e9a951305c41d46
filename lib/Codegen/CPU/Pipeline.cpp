//===- Pipeline.cpp - The CPU pipeline: seq IR to the LLVM dialect --------===//
#include "seqc/Codegen/Passes.h"
#include "seqc/Codegen/Pipelines.h"
#include "seqc/Transforms/Passes.h"

#include "mlir/Conversion/Passes.h"
#include "mlir/Dialect/Bufferization/Pipelines/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Dialect/SCF/Transforms/Passes.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;

void seqc::buildCPUPipeline(OpPassManager &pm, PipelineBuilder &b) {
  buildCommonPipeline(pm, b);
  // The other seq ops and the rgnn templates to CPU kernels, then every
  // linear contraction to the packed GEMM.
  b.add(pm, createSeqLowerCPUKernels());
  b.add(pm, createSeqLowerLinearToGemm());
  buildBufferizePipeline(pm, b);
  b.add(pm, createSeqCPUCallerBuffers());
  // Loops, vectors and OpenMP.
  b.add(pm, createSeqVectorizeElementwise());
  b.addToFunctions(pm, createConvertLinalgToParallelLoopsPass());
  buildCPULoopsToLLVM(pm, b);
}

void seqc::buildCPULoopsToLLVM(OpPassManager &pm, PipelineBuilder &b) {
  b.add(pm, createSeqCPUTeamRegions());
  b.add(pm, createForallToParallelLoopPass());
  b.add(pm, createSeqSerializeNestedParallel());
  b.add(pm, createSeqApproximateMath());
  b.add(pm, createSeqCPUSerialSmallParallel());
  b.add(pm, createConvertSCFToOpenMPPass());
  b.add(pm, createSeqInlineAllocaScopes());
  b.add(pm, createCanonicalizerPass());
  // To the LLVM dialect.
  b.add(pm, createLowerAffinePass());
  b.add(pm, createSCFToControlFlowPass());
  b.add(pm, createCanonicalizerPass());
  b.add(pm, memref::createExpandStridedMetadataPass());
  b.add(pm, createLowerAffinePass());
  buildHostToLLVM(pm, b, HostCode::WithOpenMP);
}
