//===- Pipeline.cpp - The passes every target runs first ------------------===//
#include "seqc/Codegen/Passes.h"
#include "seqc/Codegen/Pipelines.h"
#include "seqc/Transforms/Passes.h"

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
