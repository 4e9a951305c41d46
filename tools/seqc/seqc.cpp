//===- seqc.cpp - The seqc command line: compile and run models -----------===//
//
// `seqc compile MODEL.json ...` and `seqc run ...` (SPEC §1). Exit status:
// 0 success, 1 a problem with what the user gave (one `seqc: error:` line),
// 2 command-line misuse.
//
//===----------------------------------------------------------------------===//
#include "seqc/Frontend/ModelImporter.h"
#include "seqc/InitAll.h"
#include "seqc/Target/CPU.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/FileUtilities.h"
#include "mlir/Support/Timing.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/raw_ostream.h"

namespace cl = llvm::cl;

namespace {

enum class Emit { Seq, Mlir, Llvm, Obj, So, Ptx, Header };

struct CompileOptions {
  cl::opt<std::string> model{cl::Positional, cl::desc("<MODEL.json>")};
  cl::opt<std::string> output{"o", cl::desc("Output file ('-' for stdout)"),
                              cl::value_desc("OUT"), cl::init("-")};
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
};

int usage() {
  llvm::errs()
      << "usage: seqc compile MODEL.json -o OUT [--emit=...] "
         "[--target=cpu|cuda]\n"
         "       seqc run MODEL.json|MODULE.so [--input NAME=FILE.npy] "
         "...\n"
         "       seqc <command> --help\n";
  return 2;
}

int reportError(const seqc::UserError &error) {
  llvm::errs() << error.str() << "\n";
  return 1;
}

/// Writes `bytes` to `path` ('-' for stdout).
int writeOutput(const std::string &path, llvm::StringRef bytes) {
  std::string message;
  auto out = mlir::openOutputFile(path, &message);
  if (!out)
    return reportError({path, "", message});
  out->os() << bytes;
  out->keep();
  return 0;
}

/// The default output path: the model's stem with `ext`, or stdout for text.
std::string outputPath(const CompileOptions &opts, llvm::StringRef ext) {
  if (opts.output != "-" || ext.empty())
    return opts.output;
  return (llvm::sys::path::stem(opts.model) + ext).str();
}

int emit(mlir::ModuleOp module, const CompileOptions &opts) {
  if (opts.emit == Emit::Seq) {
    std::string text;
    llvm::raw_string_ostream os(text);
    module.print(os, mlir::OpPrintingFlags());
    os << "\n";
    return writeOutput(opts.output, text);
  }
  if (failed(seqc::lowerToLLVMDialect(module)))
    return reportError({opts.model, "", "lowering failed (see above)"});
  std::string bytes, error;
  switch (opts.emit) {
  case Emit::Mlir: {
    llvm::raw_string_ostream os(bytes);
    module.print(os, mlir::OpPrintingFlags());
    return writeOutput(opts.output, bytes);
  }
  case Emit::Llvm:
    if (failed(seqc::emitLLVMIR(module, opts.optLevel, bytes, error)))
      return reportError({opts.model, "", error});
    return writeOutput(opts.output, bytes);
  case Emit::Obj:
    if (failed(seqc::emitObject(module, opts.optLevel, bytes, error)))
      return reportError({opts.model, "", error});
    return writeOutput(outputPath(opts, ".o"), bytes);
  default:
    break;
  }
  // A shared library: the object through the system linker.
  if (failed(seqc::emitObject(module, opts.optLevel, bytes, error)))
    return reportError({opts.model, "", error});
  llvm::SmallString<128> object;
  int fd;
  if (llvm::sys::fs::createTemporaryFile("seqc", "o", fd, object))
    return reportError({opts.model, "", "cannot create a temporary file"});
  {
    llvm::raw_fd_ostream os(fd, /*shouldClose=*/true);
    os << bytes;
  }
  std::string so = outputPath(opts, ".so");
  mlir::LogicalResult linked =
      seqc::linkSharedLibrary(std::string(object), so, error);
  llvm::sys::fs::remove(object);
  if (failed(linked))
    return reportError({so, "", error});
  return 0;
}

int compile(int argc, char **argv) {
  CompileOptions opts;
  mlir::registerAsmPrinterCLOptions();
  mlir::registerMLIRContextCLOptions();
  mlir::registerPassManagerCLOptions();
  mlir::registerDefaultTimingManagerCLOptions();
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
  if (opts.printPipeline)
    llvm::outs() << "import-model, builtin.module(" << seqc::cpuPipeline()
                 << ")\n";

  mlir::DialectRegistry registry;
  seqc::registerAllDialects(registry);
  mlir::MLIRContext ctx(registry);
  seqc::ImportOptions importOptions;
  if (!opts.weights.empty())
    importOptions.weightsPath = opts.weights;
  seqc::UserError error;
  auto module = seqc::importModel(ctx, opts.model, importOptions, error);
  if (!module)
    return reportError(error);

  if (opts.emit == Emit::Ptx || opts.emit == Emit::Header ||
      opts.target == "cuda")
    return reportError({opts.model, "",
                        "--emit=ptx, --emit=header and --target=cuda are not "
                        "available yet; this build compiles for the host CPU"});
  return emit(*module, opts);
}
} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  seqc::registerAllPasses();
  if (argc < 2)
    return usage();
  llvm::StringRef command = argv[1];
  // The sub-command's own parser sees `seqc <command>` as its program name.
  std::string program = std::string(argv[0]) + " " + argv[1];
  std::vector<char *> args{program.data()};
  for (int i = 2; i < argc; ++i)
    args.push_back(argv[i]);
  if (command == "compile")
    return compile(args.size(), args.data());
  if (command == "run") {
    llvm::errs() << "seqc: error: run: running models needs the CPU code "
                    "generator, which this build does not have yet\n";
    return 1;
  }
  if (command == "--help" || command == "-h" || command == "help") {
    usage();
    return 0;
  }
  llvm::errs() << "seqc: unknown command '" << command << "'\n";
  return usage();
}
