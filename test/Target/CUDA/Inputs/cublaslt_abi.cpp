// The runtime declares what it uses of cuBLASLt itself (it includes no CUDA
// header, runtime/src/cuda/CublasLt.h): here those declarations meet the
// toolkit's headers, so that a mismatch fails to compile.
#include "cuda/CublasLt.h"

#include <cstddef>
#include <cublasLt.h>

using namespace seqc::runtime;

static_assert(kComputeF32 == CUBLAS_COMPUTE_32F);
static_assert(kComputeF32FastBF16 == CUBLAS_COMPUTE_32F_FAST_16BF);
static_assert(kDataF32 == CUDA_R_32F);
static_assert(kOpN == CUBLAS_OP_N && kOpT == CUBLAS_OP_T);
static_assert(kDescTransA == CUBLASLT_MATMUL_DESC_TRANSA);
static_assert(kDescTransB == CUBLASLT_MATMUL_DESC_TRANSB);
static_assert(kPrefMaxWorkspace == CUBLASLT_MATMUL_PREF_MAX_WORKSPACE_BYTES);
static_assert(kPrefAlignA == CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_A_BYTES);
static_assert(kPrefAlignA + 1 == CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_B_BYTES);
static_assert(kPrefAlignA + 2 == CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_C_BYTES);
static_assert(kPrefAlignA + 3 == CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_D_BYTES);
static_assert(sizeof(CublasLtAlgo) == sizeof(cublasLtMatmulAlgo_t));
static_assert(sizeof(CublasLtHeuristic) ==
              sizeof(cublasLtMatmulHeuristicResult_t));
static_assert(offsetof(CublasLtHeuristic, workspaceSize) ==
              offsetof(cublasLtMatmulHeuristicResult_t, workspaceSize));
static_assert(offsetof(CublasLtHeuristic, state) ==
              offsetof(cublasLtMatmulHeuristicResult_t, state));
static_assert(sizeof(cublasStatus) == sizeof(cublasStatus_t));

// The entry points' arities and scalar parameters: each declared pointer
// converts to the header's function type with opaque handles as void *.
template <typename Ours, typename Theirs> struct SameArity;
template <typename R1, typename... A1, typename R2, typename... A2>
struct SameArity<R1 (*)(A1...), R2 (*)(A2...)> {
  static constexpr bool value = sizeof...(A1) == sizeof...(A2);
};
#define SAME_ARITY(fn)                                                         \
  static_assert(SameArity<decltype(CublasLt::fn), decltype(&::fn)>::value, #fn)
SAME_ARITY(cublasLtCreate);
SAME_ARITY(cublasLtDestroy);
SAME_ARITY(cublasLtMatmulDescCreate);
SAME_ARITY(cublasLtMatmulDescDestroy);
SAME_ARITY(cublasLtMatmulDescSetAttribute);
SAME_ARITY(cublasLtMatrixLayoutCreate);
SAME_ARITY(cublasLtMatrixLayoutDestroy);
SAME_ARITY(cublasLtMatmulPreferenceCreate);
SAME_ARITY(cublasLtMatmulPreferenceDestroy);
SAME_ARITY(cublasLtMatmulPreferenceSetAttribute);
SAME_ARITY(cublasLtMatmulAlgoGetHeuristic);
SAME_ARITY(cublasLtMatmul);
SAME_ARITY(cublasLtGetStatusName);
