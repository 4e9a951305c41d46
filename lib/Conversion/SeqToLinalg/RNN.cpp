//===- RNN.cpp - Lowering of seq.rnn: torch.nn.GRU / torch.nn.LSTM
//---------===//
//
// Per layer: the input projections of all steps are one contraction
// (x W_ihᵀ + b_ih over [B, T]); a loop over time then adds the recurrent
// projection h W_hhᵀ + b_hh and applies the gates elementwise, exactly in
// PyTorch's gate order (r, z, n for GRU; i, f, g, o for LSTM).
//
//===----------------------------------------------------------------------===//
#include "Gemm.h"
#include "Lowering.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;
using namespace seqc::seq;

namespace seqc {

/// Layer l of a [L, B, H] state as [B, H].
static Value layerOf(TensorBuilder &b, Value states, int64_t l) {
  auto t = cast<RankedTensorType>(states.getType());
  SmallVector<OpFoldResult> sizes = b.sizes(states);
  sizes[0] = b.getIndexAttr(1);
  return tensor::ExtractSliceOp::create(
      b, t.clone(t.getShape().drop_front()), states,
      SmallVector<OpFoldResult>{b.getIndexAttr(l), b.getIndexAttr(0),
                                b.getIndexAttr(0)},
      sizes, SmallVector<OpFoldResult>(3, b.getIndexAttr(1)));
}

/// Writes [B, H] as layer l of a [L, B, H] state.
static Value setLayer(TensorBuilder &b, Value states, Value h, int64_t l) {
  SmallVector<OpFoldResult> sizes = b.sizes(states);
  sizes[0] = b.getIndexAttr(1);
  return tensor::InsertSliceOp::create(
      b, h, states,
      SmallVector<OpFoldResult>{b.getIndexAttr(l), b.getIndexAttr(0),
                                b.getIndexAttr(0)},
      sizes, SmallVector<OpFoldResult>(3, b.getIndexAttr(1)));
}

/// The gate block g of a [B, G·H] projection, read at (b, g·H + j).
static AffineMap gateMap(TensorBuilder &b, int64_t gate, int64_t hidden) {
  return AffineMap::get(
      2, 0, {b.getAffineDimExpr(0), b.getAffineDimExpr(1) + gate * hidden},
      b.getContext());
}

/// One GRU step on [B, H]: from the input and recurrent projections.
/// The [B, H] operand comes first: linalg takes each loop's range from the
/// first operand indexed by that loop alone, and the gate blocks of the
/// [B, G·H] projections are indexed by j + g·H.
static Value gruStep(TensorBuilder &b, Value gi, Value gh, Value h,
                     int64_t hidden) {
  using IT = utils::IteratorType;
  SmallVector<Value> ins{h, gi, gi, gi, gh, gh, gh};
  SmallVector<AffineMap> maps{b.identity(2)};
  for (int src = 0; src < 2; ++src)
    for (int64_t g = 0; g < 3; ++g)
      maps.push_back(gateMap(b, g, hidden));
  return b.generic(
      ins, maps, b.empty(b.sizes(h)), b.identity(2),
      {IT::parallel, IT::parallel}, [](ImplicitLocOpBuilder &ib, ValueRange a) {
        Value r = sigmoid(ib, arith::AddFOp::create(ib, a[1], a[4]));
        Value z = sigmoid(ib, arith::AddFOp::create(ib, a[2], a[5]));
        Value n = math::TanhOp::create(
            ib, arith::AddFOp::create(ib, a[3],
                                      arith::MulFOp::create(ib, r, a[6])));
        // h' = (1 − z) ⊙ n + z ⊙ h
        Value keep = arith::MulFOp::create(ib, z, a[0]);
        Value take = arith::MulFOp::create(
            ib, arith::SubFOp::create(ib, constF32(ib, 1.0), z), n);
        return SmallVector<Value>{arith::AddFOp::create(ib, take, keep)};
      });
}

/// One LSTM step: (h', c') on [B, H].
static std::pair<Value, Value> lstmStep(TensorBuilder &b, Value gi, Value gh,
                                        Value c, int64_t hidden) {
  using IT = utils::IteratorType;
  // As in gruStep, the [B, H] operand first.
  SmallVector<Value> ins{c, gi, gi, gi, gi, gh, gh, gh, gh};
  SmallVector<AffineMap> maps{b.identity(2)};
  for (int src = 0; src < 2; ++src)
    for (int64_t g = 0; g < 4; ++g)
      maps.push_back(gateMap(b, g, hidden));
  auto gate = [](ImplicitLocOpBuilder &ib, ValueRange a, int g) {
    return arith::AddFOp::create(ib, a[1 + g], a[5 + g]).getResult();
  };
  Value cNext = b.generic(ins, maps, b.empty(b.sizes(c)), b.identity(2),
                          {IT::parallel, IT::parallel},
                          [&](ImplicitLocOpBuilder &ib, ValueRange a) {
                            Value i = sigmoid(ib, gate(ib, a, 0));
                            Value f = sigmoid(ib, gate(ib, a, 1));
                            Value g = math::TanhOp::create(ib, gate(ib, a, 2));
                            return SmallVector<Value>{arith::AddFOp::create(
                                ib, arith::MulFOp::create(ib, f, a[0]),
                                arith::MulFOp::create(ib, i, g))};
                          });
  Value hNext = b.generic(
      {cNext, gi, gh},
      {b.identity(2), gateMap(b, 3, hidden), gateMap(b, 3, hidden)},
      b.empty(b.sizes(c)), b.identity(2), {IT::parallel, IT::parallel},
      [](ImplicitLocOpBuilder &ib, ValueRange a) {
        Value o = sigmoid(ib, arith::AddFOp::create(ib, a[1], a[2]));
        return SmallVector<Value>{
            arith::MulFOp::create(ib, o, math::TanhOp::create(ib, a[0]))};
      });
  return {hNext, cNext};
}

Results buildRNN(TensorBuilder &b, RNNOp op) {
  bool lstm = op.getCell() == "lstm";
  int64_t hidden = op.getHidden(), layers = op.getLayers();
  ValueRange w = op.getWeights();
  Value input = op.getX();
  Value batch = b.dim(input, 0), steps = b.dim(input, 1);
  SmallVector<OpFoldResult> stateSizes{b.getIndexAttr(layers), batch,
                                       b.getIndexAttr(hidden)};
  Value hN = b.empty(stateSizes), cN = b.empty(stateSizes);
  for (int64_t l = 0; l < layers; ++l) {
    Value wih = w[4 * l], whh = w[4 * l + 1], bih = w[4 * l + 2],
          bhh = w[4 * l + 3];
    Value gi = b.linear(input, wih, bih); // [B, T, G·H], all steps at once
    PackedWeight packedHH = packWeight(b, whh); // once, not every step
    Value h = op.getH0() ? layerOf(b, op.getH0(), l)
                         : b.zeros({batch, b.getIndexAttr(hidden)});
    Value c = op.getC0() ? layerOf(b, op.getC0(), l)
                         : b.zeros({batch, b.getIndexAttr(hidden)});
    Value ys = b.empty({batch, steps, b.getIndexAttr(hidden)});
    SmallVector<Value> init{h, ys};
    if (lstm)
      init.push_back(c);
    auto loop = scf::ForOp::create(
        b, b.index(0), steps, b.index(1), init,
        [&](OpBuilder &nested, Location loc, Value t, ValueRange carried) {
          TensorBuilder lb(loc, nested);
          Value git = lb.timeSlice(gi, t, batch);
          Value gh = linearPacked(lb, carried[0], packedHH, bhh);
          SmallVector<Value> next;
          if (lstm) {
            auto [hn, cn] = lstmStep(lb, git, gh, carried[2], hidden);
            next = {hn, lb.insertTime(hn, carried[1], t), cn};
          } else {
            Value hn = gruStep(lb, git, gh, carried[0], hidden);
            next = {hn, lb.insertTime(hn, carried[1], t)};
          }
          scf::YieldOp::create(lb, next);
        });
    input = loop.getResult(1);
    hN = setLayer(b, hN, loop.getResult(0), l);
    if (lstm)
      cN = setLayer(b, cN, loop.getResult(2), l);
  }
  Results results{input, hN};
  if (lstm)
    results.push_back(cN);
  return results;
}

} // namespace seqc
