//===- GraphOps.cpp - Shapes of the rgnn inter-operator ops ---------------===//
#include "dialects/common/OpImpl.h"
#include "dialects/rgnn/GraphChecks.h"
#include "dialects/rgnn/RGNNDialect.h"

using namespace mlir;
using namespace seqc;
using namespace seqc::rgnn;

SEQC_INFER(TypedLinearOp) {
  auto x = c.tensor(a.getX(), "x", 2);
  auto types = c.tensor(a.getTypes(), "types", 1, Elem::Index);
  auto w = c.tensor(a.getWeight(), "weight", -1);
  auto bias = c.optTensor(a.getBias(), "bias", 2);
  if (failed(x) || failed(types) || failed(w) || failed(bias) ||
      failed(c.shapeIs(*types, "types", {x->getDimSize(0)})))
    return failure();
  ArrayRef<int64_t> ws = w->getShape();
  int64_t width;
  if (w->getRank() == 3) {
    if (failed(
            c.sameDim(ws[1], x->getDimSize(1), "input widths of weight and x")))
      return failure();
    width = ws[2];
  } else if (w->getRank() == 4) {
    if (failed(c.sameDim(mulDim(ws[1], ws[2]), x->getDimSize(1),
                         "heads × block width of weight and width of x")))
      return failure();
    width = mulDim(ws[1], ws[3]);
  } else {
    return c.error("operand 'weight' must be [T, I, O] or [T, H, I/H, O'], "
                   "got rank " +
                   Twine(w->getRank()));
  }
  if (*bias && failed(c.shapeIs(*bias, "bias", {ws[0], width})))
    return failure();
  out.push_back(c.f32({x->getDimSize(0), width}));
  return success();
}

SEQC_INFER(GatherOp) {
  auto x = c.tensor(a.getX(), "x", -1);
  auto e = edgeCount(c, a.getEdgeIndex());
  if (failed(x) || failed(e) || failed(c.enumAttr("side", {"src", "dst"})))
    return failure();
  if (x->getRank() < 1)
    return c.error("operand 'x' must have rank at least 1");
  SmallVector<int64_t> shape(x->getShape());
  shape[0] = *e;
  out.push_back(c.f32(shape));
  return success();
}

SEQC_INFER(EdgeSoftmaxOp) {
  auto s = c.tensor(a.getScores(), "scores", -1);
  auto e = edgeCount(c, a.getEdgeIndex());
  if (failed(s) || failed(e))
    return failure();
  if (s->getRank() != 1 && s->getRank() != 2)
    return c.error("operand 'scores' must be [E] or [E, H], got rank " +
                   Twine(s->getRank()));
  if (failed(c.sameDim(s->getDimSize(0), *e,
                       "edge counts of scores and "
                       "edge_index")))
    return failure();
  out.push_back(*s);
  return success();
}

SEQC_INFER(AggregateOp) {
  auto m = c.tensor(a.getMsgs(), "msgs", 2);
  auto e = edgeCount(c, a.getEdgeIndex());
  auto scale = c.optTensor(a.getScale(), "scale", 2);
  auto reduce = c.enumAttr("reduce", {"sum", "mean"});
  if (failed(m) || failed(e) || failed(scale) || failed(reduce) ||
      failed(c.sameDim(m->getDimSize(0), *e,
                       "edge counts of msgs and edge_index")))
    return failure();
  if (a.getEdgeType()) {
    if (failed(indexVector(c, a.getEdgeType(), "edge_type", *e)))
      return failure();
    if (*reduce != "mean")
      return c.error("per-relation aggregation ('edge_type') needs reduce = "
                     "\"mean\"");
    if (failed(c.intAttr("relations")))
      return failure();
  } else if (c.attrs() && c.attrs().get("relations")) {
    return c.error("attribute 'relations' needs operand 'edge_type'");
  }
  if (*scale) {
    int64_t heads = scale->getDimSize(1);
    if (failed(c.sameDim(scale->getDimSize(0), *e,
                         "edge counts of scale and edge_index")))
      return failure();
    if (!ShapedType::isDynamic(heads) &&
        failed(c.divides(heads, m->getDimSize(1), "width of msgs")))
      return failure();
  }
  out.push_back(c.f32({ShapedType::kDynamic, m->getDimSize(1)}));
  return success();
}
