//===- BuildingBlockOps.cpp - Shapes of the SPEC §4.1 building blocks -----===//
#include "dialects/common/OpImpl.h"
#include "dialects/seq/SeqDialect.h"

using namespace mlir;
using namespace seqc;
using namespace seqc::seq;

/// An f32 tensor of rank ≥ 1 (feature-last ops).
static FailureOr<RankedTensorType> featureTensor(const ShapeChecker &c, Value v,
                                                 StringRef what) {
  auto t = c.tensor(v, what, -1);
  if (succeeded(t) && t->getRank() < 1)
    return c.error("operand '" + what + "' must have rank at least 1");
  return t;
}

SEQC_WEIGHT_SPECS(LinearOp) {
  auto out = c.intAttr("out");
  auto bias = c.boolAttr("bias");
  if (failed(out) || failed(bias))
    return failure();
  WeightSpecs specs{{"weight", {*out, lastDim(inputs[0])}}};
  if (*bias)
    specs.push_back({"bias", {*out}});
  return specs;
}

SEQC_INFER(LinearOp) {
  auto x = featureTensor(c, a.getX(), "x");
  if (failed(x) || failed(checkWeights<LinearOp>(c, loc, {a.getX()}, a)))
    return failure();
  SmallVector<int64_t> shape(x->getShape());
  shape.back() = *c.intAttr("out");
  out.push_back(c.f32(shape));
  return success();
}

SEQC_WEIGHT_SPECS(EmbeddingOp) {
  auto num = c.intAttr("num");
  auto dim = c.intAttr("dim");
  if (failed(num) || failed(dim))
    return failure();
  return WeightSpecs{{"weight", {*num, *dim}}};
}

SEQC_INFER(EmbeddingOp) {
  auto ids = c.tensor(a.getIds(), "ids", -1, Elem::Index);
  if (failed(ids) || failed(checkWeights<EmbeddingOp>(c, loc, {a.getIds()}, a)))
    return failure();
  SmallVector<int64_t> shape(ids->getShape());
  shape.push_back(*c.intAttr("dim"));
  out.push_back(c.f32(shape));
  return success();
}

/// rms_norm and layer_norm: `weight[D]` and, for layer_norm, `bias[D]`.
static FailureOr<WeightSpecs>
normWeightSpecs(const ShapeChecker &c, ValueRange inputs, bool withBias) {
  if (failed(c.floatAttr("eps", FloatBound::NonNegative)))
    return failure();
  int64_t d = lastDim(inputs[0]);
  WeightSpecs specs{{"weight", {d}}};
  if (withBias)
    specs.push_back({"bias", {d}});
  return specs;
}

SEQC_WEIGHT_SPECS(RMSNormOp) { return normWeightSpecs(c, inputs, false); }

SEQC_INFER(RMSNormOp) {
  auto x = featureTensor(c, a.getX(), "x");
  if (failed(x) || failed(checkWeights<RMSNormOp>(c, loc, {a.getX()}, a)))
    return failure();
  out.push_back(*x);
  return success();
}

SEQC_WEIGHT_SPECS(LayerNormOp) { return normWeightSpecs(c, inputs, true); }

SEQC_INFER(LayerNormOp) {
  auto x = featureTensor(c, a.getX(), "x");
  if (failed(x) || failed(checkWeights<LayerNormOp>(c, loc, {a.getX()}, a)))
    return failure();
  out.push_back(*x);
  return success();
}

/// NumPy broadcasting of two shapes, aligned at the last dimension.
static LogicalResult broadcast(const ShapeChecker &c, Value av, Value bv,
                               SmallVectorImpl<Type> &out) {
  auto a = c.tensor(av, "a", -1);
  auto b = c.tensor(bv, "b", -1);
  if (failed(a) || failed(b))
    return failure();
  ArrayRef<int64_t> sa = a->getShape(), sb = b->getShape();
  size_t rank = std::max(sa.size(), sb.size());
  SmallVector<int64_t> shape(rank);
  for (size_t i = 0; i < rank; ++i) {
    int64_t da = i < rank - sa.size() ? 1 : sa[i - (rank - sa.size())];
    int64_t db = i < rank - sb.size() ? 1 : sb[i - (rank - sb.size())];
    if (da == 1 || da == db)
      shape[i] = db;
    else if (db == 1)
      shape[i] = da;
    else if (ShapedType::isDynamic(da))
      shape[i] = db;
    else if (ShapedType::isDynamic(db))
      shape[i] = da;
    else
      return c.error("operands of shapes " + shapeStr(sa) + " and " +
                     shapeStr(sb) + " do not broadcast");
  }
  out.push_back(c.f32(shape));
  return success();
}

SEQC_INFER(AddOp) { return broadcast(c, a.getA(), a.getB(), out); }
SEQC_INFER(MulOp) { return broadcast(c, a.getA(), a.getB(), out); }

SEQC_INFER(ActOp) {
  auto x = c.tensor(a.getX(), "x", -1);
  if (failed(x) || failed(c.enumAttr<ActKindAttr>("kind")))
    return failure();
  out.push_back(*x);
  return success();
}

SEQC_WEIGHT_SPECS(GLUMLPOp) {
  auto h = c.intAttr("hidden");
  if (failed(h))
    return failure();
  int64_t d = lastDim(inputs[0]);
  return WeightSpecs{{"gate_proj.weight", {*h, d}},
                     {"up_proj.weight", {*h, d}},
                     {"down_proj.weight", {d, *h}}};
}

SEQC_INFER(GLUMLPOp) {
  auto x = featureTensor(c, a.getX(), "x");
  if (failed(x) || failed(checkWeights<GLUMLPOp>(c, loc, {a.getX()}, a)))
    return failure();
  out.push_back(*x);
  return success();
}
