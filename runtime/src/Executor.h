//===- Executor.h - What a device backend provides to the C API -*- C++ -*-===//
//
// The C API (Module.cpp, Run.cpp) is the same for every device: it reads a
// module's signature, binds its weights, allocates its state, checks the
// inputs and hands the results out. An Executor holds the module's code for
// one kind of device and runs it; each seqc_module owns one. The CPU's
// (cpu/CPUExecutor.h) runs host code from a dlopened library or from an
// object linked into the application.
//
//===----------------------------------------------------------------------===//
#ifndef SEQC_RUNTIME_EXECUTOR_H
#define SEQC_RUNTIME_EXECUTOR_H

#include "seqc/Runtime/seqc_module_abi.h"

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>

namespace seqc::runtime {

class Executor {
public:
  virtual ~Executor() = default;

  /// The device's name in messages, e.g. "cpu".
  virtual const char *name() const = 0;

  /// Loads the code of a module compiled to a shared library. False with
  /// `why` the message that follows the path ("cannot load: ...", "not a
  /// seqc module").
  virtual bool loadLibrary(const std::string &path, std::string &why) = 0;

  /// Takes the code of a module linked into the application: its
  /// `<name>_entry` and `<name>_signature` (seqc_module_abi.h).
  virtual void useLinked(seqc_entry_fn entry, const char *signature) = 0;

  /// The loaded module's signature, a NUL-terminated JSON text.
  virtual const char *signature() const = 0;

  /// Whether this machine offers what the parsed signature asks of the
  /// device (the CPU's features). False with `why` the message that follows
  /// the module's name. A missing or mistyped field throws, as in the rest
  /// of the signature.
  /// A device's executor also gets ready to run there (CUDA: the driver,
  /// the device, its context).
  virtual bool checkSignature(const nlohmann::json &signature,
                              std::string &why) = 0;

  /// Worker threads for later runs; 0: the device's default.
  virtual void setThreads(int threads) = 0;

  /// Calls the entry on `args` (one memref descriptor per argument) with
  /// the result descriptors written to `results`. Returns 0, the 1-based
  /// number of the run-time check that failed, kAllocFailed when the module
  /// could not allocate `failedBytes`, kDeviceFailed (deviceError()), or
  /// kNoAMX (the process may not use the module's AMX tiles).
  virtual int32_t run(void **args, void *results, uint64_t &failedBytes) = 0;
  static constexpr int32_t kAllocFailed = -1, kDeviceFailed = -2,
                           kNoAMX = SEQC_ENTRY_NO_AMX;
  /// What failed on the device in the last run.
  virtual std::string deviceError() const { return ""; }

  /// Whether the module's code reads the caller's host buffers directly;
  /// when not, the C API copies inputs and weights into allocate()d
  /// buffers, which the host can read and write too.
  virtual bool readsHostMemory() const { return true; }
  /// A buffer for the module's code (64-byte aligned), or null.
  virtual void *allocate(size_t bytes) {
    return aligned_alloc(64, (bytes + 63) / 64 * 64 + (bytes == 0) * 64);
  }
  /// Releases what allocate() or the module's code allocated.
  virtual void release(void *data) { free(data); }
  /// Copies `bytes` between any two buffers the caller or allocate() gave
  /// (host or, for a device, device memory); false with `why`.
  virtual bool copy(void *to, const void *from, size_t bytes,
                    std::string &why) {
    memcpy(to, from, bytes);
    return true;
  }
  /// Runs on the caller's `stream` (a device's queue; null: its own).
  virtual void setStream(void *stream) {}
  /// The device time of the last run in ms, or -1.
  virtual double lastRunDeviceMs() const { return -1; }
};

/// Frees device memory a run handed out (seqc_tensor_release).
void releaseDeviceMemory(void *data);

} // namespace seqc::runtime

#endif // SEQC_RUNTIME_EXECUTOR_H
