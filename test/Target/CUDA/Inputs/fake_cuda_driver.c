/* A stand-in for libcuda.so.1 that runs nothing: the runtime's CUDA
 * executor loads it through SEQC_CUDA_DRIVER, so that tests on machines
 * without a GPU exercise its paths (no device, an architecture it was not
 * compiled for, image choice, launches through the module's calls, a failed
 * launch) and the host code around the launches. Kernels are not run: the
 * outputs are whatever the buffers held. What it is asked to do goes to
 * stderr, "fake-cuda: ..."; every allocation, copy and launch needs the
 * primary context current (a context stack as the real driver's), else
 * CUDA_ERROR_INVALID_CONTEXT.
 *   FAKE_CUDA_DEVICES   number of devices (default 1)
 *   FAKE_CUDA_ARCH      compute capability as NN (default 90)
 *   FAKE_CUDA_LAUNCH_ERROR  a CUresult every launch returns (default 0)
 *   FAKE_CUDA_LOG_PREFETCH  report each prefetch too */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef int CUresult;

static int env(const char *name, int fallback) {
  const char *v = getenv(name);
  return v && *v ? atoi(v) : fallback;
}

CUresult cuInit(unsigned flags) {
  (void)flags;
  return 0;
}
CUresult cuDeviceGetCount(int *n) {
  *n = env("FAKE_CUDA_DEVICES", 1);
  return 0;
}
CUresult cuDeviceGet(int *d, int i) {
  *d = i;
  return 0;
}
CUresult cuDeviceGetAttribute(int *v, int attr, int d) {
  (void)d;
  int arch = env("FAKE_CUDA_ARCH", 90);
  *v = attr == 75 ? arch / 10 : attr == 76 ? arch % 10 : 0;
  return 0;
}
CUresult cuDeviceGetName(char *name, int n, int d) {
  (void)d;
  snprintf(name, (size_t)n, "Fake GPU");
  return 0;
}
static int context;
CUresult cuDevicePrimaryCtxRetain(void **c, int d) {
  (void)d;
  *c = &context;
  return 0;
}
CUresult cuDevicePrimaryCtxRelease_v2(int d) {
  (void)d;
  return 0;
}
static void *contexts[16];
static int depth;
CUresult cuCtxPushCurrent_v2(void *c) {
  if (depth == 16)
    return 1;
  contexts[depth++] = c;
  return 0;
}
CUresult cuCtxPopCurrent_v2(void **c) {
  if (depth == 0)
    return 201;
  *c = contexts[--depth];
  return 0;
}
CUresult cuCtxGetCurrent(void **c) {
  *c = depth ? contexts[depth - 1] : NULL;
  return 0;
}
#define NEEDS_CONTEXT                                                          \
  if (!depth || contexts[depth - 1] != &context)                               \
  return 201
static int stream;
CUresult cuStreamCreate(void **s, unsigned f) {
  (void)f;
  NEEDS_CONTEXT;
  *s = &stream;
  return 0;
}
CUresult cuStreamDestroy_v2(void *s) {
  (void)s;
  return 0;
}
CUresult cuStreamSynchronize(void *s) {
  (void)s;
  return 0;
}
static int module;
CUresult cuModuleLoadData(void **m, const void *image) {
  NEEDS_CONTEXT;
  const unsigned char *p = image;
  int elf = p[0] == 0x7f && p[1] == 'E' && p[2] == 'L' && p[3] == 'F';
  /* A cubin's ELF machine is EM_CUDA (190). */
  int cuda = elf && (p[18] | p[19] << 8) == 190;
  fprintf(stderr, "fake-cuda: load %s\n",
          cuda                                      ? "cubin"
          : strstr((const char *)image, ".version") ? "ptx"
                                                    : "unknown");
  *m = &module;
  return 0;
}
CUresult cuModuleUnload(void *m) {
  (void)m;
  return 0;
}
CUresult cuModuleGetFunction(void **f, void *m, const char *name) {
  (void)m;
  *f = strdup(name); /* leaked: one per kernel */
  return 0;
}
CUresult cuLaunchKernel(void *f, unsigned gx, unsigned gy, unsigned gz,
                        unsigned bx, unsigned by, unsigned bz, unsigned smem,
                        void *s, void **params, void **extra) {
  (void)gy;
  (void)gz;
  (void)by;
  (void)bz;
  (void)smem;
  (void)s;
  (void)params;
  (void)extra;
  NEEDS_CONTEXT;
  fprintf(stderr, "fake-cuda: launch %s grid %u block %u\n", (char *)f, gx, bx);
  return env("FAKE_CUDA_LAUNCH_ERROR", 0);
}
CUresult cuMemAllocManaged(unsigned long long *p, size_t n, unsigned f) {
  (void)f;
  NEEDS_CONTEXT;
  void *m = calloc(1, n);
  *p = (unsigned long long)(size_t)m;
  return m ? 0 : 2;
}
CUresult cuMemAlloc_v2(unsigned long long *p, size_t n) {
  NEEDS_CONTEXT;
  void *m = malloc(n);
  *p = (unsigned long long)(size_t)m;
  return m ? 0 : 2;
}
CUresult cuMemPrefetchAsync(unsigned long long p, size_t n, int d, void *s) {
  (void)p, (void)d, (void)s;
  NEEDS_CONTEXT;
  if (getenv("FAKE_CUDA_LOG_PREFETCH"))
    fprintf(stderr, "fake-cuda: prefetch %zu bytes\n", n);
  return 0;
}
CUresult cuMemFree_v2(unsigned long long p) {
  NEEDS_CONTEXT;
  free((void *)(size_t)p);
  return 0;
}
CUresult cuGetErrorName(CUresult r, const char **s) {
  *s = r == 700   ? "CUDA_ERROR_ILLEGAL_ADDRESS"
       : r == 201 ? "CUDA_ERROR_INVALID_CONTEXT"
                  : "CUDA_ERROR_FAKE";
  return 0;
}
CUresult cuGetErrorString(CUresult r, const char **s) {
  (void)r;
  *s = "a failure the fake driver was told to report";
  return 0;
}
CUresult cuMemcpy(unsigned long long to, unsigned long long from, size_t n) {
  NEEDS_CONTEXT;
  fprintf(stderr, "fake-cuda: copy %zu bytes\n", n);
  memcpy((void *)(size_t)to, (const void *)(size_t)from, n);
  return 0;
}
static int event;
CUresult cuEventCreate(void **e, unsigned f) {
  (void)f;
  *e = &event;
  return 0;
}
CUresult cuEventDestroy_v2(void *e) {
  (void)e;
  return 0;
}
CUresult cuEventRecord(void *e, void *s) {
  (void)e;
  (void)s;
  return 0;
}
CUresult cuStreamWaitEvent(void *s, void *e, unsigned f) {
  (void)s;
  (void)e;
  (void)f;
  fprintf(stderr, "fake-cuda: stream waits for an event\n");
  return 0;
}
CUresult cuEventSynchronize(void *e) {
  (void)e;
  return 0;
}
CUresult cuEventElapsedTime(float *ms, void *a, void *b) {
  (void)a;
  (void)b;
  *ms = 0.5f;
  return 0;
}
