//===- LayerOps.cpp - Shapes of the rgcn, rgat and hgt layers -------------===//
#include "dialects/common/OpImpl.h"
#include "dialects/rgnn/GraphChecks.h"
#include "dialects/rgnn/RGNNDialect.h"

using namespace mlir;
using namespace seqc;
using namespace seqc::rgnn;

/// Checks x[N,F], edge_index[2,E], edge_type[E] and, if given,
/// node_type[N]; returns x's type.
static FailureOr<RankedTensorType> graphInputs(const ShapeChecker &c, Value x,
                                               Value edgeIndex, Value edgeType,
                                               Value nodeType = {}) {
  auto xt = c.tensor(x, "x", 2);
  auto e = edgeCount(c, edgeIndex);
  if (failed(xt) || failed(e) ||
      failed(indexVector(c, edgeType, "edge_type", *e)))
    return failure();
  if (nodeType &&
      failed(indexVector(c, nodeType, "node_type", xt->getDimSize(0))))
    return failure();
  return xt;
}

/// The output width `out`, divisible by `heads` when the op has heads.
static FailureOr<std::pair<int64_t, int64_t>> outAndHeads(const ShapeChecker &c,
                                                          bool hasHeads) {
  auto o = c.intAttr("out");
  if (failed(o))
    return failure();
  if (!hasHeads)
    return std::make_pair(*o, int64_t(1));
  auto h = c.intAttr("heads");
  if (failed(h) || failed(c.divides(*h, *o, "attribute 'out'")))
    return failure();
  return std::make_pair(*o, *h);
}

SEQC_WEIGHT_SPECS(RGCNOp) {
  auto r = c.intAttr("relations");
  auto o = outAndHeads(c, false);
  auto root = c.optBoolAttr("root", true);
  auto bias = c.optBoolAttr("bias", true);
  if (failed(r) || failed(o) || failed(root) || failed(bias) ||
      failed(c.optEnumAttr<AggregationAttr>("aggr", Aggregation::mean)))
    return failure();
  int64_t f = lastDim(inputs[0]), out = o->first;
  WeightSpecs specs{{"weight", {*r, f, out}}};
  if (*root)
    specs.push_back({"root", {f, out}});
  if (*bias)
    specs.push_back({"bias", {out}});
  return specs;
}

SEQC_INFER(RGCNOp) {
  auto x = graphInputs(c, a.getX(), a.getEdgeIndex(), a.getEdgeType());
  if (failed(x) ||
      failed(checkWeights<RGCNOp>(
          c, loc, {a.getX(), a.getEdgeIndex(), a.getEdgeType()}, a)))
    return failure();
  out.push_back(c.f32({x->getDimSize(0), *c.intAttr("out")}));
  return success();
}

SEQC_WEIGHT_SPECS(RGATOp) {
  auto r = c.intAttr("relations");
  auto o = outAndHeads(c, true);
  auto attention =
      c.optEnumAttr<AttentionAttr>("attention", Attention::per_relation);
  auto concat = c.optBoolAttr("concat", true);
  auto bias = c.optBoolAttr("bias", true);
  if (failed(r) || failed(o) || failed(c.floatAttr("negative_slope")) ||
      failed(attention) || failed(concat) || failed(bias))
    return failure();
  int64_t f = lastDim(inputs[0]), out = o->first, h = o->second;
  WeightSpecs specs;
  if (*attention == Attention::shared) {
    specs = {{"weight", {*r, f, out}}, {"q", {out, h}}, {"k", {out, h}}};
  } else {
    if (!*concat)
      return c.error("'concat' false needs attention 'shared'");
    specs = {{"weight", {*r, h, f, out / h}},
             {"attn_l", {*r, h, out / h}},
             {"attn_r", {*r, h, out / h}},
             {"loop_weight", {f, out}}};
  }
  if (*bias)
    specs.push_back({"bias", {*concat ? out : out / h}});
  return specs;
}

SEQC_INFER(RGATOp) {
  auto x = graphInputs(c, a.getX(), a.getEdgeIndex(), a.getEdgeType());
  if (failed(x) ||
      failed(checkWeights<RGATOp>(
          c, loc, {a.getX(), a.getEdgeIndex(), a.getEdgeType()}, a)))
    return failure();
  int64_t width = *c.intAttr("out");
  if (!*c.optBoolAttr("concat", true))
    width /= *c.intAttr("heads");
  out.push_back(c.f32({x->getDimSize(0), width}));
  return success();
}

SEQC_WEIGHT_SPECS(HGTOp) {
  auto r = c.intAttr("relations");
  auto k = c.intAttr("node_types");
  auto o = outAndHeads(c, true);
  if (failed(r) || failed(k) || failed(o))
    return failure();
  int64_t f = lastDim(inputs[0]), out = o->first, h = o->second;
  int64_t d = out / h;
  WeightSpecs specs;
  for (const char *lin : {"k_lin", "q_lin", "v_lin"}) {
    specs.push_back({std::string(lin) + ".weight", {*k, out, f}});
    specs.push_back({std::string(lin) + ".bias", {*k, out}});
  }
  specs.push_back({"rel_att", {*r, h, d, d}});
  specs.push_back({"rel_msg", {*r, h, d, d}});
  specs.push_back({"rel_pri", {*r, h}});
  specs.push_back({"a_lin.weight", {*k, out, out}});
  specs.push_back({"a_lin.bias", {*k, out}});
  specs.push_back({"skip", {*k}});
  return specs;
}

SEQC_INFER(HGTOp) {
  auto x = graphInputs(c, a.getX(), a.getEdgeIndex(), a.getEdgeType(),
                       a.getNodeType());
  if (failed(x) ||
      failed(checkWeights<HGTOp>(
          c, loc,
          {a.getX(), a.getEdgeIndex(), a.getEdgeType(), a.getNodeType()}, a)))
    return failure();
  out.push_back(c.f32({x->getDimSize(0), *c.intAttr("out")}));
  return success();
}
