//===- AttentionOps.cpp - Shapes of linear and gated attention ops --------===//
#include "dialects/common/OpImpl.h"
#include "dialects/seq/SeqDialect.h"

using namespace mlir;
using namespace seqc;
using namespace seqc::seq;

/// Checks that `t` is [B, T, ·] with the given batch and time.
static LogicalResult sameBatchTime(const ShapeChecker &c, RankedTensorType t,
                                   StringRef what, int64_t b, int64_t time) {
  if (failed(c.sameDim(b, t.getDimSize(0), "batch sizes of q and " + what)) ||
      failed(c.sameDim(time, t.getDimSize(1), "lengths of q and " + what)))
    return failure();
  return success();
}

SEQC_INFER(GLACoreOp) {
  auto q = c.tensor(a.getQ(), "q", 3);
  auto k = c.tensor(a.getK(), "k", 3);
  auto v = c.tensor(a.getV(), "v", 3);
  auto g = c.tensor(a.getG(), "g", 3);
  auto s0 = c.optTensor(a.getS0(), "s0", 4);
  auto heads = c.intAttr("heads");
  if (failed(q) || failed(k) || failed(v) || failed(g) || failed(s0) ||
      failed(heads) || failed(c.floatAttr("scale")))
    return failure();
  int64_t b = q->getDimSize(0), t = q->getDimSize(1), hk = q->getDimSize(2);
  int64_t hv = v->getDimSize(2), h = *heads;
  if (failed(c.shapeIs(*k, "k", q->getShape())) ||
      failed(c.shapeIs(*g, "g", q->getShape())) ||
      failed(sameBatchTime(c, *v, "v", b, t)) ||
      failed(c.divides(h, hk, "key width of q")) ||
      failed(c.divides(h, hv, "value width of v")))
    return failure();
  SmallVector<int64_t> state{b, h, divDim(hk, h), divDim(hv, h)};
  if (*s0 && failed(c.stateShapeIs(*s0, "s0", state)))
    return failure();
  out.push_back(c.f32({b, t, hv}));
  out.push_back(c.f32(state));
  return success();
}

/// The GLA layer's sizes, read and range-checked once.
struct GLASizes {
  int64_t heads, keyDim, valueDim, gateRank;
};

static FailureOr<GLASizes> glaSizes(const ShapeChecker &c) {
  auto heads = c.intAttr("heads");
  auto keyDim = c.intAttr("key_dim");
  auto valueDim = c.intAttr("value_dim");
  auto rank = c.intAttr("gate_rank");
  if (failed(heads) || failed(keyDim) || failed(valueDim) || failed(rank) ||
      failed(c.floatAttr("gate_norm", FloatBound::Positive)) ||
      failed(c.floatAttr("eps", FloatBound::NonNegative)) ||
      failed(c.divides(*heads, *keyDim, "attribute 'key_dim'")) ||
      failed(c.divides(*heads, *valueDim, "attribute 'value_dim'")))
    return failure();
  return GLASizes{*heads, *keyDim, *valueDim, *rank};
}

SEQC_WEIGHT_SPECS(GLAOp) {
  auto s = glaSizes(c);
  if (failed(s))
    return failure();
  int64_t d = lastDim(inputs[0]);
  return WeightSpecs{
      {"q_proj.weight", {s->keyDim, d}},
      {"k_proj.weight", {s->keyDim, d}},
      {"v_proj.weight", {s->valueDim, d}},
      {"g_proj.weight", {s->valueDim, d}},
      {"gk_proj.0.weight", {s->gateRank, d}},
      {"gk_proj.1.weight", {s->keyDim, s->gateRank}},
      {"gk_proj.1.bias", {s->keyDim}},
      {"g_norm_swish_gate.weight", {s->valueDim / s->heads}},
      {"o_proj.weight", {d, s->valueDim}},
  };
}

SEQC_INFER(GLAOp) {
  auto x = c.tensor(a.getX(), "x", 3);
  auto s0 = c.optTensor(a.getS0(), "s0", 4);
  auto s = glaSizes(c);
  if (failed(x) || failed(s0) || failed(s) ||
      failed(checkWeights<GLAOp>(c, loc, {a.getX(), a.getS0()}, a)))
    return failure();
  SmallVector<int64_t> state{x->getDimSize(0), s->heads, s->keyDim / s->heads,
                             s->valueDim / s->heads};
  if (*s0 && failed(c.stateShapeIs(*s0, "s0", state)))
    return failure();
  out.push_back(*x);
  out.push_back(c.f32(state));
  return success();
}

SEQC_WEIGHT_SPECS(GatedAttentionOp) {
  auto heads = c.intAttr("heads");
  auto kvHeads = c.intAttr("kv_heads");
  auto headDim = c.intAttr("head_dim");
  auto gate = c.enumAttr<AttentionGateAttr>("gate");
  auto theta = c.optFloatAttr("rope_theta");
  if (failed(heads) || failed(kvHeads) || failed(headDim) || failed(gate) ||
      failed(theta))
    return failure();
  if (*heads % *kvHeads != 0)
    return c.error("attribute 'kv_heads' (" + Twine(*kvHeads) +
                   ") must divide 'heads' (" + Twine(*heads) + ")");
  if (*theta && !(**theta > 0))
    return c.error("attribute 'rope_theta' must be positive");
  if (*theta && *headDim % 2 != 0)
    return c.error("rotary embedding needs an even 'head_dim', got " +
                   Twine(*headDim));
  int64_t d = lastDim(inputs[0]);
  int64_t qw = *heads * *headDim, kvw = *kvHeads * *headDim;
  int64_t gw = *gate == AttentionGate::headwise ? *heads : qw;
  return WeightSpecs{{"q_proj.weight", {qw, d}},
                     {"k_proj.weight", {kvw, d}},
                     {"v_proj.weight", {kvw, d}},
                     {"gate_proj.weight", {gw, d}},
                     {"o_proj.weight", {d, qw}}};
}

SEQC_INFER(GatedAttentionOp) {
  auto x = c.tensor(a.getX(), "x", 3);
  auto kPast = c.optTensor(a.getKPast(), "k_past", 3);
  auto vPast = c.optTensor(a.getVPast(), "v_past", 3);
  if (failed(x) || failed(kPast) || failed(vPast) ||
      failed(checkWeights<GatedAttentionOp>(c, loc, {a.getX()}, a)))
    return failure();
  // The weights' check above read the attributes.
  int64_t kvw = a.getKvHeads() * a.getHeadDim();
  int64_t b = x->getDimSize(0), t = x->getDimSize(1), past = 0;
  if (bool(*kPast) != bool(*vPast))
    return c.error("takes 'k_past' and 'v_past' together");
  if (RankedTensorType kp = *kPast) {
    past = kp.getDimSize(1);
    if (failed(c.sameDim(b, kp.getDimSize(0), "batch of x and k_past")) ||
        failed(c.shapeIs(kp, "k_past",
                         {ShapedType::kDynamic, ShapedType::kDynamic, kvw})) ||
        failed(c.shapeIs(*vPast, "v_past", kp.getShape())))
      return failure();
  }
  out.push_back(*x);
  out.push_back(c.f32({b, addDim(past, t), kvw}));
  out.push_back(c.f32({b, addDim(past, t), kvw}));
  return success();
}
