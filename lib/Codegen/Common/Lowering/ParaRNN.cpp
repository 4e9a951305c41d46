//===- ParaRNN.cpp - para_gru / para_lstm ---------------------------------===//
//
// The input projections B x + b of all steps are contractions; the
// recurrence on them is a kernel call ("para_rnn", with the cell, the
// solver seq-select-scan chose and the node's name for the Newton
// solver's message) whose target-independent body solves it sequentially:
// a loop over time carrying h (and c), the diagonal cell elementwise
// (SPEC §4.3). The solver never changes the result beyond SPEC §5; a
// target's own kernel may solve by Newton iterations instead (the CPU's
// does, ParaRNN.cpp in CPU/Kernels).
//
//===----------------------------------------------------------------------===//
#include "Lowering.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;
using namespace seqc::seq;

namespace seqc {

namespace {

using IT = utils::IteratorType;

/// One step of the cell on [B, H] tensors: `in` = (h, c or h, the three
/// projections of the step, the diagonal weights A (and C) along H).
/// (h', c').
std::pair<Value, Value> cellStep(TensorBuilder &b, bool lstm,
                                 ArrayRef<Value> in) {
  unsigned n = in.size();
  SmallVector<AffineMap> maps(5, b.identity(2));
  maps.append(n - 5, b.select(2, {1}));
  auto generic =
      [&](ArrayRef<Value> ins, ArrayRef<AffineMap> ms,
          const std::function<Value(ImplicitLocOpBuilder &, ValueRange)> &fn) {
        return b.generic(ins, ms, b.empty(b.sizes(in[0])), b.identity(2),
                         {IT::parallel, IT::parallel},
                         [&](ImplicitLocOpBuilder &ib, ValueRange a) {
                           return SmallVector<Value>{fn(ib, a)};
                         });
      };
  auto add = [](ImplicitLocOpBuilder &ib, Value x, Value y) {
    return arith::AddFOp::create(ib, x, y).getResult();
  };
  auto mul = [](ImplicitLocOpBuilder &ib, Value x, Value y) {
    return arith::MulFOp::create(ib, x, y).getResult();
  };
  auto oneMinus = [](ImplicitLocOpBuilder &ib, Value x) {
    return arith::SubFOp::create(ib, constF32(ib, 1.0), x).getResult();
  };
  if (!lstm) {
    // (h, h, p_z, p_r, p_h, A_z, A_r, A_h): z = σ(A_z h + p_z), r = σ(A_r h
    // + p_r), ĥ = tanh(A_h (h r) + p_h), h' = z ĥ + (1 − z) h.
    Value h = generic(in, maps, [&](ImplicitLocOpBuilder &ib, ValueRange a) {
      Value z = sigmoid(ib, add(ib, mul(ib, a[5], a[0]), a[2]));
      Value r = sigmoid(ib, add(ib, mul(ib, a[6], a[0]), a[3]));
      Value cand = math::TanhOp::create(
          ib, add(ib, mul(ib, a[7], mul(ib, a[0], r)), a[4]));
      return add(ib, mul(ib, z, cand), mul(ib, oneMinus(ib, z), a[0]));
    });
    return {h, Value()};
  }
  // (h, c, p_f, p_c, p_o, A_f, A_c, A_o, C_f, C_o): f = σ(A_f h + p_f + C_f
  // c), c' = f c + (1 − f) tanh(A_c h + p_c), o = σ(A_o h + p_o + C_o c'),
  // h' = o tanh(c').
  auto cNext = [&](ImplicitLocOpBuilder &ib, ValueRange a) {
    Value f = sigmoid(
        ib, add(ib, add(ib, mul(ib, a[5], a[0]), a[2]), mul(ib, a[8], a[1])));
    Value g = math::TanhOp::create(ib, add(ib, mul(ib, a[6], a[0]), a[3]));
    return add(ib, mul(ib, f, a[1]), mul(ib, oneMinus(ib, f), g));
  };
  Value c = generic(in, maps, cNext);
  SmallVector<Value> withC(in);
  withC.push_back(c);
  SmallVector<AffineMap> withCMaps(maps);
  withCMaps.push_back(b.identity(2));
  Value h =
      generic(withC, withCMaps, [&](ImplicitLocOpBuilder &ib, ValueRange a) {
        Value o = sigmoid(ib, add(ib, add(ib, mul(ib, a[7], a[0]), a[4]),
                                  mul(ib, a[9], a[10])));
        return mul(ib, o, math::TanhOp::create(ib, a[10]));
      });
  return {h, c};
}

/// The sequential body on (p0, p1, p2, diagonal weights..., [h0], [c0]).
Results sequentialBody(TensorBuilder &b, bool lstm, bool hasH0, bool hasC0,
                       ValueRange args) {
  unsigned diag = lstm ? 5 : 3;
  ValueRange proj = args.take_front(3), weights = args.slice(3, diag);
  SmallVector<OpFoldResult> sizes = b.sizes(proj[0]);
  SmallVector<OpFoldResult> state{sizes[0], sizes[2]};
  unsigned next = 3 + diag;
  Value h = hasH0 ? args[next++] : b.zeros(state);
  Value c = lstm ? (hasC0 ? args[next] : b.zeros(state)) : Value();
  SmallVector<Value> init{h, b.empty(sizes)};
  if (lstm)
    init.push_back(c);
  auto loop = scf::ForOp::create(
      b, b.index(0), b.dim(proj[0], 1), b.index(1), init,
      [&](OpBuilder &nested, Location loc, Value t, ValueRange carried) {
        TensorBuilder lb(loc, nested);
        SmallVector<Value> in{carried[0], lstm ? carried[2] : carried[0]};
        for (Value p : proj)
          in.push_back(lb.timeSlice(p, t, sizes[0]));
        llvm::append_range(in, weights);
        auto [hn, cn] = cellStep(lb, lstm, in);
        SmallVector<Value> yield{hn, lb.insertTime(hn, carried[1], t)};
        if (lstm)
          yield.push_back(cn);
        scf::YieldOp::create(lb, yield);
      });
  Results results{loop.getResult(1), loop.getResult(0)};
  if (lstm)
    results.push_back(loop.getResult(2));
  return results;
}

template <typename OpTy>
Results paraRNN(TensorBuilder &b, OpTy op, Checks &checks) {
  constexpr bool lstm = std::is_same_v<OpTy, ParaLSTMOp>;
  ValueRange w = op.getWeights();
  Value x = op.getX(), h0 = op.getH0(), c0;
  if constexpr (lstm)
    c0 = op.getC0();
  std::string node = nodeName(op);
  // x only shrinks, so it stays within both initial states.
  for (Value *s : {&h0, &c0})
    if (*s)
      std::tie(x, *s) = checks.sameDim(b, x, 0, *s, 0,
                                       "node '" + node +
                                           "': batch of x and of the "
                                           "initial state differ");
  SmallVector<Value> operands;
  for (int i = 0; i < 3; ++i)
    operands.push_back(buildLinear(b, x, w[i], w[3 + i]));
  for (unsigned i = 0; i < (lstm ? 5u : 3u); ++i)
    operands.push_back(w[6 + i]);
  if (h0)
    operands.push_back(h0);
  if (c0)
    operands.push_back(c0);
  SmallVector<NamedAttribute> attrs{
      b.getNamedAttr("cell", b.getStringAttr(lstm ? "lstm" : "gru")),
      b.getNamedAttr("h0", b.getBoolAttr(bool(h0))),
      b.getNamedAttr("c0", b.getBoolAttr(bool(c0))),
      b.getNamedAttr("request", op.getSolverAttr()),
      b.getNamedAttr("node", b.getStringAttr(node))};
  for (StringRef decision : {"seq.solver", "seq.scan"})
    if (Attribute a = op->getAttr(decision))
      attrs.push_back(b.getNamedAttr(decision.drop_front(4), a));
  bool hasH0 = bool(h0), hasC0 = bool(c0);
  return buildKernelCall(b, "para_rnn", attrs, operands,
                         [&](TensorBuilder &kb, ValueRange args) {
                           return sequentialBody(kb, lstm, hasH0, hasC0, args);
                         });
}

} // namespace

void populateParaRNNPatterns(RewritePatternSet &patterns, Checks &checks) {
  MLIRContext *ctx = patterns.getContext();
  patterns.add<LowerOpPattern<ParaGRUOp>>(
      ctx, checks, [](TensorBuilder &b, ParaGRUOp op, Checks &checks) {
        return FailureOr<Results>(paraRNN(b, op, checks));
      });
  patterns.add<LowerOpPattern<ParaLSTMOp>>(
      ctx, checks, [](TensorBuilder &b, ParaLSTMOp op, Checks &checks) {
        return FailureOr<Results>(paraRNN(b, op, checks));
      });
}

} // namespace seqc
