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
  virtual bool checkSignature(const nlohmann::json &signature,
                              std::string &why) const = 0;

  /// Worker threads for later runs; 0: the device's default.
  virtual void setThreads(int threads) = 0;

  /// Calls the entry on `args` (one memref descriptor per argument) with
  /// the result descriptors written to `results`. Returns 0, the 1-based
  /// number of the run-time check that failed, or -1 when the module could
  /// not allocate `failedBytes`.
  virtual int32_t run(void **args, void *results, uint64_t &failedBytes) = 0;
};

} // namespace seqc::runtime

#endif // SEQC_RUNTIME_EXECUTOR_H
