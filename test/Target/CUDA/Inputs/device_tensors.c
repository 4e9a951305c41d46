/* The C API's device memory (SPEC §6) on a CUDA module: an input given as
 * device memory and an output asked for in device memory, on the caller's
 * stream. Run with the fake driver (whose device memory is host memory):
 * the input must reach the module (copied), the output come back marked
 * SEQC_DEVICE and be released by seqc_tensor_release; a CPU module refuses
 * device memory.  usage: device_tensors MODULE.so WEIGHTS [cpu] */
#include "seqc/Runtime/seqc_runtime.h"

#include <stdio.h>
#include <string.h>

int main(int argc, char **argv) {
  seqc_module *m = NULL;
  seqc_error *e = seqc_module_load(argv[1], argv[2], &m);
  if (e) {
    printf("load: %s\n", seqc_error_message(e));
    return 1;
  }
  static int stream;
  seqc_module_set_stream(m, &stream);
  float x[2 * 3 * 8];
  for (int i = 0; i < 48; ++i)
    x[i] = (float)i;
  seqc_tensor in;
  memset(&in, 0, sizeof in);
  in.dtype = SEQC_F32;
  in.rank = 3;
  in.shape[0] = 2, in.shape[1] = 3, in.shape[2] = 8;
  in.data = x;
  in.memory = SEQC_DEVICE;
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
  return 0;
}
