//===- RunCommand.cpp - `seqc run`: compile or load, then run on .npy -----===//
#include "Commands.h"
#include "RunModule.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/raw_ostream.h"

#include <malloc.h>

namespace cl = llvm::cl;
using namespace seqc::cli;

namespace {

/// More worker threads than this is a mistake, not a machine (OpenMP
/// aborts when it cannot create them). --threads' description says it too.
constexpr unsigned kMaxThreads = 1024;

struct RunOptions {
  cl::OptionCategory &cat = commandOptions();
  cl::opt<std::string> model{
      cl::Positional, cl::desc("<MODEL.json | MODULE.so>"), cl::cat(cat)};
  cl::list<std::string> inputs{"input", cl::desc("An input: NAME=FILE.npy"),
                               cl::value_desc("NAME=FILE.npy"), cl::cat(cat)};
  cl::list<std::string> carries{
      "carry",
      cl::desc("Feed each run's OUTPUT to the next run as INPUT (a decode's "
               "state, updated in place across --repeat)"),
      cl::value_desc("OUTPUT=INPUT"), cl::cat(cat)};
  cl::opt<std::string> inputsDir{
      "inputs-dir", cl::desc("Read DIR/NAME.npy for every model input"),
      cl::value_desc("DIR"), cl::cat(cat)};
  cl::opt<std::string> weights{
      "weights", cl::desc("Weights file replacing the model's"),
      cl::value_desc("FILE.safetensors"), cl::cat(cat)};
  cl::opt<std::string> outputDir{
      "output-dir", cl::desc("Write DIR/NAME.npy for every model output"),
      cl::value_desc("DIR"), cl::cat(cat)};
  cl::opt<unsigned> threads{"threads", cl::desc("Worker threads (1 to 1024)"),
                            cl::init(1), cl::cat(cat)};
  cl::opt<unsigned> repeat{
      "repeat", cl::desc("Run N times after one warm-up and print timings"),
      cl::init(0), cl::cat(cat)};
  cl::opt<std::string> device{
      "device",
      cl::desc("cpu (default) or cuda: where MODEL.json is compiled for and "
               "the module runs"),
      cl::init("cpu"), cl::cat(cat)};
  cl::opt<std::string> precision{
      "precision",
      cl::desc("What MODEL.json's matrix products read: f32 (default) or "
               "bf16 (a MODULE.so keeps what it was compiled with)"),
      cl::init("f32"), cl::cat(cat)};
  // Tests only: `--target=cuda-simulation` compiles MODEL.json through the
  // CUDA target's loop distribution, run on the CPU (docs/cuda.md).
  cl::opt<std::string> target{"target", cl::init(""), cl::Hidden, cl::cat(cat)};
  cl::opt<unsigned> optLevel{"O", cl::Prefix, cl::desc("Optimization level"),
                             cl::init(3), cl::cat(cat)};
  cl::list<std::string> passOptions{
      "pass-options", cl::desc("Options of a pass of the pipeline"),
      cl::value_desc("PASS{key=value ...}"), cl::cat(cat)};
};

/// Compiles MODEL.json into a temporary shared library; returns its path.
int compileToTemporary(const RunOptions &opts, std::string &so) {
  seqc::EmitOptions emitOptions;
  std::string target = !opts.target.empty()    ? opts.target.getValue()
                       : opts.device == "cuda" ? "cuda"
                                               : "cpu";
  if (int rc = targetForCommand(opts.model, target, "sm_80,sm_90", "",
                                opts.precision, emitOptions))
    return rc;
  std::string pipeline;
  if (int rc = pipelineForCommand(opts.model, opts.passOptions, emitOptions,
                                  pipeline))
    return rc;
  auto ctx = makeContext();
  auto module = importForCommand(*ctx, opts.model, opts.weights);
  if (!module)
    return 1;
  llvm::SmallString<128> path;
  if (llvm::sys::fs::createTemporaryFile("seqc-module", "so", path))
    return reportError({opts.model, "", "cannot create a temporary file"});
  so = std::string(path);
  std::string error;
  if (failed(seqc::resolveCPU("host", emitOptions.cpu, error)))
    return reportError({opts.model, "", error});
  int rc = buildSharedLibrary(*module, opts.model, opts.passOptions, so,
                              opts.optLevel, emitOptions);
  if (rc)
    llvm::sys::fs::remove(so);
  return rc;
}

int run(const RunOptions &opts) {
  // Keep freed large buffers in the heap: each run allocates its outputs
  // anew, and returning them to the kernel would make every run fault its
  // pages in again.
  mallopt(M_MMAP_THRESHOLD, 1 << 30);
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
  if (opts.device != "cpu" && opts.device != "cuda") {
    llvm::errs() << "seqc run: --device=" << opts.device
                 << " is not a device (cpu or cuda)\n";
    return 2;
  }
  RunRequest request;
  for (const std::string &spec : opts.inputs)
    if (!addInputSpec(spec, request.inputs))
      return 2;
  for (const std::string &spec : opts.carries)
    if (!addCarrySpec(spec, request.carries))
      return 2;
  request.library = request.origin = opts.model;
  request.weights = opts.weights;
  request.inputsDir = opts.inputsDir;
  request.outputDir = opts.outputDir;
  request.threads = opts.threads;
  request.repeat = opts.repeat;
  request.device = opts.device;
  request.removeLibrary = llvm::StringRef(opts.model).ends_with(".json");
  if (!request.removeLibrary && opts.precision.getNumOccurrences()) {
    llvm::errs() << "seqc run: --precision applies to a MODEL.json; "
                 << opts.model << " keeps the precision it was compiled with\n";
    return 2;
  }
  if (request.removeLibrary)
    if (int rc = compileToTemporary(opts, request.library))
      return rc;
  return runModule(request);
}

} // namespace

int seqc::cli::runCommand(int argc, char **argv) {
  // LLVM registers a `-threads` option of its own; SPEC's `--threads` wins.
  if (cl::Option *taken = cl::getRegisteredOptions().lookup("threads"))
    taken->removeArgument();
  RunOptions opts;
  focusHelp();
  if (!cl::ParseCommandLineOptions(argc, argv, "seqc run\n", &llvm::errs()))
    return 2;
  if (opts.threads < 1 || opts.threads > kMaxThreads) {
    llvm::errs() << "seqc run: --threads=" << opts.threads << " is not in 1.."
                 << kMaxThreads << "\n";
    return 2;
  }
  if (opts.model.empty()) {
    llvm::errs() << "seqc run: missing MODEL.json or MODULE.so\n";
    return usage();
  }
  if (opts.optLevel > 3) {
    llvm::errs() << "seqc run: -O" << opts.optLevel
                 << " is not an optimization level (-O0..-O3)\n";
    return 2;
  }
  return run(opts);
}
