//===- CPUExecutor.cpp - Loading and running a module's host code ---------===//
#include "cpu/CPUExecutor.h"
#include "Symbols.h"
#include "cpu/CPUFeatures.h"
#include "cpu/SharedObjectCheck.h"

#include <csetjmp>
#include <cstdlib>
#include <dlfcn.h>
#include <mutex>
#include <nlohmann/json.hpp>

using json = nlohmann::json;
using namespace seqc::runtime;

CPUExecutor::~CPUExecutor() {
  if (library)
    dlclose(library);
}

bool CPUExecutor::loadLibrary(const std::string &libraryPath,
                              std::string &why) {
  // A bare file name would make dlopen search the library path; a module
  // named on the command line or by an application is a file.
  std::string path = libraryPath;
  if (path.find('/') == std::string::npos)
    path = "./" + path;
  // dlopen maps what the ELF headers name: a truncated file would fault
  // (SIGBUS) on first touch instead of failing.
  if (!seqc::checkSharedObject(path, why)) {
    why = "cannot load: " + why;
    return false;
  }
  library = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!library) {
    why = std::string("cannot load: ") + dlerror();
    return false;
  }
  entry = reinterpret_cast<seqc_entry_fn>(dlsym(library, "seqc_entry"));
  signatureText = static_cast<const char *>(dlsym(library, "seqc_signature"));
  if (!entry || !signatureText) {
    why = "not a seqc module";
    return false;
  }
  findOpenMP();
  return true;
}

void CPUExecutor::useLinked(seqc_entry_fn linkedEntry, const char *signature) {
  entry = linkedEntry;
  signatureText = signature;
  findOpenMP();
}

void CPUExecutor::findOpenMP() {
  void *scope = library ? library : RTLD_DEFAULT;
  findSymbol(scope, ompSetThreads, "omp_set_num_threads");
  int (*maxThreads)() = nullptr;
  findSymbol(scope, maxThreads, "omp_get_max_threads");
  defaultThreads = maxThreads ? maxThreads() : 0;
  findSymbol(scope, ompLevel, "omp_get_level");
  // Teams no larger than the cores that are free: libomp's load-balance
  // mode counts the running threads on the machine (cached for a second)
  // at each parallel region. Without it, a region whose worker another
  // process has descheduled waits for it at every fork and join (a GRU on
  // 2 threads took 53-71 ms with one core busy, 31 ms on one thread; 30 ms
  // so). What the user set for OpenMP's dynamic adjustment stays.
  if (std::getenv("OMP_DYNAMIC") ||
      !findSymbol(scope, ompSetDynamic, "omp_set_dynamic") ||
      !findSymbol(scope, ompGetDynamic, "omp_get_dynamic"))
    ompSetDynamic = nullptr, ompGetDynamic = nullptr;
  void (*setDefaults)(const char *) = nullptr;
  findSymbol(scope, setDefaults, "kmp_set_defaults");
  static std::once_flag loadBalance;
  if (setDefaults && !std::getenv("KMP_DYNAMIC_MODE"))
    std::call_once(loadBalance,
                   [&] { setDefaults("KMP_DYNAMIC_MODE=load_balance"); });
}

/// Refuses a module generated for CPU features this machine lacks.
bool CPUExecutor::checkSignature(const json &sig, std::string &why) {
  std::vector<std::string> missing = missingCPUFeatures(
      sig.at("cpu_features").get<std::vector<std::string>>());
  if (missing.empty())
    return true;
  std::string list;
  for (const std::string &f : missing)
    list += (list.empty() ? "" : ", ") + f;
  why = "compiled for CPU '" + sig.at("cpu").get<std::string>() +
        "', which has features this machine lacks: " + list +
        " (compile with --cpu=host or an older --cpu)";
  return false;
}

namespace {
/// The run in progress on this thread, for a failed allocation to return to.
struct RunFrame {
  std::jmp_buf jump;
  int (*ompLevel)() = nullptr;
  uint64_t failedBytes = 0;
};
thread_local RunFrame *activeRun = nullptr;
} // namespace

/// The module's allocation failure handler: back to the run on this thread,
/// which reports the error. Memory the run allocated before is lost. A
/// failure inside a parallel region (an OpenMP worker, or the run's own
/// thread within a region) cannot unwind the OpenMP runtime; the compiled
/// code allocates only fixed-size scratch there, so that means the process
/// is out of memory altogether, and it aborts like any allocation would.
static void onAllocFailure(uint64_t bytes) {
  RunFrame *frame = activeRun;
  if (frame && (!frame->ompLevel || frame->ompLevel() == 0)) {
    frame->failedBytes = bytes;
    std::longjmp(frame->jump, 1);
  }
  std::abort();
}

/// Calls the entry; 0, a check's number, or -1 when an allocation failed.
static int32_t callEntry(seqc_entry_fn entry, int (*ompLevel)(), void **args,
                         void *results, uint64_t &failedBytes) {
  RunFrame frame;
  frame.ompLevel = ompLevel;
  RunFrame *outer = activeRun;
  activeRun = &frame;
  volatile int32_t status = -1;
  if (setjmp(frame.jump) == 0)
    status = entry(args, results, onAllocFailure);
  activeRun = outer;
  failedBytes = frame.failedBytes;
  return status;
}

int32_t CPUExecutor::run(void **args, void *results, uint64_t &failedBytes) {
  // Every run sets the thread count: this module's, or OpenMP's default,
  // since another module in the process may have changed it.
  int count = threads > 0 ? threads : defaultThreads;
  if (count > 0 && ompSetThreads)
    ompSetThreads(count);
  // For this run only: the calling thread's own OpenMP code keeps its
  // setting.
  int wasDynamic = ompGetDynamic ? ompGetDynamic() : 0;
  if (ompSetDynamic)
    ompSetDynamic(1);
  int32_t status = callEntry(entry, ompLevel, args, results, failedBytes);
  if (ompSetDynamic)
    ompSetDynamic(wasDynamic);
  return status;
}
