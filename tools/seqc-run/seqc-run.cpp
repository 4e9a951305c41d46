//===- seqc-run.cpp - Run a compiled module with the runtime alone --------===//
//
// `seqc run MODULE.so` without the compiler: linked against the runtime
// only, for machines with no LLVM (the GPU machine of the device check,
// scripts/device-check.sh). Takes `seqc run`'s options for a module:
//   seqc-run [run] MODULE.so [--input NAME=FILE.npy]... [--inputs-dir DIR]
//            [--weights FILE] [--output-dir DIR] [--threads N] [--repeat N]
//            [--device cpu|cuda] [--carry OUTPUT=INPUT]...
//
//===----------------------------------------------------------------------===//
#include "../seqc/RunModule.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

static int usage() {
  std::fprintf(stderr,
               "usage: seqc-run [run] MODULE.so [--input NAME=FILE.npy]... "
               "[--inputs-dir DIR] [--weights FILE] [--output-dir DIR] "
               "[--threads N] [--repeat N] [--device cpu|cuda] "
               "[--carry OUTPUT=INPUT]...\n");
  return 2;
}

/// A count in [lo, hi] from `text`; false when it is none.
static bool parseCount(const std::string &text, unsigned lo, unsigned hi,
                       unsigned &out) {
  char *end = nullptr;
  unsigned long v = std::strtoul(text.c_str(), &end, 10);
  if (text.empty() || *end || v < lo || v > hi)
    return false;
  out = unsigned(v);
  return true;
}

int main(int argc, char **argv) {
  seqc::cli::RunRequest r;
  int i = 1;
  if (i < argc && std::strcmp(argv[i], "run") == 0)
    ++i;
  for (; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg.rfind("--", 0) != 0) {
      if (!r.library.empty())
        return usage();
      r.library = r.origin = arg;
      continue;
    }
    std::string name = arg, value;
    if (size_t eq = arg.find('='); eq != std::string::npos) {
      name = arg.substr(0, eq);
      value = arg.substr(eq + 1);
    } else if (i + 1 < argc) {
      value = argv[++i];
    } else {
      return usage();
    }
    if (name == "--input") {
      if (!seqc::cli::addInputSpec(value, r.inputs))
        return 2;
    } else if (name == "--carry") {
      if (!seqc::cli::addCarrySpec(value, r.carries))
        return 2;
    } else if (name == "--inputs-dir") {
      r.inputsDir = value;
    } else if (name == "--weights") {
      r.weights = value;
    } else if (name == "--output-dir") {
      r.outputDir = value;
    } else if (name == "--threads") {
      if (!parseCount(value, 1, 1024, r.threads))
        return usage();
    } else if (name == "--repeat") {
      if (!parseCount(value, 0, 1u << 30, r.repeat))
        return usage();
    } else if (name == "--device") {
      if (value != "cpu" && value != "cuda")
        return usage();
      r.device = value;
    } else {
      return usage();
    }
  }
  if (r.library.empty())
    return usage();
  return seqc::cli::runModule(r);
}
