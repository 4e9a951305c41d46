// Verifier and shape-inference errors of the rgnn ops, one case per message.
// RUN: seqc-opt %s -split-input-file -verify-diagnostics=only-expected

func.func @rgcn_x_rank(%x: tensor<?x4x16xf32>, %ei: tensor<2x?xi64>, %et: tensor<?xi64>, %w: tensor<3x16x32xf32>, %root: tensor<16x32xf32>, %b: tensor<32xf32>) {
  // expected-error @+1 {{'rgnn.rgcn' op operand 'x' must have rank 2, got 3}}
  %y = rgnn.rgcn %x, %ei, %et weights(%w, %root, %b) {out = 32 : i64, relations = 3 : i64} : (tensor<?x4x16xf32>, tensor<2x?xi64>, tensor<?xi64>, tensor<3x16x32xf32>, tensor<16x32xf32>, tensor<32xf32>) -> tensor<?x32xf32>
  return
}

// -----

func.func @rgcn_edge_index_rows(%x: tensor<?x16xf32>, %ei: tensor<3x?xi64>, %et: tensor<?xi64>, %w: tensor<3x16x32xf32>, %root: tensor<16x32xf32>, %b: tensor<32xf32>) {
  // expected-error @+1 {{operand 'edge_index' must have shape [2, E], got [3, ?]}}
  %y = rgnn.rgcn %x, %ei, %et weights(%w, %root, %b) {out = 32 : i64, relations = 3 : i64} : (tensor<?x16xf32>, tensor<3x?xi64>, tensor<?xi64>, tensor<3x16x32xf32>, tensor<16x32xf32>, tensor<32xf32>) -> tensor<?x32xf32>
  return
}

// -----

func.func @rgcn_edge_index_rank(%x: tensor<?x16xf32>, %ei: tensor<?xi64>, %et: tensor<?xi64>, %w: tensor<3x16x32xf32>, %root: tensor<16x32xf32>, %b: tensor<32xf32>) {
  // expected-error @+1 {{operand 'edge_index' must have rank 2, got 1}}
  %y = rgnn.rgcn %x, %ei, %et weights(%w, %root, %b) {out = 32 : i64, relations = 3 : i64} : (tensor<?x16xf32>, tensor<?xi64>, tensor<?xi64>, tensor<3x16x32xf32>, tensor<16x32xf32>, tensor<32xf32>) -> tensor<?x32xf32>
  return
}

// -----

func.func @rgcn_edge_index_i32(%x: tensor<?x16xf32>, %ei: tensor<2x?xi32>, %et: tensor<?xi64>, %w: tensor<3x16x32xf32>, %root: tensor<16x32xf32>, %b: tensor<32xf32>) {
  // expected-error @+1 {{operand #1 must be ranked tensor of 64-bit signless integer values, but got 'tensor<2x?xi32>'}}
  %y = rgnn.rgcn %x, %ei, %et weights(%w, %root, %b) {out = 32 : i64, relations = 3 : i64} : (tensor<?x16xf32>, tensor<2x?xi32>, tensor<?xi64>, tensor<3x16x32xf32>, tensor<16x32xf32>, tensor<32xf32>) -> tensor<?x32xf32>
  return
}

// -----

func.func @rgcn_edge_type_length(%x: tensor<?x16xf32>, %ei: tensor<2x7xi64>, %et: tensor<5xi64>, %w: tensor<3x16x32xf32>, %root: tensor<16x32xf32>, %b: tensor<32xf32>) {
  // expected-error @+1 {{operand 'edge_type' must have shape [7], got [5]}}
  %y = rgnn.rgcn %x, %ei, %et weights(%w, %root, %b) {out = 32 : i64, relations = 3 : i64} : (tensor<?x16xf32>, tensor<2x7xi64>, tensor<5xi64>, tensor<3x16x32xf32>, tensor<16x32xf32>, tensor<32xf32>) -> tensor<?x32xf32>
  return
}

// -----

func.func @rgcn_edge_type_rank(%x: tensor<?x16xf32>, %ei: tensor<2x?xi64>, %et: tensor<?x1xi64>, %w: tensor<3x16x32xf32>, %root: tensor<16x32xf32>, %b: tensor<32xf32>) {
  // expected-error @+1 {{operand 'edge_type' must have rank 1, got 2}}
  %y = rgnn.rgcn %x, %ei, %et weights(%w, %root, %b) {out = 32 : i64, relations = 3 : i64} : (tensor<?x16xf32>, tensor<2x?xi64>, tensor<?x1xi64>, tensor<3x16x32xf32>, tensor<16x32xf32>, tensor<32xf32>) -> tensor<?x32xf32>
  return
}

// -----

func.func @rgcn_zero_relations(%x: tensor<?x16xf32>, %ei: tensor<2x?xi64>, %et: tensor<?xi64>, %w: tensor<0x16x32xf32>, %root: tensor<16x32xf32>, %b: tensor<32xf32>) {
  // expected-error @+1 {{attribute 'relations' must be at least 1, got 0}}
  %y = rgnn.rgcn %x, %ei, %et weights(%w, %root, %b) {out = 32 : i64, relations = 0 : i64} : (tensor<?x16xf32>, tensor<2x?xi64>, tensor<?xi64>, tensor<0x16x32xf32>, tensor<16x32xf32>, tensor<32xf32>) -> tensor<?x32xf32>
  return
}

// -----

func.func @rgcn_missing_bias(%x: tensor<?x16xf32>, %ei: tensor<2x?xi64>, %et: tensor<?xi64>, %w: tensor<3x16x32xf32>, %root: tensor<16x32xf32>) {
  // expected-error @+1 {{'rgnn.rgcn' op expects 3 weights, got 2}}
  %y = rgnn.rgcn %x, %ei, %et weights(%w, %root) {out = 32 : i64, relations = 3 : i64} : (tensor<?x16xf32>, tensor<2x?xi64>, tensor<?xi64>, tensor<3x16x32xf32>, tensor<16x32xf32>) -> tensor<?x32xf32>
  return
}

// -----

func.func @rgcn_root_shape(%x: tensor<?x16xf32>, %ei: tensor<2x?xi64>, %et: tensor<?xi64>, %w: tensor<3x16x32xf32>, %root: tensor<32x16xf32>, %b: tensor<32xf32>) {
  // expected-error @+1 {{weight 'root' must have shape [16, 32], got [32, 16]}}
  %y = rgnn.rgcn %x, %ei, %et weights(%w, %root, %b) {out = 32 : i64, relations = 3 : i64} : (tensor<?x16xf32>, tensor<2x?xi64>, tensor<?xi64>, tensor<3x16x32xf32>, tensor<32x16xf32>, tensor<32xf32>) -> tensor<?x32xf32>
  return
}

// -----

func.func @rgcn_wrong_result(%x: tensor<?x16xf32>, %ei: tensor<2x?xi64>, %et: tensor<?xi64>, %w: tensor<3x16x32xf32>, %root: tensor<16x32xf32>, %b: tensor<32xf32>) {
  // expected-error @+1 {{'rgnn.rgcn' op inferred type(s) 'tensor<?x32xf32>' are incompatible with return type(s) of operation 'tensor<?x16xf32>'}}
  %y = rgnn.rgcn %x, %ei, %et weights(%w, %root, %b) {out = 32 : i64, relations = 3 : i64} : (tensor<?x16xf32>, tensor<2x?xi64>, tensor<?xi64>, tensor<3x16x32xf32>, tensor<16x32xf32>, tensor<32xf32>) -> tensor<?x16xf32>
  return
}

// -----

func.func @rgat_out_heads(%x: tensor<?x16xf32>, %ei: tensor<2x?xi64>, %et: tensor<?xi64>, %w: tensor<3x4x16x7xf32>, %al: tensor<3x4x7xf32>, %ar: tensor<3x4x7xf32>, %lw: tensor<16x30xf32>, %b: tensor<30xf32>) {
  // expected-error @+1 {{attribute 'out' (30) must be divisible by 4}}
  %y = rgnn.rgat %x, %ei, %et weights(%w, %al, %ar, %lw, %b) {out = 30 : i64, heads = 4 : i64, relations = 3 : i64, negative_slope = 2.0e-01 : f64} : (tensor<?x16xf32>, tensor<2x?xi64>, tensor<?xi64>, tensor<3x4x16x7xf32>, tensor<3x4x7xf32>, tensor<3x4x7xf32>, tensor<16x30xf32>, tensor<30xf32>) -> tensor<?x30xf32>
  return
}

// -----

func.func @rgat_attn_shape(%x: tensor<?x16xf32>, %ei: tensor<2x?xi64>, %et: tensor<?xi64>, %w: tensor<3x4x16x8xf32>, %al: tensor<3x8x4xf32>, %ar: tensor<3x4x8xf32>, %lw: tensor<16x32xf32>, %b: tensor<32xf32>) {
  // expected-error @+1 {{weight 'attn_l' must have shape [3, 4, 8], got [3, 8, 4]}}
  %y = rgnn.rgat %x, %ei, %et weights(%w, %al, %ar, %lw, %b) {out = 32 : i64, heads = 4 : i64, relations = 3 : i64, negative_slope = 2.0e-01 : f64} : (tensor<?x16xf32>, tensor<2x?xi64>, tensor<?xi64>, tensor<3x4x16x8xf32>, tensor<3x8x4xf32>, tensor<3x4x8xf32>, tensor<16x32xf32>, tensor<32xf32>) -> tensor<?x32xf32>
  return
}

// -----

func.func @rgat_infinite_slope(%x: tensor<?x16xf32>, %ei: tensor<2x?xi64>, %et: tensor<?xi64>, %w: tensor<3x4x16x8xf32>, %al: tensor<3x4x8xf32>, %ar: tensor<3x4x8xf32>, %lw: tensor<16x32xf32>, %b: tensor<32xf32>) {
  // expected-error @+1 {{attribute 'negative_slope' must be finite}}
  %y = rgnn.rgat %x, %ei, %et weights(%w, %al, %ar, %lw, %b) {out = 32 : i64, heads = 4 : i64, relations = 3 : i64, negative_slope = 0x7FF0000000000000 : f64} : (tensor<?x16xf32>, tensor<2x?xi64>, tensor<?xi64>, tensor<3x4x16x8xf32>, tensor<3x4x8xf32>, tensor<3x4x8xf32>, tensor<16x32xf32>, tensor<32xf32>) -> tensor<?x32xf32>
  return
}

// -----

func.func @hgt_node_type_length(%x: tensor<10x16xf32>, %ei: tensor<2x?xi64>, %et: tensor<?xi64>, %nt: tensor<9xi64>, %lw: tensor<2x32x16xf32>, %lb: tensor<2x32xf32>, %rel: tensor<3x4x8x8xf32>, %pri: tensor<3x4xf32>, %aw: tensor<2x32x32xf32>, %skip: tensor<2xf32>) {
  // expected-error @+1 {{operand 'node_type' must have shape [10], got [9]}}
  %y = rgnn.hgt %x, %ei, %et, %nt weights(%lw, %lb, %lw, %lb, %lw, %lb, %rel, %rel, %pri, %aw, %lb, %skip) {out = 32 : i64, heads = 4 : i64, relations = 3 : i64, node_types = 2 : i64} : (tensor<10x16xf32>, tensor<2x?xi64>, tensor<?xi64>, tensor<9xi64>, tensor<2x32x16xf32>, tensor<2x32xf32>, tensor<2x32x16xf32>, tensor<2x32xf32>, tensor<2x32x16xf32>, tensor<2x32xf32>, tensor<3x4x8x8xf32>, tensor<3x4x8x8xf32>, tensor<3x4xf32>, tensor<2x32x32xf32>, tensor<2x32xf32>, tensor<2xf32>) -> tensor<10x32xf32>
  return
}

// -----

func.func @hgt_zero_heads(%x: tensor<?x16xf32>, %ei: tensor<2x?xi64>, %et: tensor<?xi64>, %nt: tensor<?xi64>) {
  // expected-error @+1 {{'rgnn.hgt' op attribute 'heads' must be at least 1, got 0}}
  %y = rgnn.hgt %x, %ei, %et, %nt {out = 32 : i64, heads = 0 : i64, relations = 3 : i64, node_types = 2 : i64} : (tensor<?x16xf32>, tensor<2x?xi64>, tensor<?xi64>, tensor<?xi64>) -> tensor<?x32xf32>
  return
}

// -----

// rel_att and rel_msg are per head, D = out / heads.
func.func @hgt_rel_att_shape(%x: tensor<?x16xf32>, %ei: tensor<2x?xi64>, %et: tensor<?xi64>, %nt: tensor<?xi64>, %lw: tensor<2x32x16xf32>, %lb: tensor<2x32xf32>, %rel: tensor<3x32x32xf32>, %pri: tensor<3x4xf32>, %aw: tensor<2x32x32xf32>, %skip: tensor<2xf32>) {
  // expected-error @+1 {{weight 'rel_att' must have shape [3, 4, 8, 8], got [3, 32, 32]}}
  %y = rgnn.hgt %x, %ei, %et, %nt weights(%lw, %lb, %lw, %lb, %lw, %lb, %rel, %rel, %pri, %aw, %lb, %skip) {out = 32 : i64, heads = 4 : i64, relations = 3 : i64, node_types = 2 : i64} : (tensor<?x16xf32>, tensor<2x?xi64>, tensor<?xi64>, tensor<?xi64>, tensor<2x32x16xf32>, tensor<2x32xf32>, tensor<2x32x16xf32>, tensor<2x32xf32>, tensor<2x32x16xf32>, tensor<2x32xf32>, tensor<3x32x32xf32>, tensor<3x32x32xf32>, tensor<3x4xf32>, tensor<2x32x32xf32>, tensor<2x32xf32>, tensor<2xf32>) -> tensor<?x32xf32>
  return
}

// -----

func.func @hgt_missing_skip(%x: tensor<?x16xf32>, %ei: tensor<2x?xi64>, %et: tensor<?xi64>, %nt: tensor<?xi64>, %lw: tensor<2x32x16xf32>, %lb: tensor<2x32xf32>, %rel: tensor<3x4x8x8xf32>, %pri: tensor<3x4xf32>, %aw: tensor<2x32x32xf32>) {
  // expected-error @+1 {{'rgnn.hgt' op expects 12 weights, got 11}}
  %y = rgnn.hgt %x, %ei, %et, %nt weights(%lw, %lb, %lw, %lb, %lw, %lb, %rel, %rel, %pri, %aw, %lb) {out = 32 : i64, heads = 4 : i64, relations = 3 : i64, node_types = 2 : i64} : (tensor<?x16xf32>, tensor<2x?xi64>, tensor<?xi64>, tensor<?xi64>, tensor<2x32x16xf32>, tensor<2x32xf32>, tensor<2x32x16xf32>, tensor<2x32xf32>, tensor<2x32x16xf32>, tensor<2x32xf32>, tensor<3x4x8x8xf32>, tensor<3x4x8x8xf32>, tensor<3x4xf32>, tensor<2x32x32xf32>, tensor<2x32xf32>) -> tensor<?x32xf32>
  return
}

// -----

func.func @typed_linear_x_rank(%x: tensor<?xf32>, %types: tensor<?xi64>, %w: tensor<3x16x32xf32>) {
  // expected-error @+1 {{'rgnn.typed_linear' op operand 'x' must have rank 2, got 1}}
  %y = rgnn.typed_linear %x, %w types(%types) : (tensor<?xf32>, tensor<?xi64>, tensor<3x16x32xf32>) -> tensor<?x32xf32>
  return
}

// -----

func.func @typed_linear_types_rank(%x: tensor<?x16xf32>, %types: tensor<?x1xi64>, %w: tensor<3x16x32xf32>) {
  // expected-error @+1 {{operand 'types' must have rank 1, got 2}}
  %y = rgnn.typed_linear %x, %w types(%types) : (tensor<?x16xf32>, tensor<?x1xi64>, tensor<3x16x32xf32>) -> tensor<?x32xf32>
  return
}

// -----

func.func @typed_linear_types_length(%x: tensor<10x16xf32>, %types: tensor<9xi64>, %w: tensor<3x16x32xf32>) {
  // expected-error @+1 {{operand 'types' must have shape [10], got [9]}}
  %y = rgnn.typed_linear %x, %w types(%types) : (tensor<10x16xf32>, tensor<9xi64>, tensor<3x16x32xf32>) -> tensor<10x32xf32>
  return
}

// -----

func.func @typed_linear_input_width(%x: tensor<?x16xf32>, %types: tensor<?xi64>, %w: tensor<3x8x32xf32>) {
  // expected-error @+1 {{input widths of weight and x must agree, got 8 and 16}}
  %y = rgnn.typed_linear %x, %w types(%types) : (tensor<?x16xf32>, tensor<?xi64>, tensor<3x8x32xf32>) -> tensor<?x32xf32>
  return
}

// -----

// Without types there is one weight.
func.func @typed_linear_untyped(%x: tensor<?x16xf32>, %w: tensor<3x16x32xf32>) {
  // expected-error @+1 {{weight types without 'types' must agree, got 3 and 1}}
  %y = rgnn.typed_linear %x, %w : (tensor<?x16xf32>, tensor<3x16x32xf32>) -> tensor<?x32xf32>
  return
}

// -----

func.func @typed_linear_bias_shape(%x: tensor<?x16xf32>, %types: tensor<?xi64>, %w: tensor<3x16x32xf32>, %b: tensor<32xf32>) {
  // expected-error @+1 {{operand 'bias' must have rank 2, got 1}}
  %y = rgnn.typed_linear %x, %w types(%types) bias(%b) : (tensor<?x16xf32>, tensor<?xi64>, tensor<3x16x32xf32>, tensor<32xf32>) -> tensor<?x32xf32>
  return
}

// -----

func.func @relation_linear_side(%x: tensor<?x16xf32>, %ei: tensor<2x?xi64>, %et: tensor<?xi64>, %w: tensor<3x16x32xf32>, %n: index) {
  // expected-error @+1 {{expected ::seqc::rgnn::Side to be one of: src, dst}}
  %y = rgnn.relation_linear %x, %ei, %et, %w nodes %n {side = #rgnn<side both>} : (tensor<?x16xf32>, tensor<2x?xi64>, tensor<?xi64>, tensor<3x16x32xf32>, index) -> tensor<?x32xf32>
  return
}

// -----

func.func @relation_linear_materialize(%x: tensor<?x16xf32>, %ei: tensor<2x?xi64>, %et: tensor<?xi64>, %w: tensor<3x16x32xf32>, %n: index) {
  // expected-error @+1 {{expected ::seqc::rgnn::Materialize to be one of: edge, pair, dense, auto}}
  %y = rgnn.relation_linear %x, %ei, %et, %w nodes %n {side = #rgnn<side src>, materialize = #rgnn<materialize lazy>} : (tensor<?x16xf32>, tensor<2x?xi64>, tensor<?xi64>, tensor<3x16x32xf32>, index) -> tensor<?x32xf32>
  return
}

// -----

// Its value has a row per edge, whatever is materialized.
func.func @relation_linear_rows_per_edge(%x: tensor<10x16xf32>, %ei: tensor<2x7xi64>, %et: tensor<7xi64>, %w: tensor<3x16x32xf32>, %n: index) {
  // expected-error @+1 {{inferred type(s) 'tensor<7x32xf32>' are incompatible with return type(s) of operation 'tensor<10x32xf32>'}}
  %y = rgnn.relation_linear %x, %ei, %et, %w nodes %n {side = #rgnn<side src>} : (tensor<10x16xf32>, tensor<2x7xi64>, tensor<7xi64>, tensor<3x16x32xf32>, index) -> tensor<10x32xf32>
  return
}

// -----

func.func @gather_side(%x: tensor<?x16xf32>, %ei: tensor<2x?xi64>, %n: index) {
  // expected-error @+1 {{expected ::seqc::rgnn::Side to be one of: src, dst}}
  %y = rgnn.gather %x, %ei nodes %n {side = #rgnn<side both>} : (tensor<?x16xf32>, tensor<2x?xi64>, index) -> tensor<?x16xf32>
  return
}

// -----

func.func @edge_dot_widths(%a: tensor<?x16xf32>, %b: tensor<?x8xf32>) {
  // expected-error @+1 {{widths of a and b must agree, got 16 and 8}}
  %s = rgnn.edge_dot %a, %b {heads = 2 : i64} : (tensor<?x16xf32>, tensor<?x8xf32>) -> tensor<?x2xf32>
  return
}

// -----

func.func @edge_dot_heads(%a: tensor<?x16xf32>, %b: tensor<?x16xf32>) {
  // expected-error @+1 {{width of a (16) must be divisible by 3}}
  %s = rgnn.edge_dot %a, %b {heads = 3 : i64} : (tensor<?x16xf32>, tensor<?x16xf32>) -> tensor<?x3xf32>
  return
}

// -----

func.func @edge_softmax_rank3(%s: tensor<?x4x2xf32>, %ei: tensor<2x?xi64>, %n: index) {
  // expected-error @+1 {{operand 'scores' must have rank 2, got 3}}
  %y = rgnn.edge_softmax %s, %ei nodes %n : (tensor<?x4x2xf32>, tensor<2x?xi64>, index) -> tensor<?x4x2xf32>
  return
}

// -----

func.func @edge_softmax_edge_count(%s: tensor<5x4xf32>, %ei: tensor<2x7xi64>, %n: index) {
  // expected-error @+1 {{edge counts of scores and edge_index must agree, got 5 and 7}}
  %y = rgnn.edge_softmax %s, %ei nodes %n : (tensor<5x4xf32>, tensor<2x7xi64>, index) -> tensor<5x4xf32>
  return
}

// -----

func.func @aggregate_msgs_rank(%m: tensor<?xf32>, %ei: tensor<2x?xi64>, %n: index) {
  // expected-error @+1 {{operand 'msgs' must have rank 2, got 1}}
  %y = rgnn.aggregate %m, %ei nodes %n {reduce = #rgnn<reduce sum>} : (tensor<?xf32>, tensor<2x?xi64>, index) -> tensor<?xf32>
  return
}

// -----

func.func @aggregate_reduce_kind(%m: tensor<?x16xf32>, %ei: tensor<2x?xi64>, %n: index) {
  // expected-error @+1 {{expected ::seqc::rgnn::Reduce to be one of: sum, mean, max}}
  %y = rgnn.aggregate %m, %ei nodes %n {reduce = #rgnn<reduce min>} : (tensor<?x16xf32>, tensor<2x?xi64>, index) -> tensor<?x16xf32>
  return
}

// -----

func.func @aggregate_msgs_edge_count(%m: tensor<5x16xf32>, %ei: tensor<2x7xi64>, %n: index) {
  // expected-error @+1 {{edge counts of msgs and edge_index must agree, got 5 and 7}}
  %y = rgnn.aggregate %m, %ei nodes %n {reduce = #rgnn<reduce sum>} : (tensor<5x16xf32>, tensor<2x7xi64>, index) -> tensor<?x16xf32>
  return
}

// -----

func.func @aggregate_types_with_sum(%m: tensor<?x16xf32>, %ei: tensor<2x?xi64>, %et: tensor<?xi64>, %n: index) {
  // expected-error @+1 {{per-relation aggregation ('edge_type') needs reduce mean}}
  %y = rgnn.aggregate %m, %ei types(%et) nodes %n {reduce = #rgnn<reduce sum>, relations = 3 : i64} : (tensor<?x16xf32>, tensor<2x?xi64>, tensor<?xi64>, index) -> tensor<?x16xf32>
  return
}

// -----

func.func @aggregate_max(%m: tensor<?x16xf32>, %ei: tensor<2x?xi64>, %n: index) {
  // expected-error @+1 {{reduce max is a pair_mean's (the max of the sources before a relation's weight)}}
  %y = rgnn.aggregate %m, %ei nodes %n {reduce = #rgnn<reduce max>} : (tensor<?x16xf32>, tensor<2x?xi64>, index) -> tensor<?x16xf32>
  return
}

// -----

func.func @aggregate_types_without_relations(%m: tensor<?x16xf32>, %ei: tensor<2x?xi64>, %et: tensor<?xi64>, %n: index) {
  // expected-error @+1 {{'rgnn.aggregate' op requires integer attribute 'relations'}}
  %y = rgnn.aggregate %m, %ei types(%et) nodes %n {reduce = #rgnn<reduce mean>} : (tensor<?x16xf32>, tensor<2x?xi64>, tensor<?xi64>, index) -> tensor<?x16xf32>
  return
}

// -----

func.func @aggregate_zero_relations(%m: tensor<?x16xf32>, %ei: tensor<2x?xi64>, %et: tensor<?xi64>, %n: index) {
  // expected-error @+1 {{'rgnn.aggregate' op attribute 'relations' must be at least 1, got 0}}
  %y = rgnn.aggregate %m, %ei types(%et) nodes %n {reduce = #rgnn<reduce mean>, relations = 0 : i64} : (tensor<?x16xf32>, tensor<2x?xi64>, tensor<?xi64>, index) -> tensor<?x16xf32>
  return
}

// -----

func.func @aggregate_relations_without_types(%m: tensor<?x16xf32>, %ei: tensor<2x?xi64>, %n: index) {
  // expected-error @+1 {{attribute 'relations' needs operand 'edge_type'}}
  %y = rgnn.aggregate %m, %ei nodes %n {reduce = #rgnn<reduce mean>, relations = 3 : i64} : (tensor<?x16xf32>, tensor<2x?xi64>, index) -> tensor<?x16xf32>
  return
}

// -----

func.func @aggregate_mean_scaled(%m: tensor<?x16xf32>, %ei: tensor<2x?xi64>, %s: tensor<?x4xf32>, %n: index) {
  // expected-error @+1 {{operand 'scale' needs reduce sum}}
  %y = rgnn.aggregate %m, %ei scale(%s) nodes %n {reduce = #rgnn<reduce mean>} : (tensor<?x16xf32>, tensor<2x?xi64>, tensor<?x4xf32>, index) -> tensor<?x16xf32>
  return
}

// -----

func.func @aggregate_scale_rank(%m: tensor<?x16xf32>, %ei: tensor<2x?xi64>, %s: tensor<?xf32>, %n: index) {
  // expected-error @+1 {{operand 'scale' must have rank 2, got 1}}
  %y = rgnn.aggregate %m, %ei scale(%s) nodes %n {reduce = #rgnn<reduce sum>} : (tensor<?x16xf32>, tensor<2x?xi64>, tensor<?xf32>, index) -> tensor<?x16xf32>
  return
}

// -----

func.func @aggregate_scale_edge_count(%m: tensor<?x16xf32>, %ei: tensor<2x7xi64>, %s: tensor<5x4xf32>, %n: index) {
  // expected-error @+1 {{edge counts of scale and edge_index must agree, got 5 and 7}}
  %y = rgnn.aggregate %m, %ei scale(%s) nodes %n {reduce = #rgnn<reduce sum>} : (tensor<?x16xf32>, tensor<2x7xi64>, tensor<5x4xf32>, index) -> tensor<?x16xf32>
  return
}

// -----

func.func @aggregate_scale_heads(%m: tensor<?x16xf32>, %ei: tensor<2x?xi64>, %s: tensor<?x3xf32>, %n: index) {
  // expected-error @+1 {{width of msgs (16) must be divisible by 3}}
  %y = rgnn.aggregate %m, %ei scale(%s) nodes %n {reduce = #rgnn<reduce sum>} : (tensor<?x16xf32>, tensor<2x?xi64>, tensor<?x3xf32>, index) -> tensor<?x16xf32>
  return
}

// -----

func.func @aggregate_scale_no_heads(%m: tensor<?x16xf32>, %ei: tensor<2x?xi64>, %s: tensor<?x0xf32>, %n: index) {
  // expected-error @+1 {{width of msgs cannot be split into 0 parts}}
  %y = rgnn.aggregate %m, %ei scale(%s) nodes %n {reduce = #rgnn<reduce sum>} : (tensor<?x16xf32>, tensor<2x?xi64>, tensor<?x0xf32>, index) -> tensor<?x16xf32>
  return
}

// -----

func.func @pair_linear_rows(%a: tensor<10x16xf32>, %w: tensor<3x16x32xf32>) {
  // expected-error @+1 {{rows of a (10) must be divisible by 3}}
  %y = rgnn.pair_linear %a, %w : (tensor<10x16xf32>, tensor<3x16x32xf32>) -> tensor<?x32xf32>
  return
}

// -----

func.func @pair_mean_materialize(%x: tensor<?x16xf32>, %ei: tensor<2x?xi64>, %et: tensor<?xi64>, %n: index) {
  // expected-error @+1 {{attribute 'materialize' must be one of pair, dense, auto, got 'edge'}}
  %y = rgnn.pair_mean %x, %ei, %et nodes %n {relations = 3 : i64, materialize = #rgnn<materialize edge>} : (tensor<?x16xf32>, tensor<2x?xi64>, tensor<?xi64>, index) -> tensor<?x16xf32>
  return
}

// -----

// The templates' schedules are enums too.
func.func @node_reduce_mode(%table: tensor<?x16xf32>, %seg: tensor<?xi64>, %src: tensor<?xi64>, %dst: tensor<?xi64>, %t: tensor<?xi64>, %n: index) {
  // expected-error @+1 {{expected ::seqc::rgnn::RowMode to be one of: edge, src, dst, type, pair_src, pair_dst}}
  %y = rgnn.node_reduce %table over %seg edges %src, %dst, %t nodes %n {kind = #rgnn<node_reduce_kind sum>, mode = #rgnn<row_mode sideways>, heads = 1 : i64} : (tensor<?xi64>, tensor<?xi64>, tensor<?xi64>, tensor<?xi64>, index, tensor<?x16xf32>) -> tensor<?x16xf32>
  return
}

// -----

func.func @rgat_mean_per_relation(%x: tensor<?x16xf32>, %ei: tensor<2x?xi64>, %et: tensor<?xi64>, %w: tensor<3x4x16x8xf32>, %al: tensor<3x4x8xf32>, %lw: tensor<16x32xf32>) {
  // expected-error @+1 {{'concat' false needs attention 'shared'}}
  %y = rgnn.rgat %x, %ei, %et weights(%w, %al, %al, %lw) {out = 32 : i64, heads = 4 : i64, relations = 3 : i64, negative_slope = 2.0e-01 : f64, concat = false, bias = false} : (tensor<?x16xf32>, tensor<2x?xi64>, tensor<?xi64>, tensor<3x4x16x8xf32>, tensor<3x4x8xf32>, tensor<3x4x8xf32>, tensor<16x32xf32>) -> tensor<?x8xf32>
  return
}

// -----

func.func @pair_mean_sum(%x: tensor<?x16xf32>, %ei: tensor<2x?xi64>, %et: tensor<?xi64>, %n: index) {
  // expected-error @+1 {{attribute 'reduce' must be mean or max, got 'sum'}}
  %y = rgnn.pair_mean %x, %ei, %et nodes %n {relations = 3 : i64, reduce = #rgnn<reduce sum>} : (tensor<?x16xf32>, tensor<2x?xi64>, tensor<?xi64>, index) -> tensor<?x16xf32>
  return
}
