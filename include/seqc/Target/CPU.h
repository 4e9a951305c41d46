//===- CPU.h - Compiling imported models to host code ---------------------===//
#ifndef SEQC_TARGET_CPU_H
#define SEQC_TARGET_CPU_H

#include "mlir/IR/BuiltinOps.h"
#include <string>

namespace seqc {

/// The module ABI version the runtime checks (seqc_signature's "abi").
constexpr int kModuleABIVersion = 1;

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
/// The signature with the run-time check messages the lowering recorded.
std::string withCheckMessages(const std::string &signature,
                              mlir::ArrayAttr messages);

/// The C header for `--emit=header`, from moduleSignature().
std::string emitHeader(const std::string &signature);

/// Runs `pipeline` (cpuPipeline() or cpuPipelineWith()) and adds the
/// module's entry point `int32_t seqc_entry(void **args, void *results)`
/// and the global `seqc_signature`. Diagnostics go to the context's
/// handler.
mlir::LogicalResult lowerToLLVMDialect(mlir::ModuleOp module,
                                       const std::string &pipeline);

/// LLVM IR text, or an object file, for the host CPU.
mlir::LogicalResult emitLLVMIR(mlir::ModuleOp module, int optLevel,
                               std::string &out, std::string &error);
mlir::LogicalResult emitObject(mlir::ModuleOp module, int optLevel,
                               std::string &out, std::string &error);

/// Links an object file into a shared library with the system C compiler.
mlir::LogicalResult linkSharedLibrary(const std::string &objectPath,
                                      const std::string &soPath,
                                      std::string &error);

} // namespace seqc

#endif // SEQC_TARGET_CPU_H
