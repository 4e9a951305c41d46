// Unit tests for the safetensors and .npy readers, on files built in memory.

#include "seqc/Runtime/TensorFiles.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sys/stat.h>
#include <unistd.h>

using namespace seqc;

namespace {

using Bytes = std::vector<uint8_t>;

void appendLE(Bytes &out, uint64_t value, int nbytes) {
  for (int i = 0; i < nbytes; ++i)
    out.push_back(static_cast<uint8_t>(value >> (8 * i)));
}

/// A safetensors file: 8-byte length (the header's unless overridden),
/// header text, then `dataSize` bytes counting 0, 1, 2, ...
Bytes safetensors(const std::string &header, size_t dataSize = 0,
                  std::optional<uint64_t> length = std::nullopt) {
  Bytes out;
  appendLE(out, length ? *length : header.size(), 8);
  out.insert(out.end(), header.begin(), header.end());
  for (size_t i = 0; i < dataSize; ++i)
    out.push_back(static_cast<uint8_t>(i));
  return out;
}

/// A .npy file of the given version with a raw header dict and data.
Bytes npy(int major, const std::string &dict, const Bytes &data,
          int minor = 0) {
  Bytes out = {0x93,
               'N',
               'U',
               'M',
               'P',
               'Y',
               static_cast<uint8_t>(major),
               static_cast<uint8_t>(minor)};
  std::string header = dict + "\n";
  appendLE(out, header.size(), major == 1 ? 2 : 4);
  out.insert(out.end(), header.begin(), header.end());
  out.insert(out.end(), data.begin(), data.end());
  return out;
}

Bytes counting(size_t n) {
  Bytes out(n);
  for (size_t i = 0; i < n; ++i)
    out[i] = static_cast<uint8_t>(i * 7);
  return out;
}

bool contains(const std::string &text, const std::string &phrase) {
  return text.find(phrase) != std::string::npos;
}

class TempDir : public ::testing::Test {
protected:
  void SetUp() override {
    char pattern[] = "/tmp/seqc-tensorfiles-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    dir = pattern;
  }
  void TearDown() override {
    for (const std::string &f : files)
      std::remove(f.c_str());
    rmdir(dir.c_str());
  }
  std::string path(const std::string &name) {
    files.push_back(dir + "/" + name);
    return files.back();
  }
  std::string write(const std::string &name, const Bytes &bytes) {
    std::string p = path(name);
    std::ofstream(p, std::ios::binary)
        .write(reinterpret_cast<const char *>(bytes.data()),
               static_cast<std::streamsize>(bytes.size()));
    return p;
  }
  std::string dir;
  std::vector<std::string> files;
};

//===----------------------------------------------------------------------===//
// safetensors
//===----------------------------------------------------------------------===//

TEST(SafeTensors, AllDTypes) {
  std::string header = R"({
    "f32": {"dtype": "F32", "shape": [2, 3], "data_offsets": [0, 24]},
    "f16": {"dtype": "F16", "shape": [4], "data_offsets": [24, 32]},
    "bf16": {"dtype": "BF16", "shape": [1, 2], "data_offsets": [32, 36]},
    "i32": {"dtype": "I32", "shape": [1], "data_offsets": [36, 40]},
    "i64": {"dtype": "I64", "shape": [2, 1], "data_offsets": [40, 56]}})";
  TensorFileError err;
  auto file = SafeTensorsFile::parse(safetensors(header, 56), err);
  ASSERT_TRUE(file) << err.where << ": " << err.what;
  const auto &ts = file->tensors();
  ASSERT_EQ(ts.size(), 5u);
  std::vector<std::string> names;
  for (const TensorInfo &t : ts)
    names.push_back(t.name);
  EXPECT_EQ(names,
            (std::vector<std::string>{"bf16", "f16", "f32", "i32", "i64"}));
  const TensorInfo *f32 = file->find("f32");
  ASSERT_TRUE(f32);
  EXPECT_EQ(f32->dtype, DType::F32);
  EXPECT_EQ(f32->shape, (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(f32->nbytes, 24u);
  EXPECT_EQ(f32->data[0], 0);
  const TensorInfo *i64 = file->find("i64");
  ASSERT_TRUE(i64);
  EXPECT_EQ(i64->dtype, DType::I64);
  EXPECT_EQ(i64->nbytes, 16u);
  EXPECT_EQ(i64->data[0], 40);
  EXPECT_EQ(file->find("bf16")->dtype, DType::BF16);
  EXPECT_EQ(file->find("f16")->dtype, DType::F16);
  EXPECT_EQ(file->find("i32")->data[3], 39);
  EXPECT_EQ(file->find("missing"), nullptr);
}

TEST(SafeTensors, ScalarZeroSizeAndMetadata) {
  std::string header = R"({"__metadata__": {"format": "pt"},
    "scalar": {"dtype": "F32", "shape": [], "data_offsets": [0, 4]},
    "empty": {"dtype": "I64", "shape": [0, 3], "data_offsets": [4, 4]}})";
  TensorFileError err;
  auto file = SafeTensorsFile::parse(safetensors(header + "   ", 4), err);
  ASSERT_TRUE(file) << err.where << ": " << err.what;
  EXPECT_EQ(file->tensors().size(), 2u);
  EXPECT_TRUE(file->find("scalar")->shape.empty());
  EXPECT_EQ(file->find("scalar")->nbytes, 4u);
  EXPECT_EQ(file->find("empty")->nbytes, 0u);
  EXPECT_EQ(file->metadata().at("format"), "pt");
  EXPECT_EQ(file->find("__metadata__"), nullptr);
}

TEST(SafeTensors, TensorsTileTheDataInAnyOrder) {
  // Listed out of offset order, with zero-size tensors at the start, between
  // two tensors and at the end: the ranges still tile [0, 12) exactly.
  std::string header = R"({
    "z_end": {"dtype": "F32", "shape": [0], "data_offsets": [12, 12]},
    "b": {"dtype": "I32", "shape": [1], "data_offsets": [8, 12]},
    "z_mid": {"dtype": "I64", "shape": [3, 0], "data_offsets": [8, 8]},
    "a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]},
    "z_start": {"dtype": "F16", "shape": [0], "data_offsets": [0, 0]}})";
  TensorFileError err;
  auto file = SafeTensorsFile::parse(safetensors(header, 12), err);
  ASSERT_TRUE(file) << err.where << ": " << err.what;
  EXPECT_EQ(file->tensors().size(), 5u);
  EXPECT_EQ(file->find("b")->data[0], 8);
}

TEST(SafeTensors, EmptyHeaderObject) {
  TensorFileError err;
  auto file = SafeTensorsFile::parse(safetensors("{}"), err);
  ASSERT_TRUE(file) << err.what;
  EXPECT_TRUE(file->tensors().empty());
}

struct SafeTensorsReject {
  const char *name;
  Bytes bytes;
  std::string where;
  const char *phrase;
};
void PrintTo(const SafeTensorsReject &c, std::ostream *os) { *os << c.name; }

std::string repeat(const std::string &text, size_t times) {
  std::string out;
  for (size_t i = 0; i < times; ++i)
    out += text;
  return out;
}

std::string entry(const std::string &body) {
  return std::string(R"({"w": {)") + body + "}}";
}

std::vector<SafeTensorsReject> safetensorsRejects() {
  const std::string ok = R"("dtype": "F32", "shape": [2, 3], )";
  return {
      {"TooShort", Bytes{1, 0, 0}, "", "file too short"},
      {"HeaderPastFile", safetensors("{}", 0, 1000000), "header",
       "header length 1000000 exceeds file size 10"},
      {"HugeHeaderLength", safetensors("{}", 0, uint64_t(1) << 63), "header",
       "header length 9223372036854775808 exceeds file size"},
      {"NotJson", safetensors("{\"w\": nope}"), "byte 15",
       "header is not valid JSON"},
      {"EmptyHeader", safetensors(""), "byte 8", "header is not valid JSON"},
      {"TrailingGarbage", safetensors("{} x"), "byte 11",
       "header is not valid JSON"},
      {"NotObject", safetensors("[1, 2]"), "header",
       "header is not a JSON object"},
      {"EntryNotObject", safetensors(R"({"w": 3})"), "/w",
       "tensor 'w' entry is not an object"},
      {"MissingDtype",
       safetensors(entry(R"("shape": [1], "data_offsets": [0, 4])"), 4), "/w",
       "tensor 'w' has no dtype"},
      {"MissingShape",
       safetensors(entry(R"("dtype": "F32", "data_offsets": [0, 4])"), 4), "/w",
       "tensor 'w' has no shape"},
      {"MissingOffsets",
       safetensors(entry(R"("dtype": "F32", "shape": [1])"), 4), "/w",
       "tensor 'w' has no data_offsets"},
      {"BadDtype",
       safetensors(entry(R"("dtype": "F64", "shape": [1], )"
                         R"("data_offsets": [0, 8])"),
                   8),
       "/w/dtype", "unsupported dtype 'F64'"},
      {"DtypeNotString",
       safetensors(entry(R"("dtype": 4, "shape": [1], "data_offsets": [0, 4])"),
                   4),
       "/w/dtype", "dtype is not a string"},
      {"NegativeDim",
       safetensors(entry(R"("dtype": "F32", "shape": [2, -3], )"
                         R"("data_offsets": [0, 4])"),
                   4),
       "/w/shape/1", "negative dimension -3"},
      {"FractionalDim",
       safetensors(entry(R"("dtype": "F32", "shape": [2.5], )"
                         R"("data_offsets": [0, 4])"),
                   4),
       "/w/shape/0", "not a non-negative integer"},
      {"ShapeNotArray",
       safetensors(entry(R"("dtype": "F32", "shape": 3, )"
                         R"("data_offsets": [0, 12])"),
                   12),
       "/w/shape", "shape is not an array"},
      {"ShapeOverflow",
       safetensors(entry(R"("dtype": "F32", )"
                         R"("shape": [1099511627776, 1099511627776, )"
                         R"(1099511627776], "data_offsets": [0, 4])"),
                   4),
       "/w/shape", "size overflows"},
      {"DimTooLarge",
       safetensors(entry(R"("dtype": "F32", "shape": [18446744073709551615],)"
                         R"( "data_offsets": [0, 4])"),
                   4),
       "/w/shape/0", "is too large"},
      {"OffsetsPastData",
       safetensors(entry(ok + R"("data_offsets": [0, 24])"), 20),
       "/w/data_offsets", "exceed data section size 20"},
      {"BeginAfterEnd",
       safetensors(entry(ok + R"("data_offsets": [24, 0])"), 24),
       "/w/data_offsets", "begin after end"},
      {"SizeMismatch",
       safetensors(entry(ok + R"("data_offsets": [0, 12])"), 24),
       "/w/data_offsets",
       "tensor 'w' data_offsets [0, 12] do not match shape [2, 3] of f32 "
       "(24 bytes)"},
      {"NegativeOffset",
       safetensors(entry(ok + R"("data_offsets": [-4, 20])"), 24),
       "/w/data_offsets", "not two non-negative integers"},
      {"ThreeOffsets",
       safetensors(entry(ok + R"("data_offsets": [0, 12, 24])"), 24),
       "/w/data_offsets", "not two non-negative integers"},
      {"UnknownKey",
       safetensors(entry(ok + R"("data_offsets": [0, 24], "extra": 1)"), 24),
       "/w/extra", "tensor 'w' has unknown key 'extra'"},
      {"OverlappingOffsets",
       safetensors(R"({"a": {"dtype": "F32", "shape": [2], )"
                   R"("data_offsets": [0, 8]}, )"
                   R"("b": {"dtype": "F32", "shape": [2], )"
                   R"("data_offsets": [4, 12]}})",
                   12),
       "/b/data_offsets",
       "tensor 'b' data_offsets [4, 12] overlap tensor 'a' data_offsets "
       "[0, 8]"},
      {"SameOffsetsTwice",
       safetensors(R"({"b": {"dtype": "F32", "shape": [2], )"
                   R"("data_offsets": [0, 8]}, )"
                   R"("a": {"dtype": "I32", "shape": [2], )"
                   R"("data_offsets": [0, 8]}})",
                   8),
       "/b/data_offsets", "overlap tensor 'a'"},
      {"ZeroSizeInsideTensor",
       safetensors(R"({"a": {"dtype": "F32", "shape": [2], )"
                   R"("data_offsets": [0, 8]}, )"
                   R"("e": {"dtype": "F32", "shape": [0], )"
                   R"("data_offsets": [4, 4]}})",
                   8),
       "/e/data_offsets", "tensor 'e' data_offsets [4, 4] overlap tensor 'a'"},
      {"GapBetweenTensors",
       safetensors(R"({"a": {"dtype": "F32", "shape": [2], )"
                   R"("data_offsets": [0, 8]}, )"
                   R"("b": {"dtype": "F32", "shape": [2], )"
                   R"("data_offsets": [12, 20]}})",
                   20),
       "/b/data_offsets",
       "tensor 'b' data_offsets [12, 20] leave a gap: no tensor holds data "
       "bytes [8, 12)"},
      {"GapAtStart",
       safetensors(entry(R"("dtype": "F32", "shape": [2], )"
                         R"("data_offsets": [4, 12])"),
                   12),
       "/w/data_offsets", "no tensor holds data bytes [0, 4)"},
      {"BytesAfterLastTensor",
       safetensors(entry(ok + R"("data_offsets": [0, 24])"), 28),
       "/w/data_offsets",
       "no tensor holds data bytes [24, 28) at the end of the data section"},
      {"DataWithoutTensors", safetensors("{}", 4), "header",
       "no tensor holds data bytes [0, 4)"},
      {"DuplicateTensor",
       safetensors(R"({"w": {"dtype": "F32", "shape": [1], )"
                   R"("data_offsets": [0, 4]}, )"
                   R"("w": {"dtype": "F32", "shape": [1], )"
                   R"("data_offsets": [4, 8]}})",
                   8),
       "/w", "duplicate key 'w'"},
      {"DuplicateField",
       safetensors(entry(R"("dtype": "F32", "shape": [1], "dtype": "I32", )"
                         R"("data_offsets": [0, 4])"),
                   4),
       "/w/dtype", "duplicate key 'dtype'"},
      {"DuplicateInArray",
       safetensors(R"({"w": {"shape": [1, {"x": 1, "x": 2}]}})"),
       "/w/shape/1/x", "duplicate key 'x'"},
      {"DuplicateMetadataKey",
       safetensors(R"({"__metadata__": {"a/b": "1", "a/b": "2"}})"),
       "/__metadata__/a~1b", "duplicate key 'a/b'"},
      {"DeepNestingInEntry",
       safetensors("{\"w\": " + std::string(100, '[') + std::string(100, ']') +
                   "}"),
       "/w" + repeat("/0", 63), "header nests deeper than 64 levels"},
      {"DeepNesting150000",
       safetensors(std::string(150000, '[') + std::string(150000, ']')),
       repeat("/0", 64), "header nests deeper than 64 levels"},
      {"NestingAtLimit",
       safetensors("{\"__metadata__\": {\"x\": " + std::string(62, '[') +
                   std::string(62, ']') + "}}"),
       "/__metadata__/x", "metadata value 'x' is not a string"},
      {"NestingPastLimit",
       safetensors("{\"__metadata__\": {\"x\": " + std::string(63, '[') +
                   std::string(63, ']') + "}}"),
       "/__metadata__/x" + repeat("/0", 62),
       "header nests deeper than 64 levels"},
      {"DeepButInvalid", safetensors(std::string(100000, '[')), "byte 100008",
       "header is not valid JSON"},
      {"MetadataNotObject", safetensors(R"({"__metadata__": [1]})"),
       "/__metadata__", "__metadata__ is not an object"},
      {"MetadataNotString", safetensors(R"({"__metadata__": {"a/b": 1}})"),
       "/__metadata__/a~1b", "metadata value 'a/b' is not a string"},
  };
}

class SafeTensorsRejectTest
    : public ::testing::TestWithParam<SafeTensorsReject> {};

TEST_P(SafeTensorsRejectTest, Rejected) {
  const SafeTensorsReject &c = GetParam();
  TensorFileError err;
  EXPECT_EQ(SafeTensorsFile::parse(c.bytes, err), nullptr);
  EXPECT_EQ(err.where, c.where) << err.what;
  EXPECT_TRUE(contains(err.what, c.phrase)) << err.what;
}

INSTANTIATE_TEST_SUITE_P(All, SafeTensorsRejectTest,
                         ::testing::ValuesIn(safetensorsRejects()),
                         [](const auto &info) {
                           return std::string(info.param.name);
                         });

TEST(SafeTensors, EveryTruncationIsRejected) {
  Bytes full = safetensors(
      entry(R"("dtype": "F32", "shape": [2, 3], "data_offsets": [0, 24])"), 24);
  for (size_t n = 0; n < full.size(); ++n) {
    TensorFileError err;
    EXPECT_EQ(
        SafeTensorsFile::parse(Bytes(full.begin(), full.begin() + n), err),
        nullptr)
        << n;
    EXPECT_FALSE(err.what.empty());
  }
}

using SafeTensorsFileTest = TempDir;

TEST_F(SafeTensorsFileTest, OpenMapsFile) {
  std::string p = write("w.safetensors",
                        safetensors(R"({"b": {"dtype": "I32", "shape": [2], )"
                                    R"("data_offsets": [0, 8]}})",
                                    8));
  TensorFileError err;
  auto file = SafeTensorsFile::open(p, err);
  ASSERT_TRUE(file) << err.what;
  ASSERT_TRUE(file->find("b"));
  EXPECT_EQ(file->find("b")->data[7], 7);
}

TEST_F(SafeTensorsFileTest, OpenErrors) {
  TensorFileError err;
  EXPECT_EQ(SafeTensorsFile::open(dir + "/missing.safetensors", err), nullptr);
  EXPECT_EQ(err.where, "");
  EXPECT_TRUE(contains(err.what, "cannot open file")) << err.what;

  EXPECT_EQ(SafeTensorsFile::open(dir, err), nullptr);
  EXPECT_TRUE(contains(err.what, "not a regular file")) << err.what;

  EXPECT_EQ(SafeTensorsFile::open(write("short", Bytes{1, 2}), err), nullptr);
  EXPECT_TRUE(contains(err.what, "file too short (2 bytes)")) << err.what;
}

//===----------------------------------------------------------------------===//
// .npy
//===----------------------------------------------------------------------===//

struct NpyValid {
  int major;
  std::string descr;
  DType dtype;
  std::string shapeText;
  std::vector<int64_t> shape;
};
void PrintTo(const NpyValid &c, std::ostream *os) {
  *os << "v" << c.major << " " << c.descr << " " << c.shapeText;
}

class NpyValidTest : public ::testing::TestWithParam<NpyValid> {};

TEST_P(NpyValidTest, Parses) {
  const NpyValid &c = GetParam();
  size_t nbytes = dtypeSize(c.dtype);
  for (int64_t d : c.shape)
    nbytes *= static_cast<size_t>(d);
  Bytes data = counting(nbytes);
  // Keys in a different order than numpy writes them; no trailing comma.
  std::string dict = "{'shape': " + c.shapeText + ", 'fortran_order': False" +
                     ", 'descr': '" + c.descr + "'}   ";
  Bytes file = npy(c.major, dict, data);
  NpyArray arr;
  TensorFileError err;
  ASSERT_TRUE(parseNpy(file.data(), file.size(), arr, err))
      << err.where << ": " << err.what;
  EXPECT_EQ(arr.dtype, c.dtype);
  EXPECT_EQ(arr.shape, c.shape);
  EXPECT_EQ(arr.data, data);
  EXPECT_EQ(arr.numElements() * dtypeSize(c.dtype), nbytes);
}

INSTANTIATE_TEST_SUITE_P(
    All, NpyValidTest,
    ::testing::Values(NpyValid{1, "<f4", DType::F32, "()", {}},
                      NpyValid{1, "<f4", DType::F32, "(0,)", {0}},
                      NpyValid{1, "<f2", DType::F16, "(3,)", {3}},
                      NpyValid{1, "<i4", DType::I32, "(2, 3, 5)", {2, 3, 5}},
                      NpyValid{2, "<i8", DType::I64, "(2,3,5,)", {2, 3, 5}},
                      NpyValid{2, "<f2", DType::F16, "( 3 , )", {3}},
                      NpyValid{3, "<f4", DType::F32, "(2, 3, 5)", {2, 3, 5}},
                      NpyValid{3, "<i4", DType::I32, "(0, 4)", {0, 4}}));

TEST(Npy, NumpyWrittenHeader) {
  // Byte for byte what numpy 1.26 writes for np.zeros((2, 3), np.float32).
  std::string dict =
      "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }";
  dict.append(128 - 10 - 1 - dict.size(), ' ');
  Bytes file = npy(1, dict, Bytes(24, 0));
  ASSERT_EQ(file.size(), 128u + 24u);
  NpyArray arr;
  TensorFileError err;
  ASSERT_TRUE(parseNpy(file.data(), file.size(), arr, err)) << err.what;
  EXPECT_EQ(arr.shape, (std::vector<int64_t>{2, 3}));
}

struct NpyReject {
  const char *name;
  Bytes bytes;
  const char *phrase;
};
void PrintTo(const NpyReject &c, std::ostream *os) { *os << c.name; }

Bytes npyWith(const std::string &descr, const std::string &shape,
              size_t dataSize, const std::string &fortran = "False") {
  return npy(1,
             "{'descr': '" + descr + "', 'fortran_order': " + fortran +
                 ", 'shape': " + shape + ", }",
             Bytes(dataSize, 0));
}

std::vector<NpyReject> npyRejects() {
  Bytes headerPastFile = npyWith("<f4", "(1,)", 4);
  headerPastFile[8] = 0xff;
  headerPastFile[9] = 0xff;
  return {
      {"Empty", Bytes{}, "not a .npy file (bad magic)"},
      {"BadMagic", Bytes{'P', 'K', 3, 4, 0, 0, 0, 0, 0, 0, 0, 0},
       "not a .npy file (bad magic)"},
      {"BadVersion", npy(4, "{}", {}), "unsupported .npy version 4.0"},
      {"BadMinorVersion", npy(1, "{}", {}, 1), "unsupported .npy version 1.1"},
      {"TruncatedHeader", Bytes{0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, 10},
       "truncated header"},
      {"TruncatedV2Length",
       Bytes{0x93, 'N', 'U', 'M', 'P', 'Y', 2, 0, 10, 0, 0},
       "truncated header"},
      {"HeaderPastFile", headerPastFile, "header length 65535 exceeds file"},
      {"BigEndian", npyWith(">f4", "(1,)", 4), "big-endian dtype '>f4'"},
      {"FortranOrder", npyWith("<f4", "(2, 2)", 16, "True"), "fortran_order"},
      {"UnknownDescr", npyWith("<f8", "(1,)", 8), "unsupported dtype '<f8'"},
      {"BoolDescr", npyWith("|b1", "(1,)", 1), "unsupported dtype '|b1'"},
      {"MissingColon",
       npy(1, "{'descr' '<f4', 'fortran_order': False, 'shape': (1,), }",
           Bytes(4)),
       "malformed header: expected ':'"},
      {"NotADict", npy(1, "'descr'", {}), "malformed header: expected '{'"},
      {"UnclosedDict", npy(1, "{'descr': '<f4', ", {}),
       "malformed header: expected a quoted string"},
      {"TextAfterDict",
       npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (1,)} x",
           Bytes(4)),
       "unexpected text after the header dict"},
      {"ParenthesizedInt", npyWith("<f4", "(3)", 12), "trailing comma"},
      {"ShapeList", npyWith("<f4", "[3]", 12), "expected a shape tuple"},
      {"BadBool", npyWith("<f4", "(3,)", 12, "false"), "True or False"},
      {"UnknownKey",
       npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'x': 1}",
           Bytes(4)),
       "unknown header key 'x'"},
      {"MissingKey", npy(1, "{'descr': '<f4', 'shape': (1,)}", Bytes(4)),
       "header has no 'fortran_order' key"},
      {"DuplicateKey",
       npy(1,
           "{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, "
           "'shape': (1,)}",
           Bytes(4)),
       "duplicate header key 'descr'"},
      {"NegativeDim", npyWith("<f4", "(2, -3)", 24), "negative dimension"},
      {"HugeDim", npyWith("<f4", "(99999999999999999999999,)", 4),
       "dimension in shape is too large"},
      {"DataTooShort", npyWith("<f4", "(2, 3)", 20),
       "data too short: shape (2, 3) of f32 needs 24 bytes, file has 20"},
      {"DataTooLong", npyWith("<f4", "(2, 3)", 28), "data too long"},
      {"ShapeOverflow",
       npyWith("<f4", "(1099511627776, 1099511627776, 1099511627776)", 4),
       "size overflows"},
  };
}

class NpyRejectTest : public ::testing::TestWithParam<NpyReject> {};

TEST_P(NpyRejectTest, Rejected) {
  const NpyReject &c = GetParam();
  NpyArray arr;
  arr.shape = {7};
  TensorFileError err;
  EXPECT_FALSE(parseNpy(c.bytes.data(), c.bytes.size(), arr, err));
  EXPECT_TRUE(contains(err.what, c.phrase)) << err.where << ": " << err.what;
  EXPECT_EQ(arr.shape, std::vector<int64_t>{7}) << "output changed on error";
}

INSTANTIATE_TEST_SUITE_P(All, NpyRejectTest, ::testing::ValuesIn(npyRejects()),
                         [](const auto &info) {
                           return std::string(info.param.name);
                         });

TEST(Npy, ErrorLocations) {
  TensorFileError err;
  NpyArray arr;
  Bytes file = npyWith("<f4", "(2, 3)", 20);
  EXPECT_FALSE(parseNpy(file.data(), file.size(), arr, err));
  EXPECT_EQ(err.where, "byte " + std::to_string(file.size() - 20));
  file = npy(1, "{'descr' '<f4'}", {});
  EXPECT_FALSE(parseNpy(file.data(), file.size(), arr, err));
  EXPECT_EQ(err.where, "byte 19");
  file = npyWith("<f8", "(1,)", 8);
  EXPECT_FALSE(parseNpy(file.data(), file.size(), arr, err));
  EXPECT_EQ(err.where, "header");
}

TEST(Npy, EveryTruncationIsRejected) {
  Bytes full = npyWith("<i4", "(2, 3)", 24);
  for (size_t n = 0; n < full.size(); ++n) {
    Bytes part(full.begin(), full.begin() + n);
    NpyArray arr;
    TensorFileError err;
    EXPECT_FALSE(parseNpy(part.data(), part.size(), arr, err)) << n;
    EXPECT_FALSE(err.what.empty());
  }
}

using NpyFileTest = TempDir;

TEST_F(NpyFileTest, RoundTrip) {
  struct Case {
    DType dtype;
    std::vector<int64_t> shape;
  };
  for (const Case &c :
       {Case{DType::F32, {}}, Case{DType::F32, {0}}, Case{DType::F16, {3}},
        Case{DType::I32, {2, 3, 5}}, Case{DType::I64, {4, 1}}}) {
    size_t nbytes = *tensorByteSize(c.shape, c.dtype);
    Bytes data = counting(nbytes);
    std::string p = path(std::string(dtypeName(c.dtype)) +
                         std::to_string(c.shape.size()) + ".npy");
    TensorFileError err;
    ASSERT_TRUE(writeNpy(p, c.dtype, c.shape, data.data(), err)) << err.what;
    NpyArray arr;
    ASSERT_TRUE(readNpy(p, arr, err)) << err.where << ": " << err.what;
    EXPECT_EQ(arr.dtype, c.dtype);
    EXPECT_EQ(arr.shape, c.shape);
    EXPECT_EQ(arr.data, data);

    std::ifstream in(p, std::ios::binary | std::ios::ate);
    size_t fileSize = static_cast<size_t>(in.tellg());
    EXPECT_EQ((fileSize - nbytes) % 64, 0u) << "data not 64-byte aligned";
    in.seekg(6);
    EXPECT_EQ(in.get(), 1) << "expected version 1.0";
  }
}

TEST_F(NpyFileTest, LongHeaderUsesVersion2) {
  std::vector<int64_t> shape(30000, 1);
  float value = 1.5f;
  std::string p = path("long.npy");
  TensorFileError err;
  ASSERT_TRUE(writeNpy(p, DType::F32, shape, &value, err)) << err.what;
  NpyArray arr;
  ASSERT_TRUE(readNpy(p, arr, err)) << err.where << ": " << err.what;
  EXPECT_EQ(arr.shape, shape);
  ASSERT_EQ(arr.data.size(), 4u);
  float back;
  std::memcpy(&back, arr.data.data(), 4);
  EXPECT_EQ(back, value);
  std::ifstream in(p, std::ios::binary);
  in.seekg(6);
  EXPECT_EQ(in.get(), 2);
}

TEST_F(NpyFileTest, WriteErrors) {
  TensorFileError err;
  uint16_t x = 0;
  EXPECT_FALSE(writeNpy(path("b.npy"), DType::BF16, {1}, &x, err));
  EXPECT_TRUE(contains(err.what, "bf16 has no .npy dtype")) << err.what;
  EXPECT_FALSE(writeNpy(path("n.npy"), DType::F32, {-1}, &x, err));
  EXPECT_TRUE(contains(err.what, "invalid shape")) << err.what;
  EXPECT_FALSE(writeNpy(dir + "/no/such/dir.npy", DType::F32, {}, &x, err));
  EXPECT_TRUE(contains(err.what, "cannot write file")) << err.what;
}

TEST_F(NpyFileTest, ReadErrors) {
  NpyArray arr;
  TensorFileError err;
  EXPECT_FALSE(readNpy(dir + "/missing.npy", arr, err));
  EXPECT_EQ(err.where, "");
  EXPECT_TRUE(contains(err.what, "cannot open file")) << err.what;
  EXPECT_FALSE(readNpy(dir, arr, err));
  EXPECT_TRUE(contains(err.what, "not a regular file")) << err.what;
  EXPECT_FALSE(readNpy(write("bad.npy", npyWith(">f4", "(1,)", 4)), arr, err));
  EXPECT_TRUE(contains(err.what, "big-endian")) << err.what;
}

//===----------------------------------------------------------------------===//
// Mapped .npy (NpyFile)
//===----------------------------------------------------------------------===//

/// A version 1.0 .npy file whose data starts at byte `offset`.
Bytes npyAt(size_t offset, const std::string &descr, const std::string &shape,
            const Bytes &data) {
  std::string dict = "{'descr': '" + descr +
                     "', 'fortran_order': False, 'shape': " + shape + ", }";
  // npy() puts 10 bytes before the dict and a newline after it.
  dict.append(offset - 10 - 1 - dict.size(), ' ');
  return npy(1, dict, data);
}

bool aligned(const void *p, size_t alignment) {
  return reinterpret_cast<uintptr_t>(p) % alignment == 0;
}

TEST_F(NpyFileTest, MapsAlignedDataInPlace) {
  Bytes data = counting(3 * 5 * 8);
  std::string p = path("aligned.npy");
  TensorFileError err;
  ASSERT_TRUE(writeNpy(p, DType::I64, {3, 5}, data.data(), err)) << err.what;
  auto file = NpyFile::open(p, err);
  ASSERT_TRUE(file) << err.where << ": " << err.what;
  EXPECT_EQ(file->dtype(), DType::I64);
  EXPECT_EQ(file->shape(), (std::vector<int64_t>{3, 5}));
  ASSERT_EQ(file->nbytes(), data.size());
  EXPECT_FALSE(file->copied());
  EXPECT_TRUE(aligned(file->data(), 64));
  EXPECT_EQ(std::memcmp(file->data(), data.data(), data.size()), 0);
}

TEST_F(NpyFileTest, CopiesMisalignedData) {
  struct Case {
    size_t offset;
    const char *descr;
    DType dtype;
  };
  for (const Case &c :
       {Case{131, "<f4", DType::F32}, Case{130, "<i8", DType::I64},
        Case{129, "<f2", DType::F16}, Case{132, "<i4", DType::I32},
        Case{136, "<i8", DType::I64}}) {
    size_t size = dtypeSize(c.dtype);
    Bytes data = counting(7 * size);
    std::string p = write("off" + std::to_string(c.offset) + ".npy",
                          npyAt(c.offset, c.descr, "(7,)", data));
    TensorFileError err;
    auto file = NpyFile::open(p, err);
    ASSERT_TRUE(file) << c.offset << ": " << err.where << ": " << err.what;
    EXPECT_EQ(file->dtype(), c.dtype);
    EXPECT_EQ(file->copied(), c.offset % size != 0) << c.offset;
    EXPECT_TRUE(aligned(file->data(), size)) << c.offset;
    ASSERT_EQ(file->nbytes(), data.size());
    EXPECT_EQ(std::memcmp(file->data(), data.data(), data.size()), 0);
  }
}

TEST_F(NpyFileTest, MappedEmptyArray) {
  std::string p = write("empty.npy", npyAt(129, "<f4", "(0, 4)", {}));
  TensorFileError err;
  auto file = NpyFile::open(p, err);
  ASSERT_TRUE(file) << err.where << ": " << err.what;
  EXPECT_EQ(file->shape(), (std::vector<int64_t>{0, 4}));
  EXPECT_EQ(file->nbytes(), 0u);
  EXPECT_NE(file->data(), nullptr);
  EXPECT_TRUE(aligned(file->data(), 4));
}

TEST_F(NpyFileTest, MappedRejectsLikeReadNpy) {
  // Every malformed file and every truncation of a good one gets the very
  // error readNpy gives.
  std::vector<std::pair<std::string, Bytes>> cases;
  for (const NpyReject &c : npyRejects())
    cases.emplace_back(c.name, c.bytes);
  Bytes full = npyWith("<i4", "(2, 3)", 24);
  for (size_t n = 0; n < full.size(); ++n)
    cases.emplace_back("cut" + std::to_string(n),
                       Bytes(full.begin(), full.begin() + n));
  for (const auto &[name, bytes] : cases) {
    std::string p = write(name + ".npy", bytes);
    TensorFileError mapErr, readErr;
    NpyArray arr;
    EXPECT_FALSE(readNpy(p, arr, readErr)) << name;
    EXPECT_EQ(NpyFile::open(p, mapErr), nullptr) << name;
    EXPECT_FALSE(mapErr.what.empty()) << name;
    EXPECT_EQ(mapErr.where, readErr.where) << name;
    EXPECT_EQ(mapErr.what, readErr.what) << name;
  }
}

TEST_F(NpyFileTest, MappedRefusesNonRegularFiles) {
  TensorFileError err;
  EXPECT_EQ(NpyFile::open(dir + "/missing.npy", err), nullptr);
  EXPECT_EQ(err.where, "");
  EXPECT_TRUE(contains(err.what, "cannot open file")) << err.what;
  EXPECT_EQ(NpyFile::open(dir, err), nullptr);
  EXPECT_TRUE(contains(err.what, "not a regular file")) << err.what;
  // A FIFO with no writer: refused at once, not waited on.
  std::string fifo = path("fifo.npy");
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  err = {};
  EXPECT_EQ(NpyFile::open(fifo, err), nullptr);
  EXPECT_TRUE(contains(err.what, "not a regular file")) << err.what;
}

TEST_F(NpyFileTest, MapsHugeSparseFileWithoutReadingIt) {
  // 64 GiB of f32 that is all hole: reading it whole would not fit in this
  // machine's memory; mapping it costs only the pages touched.
  const int64_t count = int64_t(1) << 34;
  Bytes header = npyAt(128, "<f4", "(" + std::to_string(count) + ",)", {});
  std::string p = write("sparse.npy", header);
  if (truncate(p.c_str(), off_t(header.size()) + count * 4) != 0)
    GTEST_SKIP() << "cannot make a 64 GiB sparse file here";
  TensorFileError err;
  auto file = NpyFile::open(p, err);
  ASSERT_TRUE(file) << err.where << ": " << err.what;
  EXPECT_EQ(file->shape(), std::vector<int64_t>{count});
  EXPECT_EQ(file->nbytes(), size_t(count) * 4);
  EXPECT_FALSE(file->copied());
  const auto *bytes = static_cast<const uint8_t *>(file->data());
  EXPECT_EQ(bytes[0], 0);
  EXPECT_EQ(bytes[file->nbytes() - 1], 0);
}

TEST(DTypeTest, NamesAndSizes) {
  EXPECT_STREQ(dtypeName(DType::BF16), "bf16");
  EXPECT_EQ(dtypeSize(DType::I64), 8u);
  EXPECT_EQ(dtypeSize(DType::F16), 2u);
  EXPECT_EQ(dtypeFromName("i32"), DType::I32);
  EXPECT_EQ(dtypeFromName("F32"), std::nullopt);
  EXPECT_EQ(tensorByteSize({2, 3}, DType::F32), 24u);
  EXPECT_EQ(tensorByteSize({}, DType::I64), 8u);
  EXPECT_EQ(tensorByteSize({int64_t(1) << 62, 0}, DType::F32), 0u);
  EXPECT_EQ(tensorByteSize({int64_t(1) << 62}, DType::F32), std::nullopt);
  EXPECT_EQ(tensorByteSize({-1}, DType::F32), std::nullopt);
}

} // namespace
