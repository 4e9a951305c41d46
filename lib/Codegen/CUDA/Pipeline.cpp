//===- Pipeline.cpp - The CUDA pipeline: seq IR to kernels and host code --===//
#include "seqc/Codegen/Passes.h"
#include "seqc/Codegen/Pipelines.h"
#include "seqc/Transforms/Passes.h"

#include "mlir/Conversion/Passes.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/GPU/Transforms/Passes.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Dialect/SCF/Transforms/Passes.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;

void seqc::buildCUDADistributionPipeline(OpPassManager &pm, PipelineBuilder &b,
                                         WarpProducts products) {
  buildCommonPipeline(pm, b);
  // The CUDA target's own kernels (time loops in registers), every other
  // kernel call's body; their warps' tile products on the tensor cores
  // (or as loops, for the simulation).
  b.add(pm, createSeqLowerCUDAKernels());
  buildBufferizePipeline(pm, b);
  SeqCUDAWarpMMAOptions mma;
  mma.emulate = products == WarpProducts::Loops;
  b.add(pm, createSeqCUDAWarpMMA(mma));
  // The lowering's own foralls as parallel loops (a kernel's mapped ones
  // stay); the projections as shared-memory tiles; every other linalg op
  // as parallel loops, each outermost one distributed over blocks and
  // threads, the ones inside it run by each thread.
  b.add(pm, createSeqCUDAForallToParallel());
  b.add(pm, createSeqCUDATileLinear());
  b.addToFunctions(pm, createConvertLinalgToParallelLoopsPass());
  b.add(pm, createSeqSerializeNestedParallel());
  b.add(pm, createSeqCUDADistribute());
  b.add(pm, createCanonicalizerPass());
  b.add(pm, createSeqCUDAKernelOnlyInputs());
}

void seqc::buildCUDAPipeline(OpPassManager &pm, PipelineBuilder &b,
                             ArrayRef<std::string> archs) {
  buildCUDADistributionPipeline(pm, b);
  // Subviews as plain index arithmetic before the kernels take them.
  b.add(pm, memref::createExpandStridedMetadataPass());
  b.add(pm, createLowerAffinePass());
  b.add(pm, createSeqCUDAMapToGPU());
  b.add(pm, createGpuKernelOutliningPass());
  SeqCUDAGatherKernelsOptions gather;
  gather.archs = llvm::to_vector(archs);
  b.add(pm, createSeqCUDAGatherKernels(gather));
  // The kernels to NVVM (math through libdevice).
  OpPassManager &kernels = pm.nest<gpu::GPUModuleOp>();
  b.add(kernels, createLowerAffinePass());
  b.add(kernels, createSCFToControlFlowPass());
  b.add(kernels, createConvertGpuOpsToNVVMOps());
  b.add(kernels, createCanonicalizerPass());
  b.add(kernels, createCSEPass());
  b.add(kernels, createReconcileUnrealizedCastsPass());
  // The host code, as on the CPU but without OpenMP; the launches keep
  // their operands' descriptors (lib/Target/CUDA makes them calls).
  b.add(pm, createSCFToControlFlowPass());
  b.add(pm, createCanonicalizerPass());
  b.add(pm, createLowerAffinePass());
  buildHostToLLVM(pm, b, HostCode::WithLaunches);
}

void seqc::buildCUDASimulationPipeline(OpPassManager &pm, PipelineBuilder &b) {
  buildCUDADistributionPipeline(pm, b, WarpProducts::Loops);
  b.add(pm, createSeqCUDAHostSharedMemory());
  b.add(pm, createSeqCUDASimulateLibrary());
  buildCPULoopsToLLVM(pm, b);
}
