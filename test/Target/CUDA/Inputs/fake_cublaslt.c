/* A stand-in for libcublasLt.so that multiplies on the CPU: the runtime
 * loads it through SEQC_CUBLASLT, so that tests on machines without a GPU
 * see the products a CUDA module hands to cuBLASLt, their layouts, and
 * the declined and failed paths. With the fake driver, "device" memory is
 * host memory, so D = alpha op(A) op(B) + beta C is computed as cuBLASLt
 * would (column-major, f32; with CUBLAS_COMPUTE_32F_FAST_16BF, A and B
 * rounded to bf16 first). Each product goes to stderr as
 * "fake-cublaslt: ...".
 *   FAKE_CUBLASLT_NO_ALGO   the heuristic finds no algorithm
 *   FAKE_CUBLASLT_ERROR     a status every product returns */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef int Status;

static int env(const char *name) {
  const char *v = getenv(name);
  return v && *v ? atoi(v) : 0;
}

typedef struct {
  int trans[2];
  int compute;
} Desc;
typedef struct {
  uint64_t rows, cols;
  int64_t ld;
} Layout;

static int handle;
Status cublasLtCreate(void **h) {
  *h = &handle;
  return 0;
}
Status cublasLtDestroy(void *h) {
  (void)h;
  return 0;
}
/* CUBLAS_COMPUTE_32F, CUBLAS_COMPUTE_32F_FAST_16BF */
enum { kF32 = 68, kFastBF16 = 75 };
Status cublasLtMatmulDescCreate(void **d, int compute, int scale) {
  if ((compute != kF32 && compute != kFastBF16) || scale != 0) /* CUDA_R_32F */
    return 7; /* CUBLAS_STATUS_INVALID_VALUE */
  Desc *desc = calloc(1, sizeof(Desc));
  desc->compute = compute;
  *d = desc;
  return 0;
}
Status cublasLtMatmulDescDestroy(void *d) {
  free(d);
  return 0;
}
Status cublasLtMatmulDescSetAttribute(void *d, int attr, const void *v,
                                      size_t n) {
  if ((attr == 3 || attr == 4) && n == sizeof(int))
    memcpy(&((Desc *)d)->trans[attr - 3], v, n);
  return 0;
}
Status cublasLtMatrixLayoutCreate(void **l, int type, uint64_t rows,
                                  uint64_t cols, int64_t ld) {
  if (type != 0 || ld < (int64_t)rows)
    return 7;
  Layout *layout = malloc(sizeof(Layout));
  layout->rows = rows, layout->cols = cols, layout->ld = ld;
  *l = layout;
  return 0;
}
Status cublasLtMatrixLayoutDestroy(void *l) {
  free(l);
  return 0;
}
static int preference;
Status cublasLtMatmulPreferenceCreate(void **p) {
  *p = &preference;
  return 0;
}
Status cublasLtMatmulPreferenceDestroy(void *p) {
  (void)p;
  return 0;
}
Status cublasLtMatmulPreferenceSetAttribute(void *p, int attr, const void *v,
                                            size_t n) {
  (void)p, (void)attr, (void)v, (void)n;
  return 0;
}
Status cublasLtMatmulAlgoGetHeuristic(void *h, void *d, void *a, void *b,
                                      void *c, void *dd, void *p, int count,
                                      void *results, int *found) {
  (void)h, (void)d, (void)a, (void)b, (void)c, (void)dd, (void)p;
  memset(results, 0, 96); /* a cublasLtMatmulHeuristicResult_t */
  *found = count > 0 && !env("FAKE_CUBLASLT_NO_ALGO");
  return 0;
}
/* v rounded to the nearest bf16 (ties to even), as a float. */
static float bf16(float v) {
  uint32_t bits;
  memcpy(&bits, &v, sizeof bits);
  bits = (bits + 0x7FFF + ((bits >> 16) & 1)) & 0xFFFF0000u;
  memcpy(&v, &bits, sizeof v);
  return v;
}
/* Element (i, j) of op(M) for a column-major M, as the product reads it. */
static float at(const float *m, const Layout *l, int trans, uint64_t i,
                uint64_t j, int compute) {
  float v = trans ? m[j + i * l->ld] : m[i + j * l->ld];
  return compute == kFastBF16 ? bf16(v) : v;
}
Status cublasLtMatmul(void *h, void *desc, const void *alpha, const void *A,
                      void *ad, const void *B, void *bd, const void *beta,
                      const void *C, void *cd, void *D, void *dd,
                      const void *algo, void *ws, size_t wsBytes, void *s) {
  (void)h, (void)algo, (void)ws, (void)s;
  const Desc *op = desc;
  const Layout *a = ad, *b = bd, *c = cd, *d = dd;
  uint64_t rows = op->trans[0] ? a->cols : a->rows;
  uint64_t depth = op->trans[0] ? a->rows : a->cols;
  fprintf(stderr,
          "fake-cublaslt: D[%llux%llu ld %lld] = A%s[%llux%llu ld %lld] "
          "B%s[%llux%llu ld %lld] + beta %g C, workspace %zu%s\n",
          (unsigned long long)d->rows, (unsigned long long)d->cols,
          (long long)d->ld, op->trans[0] ? "ᵀ" : "",
          (unsigned long long)a->rows, (unsigned long long)a->cols,
          (long long)a->ld, op->trans[1] ? "ᵀ" : "",
          (unsigned long long)b->rows, (unsigned long long)b->cols,
          (long long)b->ld, *(const float *)beta, wsBytes,
          op->compute == kFastBF16 ? ", bf16 operands" : "");
  if (env("FAKE_CUBLASLT_ERROR"))
    return env("FAKE_CUBLASLT_ERROR");
  for (uint64_t j = 0; j < d->cols; ++j)
    for (uint64_t i = 0; i < rows; ++i) {
      float sum = 0;
      for (uint64_t p = 0; p < depth; ++p)
        sum += at(A, a, op->trans[0], i, p, op->compute) *
               at(B, b, op->trans[1], p, j, op->compute);
      ((float *)D)[i + j * d->ld] =
          *(const float *)alpha * sum +
          *(const float *)beta * ((const float *)C)[i + j * c->ld];
    }
  return 0;
}
const char *cublasLtGetStatusName(Status s) {
  return s == 13 ? "CUBLAS_STATUS_EXECUTION_FAILED" : "CUBLAS_STATUS_FAKE";
}
