//===- FileErrors.h - Shared helpers of the tensor-file readers -----------===//
#ifndef SEQC_LIB_RUNTIME_FILEERRORS_H
#define SEQC_LIB_RUNTIME_FILEERRORS_H

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

#endif // SEQC_LIB_RUNTIME_FILEERRORS_H
