//===- Commands.h - The seqc sub-commands ---------------------------------===//
#ifndef SEQC_TOOLS_SEQC_COMMANDS_H
#define SEQC_TOOLS_SEQC_COMMANDS_H

#include "seqc/Frontend/ModelImporter.h"
#include "seqc/Target/CPU.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/Support/CommandLine.h"

#include <string>

namespace seqc::cli {

/// `seqc compile ...`; argv[0] is "seqc compile".
int compileCommand(int argc, char **argv);
/// `seqc run ...`; argv[0] is "seqc run".
int runCommand(int argc, char **argv);

/// Prints `seqc: error: ...` and returns 1.
int reportError(const seqc::UserError &error);
/// The category of the sub-commands' own options.
llvm::cl::OptionCategory &commandOptions();
/// `--help` lists the command's own options (and MLIR's --mlir-timing and
/// IR printing), not LLVM's internal ones; `--version` prints the version.
void focusHelp();
void printVersion(llvm::raw_ostream &os);
/// Writes `bytes` to `path` ('-' for stdout); a write error (a full disk,
/// /dev/full) is one message.
int writeOutput(const std::string &path, llvm::StringRef bytes);
/// Refuses an output path that is a directory, lies in a missing directory,
/// or is one of `inputs` (the model, the weights).
int checkOutputPath(const std::string &path,
                    llvm::ArrayRef<std::string> inputs);
/// Prints the usage and returns 2.
int usage();

/// An MLIR context with every dialect seqc uses.
std::unique_ptr<mlir::MLIRContext> makeContext();
/// Imports MODEL.json, with --weights replacing its weights file when given.
/// Returns null after reporting the problem.
mlir::OwningOpRef<mlir::ModuleOp> importForCommand(mlir::MLIRContext &ctx,
                                                   const std::string &model,
                                                   const std::string &weights);
/// Sets `options`' target from --target (cpu, cuda, or the tests'
/// cuda-simulation), --gpu-arch, --cuda-toolkit and --precision; reports a bad
/// value (against `model`) and returns 1.
int targetForCommand(const std::string &model, const std::string &target,
                     const std::string &gpuArchs, const std::string &toolkit,
                     const std::string &precision, seqc::EmitOptions &options);
/// Builds the target's pipeline with `--pass-options` applied, for its
/// text in `pipeline` (--print-pipeline); reports a bad entry (against
/// `model`) and returns 1.
int pipelineForCommand(const std::string &model,
                       llvm::ArrayRef<std::string> passOptions,
                       const seqc::EmitOptions &options, std::string &pipeline);
/// Lowers an imported module through its target's pipeline with `passOptions`
/// and links it into a shared library at `so`. Returns 0, or reports the
/// problem and returns 1.
int buildSharedLibrary(mlir::ModuleOp module, const std::string &model,
                       llvm::ArrayRef<std::string> passOptions,
                       const std::string &so, int optLevel,
                       const seqc::EmitOptions &options);

} // namespace seqc::cli

#endif // SEQC_TOOLS_SEQC_COMMANDS_H
