//===- RecurrenceOps.cpp - Shapes of the gated recurrences (SPEC §4.3) ----===//
#include "dialects/common/OpImpl.h"
#include "dialects/seq/SeqDialect.h"

using namespace mlir;
using namespace seqc;
using namespace seqc::seq;

static constexpr int64_t kMaxLayers = 1024;
/// The more static of two dimensions that must agree.
static int64_t merge(int64_t a, int64_t b) {
  return ShapedType::isDynamic(a) ? b : a;
}

SEQC_INFER(LinearRecurrenceOp) {
  auto av = c.tensor(a.getA(), "a", 3);
  auto bv = c.tensor(a.getB(), "b", 3);
  auto h0 = c.optTensor(a.getH0(), "h0", 2);
  if (failed(av) || failed(bv) || failed(h0) ||
      failed(c.shapeIs(*bv, "b", av->getShape())))
    return failure();
  SmallVector<int64_t> shape;
  for (auto [x, y] : llvm::zip(av->getShape(), bv->getShape()))
    shape.push_back(merge(x, y));
  SmallVector<int64_t> last{shape[0], shape[2]};
  if (*h0 && failed(c.stateShapeIs(*h0, "h0", last)))
    return failure();
  out.push_back(c.f32(shape));
  out.push_back(c.f32(last));
  return success();
}

SEQC_WEIGHT_SPECS(CausalConv1dOp) {
  auto k = c.intAttr("kernel");
  if (failed(k) || failed(c.enumAttr<ConvActivationAttr>("activation")))
    return failure();
  int64_t d = lastDim(inputs[0]);
  return WeightSpecs{{"weight", {d, *k}}, {"bias", {d}}};
}

SEQC_INFER(CausalConv1dOp) {
  auto x = c.tensor(a.getX(), "x", 3);
  if (failed(x) || failed(checkWeights<CausalConv1dOp>(c, loc, {a.getX()}, a)))
    return failure();
  out.push_back(*x);
  return success();
}

//===----------------------------------------------------------------------===//
// rnn: torch.nn.GRU / torch.nn.LSTM
//===----------------------------------------------------------------------===//

/// The gate blocks of a cell: 3 (gru), 4 (lstm), 1 (plain RNN).
static int64_t gateCount(RNNCell cell) {
  return cell == RNNCell::gru ? 3 : cell == RNNCell::lstm ? 4 : 1;
}

SEQC_WEIGHT_SPECS(RNNOp) {
  auto cell = c.enumAttr<RNNCellAttr>("cell");
  auto h = c.intAttr("hidden");
  // Each layer has its own weights; a layer count past this is a typo.
  auto layers = c.intAttr("layers", 1, kMaxLayers);
  auto bias = c.optBoolAttr("bias", true);
  auto bidirectional = c.optBoolAttr("bidirectional", false);
  if (failed(cell) || failed(h) || failed(layers) || failed(bias) ||
      failed(bidirectional) || failed(c.enumAttr<SolverRequestAttr>("solver")))
    return failure();
  int64_t gates = gateCount(*cell) * *h, dirs = *bidirectional ? 2 : 1;
  WeightSpecs specs;
  for (int64_t l = 0; l < *layers; ++l) {
    int64_t in = l == 0 ? lastDim(inputs[0]) : dirs * *h;
    for (int64_t d = 0; d < dirs; ++d) {
      std::string sfx = "_l" + std::to_string(l) + (d ? "_reverse" : "");
      specs.push_back({"weight_ih" + sfx, {gates, in}});
      specs.push_back({"weight_hh" + sfx, {gates, *h}});
      if (*bias) {
        specs.push_back({"bias_ih" + sfx, {gates}});
        specs.push_back({"bias_hh" + sfx, {gates}});
      }
    }
  }
  return specs;
}

SEQC_INFER(RNNOp) {
  auto x = c.tensor(a.getX(), "x", 3);
  auto h0 = c.optTensor(a.getH0(), "h0", 3);
  auto c0 = c.optTensor(a.getC0(), "c0", 3);
  if (failed(x) || failed(h0) || failed(c0) ||
      failed(checkWeights<RNNOp>(c, loc, {a.getX(), a.getH0(), a.getC0()}, a)))
    return failure();
  bool lstm = *c.enumAttr<RNNCellAttr>("cell") == RNNCell::lstm;
  int64_t h = *c.intAttr("hidden"), layers = *c.intAttr("layers");
  int64_t dirs = *c.optBoolAttr("bidirectional", false) ? 2 : 1;
  int64_t b = x->getDimSize(0);
  SmallVector<int64_t> state{layers * dirs, b, h};
  if (*c0 && !lstm)
    return c.error("only an lstm has a cell state 'c0'");
  if ((*h0 && failed(c.stateShapeIs(*h0, "h0", state))) ||
      (*c0 && failed(c.stateShapeIs(*c0, "c0", state))))
    return failure();
  out.push_back(c.f32({b, x->getDimSize(1), dirs * h}));
  out.push_back(c.f32(state));
  if (lstm)
    out.push_back(c.f32(state));
  return success();
}

//===----------------------------------------------------------------------===//
// ParaRNN cells
//===----------------------------------------------------------------------===//

/// `B_*[H,D]` per gate, then `b_*[H]`, `A_*[H]`, then `C_*[H]` for `peep`.
static FailureOr<WeightSpecs> paraWeightSpecs(const ShapeChecker &c,
                                              ValueRange inputs,
                                              ArrayRef<StringRef> gates,
                                              ArrayRef<StringRef> peep) {
  auto h = c.intAttr("hidden");
  if (failed(h) || failed(c.enumAttr<SolverRequestAttr>("solver")))
    return failure();
  WeightSpecs specs;
  for (StringRef g : gates)
    specs.push_back({("B_" + g).str(), {*h, lastDim(inputs[0])}});
  for (StringRef g : gates)
    specs.push_back({("b_" + g).str(), {*h}});
  for (StringRef g : gates)
    specs.push_back({("A_" + g).str(), {*h}});
  for (StringRef g : peep)
    specs.push_back({("C_" + g).str(), {*h}});
  return specs;
}

SEQC_WEIGHT_SPECS(ParaGRUOp) {
  return paraWeightSpecs(c, inputs, {"z", "r", "h"}, {});
}

SEQC_INFER(ParaGRUOp) {
  auto x = c.tensor(a.getX(), "x", 3);
  auto h0 = c.optTensor(a.getH0(), "h0", 2);
  if (failed(x) || failed(h0) ||
      failed(checkWeights<ParaGRUOp>(c, loc, {a.getX(), a.getH0()}, a)))
    return failure();
  SmallVector<int64_t> state{x->getDimSize(0), *c.intAttr("hidden")};
  if (*h0 && failed(c.stateShapeIs(*h0, "h0", state)))
    return failure();
  out.push_back(c.f32({state[0], x->getDimSize(1), state[1]}));
  out.push_back(c.f32(state));
  return success();
}

SEQC_WEIGHT_SPECS(ParaLSTMOp) {
  return paraWeightSpecs(c, inputs, {"f", "c", "o"}, {"f", "o"});
}

SEQC_INFER(ParaLSTMOp) {
  auto x = c.tensor(a.getX(), "x", 3);
  auto h0 = c.optTensor(a.getH0(), "h0", 2);
  auto c0 = c.optTensor(a.getC0(), "c0", 2);
  if (failed(x) || failed(h0) || failed(c0) ||
      failed(checkWeights<ParaLSTMOp>(c, loc, {a.getX(), a.getH0(), a.getC0()},
                                      a)))
    return failure();
  SmallVector<int64_t> state{x->getDimSize(0), *c.intAttr("hidden")};
  if ((*h0 && failed(c.stateShapeIs(*h0, "h0", state))) ||
      (*c0 && failed(c.stateShapeIs(*c0, "c0", state))))
    return failure();
  out.push_back(c.f32({state[0], x->getDimSize(1), state[1]}));
  out.push_back(c.f32(state));
  out.push_back(c.f32(state));
  return success();
}

//===----------------------------------------------------------------------===//
// PGN and GAM
//===----------------------------------------------------------------------===//

SEQC_WEIGHT_SPECS(PGNOp) {
  auto d = c.intAttr("hidden");
  auto w = c.intAttr("window");
  if (failed(d) || failed(w))
    return failure();
  int64_t ch = lastDim(inputs[0]);
  return WeightSpecs{{"hie.weight", {*d, ch, *w}},
                     {"hie.bias", {*d}},
                     {"gate.weight", {2 * *d, addDim(ch, *d)}},
                     {"gate.bias", {2 * *d}}};
}

SEQC_INFER(PGNOp) {
  auto x = c.tensor(a.getX(), "x", 3);
  if (failed(x) || failed(checkWeights<PGNOp>(c, loc, {a.getX()}, a)))
    return failure();
  out.push_back(
      c.f32({x->getDimSize(0), x->getDimSize(1), *c.intAttr("hidden")}));
  return success();
}

SEQC_WEIGHT_SPECS(GAMOp) {
  auto slots = c.intAttr("slots");
  auto k = c.intAttr("kernel");
  if (failed(slots) || failed(k))
    return failure();
  int64_t d = lastDim(inputs[0]);
  return WeightSpecs{{"conv.weight", {d, *k}},
                     {"conv.bias", {d}},
                     {"memory", {*slots, d}},
                     {"gate.weight", {mulDim(2, d), d}},
                     {"gate.bias", {mulDim(2, d)}}};
}

SEQC_INFER(GAMOp) {
  auto x = c.tensor(a.getX(), "x", 3);
  if (failed(x) || failed(checkWeights<GAMOp>(c, loc, {a.getX()}, a)))
    return failure();
  out.push_back(*x);
  return success();
}
