// The rgnn templates on CPU: checked counting sorts, the packed GEMM kernel
// per segment through index lists, and traversals that own their rows.
// RUN: seqc-opt %s --seq-lower-to-tensors --seq-lower-cpu-kernels --seq-lower-linear-to-gemm --split-input-file | FileCheck %s

// Every index is checked in one pass first; the messages name the input.
// On a failed check the layout is empty (edge count 0), so nothing reads
// through it. Then a counting sort by key type·N + destination: counts,
// an exclusive prefix sum, a stable scatter of the edge ids.
// CHECK: seq.check_messages = ["node 'g': edge_index has a node index outside [0, N), N = the rows of x", "node 'g': edge_type must have one entry per edge of edge_index", "node 'g': edge_type has a relation outside [0, 3)"]
// CHECK-LABEL: func.func @graph_layout(
// CHECK:         %[[BAD:.+]]:2 = scf.for {{.*}} iter_args({{.*}}) -> (i1, i1)
// CHECK:           arith.cmpi ult
// CHECK:         scf.if %[[BAD]]#0
// CHECK:           memref.store %{{.+}}, %{{.+}}[] : memref<i32>
// CHECK:         %[[E:.+]] = arith.select %{{.+}}, %{{.+}}, %{{.+}} : index
// CHECK-COUNT-3: memref.alloc(%[[E]]) : memref<?xi64>
// CHECK:         %[[ORDER:.+]] = memref.alloc(%[[E]]) : memref<?xi64>
// CHECK:         %[[SEG:.+]] = memref.alloc(%{{.+}}) : memref<?xi64>
// CHECK:         linalg.fill {{.*}} outs(%[[SEG]] : memref<?xi64>)
// CHECK:         scf.for %{{.+}} = %{{.+}} to %[[E]]
// CHECK:           arith.addi
// CHECK:           memref.store %{{.+}}, %[[SEG]]
// CHECK:         scf.for
// CHECK:           memref.store %{{.+}}, %[[SEG]]
// CHECK:         %[[CUR:.+]] = memref.alloc
// CHECK:         scf.for %{{.+}} = %{{.+}} to %[[E]]
// CHECK:           memref.load %[[CUR]]
// CHECK:           memref.store %{{.+}}, %[[ORDER]]
func.func @graph_layout(%ei: tensor<2x?xi64>, %et: tensor<?xi64>, %n: index) -> (tensor<?xi64>, tensor<?xi64>) {
  %src, %dst, %t, %order, %seg = rgnn.graph_layout %ei, %et nodes %n {relations = 3 : i64} : (tensor<2x?xi64>, tensor<?xi64>, index) -> (tensor<?xi64>, tensor<?xi64>, tensor<?xi64>, tensor<?xi64>, tensor<?xi64>) loc("g")
  return %order, %seg : tensor<?xi64>, tensor<?xi64>
}

// -----

// Segment by segment (sequential, so rows repeated across segments add up
// without races), the GEMM kernel reads row rows[m] of x (or m − lo when
// the table is dense) and adds into row scatter[m] of y.
// CHECK-LABEL: func.func @gemm(
// CHECK:         %[[PANELS:.+]] = linalg.generic {{.*}} outs(%{{.+}} : tensor<3x1x16x32xf32>)
// CHECK:         %[[Y:.+]] = memref.alloc(%{{.+}}) : memref<?x32xf32>
// CHECK:         memref.copy %{{.+}}, %[[Y]]
// CHECK:         scf.for %[[S:.+]] = %{{.+}} to %{{.+}} step
// CHECK:           %[[LO:.+]] = arith.index_cast
// CHECK:           scf.parallel
// CHECK:             scf.for
// CHECK:               %[[R:.+]] = memref.load %{{.+}}[%{{.+}}] : memref<?xi64>
// CHECK:               arith.select %{{.+}}, %{{.+}}, %{{.+}} : index
// CHECK:               scf.for {{.*}} -> ({{(vector<16xf32>, ){15}vector<16xf32>}})
// CHECK-COUNT-2:         vector.load %{{.+}}[%[[S]], %{{.+}}, %{{.+}}, %{{.+}}] : memref<3x1x16x32xf32>, vector<16xf32>
// CHECK-COUNT-16:        vector.fma
// CHECK:               memref.load %{{.+}} : memref<?xi64>
// CHECK:               vector.maskedload %[[Y]]
// CHECK:               arith.addf
// CHECK:               vector.maskedstore %[[Y]]
func.func @gemm(%x: tensor<?x16xf32>, %w: tensor<3x16x32xf32>, %off: tensor<?xi64>, %init: tensor<?x32xf32>, %rows: tensor<?xi64>, %dense: i1, %out: tensor<?xi64>) -> tensor<?x32xf32> {
  %y = rgnn.gemm %x, %w segments %off into %init rows(%rows) dense(%dense) scatter(%out) {accumulate} : (tensor<?x16xf32>, tensor<3x16x32xf32>, tensor<?xi64>, tensor<?x32xf32>, tensor<?xi64>, i1, tensor<?xi64>) -> tensor<?x32xf32>
  return %y : tensor<?x32xf32>
}

// -----

// Per edge in parallel, in the layout's order: the rows of edges a few
// positions ahead are prefetched (random rows: the pair table through its
// per-edge rows); a head's dot product is one D-wide vector multiply and a
// reduction.
// CHECK-LABEL: func.func @edge_map(
// CHECK:         scf.parallel (%[[E:.+]]) =
// CHECK:           %[[AHEAD:.+]] = arith.minui
// CHECK:           %[[R:.+]] = memref.load %[[ROWS:.+]][%[[AHEAD]]] : memref<?xi64>
// CHECK-COUNT-2:   memref.prefetch
// CHECK:           memref.load %{{.+}}[%[[E]]] : memref<?xi64>
// CHECK:           memref.load %[[ROWS]][%[[E]]] : memref<?xi64>
// CHECK-COUNT-4:   vector.reduction <add>, %{{.+}} : vector<8xf32> into f32
func.func @edge_map(%src: tensor<?xi64>, %dst: tensor<?xi64>, %t: tensor<?xi64>, %n: index, %a: tensor<?x32xf32>, %b: tensor<?x32xf32>, %row: tensor<?xi64>) -> tensor<?x4xf32> {
  %s = rgnn.edge_map %src, %dst, %t nodes %n tables(%a, %b) maps(%row) {kind = #rgnn<edge_map_kind dot>, modes = [#rgnn<row_mode dst>, #rgnn<row_mode pair_src>], heads = 4 : i64} : (tensor<?xi64>, tensor<?xi64>, tensor<?xi64>, index, tensor<?x32xf32>, tensor<?x32xf32>, tensor<?xi64>) -> tensor<?x4xf32>
  return %s : tensor<?x4xf32>
}

// -----

// Per destination node in parallel, over its R segments: the per-head
// maxima of the scores, then exp-weighted sums kept in registers (no α
// stored), then one store of the node's row.
// CHECK-LABEL: func.func @softmax_sum(
// CHECK:         scf.parallel (%[[I:.+]]) =
// CHECK:           scf.for {{.*}} -> (f32, f32)
// CHECK:             scf.for {{.*}} -> (f32, f32)
// CHECK:               arith.maximumf
// CHECK:           scf.for {{.*}} -> (f32, f32, vector<16xf32>, vector<16xf32>)
// CHECK:             scf.for {{.*}} -> (f32, f32, vector<16xf32>, vector<16xf32>)
// CHECK:               math.exp
// CHECK:               vector.fma
// CHECK:           arith.divf
// CHECK:           vector.store %{{.+}}, %{{.+}}[%[[I]], %{{.+}}] : memref<?x32xf32>, vector<16xf32>
// CHECK:           vector.store
func.func @softmax_sum(%src: tensor<?xi64>, %dst: tensor<?xi64>, %t: tensor<?xi64>, %seg: tensor<?xi64>, %n: index, %table: tensor<?x32xf32>, %row: tensor<?xi64>, %s: tensor<?x2xf32>) -> tensor<?x32xf32> {
  %y = rgnn.node_reduce %table over %seg edges %src, %dst, %t nodes %n map(%row) scores(%s) {kind = #rgnn<node_reduce_kind softmax_sum>, mode = #rgnn<row_mode pair_src>, heads = 2 : i64} : (tensor<?xi64>, tensor<?xi64>, tensor<?xi64>, tensor<?xi64>, index, tensor<?x32xf32>, tensor<?xi64>, tensor<?x2xf32>) -> tensor<?x32xf32>
  return %y : tensor<?x32xf32>
}

// -----

// The mean of each (relation, destination) segment goes to its pair row,
// for the pairs that have one.
// CHECK-LABEL: func.func @pair_mean(
// CHECK:         scf.parallel
// CHECK:           scf.for
// CHECK:             arith.cmpi sge
// CHECK:             scf.if
// CHECK:               scf.for {{.*}} -> (vector<16xf32>)
// CHECK:               arith.uitofp
// CHECK:               vector.store
func.func @pair_mean(%src: tensor<?xi64>, %dst: tensor<?xi64>, %t: tensor<?xi64>, %seg: tensor<?xi64>, %n: index, %x: tensor<?x16xf32>, %row: tensor<?xi64>, %m: index) -> tensor<?x16xf32> {
  %y = rgnn.node_reduce %x over %seg edges %src, %dst, %t nodes %n out_rows(%row) rows %m {kind = #rgnn<node_reduce_kind pair_mean>, mode = #rgnn<row_mode src>, heads = 1 : i64} : (tensor<?xi64>, tensor<?xi64>, tensor<?xi64>, tensor<?xi64>, index, tensor<?x16xf32>, tensor<?xi64>, index) -> tensor<?x16xf32>
  return %y : tensor<?x16xf32>
}
