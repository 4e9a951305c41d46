// seq-set-target: the module's #seq.target, for this machine or a CUDA
// arch; a module that has one keeps it. The strategy passes read it.
// RUN: seqc-opt %s --seq-set-target="threads=3" | FileCheck %s --check-prefix=CPU
// RUN: seqc-opt %s --seq-set-target="target=cuda arch=sm_80" | FileCheck %s --check-prefix=CUDA
// RUN: seqc-opt %s --seq-set-target="threads=3" --seq-set-target="threads=5" | FileCheck %s --check-prefix=CPU
// RUN: not seqc-opt %s --seq-set-target="target=cuda arch=compute_80" 2>&1 | FileCheck %s --check-prefix=ARCH
// RUN: not seqc-opt %s --seq-set-target="threads=2000" 2>&1 | FileCheck %s --check-prefix=THREADS
// RUN: not seqc-opt %s --seq-set-target="target=tpu" 2>&1 | FileCheck %s --check-prefix=KIND
// RUN: seqc-opt %s --seq-set-target="threads=2" --seq-chunk-gla | FileCheck %s --check-prefix=CPU-GLA
// RUN: seqc-opt %s --seq-set-target="target=cuda" --seq-chunk-gla | FileCheck %s --check-prefix=CUDA-GLA

// CPU: module attributes {seq.target = #seq.target<kind = cpu, threads = 3, vector_bits = {{128|256|512}}, vector_registers = {{16|32}}
// CUDA: module attributes {seq.target = #seq.target<kind = cuda, arch = "sm_80", shared_memory_bytes = 166912, warps = 4>}
// ARCH: seq-set-target: unknown CUDA arch 'compute_80' (expected sm_NN, NN >= 50)
// THREADS: seq-set-target: threads must be in 0..1024, not 2000
// KIND: Cannot find option named 'tpu'

// One GLA head of 16 value columns: on 2 CPU threads recurrent (the
// chunkwise form does about 18 times the work); on a GPU chunked, in
// chunks of 16 (CUDA's kernel has no sub-chunks).
// CPU-GLA: seq.gla_form = #seq.gla_form<method = recurrent>
// CUDA-GLA: seq.gla_form = #seq.gla_form<method = chunked, chunk = 16, subchunk = 16>
func.func @few_tasks(%q: tensor<1x?x64xf32>, %v: tensor<1x?x16xf32>) -> (tensor<1x?x16xf32>, tensor<1x1x64x16xf32>) {
  %o, %s = seq.gla_core %q, %q, %v, %q {heads = 1 : i64, scale = 0.125 : f64} : (tensor<1x?x64xf32>, tensor<1x?x64xf32>, tensor<1x?x16xf32>, tensor<1x?x64xf32>) -> (tensor<1x?x16xf32>, tensor<1x1x64x16xf32>)
  return %o, %s : tensor<1x?x16xf32>, tensor<1x1x64x16xf32>
}
