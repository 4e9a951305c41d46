//===- FuzzSupport.h - What the fuzz targets share ------------------------===//
#ifndef SEQC_FUZZ_FUZZSUPPORT_H
#define SEQC_FUZZ_FUZZSUPPORT_H

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <sys/mman.h>
#include <unistd.h>

namespace seqc::fuzz {

/// A broken promise of the code under test: libFuzzer keeps the input.
[[noreturn]] inline void fatal(const char *target, const std::string &what) {
  std::fprintf(stderr, "%s: %s\n", target, what.c_str());
  std::abort();
}

/// A file in memory (memfd) that a mapped reader opens like a regular
/// file; each input is written to it in turn. Returns its path.
inline const std::string &scratchFile(const char *target, const uint8_t *data,
                                      size_t size) {
  static const int fd = memfd_create(target, MFD_CLOEXEC);
  static const std::string path = "/proc/self/fd/" + std::to_string(fd);
  if (fd < 0)
    fatal(target, "memfd_create failed");
  if (ftruncate(fd, 0) != 0 ||
      (size && pwrite(fd, data, size, 0) != ssize_t(size)))
    fatal(target, "cannot write the scratch file");
  return path;
}

} // namespace seqc::fuzz

#endif // SEQC_FUZZ_FUZZSUPPORT_H
