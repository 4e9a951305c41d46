//===- GraphLayout.cpp - Graph layouts and pair tables, on index tensors --===//
//
// The bodies of the graph_layout, node_layout and pair_rows kernel calls:
// every index checked by a reduction, then a counting sort (counts, an
// exclusive prefix sum, a stable scatter: sequential loops carrying the
// tables) and the per-position gathers as parallel generics. When a check
// fails the layout is empty (no edges, no rows), so no template reads
// through it.
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

Value filledIndices(TensorBuilder &b, ArrayRef<OpFoldResult> sizes, int64_t v) {
  return linalg::FillOp::create(b, ValueRange{i64(b, v)},
                                ValueRange{emptyIndices(b, sizes)})
      .getResult(0);
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

Value any(TensorBuilder &b, Value n,
          const std::function<Value(IB &, Value)> &bad) {
  auto flagType = RankedTensorType::get({}, b.getI1Type());
  Value no = linalg::FillOp::create(
                 b, ValueRange{flag(b, false)},
                 ValueRange{tensor::EmptyOp::create(b, flagType, ValueRange{})})
                 .getResult(0);
  // The loop's extent: an operand of n elements that the body ignores.
  Value domain = tensor::EmptyOp::create(
      b, RankedTensorType::get({ShapedType::kDynamic}, b.getI1Type()),
      ValueRange{n});
  MLIRContext *ctx = b.getContext();
  auto op = linalg::GenericOp::create(
      b, TypeRange{flagType}, ValueRange{domain}, ValueRange{no},
      {b.identity(1), AffineMap::get(1, 0, {}, ctx)}, loopTypes(0, 1),
      [&](OpBuilder &nested, Location loc, ValueRange args) {
        IB ib(loc, nested);
        Value i = linalg::IndexOp::create(ib, 0);
        linalg::YieldOp::create(
            ib, ValueRange{arith::OrIOp::create(ib, args[1], bad(ib, i))});
      });
  return at(b, op.getResult(0), {});
}

Value prefixSum(TensorBuilder &b, Value counts, Value keys) {
  return forLoop(b, idx(b, 0), keys, {counts},
                 [&](TensorBuilder &lb, Value k, ValueRange c) {
                   Value next = add(lb, k, idx(lb, 1));
                   Value sum = arith::AddIOp::create(lb, at(lb, c[0], {k}),
                                                     at(lb, c[0], {next}));
                   return SmallVector<Value>{put(lb, sum, c[0], {next})};
                 })[0];
}

Value countingSort(TensorBuilder &b, Value n, Value size, Value keys,
                   Value starts, const std::function<Value(IB &, Value)> &key) {
  SmallVector<OpFoldResult> zero{b.getIndexAttr(0)}, one{b.getIndexAttr(1)};
  Value cursor = tensor::ExtractSliceOp::create(
      b, starts, zero, SmallVector<OpFoldResult>{keys}, one);
  Value order = filledIndices(b, {size}, 0);
  return forLoop(b, idx(b, 0), n, {cursor, order},
                 [&](TensorBuilder &lb, Value i, ValueRange c) {
                   Value k = key(lb, i);
                   Value pos = at(lb, c[0], {k});
                   Value next = put(lb, toI64(lb, i), c[1], {toIndex(lb, pos)});
                   Value moved =
                       put(lb, arith::AddIOp::create(lb, pos, i64(lb, 1)), c[0],
                           {k});
                   return SmallVector<Value>{moved, next};
                 })[1];
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

/// Adds one at [key(i) + 1] of `counts` for each i in [0, n).
Value countKeys(TensorBuilder &b, Value n, Value counts,
                const std::function<Value(IB &, Value)> &key) {
  return forLoop(
      b, idx(b, 0), n, {counts}, [&](TensorBuilder &lb, Value i, ValueRange c) {
        Value slot = add(lb, key(lb, i), idx(lb, 1));
        Value more =
            arith::AddIOp::create(lb, at(lb, c[0], {slot}), i64(lb, 1));
        return SmallVector<Value>{put(lb, more, c[0], {slot})};
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

  // A counting sort by key type·N + destination.
  Value keys = mul(b, idx(b, r), n);
  auto keyOf = [&](IB &ib, Value i) {
    return add(ib, mul(ib, indexAt(ib, et, {i}), n),
               indexAt(ib, ei, {idx(ib, 1), i}));
  };
  Value segments = filledIndices(b, {add(b, keys, idx(b, 1))}, 0);
  segments = prefixSum(b, countKeys(b, edges, segments, keyOf), keys);
  Value order = countingSort(b, edges, edges, keys, segments, keyOf);
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
  Value types = filledIndices(b, {n}, 0);
  Value offsets = filledIndices(b, {b.getIndexAttr(k + 1)}, 0);
  types =
      forLoop(b, idx(b, 0), nodes, {types},
              [&](TensorBuilder &lb, Value i, ValueRange c) {
                return SmallVector<Value>{put(lb, at(lb, nt, {i}), c[0], {i})};
              })[0];
  auto typeOf = [&](IB &ib, Value i) { return indexAt(ib, types, {i}); };
  offsets = prefixSum(b, countKeys(b, nodes, offsets, typeOf), idx(b, k));
  Value order = countingSort(b, nodes, n, idx(b, k), offsets, typeOf);
  return {types, order, offsets};
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
  Value present =
      forLoop(b, idx(b, 0), edges, {filledIndices(b, {keys}, 0)},
              [&](TensorBuilder &lb, Value e, ValueRange c) {
                Value k = add(lb, mul(lb, indexAt(lb, types, {e}), n),
                              indexAt(lb, node, {e}));
                return SmallVector<Value>{put(lb, i64(lb, 1), c[0], {k})};
              })[0];
  Value nodes = filledIndices(b, {keys}, 0);
  Value offsets = filledIndices(b, {b.getIndexAttr(r + 1)}, 0);
  Value rowOf = emptyIndices(b, {keys});
  ValueRange numbered = forLoop(
      b, idx(b, 0), keys, {nodes, offsets, rowOf, idx(b, 0)},
      [&](TensorBuilder &lb, Value k, ValueRange c) {
        Value count = c[3];
        Value atNode = arith::RemUIOp::create(lb, k, n);
        Value rel = arith::DivUIOp::create(lb, k, n);
        // A relation's rows start at its first node.
        Value first = cmp(lb, CmpIPredicate::eq, atNode, idx(lb, 0));
        Value start = arith::SelectOp::create(lb, first, toI64(lb, count),
                                              at(lb, c[1], {rel}));
        Value has =
            cmp(lb, CmpIPredicate::ne, at(lb, present, {k}), i64(lb, 0));
        Value row = arith::SelectOp::create(lb, has, toI64(lb, atNode),
                                            at(lb, c[0], {count}));
        Value numberOf =
            arith::SelectOp::create(lb, has, toI64(lb, count), i64(lb, -1));
        Value more =
            arith::SelectOp::create(lb, has, add(lb, count, idx(lb, 1)), count);
        return SmallVector<Value>{put(lb, row, c[0], {count}),
                                  put(lb, start, c[1], {rel}),
                                  put(lb, numberOf, c[2], {k}), more};
      });
  total = numbered[3];
  offsets = put(b, toI64(b, total), numbered[1], {idx(b, r)});
  return {numbered[0], offsets, numbered[2]};
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
