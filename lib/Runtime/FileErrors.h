//===- FileErrors.h - Shared helpers of the tensor-file readers -----------===//
#ifndef SEQC_LIB_RUNTIME_FILEERRORS_H
#define SEQC_LIB_RUNTIME_FILEERRORS_H

#include <string>

namespace seqc {

/// strerror(errno), starting lowercase to fit inside a message.
std::string lowerErrno();

} // namespace seqc

#endif // SEQC_LIB_RUNTIME_FILEERRORS_H
