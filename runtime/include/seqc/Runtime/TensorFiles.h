//===- TensorFiles.h - safetensors and .npy readers -------------*- C++ -*-===//
//
// Validating readers for the tensor files of SPEC.md section 3: safetensors
// weights (memory-mapped) and NumPy .npy inputs/outputs. No LLVM/MLIR
// dependency, so the embedded runtime can use them too.
//
//===----------------------------------------------------------------------===//

#ifndef SEQC_RUNTIME_TENSORFILES_H
#define SEQC_RUNTIME_TENSORFILES_H

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace seqc {

/// Element types of tensor files and model inputs.
enum class DType { F32, F16, BF16, I32, I64 };

/// The model-JSON spelling: "f32", "f16", "bf16", "i32", "i64".
const char *dtypeName(DType);
/// Bytes per element.
size_t dtypeSize(DType);
/// Inverse of dtypeName; std::nullopt for any other spelling.
std::optional<DType> dtypeFromName(std::string_view name);
/// Bytes of a tensor of `shape` and `dtype`; std::nullopt if a dimension is
/// negative or the size does not fit in size_t.
std::optional<size_t> tensorByteSize(const std::vector<int64_t> &shape,
                                     DType dtype);

/// Where a file is wrong and what. `where` is a JSON pointer into the
/// safetensors header (e.g. "/q_proj.weight/data_offsets"), or "header", or
/// "byte N", or "" when the file as a whole is wrong (cannot open, too short).
/// `what` is a short lowercase phrase.
struct TensorFileError {
  std::string where;
  std::string what;
};

/// One tensor of a safetensors file. `data` points into the file's mapping
/// and is not necessarily aligned for the element type.
struct TensorInfo {
  std::string name;
  DType dtype;
  std::vector<int64_t> shape;
  const uint8_t *data;
  size_t nbytes;
};

/// A safetensors file, memory-mapped read-only. Every tensor is validated on
/// open (header length, JSON shape, dtype, shape, offsets and sizes), so the
/// TensorInfo entries can be used without further checks.
class SafeTensorsFile {
public:
  /// Header lengths above this are rejected before anything is parsed.
  static constexpr uint64_t kMaxHeaderLength = 100'000'000;

  static std::unique_ptr<SafeTensorsFile> open(const std::string &path,
                                               TensorFileError &err);
  /// Validates an in-memory file (for tests and fuzzing); owns the bytes.
  static std::unique_ptr<SafeTensorsFile> parse(std::vector<uint8_t> bytes,
                                                TensorFileError &err);

  /// The tensor called `name`, or nullptr if absent.
  const TensorInfo *find(std::string_view name) const;
  /// All tensors, sorted by name.
  const std::vector<TensorInfo> &tensors() const { return tensorList; }
  /// The optional "__metadata__" string map.
  const std::map<std::string, std::string> &metadata() const { return meta; }

  SafeTensorsFile(const SafeTensorsFile &) = delete;
  SafeTensorsFile &operator=(const SafeTensorsFile &) = delete;
  ~SafeTensorsFile();

private:
  SafeTensorsFile() = default;
  bool init(const uint8_t *bytes, size_t size, TensorFileError &err);

  void *mapping = nullptr;
  size_t mappingSize = 0;
  std::vector<uint8_t> owned;
  std::vector<TensorInfo> tensorList;
  std::map<std::string, std::string> meta;
};

/// A NumPy array read from or written to a .npy file (C order).
struct NpyArray {
  DType dtype = DType::F32;
  std::vector<int64_t> shape;
  std::vector<uint8_t> data;
  size_t numElements() const;
};

/// Reads a .npy file: versions 1.0-3.0, little-endian, C order, dtypes
/// '<f4', '<f2', '<i4', '<i8'. The data must be exactly the shape's size.
bool readNpy(const std::string &path, NpyArray &out, TensorFileError &err);
/// Same as readNpy on bytes in memory.
bool parseNpy(const uint8_t *bytes, size_t size, NpyArray &out,
              TensorFileError &err);
/// A .npy file mapped read-only, for inputs of any size: the header is
/// validated exactly as readNpy does, and the data is used in place. Only
/// when the data's offset in the file is not a multiple of the element size
/// is it copied, so that `data()` is always aligned for the dtype (numpy
/// itself aligns the data to 64 bytes). Non-regular files are refused.
class NpyFile {
public:
  static std::unique_ptr<NpyFile> open(const std::string &path,
                                       TensorFileError &err);

  DType dtype() const { return type; }
  const std::vector<int64_t> &shape() const { return dims; }
  /// The array's bytes (C order), aligned for dtype(); valid while this
  /// object lives. Not null, also for an empty array.
  const void *data() const { return bytes; }
  size_t nbytes() const { return size; }
  /// True when the data had to be copied to align it.
  bool copied() const { return copy != nullptr; }

  NpyFile(const NpyFile &) = delete;
  NpyFile &operator=(const NpyFile &) = delete;
  ~NpyFile();

private:
  NpyFile() = default;

  DType type = DType::F32;
  std::vector<int64_t> dims;
  const void *bytes = nullptr;
  size_t size = 0;
  void *mapping = nullptr;
  size_t mappingSize = 0;
  void *copy = nullptr; // malloc'ed aligned copy, or null
};

/// Writes version 1.0 (2.0 if the header does not fit), header padded so the
/// data starts at a multiple of 64. BF16 has no .npy dtype and is an error.
bool writeNpy(const std::string &path, DType dtype,
              const std::vector<int64_t> &shape, const void *data,
              TensorFileError &err);

} // namespace seqc

#endif // SEQC_RUNTIME_TENSORFILES_H
