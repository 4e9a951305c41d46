//===- CPUExecutor.h - Runs a module's host code ----------------*- C++ -*-===//
//
// The CPU's Executor: the module's code is a shared library, checked
// (SharedObjectCheck.h) and dlopened, or an object linked into the
// application. Its parallel loops run on the OpenMP runtime that code was
// linked with; a signature's CPU features are checked against this machine
// (CPUFeatures.h).
//
//===----------------------------------------------------------------------===//
#ifndef SEQC_RUNTIME_CPU_CPUEXECUTOR_H
#define SEQC_RUNTIME_CPU_CPUEXECUTOR_H

#include "Executor.h"

namespace seqc::runtime {

class CPUExecutor : public Executor {
public:
  ~CPUExecutor() override;

  const char *name() const override { return "cpu"; }
  bool loadLibrary(const std::string &path, std::string &why) override;
  void useLinked(seqc_entry_fn entry, const char *signature) override;
  const char *signature() const override { return signatureText; }
  bool checkSignature(const nlohmann::json &signature,
                      std::string &why) override;
  void setThreads(int count) override { threads = count; }
  int32_t run(void **args, void *results, uint64_t &failedBytes) override;

private:
  /// Finds the OpenMP runtime the code runs on: through the library, or in
  /// the process when the code was linked in.
  void findOpenMP();

  void *library = nullptr;
  seqc_entry_fn entry = nullptr;
  const char *signatureText = nullptr;
  int threads = 0;
  /// omp_set_num_threads of that OpenMP runtime.
  void (*ompSetThreads)(int) = nullptr;
  /// OpenMP's thread count when the module was loaded (0: unknown).
  int defaultThreads = 0;
  /// omp_set_dynamic and omp_get_dynamic of that OpenMP runtime, which
  /// runs use (teams sized to the free cores); both null when the user set
  /// OMP_DYNAMIC.
  void (*ompSetDynamic)(int) = nullptr;
  int (*ompGetDynamic)() = nullptr;
  /// omp_get_level of that OpenMP runtime: 0 outside parallel regions.
  int (*ompLevel)() = nullptr;
};

} // namespace seqc::runtime

#endif // SEQC_RUNTIME_CPU_CPUEXECUTOR_H
