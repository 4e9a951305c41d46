//===- RunModule.h - Running a compiled module on .npy files ----*- C++ -*-===//
//
// What `seqc run` does once it has a module, in plain C++ over the runtime
// alone: `seqc run` (after compiling MODEL.json) and `seqc-run` (the
// runtime-only runner a GPU machine without LLVM gets, scripts/
// device-check.sh) share it.
//
//===----------------------------------------------------------------------===//
#ifndef SEQC_TOOLS_SEQC_RUNMODULE_H
#define SEQC_TOOLS_SEQC_RUNMODULE_H

#include <string>
#include <utility>
#include <vector>

namespace seqc::cli {

struct RunRequest {
  /// The module's library, and what messages call it (MODEL.json when
  /// `seqc run` compiled it).
  std::string library, origin;
  std::string weights;
  /// --input NAME=FILE.npy, in order; --inputs-dir.
  std::vector<std::pair<std::string, std::string>> inputs;
  std::string inputsDir, outputDir;
  /// --carry OUTPUT=INPUT: each run's OUTPUT is the next run's INPUT (a
  /// decode's state), one buffer for both (seqc_module_run_into).
  std::vector<std::pair<std::string, std::string>> carries;
  unsigned threads = 1, repeat = 0;
  /// cpu or cuda: where the module must run.
  std::string device = "cpu";
  /// Remove `library` once loaded (a temporary compiled by `seqc run`).
  bool removeLibrary = false;
};

/// Loads, checks, runs (1 + repeat times), writes the outputs; prints each
/// output's dtype and shape on stdout and, with repeat, the timing line on
/// stderr. Returns 0, or 1 after one `seqc: error:` line on stderr.
int runModule(const RunRequest &request);

/// Parses NAME=FILE.npy into `inputs`; false (after a message on stderr,
/// exit status 2) when malformed or given twice.
bool addInputSpec(const std::string &spec,
                  std::vector<std::pair<std::string, std::string>> &inputs);

/// Parses OUTPUT=INPUT into `carries`; false (after a message on stderr)
/// when malformed.
bool addCarrySpec(const std::string &spec,
                  std::vector<std::pair<std::string, std::string>> &carries);

} // namespace seqc::cli

#endif // SEQC_TOOLS_SEQC_RUNMODULE_H
