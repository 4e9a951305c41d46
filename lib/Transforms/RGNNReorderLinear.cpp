//===- RGNNReorderLinear.cpp - Pigeon's linear operator reorder -----------===//
#include "dialects/rgnn/RGNNDialect.h"
#include "lib/Codegen/Common/TensorBuilder.h"
#include "seqc/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

namespace seqc {
#define GEN_PASS_DEF_RGNNREORDERLINEAR
#include "seqc/Transforms/Passes.h.inc"
} // namespace seqc

using namespace mlir;
using namespace seqc;
using namespace seqc::rgnn;

namespace {

/// Both ops read the same graph.
bool sameGraph(RelationLinearOp t, Value edgeIndex, Value edgeType, Value n) {
  return t.getEdgeIndex() == edgeIndex && t.getEdgeType() == edgeType &&
         (!n || t.getNumNodes() == n);
}

/// aggregate(mean per relation, relation_linear(x, src, W)) →
/// pair_linear(pair_mean(x), W): Σ_r mean_{j∈N_r(i)} x_j·W_r =
/// Σ_r (mean_{j∈N_r(i)} x_j)·W_r.
bool reorderMean(AggregateOp agg) {
  auto t = agg.getMsgs().getDefiningOp<RelationLinearOp>();
  if (!t || agg.getReduce() != Reduce::mean || !agg.getEdgeType() ||
      agg.getScale() || t.getSide() != Side::src ||
      !sameGraph(t, agg.getEdgeIndex(), agg.getEdgeType(), agg.getNumNodes()))
    return false;
  TensorBuilder b(agg.getLoc(), agg);
  Value means = PairMeanOp::create(b, t.getX(), t.getEdgeIndex(),
                                   t.getEdgeType(), t.getNumNodes(),
                                   *agg.getRelations(), Materialize::dense);
  Value y = PairLinearOp::create(b, means, t.getWeight());
  if (y.getType() != agg.getType())
    y = tensor::CastOp::create(b, agg.getType(), y);
  agg.replaceAllUsesWith(y);
  agg.erase();
  if (t->use_empty())
    t.erase();
  return true;
}

/// edge_dot(relation_linear(x, side, W), a per relation) →
/// relation_linear(x, side, W·a): (x·W_r)·a_r = x·(W_r·a_r), per head.
bool reorderDot(EdgeDotOp dot) {
  auto t = dot.getA().getDefiningOp<RelationLinearOp>();
  if (!t || !dot.getEdgeType() ||
      !sameGraph(t, t.getEdgeIndex(), dot.getEdgeType(), Value()))
    return false;
  auto wt = cast<RankedTensorType>(t.getWeight().getType());
  int64_t r = wt.getDimSize(0), in = wt.getDimSize(1), width = wt.getDimSize(2);
  int64_t heads = dot.getHeads();
  if (ShapedType::isDynamic(r) || ShapedType::isDynamic(in) ||
      ShapedType::isDynamic(width))
    return false;
  int64_t d = width / heads;
  TensorBuilder b(dot.getLoc(), dot);
  auto f32 = b.getF32Type();
  Value w = tensor::ExpandShapeOp::create(
      b, RankedTensorType::get({r, in, heads, d}, f32), t.getWeight(),
      ArrayRef<ReassociationIndices>{{0}, {1}, {2, 3}});
  Value a = tensor::ExpandShapeOp::create(
      b, RankedTensorType::get({r, heads, d}, f32), dot.getB(),
      ArrayRef<ReassociationIndices>{{0}, {1, 2}});
  using utils::IteratorType;
  Value folded = b.generic(
      {w, a}, {b.identity(4), b.select(4, {0, 2, 3})},
      b.zeros({b.getIndexAttr(r), b.getIndexAttr(in), b.getIndexAttr(heads)}),
      b.select(4, {0, 1, 2}),
      {IteratorType::parallel, IteratorType::parallel, IteratorType::parallel,
       IteratorType::reduction},
      [](ImplicitLocOpBuilder &ib, ValueRange v) {
        Value p = arith::MulFOp::create(ib, v[0], v[1]);
        return SmallVector<Value>{arith::AddFOp::create(ib, v[2], p)};
      });
  Value y = RelationLinearOp::create(b, t.getX(), t.getEdgeIndex(),
                                     t.getEdgeType(), folded, t.getNumNodes(),
                                     t.getSide(), t.getMaterialize());
  if (y.getType() != dot.getType())
    y = tensor::CastOp::create(b, dot.getType(), y);
  dot.replaceAllUsesWith(y);
  dot.erase();
  if (t->use_empty())
    t.erase();
  return true;
}

struct RGNNReorderLinear
    : seqc::impl::RGNNReorderLinearBase<RGNNReorderLinear> {
  using RGNNReorderLinearBase::RGNNReorderLinearBase;
  void runOnOperation() override {
    if (!enable)
      return;
    SmallVector<Operation *> ops;
    getOperation().walk([&](Operation *op) {
      if (isa<AggregateOp, EdgeDotOp>(op))
        ops.push_back(op);
    });
    for (Operation *op : ops) {
      if (auto agg = dyn_cast<AggregateOp>(op))
        reorderMean(agg);
      else
        reorderDot(cast<EdgeDotOp>(op));
    }
  }
};

} // namespace
