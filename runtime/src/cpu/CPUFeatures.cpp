//===- CPUFeatures.cpp - Which CPU features this machine has --------------===//
//
// CPUID and XGETBV, for the features lib/Target/CPU/ObjectEmitter.cpp may
// record in a module (the same LLVM names). A vector feature counts only
// when the operating system saves its registers (XCR0).
//
//===----------------------------------------------------------------------===//
#include "CPUFeatures.h"

#include <cstdint>
#include <cstring>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#define SEQC_X86 1
#endif

using namespace seqc::runtime;

namespace {

enum Reg { EAX, EBX, ECX, EDX };
/// Which register state the OS must enable (bits of XCR0).
enum State : uint64_t {
  None = 0,
  AVX = 0x6,     // SSE and AVX registers
  AVX512 = 0xe6, // and the opmask and upper ZMM registers
  AMX = 0x60000, // tile config and tile data
};

struct Feature {
  const char *name;
  unsigned leaf, subleaf;
  Reg reg;
  unsigned bit;
  uint64_t state;
};

const Feature kFeatures[] = {
    {"sse3", 1, 0, ECX, 0, None},
    {"ssse3", 1, 0, ECX, 9, None},
    {"fma", 1, 0, ECX, 12, AVX},
    {"sse4.1", 1, 0, ECX, 19, None},
    {"sse4.2", 1, 0, ECX, 20, None},
    {"movbe", 1, 0, ECX, 22, None},
    {"popcnt", 1, 0, ECX, 23, None},
    {"avx", 1, 0, ECX, 28, AVX},
    {"f16c", 1, 0, ECX, 29, AVX},
    {"bmi", 7, 0, EBX, 3, None},
    {"avx2", 7, 0, EBX, 5, AVX},
    {"bmi2", 7, 0, EBX, 8, None},
    {"avx512f", 7, 0, EBX, 16, AVX512},
    {"avx512dq", 7, 0, EBX, 17, AVX512},
    {"avx512ifma", 7, 0, EBX, 21, AVX512},
    {"avx512cd", 7, 0, EBX, 28, AVX512},
    {"avx512bw", 7, 0, EBX, 30, AVX512},
    {"avx512vl", 7, 0, EBX, 31, AVX512},
    {"avx512vbmi", 7, 0, ECX, 1, AVX512},
    {"avx512vbmi2", 7, 0, ECX, 6, AVX512},
    {"gfni", 7, 0, ECX, 8, None},
    {"vpclmulqdq", 7, 0, ECX, 10, AVX},
    {"avx512vnni", 7, 0, ECX, 11, AVX512},
    {"avx512bitalg", 7, 0, ECX, 12, AVX512},
    {"avx512vpopcntdq", 7, 0, ECX, 14, AVX512},
    {"amx-bf16", 7, 0, EDX, 22, AMX},
    {"avx512fp16", 7, 0, EDX, 23, AVX512},
    {"amx-tile", 7, 0, EDX, 24, AMX},
    {"amx-int8", 7, 0, EDX, 25, AMX},
    {"avxvnni", 7, 1, EAX, 4, AVX},
    {"avx512bf16", 7, 1, EAX, 5, AVX512},
    {"lzcnt", 0x80000001, 0, ECX, 5, None},
};

#ifdef SEQC_X86
bool cpuid(unsigned leaf, unsigned subleaf, unsigned regs[4]) {
  unsigned max = __get_cpuid_max(leaf & 0x80000000u, nullptr);
  if (max < leaf)
    return false;
  __cpuid_count(leaf, subleaf, regs[EAX], regs[EBX], regs[ECX], regs[EDX]);
  return true;
}

/// XCR0: the register state the OS saves (0 without OSXSAVE).
uint64_t enabledState() {
  unsigned regs[4];
  if (!cpuid(1, 0, regs) || !(regs[ECX] & (1u << 27)))
    return 0;
  uint32_t lo, hi;
  __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
  return (uint64_t(hi) << 32) | lo;
}

bool has(const Feature &f, uint64_t state) {
  unsigned regs[4];
  if (!cpuid(f.leaf, f.subleaf, regs) || !(regs[f.reg] & (1u << f.bit)))
    return false;
  return (state & f.state) == f.state;
}
#endif

} // namespace

std::vector<std::string>
seqc::runtime::missingCPUFeatures(const std::vector<std::string> &required) {
  std::vector<std::string> missing;
#ifdef SEQC_X86
  uint64_t state = enabledState();
  for (const std::string &name : required) {
    const Feature *found = nullptr;
    for (const Feature &f : kFeatures)
      if (name == f.name)
        found = &f;
    if (!found || !has(*found, state))
      missing.push_back(name);
  }
#else
  missing = required;
#endif
  return missing;
}
