// Element-type names and sizes shared by the tensor-file readers.

#include "FileErrors.h"
#include "seqc/Runtime/TensorFiles.h"

#include <cctype>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace seqc {

const char *dtypeName(DType dtype) {
  switch (dtype) {
  case DType::F32:
    return "f32";
  case DType::F16:
    return "f16";
  case DType::BF16:
    return "bf16";
  case DType::I32:
    return "i32";
  case DType::I64:
    return "i64";
  }
  return "?";
}

size_t dtypeSize(DType dtype) {
  switch (dtype) {
  case DType::F16:
  case DType::BF16:
    return 2;
  case DType::F32:
  case DType::I32:
    return 4;
  case DType::I64:
    return 8;
  }
  return 0;
}

std::optional<DType> dtypeFromName(std::string_view name) {
  for (DType d : {DType::F32, DType::F16, DType::BF16, DType::I32, DType::I64})
    if (name == dtypeName(d))
      return d;
  return std::nullopt;
}

std::optional<size_t> tensorByteSize(const std::vector<int64_t> &shape,
                                     DType dtype) {
  // A zero dimension makes the size zero however large the others are.
  bool empty = false;
  for (int64_t dim : shape) {
    if (dim < 0)
      return std::nullopt;
    empty |= dim == 0;
  }
  if (empty)
    return 0;
  size_t bytes = dtypeSize(dtype);
  for (int64_t dim : shape)
    if (__builtin_mul_overflow(bytes, static_cast<uint64_t>(dim), &bytes))
      return std::nullopt;
  return bytes;
}

std::string lowerErrno() {
  std::string msg = std::strerror(errno);
  if (!msg.empty())
    msg[0] =
        static_cast<char>(std::tolower(static_cast<unsigned char>(msg[0])));
  return msg;
}

bool openRegularFile(const std::string &path, int &fd, size_t &size,
                     std::string &why) {
  fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) {
    why = "cannot open file: " + lowerErrno();
    return false;
  }
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    fd = -1;
    why = "not a regular file";
    return false;
  }
  size = static_cast<size_t>(st.st_size);
  return true;
}

} // namespace seqc
