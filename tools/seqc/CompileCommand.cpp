//===- CompileCommand.cpp - `seqc compile`: model → IR, object, library ---===//
#include "Commands.h"
#include "seqc/InitAll.h"
#include "seqc/Target/CPU.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/FileUtilities.h"
#include "mlir/Support/Timing.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/raw_ostream.h"

namespace cl = llvm::cl;
using namespace seqc::cli;

namespace {

enum class Emit { Seq, Mlir, Llvm, Obj, So, Ptx, Header };

struct CompileOptions {
  cl::opt<std::string> model{cl::Positional, cl::desc("<MODEL.json>")};
  cl::opt<std::string> output{
      "o",
      cl::desc("Output file ('-' for stdout; default: stdout for "
               "text, MODEL.o / MODEL.so for binaries)"),
      cl::value_desc("OUT")};
  cl::opt<Emit> emit{
      "emit", cl::desc("What to produce"), cl::init(Emit::So),
      cl::values(clEnumValN(Emit::Seq, "seq", "high-level IR after import"),
                 clEnumValN(Emit::Mlir, "mlir", "IR after the whole pipeline"),
                 clEnumValN(Emit::Llvm, "llvm", "LLVM IR"),
                 clEnumValN(Emit::Obj, "obj", "object file"),
                 clEnumValN(Emit::So, "so", "shared library (default)"),
                 clEnumValN(Emit::Ptx, "ptx", "CUDA PTX"),
                 clEnumValN(Emit::Header, "header", "C header for linking"))};
  cl::opt<std::string> target{"target", cl::desc("cpu (default) or cuda"),
                              cl::init("cpu")};
  cl::opt<std::string> gpuArch{"gpu-arch", cl::desc("CUDA arch, e.g. sm_90"),
                               cl::init("sm_80")};
  cl::opt<unsigned> optLevel{"O", cl::Prefix, cl::desc("Optimization level"),
                             cl::init(3)};
  cl::opt<bool> printPipeline{"print-pipeline",
                              cl::desc("Print the pass pipeline")};
  cl::opt<std::string> weights{"weights",
                               cl::desc("Weights file replacing the model's"),
                               cl::value_desc("FILE.safetensors")};
  cl::list<std::string> passOptions{
      "pass-options", cl::desc("Options of a pass of the pipeline"),
      cl::value_desc("PASS{key=value ...}")};
  std::string pipeline;
};

} // namespace

int seqc::cli::usage() {
  llvm::errs()
      << "usage: seqc compile MODEL.json -o OUT [--emit=...] "
         "[--target=cpu|cuda]\n"
         "       seqc run MODEL.json|MODULE.so [--input NAME=FILE.npy] "
         "...\n"
         "       seqc <command> --help\n";
  return 2;
}

int seqc::cli::reportError(const seqc::UserError &error) {
  llvm::errs() << error.str() << "\n";
  return 1;
}

/// Writes `bytes` to `path` ('-' for stdout).
std::unique_ptr<mlir::MLIRContext> seqc::cli::makeContext() {
  mlir::DialectRegistry registry;
  seqc::registerAllDialects(registry);
  return std::make_unique<mlir::MLIRContext>(registry);
}

mlir::OwningOpRef<mlir::ModuleOp>
seqc::cli::importForCommand(mlir::MLIRContext &ctx, const std::string &model,
                            const std::string &weights) {
  seqc::ImportOptions options;
  if (!weights.empty())
    options.weightsPath = weights;
  seqc::UserError error;
  auto module = seqc::importModel(ctx, model, options, error);
  if (!module)
    reportError(error);
  return module;
}

int seqc::cli::pipelineForCommand(const std::string &model,
                                  llvm::ArrayRef<std::string> passOptions,
                                  std::string &pipeline) {
  std::string error;
  if (failed(seqc::cpuPipelineWith(passOptions, pipeline, error)))
    return reportError({model, "", error});
  return 0;
}

int seqc::cli::buildSharedLibrary(mlir::ModuleOp module,
                                  const std::string &model,
                                  const std::string &pipeline,
                                  const std::string &so, int optLevel) {
  if (failed(seqc::lowerToLLVMDialect(module, pipeline)))
    return reportError({model, "", "lowering failed (see above)"});
  std::string bytes, error;
  if (failed(seqc::emitObject(module, optLevel, bytes, error)))
    return reportError({model, "", error});
  llvm::SmallString<128> object;
  int fd;
  if (llvm::sys::fs::createTemporaryFile("seqc", "o", fd, object))
    return reportError({model, "", "cannot create a temporary file"});
  {
    llvm::raw_fd_ostream os(fd, /*shouldClose=*/true);
    os << bytes;
  }
  mlir::LogicalResult linked =
      seqc::linkSharedLibrary(std::string(object), so, error);
  llvm::sys::fs::remove(object);
  if (failed(linked))
    return reportError({so, "", error});
  return 0;
}

namespace {
int writeOutput(const std::string &path, llvm::StringRef bytes) {
  std::string message;
  auto out = mlir::openOutputFile(path, &message);
  if (!out)
    return reportError({path, "", message});
  out->os() << bytes;
  out->keep();
  return 0;
}

/// The output path: -o, or by default stdout for text and the model's stem
/// with `binaryExt` for binaries.
std::string outputPath(const CompileOptions &opts,
                       llvm::StringRef binaryExt = "") {
  if (!opts.output.empty())
    return opts.output;
  if (binaryExt.empty())
    return "-";
  return (llvm::sys::path::stem(opts.model) + binaryExt).str();
}

int emit(mlir::ModuleOp module, const CompileOptions &opts) {
  if (opts.emit == Emit::Seq) {
    std::string text;
    llvm::raw_string_ostream os(text);
    module.print(os, mlir::OpPrintingFlags());
    os << "\n";
    return writeOutput(outputPath(opts), text);
  }
  if (opts.emit == Emit::Header)
    return writeOutput(outputPath(opts),
                       seqc::emitHeader(seqc::moduleSignature(module)));
  if (opts.emit == Emit::So)
    return buildSharedLibrary(module, opts.model, opts.pipeline,
                              outputPath(opts, ".so"), opts.optLevel);
  if (failed(seqc::lowerToLLVMDialect(module, opts.pipeline)))
    return reportError({opts.model, "", "lowering failed (see above)"});
  std::string bytes, error;
  switch (opts.emit) {
  case Emit::Mlir: {
    llvm::raw_string_ostream os(bytes);
    module.print(os, mlir::OpPrintingFlags());
    return writeOutput(outputPath(opts), bytes);
  }
  case Emit::Llvm:
    if (failed(seqc::emitLLVMIR(module, opts.optLevel, bytes, error)))
      return reportError({opts.model, "", error});
    return writeOutput(outputPath(opts), bytes);
  default: // Emit::Obj
    if (failed(seqc::emitObject(module, opts.optLevel, bytes, error)))
      return reportError({opts.model, "", error});
    return writeOutput(outputPath(opts, ".o"), bytes);
  }
}

int compileImpl(int argc, char **argv) {
  CompileOptions opts;
  if (!cl::ParseCommandLineOptions(argc, argv, "seqc compile\n", &llvm::errs()))
    return 2;
  if (opts.model.empty()) {
    llvm::errs() << "seqc compile: missing MODEL.json\n";
    return usage();
  }
  if (opts.optLevel > 3) {
    llvm::errs() << "seqc compile: -O" << opts.optLevel
                 << " is not an optimization level (-O0..-O3)\n";
    return 2;
  }
  if (opts.target != "cpu" && opts.target != "cuda")
    return reportError(
        {opts.model, "",
         "unsupported --target=" + opts.target + " (expected cpu or cuda)"});
  if (int rc = pipelineForCommand(opts.model, opts.passOptions, opts.pipeline))
    return rc;
  if (opts.printPipeline)
    llvm::outs() << "import-model, builtin.module(" << opts.pipeline << ")\n";

  auto ctx = makeContext();
  auto module = importForCommand(*ctx, opts.model, opts.weights);
  if (!module)
    return 1;

  if (opts.emit == Emit::Ptx || opts.target == "cuda")
    return reportError({opts.model, "",
                        "--emit=ptx and --target=cuda are not available yet; "
                        "this build compiles for the host CPU"});
  return emit(*module, opts);
}
} // namespace

int seqc::cli::compileCommand(int argc, char **argv) {
  return compileImpl(argc, argv);
}
