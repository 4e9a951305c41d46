/* The C API's device memory (SPEC §6) on a CUDA module: an input given as
 * device memory and an output asked for in device memory, on the caller's
 * stream. Run with the fake driver (whose device memory is host memory;
 * it reports each copy on stderr): the input, which only the kernels
 * read, must reach the module without a copy, the output come back marked
 * SEQC_DEVICE and be released by seqc_tensor_release, and the context the
 * caller had current be current again after loading and running; a CPU
 * module refuses device memory. With `ids` or `bad-ids` the module is an
 * embedding of 5 rows and the input token ids [5, 3] (one of them 7 with
 * bad-ids): copied, since they are checked before the run.
 * usage: device_tensors MODULE.so WEIGHTS [ids | bad-ids] */
#include "seqc/Runtime/seqc_runtime.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef int (*context_fn)(void **);

int main(int argc, char **argv) {
  /* The caller's own context, current around the module's calls. */
  static int callers;
  void *current = NULL;
  context_fn get = NULL;
  const char *driver = getenv("SEQC_CUDA_DRIVER");
  void *library = driver ? dlopen(driver, RTLD_NOW) : NULL;
  if (library) {
    int (*push)(void *) =
        (int (*)(void *))dlsym(library, "cuCtxPushCurrent_v2");
    get = (context_fn)dlsym(library, "cuCtxGetCurrent");
    push(&callers);
  }
  seqc_module *m = NULL;
  seqc_error *e = seqc_module_load(argv[1], argv[2], &m);
  if (e) {
    printf("load: %s\n", seqc_error_message(e));
    return 1;
  }
  static int stream;
  seqc_module_set_stream(m, &stream);
  float x[5 * 3 * 8];
  for (int i = 0; i < 120; ++i)
    x[i] = (float)i;
  long long ids[5 * 3];
  for (int i = 0; i < 15; ++i)
    ids[i] = i % 5;
  seqc_tensor in;
  memset(&in, 0, sizeof in);
  in.dtype = SEQC_F32;
  in.rank = 3;
  in.shape[0] = 5, in.shape[1] = 3, in.shape[2] = 8;
  in.data = x;
  in.memory = SEQC_DEVICE;
  if (argc > 3) {
    if (!strcmp(argv[3], "bad-ids"))
      ids[4] = 7;
    in.dtype = SEQC_I64;
    in.rank = 2;
    in.data = ids;
  }
  seqc_tensor out;
  memset(&out, 0, sizeof out);
  out.memory = SEQC_DEVICE;
  e = seqc_module_run(m, &in, 1, &out, 1);
  if (e) {
    printf("run: %s\n", seqc_error_message(e));
    seqc_module_free(m);
    return 1;
  }
  printf("device %s, output memory %s, shape %lldx%lldx%lld, gpu ms %.1f\n",
         seqc_module_device(m), out.memory == SEQC_DEVICE ? "device" : "host",
         (long long)out.shape[0], (long long)out.shape[1],
         (long long)out.shape[2], seqc_module_last_run_gpu_ms(m));
  seqc_tensor_release(&out);
  seqc_module_free(m);
  if (get) {
    get(&current);
    printf("caller's context current: %s\n",
           current == &callers ? "yes" : "no");
  }
  return 0;
}
