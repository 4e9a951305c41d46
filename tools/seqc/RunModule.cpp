//===- RunModule.cpp - Running a compiled module on .npy files ------------===//
#include "RunModule.h"

#include "seqc/Runtime/TensorFiles.h"
#include "seqc/Runtime/seqc_runtime.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <memory>

namespace seqc::cli {
namespace {

int error(const std::string &file, const std::string &where,
          const std::string &what) {
  std::string s = "seqc: error: ";
  if (!file.empty())
    s += file + (where.empty() ? "" : ":" + where) + ": ";
  std::fprintf(stderr, "%s%s\n", s.c_str(), what.c_str());
  return 1;
}

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

/// True when `name` can be a file name inside a directory: --inputs-dir and
/// --output-dir read and write DIR/NAME.npy, which must not leave DIR.
bool isPlainFileName(const std::string &name) {
  return !name.empty() && name != "." && name != ".." &&
         name.find('/') == std::string::npos;
}

/// The .npy file for each model input, from --input and --inputs-dir.
int inputFiles(const RunRequest &r, seqc_module *m,
               std::vector<std::string> &files) {
  std::map<std::string, std::string> given(r.inputs.begin(), r.inputs.end());
  for (size_t i = 0; i < seqc_module_num_inputs(m); ++i) {
    seqc_tensor_info info;
    seqc_module_input(m, i, &info);
    auto it = given.find(info.name);
    if (it != given.end()) {
      files.push_back(it->second);
      given.erase(it);
    } else if (!r.inputsDir.empty()) {
      if (!isPlainFileName(info.name))
        return error(r.origin, "",
                     std::string("input '") + info.name +
                         "' cannot be read from --inputs-dir: its name is "
                         "not a file name (give --input)");
      files.push_back((std::filesystem::path(r.inputsDir) /
                       (std::string(info.name) + ".npy"))
                          .string());
    } else {
      return error(r.origin, "",
                   std::string("missing input '") + info.name +
                       "' (give --input " + info.name +
                       "=FILE.npy or --inputs-dir DIR)");
    }
  }
  if (!given.empty())
    return error(r.origin, "",
                 "the model has no input '" + given.begin()->first + "'");
  return 0;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

} // namespace

/// Parses `spec` as A=B for `option` into `pairs`, A not given before;
/// false after a message naming `form` (A=B's meaning).
static bool addPair(const char *option, const char *form,
                    const std::string &spec,
                    std::vector<std::pair<std::string, std::string>> &pairs) {
  size_t eq = spec.find('=');
  if (eq == std::string::npos || eq == 0 || eq + 1 == spec.size()) {
    std::fprintf(stderr, "seqc run: %s takes %s, got '%s'\n", option, form,
                 spec.c_str());
    return false;
  }
  std::string name = spec.substr(0, eq);
  for (auto &[n, value] : pairs)
    if (n == name) {
      std::fprintf(stderr, "seqc run: %s %s is given twice\n", option,
                   name.c_str());
      return false;
    }
  pairs.emplace_back(name, spec.substr(eq + 1));
  return true;
}

bool addInputSpec(const std::string &spec,
                  std::vector<std::pair<std::string, std::string>> &inputs) {
  return addPair("--input", "NAME=FILE.npy", spec, inputs);
}

bool addCarrySpec(const std::string &spec,
                  std::vector<std::pair<std::string, std::string>> &carries) {
  return addPair("--carry", "OUTPUT=INPUT", spec, carries);
}

namespace {

/// The index of the module's input (or output) `name`, or -1.
int64_t indexOf(seqc_module *m, const std::string &name, bool output) {
  size_t n = output ? seqc_module_num_outputs(m) : seqc_module_num_inputs(m);
  for (size_t i = 0; i < n; ++i) {
    seqc_tensor_info info;
    (output ? seqc_module_output : seqc_module_input)(m, i, &info);
    if (name == info.name)
      return int64_t(i);
  }
  return -1;
}

/// A buffer that outlives the runs: 64-byte aligned (so that the module's
/// kernels may write it in place).
struct AlignedBuffer {
  void *data = nullptr;
  explicit AlignedBuffer(size_t bytes)
      : data(std::aligned_alloc(64, (bytes + 63) / 64 * 64)) {}
  ~AlignedBuffer() { std::free(data); }
  AlignedBuffer(const AlignedBuffer &) = delete;
  AlignedBuffer &operator=(const AlignedBuffer &) = delete;
};

} // namespace

int runModule(const RunRequest &r) {
  seqc_module *m = nullptr;
  seqc_error *err = seqc_module_load(
      r.library.c_str(), r.weights.empty() ? nullptr : r.weights.c_str(), &m);
  if (r.removeLibrary)
    std::remove(r.library.c_str());
  if (err) {
    // The runtime's load errors start with the file they are about.
    std::string message = seqc_error_message(err);
    seqc_error_free(err);
    return error("", "", message);
  }
  std::unique_ptr<seqc_module, decltype(&seqc_module_free)> owner(
      m, seqc_module_free);
  if (r.device != seqc_module_device(m))
    return error(r.origin, "",
                 std::string("the module runs on the ") +
                     seqc_module_device(m) + ", not on --device=" + r.device +
                     (r.device == "cuda" ? " (compile it with --target=cuda)"
                                         : " (give --device=cuda)"));

  seqc_module_set_threads(m, int(r.threads));
  std::vector<std::string> files;
  if (int rc = inputFiles(r, m, files))
    return rc;
  // Inputs are mapped, not read: a file of any size costs only the pages the
  // module touches.
  std::vector<std::unique_ptr<seqc::NpyFile>> arrays(files.size());
  std::vector<seqc_tensor> inputs(files.size());
  for (size_t i = 0; i < files.size(); ++i) {
    seqc::TensorFileError ferr;
    arrays[i] = seqc::NpyFile::open(files[i], ferr);
    if (!arrays[i])
      return error(files[i], ferr.where, ferr.what);
    const std::vector<int64_t> &shape = arrays[i]->shape();
    if (shape.size() > SEQC_MAX_RANK)
      return error(files[i], "", "rank above 8 is not supported");
    seqc_tensor &t = inputs[i];
    t.dtype = fromFileDtype(arrays[i]->dtype());
    t.rank = int32_t(shape.size());
    std::copy(shape.begin(), shape.end(), t.shape);
    // The runtime only reads inputs; the C API's pointer is not const.
    t.data = const_cast<void *>(arrays[i]->data());
  }

  std::vector<seqc_tensor> outputs(seqc_module_num_outputs(m));
  // Carried outputs: one buffer, the input's copy, in and out of every run.
  std::vector<bool> carried(outputs.size(), false);
  std::vector<std::unique_ptr<AlignedBuffer>> carries;
  for (auto &[output, input] : r.carries) {
    int64_t o = indexOf(m, output, true), i = indexOf(m, input, false);
    if (o < 0 || i < 0)
      return error(r.origin, "",
                   "--carry " + output + "=" + input + ": the model has no " +
                       (o < 0 ? "output '" + output : "input '" + input) + "'");
    seqc_tensor &t = inputs[i];
    if (t.data != arrays[i]->data())
      return error(r.origin, "",
                   "--carry: input '" + input + "' is carried into twice");
    size_t bytes = size_t(arrays[i]->nbytes());
    carries.push_back(std::make_unique<AlignedBuffer>(bytes));
    if (!carries.back()->data)
      return error(files[i], "", "out of memory for --carry");
    std::memcpy(carries.back()->data, t.data, bytes);
    t.data = carries.back()->data;
    outputs[o] = t;
    carried[o] = true;
  }
  auto runOnce = [&]() -> seqc_error * {
    for (size_t o = 0; o < outputs.size(); ++o)
      if (!carried[o])
        seqc_tensor_release(&outputs[o]);
    return seqc_module_run_into(m, inputs.data(), inputs.size(), outputs.data(),
                                outputs.size());
  };
  std::vector<double> times;
  for (unsigned i = 0; i <= r.repeat; ++i) {
    auto start = std::chrono::steady_clock::now();
    if (seqc_error *e = runOnce()) {
      std::string message = seqc_error_message(e);
      seqc_error_free(e);
      return error(r.origin, "", message);
    }
    std::chrono::duration<double, std::milli> ms =
        std::chrono::steady_clock::now() - start;
    // On a GPU, the GPU's time (CUDA events), without the copies.
    double gpu = seqc_module_last_run_gpu_ms(m);
    if (i > 0 || r.repeat == 0)
      times.push_back(gpu >= 0 ? gpu : ms.count());
  }

  for (size_t o = 0; o < outputs.size(); ++o) {
    seqc_tensor_info info;
    seqc_module_output(m, o, &info);
    std::vector<int64_t> shape(outputs[o].shape,
                               outputs[o].shape + outputs[o].rank);
    if (!r.outputDir.empty()) {
      if (!isPlainFileName(info.name))
        return error(r.origin, "",
                     std::string("output '") + info.name +
                         "' cannot be written to --output-dir: its name is "
                         "not a file name");
      std::error_code ec;
      std::filesystem::create_directories(r.outputDir, ec);
      if (ec)
        return error(r.outputDir, "",
                     "cannot create the directory: " + ec.message());
      std::string p = (std::filesystem::path(r.outputDir) /
                       (std::string(info.name) + ".npy"))
                          .string();
      seqc::TensorFileError ferr;
      if (!seqc::writeNpy(p, toFileDtype(outputs[o].dtype), shape,
                          outputs[o].data, ferr))
        return error(p, ferr.where, ferr.what);
    }
    std::string line = std::string(info.name) + ": " +
                       seqc::dtypeName(toFileDtype(outputs[o].dtype)) + "[";
    for (size_t i = 0; i < shape.size(); ++i)
      line += (i ? ", " : "") + std::to_string(shape[i]);
    std::printf("%s]\n", line.c_str());
    if (!carried[o])
      seqc_tensor_release(&outputs[o]);
  }
  if (r.repeat > 0) {
    std::fflush(stdout);
    std::fprintf(stderr, "run: %u runs, min %.4f ms, median %.4f ms\n",
                 r.repeat, *std::min_element(times.begin(), times.end()),
                 median(times));
  }
  return 0;
}

} // namespace seqc::cli
