// NumPy .npy reader (versions 1.0-3.0) and writer with a strict header parser.

#include "FileErrors.h"
#include "seqc/Runtime/TensorFiles.h"

#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <sys/mman.h>
#include <unistd.h>

namespace seqc {
namespace {

constexpr char kMagic[] = "\x93NUMPY";
constexpr size_t kMagicLen = 6;

bool fail(TensorFileError &err, std::string where, std::string what) {
  err = {std::move(where), std::move(what)};
  return false;
}

std::string byteAt(size_t offset) { return "byte " + std::to_string(offset); }

std::string formatShape(const std::vector<int64_t> &shape) {
  std::string out = "(";
  for (size_t i = 0; i < shape.size(); ++i)
    out += (i ? ", " : "") + std::to_string(shape[i]);
  return out + (shape.size() == 1 ? ",)" : ")");
}

const char *npyDescr(DType dtype) {
  switch (dtype) {
  case DType::F32:
    return "<f4";
  case DType::F16:
    return "<f2";
  case DType::I32:
    return "<i4";
  case DType::I64:
    return "<i8";
  case DType::BF16:
    break;
  }
  return nullptr;
}

/// The header dict numpy writes, e.g.
///   {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }
/// parsed strictly: exactly these three keys in any order, Python string,
/// bool and int-tuple literals, whitespace between tokens, optional trailing
/// comma, and nothing but whitespace after the closing brace.
class HeaderParser {
public:
  HeaderParser(const char *text, size_t size, size_t fileOffset,
               TensorFileError &err)
      : text(text), size(size), fileOffset(fileOffset), err(err) {}

  bool parse(std::string &descr, bool &fortran, std::vector<int64_t> &shape) {
    bool seen[3] = {false, false, false};
    skipSpace();
    if (!consume('{'))
      return syntax("expected '{'");
    while (true) {
      skipSpace();
      if (consume('}'))
        break;
      std::string key;
      if (!parseString(key))
        return false;
      skipSpace();
      if (!consume(':'))
        return syntax("expected ':'");
      skipSpace();
      int index = key == "descr"           ? 0
                  : key == "fortran_order" ? 1
                  : key == "shape"         ? 2
                                           : -1;
      if (index < 0)
        return fail(err, "header", "unknown header key '" + key + "'");
      if (seen[index])
        return fail(err, "header", "duplicate header key '" + key + "'");
      seen[index] = true;
      bool ok = index == 0   ? parseString(descr)
                : index == 1 ? parseBool(fortran)
                             : parseShape(shape);
      if (!ok)
        return false;
      skipSpace();
      if (consume(','))
        continue;
      if (consume('}'))
        break;
      return syntax("expected ',' or '}'");
    }
    skipSpace();
    if (pos != size)
      return syntax("unexpected text after the header dict");
    for (int i = 0; i < 3; ++i)
      if (!seen[i])
        return fail(err, "header",
                    std::string("header has no '") +
                        (i == 0   ? "descr"
                         : i == 1 ? "fortran_order"
                                  : "shape") +
                        "' key");
    return true;
  }

private:
  bool syntax(const std::string &what) {
    return fail(err, byteAt(fileOffset + pos), "malformed header: " + what);
  }
  bool atEnd() const { return pos >= size; }
  char peek() const { return atEnd() ? '\0' : text[pos]; }
  bool consume(char c) {
    if (atEnd() || text[pos] != c)
      return false;
    ++pos;
    return true;
  }
  bool consume(const char *word) {
    size_t n = std::strlen(word);
    if (size - pos < n || std::memcmp(text + pos, word, n) != 0)
      return false;
    pos += n;
    return true;
  }
  void skipSpace() {
    while (!atEnd() && (text[pos] == ' ' || text[pos] == '\t' ||
                        text[pos] == '\n' || text[pos] == '\r'))
      ++pos;
  }

  /// A quoted string without escapes, in either quote style.
  bool parseString(std::string &out) {
    char quote = peek();
    if (quote != '\'' && quote != '"')
      return syntax("expected a quoted string");
    size_t start = ++pos;
    while (!atEnd() && text[pos] != quote) {
      unsigned char c = static_cast<unsigned char>(text[pos]);
      if (c == '\\' || c < 0x20 || c >= 0x7f)
        return syntax("unsupported character in string");
      ++pos;
    }
    if (!consume(quote))
      return syntax("unterminated string");
    out.assign(text + start, pos - 1 - start);
    return true;
  }

  bool parseBool(bool &out) {
    if (consume("True"))
      out = true;
    else if (consume("False"))
      out = false;
    else
      return syntax("expected True or False");
    return true;
  }

  bool parseInt(int64_t &out) {
    bool negative = consume('-');
    if (!std::isdigit(static_cast<unsigned char>(peek())))
      return syntax("expected an integer");
    if (peek() == '0' && pos + 1 < size &&
        std::isdigit(static_cast<unsigned char>(text[pos + 1])))
      return syntax("integer with a leading zero");
    uint64_t value = 0;
    bool overflow = false;
    while (std::isdigit(static_cast<unsigned char>(peek()))) {
      overflow |= value > (UINT64_MAX - 9) / 10;
      if (!overflow)
        value = value * 10 + static_cast<uint64_t>(text[pos] - '0');
      ++pos;
    }
    if (negative && value != 0)
      return fail(err, "header", "negative dimension in shape");
    if (overflow || value > static_cast<uint64_t>(INT64_MAX))
      return fail(err, "header", "dimension in shape is too large");
    out = static_cast<int64_t>(value);
    return true;
  }

  bool parseShape(std::vector<int64_t> &shape) {
    if (!consume('('))
      return syntax("expected a shape tuple");
    skipSpace();
    bool trailingComma = false;
    while (!consume(')')) {
      int64_t dim;
      if (!parseInt(dim))
        return false;
      shape.push_back(dim);
      skipSpace();
      trailingComma = consume(',');
      skipSpace();
      if (!trailingComma && peek() != ')')
        return syntax("expected ',' or ')' in shape");
    }
    // In Python "(3)" is the integer 3, not a tuple.
    if (shape.size() == 1 && !trailingComma)
      return syntax("shape with one dimension needs a trailing comma");
    return true;
  }

  const char *text;
  size_t size, fileOffset, pos = 0;
  TensorFileError &err;
};

/// Validates everything before the data and the data's size; on success
/// `dataOffset` is where the array's bytes start.
bool parseHeader(const uint8_t *bytes, size_t size, DType &dtype,
                 std::vector<int64_t> &shape, size_t &dataOffset,
                 TensorFileError &err) {
  if (size < kMagicLen || std::memcmp(bytes, kMagic, kMagicLen) != 0)
    return fail(err, "", "not a .npy file (bad magic)");
  if (size < 8)
    return fail(err, "", "truncated header");
  unsigned major = bytes[6], minor = bytes[7];
  if (major < 1 || major > 3 || minor != 0)
    return fail(err, byteAt(6),
                "unsupported .npy version " + std::to_string(major) + "." +
                    std::to_string(minor));
  size_t lenBytes = major == 1 ? 2 : 4, start = 8 + lenBytes;
  if (size < start)
    return fail(err, "", "truncated header");
  uint64_t headerLen = 0;
  for (size_t i = lenBytes; i-- > 0;)
    headerLen = (headerLen << 8) | bytes[8 + i];
  if (headerLen > size - start)
    return fail(err, byteAt(8),
                "header length " + std::to_string(headerLen) +
                    " exceeds file size " + std::to_string(size));

  std::string descr;
  bool fortran = false;
  HeaderParser parser(reinterpret_cast<const char *>(bytes + start), headerLen,
                      start, err);
  if (!parser.parse(descr, fortran, shape))
    return false;
  if (descr == "<f4")
    dtype = DType::F32;
  else if (descr == "<f2")
    dtype = DType::F16;
  else if (descr == "<i4")
    dtype = DType::I32;
  else if (descr == "<i8")
    dtype = DType::I64;
  else if (!descr.empty() && descr[0] == '>')
    return fail(err, "header",
                "big-endian dtype '" + descr + "' is not supported");
  else
    return fail(err, "header", "unsupported dtype '" + descr + "'");
  if (fortran)
    return fail(err, "header", "fortran_order arrays are not supported");

  dataOffset = start + headerLen;
  std::optional<size_t> expected = tensorByteSize(shape, dtype);
  std::string what = "shape " + formatShape(shape) + " of " + dtypeName(dtype);
  if (!expected)
    return fail(err, "header", what + " is too large (size overflows)");
  size_t actual = size - dataOffset;
  if (actual != *expected)
    return fail(
        err, byteAt(dataOffset),
        std::string(actual < *expected ? "data too short" : "data too long") +
            ": " + what + " needs " + std::to_string(*expected) +
            " bytes, file has " + std::to_string(actual));
  return true;
}

/// openRegularFile with the reader's error.
bool openRegular(const std::string &path, int &fd, size_t &size,
                 TensorFileError &err) {
  std::string why;
  return openRegularFile(path, fd, size, why) || fail(err, "", why);
}

bool readFile(const std::string &path, std::vector<uint8_t> &bytes,
              TensorFileError &err) {
  int fd;
  size_t size;
  if (!openRegular(path, fd, size, err))
    return false;
  bytes.resize(size);
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::read(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0) {
      std::string what = "cannot read file: " + lowerErrno();
      ::close(fd);
      return fail(err, "", what);
    }
    if (n == 0)
      break; // The file shrank; parse what is there.
    done += static_cast<size_t>(n);
  }
  ::close(fd);
  bytes.resize(done);
  return true;
}

} // namespace

size_t NpyArray::numElements() const {
  size_t n = 1;
  for (int64_t dim : shape)
    n *= static_cast<size_t>(dim);
  return n;
}

bool parseNpy(const uint8_t *bytes, size_t size, NpyArray &out,
              TensorFileError &err) {
  NpyArray result;
  size_t offset;
  if (!parseHeader(bytes, size, result.dtype, result.shape, offset, err))
    return false;
  result.data.assign(bytes + offset, bytes + size);
  out = std::move(result);
  return true;
}

bool readNpy(const std::string &path, NpyArray &out, TensorFileError &err) {
  NpyArray result;
  std::vector<uint8_t> bytes;
  size_t offset;
  if (!readFile(path, bytes, err) ||
      !parseHeader(bytes.data(), bytes.size(), result.dtype, result.shape,
                   offset, err))
    return false;
  // Reuse the file buffer rather than copying the data once more.
  bytes.erase(bytes.begin(), bytes.begin() + static_cast<ptrdiff_t>(offset));
  result.data = std::move(bytes);
  out = std::move(result);
  return true;
}

std::unique_ptr<NpyFile> NpyFile::open(const std::string &path,
                                       TensorFileError &err) {
  int fd;
  size_t fileSize;
  if (!openRegular(path, fd, fileSize, err))
    return nullptr;
  std::unique_ptr<NpyFile> file(new NpyFile);
  // An empty file cannot be mapped; it is a (rejected) empty buffer.
  alignas(16) static const uint8_t kEmpty[16] = {};
  const uint8_t *base = kEmpty;
  if (fileSize > 0) {
    void *mapping = mmap(nullptr, fileSize, PROT_READ, MAP_PRIVATE, fd, 0);
    if (mapping == MAP_FAILED) {
      fail(err, "", "cannot map file: " + lowerErrno());
      ::close(fd);
      return nullptr;
    }
    file->mapping = mapping;
    file->mappingSize = fileSize;
    base = static_cast<const uint8_t *>(mapping);
  }
  ::close(fd);

  size_t offset;
  if (!parseHeader(base, fileSize, file->type, file->dims, offset, err))
    return nullptr;
  file->size = fileSize - offset;
  const uint8_t *data = base + offset;
  size_t align = dtypeSize(file->type);
  if (file->size == 0) {
    file->bytes = kEmpty;
  } else if (reinterpret_cast<uintptr_t>(data) % align == 0) {
    file->bytes = data;
  } else {
    // The mapping is page-aligned, so only an odd header length gets here.
    file->copy = std::malloc(file->size);
    if (!file->copy) {
      fail(err, byteAt(offset),
           "cannot allocate " + std::to_string(file->size) +
               " bytes to align the data (it starts at byte " +
               std::to_string(offset) + ", not a multiple of " +
               std::to_string(align) + ")");
      return nullptr;
    }
    std::memcpy(file->copy, data, file->size);
    file->bytes = file->copy;
    munmap(file->mapping, file->mappingSize);
    file->mapping = nullptr;
  }
  return file;
}

NpyFile::~NpyFile() {
  std::free(copy);
  if (mapping)
    munmap(mapping, mappingSize);
}

bool writeNpy(const std::string &path, DType dtype,
              const std::vector<int64_t> &shape, const void *data,
              TensorFileError &err) {
  const char *descr = npyDescr(dtype);
  if (!descr)
    return fail(err, "", std::string(dtypeName(dtype)) + " has no .npy dtype");
  std::optional<size_t> nbytes = tensorByteSize(shape, dtype);
  if (!nbytes)
    return fail(err, "", "invalid shape " + formatShape(shape));
  if (*nbytes && !data)
    return fail(err, "", "no data to write");

  std::string dict =
      std::string("{'descr': '") + descr +
      "', 'fortran_order': False, 'shape': " + formatShape(shape) + ", }";
  // Pad with spaces and end with '\n' so the data is 64-byte aligned.
  auto paddedSize = [&](size_t prefix) {
    return (prefix + dict.size() + 1 + 63) / 64 * 64;
  };
  size_t prefix = paddedSize(10) - 10 > 0xffff ? 12 : 10;
  size_t total = paddedSize(prefix);
  size_t headerLen = total - prefix;
  std::string header(kMagic, kMagicLen);
  header += static_cast<char>(prefix == 10 ? 1 : 2);
  header += '\0';
  for (size_t i = 0; i < prefix - 8; ++i)
    header += static_cast<char>((headerLen >> (8 * i)) & 0xff);
  header += dict;
  header.append(total - 1 - header.size(), ' ');
  header += '\n';

  std::FILE *f = std::fopen(path.c_str(), "wb");
  if (!f)
    return fail(err, "", "cannot write file: " + lowerErrno());
  bool ok = std::fwrite(header.data(), 1, header.size(), f) == header.size() &&
            (*nbytes == 0 || std::fwrite(data, 1, *nbytes, f) == *nbytes);
  int writeErrno = errno;
  if (std::fclose(f) != 0 && ok) {
    ok = false;
    writeErrno = errno;
  }
  if (!ok) {
    errno = writeErrno;
    return fail(err, "", "cannot write file: " + lowerErrno());
  }
  return true;
}

} // namespace seqc
