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
// CHECK-SAME:    %[[X:[^:]+]]: tensor<?x16xf32>, %[[TYPES:[^:]+]]: tensor<?xi64>, %[[W:[^:]+]]: tensor<3x16x32xf32>)
// CHECK:         %[[Y:.+]] = rgnn.typed_linear %[[X]], %[[TYPES]], %[[W]] : (tensor<?x16xf32>, tensor<?xi64>, tensor<3x16x32xf32>) -> tensor<?x32xf32>
// CHECK:         return %[[Y]] : tensor<?x32xf32>
func.func @typed_linear(%x: tensor<?x16xf32>, %types: tensor<?xi64>, %w: tensor<3x16x32xf32>) -> tensor<?x32xf32> {
  %y = rgnn.typed_linear %x, %types, %w : (tensor<?x16xf32>, tensor<?xi64>, tensor<3x16x32xf32>) -> tensor<?x32xf32>
  return %y : tensor<?x32xf32>
}

// CHECK-LABEL: func.func @typed_linear_bias(
// CHECK-SAME:    %[[X:[^:]+]]: tensor<?x16xf32>, %[[TYPES:[^:]+]]: tensor<?xi32>, %[[W:[^:]+]]: tensor<3x16x32xf32>, %[[B:[^:]+]]: tensor<3x32xf32>)
// CHECK:         %[[Y:.+]] = rgnn.typed_linear %[[X]], %[[TYPES]], %[[W]] bias(%[[B]]) : (tensor<?x16xf32>, tensor<?xi32>, tensor<3x16x32xf32>, tensor<3x32xf32>) -> tensor<?x32xf32>
// CHECK:         return %[[Y]] : tensor<?x32xf32>
func.func @typed_linear_bias(%x: tensor<?x16xf32>, %types: tensor<?xi32>, %w: tensor<3x16x32xf32>, %b: tensor<3x32xf32>) -> tensor<?x32xf32> {
  %y = rgnn.typed_linear %x, %types, %w bias(%b) : (tensor<?x16xf32>, tensor<?xi32>, tensor<3x16x32xf32>, tensor<3x32xf32>) -> tensor<?x32xf32>
  return %y : tensor<?x32xf32>
}

// CHECK-LABEL: func.func @typed_linear_per_head(
// CHECK-SAME:    %[[X:[^:]+]]: tensor<?x16xf32>, %[[TYPES:[^:]+]]: tensor<?xi64>, %[[W:[^:]+]]: tensor<3x4x4x8xf32>)
// CHECK:         %[[Y:.+]] = rgnn.typed_linear %[[X]], %[[TYPES]], %[[W]] : (tensor<?x16xf32>, tensor<?xi64>, tensor<3x4x4x8xf32>) -> tensor<?x32xf32>
// CHECK:         return %[[Y]] : tensor<?x32xf32>
func.func @typed_linear_per_head(%x: tensor<?x16xf32>, %types: tensor<?xi64>, %w: tensor<3x4x4x8xf32>) -> tensor<?x32xf32> {
  %y = rgnn.typed_linear %x, %types, %w : (tensor<?x16xf32>, tensor<?xi64>, tensor<3x4x4x8xf32>) -> tensor<?x32xf32>
  return %y : tensor<?x32xf32>
}

// CHECK-LABEL: func.func @typed_linear_per_head_bias(
// CHECK-SAME:    %[[X:[^:]+]]: tensor<?x16xf32>, %[[TYPES:[^:]+]]: tensor<?xi64>, %[[W:[^:]+]]: tensor<3x4x4x8xf32>, %[[B:[^:]+]]: tensor<3x32xf32>)
// CHECK:         %[[Y:.+]] = rgnn.typed_linear %[[X]], %[[TYPES]], %[[W]] bias(%[[B]]) : (tensor<?x16xf32>, tensor<?xi64>, tensor<3x4x4x8xf32>, tensor<3x32xf32>) -> tensor<?x32xf32>
// CHECK:         return %[[Y]] : tensor<?x32xf32>
func.func @typed_linear_per_head_bias(%x: tensor<?x16xf32>, %types: tensor<?xi64>, %w: tensor<3x4x4x8xf32>, %b: tensor<3x32xf32>) -> tensor<?x32xf32> {
  %y = rgnn.typed_linear %x, %types, %w bias(%b) : (tensor<?x16xf32>, tensor<?xi64>, tensor<3x4x4x8xf32>, tensor<3x32xf32>) -> tensor<?x32xf32>
  return %y : tensor<?x32xf32>
}

// CHECK-LABEL: func.func @gather(
// CHECK-SAME:    %[[X:[^:]+]]: tensor<?x16xf32>, %[[H:[^:]+]]: tensor<?x4x8xf32>, %[[EI:[^:]+]]: tensor<2x?xi64>)
// CHECK:         %[[SRC:.+]] = rgnn.gather %[[X]], %[[EI]] {side = "src"} : (tensor<?x16xf32>, tensor<2x?xi64>) -> tensor<?x16xf32>
// CHECK:         %[[DST:.+]] = rgnn.gather %[[H]], %[[EI]] {side = "dst"} : (tensor<?x4x8xf32>, tensor<2x?xi64>) -> tensor<?x4x8xf32>
// CHECK:         return %[[SRC]], %[[DST]] : tensor<?x16xf32>, tensor<?x4x8xf32>
func.func @gather(%x: tensor<?x16xf32>, %h: tensor<?x4x8xf32>, %ei: tensor<2x?xi64>) -> (tensor<?x16xf32>, tensor<?x4x8xf32>) {
  %src = rgnn.gather %x, %ei {side = "src"} : (tensor<?x16xf32>, tensor<2x?xi64>) -> tensor<?x16xf32>
  %dst = rgnn.gather %h, %ei {side = "dst"} : (tensor<?x4x8xf32>, tensor<2x?xi64>) -> tensor<?x4x8xf32>
  return %src, %dst : tensor<?x16xf32>, tensor<?x4x8xf32>
}

// CHECK-LABEL: func.func @edge_softmax(
// CHECK-SAME:    %[[S:[^:]+]]: tensor<?xf32>, %[[SH:[^:]+]]: tensor<?x4xf32>, %[[EI:[^:]+]]: tensor<2x?xi64>, %[[N:[^:]+]]: index)
// CHECK:         %[[A:.+]] = rgnn.edge_softmax %[[S]], %[[EI]] nodes %[[N]] : (tensor<?xf32>, tensor<2x?xi64>, index) -> tensor<?xf32>
// CHECK:         %[[AH:.+]] = rgnn.edge_softmax %[[SH]], %[[EI]] nodes %[[N]] : (tensor<?x4xf32>, tensor<2x?xi64>, index) -> tensor<?x4xf32>
// CHECK:         return %[[A]], %[[AH]] : tensor<?xf32>, tensor<?x4xf32>
func.func @edge_softmax(%s: tensor<?xf32>, %sh: tensor<?x4xf32>, %ei: tensor<2x?xi64>, %n: index) -> (tensor<?xf32>, tensor<?x4xf32>) {
  %a = rgnn.edge_softmax %s, %ei nodes %n : (tensor<?xf32>, tensor<2x?xi64>, index) -> tensor<?xf32>
  %ah = rgnn.edge_softmax %sh, %ei nodes %n : (tensor<?x4xf32>, tensor<2x?xi64>, index) -> tensor<?x4xf32>
  return %a, %ah : tensor<?xf32>, tensor<?x4xf32>
}

// CHECK-LABEL: func.func @aggregate(
// CHECK-SAME:    %[[M:[^:]+]]: tensor<?x16xf32>, %[[EI:[^:]+]]: tensor<2x?xi64>, %[[ET:[^:]+]]: tensor<?xi64>, %[[SCALE:[^:]+]]: tensor<?x4xf32>, %[[N:[^:]+]]: index)
// CHECK:         %[[SUM:.+]] = rgnn.aggregate %[[M]], %[[EI]] nodes %[[N]] {reduce = "sum"} : (tensor<?x16xf32>, tensor<2x?xi64>, index) -> tensor<?x16xf32>
// CHECK:         %[[SCALED:.+]] = rgnn.aggregate %[[M]], %[[EI]] scale(%[[SCALE]]) nodes %[[N]] {reduce = "sum"} : (tensor<?x16xf32>, tensor<2x?xi64>, tensor<?x4xf32>, index) -> tensor<?x16xf32>
// CHECK:         %[[MEAN:.+]] = rgnn.aggregate %[[M]], %[[EI]] nodes %[[N]] {reduce = "mean"} : (tensor<?x16xf32>, tensor<2x?xi64>, index) -> tensor<?x16xf32>
// CHECK:         %[[REL:.+]] = rgnn.aggregate %[[M]], %[[EI]] types(%[[ET]]) nodes %[[N]] {reduce = "mean", relations = 3 : i64} : (tensor<?x16xf32>, tensor<2x?xi64>, tensor<?xi64>, index) -> tensor<?x16xf32>
// CHECK:         %[[BOTH:.+]] = rgnn.aggregate %[[M]], %[[EI]] types(%[[ET]]) scale(%[[SCALE]]) nodes %[[N]] {reduce = "mean", relations = 3 : i64} : (tensor<?x16xf32>, tensor<2x?xi64>, tensor<?xi64>, tensor<?x4xf32>, index) -> tensor<?x16xf32>
// CHECK:         return %[[SUM]], %[[SCALED]], %[[MEAN]], %[[REL]], %[[BOTH]] : tensor<?x16xf32>, tensor<?x16xf32>, tensor<?x16xf32>, tensor<?x16xf32>, tensor<?x16xf32>
func.func @aggregate(%m: tensor<?x16xf32>, %ei: tensor<2x?xi64>, %et: tensor<?xi64>, %scale: tensor<?x4xf32>, %n: index) -> (tensor<?x16xf32>, tensor<?x16xf32>, tensor<?x16xf32>, tensor<?x16xf32>, tensor<?x16xf32>) {
  %sum = rgnn.aggregate %m, %ei nodes %n {reduce = "sum"} : (tensor<?x16xf32>, tensor<2x?xi64>, index) -> tensor<?x16xf32>
  %scaled = rgnn.aggregate %m, %ei scale(%scale) nodes %n {reduce = "sum"} : (tensor<?x16xf32>, tensor<2x?xi64>, tensor<?x4xf32>, index) -> tensor<?x16xf32>
  %mean = rgnn.aggregate %m, %ei nodes %n {reduce = "mean"} : (tensor<?x16xf32>, tensor<2x?xi64>, index) -> tensor<?x16xf32>
  %rel = rgnn.aggregate %m, %ei types(%et) nodes %n {reduce = "mean", relations = 3 : i64} : (tensor<?x16xf32>, tensor<2x?xi64>, tensor<?xi64>, index) -> tensor<?x16xf32>
  %both = rgnn.aggregate %m, %ei types(%et) scale(%scale) nodes %n {reduce = "mean", relations = 3 : i64} : (tensor<?x16xf32>, tensor<2x?xi64>, tensor<?xi64>, tensor<?x4xf32>, index) -> tensor<?x16xf32>
  return %sum, %scaled, %mean, %rel, %both : tensor<?x16xf32>, tensor<?x16xf32>, tensor<?x16xf32>, tensor<?x16xf32>, tensor<?x16xf32>
}
