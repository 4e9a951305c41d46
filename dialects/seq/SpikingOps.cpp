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

/// The weights of the parameters `per_neuron` names, each shaped like the
/// neuron dims of x [B, T, ...]; `allowed` lists the op's parameters that
/// may be given so. A per-neuron `v_reset` needs the hard reset.
static FailureOr<WeightSpecs> perNeuronSpecs(const ShapeChecker &c, Value x,
                                             ArrayRef<StringRef> allowed) {
  auto names =
      c.attrs() ? c.attrs().getAs<ArrayAttr>("per_neuron") : ArrayAttr();
  WeightSpecs specs;
  if (!names)
    return specs;
  auto type = x ? dyn_cast<RankedTensorType>(x.getType()) : nullptr;
  SmallVector<int64_t> shape;
  if (type && type.getRank() >= 2)
    llvm::append_range(shape, type.getShape().drop_front(2));
  for (Attribute a : names) {
    auto name = dyn_cast<StringAttr>(a);
    if (!name || !llvm::is_contained(allowed, name.getValue())) {
      std::string list;
      for (StringRef n : allowed)
        list += (list.empty() ? "" : ", ") + n.str();
      return c.error("attribute 'per_neuron' may name " + list + ", got " +
                     (name ? "'" + name.getValue().str() + "'"
                           : std::string("a non-string")));
    }
    if (llvm::any_of(specs, [&](const WeightSpec &s) {
          return s.name == name.getValue();
        }))
      return c.error("attribute 'per_neuron' names '" + name.getValue() +
                     "' twice");
    if (name.getValue() == "v_reset" && !c.attrs().get("v_reset"))
      return c.error("attribute 'per_neuron' names 'v_reset', but the reset "
                     "is soft (v_reset null)");
    specs.push_back({name.getValue().str(), shape});
  }
  return specs;
}

SEQC_WEIGHT_SPECS(LIFOp) {
  return perNeuronSpecs(c, inputs[0], {"tau", "v_threshold", "v_reset"});
}

SEQC_INFER(LIFOp) {
  if (failed(c.floatAttr("tau", FloatBound::AboveOne)) ||
      failed(c.boolAttr("decay_input")) ||
      failed(checkWeights<LIFOp>(c, loc, {a.getX(), a.getV0()}, a)))
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

SEQC_WEIGHT_SPECS(IFNeuronOp) {
  return perNeuronSpecs(c, inputs[0], {"v_threshold", "v_reset"});
}

SEQC_INFER(IFNeuronOp) {
  if (failed(checkWeights<IFNeuronOp>(c, loc, {a.getX(), a.getV0()}, a)))
    return failure();
  return neuronResults(c, a.getX(), a.getV0(), out);
}

SEQC_WEIGHT_SPECS(CubaLIFOp) {
  return perNeuronSpecs(
      c, inputs[0],
      {"tau_syn", "tau_mem", "r", "w_in", "v_leak", "v_threshold", "v_reset"});
}

SEQC_INFER(CubaLIFOp) {
  if (failed(c.floatAttr("tau_syn", FloatBound::AtLeastOne)) ||
      failed(c.floatAttr("tau_mem", FloatBound::AboveOne)) ||
      failed(c.floatAttr("r")) || failed(c.floatAttr("w_in")) ||
      failed(c.floatAttr("v_leak")) ||
      failed(
          checkWeights<CubaLIFOp>(c, loc, {a.getX(), a.getV0(), a.getI0()}, a)))
    return failure();
  if (failed(neuronResults(c, a.getX(), a.getV0(), out)))
    return failure();
  auto i0 = c.optTensor(a.getI0(), "i0", -1);
  if (failed(i0) ||
      (*i0 && failed(c.stateShapeIs(
                  *i0, "i0", cast<RankedTensorType>(out[1]).getShape()))))
    return failure();
  out.push_back(out[1]);
  return success();
}

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
