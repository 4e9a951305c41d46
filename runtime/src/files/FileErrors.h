//===- FileErrors.h - Shared helpers of the file readers -------*- C++ -*-===//
//
// Used by the tensor-file readers and by the ELF check before dlopen
// (cpu/SharedObjectCheck.cpp).
//
//===----------------------------------------------------------------------===//
#ifndef SEQC_RUNTIME_FILES_FILEERRORS_H
#define SEQC_RUNTIME_FILES_FILEERRORS_H

#include <cstddef>
#include <string>

namespace seqc {

/// strerror(errno), starting lowercase to fit inside a message.
std::string lowerErrno();

/// Opens `path` read-only if it is a regular file, with O_NONBLOCK so that
/// a FIFO cannot hang the open: fills `fd` (the caller closes it) and
/// `size`. Otherwise false, with `why` "cannot open file: <reason>" or "not
/// a regular file".
bool openRegularFile(const std::string &path, int &fd, size_t &size,
                     std::string &why);

} // namespace seqc

#endif // SEQC_RUNTIME_FILES_FILEERRORS_H
