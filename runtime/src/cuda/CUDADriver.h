//===- CUDADriver.h - The CUDA driver API, loaded at run time ---*- C++ -*-===//
//
// The runtime links nothing of CUDA: the driver (libcuda.so.1) is dlopened
// when the first CUDA module is loaded, and the entry points it needs are
// resolved by name, as IREE's CUDA HAL does. Without the library, or
// without a device, loading a CUDA module is an error with a message.
//
//===----------------------------------------------------------------------===//
#ifndef SEQC_RUNTIME_CUDA_CUDADRIVER_H
#define SEQC_RUNTIME_CUDA_CUDADRIVER_H

#include <cstddef>
#include <string>

namespace seqc::runtime {

// The driver API's types, as its header declares them.
using CUresult = int;
using CUdevice = int;
using CUdeviceptr = unsigned long long;
struct CUctx_st;
struct CUmod_st;
struct CUfunc_st;
struct CUstream_st;
struct CUevent_st;
using CUcontext = CUctx_st *;
using CUmodule = CUmod_st *;
using CUfunction = CUfunc_st *;
using CUstream = CUstream_st *;
using CUevent = CUevent_st *;

struct CUDADriver {
  CUresult (*cuInit)(unsigned);
  CUresult (*cuDeviceGetCount)(int *);
  CUresult (*cuDeviceGet)(CUdevice *, int);
  CUresult (*cuDeviceGetAttribute)(int *, int, CUdevice);
  CUresult (*cuDeviceGetName)(char *, int, CUdevice);
  CUresult (*cuDevicePrimaryCtxRetain)(CUcontext *, CUdevice);
  CUresult (*cuDevicePrimaryCtxRelease)(CUdevice);
  CUresult (*cuCtxPushCurrent)(CUcontext);
  CUresult (*cuCtxPopCurrent)(CUcontext *);
  CUresult (*cuStreamCreate)(CUstream *, unsigned);
  CUresult (*cuStreamDestroy)(CUstream);
  CUresult (*cuStreamSynchronize)(CUstream);
  CUresult (*cuModuleLoadData)(CUmodule *, const void *);
  CUresult (*cuModuleUnload)(CUmodule);
  CUresult (*cuModuleGetFunction)(CUfunction *, CUmodule, const char *);
  CUresult (*cuLaunchKernel)(CUfunction, unsigned, unsigned, unsigned, unsigned,
                             unsigned, unsigned, unsigned, CUstream, void **,
                             void **);
  CUresult (*cuMemAllocManaged)(CUdeviceptr *, size_t, unsigned);
  CUresult (*cuMemAlloc)(CUdeviceptr *, size_t);
  CUresult (*cuMemFree)(CUdeviceptr);
  CUresult (*cuMemcpy)(CUdeviceptr, CUdeviceptr, size_t);
  CUresult (*cuEventCreate)(CUevent *, unsigned);
  CUresult (*cuEventDestroy)(CUevent);
  CUresult (*cuEventRecord)(CUevent, CUstream);
  CUresult (*cuStreamWaitEvent)(CUstream, CUevent, unsigned);
  CUresult (*cuEventSynchronize)(CUevent);
  CUresult (*cuEventElapsedTime)(float *, CUevent, CUevent);
  /// Optional (null where the driver lacks it): advice, whose failure is
  /// no error.
  CUresult (*cuMemPrefetchAsync)(CUdeviceptr, size_t, CUdevice, CUstream);
  CUresult (*cuGetErrorName)(CUresult, const char **);
  CUresult (*cuGetErrorString)(CUresult, const char **);

  /// "NAME: text" for a result.
  std::string describe(CUresult result) const;

  /// The process's driver, loaded and initialized once; null with `why`
  /// ("no CUDA driver (...)", "no CUDA device (...)") when it cannot be.
  static const CUDADriver *get(std::string &why);
};

/// `context` current on this thread for the scope, whatever the caller had
/// current restored after it.
class ContextScope {
public:
  ContextScope(const CUDADriver &driver, CUcontext context)
      : driver(driver), pushed(driver.cuCtxPushCurrent(context)) {}
  ~ContextScope() {
    CUcontext popped;
    if (!pushed)
      driver.cuCtxPopCurrent(&popped);
  }
  ContextScope(const ContextScope &) = delete;
  ContextScope &operator=(const ContextScope &) = delete;
  /// The push's result (0: `context` is current).
  CUresult result() const { return pushed; }

private:
  const CUDADriver &driver;
  const CUresult pushed;
};

// The few attributes and flags used.
constexpr int kComputeCapabilityMajor = 75;
constexpr int kComputeCapabilityMinor = 76;
constexpr unsigned kMemAttachGlobal = 1;
constexpr unsigned kStreamNonBlocking = 1;
constexpr unsigned kEventDisableTiming = 2;

} // namespace seqc::runtime

#endif // SEQC_RUNTIME_CUDA_CUDADRIVER_H
