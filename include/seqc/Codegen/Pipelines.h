//===- Pipelines.h - The pass pipelines, built in C++ ---------------------===//
//
// buildCommonPipeline: what every target runs first (rgnn rewrites, the
// strategy passes over #seq.target). buildCPUPipeline: the common part,
// then the CPU's lowering down to the LLVM dialect. `seqc-opt
// --seqc-common-pipeline` / `--seqc-cpu-pipeline` run them.
//
//===----------------------------------------------------------------------===//
#ifndef SEQC_CODEGEN_PIPELINES_H
#define SEQC_CODEGEN_PIPELINES_H

#include "mlir/Pass/Pass.h"
#include "mlir/Pass/PassManager.h"

#include <map>
#include <set>
#include <string>

namespace seqc {

/// Adds passes to a pipeline and applies `--pass-options` entries
/// (`PASS{key=value ...}`) to the pass objects as they are added. The first
/// problem (a malformed entry, an option the pass does not have, an entry
/// naming no pass of the pipeline) is kept in `error()`.
class PipelineBuilder {
public:
  explicit PipelineBuilder(llvm::ArrayRef<std::string> passOptions = {});

  /// Adds `pass` to `pm`, with the options given for it.
  void add(mlir::OpPassManager &pm, std::unique_ptr<mlir::Pass> pass);
  /// Adds `pass` to a pipeline nested on func.func in `pm`.
  void addToFunctions(mlir::OpPassManager &pm,
                      std::unique_ptr<mlir::Pass> pass);
  /// Succeeds when every entry was well formed and applied to a pass.
  mlir::LogicalResult finish();
  const std::string &error() const { return firstError; }

private:
  void fail(const std::string &message);
  /// Options by pass argument; the ones a pass took.
  std::map<std::string, std::string> options;
  std::set<std::string> used;
  std::string firstError;
};

/// The passes every target runs first: rgnn decomposition and rewrites,
/// then the strategy passes (the module's target is set if it has none).
void buildCommonPipeline(mlir::OpPassManager &pm, PipelineBuilder &b);
/// After a target's kernels: weights to arguments, buffers (allocations
/// freed), the module's state to arguments.
void buildBufferizePipeline(mlir::OpPassManager &pm, PipelineBuilder &b);
/// What host code holds besides loops and calls: OpenMP regions (the CPU)
/// or kernel launches (CUDA).
enum class HostCode { WithOpenMP, WithLaunches };
/// Host code to the LLVM dialect: vectors, memrefs (allocations through the
/// module's functions), math, arith, index, functions, control flow, and
/// the OpenMP or launch ops.
void buildHostToLLVM(mlir::OpPassManager &pm, PipelineBuilder &b,
                     HostCode host);
/// The CPU pipeline, from seq IR to the LLVM dialect.
void buildCPUPipeline(mlir::OpPassManager &pm, PipelineBuilder &b);
/// Its last part: parallel loops on OpenMP, everything to the LLVM dialect.
void buildCPULoopsToLLVM(mlir::OpPassManager &pm, PipelineBuilder &b);

/// How the kernels' warp tile products come out of the first step: as
/// mma.sync (the GPU) or as loops (the CPU simulation).
enum class WarpProducts { TensorCores, Loops };
/// The CUDA pipeline's first step: every outermost parallel loop
/// distributed over blocks and threads (scf.forall with GPU mappings).
void buildCUDADistributionPipeline(
    mlir::OpPassManager &pm, PipelineBuilder &b,
    WarpProducts products = WarpProducts::TensorCores);
/// The CUDA pipeline: kernels in one gpu.module of NVVM with a target per
/// arch of `archs` (not serialized), host code in the LLVM dialect with
/// gpu.launch_func ops (lib/Target/CUDA finishes both).
void buildCUDAPipeline(mlir::OpPassManager &pm, PipelineBuilder &b,
                       llvm::ArrayRef<std::string> archs);
/// The first step, then the CPU's last part: the CUDA mapping's loops run
/// on the CPU, for testing its arithmetic without a GPU.
void buildCUDASimulationPipeline(mlir::OpPassManager &pm, PipelineBuilder &b);

/// The CPU pipeline with `passOptions` in `pm`; fails with a message.
mlir::LogicalResult buildCPUPipeline(mlir::OpPassManager &pm,
                                     llvm::ArrayRef<std::string> passOptions,
                                     std::string &error);

/// The pipeline for `target` ("cpu", "cuda" or "cuda-simulation") with
/// `passOptions` in `pm`; fails with a message.
mlir::LogicalResult buildPipeline(mlir::OpPassManager &pm,
                                  llvm::StringRef target,
                                  llvm::ArrayRef<std::string> archs,
                                  llvm::ArrayRef<std::string> passOptions,
                                  std::string &error);

/// Registers --seqc-common-pipeline, --seqc-cpu-pipeline,
/// --seqc-cuda-distribution-pipeline and --seqc-cuda-pipeline.
void registerPipelines();

} // namespace seqc

#endif // SEQC_CODEGEN_PIPELINES_H
