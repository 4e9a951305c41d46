// seq-chunk-gla: the recurrent or the chunkwise form of gated linear
// attention, from the parallelism the recurrent form leaves idle.
// RUN: seqc-opt %s --seq-set-target="threads=2" --seq-chunk-gla | FileCheck %s
// RUN: seqc-opt %s --seq-set-target="threads=16" --seq-chunk-gla | FileCheck %s --check-prefix=WIDE
// RUN: seqc-opt %s --seq-set-target --seq-chunk-gla="form=chunked chunk=32 subchunk=8" | FileCheck %s --check-prefix=FORCED
// RUN: seqc-opt %s --seq-set-target="threads=64" --seq-chunk-gla="form=recurrent" | FileCheck %s
// RUN: not seqc-opt %s --seq-set-target --seq-chunk-gla="chunk=32 subchunk=5" 2>&1 | FileCheck %s --check-prefix=DIVIDE
// RUN: not seqc-opt %s --seq-set-target --seq-chunk-gla="form=fast" 2>&1 | FileCheck %s --check-prefix=FORM
// RUN: not seqc-opt %s --seq-chunk-gla 2>&1 | FileCheck %s --check-prefix=NOTARGET

// One head, 16 value columns, batch 1: the recurrent form is a single
// task. With 16 threads the chunkwise form (parallel over chunks too) is
// chosen; with 2 the recurrent form (the chunkwise form does about 18
// times its work).
// CHECK-LABEL: func.func @few_tasks
// CHECK:         seq.gla_core {{.*}}seq.gla_form = #seq.gla_form<method = recurrent>
// WIDE-LABEL:  func.func @few_tasks
// WIDE:          seq.gla_core {{.*}}seq.gla_form = #seq.gla_form<method = chunked, chunk = 64, subchunk = 16>
// FORCED-LABEL: func.func @few_tasks
// FORCED:        seq.gla_core {{.*}}seq.gla_form = #seq.gla_form<method = chunked, chunk = 32, subchunk = 8>

// The GLA layer of the benchmark: 4 heads × 8 value blocks (an unknown
// batch counts as 1) keep 16 threads busy recurrently.
// CHECK-LABEL: func.func @many_tasks
// CHECK:         seq.gla {{.*}}seq.gla_form = #seq.gla_form<method = recurrent>
// WIDE-LABEL:  func.func @many_tasks
// WIDE:          seq.gla {{.*}}seq.gla_form = #seq.gla_form<method = recurrent>
// FORCED-LABEL: func.func @many_tasks
// FORCED:        seq.gla {{.*}}seq.gla_form = #seq.gla_form<method = chunked, chunk = 32, subchunk = 8>

// DIVIDE: seq-chunk-gla: subchunk (5) must divide chunk (32)
// FORM: Cannot find option named 'fast'
// NOTARGET: error: seq-chunk-gla: the module has no seq.target
func.func @few_tasks(%q: tensor<1x?x64xf32>, %v: tensor<1x?x16xf32>) -> (tensor<1x?x16xf32>, tensor<1x1x64x16xf32>) {
  %o, %s = seq.gla_core %q, %q, %v, %q {heads = 1 : i64, scale = 0.125 : f64} : (tensor<1x?x64xf32>, tensor<1x?x64xf32>, tensor<1x?x16xf32>, tensor<1x?x64xf32>) -> (tensor<1x?x16xf32>, tensor<1x1x64x16xf32>)
  return %o, %s : tensor<1x?x16xf32>, tensor<1x1x64x16xf32>
}
func.func @many_tasks(%x: tensor<?x?x512xf32>, %wq: tensor<256x512xf32>, %wk: tensor<256x512xf32>, %wv: tensor<512x512xf32>, %wg: tensor<512x512xf32>, %w0: tensor<16x512xf32>, %w1: tensor<256x16xf32>, %b1: tensor<256xf32>, %wn: tensor<128xf32>, %wo: tensor<512x512xf32>) -> tensor<?x?x512xf32> {
  %y, %s = seq.gla %x weights(%wq, %wk, %wv, %wg, %w0, %w1, %b1, %wn, %wo) {heads = 4 : i64, key_dim = 256 : i64, value_dim = 512 : i64, gate_rank = 16 : i64, gate_norm = 16.0 : f64, eps = 1.0e-5 : f64} : (tensor<?x?x512xf32>, tensor<256x512xf32>, tensor<256x512xf32>, tensor<512x512xf32>, tensor<512x512xf32>, tensor<16x512xf32>, tensor<256x16xf32>, tensor<256xf32>, tensor<128xf32>, tensor<512x512xf32>) -> (tensor<?x?x512xf32>, tensor<?x4x64x128xf32>)
  return %y : tensor<?x?x512xf32>
}
