//===- CUDA.h - A CUDA module's device code and launches --------*- C++ -*-===//
#ifndef SEQC_TARGET_CUDA_H
#define SEQC_TARGET_CUDA_H

#include "mlir/IR/BuiltinOps.h"

#include <string>
#include <vector>

namespace seqc {

/// The GPUs a CUDA module is compiled for.
struct CUDATarget {
  /// sm_NN, oldest first (the default list is SPEC's).
  std::vector<std::string> archs = {"sm_80", "sm_90"};
  /// The CUDA toolkit whose ptxas makes the cubins.
  std::string toolkit;
};

/// Parses `--gpu-arch=sm_80,sm_90` (sorted, duplicates dropped); fails with
/// a message on anything but sm_NN with NN >= 50.
mlir::LogicalResult parseGPUArchs(llvm::StringRef list,
                                  std::vector<std::string> &archs,
                                  std::string &error);

/// The toolkit: `--cuda-toolkit`, else $CUDA_HOME, $CUDA_PATH, else
/// /usr/local/cuda.
std::string defaultCUDAToolkit();

/// The PTX of the module's kernels (the CUDA pipeline's output) for the
/// newest architecture. Errors go to the context's handler.
mlir::LogicalResult emitKernelsPTX(mlir::ModuleOp module,
                                   const CUDATarget &target, std::string &ptx);

/// Finishes a module the CUDA pipeline lowered: compiles its kernels (a
/// cubin per architecture with the toolkit's ptxas, and the PTX of the
/// newest) into constants of the host module, and makes each launch a call
/// of the seqc_cuda_calls the entry receives (seqc_module_abi.h), as are
/// the host code's allocations. Errors go to the context's handler.
mlir::LogicalResult finishCUDAModule(mlir::ModuleOp module,
                                     const CUDATarget &target);

/// The thread-local global the entry stores its seqc_cuda_calls in.
constexpr llvm::StringLiteral kCUDACalls = "seqc_cuda_calls";

} // namespace seqc

#endif // SEQC_TARGET_CUDA_H
