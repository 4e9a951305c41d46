//===- GraphKernels.cpp - The rgnn templates as kernel calls --------------===//
//
// Each rgnn template becomes a kernel call named for what it computes,
// whose attributes are the template's own (`template` its op name), so a
// target may compute it its own way. The bodies here, besides the layouts
// of GraphLayout.cpp:
// - segment_gemm (rgnn.gemm): per segment, the gathered rows [m, I] as a
//   parallel generic, a linalg.matmul by that segment's weight (from the
//   broadcast bias) — or, for a target whose projections are its own, a
//   linear (segmentGemm) — the rows written (or added) in place or through
//   the scatter list;
// - edge_map: a parallel generic over (edge, column), or for `dot`
//   (edge, head) with a reduction over the head's columns, reading rows
//   by index;
// - node_reduce: an scf.forall over destination nodes, each folding its
//   edge segments into its own row (sums, means, a max-subtracted softmax
//   in two passes); pair_mean, whose rows are found through `out_rows`,
//   walks the (relation, node) pairs in order.
//
//===----------------------------------------------------------------------===//
#include "Graph.h"

#include "mlir/Dialect/Math/IR/Math.h"

#include <limits>

using namespace mlir;
using arith::CmpIPredicate;

namespace seqc::graph {

namespace {

OpFoldResult lastSize(TensorBuilder &b, Value t) { return b.sizes(t).back(); }

/// `x` [m, w] scaled by the f32 `s`.
Value scaled(TensorBuilder &b, Value x, Value s) {
  return b.map({x}, x, [&](IB &ib, ValueRange a) -> Value {
    return arith::MulFOp::create(ib, a[0], s);
  });
}

Value added(TensorBuilder &b, Value x, Value y) {
  return b.map({x, y}, x, [&](IB &ib, ValueRange a) -> Value {
    return arith::AddFOp::create(ib, a[0], a[1]);
  });
}

/// 1 / max(count, 1) for an index count.
Value inverseCount(IB &b, Value count) {
  Value c = arith::MaxUIOp::create(b, count, idx(b, 1));
  Value f = arith::UIToFPOp::create(b, b.getF32Type(), toI64(b, c));
  return arith::DivFOp::create(b, constF32(b, 1.0), f);
}

/// Rows [lo, lo + m) of a [rows, w] tensor, or `value` written there.
Value rowsOf(TensorBuilder &b, Value x, Value lo, OpFoldResult m) {
  SmallVector<OpFoldResult> sizes = b.sizes(x);
  sizes[0] = m;
  return tensor::ExtractSliceOp::create(
      b, x, SmallVector<OpFoldResult>{lo, b.getIndexAttr(0)}, sizes,
      SmallVector<OpFoldResult>(2, b.getIndexAttr(1)));
}
Value intoRows(TensorBuilder &b, Value value, Value x, Value lo) {
  SmallVector<OpFoldResult> sizes = b.sizes(value);
  return tensor::InsertSliceOp::create(
      b, value, x, SmallVector<OpFoldResult>{lo, b.getIndexAttr(0)}, sizes,
      SmallVector<OpFoldResult>(2, b.getIndexAttr(1)));
}

/// Row `i` of a [rows, w] tensor as a [w] tensor, and back.
Value rowOf(TensorBuilder &b, Value x, Value i) {
  auto t = cast<RankedTensorType>(x.getType());
  return tensor::ExtractSliceOp::create(
      b, RankedTensorType::get({t.getDimSize(1)}, t.getElementType()), x,
      SmallVector<OpFoldResult>{i, b.getIndexAttr(0)},
      SmallVector<OpFoldResult>{b.getIndexAttr(1), lastSize(b, x)},
      SmallVector<OpFoldResult>(2, b.getIndexAttr(1)));
}
Value intoRow(TensorBuilder &b, Value row, Value x, Value i) {
  return tensor::InsertSliceOp::create(
      b, row, x, SmallVector<OpFoldResult>{i, b.getIndexAttr(0)},
      SmallVector<OpFoldResult>{b.getIndexAttr(1), lastSize(b, x)},
      SmallVector<OpFoldResult>(2, b.getIndexAttr(1)));
}

/// The row of a table that an edge reads, by mode (see rgnn.edge_map).
struct RowReader {
  Value src, dst, types, edgeRows;
  rgnn::RowMode mode;
  Value row(IB &b, Value e) const {
    switch (mode) {
    case rgnn::RowMode::edge:
      return e;
    case rgnn::RowMode::src:
      return indexAt(b, src, {e});
    case rgnn::RowMode::dst:
      return indexAt(b, dst, {e});
    case rgnn::RowMode::type:
      return indexAt(b, types, {e});
    default:
      return indexAt(b, edgeRows, {e});
    }
  }
};

bool isPairMode(rgnn::RowMode mode) {
  return mode == rgnn::RowMode::pair_src || mode == rgnn::RowMode::pair_dst;
}

} // namespace

Results gemmBody(TensorBuilder &b, Checks &, rgnn::GemmOp op,
                 const BodyOperand &in) {
  return {segmentGemm(b, op, in, /*asLinears=*/false)};
}

Value segmentGemm(TensorBuilder &b, rgnn::GemmOp op, const BodyOperand &in,
                  bool asLinears) {
  Value x = in(op.getX()), w = in(op.getWeight());
  Value offsets = in(op.getOffsets()), init = in(op.getInit());
  Value rows = in(op.getRows()), dense = in(op.getDense());
  Value scatter = in(op.getScatter()), bias = in(op.getBias());
  bool accumulate = op.getAccumulate();
  SmallVector<OpFoldResult> ws = b.sizes(w);
  // The segments both the weight and the offsets have.
  Value segments = arith::MinUIOp::create(
      b, b.dim(w, 0),
      arith::SubIOp::create(
          b, arith::MaxUIOp::create(b, b.dim(offsets, 0), idx(b, 1)),
          idx(b, 1)));
  // As linears: W [S, I, O] as [S, O, I] (nn.Linear's layout), once.
  Value wt;
  if (asLinears)
    wt = b.generic(
        {w}, {b.select(3, {0, 2, 1})}, b.empty({ws[0], ws[2], ws[1]}),
        b.identity(3), loopTypes(3),
        [](IB &, ValueRange a) -> SmallVector<Value> { return {a[0]}; });
  auto perSegment = [&](TensorBuilder &lb, Value s, ValueRange c) {
    Value lo = indexAt(lb, offsets, {s});
    Value m = arith::SubIOp::create(
        lb, indexAt(lb, offsets, {add(lb, s, idx(lb, 1))}), lo);
    // The segment's input rows, gathered.
    Value xs =
        lb.generic({}, {}, lb.empty({m, ws[1]}), lb.identity(2), loopTypes(2),
                   [&](IB &ib, ValueRange) -> SmallVector<Value> {
                     Value i = linalg::IndexOp::create(ib, 0);
                     Value k = linalg::IndexOp::create(ib, 1);
                     Value row = add(ib, lo, i);
                     if (rows) {
                       Value listed = indexAt(ib, rows, {row});
                       row = dense
                                 ? arith::SelectOp::create(ib, dense, i, listed)
                                 : listed;
                     }
                     return {at(ib, x, {row, k})};
                   });
    // Segment s's [n, k] matrix of the [S, n, k] `weights`.
    auto matrixOf = [&](Value weights, OpFoldResult n, OpFoldResult k) {
      auto t = cast<RankedTensorType>(weights.getType());
      return tensor::ExtractSliceOp::create(
          lb,
          RankedTensorType::get({t.getDimSize(1), t.getDimSize(2)},
                                t.getElementType()),
          weights,
          SmallVector<OpFoldResult>{s, lb.getIndexAttr(0), lb.getIndexAttr(0)},
          SmallVector<OpFoldResult>{lb.getIndexAttr(1), n, k},
          SmallVector<OpFoldResult>(3, lb.getIndexAttr(1)));
    };
    Value ys;
    if (asLinears) {
      ys = buildLinear(lb, xs, matrixOf(wt, ws[2], ws[1]),
                       bias ? rowOf(lb, bias, s) : Value());
    } else {
      Value start = bias ? lb.broadcastLast(rowOf(lb, bias, s), {m, ws[2]})
                         : lb.zeros({m, ws[2]});
      ys = linalg::MatmulOp::create(lb, TypeRange{start.getType()},
                                    ValueRange{xs, matrixOf(w, ws[1], ws[2])},
                                    ValueRange{start})
               .getResult(0);
    }
    if (!scatter) {
      Value v = accumulate ? added(lb, rowsOf(lb, c[0], lo, m), ys) : ys;
      return SmallVector<Value>{intoRows(lb, v, c[0], lo)};
    }
    // A segment's rows scatter to distinct rows (the templates' lists: a
    // permutation of the nodes, or a pair's node per relation), so they
    // are written in parallel, each reading only its own row.
    auto rowsOut = scf::ForallOp::create(lb, ArrayRef<OpFoldResult>{m},
                                         ValueRange{c[0]}, std::nullopt);
    TensorBuilder rb(lb.getLoc(), lb);
    rb.setInsertionPoint(rowsOut.getTerminator());
    Value i = rowsOut.getInductionVar(0);
    Value y = rowsOut.getRegionIterArgs()[0];
    Value out = indexAt(rb, scatter, {add(rb, lo, i)});
    Value row = rowOf(rb, ys, i);
    if (accumulate)
      row = added(rb, rowOf(rb, y, out), row);
    OpFoldResult width = lastSize(rb, y);
    rb.setInsertionPointToStart(rowsOut.getTerminator().getBody());
    tensor::ParallelInsertSliceOp::create(
        rb, row, y, SmallVector<OpFoldResult>{out, rb.getIndexAttr(0)},
        SmallVector<OpFoldResult>{rb.getIndexAttr(1), width},
        SmallVector<OpFoldResult>(2, rb.getIndexAttr(1)));
    return SmallVector<Value>{rowsOut.getResult(0)};
  };
  return forLoop(b, idx(b, 0), segments, {init}, perSegment)[0];
}

Results edgeMapBody(TensorBuilder &b, Checks &, rgnn::EdgeMapOp op,
                    const BodyOperand &in) {
  Value src = in(op.getSrc()), dst = in(op.getDst());
  Value types = in(op.getTypes());
  SmallVector<Value> tables;
  SmallVector<RowReader> readers;
  auto maps = op.getRowMaps();
  unsigned nextMap = 0;
  for (auto [table, mode] : llvm::zip(op.getTables(), op.getModes())) {
    tables.push_back(in(table));
    rgnn::RowMode m = cast<rgnn::RowModeAttr>(mode).getValue();
    Value map = isPairMode(m) ? in(maps[nextMap++]) : Value();
    readers.push_back({src, dst, types, map, m});
  }
  Value edges = b.dim(src, 0);
  OpFoldResult w = lastSize(b, tables[0]);
  if (op.getKind() == rgnn::EdgeMapKind::copy)
    return {b.generic({}, {}, b.empty({edges, w}), b.identity(2), loopTypes(2),
                      [&](IB &ib, ValueRange) -> SmallVector<Value> {
                        Value e = linalg::IndexOp::create(ib, 0);
                        Value c = linalg::IndexOp::create(ib, 1);
                        return {at(ib, tables[0], {readers[0].row(ib, e), c})};
                      })};
  // dot: per head, Σ over the head's d columns of the two rows' product.
  int64_t heads = op.getHeads();
  Value d = arith::DivUIOp::create(b, b.dim(tables[0], 1), idx(b, heads));
  Value columns = tensor::EmptyOp::create(
      b, RankedTensorType::get({ShapedType::kDynamic}, b.getF32Type()),
      ValueRange{d});
  return {b.generic(
      {columns}, {b.select(3, {2})}, b.zeros({edges, b.getIndexAttr(heads)}),
      b.select(3, {0, 1}), loopTypes(2, 1),
      [&](IB &ib, ValueRange args) -> SmallVector<Value> {
        Value e = linalg::IndexOp::create(ib, 0);
        Value h = linalg::IndexOp::create(ib, 1);
        Value c = add(ib, mul(ib, h, d), linalg::IndexOp::create(ib, 2));
        Value p = arith::MulFOp::create(
            ib, at(ib, tables[0], {readers[0].row(ib, e), c}),
            at(ib, tables[1], {readers[1].row(ib, e), c}));
        return {arith::AddFOp::create(ib, args[1], p)};
      })};
}

namespace {

/// node_reduce's operands and the folds over one node's edges.
struct NodeFolds {
  Value segments, n, relations, table, scores, d;
  RowReader reader;
  OpFoldResult width;
  int64_t heads;

  /// Folds `step(s, e)` over the edges of segment `key` (positions
  /// [segments[key], segments[key + 1])) from `init`; also their count.
  std::pair<SmallVector<Value>, Value> overSegment(TensorBuilder &b, Value key,
                                                   ValueRange init,
                                                   const LoopBody &step) const {
    Value lo = indexAt(b, segments, {key});
    Value hi = indexAt(b, segments, {add(b, key, idx(b, 1))});
    ValueRange r = forLoop(b, lo, hi, init, step);
    return {SmallVector<Value>(r), arith::SubIOp::create(b, hi, lo)};
  }
  Value key(IB &b, Value rel, Value node) const {
    return add(b, mul(b, rel, n), node);
  }
  /// combine(s[c], table[row of e, c], c) over a [w] row.
  Value foldEdge(
      TensorBuilder &b, Value s, Value e,
      const std::function<Value(IB &, Value, Value, Value)> &combine) const {
    Value row = reader.row(b, e);
    return b.generic({}, {}, s, b.identity(1), loopTypes(1),
                     [&](IB &ib, ValueRange a) -> SmallVector<Value> {
                       Value c = linalg::IndexOp::create(ib, 0);
                       return {combine(ib, a[0], at(ib, table, {row, c}), c)};
                     });
  }
  /// s + weight(c) · table[row of e, c] (weight 1 if null).
  Value addEdge(TensorBuilder &b, Value s, Value e,
                const std::function<Value(IB &, Value)> &weight = {}) const {
    return foldEdge(b, s, e, [&](IB &ib, Value acc, Value v, Value c) {
      if (weight)
        v = arith::MulFOp::create(ib, v, weight(ib, c));
      return arith::AddFOp::create(ib, acc, v).getResult();
    });
  }
  /// max(s, table[row of e, c]).
  Value maxEdge(TensorBuilder &b, Value s, Value e) const {
    return foldEdge(b, s, e, [](IB &ib, Value acc, Value v, Value) {
      return arith::MaximumFOp::create(ib, acc, v).getResult();
    });
  }
  Value head(IB &b, Value c) const { return arith::DivUIOp::create(b, c, d); }
  Value score(IB &b, Value e, Value h) const { return at(b, scores, {e, h}); }
  Value zeros(TensorBuilder &b, OpFoldResult size) const {
    return b.zeros({size});
  }

  /// sum (scaled per head by `scores` if any), mean, mean_per_relation.
  Value sums(TensorBuilder &b, Value node, rgnn::NodeReduceKind kind) const {
    bool perRelation = kind == rgnn::NodeReduceKind::mean_per_relation;
    std::function<Value(IB &, Value)> noWeight;
    ValueRange total = forLoop(
        b, idx(b, 0), relations, {zeros(b, width), idx(b, 0)},
        [&](TensorBuilder &rb, Value rel, ValueRange c) {
          Value start = perRelation ? zeros(rb, width) : c[0];
          auto [seg, count] = overSegment(
              rb, key(rb, rel, node), {start},
              [&](TensorBuilder &pb, Value e, ValueRange s) {
                auto weight = [&](IB &ib, Value col) {
                  return score(ib, e, head(ib, col));
                };
                return SmallVector<Value>{
                    addEdge(pb, s[0], e,
                            scores ? std::function<Value(IB &, Value)>(weight)
                                   : noWeight)};
              });
          Value sum =
              perRelation
                  ? added(rb, c[0], scaled(rb, seg[0], inverseCount(rb, count)))
                  : seg[0];
          return SmallVector<Value>{sum, add(rb, c[1], count)};
        });
    if (kind == rgnn::NodeReduceKind::mean)
      return scaled(b, total[0], inverseCount(b, total[1]));
    return total[0];
  }

  /// Σ_e α_e·value with α the per-head softmax of the scores of the edges
  /// into `node`: their max first, then the weights and sums.
  Value softmaxSum(TensorBuilder &b, Value node) const {
    OpFoldResult h = b.getIndexAttr(heads);
    auto overEdges = [&](ValueRange init, const LoopBody &step) {
      return forLoop(
          b, idx(b, 0), relations, init,
          [&](TensorBuilder &rb, Value rel, ValueRange c) {
            return overSegment(rb, key(rb, rel, node), c, step).first;
          });
    };
    Value lowest =
        linalg::FillOp::create(
            b, ValueRange{constF32(b, -std::numeric_limits<float>::infinity())},
            ValueRange{b.empty({h})})
            .getResult(0);
    Value maxes =
        overEdges({lowest}, [&](TensorBuilder &pb, Value e, ValueRange m) {
          return SmallVector<Value>{pb.generic(
              {}, {}, m[0], pb.identity(1), loopTypes(1),
              [&](IB &ib, ValueRange a) -> SmallVector<Value> {
                Value hd = linalg::IndexOp::create(ib, 0);
                return {arith::MaximumFOp::create(ib, a[0], score(ib, e, hd))};
              })};
        })[0];
    ValueRange sums =
        overEdges({zeros(b, h), zeros(b, width)}, [&](TensorBuilder &pb,
                                                      Value e, ValueRange c) {
          Value weights = pb.generic(
              {maxes}, {pb.identity(1)}, pb.empty({h}), pb.identity(1),
              loopTypes(1), [&](IB &ib, ValueRange a) -> SmallVector<Value> {
                Value hd = linalg::IndexOp::create(ib, 0);
                return {math::ExpOp::create(
                    ib, arith::SubFOp::create(ib, score(ib, e, hd), a[0]))};
              });
          Value acc = addEdge(pb, c[1], e, [&](IB &ib, Value col) {
            return at(ib, weights, {head(ib, col)});
          });
          return SmallVector<Value>{added(pb, c[0], weights), acc};
        });
    // 1/l per head, or 0 for a node with no incoming edge (l = 0, sum = 0).
    Value l = sums[0];
    return b.generic({}, {}, sums[1], b.identity(1), loopTypes(1),
                     [&](IB &ib, ValueRange a) -> SmallVector<Value> {
                       Value c = linalg::IndexOp::create(ib, 0);
                       Value lh = at(ib, l, {head(ib, c)});
                       Value has = arith::CmpFOp::create(
                           ib, arith::CmpFPredicate::OGT, lh, constF32(ib, 0));
                       Value inv = arith::SelectOp::create(
                           ib, has,
                           arith::DivFOp::create(ib, constF32(ib, 1.0), lh),
                           constF32(ib, 0.0));
                       return {arith::MulFOp::create(ib, a[0], inv)};
                     });
  }

  /// pair_mean / pair_max: the mean (or the elementwise max, 0 when empty)
  /// of segment r·N + i into row out_rows[r·N + i] of a table of `rows`
  /// rows, for each pair present.
  Value pairRows(TensorBuilder &b, Value outRows, Value rows, bool max) const {
    Value y = b.zeros({rows, width});
    Value keys = mul(b, relations, n);
    return forLoop(
        b, idx(b, 0), keys, {y}, [&](TensorBuilder &lb, Value k, ValueRange c) {
          Value row = at(lb, outRows, {k});
          Value has = cmp(lb, CmpIPredicate::sge, row, i64(lb, 0));
          auto write = scf::IfOp::create(
              lb, has,
              [&](OpBuilder &tb, Location loc) {
                TensorBuilder wb(loc, tb);
                Value start =
                    max ? linalg::FillOp::create(
                              wb,
                              ValueRange{constF32(
                                  wb, -std::numeric_limits<float>::infinity())},
                              ValueRange{wb.empty({width})})
                              .getResult(0)
                        : zeros(wb, width);
                auto [fold, count] = overSegment(
                    wb, k, {start},
                    [&](TensorBuilder &pb, Value e, ValueRange s) {
                      return SmallVector<Value>{max ? maxEdge(pb, s[0], e)
                                                    : addEdge(pb, s[0], e)};
                    });
                Value out;
                if (max) {
                  Value some = cmp(wb, CmpIPredicate::ugt, count, idx(wb, 0));
                  out = wb.map({fold[0]}, fold[0],
                               [&](IB &ib, ValueRange a) -> Value {
                                 return arith::SelectOp::create(
                                     ib, some, a[0], constF32(ib, 0.0));
                               });
                } else {
                  out = scaled(wb, fold[0], inverseCount(wb, count));
                }
                scf::YieldOp::create(
                    wb, ValueRange{intoRow(wb, out, c[0], toIndex(wb, row))});
              },
              [&](OpBuilder &eb, Location loc) {
                scf::YieldOp::create(eb, loc, c[0]);
              });
          return SmallVector<Value>{write.getResult(0)};
        })[0];
  }
};

} // namespace

Results nodeReduceBody(TensorBuilder &b, Checks &, rgnn::NodeReduceOp op,
                       const BodyOperand &in) {
  NodeFolds f;
  f.segments = in(op.getSegments());
  f.n = in(op.getNumNodes());
  f.table = in(op.getTable());
  f.scores = in(op.getScores());
  f.reader = {in(op.getSrc()), in(op.getDst()), in(op.getTypes()),
              in(op.getRowMap()), op.getMode()};
  f.width = lastSize(b, f.table);
  f.heads =
      f.scores ? cast<RankedTensorType>(f.scores.getType()).getDimSize(1) : 1;
  f.d = arith::DivUIOp::create(b, b.dim(f.table, 1), idx(b, f.heads));
  // R = (|segments| − 1) / N.
  f.relations = arith::DivUIOp::create(
      b, arith::SubIOp::create(b, b.dim(f.segments, 0), idx(b, 1)),
      arith::MaxUIOp::create(b, f.n, idx(b, 1)));
  rgnn::NodeReduceKind kind = op.getKind();
  if (kind == rgnn::NodeReduceKind::pair_mean ||
      kind == rgnn::NodeReduceKind::pair_max)
    return {f.pairRows(b, in(op.getOutRows()), in(op.getRows()),
                       kind == rgnn::NodeReduceKind::pair_max)};
  // A parallel loop over destination nodes, each writing its own row.
  auto forall =
      scf::ForallOp::create(b, ArrayRef<OpFoldResult>{f.n},
                            ValueRange{b.empty({f.n, f.width})}, std::nullopt);
  TensorBuilder nb(b.getLoc(), b);
  nb.setInsertionPoint(forall.getTerminator());
  Value node = forall.getBody()->getArgument(0);
  Value row = kind == rgnn::NodeReduceKind::softmax_sum
                  ? f.softmaxSum(nb, node)
                  : f.sums(nb, node, kind);
  nb.setInsertionPointToStart(forall.getTerminator().getBody());
  tensor::ParallelInsertSliceOp::create(
      nb, row, forall.getRegionIterArgs()[0],
      SmallVector<OpFoldResult>{node, nb.getIndexAttr(0)},
      SmallVector<OpFoldResult>{nb.getIndexAttr(1), f.width},
      SmallVector<OpFoldResult>(2, nb.getIndexAttr(1)));
  return {forall.getResult(0)};
}

} // namespace seqc::graph

namespace seqc {

namespace {

template <typename OpTy>
using GraphBody = Results (*)(TensorBuilder &, Checks &, OpTy,
                              const graph::BodyOperand &);

/// `OpTy` as the kernel call `kernel`: the template's attributes and
/// operands, `body` its target-independent form.
template <typename OpTy>
void addTemplate(RewritePatternSet &patterns, Checks &checks, StringRef kernel,
                 GraphBody<OpTy> body) {
  patterns.add<LowerOpPattern<OpTy>>(
      patterns.getContext(), checks,
      [kernel = kernel.str(), body](TensorBuilder &b, OpTy op,
                                    Checks &checks) -> FailureOr<Results> {
        SmallVector<NamedAttribute> attrs(op->getAttrs());
        attrs.push_back(b.getNamedAttr(
            "template", b.getStringAttr(op->getName().getStringRef())));
        ValueRange operands = op->getOperands();
        return buildKernelCall(b, kernel, attrs, operands,
                               [&](TensorBuilder &kb, ValueRange args) {
                                 graph::BodyOperand in = [&](Value v) -> Value {
                                   for (auto [operand, arg] :
                                        llvm::zip(operands, args))
                                     if (v && operand == v)
                                       return arg;
                                   return {};
                                 };
                                 return body(kb, checks, op, in);
                               });
      });
}

} // namespace

Operation *rebuildTemplate(TensorBuilder &b, func::CallOp call,
                           DictionaryAttr kernel) {
  OperationState state(call.getLoc(),
                       kernel.getAs<StringAttr>("template").getValue());
  state.addOperands(call.getOperands());
  state.addTypes(call.getResultTypes());
  for (NamedAttribute a : kernel)
    if (a.getName() != "name" && a.getName() != "template")
      state.addAttribute(a.getName(), a.getValue());
  return b.create(state);
}

void populateGraphPatterns(RewritePatternSet &patterns, Checks &checks) {
  using namespace graph;
  addTemplate<rgnn::GraphLayoutOp>(patterns, checks, "graph_layout",
                                   graphLayoutBody);
  addTemplate<rgnn::NodeLayoutOp>(patterns, checks, "node_layout",
                                  nodeLayoutBody);
  addTemplate<rgnn::PairRowsOp>(patterns, checks, "pair_rows", pairRowsBody);
  addTemplate<rgnn::GemmOp>(patterns, checks, "segment_gemm", gemmBody);
  addTemplate<rgnn::EdgeMapOp>(patterns, checks, "edge_map", edgeMapBody);
  addTemplate<rgnn::NodeReduceOp>(patterns, checks, "node_reduce",
                                  nodeReduceBody);
}

} // namespace seqc
