//===- CUDADriver.cpp - dlopen of libcuda.so.1 ----------------------------===//
#include "cuda/CUDADriver.h"
#include "Symbols.h"

#include <cstdlib>
#include <mutex>

using namespace seqc::runtime;

std::string CUDADriver::describe(CUresult result) const {
  const char *name = nullptr, *text = nullptr;
  cuGetErrorName(result, &name);
  cuGetErrorString(result, &text);
  return std::string(name ? name : "CUDA error " + std::to_string(result)) +
         (text ? std::string(": ") + text : "");
}

namespace {

/// Resolves every entry point; false with the first missing one in `why`.
bool resolve(void *library, CUDADriver &d, std::string &why) {
  bool ok = true;
  auto bind = [&](auto &fn, const char *name) {
    if (!findSymbol(library, fn, name) && ok) {
      why = std::string("no CUDA driver (libcuda.so.1 lacks ") + name + ")";
      ok = false;
    }
  };
  bind(d.cuInit, "cuInit");
  bind(d.cuDeviceGetCount, "cuDeviceGetCount");
  bind(d.cuDeviceGet, "cuDeviceGet");
  bind(d.cuDeviceGetAttribute, "cuDeviceGetAttribute");
  bind(d.cuDeviceGetName, "cuDeviceGetName");
  bind(d.cuDevicePrimaryCtxRetain, "cuDevicePrimaryCtxRetain");
  bind(d.cuDevicePrimaryCtxRelease, "cuDevicePrimaryCtxRelease_v2");
  bind(d.cuCtxPushCurrent, "cuCtxPushCurrent_v2");
  bind(d.cuCtxPopCurrent, "cuCtxPopCurrent_v2");
  bind(d.cuStreamCreate, "cuStreamCreate");
  bind(d.cuStreamDestroy, "cuStreamDestroy_v2");
  bind(d.cuStreamSynchronize, "cuStreamSynchronize");
  bind(d.cuModuleLoadData, "cuModuleLoadData");
  bind(d.cuModuleUnload, "cuModuleUnload");
  bind(d.cuModuleGetFunction, "cuModuleGetFunction");
  bind(d.cuLaunchKernel, "cuLaunchKernel");
  bind(d.cuMemAllocManaged, "cuMemAllocManaged");
  bind(d.cuMemAlloc, "cuMemAlloc_v2");
  bind(d.cuMemFree, "cuMemFree_v2");
  bind(d.cuMemcpy, "cuMemcpy");
  bind(d.cuEventCreate, "cuEventCreate");
  bind(d.cuEventDestroy, "cuEventDestroy_v2");
  bind(d.cuEventRecord, "cuEventRecord");
  bind(d.cuStreamWaitEvent, "cuStreamWaitEvent");
  bind(d.cuEventSynchronize, "cuEventSynchronize");
  bind(d.cuEventElapsedTime, "cuEventElapsedTime");
  // (The CUDA 12 form, which drivers keep beside CUDA 13's _v2.)
  findSymbol(library, d.cuMemPrefetchAsync, "cuMemPrefetchAsync");
  bind(d.cuGetErrorName, "cuGetErrorName");
  bind(d.cuGetErrorString, "cuGetErrorString");
  return ok;
}

} // namespace

const CUDADriver *CUDADriver::get(std::string &why) {
  static std::once_flag once;
  static CUDADriver driver;
  static const CUDADriver *loaded = nullptr;
  static std::string failure;
  std::call_once(once, [] {
    // SEQC_CUDA_DRIVER names another library (tests of the missing-driver
    // path on machines that have one).
    const char *name = std::getenv("SEQC_CUDA_DRIVER");
    void *library =
        dlopen(name && *name ? name : "libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
    if (!library) {
      const char *error = dlerror();
      failure = std::string("no CUDA driver (") +
                (error ? error : "libcuda.so.1 not found") + ")";
      return;
    }
    if (!resolve(library, driver, failure))
      return;
    if (CUresult r = driver.cuInit(0)) {
      failure = "no CUDA device (cuInit: " + driver.describe(r) + ")";
      return;
    }
    int count = 0;
    if (CUresult r = driver.cuDeviceGetCount(&count); r || count < 1) {
      failure =
          r ? "no CUDA device (cuDeviceGetCount: " + driver.describe(r) + ")"
            : "no CUDA device";
      return;
    }
    loaded = &driver;
  });
  why = failure;
  return loaded;
}
