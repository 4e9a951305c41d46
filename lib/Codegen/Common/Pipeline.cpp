//===- Pipeline.cpp - The passes every target runs, first and last --------===//
#include "seqc/Codegen/Passes.h"
#include "seqc/Codegen/Pipelines.h"
#include "seqc/Transforms/Passes.h"

#include "mlir/Conversion/Passes.h"
#include "mlir/Dialect/Bufferization/Pipelines/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;

void seqc::buildCommonPipeline(OpPassManager &pm, PipelineBuilder &b) {
  b.add(pm, createSeqSetTarget());
  // Relational GNNs: Pigeon/Hector's rewrites, then GEMM and traversal
  // templates.
  b.add(pm, createRGNNDecompose());
  b.add(pm, createRGNNReorderLinear());
  b.add(pm, createRGNNCompactMaterialization());
  b.add(pm, createRGNNSelectLayout());
  b.add(pm, createRGNNLowerToTemplates());
  // Sequence ops: facts about the model, then the strategy's decisions.
  b.add(pm, createSeqMarkSpikeInputs());
  b.add(pm, createSeqSelectScan());
  b.add(pm, createSeqChunkGLA());
  b.add(pm, createSeqSelectLayout());
  // The families both targets share, to linalg on tensors.
  b.add(pm, createSeqLowerToTensors());
  // What every target's lowering starts from.
  b.add(pm, createSeqCheckCommonContract());
}

void seqc::buildBufferizePipeline(OpPassManager &pm, PipelineBuilder &b) {
  // The weights become arguments of @main.
  b.add(pm, createSeqWeightsToArgs());
  b.addToFunctions(pm, createConvertElementwiseToLinalgPass());
  b.add(pm, createCanonicalizerPass());
  b.add(pm, createCSEPass());
  b.addToFunctions(pm, createLinalgElementwiseOpFusionPass());
  // Buffers: function boundaries with identity layouts, allocations freed.
  bufferization::OneShotBufferizePassOptions bufferize;
  bufferize.bufferizeFunctionBoundaries = true;
  bufferize.functionBoundaryTypeConversion =
      bufferization::LayoutMapOption::IdentityLayoutMap;
  bufferize.allowReturnAllocsFromLoops = true;
  b.add(pm, bufferization::createOneShotBufferizePass(bufferize));
  bufferization::buildBufferDeallocationPipeline(pm);
  b.add(pm, createConvertBufferizationToMemRefPass());
  // The module's state per instance.
  b.add(pm, createSeqStateToArgs());
  b.add(pm, createSeqCopiesToLinalg());
}

void seqc::buildHostToLLVM(OpPassManager &pm, PipelineBuilder &b,
                           HostCode host) {
  // (x86vector and amx: the bf16 GEMM's vdpbf16ps and tiles.)
  ConvertVectorToLLVMPassOptions vectorToLLVM;
  vectorToLLVM.x86Vector = true;
  vectorToLLVM.amx = true;
  b.add(pm, createConvertVectorToLLVMPass(vectorToLLVM));
  b.add(pm, createSeqAMXBlockArguments());
  // Allocations through the functions the module defines (lib/Target), so
  // that a failed one is an error of the run.
  FinalizeMemRefToLLVMConversionPassOptions memrefToLLVM;
  memrefToLLVM.useAlignedAlloc = true;
  memrefToLLVM.useGenericFunctions = true;
  b.add(pm, createFinalizeMemRefToLLVMConversionPass(memrefToLLVM));
  b.add(pm, createConvertMathToLLVMPass());
  b.add(pm, createConvertMathToLibmPass());
  b.add(pm, createArithToLLVMConversionPass());
  b.add(pm, createConvertIndexToLLVMPass());
  if (host == HostCode::WithOpenMP)
    b.add(pm, createConvertOpenMPToLLVMPass());
  b.add(pm, createConvertFuncToLLVMPass());
  b.add(pm, createConvertControlFlowToLLVMPass());
  if (host == HostCode::WithLaunches)
    b.add(pm, createGpuToLLVMConversionPass());
  b.add(pm, createReconcileUnrealizedCastsPass());
}
