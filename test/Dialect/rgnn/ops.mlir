// Round trip of every rgnn op through the custom printer and parser.
// RUN: seqc-opt %s | seqc-opt | FileCheck %s --enable-var-scope

// CHECK-LABEL: func.func @rgcn(
// CHECK-SAME:    %[[X:[^:]+]]: tensor<?x16xf32>, %[[EI:[^:]+]]: tensor<2x?xi64>, %[[ET:[^:]+]]: tensor<?xi64>, %[[W:[^:]+]]: tensor<3x16x32xf32>, %[[ROOT:[^:]+]]: tensor<16x32xf32>, %[[B:[^:]+]]: tensor<32xf32>)
// CHECK:         %[[Y:.+]] = rgnn.rgcn %[[X]], %[[EI]], %[[ET]] weights(%[[W]], %[[ROOT]], %[[B]]) {out = 32 : i64, relations = 3 : i64} : (tensor<?x16xf32>, tensor<2x?xi64>, tensor<?xi64>, tensor<3x16x32xf32>, tensor<16x32xf32>, tensor<32xf32>) -> tensor<?x32xf32>
// CHECK:         return %[[Y]] : tensor<?x32xf32>
func.func @rgcn(%x: tensor<?x16xf32>, %ei: tensor<2x?xi64>, %et: tensor<?xi64>, %w: tensor<3x16x32xf32>, %root: tensor<16x32xf32>, %b: tensor<32xf32>) -> tensor<?x32xf32> {
  %y = rgnn.rgcn %x, %ei, %et weights(%w, %root, %b) {out = 32 : i64, relations = 3 : i64} : (tensor<?x16xf32>, tensor<2x?xi64>, tensor<?xi64>, tensor<3x16x32xf32>, tensor<16x32xf32>, tensor<32xf32>) -> tensor<?x32xf32>
  return %y : tensor<?x32xf32>
}

// CHECK-LABEL: func.func @rgcn_max_no_root_no_bias(
// CHECK-SAME:    %[[X:[^:]+]]: tensor<?x16xf32>, %[[EI:[^:]+]]: tensor<2x?xi64>, %[[ET:[^:]+]]: tensor<?xi64>, %[[W:[^:]+]]: tensor<3x16x32xf32>)
// CHECK:         %[[Y:.+]] = rgnn.rgcn %[[X]], %[[EI]], %[[ET]] weights(%[[W]]) {aggr = #rgnn<aggregation max>, bias = false, out = 32 : i64, relations = 3 : i64, root = false} : (tensor<?x16xf32>, tensor<2x?xi64>, tensor<?xi64>, tensor<3x16x32xf32>) -> tensor<?x32xf32>
func.func @rgcn_max_no_root_no_bias(%x: tensor<?x16xf32>, %ei: tensor<2x?xi64>, %et: tensor<?xi64>, %w: tensor<3x16x32xf32>) -> tensor<?x32xf32> {
  %y = rgnn.rgcn %x, %ei, %et weights(%w) {out = 32 : i64, relations = 3 : i64, aggr = #rgnn<aggregation max>, root = false, bias = false} : (tensor<?x16xf32>, tensor<2x?xi64>, tensor<?xi64>, tensor<3x16x32xf32>) -> tensor<?x32xf32>
  return %y : tensor<?x32xf32>
}

// CHECK-LABEL: func.func @rgat_shared_mean(
// CHECK-SAME:    %[[X:[^:]+]]: tensor<?x16xf32>, %[[EI:[^:]+]]: tensor<2x?xi64>, %[[ET:[^:]+]]: tensor<?xi64>, %[[W:[^:]+]]: tensor<3x16x32xf32>, %[[Q:[^:]+]]: tensor<32x4xf32>, %[[K:[^:]+]]: tensor<32x4xf32>, %[[B:[^:]+]]: tensor<8xf32>)
// CHECK:         %[[Y:.+]] = rgnn.rgat %[[X]], %[[EI]], %[[ET]] weights(%[[W]], %[[Q]], %[[K]], %[[B]]) {attention = #rgnn<attention shared>, concat = false, heads = 4 : i64, negative_slope = 2.000000e-01 : f64, out = 32 : i64, relations = 3 : i64} : (tensor<?x16xf32>, tensor<2x?xi64>, tensor<?xi64>, tensor<3x16x32xf32>, tensor<32x4xf32>, tensor<32x4xf32>, tensor<8xf32>) -> tensor<?x8xf32>
func.func @rgat_shared_mean(%x: tensor<?x16xf32>, %ei: tensor<2x?xi64>, %et: tensor<?xi64>, %w: tensor<3x16x32xf32>, %q: tensor<32x4xf32>, %k: tensor<32x4xf32>, %b: tensor<8xf32>) -> tensor<?x8xf32> {
  %y = rgnn.rgat %x, %ei, %et weights(%w, %q, %k, %b) {out = 32 : i64, heads = 4 : i64, relations = 3 : i64, negative_slope = 2.000000e-01 : f64, attention = #rgnn<attention shared>, concat = false} : (tensor<?x16xf32>, tensor<2x?xi64>, tensor<?xi64>, tensor<3x16x32xf32>, tensor<32x4xf32>, tensor<32x4xf32>, tensor<8xf32>) -> tensor<?x8xf32>
  return %y : tensor<?x8xf32>
}

// CHECK-LABEL: func.func @rgat(
// CHECK-SAME:    %[[X:[^:]+]]: tensor<?x16xf32>, %[[EI:[^:]+]]: tensor<2x?xi64>, %[[ET:[^:]+]]: tensor<?xi64>, %[[W:[^:]+]]: tensor<3x4x16x8xf32>, %[[AL:[^:]+]]: tensor<3x4x8xf32>, %[[AR:[^:]+]]: tensor<3x4x8xf32>, %[[LW:[^:]+]]: tensor<16x32xf32>, %[[B:[^:]+]]: tensor<32xf32>)
// CHECK:         %[[Y:.+]] = rgnn.rgat %[[X]], %[[EI]], %[[ET]] weights(%[[W]], %[[AL]], %[[AR]], %[[LW]], %[[B]]) {heads = 4 : i64, negative_slope = 2.000000e-01 : f64, out = 32 : i64, relations = 3 : i64} : (tensor<?x16xf32>, tensor<2x?xi64>, tensor<?xi64>, tensor<3x4x16x8xf32>, tensor<3x4x8xf32>, tensor<3x4x8xf32>, tensor<16x32xf32>, tensor<32xf32>) -> tensor<?x32xf32>
// CHECK:         return %[[Y]] : tensor<?x32xf32>
func.func @rgat(%x: tensor<?x16xf32>, %ei: tensor<2x?xi64>, %et: tensor<?xi64>, %w: tensor<3x4x16x8xf32>, %al: tensor<3x4x8xf32>, %ar: tensor<3x4x8xf32>, %lw: tensor<16x32xf32>, %b: tensor<32xf32>) -> tensor<?x32xf32> {
  %y = rgnn.rgat %x, %ei, %et weights(%w, %al, %ar, %lw, %b) {out = 32 : i64, heads = 4 : i64, relations = 3 : i64, negative_slope = 2.000000e-01 : f64} : (tensor<?x16xf32>, tensor<2x?xi64>, tensor<?xi64>, tensor<3x4x16x8xf32>, tensor<3x4x8xf32>, tensor<3x4x8xf32>, tensor<16x32xf32>, tensor<32xf32>) -> tensor<?x32xf32>
  return %y : tensor<?x32xf32>
}

// CHECK-LABEL: func.func @hgt(
// CHECK-SAME:    %[[X:[^:]+]]: tensor<?x16xf32>, %[[EI:[^:]+]]: tensor<2x?xi64>, %[[ET:[^:]+]]: tensor<?xi64>, %[[NT:[^:]+]]: tensor<?xi64>, %[[KW:[^:]+]]: tensor<2x32x16xf32>, %[[KB:[^:]+]]: tensor<2x32xf32>, %[[QW:[^:]+]]: tensor<2x32x16xf32>, %[[QB:[^:]+]]: tensor<2x32xf32>, %[[VW:[^:]+]]: tensor<2x32x16xf32>, %[[VB:[^:]+]]: tensor<2x32xf32>, %[[ATT:[^:]+]]: tensor<3x4x8x8xf32>, %[[MSG:[^:]+]]: tensor<3x4x8x8xf32>, %[[PRI:[^:]+]]: tensor<3x4xf32>, %[[AW:[^:]+]]: tensor<2x32x32xf32>, %[[AB:[^:]+]]: tensor<2x32xf32>, %[[SKIP:[^:]+]]: tensor<2xf32>)
// CHECK:         %[[Y:.+]] = rgnn.hgt %[[X]], %[[EI]], %[[ET]], %[[NT]] weights(%[[KW]], %[[KB]], %[[QW]], %[[QB]], %[[VW]], %[[VB]], %[[ATT]], %[[MSG]], %[[PRI]], %[[AW]], %[[AB]], %[[SKIP]]) {heads = 4 : i64, node_types = 2 : i64, out = 32 : i64, relations = 3 : i64} : (tensor<?x16xf32>, tensor<2x?xi64>, tensor<?xi64>, tensor<?xi64>, tensor<2x32x16xf32>, tensor<2x32xf32>, tensor<2x32x16xf32>, tensor<2x32xf32>, tensor<2x32x16xf32>, tensor<2x32xf32>, tensor<3x4x8x8xf32>, tensor<3x4x8x8xf32>, tensor<3x4xf32>, tensor<2x32x32xf32>, tensor<2x32xf32>, tensor<2xf32>) -> tensor<?x32xf32>
// CHECK:         return %[[Y]] : tensor<?x32xf32>
func.func @hgt(%x: tensor<?x16xf32>, %ei: tensor<2x?xi64>, %et: tensor<?xi64>, %nt: tensor<?xi64>, %kw: tensor<2x32x16xf32>, %kb: tensor<2x32xf32>, %qw: tensor<2x32x16xf32>, %qb: tensor<2x32xf32>, %vw: tensor<2x32x16xf32>, %vb: tensor<2x32xf32>, %att: tensor<3x4x8x8xf32>, %msg: tensor<3x4x8x8xf32>, %pri: tensor<3x4xf32>, %aw: tensor<2x32x32xf32>, %ab: tensor<2x32xf32>, %skip: tensor<2xf32>) -> tensor<?x32xf32> {
  %y = rgnn.hgt %x, %ei, %et, %nt weights(%kw, %kb, %qw, %qb, %vw, %vb, %att, %msg, %pri, %aw, %ab, %skip) {out = 32 : i64, heads = 4 : i64, relations = 3 : i64, node_types = 2 : i64} : (tensor<?x16xf32>, tensor<2x?xi64>, tensor<?xi64>, tensor<?xi64>, tensor<2x32x16xf32>, tensor<2x32xf32>, tensor<2x32x16xf32>, tensor<2x32xf32>, tensor<2x32x16xf32>, tensor<2x32xf32>, tensor<3x4x8x8xf32>, tensor<3x4x8x8xf32>, tensor<3x4xf32>, tensor<2x32x32xf32>, tensor<2x32xf32>, tensor<2xf32>) -> tensor<?x32xf32>
  return %y : tensor<?x32xf32>
}

// CHECK-LABEL: func.func @typed_linear(
// CHECK:         rgnn.typed_linear %{{.+}}, %{{.+}} types(%{{.+}}) : (tensor<?x16xf32>, tensor<?xi64>, tensor<3x16x32xf32>) -> tensor<?x32xf32>
// CHECK:         rgnn.typed_linear %{{.+}}, %{{.+}} types(%{{.+}}) bias(%{{.+}}) : (tensor<?x16xf32>, tensor<?xi64>, tensor<3x16x32xf32>, tensor<3x32xf32>) -> tensor<?x32xf32>
// CHECK:         rgnn.typed_linear %{{.+}}, %{{.+}} : (tensor<?x16xf32>, tensor<1x16x32xf32>) -> tensor<?x32xf32>
func.func @typed_linear(%x: tensor<?x16xf32>, %types: tensor<?xi64>, %w: tensor<3x16x32xf32>, %b: tensor<3x32xf32>, %w1: tensor<1x16x32xf32>) -> (tensor<?x32xf32>, tensor<?x32xf32>, tensor<?x32xf32>) {
  %y = rgnn.typed_linear %x, %w types(%types) : (tensor<?x16xf32>, tensor<?xi64>, tensor<3x16x32xf32>) -> tensor<?x32xf32>
  %yb = rgnn.typed_linear %x, %w types(%types) bias(%b) : (tensor<?x16xf32>, tensor<?xi64>, tensor<3x16x32xf32>, tensor<3x32xf32>) -> tensor<?x32xf32>
  %y1 = rgnn.typed_linear %x, %w1 : (tensor<?x16xf32>, tensor<1x16x32xf32>) -> tensor<?x32xf32>
  return %y, %yb, %y1 : tensor<?x32xf32>, tensor<?x32xf32>, tensor<?x32xf32>
}

// CHECK-LABEL: func.func @per_edge(
// CHECK:         rgnn.relation_linear %{{.+}}, %{{.+}}, %{{.+}}, %{{.+}} nodes %{{.+}} {side = #rgnn<side src>} : (tensor<?x16xf32>, tensor<2x?xi64>, tensor<?xi64>, tensor<3x16x32xf32>, index) -> tensor<?x32xf32>
// CHECK:         rgnn.relation_linear %{{.+}}, %{{.+}}, %{{.+}}, %{{.+}} nodes %{{.+}} {materialize = #rgnn<materialize pair>, side = #rgnn<side dst>}
// CHECK:         rgnn.gather %{{.+}}, %{{.+}} nodes %{{.+}} {side = #rgnn<side dst>} : (tensor<?x32xf32>, tensor<2x?xi64>, index) -> tensor<?x32xf32>
// CHECK:         rgnn.edge_dot %{{.+}}, %{{.+}} {heads = 4 : i64} : (tensor<?x32xf32>, tensor<?x32xf32>) -> tensor<?x4xf32>
// CHECK:         rgnn.edge_dot %{{.+}}, %{{.+}} types(%{{.+}}) {heads = 4 : i64} : (tensor<?x32xf32>, tensor<3x32xf32>, tensor<?xi64>) -> tensor<?x4xf32>
// CHECK:         rgnn.edge_softmax %{{.+}}, %{{.+}} nodes %{{.+}} : (tensor<?x4xf32>, tensor<2x?xi64>, index) -> tensor<?x4xf32>
func.func @per_edge(%x: tensor<?x16xf32>, %ei: tensor<2x?xi64>, %et: tensor<?xi64>, %w: tensor<3x16x32xf32>, %a: tensor<3x32xf32>, %n: index) -> (tensor<?x4xf32>, tensor<?x4xf32>, tensor<?x4xf32>) {
  %zs = rgnn.relation_linear %x, %ei, %et, %w nodes %n {side = #rgnn<side src>} : (tensor<?x16xf32>, tensor<2x?xi64>, tensor<?xi64>, tensor<3x16x32xf32>, index) -> tensor<?x32xf32>
  %zd = rgnn.relation_linear %x, %ei, %et, %w nodes %n {side = #rgnn<side dst>, materialize = #rgnn<materialize pair>} : (tensor<?x16xf32>, tensor<2x?xi64>, tensor<?xi64>, tensor<3x16x32xf32>, index) -> tensor<?x32xf32>
  %q = rgnn.gather %zd, %ei nodes %n {side = #rgnn<side dst>} : (tensor<?x32xf32>, tensor<2x?xi64>, index) -> tensor<?x32xf32>
  %s = rgnn.edge_dot %zs, %q {heads = 4 : i64} : (tensor<?x32xf32>, tensor<?x32xf32>) -> tensor<?x4xf32>
  %t = rgnn.edge_dot %zs, %a types(%et) {heads = 4 : i64} : (tensor<?x32xf32>, tensor<3x32xf32>, tensor<?xi64>) -> tensor<?x4xf32>
  %alpha = rgnn.edge_softmax %s, %ei nodes %n : (tensor<?x4xf32>, tensor<2x?xi64>, index) -> tensor<?x4xf32>
  return %s, %t, %alpha : tensor<?x4xf32>, tensor<?x4xf32>, tensor<?x4xf32>
}

// CHECK-LABEL: func.func @aggregate(
// CHECK:         rgnn.aggregate %{{.+}}, %{{.+}} nodes %{{.+}} {reduce = #rgnn<reduce sum>} : (tensor<?x16xf32>, tensor<2x?xi64>, index) -> tensor<?x16xf32>
// CHECK:         rgnn.aggregate %{{.+}}, %{{.+}} scale(%{{.+}}) nodes %{{.+}} {reduce = #rgnn<reduce sum>} : (tensor<?x16xf32>, tensor<2x?xi64>, tensor<?x4xf32>, index) -> tensor<?x16xf32>
// CHECK:         rgnn.aggregate %{{.+}}, %{{.+}} nodes %{{.+}} {reduce = #rgnn<reduce mean>} : (tensor<?x16xf32>, tensor<2x?xi64>, index) -> tensor<?x16xf32>
// CHECK:         rgnn.aggregate %{{.+}}, %{{.+}} types(%{{.+}}) nodes %{{.+}} {reduce = #rgnn<reduce mean>, relations = 3 : i64} : (tensor<?x16xf32>, tensor<2x?xi64>, tensor<?xi64>, index) -> tensor<?x16xf32>
func.func @aggregate(%m: tensor<?x16xf32>, %ei: tensor<2x?xi64>, %et: tensor<?xi64>, %scale: tensor<?x4xf32>, %n: index) -> (tensor<?x16xf32>, tensor<?x16xf32>, tensor<?x16xf32>, tensor<?x16xf32>) {
  %sum = rgnn.aggregate %m, %ei nodes %n {reduce = #rgnn<reduce sum>} : (tensor<?x16xf32>, tensor<2x?xi64>, index) -> tensor<?x16xf32>
  %scaled = rgnn.aggregate %m, %ei scale(%scale) nodes %n {reduce = #rgnn<reduce sum>} : (tensor<?x16xf32>, tensor<2x?xi64>, tensor<?x4xf32>, index) -> tensor<?x16xf32>
  %mean = rgnn.aggregate %m, %ei nodes %n {reduce = #rgnn<reduce mean>} : (tensor<?x16xf32>, tensor<2x?xi64>, index) -> tensor<?x16xf32>
  %rel = rgnn.aggregate %m, %ei types(%et) nodes %n {reduce = #rgnn<reduce mean>, relations = 3 : i64} : (tensor<?x16xf32>, tensor<2x?xi64>, tensor<?xi64>, index) -> tensor<?x16xf32>
  return %sum, %scaled, %mean, %rel : tensor<?x16xf32>, tensor<?x16xf32>, tensor<?x16xf32>, tensor<?x16xf32>
}

// CHECK-LABEL: func.func @pairs(
// CHECK:         %[[M:.+]] = rgnn.pair_mean %{{.+}}, %{{.+}}, %{{.+}} nodes %{{.+}} {relations = 3 : i64} : (tensor<?x16xf32>, tensor<2x?xi64>, tensor<?xi64>, index) -> tensor<?x16xf32>
// CHECK:         rgnn.pair_linear %[[M]], %{{.+}} : (tensor<?x16xf32>, tensor<3x16x32xf32>) -> tensor<?x32xf32>
func.func @pairs(%x: tensor<?x16xf32>, %ei: tensor<2x?xi64>, %et: tensor<?xi64>, %w: tensor<3x16x32xf32>, %n: index) -> tensor<?x32xf32> {
  %m = rgnn.pair_mean %x, %ei, %et nodes %n {relations = 3 : i64} : (tensor<?x16xf32>, tensor<2x?xi64>, tensor<?xi64>, index) -> tensor<?x16xf32>
  %y = rgnn.pair_linear %m, %w : (tensor<?x16xf32>, tensor<3x16x32xf32>) -> tensor<?x32xf32>
  return %y : tensor<?x32xf32>
}

// The intra-operator templates.
// CHECK-LABEL: func.func @templates(
// CHECK:         %[[SRC:.+]], %[[DST:.+]], %[[T:.+]], %[[ORDER:.+]], %[[SEG:.+]] = rgnn.graph_layout %{{.+}}, %{{.+}} nodes %{{.+}} {relations = 3 : i64}
// CHECK:         rgnn.node_layout %{{.+}} nodes %{{.+}} {num_types = 2 : i64}
// CHECK:         %[[NODES:.+]], %[[OFF:.+]], %[[ROWOF:.+]], %[[ROW:.+]], %[[DENSE:.+]] = rgnn.pair_rows %[[SRC]], %[[T]], %[[SEG]] nodes %{{.+}} {materialize = #rgnn<materialize auto>, relations = 3 : i64, threshold = 5.000000e-01 : f64}
// CHECK:         %[[TABLE:.+]] = rgnn.gemm %{{.+}}, %{{.+}} segments %[[OFF]] into %{{.+}} rows(%[[NODES]]) dense(%[[DENSE]]) :
// CHECK:         rgnn.gemm %{{.+}}, %{{.+}} segments %[[OFF]] into %{{.+}} scatter(%[[NODES]]) bias(%{{.+}}) {accumulate} :
// CHECK:         %[[S:.+]] = rgnn.edge_map %[[SRC]], %[[DST]], %[[T]] nodes %{{.+}} tables(%[[TABLE]], %{{.+}}) maps(%[[ROW]]) {heads = 4 : i64, kind = #rgnn<edge_map_kind dot>, modes = [#rgnn<row_mode pair_src>, #rgnn<row_mode dst>]}
// CHECK:         rgnn.node_reduce %[[TABLE]] over %[[SEG]] edges %[[SRC]], %[[DST]], %[[T]] nodes %{{.+}} map(%[[ROW]]) scores(%[[S]]) {heads = 4 : i64, kind = #rgnn<node_reduce_kind softmax_sum>, mode = #rgnn<row_mode pair_src>}
// CHECK:         rgnn.node_reduce %{{.+}} over %[[SEG]] edges %[[SRC]], %[[DST]], %[[T]] nodes %{{.+}} out_rows(%[[ROWOF]]) rows %{{.+}} {heads = 1 : i64, kind = #rgnn<node_reduce_kind pair_mean>, mode = #rgnn<row_mode src>}
func.func @templates(%x: tensor<?x16xf32>, %ei: tensor<2x?xi64>, %et: tensor<?xi64>, %nt: tensor<?xi64>, %w: tensor<3x16x32xf32>, %b: tensor<3x32xf32>, %q: tensor<?x32xf32>, %n: index, %m: index) -> (tensor<?x32xf32>, tensor<?x32xf32>, tensor<?x16xf32>) {
  %src, %dst, %t, %order, %seg = rgnn.graph_layout %ei, %et nodes %n {relations = 3 : i64} : (tensor<2x?xi64>, tensor<?xi64>, index) -> (tensor<?xi64>, tensor<?xi64>, tensor<?xi64>, tensor<?xi64>, tensor<?xi64>)
  %types, %norder, %noff = rgnn.node_layout %nt nodes %n {num_types = 2 : i64} : (tensor<?xi64>, index) -> (tensor<?xi64>, tensor<?xi64>, tensor<?xi64>)
  %nodes, %off, %rowof, %row, %dense = rgnn.pair_rows %src, %t, %seg nodes %n {relations = 3 : i64, materialize = #rgnn<materialize auto>, threshold = 0.5 : f64} : (tensor<?xi64>, tensor<?xi64>, tensor<?xi64>, index) -> (tensor<?xi64>, tensor<?xi64>, tensor<?xi64>, tensor<?xi64>, i1)
  %init = tensor.empty(%m) : tensor<?x32xf32>
  %table = rgnn.gemm %x, %w segments %off into %init rows(%nodes) dense(%dense) : (tensor<?x16xf32>, tensor<3x16x32xf32>, tensor<?xi64>, tensor<?x32xf32>, tensor<?xi64>, i1) -> tensor<?x32xf32>
  %acc = rgnn.gemm %x, %w segments %off into %q scatter(%nodes) bias(%b) {accumulate} : (tensor<?x16xf32>, tensor<3x16x32xf32>, tensor<?xi64>, tensor<?x32xf32>, tensor<?xi64>, tensor<3x32xf32>) -> tensor<?x32xf32>
  %s = rgnn.edge_map %src, %dst, %t nodes %n tables(%table, %q) maps(%row) {kind = #rgnn<edge_map_kind dot>, modes = [#rgnn<row_mode pair_src>, #rgnn<row_mode dst>], heads = 4 : i64} : (tensor<?xi64>, tensor<?xi64>, tensor<?xi64>, index, tensor<?x32xf32>, tensor<?x32xf32>, tensor<?xi64>) -> tensor<?x4xf32>
  %y = rgnn.node_reduce %table over %seg edges %src, %dst, %t nodes %n map(%row) scores(%s) {kind = #rgnn<node_reduce_kind softmax_sum>, mode = #rgnn<row_mode pair_src>, heads = 4 : i64} : (tensor<?xi64>, tensor<?xi64>, tensor<?xi64>, tensor<?xi64>, index, tensor<?x32xf32>, tensor<?xi64>, tensor<?x4xf32>) -> tensor<?x32xf32>
  %pm = rgnn.node_reduce %x over %seg edges %src, %dst, %t nodes %n out_rows(%rowof) rows %m {kind = #rgnn<node_reduce_kind pair_mean>, mode = #rgnn<row_mode src>, heads = 1 : i64} : (tensor<?xi64>, tensor<?xi64>, tensor<?xi64>, tensor<?xi64>, index, tensor<?x16xf32>, tensor<?xi64>, index) -> tensor<?x16xf32>
  return %y, %acc, %pm : tensor<?x32xf32>, tensor<?x32xf32>, tensor<?x16xf32>
}
