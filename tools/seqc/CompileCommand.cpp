//===- CompileCommand.cpp - `seqc compile`: model → IR, object, library ---===//
#include "Commands.h"
#include "seqc/Codegen/Pipelines.h"
#include "seqc/InitAll.h"
#include "seqc/Target/CPU.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/FileUtilities.h"
#include "mlir/Support/Timing.h"
#include "llvm/ADT/ScopeExit.h"
#include "llvm/Config/llvm-config.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/raw_ostream.h"

namespace cl = llvm::cl;
using namespace seqc::cli;

#include <cctype>

/// The module attribute `name` as a string ("" when absent).
static std::string moduleString(mlir::ModuleOp module, llvm::StringRef name) {
  auto s = module->getAttrOfType<mlir::StringAttr>(name);
  return s ? s.str() : "";
}
static std::string modelName(mlir::ModuleOp module) {
  return moduleString(module, "seq.model_name");
}
static std::string weightsFile(mlir::ModuleOp module) {
  return moduleString(module, "seq.weights_file");
}

namespace {

enum class Emit { Seq, Mlir, Llvm, Obj, So, Ptx, Header };

struct CompileOptions {
  cl::opt<std::string> model{cl::Positional, cl::desc("<MODEL.json>"),
                             cl::cat(commandOptions())};
  cl::opt<std::string> output{
      "o", cl::cat(commandOptions()),
      cl::desc("Output file ('-' for stdout; default: stdout for "
               "text, MODEL.o / MODEL.so for binaries)"),
      cl::value_desc("OUT")};
  cl::opt<Emit> emit{
      "emit", cl::desc("What to produce"), cl::init(Emit::So),
      cl::cat(commandOptions()),
      cl::values(clEnumValN(Emit::Seq, "seq", "high-level IR after import"),
                 clEnumValN(Emit::Mlir, "mlir", "IR after the whole pipeline"),
                 clEnumValN(Emit::Llvm, "llvm", "LLVM IR"),
                 clEnumValN(Emit::Obj, "obj", "object file"),
                 clEnumValN(Emit::So, "so", "shared library (default)"),
                 clEnumValN(Emit::Ptx, "ptx", "CUDA PTX"),
                 clEnumValN(Emit::Header, "header", "C header for linking"))};
  cl::opt<std::string> target{"target", cl::desc("cpu (default) or cuda"),
                              cl::init("cpu"), cl::cat(commandOptions())};
  cl::opt<std::string> gpuArch{
      "gpu-arch",
      cl::desc("CUDA architectures to embed cubins for, oldest to newest "
               "(PTX of the newest too; default sm_80,sm_90)"),
      cl::init("sm_80,sm_90"), cl::value_desc("sm_NN,..."),
      cl::cat(commandOptions())};
  cl::opt<std::string> cudaToolkit{
      "cuda-toolkit",
      cl::desc("CUDA toolkit whose ptxas makes the cubins (default: "
               "$CUDA_HOME, $CUDA_PATH or /usr/local/cuda)"),
      cl::value_desc("DIR"), cl::cat(commandOptions())};
  cl::opt<std::string> cpu{
      "cpu",
      cl::desc("CPU to generate code for: host (default) or an LLVM CPU "
               "name such as x86-64-v2, x86-64-v3, znver4; the runtime "
               "refuses to load the module on a CPU without its features"),
      cl::init("host"), cl::cat(commandOptions())};
  cl::opt<std::string> precision{
      "precision",
      cl::desc("What the matrix products read: f32 (default) or bf16 "
               "(weights converted once, f32 accumulation; CPU target)"),
      cl::init("f32"), cl::cat(commandOptions())};
  cl::opt<std::string> name{
      "name",
      cl::desc("Prefix of the symbols an object exports (IDENT_entry, "
               "IDENT_signature) and of the header's functions; default: "
               "the model's name as a C identifier"),
      cl::value_desc("IDENT"), cl::cat(commandOptions())};
  cl::opt<unsigned> optLevel{"O", cl::Prefix, cl::desc("Optimization level"),
                             cl::init(3), cl::cat(commandOptions())};
  cl::opt<bool> printPipeline{"print-pipeline",
                              cl::desc("Print the pass pipeline"),
                              cl::cat(commandOptions())};
  cl::opt<std::string> weights{
      "weights", cl::desc("Weights file replacing the model's"),
      cl::value_desc("FILE.safetensors"), cl::cat(commandOptions())};
  cl::list<std::string> passOptions{
      "pass-options", cl::desc("Options of a pass of the pipeline"),
      cl::value_desc("PASS{key=value ...}"), cl::cat(commandOptions())};
  cl::opt<unsigned> threads{
      "threads",
      cl::desc("Threads the module will run on, which the strategy's "
               "choices depend on (1 to 1024; default: this machine's)"),
      cl::init(0), cl::cat(commandOptions())};
  std::string pipeline;
  seqc::EmitOptions emitOptions;
};

} // namespace

int seqc::cli::usage() {
  llvm::errs()
      << "usage: seqc compile MODEL.json -o OUT [--emit=...] "
         "[--target=cpu|cuda] [--precision=f32|bf16]\n"
         "       seqc run MODEL.json|MODULE.so [--input NAME=FILE.npy] "
         "...\n"
         "       seqc <command> --help\n";
  return 2;
}

cl::OptionCategory &seqc::cli::commandOptions() {
  static cl::OptionCategory category("seqc options");
  return category;
}

void seqc::cli::focusHelp() {
  // MLIR's switches that SPEC names stay visible; LLVM's internal ones
  // (hundreds, for every target) are listed only by --help-hidden.
  auto &registered = cl::getRegisteredOptions();
  for (const char *name :
       {"mlir-print-ir-after-all", "mlir-print-ir-before-all", "mlir-timing",
        "mlir-pass-statistics"})
    if (cl::Option *option = registered.lookup(name))
      option->addCategory(commandOptions());
  cl::HideUnrelatedOptions(commandOptions());
  cl::SetVersionPrinter(printVersion);
}

void seqc::cli::printVersion(llvm::raw_ostream &os) {
  os << "seqc " << SEQC_VERSION << " (LLVM/MLIR " << LLVM_VERSION_STRING
     << ")\n";
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

int seqc::cli::targetForCommand(const std::string &model,
                                const std::string &target,
                                const std::string &gpuArchs,
                                const std::string &toolkit,
                                const std::string &precision,
                                seqc::EmitOptions &options) {
  if (target != "cpu" && target != "cuda" && target != "cuda-simulation")
    return reportError(
        {model, "",
         "unsupported --target=" + target + " (expected cpu or cuda)"});
  options.target = target;
  if (precision != "f32" && precision != "bf16")
    return reportError(
        {model, "",
         "unsupported --precision=" + precision + " (expected f32 or bf16)"});
  options.precision = precision;
  std::string error;
  if (failed(seqc::parseGPUArchs(gpuArchs, options.cuda.archs, error)))
    return reportError({model, "", error});
  options.cuda.toolkit = toolkit.empty() ? seqc::defaultCUDAToolkit() : toolkit;
  return 0;
}

int seqc::cli::pipelineForCommand(const std::string &model,
                                  llvm::ArrayRef<std::string> passOptions,
                                  const seqc::EmitOptions &options,
                                  std::string &pipeline) {
  std::string error;
  mlir::OpPassManager pm("builtin.module");
  if (mlir::failed(seqc::buildPipeline(pm, options.target, options.cuda.archs,
                                       passOptions, error)))
    return reportError({model, "", error});
  llvm::raw_string_ostream os(pipeline);
  pm.printAsTextualPipeline(os);
  return 0;
}

int seqc::cli::writeOutput(const std::string &path, llvm::StringRef bytes) {
  std::string message;
  auto out = mlir::openOutputFile(path, &message);
  if (!out)
    return reportError({path, "", message});
  out->os() << bytes;
  out->os().close();
  if (std::error_code ec = out->os().error()) {
    out->os().clear_error();
    return reportError({path, "", "cannot write: " + ec.message()});
  }
  out->keep();
  return 0;
}

int seqc::cli::checkOutputPath(const std::string &path,
                               llvm::ArrayRef<std::string> inputs) {
  if (path == "-")
    return 0;
  if (llvm::sys::fs::is_directory(path))
    return reportError({path, "", "is a directory"});
  llvm::StringRef parent = llvm::sys::path::parent_path(path);
  if (!parent.empty() && !llvm::sys::fs::is_directory(parent))
    return reportError(
        {path, "", "directory '" + parent.str() + "' does not exist"});
  for (const std::string &input : inputs)
    if (!input.empty() && llvm::sys::fs::equivalent(path, input))
      return reportError({path, "",
                          "is an input of this command ('" + input +
                              "'); refusing to overwrite it"});
  return 0;
}

int seqc::cli::buildSharedLibrary(mlir::ModuleOp module,
                                  const std::string &model,
                                  llvm::ArrayRef<std::string> passOptions,
                                  const std::string &so, int optLevel,
                                  const seqc::EmitOptions &options) {
  if (failed(seqc::lowerToLLVMDialect(module, passOptions, options)))
    return reportError({model, "", "lowering failed (see above)"});
  std::string bytes, error;
  if (failed(seqc::emitObject(module, optLevel, options.cpu, bytes, error)))
    return reportError({model, "", error});
  // Linked in a temporary directory, then written to `so` like any other
  // output (one message for an unwritable destination, not the linker's).
  llvm::SmallString<128> dir;
  if (llvm::sys::fs::createUniqueDirectory("seqc-link", dir))
    return reportError({model, "", "cannot create a temporary directory"});
  std::string object = (dir + "/module.o").str();
  std::string library = (dir + "/module.so").str();
  llvm::scope_exit cleanup([&] {
    llvm::sys::fs::remove(object);
    llvm::sys::fs::remove(library);
    llvm::sys::fs::remove(dir);
  });
  if (int rc = writeOutput(object, bytes))
    return rc;
  if (failed(seqc::linkSharedLibrary(object, library, error)))
    return reportError({so, "", error});
  auto linked = llvm::MemoryBuffer::getFile(library, /*IsText=*/false);
  if (!linked)
    return reportError({so, "", "cannot read the linked library"});
  return writeOutput(so, (*linked)->getBuffer());
}

namespace {

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

/// Where this command writes.
std::string finalOutputPath(const CompileOptions &opts) {
  return outputPath(opts, opts.emit == Emit::So    ? ".so"
                          : opts.emit == Emit::Obj ? ".o"
                                                   : "");
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
                       seqc::emitHeader(seqc::moduleSignature(module),
                                        opts.emitOptions.prefix));
  if (opts.emit == Emit::So) {
    // A shared library keeps the fixed names the runtime looks up.
    seqc::EmitOptions so = opts.emitOptions;
    so.prefix = "seqc";
    return buildSharedLibrary(module, opts.model, opts.passOptions,
                              outputPath(opts, ".so"), opts.optLevel, so);
  }
  if (opts.emit == Emit::Ptx) {
    std::string ptx;
    if (failed(seqc::runPipeline(module, opts.passOptions, opts.emitOptions)) ||
        failed(seqc::emitKernelsPTX(module, opts.emitOptions.cuda, ptx)))
      return reportError({opts.model, "", "lowering failed (see above)"});
    return writeOutput(outputPath(opts), ptx);
  }
  if (failed(
          seqc::lowerToLLVMDialect(module, opts.passOptions, opts.emitOptions)))
    return reportError({opts.model, "", "lowering failed (see above)"});
  std::string bytes, error;
  switch (opts.emit) {
  case Emit::Mlir: {
    llvm::raw_string_ostream os(bytes);
    module.print(os, mlir::OpPrintingFlags());
    return writeOutput(outputPath(opts), bytes);
  }
  case Emit::Llvm:
    if (failed(seqc::emitLLVMIR(module, opts.optLevel, opts.emitOptions.cpu,
                                bytes, error)))
      return reportError({opts.model, "", error});
    return writeOutput(outputPath(opts), bytes);
  default: // Emit::Obj
    if (failed(seqc::emitObject(module, opts.optLevel, opts.emitOptions.cpu,
                                bytes, error)))
      return reportError({opts.model, "", error});
    return writeOutput(outputPath(opts, ".o"), bytes);
  }
}

/// A valid C identifier: a letter or '_', then letters, digits, '_'.
bool isIdentifier(llvm::StringRef s) {
  if (s.empty() ||
      !(std::isalpha(static_cast<unsigned char>(s[0])) || s[0] == '_'))
    return false;
  return llvm::all_of(s, [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
  });
}

int compileImpl(int argc, char **argv) {
  CompileOptions opts;
  focusHelp();
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
  if (int rc =
          targetForCommand(opts.model, opts.target, opts.gpuArch,
                           opts.cudaToolkit, opts.precision, opts.emitOptions))
    return rc;
  if (opts.emit == Emit::Ptx && opts.target != "cuda")
    return reportError({opts.model, "", "--emit=ptx needs --target=cuda"});
  if (opts.threads > 1024) {
    llvm::errs() << "seqc compile: --threads=" << opts.threads
                 << " is not in 1..1024\n";
    return 2;
  }
  opts.emitOptions.threads = opts.threads;
  if (!opts.name.empty() && !isIdentifier(opts.name)) {
    llvm::errs() << "seqc compile: --name=" << opts.name
                 << " is not a C identifier\n";
    return 2;
  }
  if (int rc = pipelineForCommand(opts.model, opts.passOptions,
                                  opts.emitOptions, opts.pipeline))
    return rc;
  std::string cpuError;
  if (failed(seqc::resolveCPU(opts.cpu, opts.emitOptions.cpu, cpuError)))
    return reportError({opts.model, "", "--cpu: " + cpuError});
  if (int rc =
          checkOutputPath(finalOutputPath(opts), {opts.model, opts.weights}))
    return rc;
  if (opts.printPipeline)
    llvm::outs() << "import-model, " << opts.pipeline << "\n";

  auto ctx = makeContext();
  auto module = importForCommand(*ctx, opts.model, opts.weights);
  if (!module)
    return 1;
  opts.emitOptions.prefix =
      opts.name.empty() ? seqc::symbolPrefix(modelName(*module)) : opts.name;
  // Not the weights file the model names either.
  if (int rc = checkOutputPath(finalOutputPath(opts), {weightsFile(*module)}))
    return rc;

  return emit(*module, opts);
}
} // namespace

int seqc::cli::compileCommand(int argc, char **argv) {
  // LLVM registers a `-threads` option of its own; seqc's `--threads` wins.
  if (cl::Option *taken = cl::getRegisteredOptions().lookup("threads"))
    taken->removeArgument();
  return compileImpl(argc, argv);
}
