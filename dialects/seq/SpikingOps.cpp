//===- SpikingOps.cpp - Shapes of spiking neurons and RWKV (SPEC §4.5) ----===//
#include "dialects/common/OpImpl.h"
#include "dialects/seq/SeqDialect.h"

using namespace mlir;
using namespace seqc;
using namespace seqc::seq;

/// Neurons: x[B,T,...] → spikes like x, final potential [B,...]. Checks the
/// threshold/reset attributes every neuron has.
static LogicalResult neuronResults(const ShapeChecker &c, Value xv, Value v0v,
                                   SmallVectorImpl<Type> &out) {
  auto x = c.tensor(xv, "x", -1);
  auto v0 = c.optTensor(v0v, "v0", -1);
  if (failed(x) || failed(v0) || failed(c.floatAttr("v_threshold")) ||
      failed(c.optFloatAttr("v_reset")))
    return failure();
  if (x->getRank() < 2)
    return c.error("operand 'x' must be [B, T, ...] (rank at least 2), got "
                   "rank " +
                   Twine(x->getRank()));
  SmallVector<int64_t> v{x->getDimSize(0)};
  llvm::append_range(v, x->getShape().drop_front(2));
  if (*v0 && failed(c.stateShapeIs(*v0, "v0", v)))
    return failure();
  out.push_back(*x);
  out.push_back(c.f32(v));
  return success();
}

SEQC_INFER(LIFOp) {
  if (failed(c.floatAttr("tau", FloatBound::AboveOne)) ||
      failed(c.boolAttr("decay_input")))
    return failure();
  return neuronResults(c, a.getX(), a.getV0(), out);
}

SEQC_WEIGHT_SPECS(PLIFOp) { return WeightSpecs{{"w", {}}}; }

SEQC_INFER(PLIFOp) {
  if (failed(c.boolAttr("decay_input")) ||
      failed(checkWeights<PLIFOp>(c, loc, {a.getX(), a.getV0()}, a)))
    return failure();
  return neuronResults(c, a.getX(), a.getV0(), out);
}

SEQC_INFER(IFNeuronOp) { return neuronResults(c, a.getX(), a.getV0(), out); }

SEQC_WEIGHT_SPECS(WKVOp) {
  int64_t ch = lastDim(inputs[0]);
  return WeightSpecs{{"time_decay", {ch}}, {"time_first", {ch}}};
}

SEQC_INFER(WKVOp) {
  auto k = c.tensor(a.getK(), "k", 3);
  auto v = c.tensor(a.getV(), "v", 3);
  if (failed(k) || failed(v) || failed(c.shapeIs(*v, "v", k->getShape())) ||
      failed(checkWeights<WKVOp>(c, loc, {a.getK(), a.getV()}, a)))
    return failure();
  out.push_back(*k);
  return success();
}

SEQC_WEIGHT_SPECS(SpikingRWKVOp) {
  auto f = c.intAttr("ffn_hidden");
  auto first = c.boolAttr("first");
  if (failed(f) || failed(first) ||
      failed(c.floatAttr("tau", FloatBound::AboveOne)) ||
      failed(c.floatAttr("v_threshold")))
    return failure();
  int64_t d = lastDim(inputs[0]);
  WeightSpecs specs;
  auto vec = [&](const char *name) { specs.push_back({name, {d}}); };
  auto mat = [&](const char *name, int64_t rows, int64_t cols) {
    specs.push_back({name, {rows, cols}});
  };
  if (*first) {
    vec("ln0.weight");
    vec("ln0.bias");
  }
  for (const char *name :
       {"ln1.weight", "ln1.bias", "ln2.weight", "ln2.bias", "att.time_decay",
        "att.time_first", "att.time_mix_k", "att.time_mix_v", "att.time_mix_r"})
    vec(name);
  for (const char *name : {"att.key.weight", "att.value.weight",
                           "att.receptance.weight", "att.output.weight"})
    mat(name, d, d);
  vec("ffn.time_mix_k");
  vec("ffn.time_mix_r");
  mat("ffn.key.weight", *f, d);
  mat("ffn.receptance.weight", d, d);
  mat("ffn.value.weight", d, *f);
  return specs;
}

SEQC_INFER(SpikingRWKVOp) {
  auto x = c.tensor(a.getX(), "x", 3);
  if (failed(x) || failed(checkWeights<SpikingRWKVOp>(c, loc, {a.getX()}, a)))
    return failure();
  out.push_back(*x);
  return success();
}
