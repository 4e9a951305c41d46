//===- CublasLt.cpp - dlopen of cuBLASLt, and the projections' product ----===//
#include "cuda/CublasLt.h"
#include "Symbols.h"

#include <algorithm>
#include <cstdlib>
#include <dlfcn.h>
#include <mutex>

using namespace seqc::runtime;

std::string CublasLt::describe(cublasStatus status) const {
  const char *name = cublasLtGetStatusName(status);
  return name ? name : "cuBLASLt status " + std::to_string(status);
}

const CublasLt *CublasLt::get() {
  static std::once_flag once;
  static CublasLt lt;
  static const CublasLt *loaded = nullptr;
  std::call_once(once, [] {
    void *library = nullptr;
    if (const char *name = std::getenv("SEQC_CUBLASLT"); name && *name)
      library = dlopen(name, RTLD_NOW | RTLD_LOCAL);
    else
      for (const char *name :
           {"libcublasLt.so.13", "libcublasLt.so.12", "libcublasLt.so"})
        if ((library = dlopen(name, RTLD_NOW | RTLD_LOCAL)))
          break;
    if (!library)
      return;
    bool ok = true;
    auto bind = [&](auto &fn, const char *name) {
      ok &= findSymbol(library, fn, name);
    };
    bind(lt.cublasLtCreate, "cublasLtCreate");
    bind(lt.cublasLtDestroy, "cublasLtDestroy");
    bind(lt.cublasLtMatmulDescCreate, "cublasLtMatmulDescCreate");
    bind(lt.cublasLtMatmulDescDestroy, "cublasLtMatmulDescDestroy");
    bind(lt.cublasLtMatmulDescSetAttribute, "cublasLtMatmulDescSetAttribute");
    bind(lt.cublasLtMatrixLayoutCreate, "cublasLtMatrixLayoutCreate");
    bind(lt.cublasLtMatrixLayoutDestroy, "cublasLtMatrixLayoutDestroy");
    bind(lt.cublasLtMatmulPreferenceCreate, "cublasLtMatmulPreferenceCreate");
    bind(lt.cublasLtMatmulPreferenceDestroy, "cublasLtMatmulPreferenceDestroy");
    bind(lt.cublasLtMatmulPreferenceSetAttribute,
         "cublasLtMatmulPreferenceSetAttribute");
    bind(lt.cublasLtMatmulAlgoGetHeuristic, "cublasLtMatmulAlgoGetHeuristic");
    bind(lt.cublasLtMatmul, "cublasLtMatmul");
    bind(lt.cublasLtGetStatusName, "cublasLtGetStatusName");
    if (ok)
      loaded = &lt;
  });
  return loaded;
}

/// The largest power of two up to 256 that divides `p`'s address.
static unsigned alignmentOf(const void *p) {
  auto address = reinterpret_cast<uintptr_t>(p);
  unsigned a = 1;
  while (a < 256 && address % (2 * a) == 0)
    a *= 2;
  return a;
}

CublasLtGemm::~CublasLtGemm() {
  if (!lt)
    return;
  for (auto &[shape, p] : plans) {
    for (void *layout : {p.w, p.x, p.y})
      if (layout)
        lt->cublasLtMatrixLayoutDestroy(layout);
    if (p.desc)
      lt->cublasLtMatmulDescDestroy(p.desc);
  }
  if (handle)
    lt->cublasLtDestroy(handle);
  if (workspace)
    driver.cuMemFree(workspace);
}

bool CublasLtGemm::ready() {
  if (!tried) {
    tried = true;
    lt = CublasLt::get();
    if (lt && lt->cublasLtCreate(&handle))
      handle = nullptr;
    // What NVIDIA recommends for Hopper; none if it cannot be had.
    workspaceBytes = size_t(32) << 20;
    if (handle && driver.cuMemAlloc(&workspace, workspaceBytes))
      workspace = 0, workspaceBytes = 0;
  }
  return handle != nullptr;
}

CublasLtGemm::Plan &CublasLtGemm::plan(const Shape &shape) {
  auto [known, made] = plans.try_emplace(shape);
  Plan &p = known->second;
  if (!made)
    return p;
  auto [m, n, k, ldx, ldw, ldy, alignX, alignW, alignY, compute] = shape;
  // Row-major y [m, n] is column-major yᵀ [n, m]: yᵀ += wᵀ-as-stored
  // (column-major [k, n], transposed) times xᵀ-as-stored ([k, m]).
  int transW = kOpT, transX = kOpN;
  void *preference = nullptr;
  bool ok = !lt->cublasLtMatmulDescCreate(&p.desc, compute, kDataF32) &&
            !lt->cublasLtMatmulDescSetAttribute(p.desc, kDescTransA, &transW,
                                                sizeof transW) &&
            !lt->cublasLtMatmulDescSetAttribute(p.desc, kDescTransB, &transX,
                                                sizeof transX) &&
            !lt->cublasLtMatrixLayoutCreate(&p.w, kDataF32, uint64_t(k),
                                            uint64_t(n), ldw) &&
            !lt->cublasLtMatrixLayoutCreate(&p.x, kDataF32, uint64_t(k),
                                            uint64_t(m), ldx) &&
            !lt->cublasLtMatrixLayoutCreate(&p.y, kDataF32, uint64_t(n),
                                            uint64_t(m), ldy) &&
            !lt->cublasLtMatmulPreferenceCreate(&preference);
  uint64_t bytes = workspaceBytes;
  uint32_t alignments[] = {alignW, alignX, alignY, alignY};
  if (ok)
    ok = !lt->cublasLtMatmulPreferenceSetAttribute(
        preference, kPrefMaxWorkspace, &bytes, sizeof bytes);
  for (int i = 0; ok && i < 4; ++i)
    ok = !lt->cublasLtMatmulPreferenceSetAttribute(
        preference, kPrefAlignA + i, &alignments[i], sizeof alignments[i]);
  CublasLtHeuristic best{};
  int found = 0;
  if (ok &&
      !lt->cublasLtMatmulAlgoGetHeuristic(handle, p.desc, p.w, p.x, p.y, p.y,
                                          preference, 1, &best, &found) &&
      found > 0 && best.state == 0) {
    p.algo = best.algo;
    p.found = true;
  }
  if (preference)
    lt->cublasLtMatmulPreferenceDestroy(preference);
  return p;
}

int32_t CublasLtGemm::run(CUstream stream, int64_t m, int64_t n, int64_t k,
                          const float *x, int64_t ldx, const float *w,
                          int64_t ldw, float *y, int64_t ldy, int compute,
                          std::string &error) {
  if (m <= 0 || n <= 0 || k <= 0)
    return 0; // nothing to add
  if (!ready())
    return 1;
  // A single row's stride is never used.
  if (m == 1)
    ldx = std::max(ldx, k), ldy = std::max(ldy, n);
  if (n == 1)
    ldw = std::max(ldw, k);
  if (ldx < k || ldw < k || ldy < n)
    return 1;
  Plan &p = plan({m, n, k, ldx, ldw, ldy, alignmentOf(x), alignmentOf(w),
                  alignmentOf(y), compute});
  if (!p.found)
    return 1;
  const float one = 1;
  if (cublasStatus s = lt->cublasLtMatmul(
          handle, p.desc, &one, w, p.w, x, p.x, &one, y, p.y, y, p.y, &p.algo,
          reinterpret_cast<void *>(workspace), workspaceBytes, stream))
    error = "cuBLASLt product [" + std::to_string(m) + "x" + std::to_string(k) +
            "]x[" + std::to_string(k) + "x" + std::to_string(n) +
            "]: " + lt->describe(s);
  return 0;
}
