// Unit tests for the ELF checks run before dlopen, on copies of a system
// library cut or patched in a temporary directory.

#include "runtime/src/cpu/SharedObjectCheck.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstddef>
#include <cstdio>
#include <cstring>
#include <dlfcn.h>
#include <elf.h>
#include <fstream>
#include <iterator>
#include <sys/stat.h>
#include <unistd.h>

using namespace seqc;

namespace {

using Bytes = std::vector<char>;

bool startsWith(const std::string &text, const std::string &prefix) {
  return text.compare(0, prefix.size(), prefix) == 0;
}

class SharedObjectCheckTest : public ::testing::Test {
protected:
  void SetUp() override {
    char pattern[] = "/tmp/seqc-socheck-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    dir = pattern;
    // libm.so.6 as the loader found it: a real x86-64 ET_DYN library (and
    // one that can be loaded twice, unlike libc).
    Dl_info info;
    double (*cosine)(double) = ::cos;
    ASSERT_NE(dladdr(reinterpret_cast<void *>(cosine), &info), 0);
    std::ifstream in(info.dli_fname, std::ios::binary);
    library.assign(std::istreambuf_iterator<char>(in),
                   std::istreambuf_iterator<char>());
    ASSERT_GT(library.size(), sizeof(Elf64_Ehdr)) << info.dli_fname;
    std::memcpy(&eh, library.data(), sizeof eh);
    ASSERT_EQ(eh.e_type, ET_DYN) << info.dli_fname;
    phdrs.resize(eh.e_phnum);
    std::memcpy(phdrs.data(), library.data() + eh.e_phoff,
                phdrs.size() * sizeof(Elf64_Phdr));
  }
  void TearDown() override {
    for (const std::string &f : files)
      std::remove(f.c_str());
    rmdir(dir.c_str());
  }

  std::string write(const Bytes &bytes) {
    files.push_back(dir + "/lib" + std::to_string(files.size()) + ".so");
    std::ofstream(files.back(), std::ios::binary)
        .write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    return files.back();
  }
  /// checkSharedObject on the first `size` bytes of the library.
  std::string cut(size_t size) {
    std::string why;
    EXPECT_FALSE(checkSharedObject(
        write(Bytes(library.begin(), library.begin() + size)), why))
        << size;
    return why;
  }
  template <typename T> std::string patched(size_t offset, T value) {
    Bytes bytes = library;
    std::memcpy(bytes.data() + offset, &value, sizeof value);
    std::string why;
    EXPECT_FALSE(checkSharedObject(write(bytes), why)) << offset;
    return why;
  }

  std::string dir;
  std::vector<std::string> files;
  Bytes library;
  Elf64_Ehdr eh;
  std::vector<Elf64_Phdr> phdrs;
};

TEST_F(SharedObjectCheckTest, IntactLibraryIsAccepted) {
  std::string why;
  EXPECT_TRUE(checkSharedObject(write(library), why)) << why;
  // And it really loads.
  void *handle = dlopen(files.back().c_str(), RTLD_LAZY | RTLD_LOCAL);
  EXPECT_NE(handle, nullptr) << dlerror();
  if (handle)
    dlclose(handle);
}

TEST_F(SharedObjectCheckTest, EveryTruncationIsRejected) {
  // Inside the ELF header, the program headers, every segment, and the
  // last byte (the section headers come last).
  std::vector<size_t> sizes = {0,
                               3,
                               10,
                               17,
                               63,
                               64,
                               eh.e_phoff + sizeof(Elf64_Phdr) - 1,
                               library.size() / 2,
                               library.size() - 1};
  for (const Elf64_Phdr &ph : phdrs)
    if (ph.p_filesz > 0) {
      sizes.push_back(ph.p_offset + ph.p_filesz / 2);
      sizes.push_back(ph.p_offset + ph.p_filesz - 1);
    }
  for (size_t size : sizes)
    EXPECT_TRUE(startsWith(cut(size), "truncated: ")) << size;
}

TEST_F(SharedObjectCheckTest, TruncationMessages) {
  EXPECT_EQ(cut(10),
            "truncated: the elf header needs 64 bytes, the file has 10");
  size_t tableEnd = eh.e_phoff + eh.e_phnum * sizeof(Elf64_Phdr);
  EXPECT_EQ(cut(tableEnd - 1), "truncated: program header table ends at byte " +
                                   std::to_string(tableEnd) + " of " +
                                   std::to_string(tableEnd - 1));
  // Cut inside the segment that ends last in the file.
  size_t last = 0, lastEnd = 0;
  for (size_t i = 0; i < phdrs.size(); ++i)
    if (phdrs[i].p_offset + phdrs[i].p_filesz > lastEnd) {
      last = i;
      lastEnd = phdrs[i].p_offset + phdrs[i].p_filesz;
    }
  ASSERT_GT(lastEnd, tableEnd);
  EXPECT_EQ(cut(lastEnd - 1), "truncated: segment " + std::to_string(last) +
                                  " ends at byte " + std::to_string(lastEnd) +
                                  " of " + std::to_string(lastEnd - 1));
  // Every segment intact, the section header table cut.
  ASSERT_EQ(eh.e_shoff + eh.e_shnum * sizeof(Elf64_Shdr), library.size());
  ASSERT_LT(lastEnd, library.size() - 1);
  EXPECT_EQ(cut(library.size() - 1),
            "truncated: section header table ends at byte " +
                std::to_string(library.size()) + " of " +
                std::to_string(library.size() - 1));
}

TEST_F(SharedObjectCheckTest, WrongKindsOfFile) {
  std::string why;
  EXPECT_FALSE(checkSharedObject(dir + "/missing.so", why));
  EXPECT_TRUE(startsWith(why, "cannot open file: ")) << why;
  EXPECT_FALSE(checkSharedObject(dir, why));
  EXPECT_EQ(why, "not a regular file");
  std::string fifo = dir + "/fifo.so";
  files.push_back(fifo);
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  EXPECT_FALSE(checkSharedObject(fifo, why));
  EXPECT_EQ(why, "not a regular file");
  EXPECT_FALSE(
      checkSharedObject(write(Bytes{'#', '!', '/', 'b', 'i', 'n'}), why));
  EXPECT_EQ(why, "not an elf file");

  EXPECT_EQ(patched<uint8_t>(EI_CLASS, ELFCLASS32), "not a 64-bit elf file");
  EXPECT_EQ(patched<uint8_t>(EI_DATA, ELFDATA2MSB),
            "not a little-endian elf file");
  EXPECT_EQ(patched<uint16_t>(offsetof(Elf64_Ehdr, e_machine), EM_AARCH64),
            "not an x86-64 elf file (machine 183)");
  EXPECT_EQ(patched<uint16_t>(offsetof(Elf64_Ehdr, e_type), ET_EXEC),
            "not a shared library (elf type 2)");
  EXPECT_EQ(patched<uint16_t>(offsetof(Elf64_Ehdr, e_phentsize), 32),
            "corrupt: program header size 32");
}

TEST_F(SharedObjectCheckTest, OffsetsThatOverflow) {
  EXPECT_EQ(patched<uint64_t>(offsetof(Elf64_Ehdr, e_phoff), ~uint64_t(0)),
            "corrupt: program header table size overflows");
  size_t seg = 0;
  while (phdrs[seg].p_filesz == 0)
    ++seg;
  EXPECT_EQ(patched<uint64_t>(eh.e_phoff + seg * sizeof(Elf64_Phdr) +
                                  offsetof(Elf64_Phdr, p_offset),
                              ~uint64_t(0) - 1),
            "corrupt: segment " + std::to_string(seg) +
                " file range overflows");
  EXPECT_EQ(patched<uint64_t>(offsetof(Elf64_Ehdr, e_shoff), ~uint64_t(0) - 8),
            "corrupt: section header table size overflows");
}

} // namespace
