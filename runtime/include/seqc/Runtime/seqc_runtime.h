/*===- seqc_runtime.h - The embedded runtime's C API ------------*- C -*-===*\
 *
 * Loads a module compiled by `seqc compile` (a shared library), lists its
 * inputs and outputs, and runs it on caller buffers. Weights are mapped from
 * the safetensors file, not copied. Every failure is a seqc_error with a
 * message; the runtime never prints and never exits the process.
 *
 * Any number of modules may be loaded at once, also several from one
 * library or one linked object, each with its own weights and state, and
 * run from different threads at the same time. Runs of one module from
 * several threads are safe too: they take turns.
 *
\*===----------------------------------------------------------------------===*/
#ifndef SEQC_RUNTIME_H
#define SEQC_RUNTIME_H

#include <stddef.h>
#include <stdint.h>

#include "seqc/Runtime/seqc_module_abi.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SEQC_MAX_RANK 8

typedef enum seqc_dtype {
  SEQC_F32 = 0,
  SEQC_F16 = 1,
  SEQC_BF16 = 2,
  SEQC_I32 = 3,
  SEQC_I64 = 4,
} seqc_dtype;

/** A failure; NULL means success. */
typedef struct seqc_error seqc_error;
const char *seqc_error_message(const seqc_error *error);
void seqc_error_free(seqc_error *error);

/** Where a tensor's data lives: host memory, or (for a CUDA module) GPU
 *  memory, `data` then a CUdeviceptr valid in the primary context of device
 *  0, where CUDA modules run. */
typedef enum seqc_memory {
  SEQC_HOST = 0,
  SEQC_DEVICE = 1,
} seqc_memory;

/** A dense row-major tensor. For outputs, `data` is owned by the caller
 *  after seqc_module_run and released with seqc_tensor_release; set an
 *  output's `memory` to SEQC_DEVICE before the run to get it in GPU memory
 *  (a CUDA module only). */
typedef struct seqc_tensor {
  seqc_dtype dtype;
  int32_t rank;
  int64_t shape[SEQC_MAX_RANK];
  void *data;
  seqc_memory memory;
} seqc_tensor;
void seqc_tensor_release(seqc_tensor *tensor);
/** Number of elements (product of the shape). */
int64_t seqc_tensor_num_elements(const seqc_tensor *tensor);

/** An input or output of a module. `dims[i]` is -1 where the size is only
 *  known at run time; then `symbols[i]` names it (one symbol, one size). */
typedef struct seqc_tensor_info {
  const char *name;
  seqc_dtype dtype;
  int32_t rank;
  int64_t dims[SEQC_MAX_RANK];
  const char *symbols[SEQC_MAX_RANK];
} seqc_tensor_info;

typedef struct seqc_module seqc_module;

/** Loads a compiled module. `weights_path` replaces the weights file the
 *  module was compiled with; NULL keeps it. */
seqc_error *seqc_module_load(const char *library_path, const char *weights_path,
                             seqc_module **module);
void seqc_module_free(seqc_module *module);

/** Makes a module of an object linked into the application (the header
 *  from `--emit=header` calls this with the object's `<name>_entry` and
 *  `<name>_signature`). Each call makes an instance with its own weights
 *  and state. */
seqc_error *seqc_module_from_entry(seqc_entry_fn entry, const char *signature,
                                   const char *weights_path,
                                   seqc_module **module);

const char *seqc_module_name(const seqc_module *module);
/** Where the module runs: "cpu", or "cuda" for a module compiled with
 *  --target=cuda (loading one needs the CUDA driver and a GPU of an
 *  architecture it was compiled for; otherwise seqc_module_load fails with
 *  "no CUDA driver" or "no CUDA device"). */
const char *seqc_module_device(const seqc_module *module);
size_t seqc_module_num_inputs(const seqc_module *module);
size_t seqc_module_num_outputs(const seqc_module *module);
/** Fills `info` for input/output `index` (all zero when out of range); its
 *  strings live as long as the module. */
void seqc_module_input(const seqc_module *module, size_t index,
                       seqc_tensor_info *info);
void seqc_module_output(const seqc_module *module, size_t index,
                        seqc_tensor_info *info);

/** Worker threads for later runs, at most (parallel loops run on OpenMP,
 *  whose teams shrink to the cores other processes leave free, and loops
 *  with little work run on the calling thread); 0 keeps the default, one
 *  per core. */
void seqc_module_set_threads(seqc_module *module, int threads);

/** A CUDA module's later runs launch on `stream` (a CUstream of the
 *  current device; NULL: the module's own). A run returns when its work on
 *  the stream is done. No effect on a CPU module. */
void seqc_module_set_stream(seqc_module *module, void *stream);

/** The GPU time of a CUDA module's last run in milliseconds, from its
 *  first launch to the end of its last kernel (CUDA events; the copies of
 *  inputs and outputs excluded); -1 for a CPU module or before a run. */
double seqc_module_last_run_gpu_ms(const seqc_module *module);

/** Runs the module. `inputs` are in the module's input order and are
 *  checked first (dtypes, ranks, sizes, symbols, token ids); `outputs`
 *  receives one tensor per module output, in order: in device memory
 *  where the caller set its `memory` to SEQC_DEVICE and the module runs on
 *  CUDA, else in host memory. A CUDA module takes inputs in host or device
 *  memory: a device input that only its kernels read (every input but
 *  token ids and what the host code between launches reads; the
 *  signature's "kernel_only_inputs") is used where it is, without a copy:
 *  the run's kernels come after the caller's earlier work on the stream
 *  set by seqc_module_set_stream, or, without one, on the legacy default
 *  stream and the blocking streams (work on other non-blocking streams must
 *  be done first); the others are copied into the buffers its host code
 *  shares with its kernels. A CPU module takes host memory
 *  only. */
seqc_error *seqc_module_run(seqc_module *module, const seqc_tensor *inputs,
                            size_t num_inputs, seqc_tensor *outputs,
                            size_t num_outputs);

/** Runs the module as seqc_module_run does, but each output whose `data`
 *  the caller set (not NULL) is written into that buffer: its `dtype`,
 *  `rank`, `shape` and `memory` must be the output's (the shape the run
 *  produces; otherwise the run fails, and the buffer's contents are
 *  unspecified); the caller keeps owning it. Outputs with NULL `data` are
 *  returned as by seqc_module_run. A CPU module's kernels write a buffer
 *  of the caller's directly when it is 64-byte aligned, overlaps no input
 *  and no other output's buffer — or is, exactly, the input that
 *  seqc_module_in_place names for this output — and the result is a buffer
 *  of the module's own; in every other case the result is copied into the
 *  buffer after the run, so any buffers give the right result. A decode
 *  loop passes the state's buffer as both the input and the output that
 *  seqc_module_in_place pairs: the state then stays where it is, read and
 *  written once per step. */
seqc_error *seqc_module_run_into(seqc_module *module, const seqc_tensor *inputs,
                                 size_t num_inputs, seqc_tensor *outputs,
                                 size_t num_outputs);

/** The input whose buffer output `output` may be, in place, in
 *  seqc_module_run_into without a copy (on the CPU, a recurrent state and
 *  its initial value: gla/gla_core s0, linear_recurrence h0, rnn h0 and
 *  c0, lif/plif/if_neuron v0, cuba_lif v0 and i0, when the model feeds
 *  that input only to the op and returns the state once; the kernels read
 *  each element of the input before they write that element of the
 *  output); -1 when none (or out of range). */
int64_t seqc_module_in_place(const seqc_module *module, size_t output);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* SEQC_RUNTIME_H */
