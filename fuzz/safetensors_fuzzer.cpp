// libFuzzer target: the safetensors reader. Every tensor it accepts is read
// byte by byte, so that ASan sees any range outside the file; the mapped
// reader (SafeTensorsFile::open) must agree with the in-memory one.

#include "FuzzSupport.h"
#include "seqc/Runtime/TensorFiles.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace {

[[noreturn]] void fatal(const char *what) {
  seqc::fuzz::fatal("safetensors_fuzzer", what);
}

/// Checks what the reader promises of a file it accepted from `input`, and
/// reads every tensor byte: each tensor's bytes are those of the input at
/// its offset, and the tensors tile the data section. Returns the tensors'
/// offsets in the data section, in the file's (name) order.
std::vector<size_t> checkAccepted(const seqc::SafeTensorsFile &file,
                                  const uint8_t *input, size_t size) {
  uint64_t headerLen = 0;
  for (int i = 7; i >= 0; --i)
    headerLen = (headerLen << 8) | input[i];
  const uint8_t *inputData = input + 8 + headerLen;
  size_t dataSize = size - 8 - headerLen;

  // The reader's copy of the data section starts at the lowest tensor.
  const uint8_t *dataBegin = nullptr;
  size_t covered = 0;
  for (const seqc::TensorInfo &t : file.tensors()) {
    if (!dataBegin || t.data < dataBegin)
      dataBegin = t.data;
    covered += t.nbytes;
  }
  if (covered != dataSize)
    fatal("tensors do not tile the data section");

  std::vector<size_t> offsets;
  const std::string *previous = nullptr;
  for (const seqc::TensorInfo &t : file.tensors()) {
    if (previous && !(*previous < t.name))
      fatal("tensor names are not sorted and unique");
    previous = &t.name;
    if (file.find(t.name) != &t)
      fatal("find() does not return the listed tensor");
    std::optional<size_t> bytes = seqc::tensorByteSize(t.shape, t.dtype);
    if (!bytes || *bytes != t.nbytes)
      fatal("nbytes does not match the shape");
    size_t offset = size_t(t.data - dataBegin);
    if (offset > dataSize || t.nbytes > dataSize - offset)
      fatal("tensor data outside the data section");
    // Byte by byte, so that ASan checks every access.
    for (size_t i = 0; i < t.nbytes; ++i)
      if (t.data[i] != inputData[offset + i])
        fatal("tensor bytes differ from the file's");
    offsets.push_back(offset);
  }
  return offsets;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  seqc::TensorFileError err;
  auto file = seqc::SafeTensorsFile::parse(
      std::vector<uint8_t>(data, data + size), err);
  std::vector<size_t> offsets;
  if (file)
    offsets = checkAccepted(*file, data, size);
  else if (err.what.empty())
    fatal("rejected without a message");

  seqc::TensorFileError mapErr;
  auto mapped = seqc::SafeTensorsFile::open(
      seqc::fuzz::scratchFile("safetensors_fuzzer", data, size), mapErr);
  if (bool(mapped) != bool(file))
    fatal("open() and parse() disagree on accepting the input");
  if (!mapped) {
    if (mapErr.where != err.where || mapErr.what != err.what)
      fatal("open() and parse() give different errors");
    return 0;
  }
  if (checkAccepted(*mapped, data, size) != offsets)
    fatal("open() and parse() place the tensors differently");
  const auto &a = file->tensors(), &b = mapped->tensors();
  for (size_t i = 0; i < a.size(); ++i)
    if (a[i].name != b[i].name || a[i].dtype != b[i].dtype ||
        a[i].shape != b[i].shape)
      fatal("open() and parse() read different tensors");
  if (file->metadata() != mapped->metadata())
    fatal("open() and parse() read different metadata");
  return 0;
}
