//===- CUDAExecutor.cpp - Kernels, managed memory and launches ------------===//
#include "cuda/CUDAExecutor.h"

#include <cctype>
#include <nlohmann/json.hpp>

using json = nlohmann::json;
using namespace seqc::runtime;

/// The number of an sm_NN name (0 when it is none).
static unsigned archNumberOf(const std::string &arch) {
  if (arch.rfind("sm_", 0) != 0)
    return 0;
  unsigned n = 0;
  for (size_t i = 3; i < arch.size() && std::isdigit(uint8_t(arch[i])); ++i)
    n = n * 10 + unsigned(arch[i] - '0');
  return n;
}

/// Device 0's primary context, retained once by the first CUDA module.
static CUcontext keptContext = nullptr;

/// Whether a GPU of compute capability `gpu` runs a cubin for `cubin`: the
/// same major version, a minor one no higher.
static bool runsCubinOf(unsigned cubin, unsigned gpu) {
  return cubin && cubin / 10 == gpu / 10 && cubin <= gpu;
}

CUDAExecutor::~CUDAExecutor() {
  if (!driver || !context)
    return;
  {
    ContextScope scope(*driver, context);
    gemm.reset();
    if (kernels)
      driver->cuModuleUnload(kernels);
    if (stream)
      driver->cuStreamDestroy(stream);
    for (CUevent e : {started, finished, callerDone})
      if (e)
        driver->cuEventDestroy(e);
  }
  driver->cuDevicePrimaryCtxRelease(device);
}

bool CUDAExecutor::checkSignature(const json &sig, std::string &why) {
  numDescriptors = sig.at("inputs").size() + sig.at("weights").size() +
                   sig.at("state").size();
  // The host code's CPU features first.
  if (!host->checkSignature(sig, why))
    return false;
  driver = CUDADriver::get(why);
  if (!driver)
    return false;
  auto check = [&](CUresult r, const char *what) {
    if (r)
      why = std::string(what) + ": " + driver->describe(r);
    return r == 0;
  };
  int major = 0, minor = 0;
  char gpuName[256] = "";
  if (!check(driver->cuDeviceGet(&device, 0), "cuDeviceGet") ||
      !check(
          driver->cuDeviceGetAttribute(&major, kComputeCapabilityMajor, device),
          "cuDeviceGetAttribute") ||
      !check(
          driver->cuDeviceGetAttribute(&minor, kComputeCapabilityMinor, device),
          "cuDeviceGetAttribute"))
    return false;
  driver->cuDeviceGetName(gpuName, sizeof gpuName - 1, device);
  archNumber = unsigned(major * 10 + minor);
  arch = "sm_" + std::to_string(archNumber);
  // A cubin of this architecture, or PTX of an older one to JIT.
  std::vector<std::string> archs =
      sig.at("gpu_archs").get<std::vector<std::string>>();
  bool runs = false;
  std::string list;
  for (const std::string &a : archs) {
    runs |= runsCubinOf(archNumberOf(a), archNumber);
    list += (list.empty() ? "" : ", ") + a;
  }
  if (!archs.empty() && archNumberOf(archs.back()) <= archNumber)
    runs = true;
  if (!runs) {
    why = "compiled for " + list + "; this GPU (" + gpuName + ") is " + arch +
          " (compile with --gpu-arch=" + arch + ")";
    return false;
  }
  // One more reference to the context, never dropped: device outputs, the
  // caller's, outlive the modules that made them.
  static CUresult kept = driver->cuDevicePrimaryCtxRetain(&keptContext, device);
  if (!check(kept, "cuDevicePrimaryCtxRetain"))
    return false;
  if (!check(driver->cuDevicePrimaryCtxRetain(&context, device),
             "cuDevicePrimaryCtxRetain"))
    return false;
  ContextScope scope(*driver, context);
  return check(scope.result(), "cuCtxPushCurrent") &&
         check(driver->cuStreamCreate(&stream, kStreamNonBlocking),
               "cuStreamCreate") &&
         check(driver->cuEventCreate(&started, 0), "cuEventCreate") &&
         check(driver->cuEventCreate(&callerDone, kEventDisableTiming),
               "cuEventCreate") &&
         check(driver->cuEventCreate(&finished, 0), "cuEventCreate");
}

void CUDAExecutor::fail(const std::string &message) {
  if (error.empty())
    error = message;
}

void *CUDAExecutor::allocate(size_t bytes) {
  if (!driver)
    return nullptr;
  ContextScope scope(*driver, context);
  CUdeviceptr p = 0;
  if (scope.result())
    return nullptr;
  if (driver->cuMemAllocManaged(&p, bytes ? bytes : 1, kMemAttachGlobal))
    return nullptr;
  return reinterpret_cast<void *>(p);
}

void CUDAExecutor::release(void *data) {
  if (!data || !driver)
    return;
  ContextScope scope(*driver, context);
  if (!scope.result())
    driver->cuMemFree(reinterpret_cast<CUdeviceptr>(data));
}

bool CUDAExecutor::copy(void *to, const void *from, size_t bytes,
                        std::string &why) {
  ContextScope scope(*driver, context);
  if (scope.result()) {
    why = "cuCtxPushCurrent: " + driver->describe(scope.result());
    return false;
  }
  // What the caller's stream was computing into `from` first.
  if (userStream)
    if (CUresult r = driver->cuStreamSynchronize(userStream)) {
      why = "waiting for the stream: " + driver->describe(r);
      return false;
    }
  // Unified addressing: host, device and managed pointers alike.
  if (CUresult r =
          driver->cuMemcpy(reinterpret_cast<CUdeviceptr>(to),
                           reinterpret_cast<CUdeviceptr>(from), bytes)) {
    why = "copying " + std::to_string(bytes) + " bytes: " + driver->describe(r);
    return false;
  }
  // Where the copy is an input's or the weights', the kernels read it next.
  prefetch(to, bytes);
  return true;
}

void seqc::runtime::releaseDeviceMemory(void *data) {
  std::string why;
  const CUDADriver *driver = CUDADriver::get(why);
  if (!driver || !keptContext)
    return;
  ContextScope scope(*driver, keptContext);
  if (!scope.result())
    driver->cuMemFree(reinterpret_cast<CUdeviceptr>(data));
}

void *CUDAExecutor::allocCall(void *self, uint64_t bytes) {
  auto *e = static_cast<CUDAExecutor *>(self);
  void *p = e->allocate(bytes);
  if (p) {
    e->runBuffers.insert(p);
    e->prefetch(p, bytes);
  }
  return p;
}

void CUDAExecutor::prefetch(void *data, size_t bytes) {
  if (driver->cuMemPrefetchAsync && bytes)
    driver->cuMemPrefetchAsync(reinterpret_cast<CUdeviceptr>(data), bytes,
                               device, queue());
}

void CUDAExecutor::freeCall(void *self, void *data) {
  auto *e = static_cast<CUDAExecutor *>(self);
  e->runBuffers.erase(data);
  e->release(data);
}

CUfunction CUDAExecutor::function(const seqc_cuda_image *images,
                                  int64_t numImages, const char *kernel) {
  if (!kernels) {
    const seqc_cuda_image *chosen = nullptr;
    // The newest cubin this GPU runs, else PTX to compile.
    for (int64_t i = 0; i < numImages; ++i)
      if (images[i].format == 0 &&
          runsCubinOf(archNumberOf(images[i].arch), archNumber) &&
          (!chosen ||
           archNumberOf(images[i].arch) > archNumberOf(chosen->arch)))
        chosen = &images[i];
    for (int64_t i = 0; i < numImages && !chosen; ++i)
      if (images[i].format == 1 && archNumberOf(images[i].arch) <= archNumber)
        chosen = &images[i];
    if (!chosen) {
      fail("the module has no kernels for " + arch);
      return nullptr;
    }
    if (CUresult r = driver->cuModuleLoadData(&kernels, chosen->data)) {
      fail(std::string("cannot load the kernels (") +
           (chosen->format ? "PTX for " : "cubin for ") + chosen->arch +
           "): " + driver->describe(r));
      kernels = nullptr;
      return nullptr;
    }
  }
  auto known = functions.find(kernel);
  if (known != functions.end())
    return known->second;
  CUfunction f = nullptr;
  if (CUresult r = driver->cuModuleGetFunction(&f, kernels, kernel)) {
    fail(std::string("kernel ") + kernel + ": " + driver->describe(r));
    return nullptr;
  }
  functions.emplace(kernel, f);
  return f;
}

void CUDAExecutor::launchCall(void *self, const seqc_cuda_image *images,
                              int64_t numImages, const char *kernel,
                              const int64_t *dims, void **params) {
  auto *e = static_cast<CUDAExecutor *>(self);
  if (!e->error.empty())
    return;
  CUfunction f = e->function(images, numImages, kernel);
  if (!f)
    return;
  for (int i = 0; i < 6; ++i)
    if (dims[i] < 1 || dims[i] > (i == 0 ? 0x7fffffff : 65535)) {
      e->fail(std::string("kernel ") + kernel + ": launch size " +
              std::to_string(dims[i]) + " out of range");
      return;
    }
  if (!e->beforeWork())
    return;
  if (CUresult r = e->driver->cuLaunchKernel(
          f, unsigned(dims[0]), unsigned(dims[1]), unsigned(dims[2]),
          unsigned(dims[3]), unsigned(dims[4]), unsigned(dims[5]), 0,
          e->queue(), params, nullptr)) {
    e->fail(std::string("launching kernel ") + kernel + ": " +
            e->driver->describe(r));
    return;
  }
  e->afterWork(std::string("kernel ") + kernel);
}

int32_t CUDAExecutor::gemmCall(void *self, int64_t m, int64_t n, int64_t k,
                               const float *x, int64_t ldx, const float *w,
                               int64_t ldw, float *y, int64_t ldy,
                               int32_t bf16) {
  auto *e = static_cast<CUDAExecutor *>(self);
  if (!e->error.empty())
    return 0;
  if (!e->gemm)
    e->gemm = std::make_unique<CublasLtGemm>(*e->driver);
  if (!e->beforeWork())
    return 0;
  std::string failure;
  int32_t declined =
      e->gemm->run(e->queue(), m, n, k, x, ldx, w, ldw, y, ldy,
                   bf16 ? kComputeF32FastBF16 : kComputeF32, failure);
  if (!failure.empty())
    e->fail(failure);
  else if (!declined)
    e->afterWork("cuBLASLt");
  return declined;
}

bool CUDAExecutor::beforeWork() {
  if (!launched)
    if (CUresult r = driver->cuEventRecord(started, queue())) {
      fail(std::string("cuEventRecord: ") + driver->describe(r));
      return false;
    }
  launched = true;
  return true;
}

void CUDAExecutor::afterWork(const std::string &what) {
  if (CUresult r = driver->cuEventRecord(finished, queue())) {
    fail(std::string("cuEventRecord: ") + driver->describe(r));
    return;
  }
  // The host code after it may read what it wrote.
  if (CUresult r = driver->cuStreamSynchronize(queue()))
    fail(what + ": " + driver->describe(r));
}

int32_t CUDAExecutor::run(void **args, void *results, uint64_t &failedBytes) {
  error.clear();
  // The module's context for the run, the caller's current one after it.
  ContextScope scope(*driver, context);
  if (scope.result()) {
    error = "cuCtxPushCurrent: " + driver->describe(scope.result());
    return kDeviceFailed;
  }
  if (!userStream) {
    CUresult r = driver->cuEventRecord(callerDone, nullptr);
    if (!r)
      r = driver->cuStreamWaitEvent(stream, callerDone, 0);
    if (r) {
      error = "waiting for the caller's work: " + driver->describe(r);
      return kDeviceFailed;
    }
  }
  seqc_cuda_calls calls{this, allocCall, freeCall, launchCall, gemmCall};
  launched = false;
  lastMs = -1;
  // The descriptors, then the calls (seqc_module_abi.h).
  std::vector<void *> all(args, args + numDescriptors);
  all.push_back(&calls);
  runBuffers.clear();
  int32_t status = host->run(all.data(), results, failedBytes);
  // A failed allocation left the host code midway: its buffers are GPU
  // memory, freed here (otherwise each one is an output's or freed).
  if (status == kAllocFailed)
    for (void *p : runBuffers)
      release(p);
  runBuffers.clear();
  if (!error.empty() && status >= 0)
    return kDeviceFailed;
  float ms = 0;
  if (launched && !driver->cuEventSynchronize(finished) &&
      !driver->cuEventElapsedTime(&ms, started, finished))
    lastMs = ms;
  else if (!launched)
    lastMs = 0;
  return status;
}
