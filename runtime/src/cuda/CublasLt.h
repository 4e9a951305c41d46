//===- CublasLt.h - cuBLASLt, loaded at run time ----------------*- C++ -*-===//
//
// The projections of a CUDA module go to cuBLASLt (seqc_cuda_calls::gemm)
// when the library loads: libcublasLt.so.13, .so.12 or .so, dlopened like
// the driver, or the file $SEQC_CUBLASLT names (a name that does not load,
// e.g. `none`, leaves every product to the module's own kernels). The
// product is f32 with f32 accumulation (CUBLAS_COMPUTE_32F, no TF32), as
// SPEC §5's f32 tolerance asks.
//
//===----------------------------------------------------------------------===//
#ifndef SEQC_RUNTIME_CUDA_CUBLASLT_H
#define SEQC_RUNTIME_CUDA_CUBLASLT_H

#include "cuda/CUDADriver.h"

#include <cstdint>
#include <map>
#include <string>
#include <tuple>

namespace seqc::runtime {

// cuBLASLt's types and the constants used, as cublasLt.h, cublas_api.h and
// library_types.h declare them (test/Target/CUDA/Inputs/cublaslt_abi.cpp
// checks them against the toolkit's headers).
using cublasStatus = int;
struct CublasLtAlgo {
  uint64_t data[8];
};
struct CublasLtHeuristic {
  CublasLtAlgo algo;
  size_t workspaceSize;
  cublasStatus state;
  float wavesCount;
  int reserved[4];
};
constexpr int kComputeF32 = 68;         // CUBLAS_COMPUTE_32F
constexpr int kComputeF32FastBF16 = 75; // CUBLAS_COMPUTE_32F_FAST_16BF
constexpr int kDataF32 = 0;             // CUDA_R_32F
constexpr int kOpN = 0, kOpT = 1;       // CUBLAS_OP_N, CUBLAS_OP_T
constexpr int kDescTransA = 3;          // CUBLASLT_MATMUL_DESC_TRANSA
constexpr int kDescTransB = 4;          // CUBLASLT_MATMUL_DESC_TRANSB
constexpr int kPrefMaxWorkspace = 1;    // ..._PREF_MAX_WORKSPACE_BYTES
constexpr int kPrefAlignA = 5;          // ..._PREF_MIN_ALIGNMENT_A_BYTES (B,
                                        // C, D: 6, 7, 8)

struct CublasLt {
  cublasStatus (*cublasLtCreate)(void **);
  cublasStatus (*cublasLtDestroy)(void *);
  cublasStatus (*cublasLtMatmulDescCreate)(void **, int, int);
  cublasStatus (*cublasLtMatmulDescDestroy)(void *);
  cublasStatus (*cublasLtMatmulDescSetAttribute)(void *, int, const void *,
                                                 size_t);
  cublasStatus (*cublasLtMatrixLayoutCreate)(void **, int, uint64_t, uint64_t,
                                             int64_t);
  cublasStatus (*cublasLtMatrixLayoutDestroy)(void *);
  cublasStatus (*cublasLtMatmulPreferenceCreate)(void **);
  cublasStatus (*cublasLtMatmulPreferenceDestroy)(void *);
  cublasStatus (*cublasLtMatmulPreferenceSetAttribute)(void *, int,
                                                       const void *, size_t);
  cublasStatus (*cublasLtMatmulAlgoGetHeuristic)(void *, void *, void *, void *,
                                                 void *, void *, void *, int,
                                                 CublasLtHeuristic *, int *);
  cublasStatus (*cublasLtMatmul)(void *, void *, const void *, const void *,
                                 void *, const void *, void *, const void *,
                                 const void *, void *, void *, void *,
                                 const CublasLtAlgo *, void *, size_t,
                                 CUstream);
  const char *(*cublasLtGetStatusName)(cublasStatus);

  /// "CUBLAS_STATUS_...", or the number.
  std::string describe(cublasStatus status) const;

  /// The process's cuBLASLt, loaded once; null where it does not load.
  static const CublasLt *get();
};

/// One CUDA module's products by cuBLASLt: a handle, a workspace and, per
/// shape, the descriptors and the algorithm cuBLASLt's heuristic chose.
/// Every call needs the module's context current.
class CublasLtGemm {
public:
  explicit CublasLtGemm(const CUDADriver &driver) : driver(driver) {}
  ~CublasLtGemm();
  CublasLtGemm(const CublasLtGemm &) = delete;
  CublasLtGemm &operator=(const CublasLtGemm &) = delete;

  /// y += x wᵀ queued on `stream` (seqc_cuda_calls::gemm's operands),
  /// computed as `compute` says (kComputeF32, or kComputeF32FastBF16: bf16
  /// operands on the tensor cores, f32 accumulation): 0, with `error` set
  /// if cuBLASLt failed; 1 where it declined (no library, no algorithm, a
  /// row stride it cannot take).
  int32_t run(CUstream stream, int64_t m, int64_t n, int64_t k, const float *x,
              int64_t ldx, const float *w, int64_t ldw, float *y, int64_t ldy,
              int compute, std::string &error);

private:
  struct Plan {
    void *desc = nullptr, *w = nullptr, *x = nullptr, *y = nullptr;
    CublasLtAlgo algo{};
    bool found = false;
  };
  /// m, n, k, ldx, ldw, ldy, the operands' alignments and the compute
  /// type.
  using Shape = std::tuple<int64_t, int64_t, int64_t, int64_t, int64_t, int64_t,
                           unsigned, unsigned, unsigned, int>;
  /// Whether cuBLASLt is there, its handle and workspace made.
  bool ready();
  Plan &plan(const Shape &shape);

  const CUDADriver &driver;
  const CublasLt *lt = nullptr;
  bool tried = false;
  void *handle = nullptr;
  CUdeviceptr workspace = 0;
  size_t workspaceBytes = 0;
  std::map<Shape, Plan> plans;
};

} // namespace seqc::runtime

#endif // SEQC_RUNTIME_CUDA_CUBLASLT_H
