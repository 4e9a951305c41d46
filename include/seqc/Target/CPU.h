//===- CPU.h - Compiling imported models to host code ---------------------===//
#ifndef SEQC_TARGET_CPU_H
#define SEQC_TARGET_CPU_H

#include "seqc/Runtime/seqc_module_abi.h"

#include "mlir/IR/BuiltinOps.h"
#include <string>
#include <vector>

namespace seqc {

/// The module ABI version the runtime checks (the signature's "abi").
constexpr int kModuleABIVersion = SEQC_MODULE_ABI_VERSION;

/// The CPU a module is generated for: an LLVM CPU name and the vector and
/// bit-manipulation features (LLVM names) it may use, which the runtime
/// checks at load.
struct CPUTarget {
  std::string cpu;
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
};

/// `--name`'s default: the model's name made into a C identifier.
std::string symbolPrefix(const std::string &modelName);

/// The pass pipeline from seq IR to the LLVM dialect, as the textual list
/// of passes nested in `builtin.module(...)`.
std::string cpuPipeline();

/// cpuPipeline() with options for some of its passes (`--pass-options`):
/// each entry `PASS{key=value ...}` names a pass of the pipeline. Fails
/// with a message for an entry that names none or an option the pass
/// does not have.
mlir::LogicalResult cpuPipelineWith(llvm::ArrayRef<std::string> passOptions,
                                    std::string &pipeline, std::string &error);

/// The module's signature as JSON: inputs (names, dtypes, dims with
/// symbols), weights, outputs and token-id ranges, from the imported
/// (seq-level) module.
std::string moduleSignature(mlir::ModuleOp module);
/// The signature with what the lowering recorded on the module (run-time
/// check messages, state buffers) and the CPU it was generated for.
std::string withLoweringFacts(const std::string &signature,
                              mlir::ModuleOp module, const CPUTarget &cpu);

/// The C header for `--emit=header`, from moduleSignature(), for the
/// object emitted with the same `prefix`.
std::string emitHeader(const std::string &signature, const std::string &prefix);

/// Runs `pipeline` (cpuPipeline() or cpuPipelineWith()) and adds the
/// module's entry point `<prefix>_entry` (seqc_entry_fn of
/// seqc_module_abi.h) and the global `<prefix>_signature`. Diagnostics go
/// to the context's handler.
mlir::LogicalResult lowerToLLVMDialect(mlir::ModuleOp module,
                                       const std::string &pipeline,
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
