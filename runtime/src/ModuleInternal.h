//===- ModuleInternal.h - The runtime's module structure ------------------===//
#ifndef SEQC_RUNTIME_MODULEINTERNAL_H
#define SEQC_RUNTIME_MODULEINTERNAL_H

#include "Executor.h"
#include "seqc/Runtime/TensorFiles.h"
#include "seqc/Runtime/seqc_runtime.h"

#include <memory>
#include <mutex>
#include <string>
#include <vector>

struct seqc_error {
  std::string message;
};

namespace seqc::runtime {

/// Makes an error (the C API's way of failing). Control characters in the
/// message (a NUL in a tensor name, say) are written as \xNN, so that the
/// whole message survives as a C string.
seqc_error *fail(const std::string &message);

/// One tensor of the signature.
struct TensorSpec {
  std::string name;
  seqc_dtype dtype;
  std::vector<int64_t> dims;        // -1: dynamic
  std::vector<std::string> symbols; // "" where static
};

/// A weight the module reads, bound to its bytes in the weights file (or a
/// copy when the file's bytes are misaligned for the dtype).
struct BoundWeight {
  TensorSpec spec;
  const void *data;
  std::vector<uint8_t> aligned;
  /// The device's copy, when the module's code does not read host memory.
  void *device = nullptr;
};

/// Token ids fed to an embedding: `input` must hold values in [0, num).
struct IdRange {
  size_t input;
  int64_t num;
};

/// A buffer of the module's state: zeroed at load, kept across runs.
struct StateBuffer {
  TensorSpec spec;
  void *data = nullptr;
};

} // namespace seqc::runtime

struct seqc_module {
  ~seqc_module();
  /// The module's code and the device it runs on.
  std::unique_ptr<seqc::runtime::Executor> executor;
  std::string name;
  std::vector<seqc::runtime::TensorSpec> inputs, outputs;
  std::vector<seqc::runtime::BoundWeight> weights;
  /// This instance's state (packed weights), allocated by the executor:
  /// never shared with another instance of the same library.
  std::vector<seqc::runtime::StateBuffer> state;
  /// Runs of this module from several threads take turns (its state is
  /// written by the first run).
  std::mutex runLock;
  std::vector<seqc::runtime::IdRange> idRanges;
  /// Per input: whether only the device's kernels read it (a device input
  /// is then used where it is).
  std::vector<bool> kernelOnly;
  /// Per output: the input whose buffer it may share in
  /// seqc_module_run_into (the signature's "in_place"), or -1.
  std::vector<int64_t> inPlace;
  std::vector<std::string> checks;
  std::unique_ptr<seqc::SafeTensorsFile> weightsFile;
};

#endif // SEQC_RUNTIME_MODULEINTERNAL_H
