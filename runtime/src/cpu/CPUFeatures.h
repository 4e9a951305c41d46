//===- CPUFeatures.h - Which CPU features this machine has ----------------===//
#ifndef SEQC_RUNTIME_CPU_CPUFEATURES_H
#define SEQC_RUNTIME_CPU_CPUFEATURES_H

#include <string>
#include <vector>

namespace seqc::runtime {

/// The features of `required` (LLVM's x86 names, as a module's signature
/// lists them) that this CPU or its operating system does not offer. A
/// name the runtime does not know counts as missing.
std::vector<std::string>
missingCPUFeatures(const std::vector<std::string> &required);

} // namespace seqc::runtime

#endif // SEQC_RUNTIME_CPU_CPUFEATURES_H
