//===- CPU.h - Compiling imported models to host code ---------------------===//
#ifndef SEQC_TARGET_CPU_H
#define SEQC_TARGET_CPU_H

#include "seqc/Target/CUDA.h"
#include "seqc/Target/Signature.h"

#include "mlir/IR/BuiltinOps.h"
#include <string>
#include <vector>

namespace seqc {

/// The CPU a module is generated for: an LLVM CPU name and the vector and
/// bit-manipulation features (LLVM names) it may use, which the runtime
/// checks at load.
struct CPUTarget {
  std::string cpu;
  bool host = false;                        // this machine's CPU
  std::string featureString;                // for the TargetMachine
  std::vector<std::string> checkedFeatures; // recorded in the signature
};

/// The CPU for `--cpu=NAME`: "host" (this machine) or an x86-64 CPU LLVM
/// knows (`x86-64-v2`, `znver4`, ...). Fails with a message otherwise.
mlir::LogicalResult resolveCPU(const std::string &name, CPUTarget &out,
                               std::string &error);

/// How a module is emitted: for which CPU, and the prefix of the two
/// symbols it exports (`<prefix>_entry`, `<prefix>_signature`; every other
/// symbol is internal, so that several modules link into one program).
struct EmitOptions {
  CPUTarget cpu;
  std::string prefix = "seqc";
  /// Workers the module is compiled for (#seq.target; 0: this machine's
  /// hardware threads).
  int64_t threads = 0;
  /// Where the model runs: "cpu", "cuda" (host code on `cpu` launching
  /// kernels for `cuda`), or "cuda-simulation" (the CUDA pipeline's
  /// distributed loops run on the CPU: a CPU module, for tests).
  std::string target = "cpu";
  CUDATarget cuda;
  /// "f32" or "bf16": what the matrix products read (SPEC §5; the
  /// module's `seq.precision`).
  std::string precision = "f32";
};

/// Sets the module's #seq.target (when it has none) for `options`, runs
/// the target's pipeline (Codegen/Pipelines.h) with `passOptions` (for
/// CUDA, then finishCUDAModule), and adds the
/// module's entry point `<prefix>_entry` (seqc_entry_fn of
/// seqc_module_abi.h) and the global `<prefix>_signature`. Diagnostics go
/// to the context's handler.
mlir::LogicalResult lowerToLLVMDialect(mlir::ModuleOp module,
                                       llvm::ArrayRef<std::string> passOptions,
                                       const EmitOptions &options);

/// Its first part: sets the #seq.target and runs the target's pipeline
/// (a CUDA module's kernels are then NVVM, not yet compiled).
mlir::LogicalResult runPipeline(mlir::ModuleOp module,
                                llvm::ArrayRef<std::string> passOptions,
                                const EmitOptions &options);

/// LLVM IR text, or an object file, for `cpu`.
mlir::LogicalResult emitLLVMIR(mlir::ModuleOp module, int optLevel,
                               const CPUTarget &cpu, std::string &out,
                               std::string &error);
mlir::LogicalResult emitObject(mlir::ModuleOp module, int optLevel,
                               const CPUTarget &cpu, std::string &out,
                               std::string &error);

/// Links an object file into a shared library with the system C compiler.
mlir::LogicalResult linkSharedLibrary(const std::string &objectPath,
                                      const std::string &soPath,
                                      std::string &error);

} // namespace seqc

#endif // SEQC_TARGET_CPU_H
