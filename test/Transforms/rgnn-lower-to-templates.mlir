// rgnn inter-operator ops → intra-operator templates.
// RUN: seqc-opt %s --rgnn-lower-to-templates | FileCheck %s

// One graph_layout per graph, shared by every op on it. The pair means
// (compact: rows per (relation, destination) present) feed a GEMM per
// relation that adds into the destinations; per-edge transforms (not
// compact) gather their rows, a row per edge in the layout's order (the
// order of every per-edge value), for a per-relation mean over
// destination segments.
// CHECK-LABEL: func.func @rgcn(
// CHECK-SAME:    %[[X:[^:]+]]: tensor<?x16xf32>, %[[EI:[^:]+]]: tensor<2x?xi64>, %[[ET:[^:]+]]: tensor<?xi64>, %[[W:[^:]+]]: tensor<3x16x32xf32>, %[[N:[^:]+]]: index)
// CHECK:         %[[SRC:.+]], %[[DST:.+]], %[[T:.+]], %[[ORDER:.+]], %[[SEG:.+]] = rgnn.graph_layout %[[EI]], %[[ET]] nodes %[[N]] {relations = 3 : i64}
// CHECK:         %[[PN:.+]], %[[POFF:.+]], %[[PROW:.+]], %{{.+}}, %{{.+}} = rgnn.pair_rows %[[DST]], %[[T]], %[[SEG]] nodes %[[N]] {materialize = #rgnn<materialize pair>, relations = 3 : i64}
// CHECK:         %[[M:.+]] = rgnn.node_reduce %[[X]] over %[[SEG]] edges %[[SRC]], %[[DST]], %[[T]] nodes %[[N]] out_rows(%[[PROW]]) rows %{{.+}} {heads = 1 : i64, kind = #rgnn<node_reduce_kind pair_mean>, mode = #rgnn<row_mode src>}
// CHECK:         %[[Y:.+]] = rgnn.gemm %[[M]], %[[W]] segments %[[POFF]] into %{{.+}} scatter(%[[PN]]) {accumulate}
// CHECK-NOT:     rgnn.graph_layout
// CHECK:         %[[EN:.+]], %[[EOFF:.+]], %{{.+}}, %{{.+}}, %{{.+}} = rgnn.pair_rows %[[SRC]], %[[T]], %[[SEG]] nodes %[[N]] {materialize = #rgnn<materialize edge>, relations = 3 : i64}
// CHECK:         %[[E:.+]] = rgnn.gemm %[[X]], %[[W]] segments %[[EOFF]] into %{{.+}} rows(%[[EN]]) :
// CHECK:         %[[Z:.+]] = rgnn.node_reduce %[[E]] over %[[SEG]] edges %[[SRC]], %[[DST]], %[[T]] nodes %[[N]] {heads = 1 : i64, kind = #rgnn<node_reduce_kind mean_per_relation>, mode = #rgnn<row_mode edge>}
// CHECK-NOT:     rgnn.pair_mean
// CHECK-NOT:     rgnn.aggregate
// CHECK:         return %[[Y]], %[[Z]]
func.func @rgcn(%x: tensor<?x16xf32>, %ei: tensor<2x?xi64>, %et: tensor<?xi64>, %w: tensor<3x16x32xf32>, %n: index) -> (tensor<?x32xf32>, tensor<?x32xf32>) {
  %m = rgnn.pair_mean %x, %ei, %et nodes %n {relations = 3 : i64, materialize = #rgnn<materialize pair>} : (tensor<?x16xf32>, tensor<2x?xi64>, tensor<?xi64>, index) -> tensor<?x16xf32>
  %y = rgnn.pair_linear %m, %w : (tensor<?x16xf32>, tensor<3x16x32xf32>) -> tensor<?x32xf32>
  %e = rgnn.relation_linear %x, %ei, %et, %w nodes %n {side = #rgnn<side src>} : (tensor<?x16xf32>, tensor<2x?xi64>, tensor<?xi64>, tensor<3x16x32xf32>, index) -> tensor<?x32xf32>
  %z = rgnn.aggregate %e, %ei types(%et) nodes %n {reduce = #rgnn<reduce mean>, relations = 3 : i64} : (tensor<?x32xf32>, tensor<2x?xi64>, tensor<?xi64>, index) -> tensor<?x32xf32>
  return %y, %z : tensor<?x32xf32>, tensor<?x32xf32>
}

// RGCN's max (PyG's): the sources' max per (relation, destination) pair
// into a per-pair table, then the pairs' GEMM per relation.
// CHECK-LABEL: func.func @rgcn_max(
// CHECK:         %[[SRC:.+]], %[[DST:.+]], %[[T:.+]], %{{.+}}, %[[SEG:.+]] = rgnn.graph_layout
// CHECK:         %[[PN:.+]], %[[POFF:.+]], %[[PROW:.+]], %{{.+}}, %{{.+}} = rgnn.pair_rows %[[DST]], %[[T]], %[[SEG]]
// CHECK:         %[[M:.+]] = rgnn.node_reduce %[[X:.+]] over %[[SEG]] edges %[[SRC]], %[[DST]], %[[T]] nodes %{{.+}} out_rows(%[[PROW]]) rows %{{.+}} {heads = 1 : i64, kind = #rgnn<node_reduce_kind pair_max>, mode = #rgnn<row_mode src>}
// CHECK:         %[[Y:.+]] = rgnn.gemm %[[M]], %{{.+}} segments %[[POFF]] into %{{.+}} scatter(%[[PN]]) {accumulate}
// CHECK:         return %[[Y]]
func.func @rgcn_max(%x: tensor<?x16xf32>, %ei: tensor<2x?xi64>, %et: tensor<?xi64>, %w: tensor<3x16x32xf32>, %n: index) -> tensor<?x32xf32> {
  %m = rgnn.pair_mean %x, %ei, %et nodes %n {relations = 3 : i64, reduce = #rgnn<reduce max>} : (tensor<?x16xf32>, tensor<2x?xi64>, tensor<?xi64>, index) -> tensor<?x16xf32>
  %y = rgnn.pair_linear %m, %w : (tensor<?x16xf32>, tensor<3x16x32xf32>) -> tensor<?x32xf32>
  return %y : tensor<?x32xf32>
}

// Node-type linears sort the nodes by type (node_layout) and gather and
// scatter through that order. A gather is not computed: its consumer reads
// the node rows (mode "dst"). Compact transforms are read through their
// row maps; where an op outside the rgnn dialect needs one per edge, an
// edge_map copies it. edge_softmax fuses into the aggregate that it scales.
// CHECK-LABEL: func.func @attention(
// CHECK-SAME:    %[[X:[^:]+]]: tensor<?x16xf32>, %[[EI:[^:]+]]: tensor<2x?xi64>, %[[ET:[^:]+]]: tensor<?xi64>, %[[NT:[^:]+]]: tensor<?xi64>, %[[W:[^:]+]]: tensor<3x16x32xf32>, %[[WQ:[^:]+]]: tensor<2x16x32xf32>, %[[WL:[^:]+]]: tensor<3x16x4xf32>, %[[N:[^:]+]]: index)
// CHECK:         %{{.+}}, %[[NORDER:.+]], %[[NOFF:.+]] = rgnn.node_layout %[[NT]] nodes %{{.+}} {num_types = 2 : i64}
// CHECK:         %[[Q:.+]] = rgnn.gemm %[[X]], %[[WQ]] segments %[[NOFF]] into %{{.+}} rows(%[[NORDER]]) scatter(%[[NORDER]])
// CHECK:         %[[SRC:.+]], %[[DST:.+]], %[[T:.+]], %[[ORDER:.+]], %[[SEG:.+]] = rgnn.graph_layout %[[EI]], %[[ET]] nodes %[[N]]
// CHECK:         %[[KN:.+]], %[[KOFF:.+]], %{{.+}}, %[[KROW:.+]], %[[KDENSE:.+]] = rgnn.pair_rows %[[SRC]], %[[T]], %[[SEG]] nodes %[[N]] {materialize = #rgnn<materialize auto>, relations = 3 : i64}
// CHECK:         %[[K:.+]] = rgnn.gemm %[[X]], %[[W]] segments %[[KOFF]] into %{{.+}} rows(%[[KN]]) dense(%[[KDENSE]])
// CHECK-NOT:     rgnn.gather
// CHECK:         %[[S:.+]] = rgnn.edge_map %[[SRC]], %[[DST]], %[[T]] nodes %[[N]] tables(%[[Q]], %[[K]]) maps(%[[KROW]]) {heads = 4 : i64, kind = #rgnn<edge_map_kind dot>, modes = [#rgnn<row_mode dst>, #rgnn<row_mode pair_src>]}
// CHECK:         %{{.+}}, %{{.+}}, %{{.+}}, %[[LROW:.+]], %{{.+}} = rgnn.pair_rows %[[DST]], {{.*}} {materialize = #rgnn<materialize pair>, relations = 3 : i64}
// CHECK:         %[[L:.+]] = rgnn.gemm %[[X]], %[[WL]]
// CHECK:         %[[LE:.+]] = rgnn.edge_map %[[SRC]], %[[DST]], %[[T]] nodes %[[N]] tables(%[[L]]) maps(%[[LROW]]) {heads = 1 : i64, kind = #rgnn<edge_map_kind copy>, modes = [#rgnn<row_mode pair_dst>]}
// CHECK:         %[[SL:.+]] = arith.addf %[[S]], %[[LE]]
// CHECK-NOT:     rgnn.edge_softmax
// CHECK:         %[[Y:.+]] = rgnn.node_reduce %[[K]] over %[[SEG]] edges %[[SRC]], %[[DST]], %[[T]] nodes %[[N]] map(%[[KROW]]) scores(%[[SL]]) {heads = 4 : i64, kind = #rgnn<node_reduce_kind softmax_sum>, mode = #rgnn<row_mode pair_src>}
// CHECK:         return %[[Y]]
func.func @attention(%x: tensor<?x16xf32>, %ei: tensor<2x?xi64>, %et: tensor<?xi64>, %nt: tensor<?xi64>, %w: tensor<3x16x32xf32>, %wq: tensor<2x16x32xf32>, %wl: tensor<3x16x4xf32>, %n: index) -> tensor<?x32xf32> {
  %q = rgnn.typed_linear %x, %wq types(%nt) : (tensor<?x16xf32>, tensor<?xi64>, tensor<2x16x32xf32>) -> tensor<?x32xf32>
  %k = rgnn.relation_linear %x, %ei, %et, %w nodes %n {side = #rgnn<side src>, materialize = #rgnn<materialize auto>} : (tensor<?x16xf32>, tensor<2x?xi64>, tensor<?xi64>, tensor<3x16x32xf32>, index) -> tensor<?x32xf32>
  %qd = rgnn.gather %q, %ei nodes %n {side = #rgnn<side dst>} : (tensor<?x32xf32>, tensor<2x?xi64>, index) -> tensor<?x32xf32>
  %s = rgnn.edge_dot %qd, %k {heads = 4 : i64} : (tensor<?x32xf32>, tensor<?x32xf32>) -> tensor<?x4xf32>
  %l = rgnn.relation_linear %x, %ei, %et, %wl nodes %n {side = #rgnn<side dst>, materialize = #rgnn<materialize pair>} : (tensor<?x16xf32>, tensor<2x?xi64>, tensor<?xi64>, tensor<3x16x4xf32>, index) -> tensor<?x4xf32>
  %sl = arith.addf %s, %l : tensor<?x4xf32>
  %a = rgnn.edge_softmax %sl, %ei nodes %n : (tensor<?x4xf32>, tensor<2x?xi64>, index) -> tensor<?x4xf32>
  %y = rgnn.aggregate %k, %ei scale(%a) nodes %n {reduce = #rgnn<reduce sum>} : (tensor<?x32xf32>, tensor<2x?xi64>, tensor<?x4xf32>, index) -> tensor<?x32xf32>
  return %y : tensor<?x32xf32>
}
