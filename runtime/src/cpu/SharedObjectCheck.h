//===- SharedObjectCheck.h - ELF sanity checks before dlopen ----*- C++ -*-===//
//
// dlopen maps a shared library's segments straight from the file; a segment
// that reaches past the end of a truncated file faults (SIGBUS) inside the
// loader, where nothing can catch it. The runtime checks the file first.
//
//===----------------------------------------------------------------------===//

#ifndef SEQC_RUNTIME_CPU_SHAREDOBJECTCHECK_H
#define SEQC_RUNTIME_CPU_SHAREDOBJECTCHECK_H

#include <string>

namespace seqc {

/// True if `path` is a regular file holding a 64-bit little-endian x86-64
/// ELF shared object (ET_DYN) whose program header table, every segment's
/// file range and section header table lie inside the file. Otherwise false
/// with `why` a short lowercase phrase, e.g. "not a regular file", "not an
/// elf file", "truncated: segment 2 ends at byte 9000 of 4096".
bool checkSharedObject(const std::string &path, std::string &why);

} // namespace seqc

#endif // SEQC_RUNTIME_CPU_SHAREDOBJECTCHECK_H
