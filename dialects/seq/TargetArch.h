//===- TargetArch.h - What a CUDA arch name looks like --------------------===//
#ifndef SEQC_DIALECTS_SEQ_TARGETARCH_H
#define SEQC_DIALECTS_SEQ_TARGETARCH_H

#include "llvm/ADT/StringRef.h"

namespace seqc::seq {

/// The compute capability of a CUDA arch name, "sm_" and digits and at
/// most one letter (sm_90, sm_100a); 0 for anything else. #seq.target's
/// verifier and the CUDA target's description both read arch names so.
unsigned cudaArchNumber(llvm::StringRef arch);

} // namespace seqc::seq

#endif // SEQC_DIALECTS_SEQ_TARGETARCH_H
