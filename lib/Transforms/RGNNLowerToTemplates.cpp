//===- RGNNLowerToTemplates.cpp - inter-operator ops → templates ----------===//
#include "dialects/rgnn/RGNNDialect.h"
#include "seqc/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/ImplicitLocOpBuilder.h"

namespace seqc {
#define GEN_PASS_DEF_RGNNLOWERTOTEMPLATES
#include "seqc/Transforms/Passes.h.inc"
} // namespace seqc

using namespace mlir;
using namespace seqc::rgnn;

namespace {

struct Layout {
  Value src, dst, types, order, segments;
  int64_t relations;
};

struct PairTable {
  Value nodes, offsets, rowOf, edgeRows, dense;
};

/// A per-edge value as the templates read it: row `mode` of `table`
/// (through `edgeRows`, a row per edge, for pair modes). Mode `edge` is a
/// real [E, ...] tensor in the layout's order.
/// R of a relation_linear: its weight is [R, in, out].
int64_t relationsOf(RelationLinearOp t) {
  return cast<RankedTensorType>(t.getWeight().getType()).getDimSize(0);
}

struct EdgeValue {
  Value table;
  /// None for rgnn.pair_mean's per-pair table, which only pair_linear
  /// reads (no edge reads it).
  std::optional<RowMode> mode;
  Value edgeRows;
};

/// The row mode of a node's rows read at an edge's `side`, directly or
/// through a per-pair table.
static RowMode rowMode(Side side, bool perPair) {
  if (perPair)
    return side == Side::src ? RowMode::pair_src : RowMode::pair_dst;
  return side == Side::src ? RowMode::src : RowMode::dst;
}

/// Fails at `op` when one of `values` is a per-pair table, not a value per
/// edge.
static LogicalResult checkReadPerEdge(Operation *op,
                                      ArrayRef<EdgeValue> values) {
  for (const EdgeValue &e : values)
    if (!e.mode)
      return op->emitOpError("reads rgnn.pair_mean's per-pair table per "
                             "edge; only rgnn.pair_linear reads it");
  return success();
}

class Lowering {
public:
  explicit Lowering(MLIRContext *ctx) : ctx(ctx) {}

  LogicalResult lower(Operation *op);
  /// Replaces the uses left of the lowered ops and erases them.
  LogicalResult finish(ArrayRef<Operation *> lowered);

private:
  MLIRContext *ctx;
  // Keyed by the graph and its number of relations (or node types): a
  // layout is checked against, and sized for, that number.
  std::map<std::tuple<void *, void *, void *, int64_t>, Layout> layouts;
  std::map<std::pair<void *, int64_t>, std::array<Value, 3>> nodeLayouts;
  std::map<std::tuple<void *, void *, void *, Side, Materialize>, PairTable>
      pairTables;
  DenseMap<Value, EdgeValue> edgeValues;
  DenseMap<Value, PairTable> pairMeans;
  DenseMap<Value, Value> replacement;

  RankedTensorType indexVec() const {
    return RankedTensorType::get({ShapedType::kDynamic},
                                 IntegerType::get(ctx, 64));
  }
  Layout &layout(ImplicitLocOpBuilder &b, Value edgeIndex, Value edgeType,
                 Value n, int64_t relations);
  PairTable pairRows(ImplicitLocOpBuilder &b, const Layout &l, Side side,
                     Value n, Materialize materialize, Operation *op);
  EdgeValue edgeValue(Value v) const;
  /// The layout of the graph a relation_linear reads.
  Layout &layoutOf(ImplicitLocOpBuilder &b, RelationLinearOp t) {
    return layout(b, t.getEdgeIndex(), t.getEdgeType(), t.getNumNodes(),
                  relationsOf(t));
  }
  Value rowCount(ImplicitLocOpBuilder &b, Value offsets, int64_t relations);
  Value emptyRows(ImplicitLocOpBuilder &b, Value rows, int64_t width,
                  bool zero);
  Value offsetsOf(ImplicitLocOpBuilder &b, Value rows);

  Value typedLinear(ImplicitLocOpBuilder &b, TypedLinearOp op);
  void relationLinear(ImplicitLocOpBuilder &b, RelationLinearOp op);
  FailureOr<Value> edgeDot(ImplicitLocOpBuilder &b, EdgeDotOp op);
  LogicalResult aggregate(ImplicitLocOpBuilder &b, AggregateOp op);
  void pairMean(ImplicitLocOpBuilder &b, PairMeanOp op);
  LogicalResult pairLinear(ImplicitLocOpBuilder &b, PairLinearOp op);
};

int64_t width(Value t) {
  return cast<RankedTensorType>(t.getType()).getShape().back();
}

Value Lowering::emptyRows(ImplicitLocOpBuilder &b, Value rows, int64_t w,
                          bool zero) {
  auto f32 = b.getF32Type();
  Value t = tensor::EmptyOp::create(
      b, RankedTensorType::get({ShapedType::kDynamic, w}, f32),
      ValueRange{rows});
  if (!zero)
    return t;
  Value z = arith::ConstantOp::create(b, b.getF32FloatAttr(0));
  return linalg::FillOp::create(b, z, t).getResult(0);
}

/// [0, rows]: one segment of all rows.
Value Lowering::offsetsOf(ImplicitLocOpBuilder &b, Value rows) {
  Value zero = arith::ConstantOp::create(b, b.getI64IntegerAttr(0));
  Value end = arith::IndexCastOp::create(b, b.getI64Type(), rows);
  return tensor::FromElementsOp::create(b, ValueRange{zero, end});
}

/// offsets[relations] as an index.
Value Lowering::rowCount(ImplicitLocOpBuilder &b, Value offsets,
                         int64_t relations) {
  Value last = arith::ConstantIndexOp::create(b, relations);
  Value v = tensor::ExtractOp::create(b, offsets, ValueRange{last});
  return arith::IndexCastOp::create(b, b.getIndexType(), v);
}

Layout &Lowering::layout(ImplicitLocOpBuilder &b, Value edgeIndex,
                         Value edgeType, Value n, int64_t relations) {
  auto key = std::make_tuple(edgeIndex.getAsOpaquePointer(),
                             edgeType.getAsOpaquePointer(),
                             n.getAsOpaquePointer(), relations);
  auto it = layouts.find(key);
  if (it != layouts.end())
    return it->second;
  auto vec = indexVec();
  auto segs = RankedTensorType::get({ShapedType::kDynamic}, b.getI64Type());
  auto op = GraphLayoutOp::create(b, TypeRange{vec, vec, vec, vec, segs},
                                  edgeIndex, edgeType, n, relations);
  Layout l{op.getSrc(),   op.getDst(),      op.getTypes(),
           op.getOrder(), op.getSegments(), relations};
  return layouts.insert({key, l}).first->second;
}

PairTable Lowering::pairRows(ImplicitLocOpBuilder &b, const Layout &l,
                             Side side, Value n, Materialize materialize,
                             Operation *op) {
  Value node = side == Side::src ? l.src : l.dst;
  auto key = std::make_tuple(node.getAsOpaquePointer(),
                             l.segments.getAsOpaquePointer(),
                             n.getAsOpaquePointer(), side, materialize);
  auto it = pairTables.find(key);
  if (it != pairTables.end())
    return it->second;
  auto vec = indexVec();
  auto rows = PairRowsOp::create(
      b, TypeRange{vec, vec, vec, vec, b.getI1Type()}, node, l.types,
      l.segments, n, b.getI64IntegerAttr(l.relations),
      MaterializeAttr::get(b.getContext(), materialize), FloatAttr());
  if (auto t = op->getAttrOfType<FloatAttr>("threshold"))
    rows.setThresholdAttr(t);
  PairTable p{rows.getNodes(), rows.getOffsets(), rows.getRowOf(),
              rows.getEdgeRows(), rows.getDense()};
  pairTables[key] = p;
  return p;
}

EdgeValue Lowering::edgeValue(Value v) const {
  auto it = edgeValues.find(v);
  if (it != edgeValues.end())
    return it->second;
  return {v, RowMode::edge, {}};
}

/// Per-edge operands must come from the rgnn ops (directly or through
/// elementwise ops on them): the templates keep per-edge values in the
/// graph layout's order, not in edge_index order.
static LogicalResult checkPerEdge(Operation *op, ArrayRef<Value> values) {
  for (Value v : values)
    if (v && isa<BlockArgument>(v))
      return op->emitOpError("takes a per-edge operand from outside the "
                             "rgnn ops, which the templates cannot order "
                             "like their own (the graph layout's order)");
  return success();
}

Value Lowering::typedLinear(ImplicitLocOpBuilder &b, TypedLinearOp op) {
  Value x = op.getX();
  Value rows = tensor::DimOp::create(b, x, 0);
  Value init = emptyRows(b, rows, width(op.getWeight()), false);
  if (!op.getTypes())
    return GemmOp::create(b, init.getType(), x, op.getWeight(),
                          offsetsOf(b, rows), init, Value(), Value(), Value(),
                          op.getBias(), false);
  int64_t types =
      cast<RankedTensorType>(op.getWeight().getType()).getDimSize(0);
  auto nodeKey = std::make_pair(op.getTypes().getAsOpaquePointer(), types);
  auto it = nodeLayouts.find(nodeKey);
  if (it == nodeLayouts.end()) {
    auto vec = indexVec();
    auto nl = NodeLayoutOp::create(b, TypeRange{vec, vec, vec}, op.getTypes(),
                                   rows, types);
    it = nodeLayouts
             .insert({nodeKey, {nl.getTypes(), nl.getOrder(), nl.getOffsets()}})
             .first;
  }
  Value order = it->second[1], offsets = it->second[2];
  return GemmOp::create(b, init.getType(), x, op.getWeight(), offsets, init,
                        order, Value(), order, op.getBias(), false);
}

void Lowering::relationLinear(ImplicitLocOpBuilder &b, RelationLinearOp op) {
  int64_t relations = relationsOf(op);
  Layout &l = layoutOf(b, op);
  PairTable p =
      pairRows(b, l, op.getSide(), op.getNumNodes(), op.getMaterialize(), op);
  int64_t w = width(op.getWeight());
  if (op.getMaterialize() == Materialize::edge) {
    // A row per edge, in the layout's order.
    Value edges = tensor::DimOp::create(b, l.src, 0);
    Value init = emptyRows(b, edges, w, false);
    Value y =
        GemmOp::create(b, init.getType(), op.getX(), op.getWeight(), p.offsets,
                       init, p.nodes, Value(), Value(), Value(), false);
    edgeValues[op.getResult()] = {y, RowMode::edge, {}};
    return;
  }
  Value init = emptyRows(b, rowCount(b, p.offsets, relations), w, false);
  Value table =
      GemmOp::create(b, init.getType(), op.getX(), op.getWeight(), p.offsets,
                     init, p.nodes, p.dense, Value(), Value(), false);
  edgeValues[op.getResult()] = {table, rowMode(op.getSide(), true), p.edgeRows};
}

FailureOr<Value> Lowering::edgeDot(ImplicitLocOpBuilder &b, EdgeDotOp op) {
  EdgeValue a = edgeValue(op.getA());
  EdgeValue bv = op.getEdgeType() ? EdgeValue{op.getB(), RowMode::type, {}}
                                  : edgeValue(op.getB());
  // The graph: that of the operand that came from a relation op (a
  // gather alone does not know the relations).
  RelationLinearOp t = op.getA().getDefiningOp<RelationLinearOp>();
  if (!t)
    t = op.getB().getDefiningOp<RelationLinearOp>();
  if (!t)
    return op.emitOpError("needs an operand from rgnn.relation_linear"),
           failure();
  if (failed(checkReadPerEdge(op, {a, bv})))
    return failure();
  Layout &l = layoutOf(b, t);
  SmallVector<Value> tables{a.table, bv.table}, maps;
  SmallVector<Attribute> modes;
  for (const EdgeValue &e : {a, bv}) {
    modes.push_back(RowModeAttr::get(ctx, *e.mode));
    if (e.edgeRows)
      maps.push_back(e.edgeRows);
  }
  int64_t heads = op.getHeads();
  auto type =
      RankedTensorType::get({ShapedType::kDynamic, heads}, b.getF32Type());
  return EdgeMapOp::create(b, type, l.src, l.dst, l.types, t.getNumNodes(),
                           tables, maps, EdgeMapKind::dot,
                           ArrayAttr::get(ctx, modes), heads)
      .getResult();
}

LogicalResult Lowering::aggregate(ImplicitLocOpBuilder &b, AggregateOp op) {
  EdgeValue m = edgeValue(op.getMsgs());
  if (failed(checkReadPerEdge(op, {m})))
    return failure();
  auto t = op.getMsgs().getDefiningOp<RelationLinearOp>();
  int64_t relations = op.getRelations() ? int64_t(*op.getRelations())
                      : t               ? relationsOf(t)
                                        : 1;
  Value edgeType = op.getEdgeType() ? op.getEdgeType()
                   : t              ? t.getEdgeType()
                                    : Value();
  if (!edgeType)
    return op.emitOpError("needs the edge types of its graph (an edge_type "
                          "operand or relation_linear messages)");
  Layout &l =
      layout(b, op.getEdgeIndex(), edgeType, op.getNumNodes(), relations);
  NodeReduceKind kind;
  Value scores = op.getScale();
  // node_reduce reads scores by the edge's position: a value per edge.
  auto perEdgeScores = [&](Value v) -> FailureOr<Value> {
    EdgeValue e = edgeValue(v);
    if (e.mode != RowMode::edge)
      return op.emitOpError("scales by rows of nodes or pairs, not by a "
                            "value per edge"),
             failure();
    return e.table;
  };
  if (auto softmax =
          scores ? scores.getDefiningOp<EdgeSoftmaxOp>() : EdgeSoftmaxOp()) {
    kind = NodeReduceKind::softmax_sum;
    FailureOr<Value> s = perEdgeScores(softmax.getScores());
    if (failed(s))
      return failure();
    scores = *s;
  } else if (op.getReduce() == Reduce::sum) {
    kind = NodeReduceKind::sum;
    if (scores) {
      FailureOr<Value> s = perEdgeScores(scores);
      if (failed(s))
        return failure();
      scores = *s;
    }
  } else {
    kind = op.getEdgeType() ? NodeReduceKind::mean_per_relation
                            : NodeReduceKind::mean;
  }
  int64_t heads = scores ? width(scores) : 1;
  auto type = RankedTensorType::get({ShapedType::kDynamic, width(m.table)},
                                    b.getF32Type());
  Value y = NodeReduceOp::create(b, type, l.src, l.dst, l.types, l.segments,
                                 op.getNumNodes(), m.table, m.edgeRows, scores,
                                 Value(), Value(), kind, *m.mode, heads);
  replacement[op.getResult()] = y;
  return success();
}

void Lowering::pairMean(ImplicitLocOpBuilder &b, PairMeanOp op) {
  Layout &l = layout(b, op.getEdgeIndex(), op.getEdgeType(), op.getNumNodes(),
                     op.getRelations());
  PairTable p =
      pairRows(b, l, Side::dst, op.getNumNodes(), op.getMaterialize(), op);
  Value rows = rowCount(b, p.offsets, op.getRelations());
  auto type = RankedTensorType::get({ShapedType::kDynamic, width(op.getX())},
                                    b.getF32Type());
  Value table = NodeReduceOp::create(
      b, type, l.src, l.dst, l.types, l.segments, op.getNumNodes(), op.getX(),
      Value(), Value(), p.rowOf, rows,
      op.getReduce() == Reduce::max ? NodeReduceKind::pair_max
                                    : NodeReduceKind::pair_mean,
      RowMode::src, 1);
  pairMeans[op.getResult()] = p;
  edgeValues[op.getResult()] = {table, std::nullopt, {}};
}

LogicalResult Lowering::pairLinear(ImplicitLocOpBuilder &b, PairLinearOp op) {
  auto it = pairMeans.find(op.getA());
  if (it == pairMeans.end())
    return op.emitOpError("needs a pair_mean operand");
  auto mean = op.getA().getDefiningOp<PairMeanOp>();
  const PairTable &p = it->second;
  Value table = edgeValues[op.getA()].table;
  Value init = emptyRows(b, mean.getNumNodes(), width(op.getWeight()), true);
  // Rows are pairs grouped by relation: segment r reads its own rows (no
  // gather) and adds them into their destination nodes.
  Value y = GemmOp::create(b, init.getType(), table, op.getWeight(), p.offsets,
                           init, Value(), Value(), p.nodes, Value(), true);
  replacement[op.getResult()] = y;
  return success();
}

LogicalResult Lowering::lower(Operation *op) {
  ImplicitLocOpBuilder b(op->getLoc(), op);
  if (auto d = dyn_cast<EdgeDotOp>(op);
      d && failed(checkPerEdge(
               op, {d.getA(), d.getEdgeType() ? Value() : d.getB()})))
    return failure();
  if (auto a = dyn_cast<AggregateOp>(op);
      a && failed(checkPerEdge(op, {a.getMsgs(), a.getScale()})))
    return failure();
  if (auto s = dyn_cast<EdgeSoftmaxOp>(op);
      s && failed(checkPerEdge(op, {s.getScores()})))
    return failure();
  if (auto t = dyn_cast<TypedLinearOp>(op)) {
    replacement[t.getResult()] = typedLinear(b, t);
  } else if (auto t = dyn_cast<RelationLinearOp>(op)) {
    relationLinear(b, t);
  } else if (auto g = dyn_cast<GatherOp>(op)) {
    edgeValues[g.getResult()] = {g.getX(), rowMode(g.getSide(), false), {}};
  } else if (auto d = dyn_cast<EdgeDotOp>(op)) {
    FailureOr<Value> y = edgeDot(b, d);
    if (failed(y))
      return failure();
    edgeValues[d.getResult()] = {*y, RowMode::edge, {}};
  } else if (auto s = dyn_cast<EdgeSoftmaxOp>(op)) {
    for (Operation *user : s->getUsers()) {
      auto agg = dyn_cast<AggregateOp>(user);
      if (!agg || agg.getScale() != s.getResult() || agg.getMsgs() == s)
        return s.emitOpError("is lowered only as the scale of an aggregate");
    }
  } else if (auto a = dyn_cast<AggregateOp>(op)) {
    return aggregate(b, a);
  } else if (auto m = dyn_cast<PairMeanOp>(op)) {
    pairMean(b, m);
  } else if (auto l = dyn_cast<PairLinearOp>(op)) {
    return pairLinear(b, l);
  }
  return success();
}

LogicalResult Lowering::finish(ArrayRef<Operation *> lowered) {
  for (Operation *op : llvm::reverse(lowered)) {
    Value result = op->getResult(0);
    Value y = replacement.lookup(result);
    if (!y && !result.use_empty()) {
      // A per-edge value used outside the templates: one row per edge.
      EdgeValue e = edgeValue(result);
      y = e.table;
      if (e.mode != RowMode::edge) {
        ImplicitLocOpBuilder b(op->getLoc(), op);
        auto t = dyn_cast<RelationLinearOp>(op);
        if (!t) {
          op->emitOpError("is lowered only as an operand of rgnn ops");
          return failure();
        }
        Layout &l = layoutOf(b, t);
        SmallVector<Value> maps;
        if (e.edgeRows)
          maps.push_back(e.edgeRows);
        y = EdgeMapOp::create(
            b,
            RankedTensorType::get({ShapedType::kDynamic, width(e.table)},
                                  b.getF32Type()),
            l.src, l.dst, l.types, t.getNumNodes(), ValueRange{e.table}, maps,
            EdgeMapKind::copy,
            ArrayAttr::get(ctx, {RowModeAttr::get(ctx, *e.mode)}), 1);
      }
    }
    if (y) {
      if (y.getType() != result.getType()) {
        ImplicitLocOpBuilder b(op->getLoc(), op);
        y = tensor::CastOp::create(b, result.getType(), y);
      }
      result.replaceAllUsesWith(y);
    }
    op->erase();
  }
  return success();
}

struct RGNNLowerToTemplates
    : seqc::impl::RGNNLowerToTemplatesBase<RGNNLowerToTemplates> {
  void runOnOperation() override {
    SmallVector<Operation *> ops;
    getOperation().walk([&](Operation *op) {
      if (isa<TypedLinearOp, RelationLinearOp, GatherOp, EdgeDotOp,
              EdgeSoftmaxOp, AggregateOp, PairMeanOp, PairLinearOp>(op))
        ops.push_back(op);
    });
    Lowering lowering(&getContext());
    for (Operation *op : ops)
      if (failed(lowering.lower(op)))
        return signalPassFailure();
    if (failed(lowering.finish(ops)))
      signalPassFailure();
  }
};

} // namespace
