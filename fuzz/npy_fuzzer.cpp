// libFuzzer target: the .npy reader, in memory (parseNpy) and mapped from a
// file (NpyFile), which must agree on every input.

#include "FuzzSupport.h"
#include "seqc/Runtime/TensorFiles.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace {

[[noreturn]] void fatal(const char *what) {
  seqc::fuzz::fatal("npy_fuzzer", what);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  seqc::NpyArray array;
  seqc::TensorFileError err;
  bool parsed = seqc::parseNpy(data, size, array, err);
  if (parsed) {
    std::optional<size_t> bytes =
        seqc::tensorByteSize(array.shape, array.dtype);
    if (!bytes || *bytes != array.data.size())
      fatal("accepted data whose size does not match the shape");
  } else if (err.what.empty()) {
    fatal("rejected without a message");
  }

  seqc::TensorFileError mapErr;
  std::unique_ptr<seqc::NpyFile> file = seqc::NpyFile::open(
      seqc::fuzz::scratchFile("npy_fuzzer", data, size), mapErr);
  if (bool(file) != parsed)
    fatal("NpyFile and parseNpy disagree on accepting the input");
  if (!file) {
    if (mapErr.where != err.where || mapErr.what != err.what)
      fatal("NpyFile and parseNpy give different errors");
    return 0;
  }
  if (file->dtype() != array.dtype || file->shape() != array.shape ||
      file->nbytes() != array.data.size() ||
      reinterpret_cast<uintptr_t>(file->data()) %
          seqc::dtypeSize(array.dtype) ||
      (!array.data.empty() &&
       std::memcmp(file->data(), array.data.data(), array.data.size()) != 0))
    fatal("NpyFile and parseNpy read different arrays");
  return 0;
}
