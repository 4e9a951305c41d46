// Checks a shared library's ELF headers against its file size before dlopen.

#include "SharedObjectCheck.h"
#include "files/FileErrors.h"

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <elf.h>
#include <unistd.h>
#include <vector>

namespace seqc {
namespace {

/// Reads exactly `size` bytes at `offset`; false on error or end of file.
bool readAt(int fd, void *buffer, size_t size, uint64_t offset) {
  auto *out = static_cast<char *>(buffer);
  while (size > 0) {
    ssize_t n = ::pread(fd, out, size, static_cast<off_t>(offset));
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return false;
    out += n;
    size -= static_cast<size_t>(n);
    offset += static_cast<uint64_t>(n);
  }
  return true;
}

bool no(std::string &why, std::string what) {
  why = std::move(what);
  return false;
}

/// The end of a table of `count` entries of `entrySize` bytes at `offset`,
/// checked against the file size; `what` names the table in the message.
bool tableInFile(uint64_t offset, uint64_t count, uint64_t entrySize,
                 uint64_t fileSize, const char *what, std::string &why) {
  uint64_t bytes, end;
  if (__builtin_mul_overflow(count, entrySize, &bytes) ||
      __builtin_add_overflow(offset, bytes, &end))
    return no(why, std::string("corrupt: ") + what + " table size overflows");
  if (end > fileSize)
    return no(why, std::string("truncated: ") + what + " table ends at byte " +
                       std::to_string(end) + " of " + std::to_string(fileSize));
  return true;
}

bool checkElf(int fd, uint64_t fileSize, std::string &why) {
  // Read what there is of the ELF header, so that a file cut inside it is
  // "truncated" rather than "not an elf file".
  Elf64_Ehdr eh;
  size_t have = fileSize < sizeof eh ? size_t(fileSize) : sizeof eh;
  if (!readAt(fd, &eh, have, 0))
    return no(why, "cannot read the elf header");
  if (std::memcmp(eh.e_ident, ELFMAG, std::min<size_t>(have, SELFMAG)) != 0)
    return no(why, "not an elf file");
  if (have > EI_CLASS && eh.e_ident[EI_CLASS] != ELFCLASS64)
    return no(why, "not a 64-bit elf file");
  if (have > EI_DATA && eh.e_ident[EI_DATA] != ELFDATA2LSB)
    return no(why, "not a little-endian elf file");
  if (have < sizeof eh)
    return no(why, "truncated: the elf header needs " +
                       std::to_string(sizeof eh) + " bytes, the file has " +
                       std::to_string(fileSize));
  if (eh.e_machine != EM_X86_64)
    return no(why, "not an x86-64 elf file (machine " +
                       std::to_string(eh.e_machine) + ")");
  if (eh.e_type != ET_DYN)
    return no(why, "not a shared library (elf type " +
                       std::to_string(eh.e_type) + ")");

  // Program headers: the loader reads the table, then maps every PT_LOAD
  // segment's file range; a page of it past the end of the file is SIGBUS.
  if (eh.e_phnum == 0)
    return no(why, "corrupt: no program headers");
  if (eh.e_phnum == PN_XNUM)
    return no(why, "corrupt: too many program headers");
  if (eh.e_phentsize != sizeof(Elf64_Phdr))
    return no(why,
              "corrupt: program header size " + std::to_string(eh.e_phentsize));
  if (!tableInFile(eh.e_phoff, eh.e_phnum, sizeof(Elf64_Phdr), fileSize,
                   "program header", why))
    return false;
  std::vector<Elf64_Phdr> phdrs(eh.e_phnum);
  if (!readAt(fd, phdrs.data(), phdrs.size() * sizeof(Elf64_Phdr), eh.e_phoff))
    return no(why, "cannot read the program headers");
  for (size_t i = 0; i < phdrs.size(); ++i) {
    // Every segment with file bytes, not only PT_LOAD: none may lie outside
    // a well-formed file, and the loader reads some (notes) directly.
    const Elf64_Phdr &ph = phdrs[i];
    uint64_t end;
    if (__builtin_add_overflow(ph.p_offset, ph.p_filesz, &end))
      return no(why, "corrupt: segment " + std::to_string(i) +
                         " file range overflows");
    if (ph.p_filesz > 0 && end > fileSize)
      return no(why, "truncated: segment " + std::to_string(i) +
                         " ends at byte " + std::to_string(end) + " of " +
                         std::to_string(fileSize));
  }

  // Section headers: the loader does not need them, but they come last in
  // a linked library, so a file cut anywhere loses them first.
  if (eh.e_shoff == 0)
    return true;
  if (eh.e_shentsize != sizeof(Elf64_Shdr))
    return no(why,
              "corrupt: section header size " + std::to_string(eh.e_shentsize));
  uint64_t shnum = eh.e_shnum;
  if (shnum == 0) {
    // More than SHN_LORESERVE sections: the count is section 0's sh_size.
    Elf64_Shdr first;
    if (!tableInFile(eh.e_shoff, 1, sizeof first, fileSize, "section header",
                     why))
      return false;
    if (!readAt(fd, &first, sizeof first, eh.e_shoff))
      return no(why, "cannot read the section headers");
    shnum = first.sh_size;
  }
  return tableInFile(eh.e_shoff, shnum, sizeof(Elf64_Shdr), fileSize,
                     "section header", why);
}

} // namespace

bool checkSharedObject(const std::string &path, std::string &why) {
  int fd;
  size_t size;
  if (!openRegularFile(path, fd, size, why))
    return false;
  bool ok = checkElf(fd, static_cast<uint64_t>(size), why);
  ::close(fd);
  return ok;
}

} // namespace seqc
