//===- GraphOps.cpp - Shapes of the rgnn inter-operator ops ---------------===//
#include "dialects/common/OpImpl.h"
#include "dialects/rgnn/GraphChecks.h"
#include "dialects/rgnn/RGNNDialect.h"

using namespace mlir;
using namespace seqc;
using namespace seqc::rgnn;

SEQC_INFER(TypedLinearOp) {
  auto x = c.tensor(a.getX(), "x", 2);
  auto types = c.optTensor(a.getTypes(), "types", 1, Elem::I64);
  auto w = c.tensor(a.getWeight(), "weight", 3);
  auto bias = c.optTensor(a.getBias(), "bias", 2);
  if (failed(x) || failed(types) || failed(w) || failed(bias) ||
      (*types && failed(c.shapeIs(*types, "types", {x->getDimSize(0)}))))
    return failure();
  ArrayRef<int64_t> ws = w->getShape();
  if (failed(
          c.sameDim(ws[1], x->getDimSize(1), "input widths of weight and x")))
    return failure();
  if (!*types && failed(c.sameDim(ws[0], 1, "weight types without 'types'")))
    return failure();
  if (*bias && failed(c.shapeIs(*bias, "bias", {ws[0], ws[2]})))
    return failure();
  out.push_back(c.f32({x->getDimSize(0), ws[2]}));
  return success();
}

SEQC_INFER(RelationLinearOp) {
  auto x = c.tensor(a.getX(), "x", 2);
  auto e = edgeCount(c, a.getEdgeIndex());
  auto w = c.tensor(a.getWeight(), "weight", 3);
  if (failed(x) || failed(e) || failed(w) ||
      failed(indexVector(c, a.getEdgeType(), "edge_type", *e)) ||
      failed(c.enumAttr<SideAttr>("side")) ||
      failed(c.sameDim(w->getDimSize(1), x->getDimSize(1),
                       "input widths of weight and x")))
    return failure();
  out.push_back(c.f32({*e, w->getDimSize(2)}));
  return success();
}

SEQC_INFER(GatherOp) {
  auto x = c.tensor(a.getX(), "x", 2);
  auto e = edgeCount(c, a.getEdgeIndex());
  if (failed(x) || failed(e) || failed(c.enumAttr<SideAttr>("side")))
    return failure();
  out.push_back(c.f32({*e, x->getDimSize(1)}));
  return success();
}

SEQC_INFER(EdgeDotOp) {
  auto av = c.tensor(a.getA(), "a", 2);
  auto bv = c.tensor(a.getB(), "b", 2);
  auto heads = c.intAttr("heads");
  if (failed(av) || failed(bv) || failed(heads) ||
      failed(c.sameDim(av->getDimSize(1), bv->getDimSize(1),
                       "widths of a and b")) ||
      failed(c.divides(*heads, av->getDimSize(1), "width of a")))
    return failure();
  if (a.getEdgeType()) {
    if (failed(indexVector(c, a.getEdgeType(), "edge_type", av->getDimSize(0))))
      return failure();
  } else if (failed(c.sameDim(av->getDimSize(0), bv->getDimSize(0),
                              "edge counts of a and b"))) {
    return failure();
  }
  out.push_back(c.f32({av->getDimSize(0), *heads}));
  return success();
}

SEQC_INFER(EdgeSoftmaxOp) {
  auto s = c.tensor(a.getScores(), "scores", 2);
  auto e = edgeCount(c, a.getEdgeIndex());
  if (failed(s) || failed(e) ||
      failed(c.sameDim(s->getDimSize(0), *e,
                       "edge counts of scores and edge_index")))
    return failure();
  out.push_back(*s);
  return success();
}

SEQC_INFER(AggregateOp) {
  auto m = c.tensor(a.getMsgs(), "msgs", 2);
  auto e = edgeCount(c, a.getEdgeIndex());
  auto scale = c.optTensor(a.getScale(), "scale", 2);
  auto reduce = c.enumAttr<ReduceAttr>("reduce");
  if (failed(m) || failed(e) || failed(scale) || failed(reduce) ||
      failed(c.sameDim(m->getDimSize(0), *e,
                       "edge counts of msgs and edge_index")))
    return failure();
  if (a.getEdgeType()) {
    if (failed(indexVector(c, a.getEdgeType(), "edge_type", *e)))
      return failure();
    if (*reduce != Reduce::mean)
      return c.error("per-relation aggregation ('edge_type') needs reduce "
                     "mean");
    if (failed(c.intAttr("relations")))
      return failure();
  } else if (c.attrs() && c.attrs().get("relations")) {
    return c.error("attribute 'relations' needs operand 'edge_type'");
  }
  if (*reduce == Reduce::max)
    return c.error("reduce max is a pair_mean's (the max of the sources "
                   "before a relation's weight)");
  if (*scale) {
    if (*reduce != Reduce::sum)
      return c.error("operand 'scale' needs reduce sum");
    int64_t heads = scale->getDimSize(1);
    if (failed(c.sameDim(scale->getDimSize(0), *e,
                         "edge counts of scale and edge_index")))
      return failure();
    if (ShapedType::isDynamic(heads))
      return c.error("operand 'scale' must have a static number of heads");
    if (failed(c.divides(heads, m->getDimSize(1), "width of msgs")))
      return failure();
  }
  out.push_back(c.f32({ShapedType::kDynamic, m->getDimSize(1)}));
  return success();
}

SEQC_INFER(PairMeanOp) {
  auto x = c.tensor(a.getX(), "x", 2);
  auto e = edgeCount(c, a.getEdgeIndex());
  auto r = c.intAttr("relations");
  if (failed(x) || failed(e) || failed(r) ||
      failed(indexVector(c, a.getEdgeType(), "edge_type", *e)))
    return failure();
  // A per-pair table has no per-edge form.
  if (a.getMaterialize() == Materialize::edge)
    return c.error("attribute 'materialize' must be one of pair, dense, "
                   "auto, got 'edge'");
  if (a.getReduce() == Reduce::sum)
    return c.error("attribute 'reduce' must be mean or max, got 'sum'");
  out.push_back(c.f32({mulDim(*r, x->getDimSize(0)), x->getDimSize(1)}));
  return success();
}

SEQC_INFER(PairLinearOp) {
  auto x = c.tensor(a.getA(), "a", 2);
  auto w = c.tensor(a.getWeight(), "weight", 3);
  if (failed(x) || failed(w) ||
      failed(c.sameDim(w->getDimSize(1), x->getDimSize(1),
                       "input widths of weight and a")))
    return failure();
  int64_t r = w->getDimSize(0), rows = x->getDimSize(0);
  if (!ShapedType::isDynamic(r) && failed(c.divides(r, rows, "rows of a")))
    return failure();
  out.push_back(c.f32(
      {ShapedType::isDynamic(r) ? r : divDim(rows, r), w->getDimSize(2)}));
  return success();
}
