//===- RNN.cpp - Lowering of seq.rnn: torch.nn.GRU / LSTM / RNN -----------===//
//
// Per layer and direction: the input projections of all steps are one
// contraction (x W_ihᵀ + b_ih over [B, T]); a loop over time then adds the
// recurrent projection h W_hhᵀ + b_hh and applies the gates elementwise, as
// in PyTorch's gate order (r, z, n for GRU; i, f, g, o for LSTM). The loop
// is the kernel call "rnn_scan", whose body is this target-independent
// form (the CPU runs its own kernel: RNNScan.cpp). A backward direction
// walks time from the end; the directions' outputs are concatenated along
// features for the next layer.
//
//===----------------------------------------------------------------------===//
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

/// The G gate blocks of a [B, G·H] projection, each [B, H] (views, no
/// copies). Slices rather than indexing maps (b, j + g·H) into the whole
/// projection: for g = 0 that map is the identity, and where B is fixed
/// too linalg's verifier then requires the projection to be H wide.
static void appendGates(TensorBuilder &b, SmallVectorImpl<Value> &out,
                        Value proj, int64_t gates, int64_t hidden) {
  auto t = cast<RankedTensorType>(proj.getType());
  auto type = t.clone({t.getDimSize(0), hidden});
  SmallVector<OpFoldResult> sizes{b.sizes(proj)[0], b.getIndexAttr(hidden)};
  SmallVector<OpFoldResult> strides(2, b.getIndexAttr(1));
  for (int64_t g = 0; g < gates; ++g)
    out.push_back(tensor::ExtractSliceOp::create(
        b, type, proj,
        SmallVector<OpFoldResult>{b.getIndexAttr(0),
                                  b.getIndexAttr(g * hidden)},
        sizes, strides));
}

/// [state, the gate blocks of gi, those of gh], all [B, H].
static SmallVector<Value> stepOperands(TensorBuilder &b, Value state, Value gi,
                                       Value gh, int64_t gates,
                                       int64_t hidden) {
  SmallVector<Value> ins{state};
  appendGates(b, ins, gi, gates, hidden);
  appendGates(b, ins, gh, gates, hidden);
  return ins;
}

/// One GRU step on [B, H]: from the input and recurrent projections.
static Value gruStep(TensorBuilder &b, Value gi, Value gh, Value h,
                     int64_t hidden) {
  using IT = utils::IteratorType;
  SmallVector<Value> ins = stepOperands(b, h, gi, gh, 3, hidden);
  SmallVector<AffineMap> maps(ins.size(), b.identity(2));
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
  SmallVector<Value> ins = stepOperands(b, c, gi, gh, 4, hidden);
  SmallVector<AffineMap> maps(ins.size(), b.identity(2));
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
  Value oi = ins[4], oh = ins[8]; // the o blocks of gi and gh
  Value hNext = b.generic(
      {cNext, oi, oh}, SmallVector<AffineMap>(3, b.identity(2)),
      b.empty(b.sizes(c)), b.identity(2), {IT::parallel, IT::parallel},
      [](ImplicitLocOpBuilder &ib, ValueRange a) {
        Value o = sigmoid(ib, arith::AddFOp::create(ib, a[1], a[2]));
        return SmallVector<Value>{
            arith::MulFOp::create(ib, o, math::TanhOp::create(ib, a[0]))};
      });
  return {hNext, cNext};
}

/// One plain RNN step on [B, H]: act(gi + gh), act tanh or relu.
static Value plainStep(TensorBuilder &b, Value gi, Value gh, bool relu) {
  return b.map({gi, gh}, gi, [&](ImplicitLocOpBuilder &ib, ValueRange a) {
    Value s = arith::AddFOp::create(ib, a[0], a[1]);
    return relu
               ? arith::MaximumFOp::create(ib, s, constF32(ib, 0.0)).getResult()
               : math::TanhOp::create(ib, s).getResult();
  });
}

/// The weights of one (layer, direction): W_ih, W_hh and the biases (null
/// without `bias`).
struct DirectionWeights {
  Value wih, whh, bih, bhh;
};

/// The carried state of a direction's scan: h_T and c_T (lstm), and its
/// outputs [B, T, H].
struct DirectionResult {
  Value h, c, ys;
};

/// The time loop of one direction on its kernel call's operands: gi [B, T,
/// G·H] (the input projections of all steps), W_hh, [b_hh], h0, [c0]:
/// (ys [B, T, H], h_T[, c_T]). Forward from t = 0 or, `reverse`, from
/// t = T − 1 down.
static Results scanBody(TensorBuilder &b, RNNCell cell, int64_t hidden,
                        bool reverse, bool bias, ValueRange args) {
  bool lstm = cell == RNNCell::lstm;
  Value gi = args[0], whh = args[1];
  Value bhh = bias ? args[2] : Value();
  Value h = args[bias ? 3 : 2];
  Value c = lstm ? args[bias ? 4 : 3] : Value();
  // B and T as attributes where the model fixes them: a size held in a
  // Value is dynamic to the slice ops, even when it is a constant, so the
  // per-step slices of a fixed batch would not match their static types.
  SmallVector<OpFoldResult> giSizes = b.sizes(gi);
  OpFoldResult batch = giSizes[0], stepCount = giSizes[1];
  Value steps = b.dim(gi, 1); // the loop bound
  Value ys = b.empty({batch, stepCount, b.getIndexAttr(hidden)});
  SmallVector<Value> init{h, ys};
  if (lstm)
    init.push_back(c);
  auto loop = scf::ForOp::create(
      b, b.index(0), steps, b.index(1), init,
      [&](OpBuilder &nested, Location loc, Value i, ValueRange carried) {
        TensorBuilder lb(loc, nested);
        Value t = i;
        if (reverse) // T − 1 − i
          t = arith::SubIOp::create(
              lb, arith::SubIOp::create(lb, steps, lb.index(1)), i);
        Value git = lb.timeSlice(gi, t, batch);
        // The recurrent product stays f32 (its rounding would add up).
        Value gh = buildLinear(lb, carried[0], whh, bhh, /*keepF32=*/true);
        SmallVector<Value> next;
        if (lstm) {
          auto [hn, cn] = lstmStep(lb, git, gh, carried[2], hidden);
          next = {hn, lb.insertTime(hn, carried[1], t), cn};
        } else {
          Value hn = cell == RNNCell::gru
                         ? gruStep(lb, git, gh, carried[0], hidden)
                         : plainStep(lb, git, gh, cell == RNNCell::rnn_relu);
          next = {hn, lb.insertTime(hn, carried[1], t)};
        }
        scf::YieldOp::create(lb, next);
      });
  Results results{loop.getResult(1), loop.getResult(0)};
  if (lstm)
    results.push_back(loop.getResult(2));
  return results;
}

/// One direction of one layer over `input` [B, T, in]: the input
/// projections of all steps, then the time loop as the kernel call
/// "rnn_scan" {cell, hidden, reverse, bias} (a target may run the loop as
/// one kernel: the CPU's keeps its threads across the steps).
static DirectionResult scanDirection(TensorBuilder &b, RNNOp op, Value input,
                                     const DirectionWeights &w, Value h,
                                     Value c, bool reverse) {
  RNNCell cell = op.getCell();
  bool lstm = cell == RNNCell::lstm;
  int64_t hidden = op.getHidden();
  Value gi = buildLinear(b, input, w.wih, w.bih); // [B, T, G·H], all steps
  SmallVector<Value> operands{gi, w.whh};
  if (w.bhh)
    operands.push_back(w.bhh);
  operands.push_back(h);
  if (lstm)
    operands.push_back(c);
  bool bias = bool(w.bhh);
  SmallVector<NamedAttribute> attrs{
      b.getNamedAttr("cell", b.getStringAttr(stringifyRNNCell(cell))),
      b.getNamedAttr("hidden", b.getI64IntegerAttr(hidden)),
      b.getNamedAttr("reverse", b.getBoolAttr(reverse)),
      b.getNamedAttr("bias", b.getBoolAttr(bias))};
  Results r = buildKernelCall(
      b, "rnn_scan", attrs, operands, [&](TensorBuilder &kb, ValueRange args) {
        return scanBody(kb, cell, hidden, reverse, bias, args);
      });
  return {r[1], lstm ? r[2] : Value(), r[0]};
}

/// [B, T, H] per direction → [B, T, dirs·H], directions side by side.
static Value concatDirections(TensorBuilder &b, ArrayRef<Value> ys,
                              int64_t hidden) {
  if (ys.size() == 1)
    return ys[0];
  SmallVector<OpFoldResult> sizes = b.sizes(ys[0]);
  SmallVector<OpFoldResult> all = sizes;
  all[2] = b.getIndexAttr(hidden * int64_t(ys.size()));
  Value out = b.empty(all);
  for (auto [d, y] : llvm::enumerate(ys))
    out = tensor::InsertSliceOp::create(
        b, y, out,
        SmallVector<OpFoldResult>{b.getIndexAttr(0), b.getIndexAttr(0),
                                  b.getIndexAttr(int64_t(d) * hidden)},
        sizes, SmallVector<OpFoldResult>(3, b.getIndexAttr(1)));
  return out;
}

static Results buildRNN(TensorBuilder &b, RNNOp op) {
  bool lstm = op.getCell() == RNNCell::lstm;
  int64_t hidden = op.getHidden(), layers = op.getLayers();
  int64_t dirs = op.getBidirectional() ? 2 : 1;
  ValueRange w = op.getWeights();
  Value input = op.getX();
  OpFoldResult batch = b.sizes(input)[0];
  SmallVector<OpFoldResult> stateSizes{b.getIndexAttr(layers * dirs), batch,
                                       b.getIndexAttr(hidden)};
  Value hN = b.empty(stateSizes), cN = b.empty(stateSizes);
  unsigned next = 0;
  auto weight = [&] { return w[next++]; };
  for (int64_t l = 0; l < layers; ++l) {
    SmallVector<Value> ys;
    for (int64_t d = 0; d < dirs; ++d) {
      DirectionWeights dw;
      dw.wih = weight();
      dw.whh = weight();
      if (op.getBias()) {
        dw.bih = weight();
        dw.bhh = weight();
      }
      int64_t row = l * dirs + d;
      Value h = op.getH0() ? layerOf(b, op.getH0(), row)
                           : b.zeros({batch, b.getIndexAttr(hidden)});
      Value c = op.getC0() ? layerOf(b, op.getC0(), row)
                           : b.zeros({batch, b.getIndexAttr(hidden)});
      DirectionResult r = scanDirection(b, op, input, dw, h, c, d == 1);
      ys.push_back(r.ys);
      hN = setLayer(b, hN, r.h, row);
      if (lstm)
        cN = setLayer(b, cN, r.c, row);
    }
    input = concatDirections(b, ys, hidden);
  }
  Results results{input, hN};
  if (lstm)
    results.push_back(cN);
  return results;
}

void populateRNNPatterns(RewritePatternSet &patterns, Checks &checks) {
  patterns.add<LowerOpPattern<RNNOp>>(
      patterns.getContext(), checks, [](TensorBuilder &b, RNNOp op, Checks &) {
        return FailureOr<Results>(buildRNN(b, op));
      });
}

} // namespace seqc
