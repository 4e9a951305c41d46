// Memory-mapped safetensors reader that validates every tensor on open.

#include "FileErrors.h"
#include "seqc/Runtime/TensorFiles.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <set>
#include <sys/mman.h>
#include <unistd.h>

using json = nlohmann::json;

namespace seqc {
namespace {

bool fail(TensorFileError &err, std::string where, std::string what) {
  err = {std::move(where), std::move(what)};
  return false;
}

/// Quotes a name from the file, escaping bytes that could garble a terminal.
std::string quote(const std::string &s) {
  std::string out = "'";
  for (unsigned char c : s) {
    if (c >= 0x20 && c < 0x7f && c != '\\') {
      out += static_cast<char>(c);
    } else {
      static const char hex[] = "0123456789abcdef";
      out += "\\x";
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out + "'";
}

/// One JSON pointer reference token (RFC 6901).
std::string pointerToken(const std::string &key) {
  std::string out = "/";
  for (char c : key) {
    if (c == '~')
      out += "~0";
    else if (c == '/')
      out += "~1";
    else
      out += c;
  }
  return out;
}

std::string formatShape(const std::vector<int64_t> &shape) {
  std::string out = "[";
  for (size_t i = 0; i < shape.size(); ++i)
    out += (i ? ", " : "") + std::to_string(shape[i]);
  return out + "]";
}

/// Deepest nesting of arrays and objects a header may have. A real header is
/// three levels deep (object, tensor entry, shape); the limit keeps hostile
/// nesting away from anything that recurses over the DOM.
constexpr size_t kMaxHeaderDepth = 64;

/// A streaming pass over the header before the DOM is built: finds where
/// invalid JSON goes wrong, nesting deeper than kMaxHeaderDepth, and keys
/// repeated within one object (which json::parse would silently collapse,
/// last one wins). nlohmann's SAX parser keeps its own state in a vector, so
/// this pass does not recurse however deep the input nests.
class HeaderScan : public json::json_sax_t {
public:
  /// Set on invalid JSON: the parser's 1-based byte position.
  std::optional<size_t> syntaxError;
  /// The first problem with valid JSON: where (a JSON pointer) and what.
  std::optional<std::pair<std::string, std::string>> problem;

  bool null() override { return value(); }
  bool boolean(bool) override { return value(); }
  bool number_integer(number_integer_t) override { return value(); }
  bool number_unsigned(number_unsigned_t) override { return value(); }
  bool number_float(number_float_t, const string_t &) override {
    return value();
  }
  bool string(string_t &) override { return value(); }
  bool binary(binary_t &) override { return value(); }
  bool start_object(std::size_t) override { return open(true); }
  bool key(string_t &k) override {
    if (depth > frames.size())
      return true; // inside a part already reported as too deep
    Frame &f = frames.back();
    f.child = pointerToken(k);
    if (!f.keys.insert(k).second)
      report(pointer(), "duplicate key " + quote(k));
    return true;
  }
  bool end_object() override { return close(); }
  bool start_array(std::size_t) override { return open(false); }
  bool end_array() override { return close(); }
  bool parse_error(std::size_t pos, const std::string &,
                   const nlohmann::detail::exception &) override {
    syntaxError = pos;
    return false;
  }

private:
  struct Frame {
    bool object = false;
    size_t index = 0;           // next element of an array
    std::string child;          // token of the value being parsed
    std::set<std::string> keys; // keys seen so far in an object
  };

  /// The JSON pointer of the value being parsed.
  std::string pointer() const {
    std::string out;
    for (const Frame &f : frames)
      out += f.child;
    return out;
  }
  void report(std::string where, std::string what) {
    if (!problem)
      problem.emplace(std::move(where), std::move(what));
  }
  /// Every value starts here; inside an array it takes the next index.
  bool value() {
    if (depth == frames.size() && !frames.empty() && !frames.back().object)
      frames.back().child = "/" + std::to_string(frames.back().index++);
    return true;
  }
  bool open(bool object) {
    value();
    ++depth;
    if (depth > kMaxHeaderDepth) {
      // Keep counting (to find the matching close) but track nothing more.
      if (depth == kMaxHeaderDepth + 1)
        report(pointer(), "header nests deeper than " +
                              std::to_string(kMaxHeaderDepth) + " levels");
      return true;
    }
    frames.emplace_back();
    frames.back().object = object;
    return true;
  }
  bool close() {
    if (depth-- <= kMaxHeaderDepth)
      frames.pop_back();
    return true;
  }

  size_t depth = 0;
  std::vector<Frame> frames;
};

std::optional<DType> safetensorsDType(const std::string &name) {
  static const std::pair<const char *, DType> table[] = {{"F32", DType::F32},
                                                         {"F16", DType::F16},
                                                         {"BF16", DType::BF16},
                                                         {"I32", DType::I32},
                                                         {"I64", DType::I64}};
  for (const auto &[spelling, dtype] : table)
    if (name == spelling)
      return dtype;
  return std::nullopt;
}

bool parseMetadata(const json &value, std::map<std::string, std::string> &meta,
                   TensorFileError &err) {
  const std::string ptr = "/__metadata__";
  if (!value.is_object())
    return fail(err, ptr, "__metadata__ is not an object");
  for (auto it = value.begin(); it != value.end(); ++it) {
    if (!it.value().is_string())
      return fail(err, ptr + pointerToken(it.key()),
                  "metadata value " + quote(it.key()) + " is not a string");
    meta[it.key()] = it.value().get<std::string>();
  }
  return true;
}

bool parseShape(const json &value, const std::string &ptr,
                std::vector<int64_t> &shape, TensorFileError &err) {
  if (!value.is_array())
    return fail(err, ptr, "shape is not an array");
  for (size_t i = 0; i < value.size(); ++i) {
    const json &dim = value[i];
    std::string where = ptr + "/" + std::to_string(i);
    if (dim.is_number_unsigned()) {
      uint64_t d = dim.get<uint64_t>();
      if (d > static_cast<uint64_t>(INT64_MAX))
        return fail(err, where,
                    "dimension " + std::to_string(d) + " is too large");
      shape.push_back(static_cast<int64_t>(d));
    } else if (dim.is_number_integer()) {
      return fail(err, where,
                  "negative dimension " + std::to_string(dim.get<int64_t>()));
    } else {
      return fail(err, where, "dimension is not a non-negative integer");
    }
  }
  return true;
}

/// Parses one header entry and checks it against the data section.
bool parseEntry(const std::string &name, const json &entry, const uint8_t *data,
                size_t dataSize, TensorInfo &t, TensorFileError &err) {
  const std::string ptr = pointerToken(name);
  const std::string tensor = "tensor " + quote(name);
  if (!entry.is_object())
    return fail(err, ptr, tensor + " entry is not an object");
  for (auto it = entry.begin(); it != entry.end(); ++it)
    if (it.key() != "dtype" && it.key() != "shape" &&
        it.key() != "data_offsets")
      return fail(err, ptr + pointerToken(it.key()),
                  tensor + " has unknown key " + quote(it.key()));
  for (const char *key : {"dtype", "shape", "data_offsets"})
    if (!entry.contains(key))
      return fail(err, ptr, tensor + " has no " + key);

  const json &dtype = entry["dtype"];
  if (!dtype.is_string())
    return fail(err, ptr + "/dtype", tensor + " dtype is not a string");
  std::optional<DType> dt = safetensorsDType(dtype.get<std::string>());
  if (!dt)
    return fail(err, ptr + "/dtype",
                "unsupported dtype " + quote(dtype.get<std::string>()));

  t.name = name;
  t.dtype = *dt;
  if (!parseShape(entry["shape"], ptr + "/shape", t.shape, err))
    return false;
  std::optional<size_t> bytes = tensorByteSize(t.shape, t.dtype);
  if (!bytes)
    return fail(err, ptr + "/shape",
                tensor + " shape " + formatShape(t.shape) + " of " +
                    dtypeName(t.dtype) + " is too large (size overflows)");

  const json &offsets = entry["data_offsets"];
  const std::string offPtr = ptr + "/data_offsets";
  if (!offsets.is_array() || offsets.size() != 2 ||
      !offsets[0].is_number_unsigned() || !offsets[1].is_number_unsigned())
    return fail(err, offPtr,
                tensor + " data_offsets is not two non-negative integers");
  uint64_t begin = offsets[0].get<uint64_t>(), end = offsets[1].get<uint64_t>();
  std::string range =
      "[" + std::to_string(begin) + ", " + std::to_string(end) + "]";
  if (begin > end)
    return fail(err, offPtr,
                tensor + " data_offsets " + range + " have begin after end");
  if (end > dataSize)
    return fail(err, offPtr,
                tensor + " data_offsets " + range +
                    " exceed data section size " + std::to_string(dataSize));
  if (end - begin != *bytes)
    return fail(err, offPtr,
                tensor + " data_offsets " + range + " do not match shape " +
                    formatShape(t.shape) + " of " + dtypeName(t.dtype) + " (" +
                    std::to_string(*bytes) + " bytes)");
  t.data = data + begin;
  t.nbytes = *bytes;
  return true;
}

/// The safetensors rule for the data section: the tensors' byte ranges,
/// sorted by begin, tile it exactly from 0 to its end, with no byte shared
/// and none left over. A zero-size tensor may sit at any tensor boundary
/// (including 0 and the end of the data) but not strictly inside another
/// tensor's bytes; that is the order the reference implementation accepts.
/// Runs after every entry was checked alone, so each range is in bounds.
bool checkTiling(const std::vector<TensorInfo> &tensors, const uint8_t *data,
                 size_t dataSize, TensorFileError &err) {
  struct Range {
    size_t begin, end;
    const TensorInfo *tensor;
  };
  std::vector<Range> ranges;
  ranges.reserve(tensors.size());
  for (const TensorInfo &t : tensors) {
    size_t begin = static_cast<size_t>(t.data - data);
    ranges.push_back({begin, begin + t.nbytes, &t});
  }
  // Ties broken by end then name, so the same file always gets the same
  // message.
  std::sort(ranges.begin(), ranges.end(), [](const Range &a, const Range &b) {
    if (a.begin != b.begin)
      return a.begin < b.begin;
    if (a.end != b.end)
      return a.end < b.end;
    return a.tensor->name < b.tensor->name;
  });
  auto describe = [](const Range &r) {
    return "tensor " + quote(r.tensor->name) + " data_offsets [" +
           std::to_string(r.begin) + ", " + std::to_string(r.end) + "]";
  };
  size_t covered = 0;
  const Range *previous = nullptr;
  for (const Range &r : ranges) {
    std::string where = pointerToken(r.tensor->name) + "/data_offsets";
    if (r.begin < covered)
      return fail(err, where, describe(r) + " overlap " + describe(*previous));
    if (r.begin > covered)
      return fail(err, where,
                  describe(r) + " leave a gap: no tensor holds data bytes [" +
                      std::to_string(covered) + ", " + std::to_string(r.begin) +
                      ")");
    covered = r.end;
    previous = &r;
  }
  if (covered != dataSize)
    return fail(
        err,
        previous ? pointerToken(previous->tensor->name) + "/data_offsets"
                 : "header",
        "no tensor holds data bytes [" + std::to_string(covered) + ", " +
            std::to_string(dataSize) + ") at the end of the data section");
  return true;
}

} // namespace

bool SafeTensorsFile::init(const uint8_t *bytes, size_t size,
                           TensorFileError &err) {
  if (size < 8)
    return fail(err, "",
                "file too short (" + std::to_string(size) +
                    " bytes) for a safetensors header");
  uint64_t headerLen = 0;
  for (int i = 7; i >= 0; --i)
    headerLen = (headerLen << 8) | bytes[i];
  if (headerLen > size - 8)
    return fail(err, "header",
                "header length " + std::to_string(headerLen) +
                    " exceeds file size " + std::to_string(size));
  if (headerLen > kMaxHeaderLength)
    return fail(err, "header",
                "header length " + std::to_string(headerLen) +
                    " exceeds limit " + std::to_string(kMaxHeaderLength));

  // Invalid JSON is reported first, then nesting and duplicate keys, and
  // only then is the DOM built.
  const char *text = reinterpret_cast<const char *>(bytes + 8);
  HeaderScan scan;
  json::sax_parse(text, text + headerLen, &scan);
  if (scan.syntaxError) {
    size_t at = 8 + (*scan.syntaxError ? *scan.syntaxError - 1 : 0);
    return fail(err, "byte " + std::to_string(at), "header is not valid JSON");
  }
  if (scan.problem)
    return fail(err, scan.problem->first, scan.problem->second);
  json header = json::parse(text, text + headerLen, nullptr, false);
  if (header.is_discarded())
    return fail(err, "header", "header is not valid JSON");
  if (!header.is_object())
    return fail(err, "header", "header is not a JSON object");

  const uint8_t *data = bytes + 8 + headerLen;
  size_t dataSize = size - 8 - headerLen;
  for (auto it = header.begin(); it != header.end(); ++it) {
    if (it.key() == "__metadata__") {
      if (!parseMetadata(it.value(), meta, err))
        return false;
      continue;
    }
    TensorInfo t;
    if (!parseEntry(it.key(), it.value(), data, dataSize, t, err))
      return false;
    tensorList.push_back(std::move(t));
  }
  if (!checkTiling(tensorList, data, dataSize, err))
    return false;
  std::sort(
      tensorList.begin(), tensorList.end(),
      [](const TensorInfo &a, const TensorInfo &b) { return a.name < b.name; });
  return true;
}

std::unique_ptr<SafeTensorsFile>
SafeTensorsFile::parse(std::vector<uint8_t> bytes, TensorFileError &err) {
  std::unique_ptr<SafeTensorsFile> file(new SafeTensorsFile);
  file->owned = std::move(bytes);
  if (!file->init(file->owned.data(), file->owned.size(), err))
    return nullptr;
  return file;
}

std::unique_ptr<SafeTensorsFile> SafeTensorsFile::open(const std::string &path,
                                                       TensorFileError &err) {
  int fd;
  size_t size;
  std::string why;
  if (!openRegularFile(path, fd, size, why)) {
    fail(err, "", why);
    return nullptr;
  }
  if (size < 8) {
    ::close(fd);
    fail(err, "",
         "file too short (" + std::to_string(size) +
             " bytes) for a safetensors header");
    return nullptr;
  }
  void *mapping = mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
  int mapErrno = errno;
  ::close(fd);
  if (mapping == MAP_FAILED) {
    errno = mapErrno;
    fail(err, "", "cannot map file: " + lowerErrno());
    return nullptr;
  }
  std::unique_ptr<SafeTensorsFile> file(new SafeTensorsFile);
  file->mapping = mapping;
  file->mappingSize = size;
  if (!file->init(static_cast<const uint8_t *>(mapping), size, err))
    return nullptr;
  return file;
}

const TensorInfo *SafeTensorsFile::find(std::string_view name) const {
  auto it = std::lower_bound(
      tensorList.begin(), tensorList.end(), name,
      [](const TensorInfo &t, std::string_view n) { return t.name < n; });
  return it != tensorList.end() && it->name == name ? &*it : nullptr;
}

SafeTensorsFile::~SafeTensorsFile() {
  if (mapping)
    munmap(mapping, mappingSize);
}

} // namespace seqc
