//===- Module.cpp - Loading a compiled module: library, signature, weights ===//
#include "ModuleInternal.h"
#include "cpu/CPUExecutor.h"
#include "cuda/CUDAExecutor.h"

#include <cstdlib>
#include <cstring>
#include <nlohmann/json.hpp>

using json = nlohmann::json;
using namespace seqc::runtime;

seqc_error *seqc::runtime::fail(const std::string &message) {
  std::string text;
  for (char ch : message) {
    auto byte = static_cast<unsigned char>(ch);
    if (byte < 0x20 || byte == 0x7f) {
      static const char hex[] = "0123456789abcdef";
      text += "\\x";
      text += hex[byte >> 4];
      text += hex[byte & 15];
    } else {
      text += ch;
    }
  }
  return new seqc_error{text};
}

extern "C" const char *seqc_error_message(const seqc_error *error) {
  return error ? error->message.c_str() : "";
}

extern "C" void seqc_error_free(seqc_error *error) { delete error; }

static bool parseDtype(const std::string &name, seqc_dtype &out) {
  static const std::pair<const char *, seqc_dtype> names[] = {
      {"f32", SEQC_F32},
      {"f16", SEQC_F16},
      {"bf16", SEQC_BF16},
      {"i32", SEQC_I32},
      {"i64", SEQC_I64}};
  for (auto &[n, d] : names)
    if (name == n) {
      out = d;
      return true;
    }
  return false;
}

static seqc::DType fileDtype(seqc_dtype d) {
  switch (d) {
  case SEQC_F32:
    return seqc::DType::F32;
  case SEQC_F16:
    return seqc::DType::F16;
  case SEQC_BF16:
    return seqc::DType::BF16;
  case SEQC_I32:
    return seqc::DType::I32;
  case SEQC_I64:
    break;
  }
  return seqc::DType::I64;
}

/// A signature tensor: {"name", "dtype", "dims" | "shape"}.
static TensorSpec parseSpec(const json &j, const char *dimsKey) {
  TensorSpec spec;
  spec.name = j.at("name").get<std::string>();
  if (!parseDtype(j.at("dtype").get<std::string>(), spec.dtype))
    throw std::runtime_error("unknown dtype in signature");
  for (const json &d : j.at(dimsKey)) {
    spec.dims.push_back(d.is_string() ? -1 : d.get<int64_t>());
    spec.symbols.push_back(d.is_string() ? d.get<std::string>() : "");
  }
  if (spec.dims.size() > SEQC_MAX_RANK)
    throw std::runtime_error("tensor '" + spec.name + "' has rank above " +
                             std::to_string(SEQC_MAX_RANK));
  return spec;
}

static seqc_error *bindWeights(seqc_module *m, const std::string &path) {
  seqc::TensorFileError err;
  m->weightsFile = seqc::SafeTensorsFile::open(path, err);
  if (!m->weightsFile)
    return fail(path + (err.where.empty() ? "" : ":" + err.where) + ": " +
                err.what);
  for (BoundWeight &w : m->weights) {
    const seqc::TensorInfo *t = m->weightsFile->find(w.spec.name);
    if (!t)
      return fail(path + ": weight tensor '" + w.spec.name + "' is missing");
    if (t->dtype != fileDtype(w.spec.dtype) || t->shape != w.spec.dims)
      return fail(path + ": weight tensor '" + w.spec.name +
                  "' does not have the dtype and shape the module was "
                  "compiled for");
    size_t align = seqc::dtypeSize(t->dtype);
    if (!m->executor->readsHostMemory()) {
      // A copy the device reads (once, at load).
      w.device = m->executor->allocate(t->nbytes);
      if (!w.device)
        return fail(path + ": cannot allocate " + std::to_string(t->nbytes) +
                    " bytes on the " + m->executor->name() + " for weight '" +
                    w.spec.name + "'");
      memcpy(w.device, t->data, t->nbytes);
      w.data = w.device;
    } else if (reinterpret_cast<uintptr_t>(t->data) % align == 0) {
      w.data = t->data;
    } else {
      w.aligned.assign(t->data, t->data + t->nbytes);
      w.data = w.aligned.data();
    }
  }
  return nullptr;
}

/// Allocates the module's state buffers, zeroed and 64-byte aligned.
static seqc_error *allocateState(seqc_module *m, const std::string &origin) {
  for (StateBuffer &s : m->state) {
    std::optional<size_t> bytes =
        seqc::tensorByteSize(s.spec.dims, fileDtype(s.spec.dtype));
    if (!bytes)
      return fail(origin + ": bad module signature: state '" + s.spec.name +
                  "' has an invalid shape");
    s.data = m->executor->allocate(*bytes);
    if (!s.data)
      return fail(origin + ": cannot allocate " + std::to_string(*bytes) +
                  " bytes for the module's state");
    memset(s.data, 0, *bytes);
  }
  return nullptr;
}

/// Reads the signature of the module's loaded code and binds the weights;
/// `origin` names the module in messages.
static seqc_error *initModule(seqc_module *m, const char *weightsPath,
                              const std::string &origin) {
  std::string weights;
  try {
    json sig = json::parse(m->executor->signature());
    // A CUDA module's host code runs on a CUDA executor.
    if (sig.value("target", "cpu") == "cuda")
      m->executor = std::make_unique<CUDAExecutor>(std::unique_ptr<CPUExecutor>(
          static_cast<CPUExecutor *>(m->executor.release())));
    if (sig.at("abi").get<int>() != SEQC_MODULE_ABI_VERSION)
      return fail(origin + ": compiled for another module ABI version (" +
                  std::to_string(sig.at("abi").get<int>()) +
                  "; this runtime loads version " +
                  std::to_string(SEQC_MODULE_ABI_VERSION) +
                  "): compile it again with this seqc");
    std::string why;
    if (!m->executor->checkSignature(sig, why))
      return fail(origin + ": " + why);
    m->name = sig.at("name").get<std::string>();
    weights = sig.at("weights_file").get<std::string>();
    for (const json &j : sig.at("inputs"))
      m->inputs.push_back(parseSpec(j, "dims"));
    for (const json &j : sig.at("outputs"))
      m->outputs.push_back(parseSpec(j, "dims"));
    for (const json &j : sig.at("weights"))
      m->weights.push_back({parseSpec(j, "shape"), nullptr, {}});
    for (const json &j : sig.at("state"))
      m->state.push_back({parseSpec(j, "shape"), nullptr});
    for (const json &j : sig.at("id_ranges")) {
      std::string input = j.at("input").get<std::string>();
      size_t before = m->idRanges.size();
      for (size_t i = 0; i < m->inputs.size(); ++i)
        if (m->inputs[i].name == input)
          m->idRanges.push_back({i, j.at("num").get<int64_t>()});
      if (m->idRanges.size() == before)
        throw std::runtime_error("token ids of unknown input '" + input + "'");
    }
    m->kernelOnly.assign(m->inputs.size(), false);
    for (const json &j : sig.value("kernel_only_inputs", json::array())) {
      std::string input = j.get<std::string>();
      for (size_t i = 0; i < m->inputs.size(); ++i)
        if (m->inputs[i].name == input)
          m->kernelOnly[i] = true;
    }
    for (const IdRange &r : m->idRanges)
      m->kernelOnly[r.input] = false;
    m->inPlace.assign(m->outputs.size(), -1);
    for (const json &j : sig.value("in_place", json::array())) {
      auto find = [&](const std::vector<TensorSpec> &specs, const char *key) {
        std::string name = j.at(key).get<std::string>();
        for (size_t i = 0; i < specs.size(); ++i)
          if (specs[i].name == name)
            return int64_t(i);
        throw std::runtime_error(std::string("in place: no ") + key + " '" +
                                 name + "'");
      };
      m->inPlace[find(m->outputs, "output")] = find(m->inputs, "input");
    }
    for (const json &j : sig.at("checks"))
      m->checks.push_back(j.get<std::string>());
  } catch (const std::exception &e) {
    return fail(origin + ": bad module signature: " + e.what());
  }
  if (seqc_error *e = allocateState(m, origin))
    return e;
  if (m->weights.empty())
    return nullptr;
  return bindWeights(m, weightsPath ? std::string(weightsPath) : weights);
}

extern "C" seqc_error *seqc_module_load(const char *libraryPath,
                                        const char *weightsPath,
                                        seqc_module **out) {
  *out = nullptr;
  auto m = std::make_unique<seqc_module>();
  m->executor = std::make_unique<CPUExecutor>();
  std::string why;
  if (!m->executor->loadLibrary(libraryPath, why))
    return fail(std::string(libraryPath) + ": " + why);
  if (seqc_error *e = initModule(m.get(), weightsPath, libraryPath))
    return e;
  *out = m.release();
  return nullptr;
}

extern "C" seqc_error *seqc_module_from_entry(seqc_entry_fn entry,
                                              const char *signature,
                                              const char *weightsPath,
                                              seqc_module **out) {
  *out = nullptr;
  auto m = std::make_unique<seqc_module>();
  m->executor = std::make_unique<CPUExecutor>();
  m->executor->useLinked(entry, signature);
  if (seqc_error *e = initModule(m.get(), weightsPath, "module"))
    return e;
  *out = m.release();
  return nullptr;
}

seqc_module::~seqc_module() {
  for (StateBuffer &s : state)
    executor->release(s.data);
  for (BoundWeight &w : weights)
    if (w.device)
      executor->release(w.device);
  weightsFile.reset();
  // The code goes last: nothing may point into a closed library.
  executor.reset();
}

extern "C" void seqc_module_free(seqc_module *m) { delete m; }

extern "C" const char *seqc_module_name(const seqc_module *m) {
  return m->name.c_str();
}

extern "C" const char *seqc_module_device(const seqc_module *m) {
  return m->executor->name();
}

extern "C" size_t seqc_module_num_inputs(const seqc_module *m) {
  return m->inputs.size();
}

extern "C" size_t seqc_module_num_outputs(const seqc_module *m) {
  return m->outputs.size();
}

static void describe(const TensorSpec &spec, seqc_tensor_info *info) {
  info->name = spec.name.c_str();
  info->dtype = spec.dtype;
  info->rank = int32_t(spec.dims.size());
  for (size_t i = 0; i < spec.dims.size(); ++i) {
    info->dims[i] = spec.dims[i];
    info->symbols[i] =
        spec.symbols[i].empty() ? nullptr : spec.symbols[i].c_str();
  }
}

extern "C" void seqc_module_input(const seqc_module *m, size_t index,
                                  seqc_tensor_info *info) {
  *info = seqc_tensor_info{};
  if (index < m->inputs.size())
    describe(m->inputs[index], info);
}

extern "C" void seqc_module_output(const seqc_module *m, size_t index,
                                   seqc_tensor_info *info) {
  *info = seqc_tensor_info{};
  if (index < m->outputs.size())
    describe(m->outputs[index], info);
}

extern "C" void seqc_module_set_threads(seqc_module *m, int threads) {
  m->executor->setThreads(threads > 0 ? threads : 0);
}

extern "C" void seqc_module_set_stream(seqc_module *m, void *stream) {
  std::lock_guard<std::mutex> turn(m->runLock);
  m->executor->setStream(stream);
}

extern "C" double seqc_module_last_run_gpu_ms(const seqc_module *m) {
  std::lock_guard<std::mutex> turn(const_cast<seqc_module *>(m)->runLock);
  return m->executor->lastRunDeviceMs();
}
