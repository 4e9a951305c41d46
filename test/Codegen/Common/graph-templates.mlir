// The rgnn templates in the common lowering: each a kernel call named for
// what it computes, its attributes the template's (`template` its op
// name), its body the target-independent form on tensors. With
// kernels=false the CPU compiles those bodies (no rgnn op is left).
// RUN: seqc-opt %s --seq-lower-to-tensors --split-input-file | FileCheck %s
// RUN: seqc-opt %s --seq-lower-to-tensors --seq-lower-cpu-kernels=kernels=false --split-input-file | FileCheck %s --check-prefix=BODY

// graph_layout: every index checked by a two-level reduction (chunks of
// 1024 positions in parallel, then the chunks' flags; the messages name the
// node), then the edges sorted stably by key in ceil(log2 E) merge passes
// (a loop carrying the keys and the edges, counted by ctlz, around one
// parallel generic whose positions each binary-search their source), each
// key's start by a binary search, and the edges' ends and types in the
// layout's order gathered by one parallel generic.
// CHECK: seq.check_messages = ["node 'g': edge_index has a node index outside [0, N), N = the rows of x", "node 'g': edge_type must have one entry per edge of edge_index", "node 'g': edge_type has a relation outside [0, 3)"]
// CHECK-LABEL: func.func @graph_layout(
// CHECK:         call @seqc_kernel_graph_layout(
// CHECK-LABEL: func.func private @seqc_kernel_graph_layout(
// CHECK-SAME:      seq.kernel = {name = "graph_layout", relations = 3 : i64, template = "rgnn.graph_layout"}
// CHECK:         linalg.generic {{.*}}iterator_types = ["parallel", "reduction"]{{.*}}tensor<?x1024xi1>
// CHECK:           scf.if
// CHECK:             arith.cmpi ult
// CHECK:         linalg.generic {{.*}}iterator_types = ["reduction"]
// CHECK:         linalg.generic {{.*}}iterator_types = ["parallel", "reduction"]
// CHECK:         linalg.generic {{.*}}iterator_types = ["reduction"]
// CHECK:         scf.if
// CHECK:           memref.store
// CHECK:         %[[E:.+]] = arith.select
// CHECK:         %[[KEYED:.+]]:2 = linalg.generic {{.*}}iterator_types = ["parallel"]
// CHECK:         math.ctlz
// CHECK:         %[[SORT:.+]]:2 = scf.for {{.*}} iter_args(%{{.+}} = %[[KEYED]]#0, %{{.+}} = %[[KEYED]]#1) -> (tensor<?xi64>, tensor<?xi64>)
// CHECK:           arith.shli
// CHECK:           linalg.generic {{.*}}iterator_types = ["parallel"]
// CHECK:             scf.for {{.*}} -> (index, index)
// CHECK:         %[[STARTS:.+]] = linalg.generic {{.*}}iterator_types = ["parallel"]
// CHECK:           scf.for {{.*}} -> (index, index)
// CHECK:             tensor.extract %[[SORT]]#0
// CHECK:         linalg.generic {{.*}}iterator_types = ["parallel"]
// CHECK-SAME:      outs({{.*}}tensor<?xi64>, {{.*}}tensor<?xi64>, {{.*}}tensor<?xi64>)
// CHECK:           tensor.extract %[[SORT]]#1
// CHECK:         return {{.*}}, %[[SORT]]#1, %[[STARTS]]
// BODY-LABEL: func.func @graph_layout(
// BODY-NOT: rgnn.
// BODY-NOT: call
// BODY: return
func.func @graph_layout(%ei: tensor<2x?xi64>, %et: tensor<?xi64>, %n: index) -> (tensor<?xi64>, tensor<?xi64>) {
  %src, %dst, %t, %order, %seg = rgnn.graph_layout %ei, %et nodes %n {relations = 3 : i64} : (tensor<2x?xi64>, tensor<?xi64>, index) -> (tensor<?xi64>, tensor<?xi64>, tensor<?xi64>, tensor<?xi64>, tensor<?xi64>) loc("g")
  return %src, %seg : tensor<?xi64>, tensor<?xi64>
}

// -----

// node_layout: the same on node types.
// CHECK: seq.check_messages = ["node 'nt': node_type must have one entry per row of x", "node 'nt': node_type has a node type outside [0, 2)"]
// CHECK-LABEL: func.func private @seqc_kernel_node_layout(
// CHECK-SAME:      seq.kernel = {name = "node_layout", num_types = 2 : i64, template = "rgnn.node_layout"}
// CHECK:         linalg.generic {{.*}}iterator_types = ["parallel", "reduction"]
// CHECK:         %[[TYPES:.+]] = linalg.generic {{.*}}iterator_types = ["parallel"]
// CHECK:         %[[SORT:.+]]:2 = scf.for
// CHECK:         return %[[TYPES]], %[[SORT]]#1
// BODY-LABEL: func.func @node_layout(
// BODY-NOT: call
// BODY: return
func.func @node_layout(%nt: tensor<?xi64>, %n: index) -> tensor<?xi64> {
  %t, %order, %off = rgnn.node_layout %nt nodes %n {num_types = 2 : i64} : (tensor<?xi64>, index) -> (tensor<?xi64>, tensor<?xi64>, tensor<?xi64>) loc("nt")
  return %order : tensor<?xi64>
}

// -----

// pair_rows, chosen at run time: the pairs present (the edges' keys
// sorted by merge passes, a pair present where its segment, found by
// binary search, is not empty) numbered in (relation, node) order by a scan (ceil(log2 R·N)
// passes), the dense table instead when they are at least the threshold
// (an scf.if on the count), then each edge's row gathered.
// CHECK-LABEL: func.func private @seqc_kernel_pair_rows(
// CHECK-SAME:      seq.kernel = {materialize = #rgnn<materialize auto>, name = "pair_rows", relations = 2 : i64, template = "rgnn.pair_rows", threshold = 5.000000e-01 : f64}
// CHECK:         scf.for {{.*}} -> (tensor<?xi64>, tensor<?xi64>)
// CHECK:           scf.yield {{.*}} : tensor<?xi64>, tensor<?xi64>
// CHECK:         %[[STARTS:[0-9]+]] = linalg.generic {{.*}}iterator_types = ["parallel"]
// CHECK:         %[[PRESENT:[0-9]+]] = linalg.generic {{.*}}iterator_types = ["parallel"]
// CHECK:           tensor.extract %[[STARTS]]
// CHECK:         scf.for {{.*}} iter_args(%{{.+}} = %[[PRESENT]]) -> (tensor<?xi64>)
// CHECK:           arith.shli
// CHECK:           linalg.generic {{.*}}iterator_types = ["parallel"]
// CHECK:         %[[NUMBERED:[0-9]+]]:2 = linalg.generic {{.*}}iterator_types = ["parallel"]
// CHECK:           arith.remui
// CHECK:         linalg.generic {{.*}}iterator_types = ["parallel"]{{.*}}tensor<3xi64>
// CHECK:         arith.cmpf oge
// CHECK:         %[[TABLE:.+]]:3 = scf.if
// CHECK:           linalg.generic {{.*}}iterator_types = ["parallel"]
// CHECK:             arith.remui
// CHECK:         } else {
// CHECK:           scf.yield %[[NUMBERED]]#0
// CHECK:         linalg.generic {{.*}}iterator_types = ["parallel"]
// CHECK:           tensor.extract %[[TABLE]]#2
func.func @pair_rows(%node: tensor<?xi64>, %t: tensor<?xi64>, %seg: tensor<?xi64>, %n: index) -> (tensor<?xi64>, tensor<?xi64>, tensor<?xi64>, tensor<?xi64>, i1) {
  %nodes, %off, %row_of, %rows, %dense = rgnn.pair_rows %node, %t, %seg nodes %n {relations = 2 : i64, materialize = #rgnn<materialize auto>, threshold = 0.5 : f64} : (tensor<?xi64>, tensor<?xi64>, tensor<?xi64>, index) -> (tensor<?xi64>, tensor<?xi64>, tensor<?xi64>, tensor<?xi64>, i1)
  return %nodes, %off, %row_of, %rows, %dense : tensor<?xi64>, tensor<?xi64>, tensor<?xi64>, tensor<?xi64>, i1
}

// -----

// segment_gemm: per segment (in order), its rows gathered (through `rows`,
// or from 0 when dense), one linalg.matmul by the segment's weight, and the
// rows added through the scatter list in parallel (a segment's rows go to
// distinct rows: each reads and writes its own).
// CHECK-LABEL: func.func private @seqc_kernel_segment_gemm(
// CHECK-SAME:      seq.kernel = {accumulate, name = "segment_gemm", operandSegmentSizes = array<i32: 1, 1, 1, 1, 1, 1, 1, 0>, template = "rgnn.gemm"}
// CHECK:         scf.for {{.*}} -> (tensor<?x32xf32>)
// CHECK:           linalg.generic {{.*}}iterator_types = ["parallel", "parallel"]
// CHECK:             arith.select
// CHECK:             tensor.extract
// CHECK:           tensor.extract_slice {{.*}} : tensor<3x16x32xf32> to tensor<16x32xf32>
// CHECK:           %[[Y:.+]] = linalg.matmul ins({{.*}} : tensor<?x16xf32>, tensor<16x32xf32>)
// CHECK:           scf.forall (%{{.*}}) in (%{{.*}}) shared_outs(%[[OUT:.+]] = %{{.*}}) -> (tensor<?x32xf32>)
// CHECK:             tensor.extract_slice %[[Y]]
// CHECK:             tensor.extract_slice %[[OUT]]
// CHECK:             arith.addf
// CHECK:             tensor.parallel_insert_slice %{{.*}} into %[[OUT]]
// BODY-LABEL: func.func @gemm(
// BODY-NOT: call
// BODY: return
func.func @gemm(%x: tensor<?x16xf32>, %w: tensor<3x16x32xf32>, %off: tensor<?xi64>, %init: tensor<?x32xf32>, %rows: tensor<?xi64>, %dense: i1, %out: tensor<?xi64>) -> tensor<?x32xf32> {
  %y = rgnn.gemm %x, %w segments %off into %init rows(%rows) dense(%dense) scatter(%out) {accumulate} : (tensor<?x16xf32>, tensor<3x16x32xf32>, tensor<?xi64>, tensor<?x32xf32>, tensor<?xi64>, i1, tensor<?xi64>) -> tensor<?x32xf32>
  return %y : tensor<?x32xf32>
}

// -----

// edge_map dot: per (edge, head), a reduction over the head's columns of
// the two rows the edge reads (its destination's, its pair's row).
// CHECK-LABEL: func.func private @seqc_kernel_edge_map(
// CHECK:         linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "reduction"]
// CHECK-SAME:      outs({{.*}} : tensor<?x4xf32>)
// CHECK:           arith.mulf
// CHECK:           arith.addf
func.func @edge_map(%src: tensor<?xi64>, %dst: tensor<?xi64>, %t: tensor<?xi64>, %n: index, %a: tensor<?x32xf32>, %b: tensor<?x32xf32>, %row: tensor<?xi64>) -> tensor<?x4xf32> {
  %s = rgnn.edge_map %src, %dst, %t nodes %n tables(%a, %b) maps(%row) {kind = #rgnn<edge_map_kind dot>, modes = [#rgnn<row_mode dst>, #rgnn<row_mode pair_src>], heads = 4 : i64} : (tensor<?xi64>, tensor<?xi64>, tensor<?xi64>, index, tensor<?x32xf32>, tensor<?x32xf32>, tensor<?xi64>) -> tensor<?x4xf32>
  return %s : tensor<?x4xf32>
}

// -----

// node_reduce softmax_sum: an scf.forall over destination nodes, each
// walking its relations' edge segments twice (the max, then the weights
// and sums) and writing its own row.
// CHECK-LABEL: func.func private @seqc_kernel_node_reduce(
// CHECK:         scf.forall (%[[NODE:.+]]) in
// CHECK:           scf.for
// CHECK:             scf.for
// CHECK:               arith.maximumf
// CHECK:           scf.for
// CHECK:             scf.for
// CHECK:               math.exp
// CHECK:           arith.divf
// CHECK:           scf.forall.in_parallel
// CHECK:             tensor.parallel_insert_slice {{.*}}[%[[NODE]], 0] [1, 32] [1, 1] : tensor<32xf32> into tensor<?x32xf32>
// BODY-LABEL: func.func @softmax_sum(
// BODY-NOT: call
// BODY: return
func.func @softmax_sum(%src: tensor<?xi64>, %dst: tensor<?xi64>, %t: tensor<?xi64>, %seg: tensor<?xi64>, %n: index, %table: tensor<?x32xf32>, %row: tensor<?xi64>, %s: tensor<?x2xf32>) -> tensor<?x32xf32> {
  %y = rgnn.node_reduce %table over %seg edges %src, %dst, %t nodes %n map(%row) scores(%s) {kind = #rgnn<node_reduce_kind softmax_sum>, mode = #rgnn<row_mode pair_src>, heads = 2 : i64} : (tensor<?xi64>, tensor<?xi64>, tensor<?xi64>, tensor<?xi64>, index, tensor<?x32xf32>, tensor<?xi64>, tensor<?x2xf32>) -> tensor<?x32xf32>
  return %y : tensor<?x32xf32>
}

// -----

// node_reduce pair_mean: its rows are found through out_rows, so the body
// walks the (relation, node) pairs in order, writing a pair's mean where
// it has a row.
// CHECK-LABEL: func.func private @seqc_kernel_node_reduce(
// CHECK:         scf.for {{.*}} -> (tensor<?x16xf32>)
// CHECK:           arith.cmpi sge
// CHECK:           scf.if
// CHECK:             scf.for
// CHECK:             tensor.insert_slice
// CHECK:           } else {
func.func @pair_mean(%src: tensor<?xi64>, %dst: tensor<?xi64>, %t: tensor<?xi64>, %seg: tensor<?xi64>, %n: index, %x: tensor<?x16xf32>, %row: tensor<?xi64>, %m: index) -> tensor<?x16xf32> {
  %y = rgnn.node_reduce %x over %seg edges %src, %dst, %t nodes %n out_rows(%row) rows %m {kind = #rgnn<node_reduce_kind pair_mean>, mode = #rgnn<row_mode src>, heads = 1 : i64} : (tensor<?xi64>, tensor<?xi64>, tensor<?xi64>, tensor<?xi64>, index, tensor<?x16xf32>, tensor<?xi64>, index) -> tensor<?x16xf32>
  return %y : tensor<?x16xf32>
}
