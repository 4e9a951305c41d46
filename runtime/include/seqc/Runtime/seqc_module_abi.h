/*===- seqc_module_abi.h - What a compiled module exports -------*- C -*-===*\
 *
 * The contract between `seqc compile` and the runtime, in one place: both
 * include this header.
 *
 * A module exports two symbols, `<name>_entry` and `<name>_signature`
 * (`seqc_entry` and `seqc_signature` in a shared library; `<name>` from
 * `--name` in an object). The signature is a NUL-terminated JSON text:
 *   {"abi": SEQC_MODULE_ABI_VERSION, "name", "weights_file",
 *    "cpu": LLVM CPU name, "cpu_features": [LLVM feature names],
 *    "inputs":  [{"name", "dtype", "dims": [int or symbol]}],
 *    "weights": [{"name", "dtype", "shape"}],
 *    "state":   [{"name", "dtype", "shape"}],
 *    "outputs": [{"name", "dtype", "dims": [int or -1]}],
 *    "id_ranges": [{"input", "num"}],  "checks": [message, ...],
 *    "kernel_only_inputs": [input name, ...] (optional),
 *    "in_place": [{"output", "input"}] (optional)}
 *
 * The entry takes one memref descriptor per argument: the inputs, the
 * weights, then the module's state buffers, in the signature's orders.
 * A descriptor is {allocated, aligned, offset, sizes[rank], strides[rank]},
 * all 8-byte words. State buffers belong to one loaded module instance:
 * the runtime allocates each (64-byte aligned, zeroed) when it loads the
 * module and passes the same buffers to every run of that instance (packed
 * weight panels and the weights' address they were packed from).
 * The results come back as descriptors, back to back; their buffers were
 * allocated by the module with aligned_alloc and are released with free.
 * Before the call the runtime may offer a buffer for a result: the
 * result's descriptor then starts {buffer, 0, its size in bytes}, and is
 * all zero otherwise. A CPU module allocates a result its kernels write
 * there when the sizes agree (seqc_result_buffer, lib/Target/CPU), and the
 * runtime sees it in the returned descriptor. An "in_place" pair names an
 * output whose offered buffer may be that input's buffer: the module reads
 * each element of the input before it writes the output's element.
 * When an allocation fails, the module calls `on_alloc_failure(bytes)`,
 * which must not return (the runtime's handler jumps back to the run).
 * The entry returns 0, or the 1-based number of the run-time check that
 * failed (its message is `checks[n - 1]`), or SEQC_ENTRY_NO_AMX when the
 * module multiplies by AMX tiles (--precision=bf16 on a CPU with AMX-BF16)
 * and the operating system did not let the process use them (the entry
 * asks, with arch_prctl(ARCH_REQ_XCOMP_PERM), on its first run).
 *
 * A CUDA module (signature "target": "cuda", "gpu_archs": [...]) takes one
 * more pointer after its descriptors, args[n]: a seqc_cuda_calls, through
 * which its host code allocates the buffers its kernels read (memory the
 * host may read too, since host code runs between launches) and launches
 * its kernels, synchronously. Its descriptors point at such memory, and so
 * do the results', except those of the inputs its signature lists as
 * "kernel_only_inputs": the host code never reads them, so they may be
 * device memory. The kernels come as images, a cubin per architecture
 * and the PTX of the newest, passed to every launch. A failed launch is
 * recorded by the runtime, which skips the launches after it and reports
 * it when the entry returns.
 *
\*===----------------------------------------------------------------------===*/
#ifndef SEQC_MODULE_ABI_H
#define SEQC_MODULE_ABI_H

#include <stdint.h>

#define SEQC_MODULE_ABI_VERSION 5

/** An entry's answer when the process may not use AMX tiles. */
#define SEQC_ENTRY_NO_AMX (-3)

#ifdef __cplusplus
extern "C" {
#endif

/** Called by a module when it cannot allocate `bytes`; does not return. */
typedef void (*seqc_alloc_failure_fn)(uint64_t bytes);

/** A compiled module's entry point. */
typedef int32_t (*seqc_entry_fn)(void **args, void *results,
                                 seqc_alloc_failure_fn on_alloc_failure);

/** A CUDA module's device code: a cubin for `arch` (format 0) or PTX
 *  (format 1, NUL-terminated, for `arch` and newer). */
typedef struct seqc_cuda_image {
  const char *arch;
  int64_t format;
  const void *data;
  int64_t size;
} seqc_cuda_image;

/** What a CUDA module's host code calls. `dims` is the launch's grid and
 *  block (x, y, z each); `params` points at each kernel parameter. `gemm`
 *  adds x wᵀ to y (row-major f32: x [m, k], w [n, k], y [m, n], rows `ld*`
 *  floats apart) on the device, synchronously, and returns 0; nonzero
 *  when it declined (no BLAS library, no algorithm), and the module then
 *  computes the product with its own kernels. With `bf16` nonzero the
 *  product reads x and w rounded to bf16 and accumulates in f32 (SPEC §5;
 *  `--precision=bf16`). */
typedef struct seqc_cuda_calls {
  void *context;
  void *(*alloc)(void *context, uint64_t bytes);
  void (*free)(void *context, void *data);
  void (*launch)(void *context, const seqc_cuda_image *images,
                 int64_t num_images, const char *kernel, const int64_t *dims,
                 void **params);
  int32_t (*gemm)(void *context, int64_t m, int64_t n, int64_t k,
                  const float *x, int64_t ldx, const float *w, int64_t ldw,
                  float *y, int64_t ldy, int32_t bf16);
} seqc_cuda_calls;

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* SEQC_MODULE_ABI_H */
