//===- RunCommand.cpp - `seqc run`: compile or load, then run on .npy -----===//
#include "Commands.h"
#include "seqc/Runtime/TensorFiles.h"
#include "seqc/Runtime/seqc_runtime.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <chrono>
#include <malloc.h>
#include <map>

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
  cl::opt<std::string> device{"device", cl::desc("cpu (default) or cuda"),
                              cl::init("cpu"), cl::cat(cat)};
  cl::opt<unsigned> optLevel{"O", cl::Prefix, cl::desc("Optimization level"),
                             cl::init(3), cl::cat(cat)};
  cl::list<std::string> passOptions{
      "pass-options", cl::desc("Options of a pass of the pipeline"),
      cl::value_desc("PASS{key=value ...}"), cl::cat(cat)};
};

seqc::DType toFileDtype(seqc_dtype d) {
  static const seqc::DType map[] = {seqc::DType::F32, seqc::DType::F16,
                                    seqc::DType::BF16, seqc::DType::I32,
                                    seqc::DType::I64};
  return map[d];
}

seqc_dtype fromFileDtype(seqc::DType d) {
  switch (d) {
  case seqc::DType::F32:
    return SEQC_F32;
  case seqc::DType::F16:
    return SEQC_F16;
  case seqc::DType::BF16:
    return SEQC_BF16;
  case seqc::DType::I32:
    return SEQC_I32;
  case seqc::DType::I64:
    break;
  }
  return SEQC_I64;
}

/// Compiles MODEL.json into a temporary shared library; returns its path.
int compileToTemporary(const RunOptions &opts, std::string &so) {
  std::string pipeline;
  if (int rc = pipelineForCommand(opts.model, opts.passOptions, pipeline))
    return rc;
  auto ctx = makeContext();
  auto module = importForCommand(*ctx, opts.model, opts.weights);
  if (!module)
    return 1;
  llvm::SmallString<128> path;
  if (llvm::sys::fs::createTemporaryFile("seqc-module", "so", path))
    return reportError({opts.model, "", "cannot create a temporary file"});
  so = std::string(path);
  seqc::EmitOptions emitOptions;
  std::string error;
  if (failed(seqc::resolveCPU("host", emitOptions.cpu, error)))
    return reportError({opts.model, "", error});
  int rc = buildSharedLibrary(*module, opts.model, opts.passOptions, so,
                              opts.optLevel, emitOptions);
  if (rc)
    llvm::sys::fs::remove(so);
  return rc;
}

/// True when `name` can be a file name inside a directory: --inputs-dir and
/// --output-dir read and write DIR/NAME.npy, which must not leave DIR.
bool isPlainFileName(llvm::StringRef name) {
  return !name.empty() && name != "." && name != ".." && !name.contains('/') &&
         !name.contains('\0');
}

/// The .npy file for each model input, from --input and --inputs-dir.
int inputFiles(const RunOptions &opts, seqc_module *m,
               std::vector<std::string> &files) {
  std::map<std::string, std::string> given;
  for (const std::string &spec : opts.inputs) {
    size_t eq = spec.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == spec.size()) {
      llvm::errs() << "seqc run: --input takes NAME=FILE.npy, got '" << spec
                   << "'\n";
      return 2;
    }
    if (!given.emplace(spec.substr(0, eq), spec.substr(eq + 1)).second) {
      llvm::errs() << "seqc run: --input " << spec.substr(0, eq)
                   << " is given twice\n";
      return 2;
    }
  }
  for (size_t i = 0; i < seqc_module_num_inputs(m); ++i) {
    seqc_tensor_info info;
    seqc_module_input(m, i, &info);
    auto it = given.find(info.name);
    if (it != given.end()) {
      files.push_back(it->second);
      given.erase(it);
    } else if (!opts.inputsDir.empty()) {
      if (!isPlainFileName(info.name))
        return reportError({opts.model, "",
                            std::string("input '") + info.name +
                                "' cannot be read from --inputs-dir: its name "
                                "is not a file name (give --input)"});
      llvm::SmallString<256> p(opts.inputsDir.getValue());
      llvm::sys::path::append(p, std::string(info.name) + ".npy");
      files.push_back(std::string(p));
    } else {
      return reportError({opts.model, "",
                          std::string("missing input '") + info.name +
                              "' (give --input " + info.name +
                              "=FILE.npy or --inputs-dir DIR)"});
    }
  }
  if (!given.empty())
    return reportError(
        {opts.model, "",
         "the model has no input '" + given.begin()->first + "'"});
  return 0;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

int run(const RunOptions &opts) {
  // Keep freed large buffers in the heap: each run allocates its outputs
  // anew, and returning them to the kernel would make every run fault its
  // pages in again.
  mallopt(M_MMAP_THRESHOLD, 1 << 30);
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
  if (opts.device != "cpu")
    return reportError({opts.model, "",
                        "--device=" + opts.device +
                            " is not available; this build runs on the CPU"});
  std::string library = opts.model;
  bool temporary = llvm::StringRef(opts.model).ends_with(".json");
  if (temporary)
    if (int rc = compileToTemporary(opts, library))
      return rc;
  seqc_module *m = nullptr;
  seqc_error *err = seqc_module_load(
      library.c_str(), opts.weights.empty() ? nullptr : opts.weights.c_str(),
      &m);
  if (temporary)
    llvm::sys::fs::remove(library);
  if (err) {
    // The runtime's load errors start with the file they are about.
    std::string message = seqc_error_message(err);
    seqc_error_free(err);
    return reportError({"", "", message});
  }
  std::unique_ptr<seqc_module, decltype(&seqc_module_free)> owner(
      m, seqc_module_free);

  seqc_module_set_threads(m, int(opts.threads));
  std::vector<std::string> files;
  if (int rc = inputFiles(opts, m, files))
    return rc;
  // Inputs are mapped, not read: a file of any size costs only the pages the
  // module touches.
  std::vector<std::unique_ptr<seqc::NpyFile>> arrays(files.size());
  std::vector<seqc_tensor> inputs(files.size());
  for (size_t i = 0; i < files.size(); ++i) {
    seqc::TensorFileError ferr;
    arrays[i] = seqc::NpyFile::open(files[i], ferr);
    if (!arrays[i])
      return reportError({files[i], ferr.where, ferr.what});
    const std::vector<int64_t> &shape = arrays[i]->shape();
    if (shape.size() > SEQC_MAX_RANK)
      return reportError({files[i], "", "rank above 8 is not supported"});
    seqc_tensor &t = inputs[i];
    t.dtype = fromFileDtype(arrays[i]->dtype());
    t.rank = int32_t(shape.size());
    std::copy(shape.begin(), shape.end(), t.shape);
    // The runtime only reads inputs; the C API's pointer is not const.
    t.data = const_cast<void *>(arrays[i]->data());
  }

  std::vector<seqc_tensor> outputs(seqc_module_num_outputs(m));
  auto runOnce = [&]() -> seqc_error * {
    for (seqc_tensor &o : outputs)
      seqc_tensor_release(&o);
    return seqc_module_run(m, inputs.data(), inputs.size(), outputs.data(),
                           outputs.size());
  };
  std::vector<double> times;
  for (unsigned r = 0; r <= opts.repeat; ++r) {
    auto start = std::chrono::steady_clock::now();
    if (seqc_error *e = runOnce()) {
      std::string message = seqc_error_message(e);
      seqc_error_free(e);
      return reportError({opts.model, "", message});
    }
    std::chrono::duration<double, std::milli> ms =
        std::chrono::steady_clock::now() - start;
    if (r > 0 || opts.repeat == 0)
      times.push_back(ms.count());
  }

  for (size_t o = 0; o < outputs.size(); ++o) {
    seqc_tensor_info info;
    seqc_module_output(m, o, &info);
    std::vector<int64_t> shape(outputs[o].shape,
                               outputs[o].shape + outputs[o].rank);
    if (!opts.outputDir.empty()) {
      if (!isPlainFileName(info.name))
        return reportError({opts.model, "",
                            std::string("output '") + info.name +
                                "' cannot be written to --output-dir: its "
                                "name is not a file name"});
      if (std::error_code ec =
              llvm::sys::fs::create_directories(opts.outputDir))
        return reportError({opts.outputDir, "",
                            "cannot create the directory: " + ec.message()});
      llvm::SmallString<256> p(opts.outputDir.getValue());
      llvm::sys::path::append(p, std::string(info.name) + ".npy");
      seqc::TensorFileError ferr;
      if (!seqc::writeNpy(std::string(p), toFileDtype(outputs[o].dtype), shape,
                          outputs[o].data, ferr))
        return reportError({std::string(p), ferr.where, ferr.what});
    }
    llvm::outs() << info.name << ": "
                 << seqc::dtypeName(toFileDtype(outputs[o].dtype)) << "[";
    for (size_t i = 0; i < shape.size(); ++i)
      llvm::outs() << (i ? ", " : "") << shape[i];
    llvm::outs() << "]\n";
    seqc_tensor_release(&outputs[o]);
  }
  if (opts.repeat > 0) {
    llvm::outs().flush();
    llvm::errs() << llvm::format(
        "run: %u runs, min %.3f ms, median %.3f ms\n", unsigned(opts.repeat),
        *std::min_element(times.begin(), times.end()), median(times));
  }
  return 0;
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
