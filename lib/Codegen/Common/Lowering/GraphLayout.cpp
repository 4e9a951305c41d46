//===- GraphLayout.cpp - Graph layouts and pair tables, on index tensors --===//
//
// The bodies of the graph_layout, node_layout and pair_rows kernel calls:
// every index checked by a parallel any, the items sorted by a stable
// merge sort, each key's start found by binary search, the pair tables
// numbered by a scan (GraphSort.cpp), and the per-position gathers as
// parallel generics. When a check fails the layout is empty (no edges, no
// rows), so no template reads through it.
//
//===----------------------------------------------------------------------===//
#include "Graph.h"

using namespace mlir;
using arith::CmpIPredicate;

namespace seqc::graph {

Value emptyIndices(TensorBuilder &b, ArrayRef<OpFoldResult> sizes) {
  SmallVector<int64_t> shape;
  SmallVector<Value> dynamic;
  for (OpFoldResult s : sizes) {
    std::optional<int64_t> c = getConstantIntValue(s);
    shape.push_back(c ? *c : ShapedType::kDynamic);
    if (!c)
      dynamic.push_back(cast<Value>(s));
  }
  return tensor::EmptyOp::create(
      b, RankedTensorType::get(shape, b.getI64Type()), dynamic);
}

SmallVector<Value>
indicesOf(TensorBuilder &b, Value n, unsigned count,
          const std::function<SmallVector<Value>(IB &, Value)> &at) {
  SmallVector<Value> outs;
  for (unsigned i = 0; i < count; ++i)
    outs.push_back(emptyIndices(b, {n}));
  auto op = linalg::GenericOp::create(
      b, TypeRange(ValueRange(outs)), ValueRange{}, outs,
      SmallVector<AffineMap>(count, b.identity(1)), loopTypes(1),
      [&](OpBuilder &nested, Location loc, ValueRange) {
        IB ib(loc, nested);
        linalg::YieldOp::create(ib, at(ib, linalg::IndexOp::create(ib, 0)));
      });
  return SmallVector<Value>(op.getResults());
}

Value prefersDense(IB &b, Value total, Value keys, double threshold) {
  auto f64 = b.getF64Type();
  Value present = arith::UIToFPOp::create(b, f64, toI64(b, total));
  Value all = arith::UIToFPOp::create(b, f64, toI64(b, keys));
  Value bar = arith::MulFOp::create(
      b, all, arith::ConstantOp::create(b, b.getF64FloatAttr(threshold)));
  return arith::AndIOp::create(
      b, arith::CmpFOp::create(b, arith::CmpFPredicate::OGE, present, bar),
      cmp(b, CmpIPredicate::ugt, keys, idx(b, 0)));
}

namespace {

/// [keys + 1] starts: where each key's items begin in the `n` sorted
/// keys, then n.
Value keyStarts(TensorBuilder &b, Value sortedKeys, Value n, Value keys) {
  Value steps = searchSteps(b, n);
  return indicesOf(b, add(b, keys, idx(b, 1)), 1, [&](IB &ib, Value k) {
    return SmallVector<Value>{
        toI64(ib, lowerBound(ib, sortedKeys, n, steps, toI64(ib, k)))};
  })[0];
}

} // namespace

Results graphLayoutBody(TensorBuilder &b, Checks &checks,
                        rgnn::GraphLayoutOp op, const BodyOperand &in) {
  std::string node = "node '" + nodeName(op) + "': ";
  int64_t r = op.getRelations();
  Value ei = in(op.getEdgeIndex()), et = in(op.getEdgeType());
  Value n = in(op.getNumNodes());
  Value e = b.dim(ei, 1), typesLen = b.dim(et, 0);
  Value lengthOk = cmp(b, CmpIPredicate::eq, typesLen, e);
  // edge_index must be [2, E] (its first dim may be symbolic).
  Value twoRows = cmp(b, CmpIPredicate::eq, b.dim(ei, 0), idx(b, 2));
  Value readable = arith::SelectOp::create(b, twoRows, e, idx(b, 0));
  Value typed = arith::MinUIOp::create(b, readable, typesLen);
  Value badEnds = any(b, readable, [&](IB &ib, Value i) {
    Value s = at(ib, ei, {idx(ib, 0), i}), d = at(ib, ei, {idx(ib, 1), i});
    return negate(
        ib, arith::AndIOp::create(ib, inRange(ib, s, n), inRange(ib, d, n)));
  });
  Value badType = any(b, typed, [&](IB &ib, Value i) {
    return negate(ib, inRange(ib, at(ib, et, {i}), idx(ib, r)));
  });
  if (cast<RankedTensorType>(ei.getType()).isDynamicDim(0))
    checks.failIf(b, negate(b, twoRows),
                  node + "edge_index must have 2 rows (sources, destinations)");
  checks.failIf(b, badEnds,
                node + "edge_index has a node index outside [0, N), N = the "
                       "rows of x");
  checks.failIf(b, negate(b, lengthOk),
                node + "edge_type must have one entry per edge of edge_index");
  checks.failIf(b, badType,
                node + "edge_type has a relation outside [0, " +
                    std::to_string(r) + ")");
  Value ok = arith::AndIOp::create(
      b, arith::AndIOp::create(b, lengthOk, twoRows),
      negate(b, arith::OrIOp::create(b, badEnds, badType)));
  Value edges = arith::SelectOp::create(b, ok, e, idx(b, 0));

  // Sorted by key type·N + destination; each key's segment by binary
  // search.
  Value keys = mul(b, idx(b, r), n);
  Sorted sorted = sortByKey(b, edges, [&](IB &ib, Value i) {
    return toI64(ib, add(ib, mul(ib, indexAt(ib, et, {i}), n),
                         indexAt(ib, ei, {idx(ib, 1), i})));
  });
  Value segments = keyStarts(b, sorted.keys, edges, keys);
  Value order = sorted.items;
  // The edges' ends and types in the layout's order.
  SmallVector<Value> ends = indicesOf(b, edges, 3, [&](IB &ib, Value p) {
    Value edge = indexAt(ib, order, {p});
    return SmallVector<Value>{at(ib, ei, {idx(ib, 0), edge}),
                              at(ib, ei, {idx(ib, 1), edge}),
                              at(ib, et, {edge})};
  });
  return {ends[0], ends[1], ends[2], order, segments};
}

Results nodeLayoutBody(TensorBuilder &b, Checks &checks, rgnn::NodeLayoutOp op,
                       const BodyOperand &in) {
  std::string node = "node '" + nodeName(op) + "': ";
  int64_t k = op.getNumTypes();
  Value nt = in(op.getNodeType()), n = in(op.getNumNodes());
  Value len = b.dim(nt, 0);
  Value lengthOk = cmp(b, CmpIPredicate::eq, len, n);
  Value bad = any(b, arith::MinUIOp::create(b, len, n), [&](IB &ib, Value i) {
    return negate(ib, inRange(ib, at(ib, nt, {i}), idx(ib, k)));
  });
  checks.failIf(b, negate(b, lengthOk),
                node + "node_type must have one entry per row of x");
  checks.failIf(b, bad,
                node + "node_type has a node type outside [0, " +
                    std::to_string(k) + ")");
  Value ok = arith::AndIOp::create(b, lengthOk, negate(b, bad));
  Value nodes = arith::SelectOp::create(b, ok, n, idx(b, 0));
  // Each node's type (0 past the checked ones), the nodes sorted by it.
  Value types = indicesOf(b, n, 1, [&](IB &ib, Value i) {
    Value checked = cmp(ib, CmpIPredicate::ult, i, nodes);
    return SmallVector<Value>{valueIf(
        ib, checked, [&](IB &tb) { return at(tb, nt, {i}); }, i64(ib, 0))};
  })[0];
  Sorted sorted =
      sortByKey(b, n, [&](IB &ib, Value i) { return at(ib, types, {i}); });
  Value offsets = keyStarts(b, sorted.keys, nodes, idx(b, k));
  return {types, sorted.items, offsets};
}

namespace {

/// The dense table: row r·N + n for every pair (nodes, offsets, row_of).
Results denseRows(TensorBuilder &b, Value n, int64_t r) {
  Value keys = mul(b, idx(b, r), n);
  SmallVector<Value> rows = indicesOf(b, keys, 2, [&](IB &ib, Value k) {
    return SmallVector<Value>{toI64(ib, arith::RemUIOp::create(ib, k, n)),
                              toI64(ib, k)};
  });
  Value offsets = indicesOf(b, idx(b, r + 1), 1, [&](IB &ib, Value rel) {
    return SmallVector<Value>{toI64(ib, mul(ib, rel, n))};
  })[0];
  return {rows[0], offsets, rows[1]};
}

/// The compact table: a row per (relation, node) pair present, numbered in
/// (relation, node) order (nodes, offsets, row_of; `total` the rows).
Results compactRows(TensorBuilder &b, Value node, Value types, Value n,
                    int64_t r, Value &total) {
  Value keys = mul(b, idx(b, r), n);
  Value edges = b.dim(node, 0);
  // The pairs present: keys the sorted edges' keys hold.
  Sorted sorted = sortByKey(b, edges, [&](IB &ib, Value e) {
    return toI64(ib, add(ib, mul(ib, indexAt(ib, types, {e}), n),
                         indexAt(ib, node, {e})));
  });
  Value starts = keyStarts(b, sorted.keys, edges, keys);
  Value present = indicesOf(b, keys, 1, [&](IB &ib, Value k) {
    Value first = at(ib, starts, {k});
    Value next = at(ib, starts, {add(ib, k, idx(ib, 1))});
    return SmallVector<Value>{arith::ExtUIOp::create(
        ib, ib.getI64Type(), cmp(ib, CmpIPredicate::slt, first, next))};
  })[0];
  // Row numbers: the pairs present before each, in (relation, node) order.
  Value upTo = inclusiveScan(b, present, keys);
  Value some = cmp(b, CmpIPredicate::ugt, keys, idx(b, 0));
  total =
      toIndex(b, valueIf(
                     b, some,
                     [&](IB &ib) {
                       return at(ib, upTo,
                                 {arith::SubIOp::create(ib, keys, idx(ib, 1))});
                     },
                     i64(b, 0)));
  Value rowSteps = searchSteps(b, keys);
  SmallVector<Value> rows = indicesOf(b, keys, 2, [&](IB &ib, Value k) {
    // Row k's node (the k-th pair present), and pair k's row or -1.
    Value pair =
        lowerBound(ib, upTo, keys, rowSteps, toI64(ib, add(ib, k, idx(ib, 1))));
    Value isRow = cmp(ib, CmpIPredicate::ult, k, total);
    Value rowNode = arith::SelectOp::create(
        ib, isRow, toI64(ib, arith::RemUIOp::create(ib, pair, n)), i64(ib, 0));
    Value has = cmp(ib, CmpIPredicate::ne, at(ib, present, {k}), i64(ib, 0));
    Value row = arith::SubIOp::create(ib, at(ib, upTo, {k}), i64(ib, 1));
    return SmallVector<Value>{
        rowNode, arith::SelectOp::create(ib, has, row, i64(ib, -1))};
  });
  // A relation's rows start after the pairs before its first node.
  Value offsets = indicesOf(b, idx(b, r + 1), 1, [&](IB &ib, Value rel) {
    Value k = mul(ib, rel, n);
    Value inside = cmp(ib, CmpIPredicate::ult, k, keys);
    Value before = valueIf(
        ib, inside,
        [&](IB &tb) {
          return arith::SubIOp::create(tb, at(tb, upTo, {k}),
                                       at(tb, present, {k}));
        },
        toI64(ib, total));
    return SmallVector<Value>{before};
  })[0];
  return {rows[0], offsets, rows[1]};
}

} // namespace

Results pairRowsBody(TensorBuilder &b, Checks &, rgnn::PairRowsOp op,
                     const BodyOperand &in) {
  int64_t r = op.getRelations();
  Value n = in(op.getNumNodes());
  Value node = in(op.getNode()), types = in(op.getTypes());
  Value segments = in(op.getSegments());
  rgnn::Materialize materialize = op.getMaterialize();
  if (materialize == rgnn::Materialize::edge) {
    // A row per edge: the edges' own nodes, each relation's edges.
    Value offsets = indicesOf(b, idx(b, r + 1), 1, [&](IB &ib, Value rel) {
      return SmallVector<Value>{at(ib, segments, {mul(ib, rel, n)})};
    })[0];
    Value none = emptyIndices(b, {b.getIndexAttr(0)});
    return {node, offsets, none, none, flag(b, false)};
  }
  Results table;
  Value dense;
  if (materialize == rgnn::Materialize::dense) {
    table = denseRows(b, n, r);
    dense = flag(b, true);
  } else {
    Value total;
    table = compactRows(b, node, types, n, r, total);
    dense = flag(b, false);
    if (materialize == rgnn::Materialize::automatic) {
      dense = prefersDense(b, total, mul(b, idx(b, r), n),
                           op.getThreshold().convertToDouble());
      auto choice = scf::IfOp::create(
          b, dense,
          [&](OpBuilder &tb, Location loc) {
            TensorBuilder db(loc, tb);
            Results rows = denseRows(db, n, r);
            scf::YieldOp::create(db, rows);
          },
          [&](OpBuilder &eb, Location loc) {
            scf::YieldOp::create(eb, loc, table);
          });
      table = Results(choice.getResults());
    }
  }
  // The row each edge reads, in the layout's order.
  Value rowOf = table[2];
  Value edgeRows = indicesOf(b, b.dim(node, 0), 1, [&](IB &ib, Value e) {
    Value k =
        add(ib, mul(ib, indexAt(ib, types, {e}), n), indexAt(ib, node, {e}));
    return SmallVector<Value>{at(ib, rowOf, {k})};
  })[0];
  return {table[0], table[1], rowOf, edgeRows, dense};
}

} // namespace seqc::graph
