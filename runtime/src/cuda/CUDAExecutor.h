//===- CUDAExecutor.h - Runs a CUDA module ----------------------*- C++ -*-===//
//
// A CUDA module is host code (a CPUExecutor's library or linked object)
// that launches kernels through the seqc_cuda_calls this executor passes
// it (seqc_module_abi.h): buffers are managed memory, which the host code
// between launches reads too; kernels load from the module's images (the
// cubin of this GPU's architecture, else the PTX) at the first launch and
// run on the executor's stream, each launch waited for, as are the
// projections the host code hands to cuBLASLt (CublasLt.h). The first
// failure is kept, the launches after it skipped, and the run reports it.
//
//===----------------------------------------------------------------------===//
#ifndef SEQC_RUNTIME_CUDA_CUDAEXECUTOR_H
#define SEQC_RUNTIME_CUDA_CUDAEXECUTOR_H

#include "Executor.h"
#include "cpu/CPUExecutor.h"
#include "cuda/CUDADriver.h"
#include "cuda/CublasLt.h"

#include <map>
#include <memory>
#include <set>

namespace seqc::runtime {

class CUDAExecutor : public Executor {
public:
  explicit CUDAExecutor(std::unique_ptr<CPUExecutor> host)
      : host(std::move(host)) {}
  ~CUDAExecutor() override;

  const char *name() const override { return "cuda"; }
  bool loadLibrary(const std::string &path, std::string &why) override {
    return host->loadLibrary(path, why);
  }
  void useLinked(seqc_entry_fn entry, const char *signature) override {
    host->useLinked(entry, signature);
  }
  const char *signature() const override { return host->signature(); }
  bool checkSignature(const nlohmann::json &signature,
                      std::string &why) override;
  void setThreads(int) override {}
  int32_t run(void **args, void *results, uint64_t &failedBytes) override;
  std::string deviceError() const override { return error; }
  bool readsHostMemory() const override { return false; }
  void *allocate(size_t bytes) override;
  void release(void *data) override;
  bool copy(void *to, const void *from, size_t bytes,
            std::string &why) override;
  void setStream(void *stream) override {
    userStream = static_cast<CUstream>(stream);
  }
  double lastRunDeviceMs() const override { return lastMs; }

private:
  static void *allocCall(void *self, uint64_t bytes);
  static void freeCall(void *self, void *data);
  static void launchCall(void *self, const seqc_cuda_image *images,
                         int64_t numImages, const char *kernel,
                         const int64_t *dims, void **params);
  /// Managed memory moved to the GPU ahead of the kernels that read or
  /// write it, on the run's queue (advice: a failure is ignored, and host
  /// code that touches it later moves the pages back). Without it the
  /// kernels' first touches fault each page over (bench_cuda_linear.sh).
  /// Its callers hold the module's context.
  void prefetch(void *data, size_t bytes);
  static int32_t gemmCall(void *self, int64_t m, int64_t n, int64_t k,
                          const float *x, int64_t ldx, const float *w,
                          int64_t ldw, float *y, int64_t ldy, int32_t bf16);
  /// Before and after queuing `what` (a kernel, a product): the run's
  /// timing events, then the wait for it; false after setting `error`.
  bool beforeWork();
  void afterWork(const std::string &what);
  /// The kernel, its image loaded at the first launch; null after setting
  /// `error`.
  CUfunction function(const seqc_cuda_image *images, int64_t numImages,
                      const char *kernel);
  void fail(const std::string &message);

  std::unique_ptr<CPUExecutor> host;
  const CUDADriver *driver = nullptr;
  CUdevice device = 0;
  CUcontext context = nullptr;
  CUstream stream = nullptr, userStream = nullptr;
  /// Around a run's launches: its GPU time.
  CUevent started = nullptr, finished = nullptr;
  /// On the legacy default stream before a run on the module's own stream:
  /// what the caller queued there (and on blocking streams) comes first,
  /// as device inputs used in place may be its results.
  CUevent callerDone = nullptr;
  bool launched = false;
  double lastMs = -1;
  CUstream queue() const { return userStream ? userStream : stream; }
  /// sm_NN of the device, and its number.
  std::string arch;
  unsigned archNumber = 0;
  CUmodule kernels = nullptr;
  std::map<std::string, CUfunction> functions;
  /// Made at the first product.
  std::unique_ptr<CublasLtGemm> gemm;
  /// What the host code allocated in this run and has not freed.
  std::set<void *> runBuffers;
  std::string error;
  /// Inputs, weights and state: the descriptors a run passes.
  size_t numDescriptors = 0;
};

} // namespace seqc::runtime

#endif // SEQC_RUNTIME_CUDA_CUDAEXECUTOR_H
