//===- ParaRNN.cpp - para_gru / para_lstm ---------------------------------===//
//
// The input projections B x + b of all steps are contractions; the
// recurrence on them is a kernel call ("para_rnn", with the cell, the
// solver and scan seq-select-scan chose and the node's name for the Newton
// solver's message) whose target-independent body solves it as chosen:
// sequentially, a loop over time carrying h (and c), the diagonal cell
// elementwise (SPEC §4.3); or by ParaRNN's Newton iterations (newtonBody).
// The solver never changes the result beyond SPEC §5.
//
//===----------------------------------------------------------------------===//
#include "Lowering.h"
#include "ParaRNNCell.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;
using namespace seqc::seq;

namespace seqc {

namespace {

using IT = utils::IteratorType;
using Values = SmallVector<Value>;

/// Scalar f32 arithmetic for the cell's bodies.
struct Scalars {
  ImplicitLocOpBuilder &b;
  Value one = constF32(b, 1.0);
  Value add(Value x, Value y) { return arith::AddFOp::create(b, x, y); }
  Value sub(Value x, Value y) { return arith::SubFOp::create(b, x, y); }
  Value mul(Value x, Value y) { return arith::MulFOp::create(b, x, y); }
  Value fma(Value x, Value y, Value z) { return add(mul(x, y), z); }
  Value sig(Value x) { return sigmoid(b, x); }
  Value tanh(Value x) { return math::TanhOp::create(b, x); }
  /// y(1 − y), the derivative of σ at σ⁻¹(y); 1 − y², tanh's at tanh⁻¹(y).
  Value dsig(Value y) { return mul(y, sub(one, y)); }
  Value dtanh(Value y) { return sub(one, mul(y, y)); }
};

/// The recurrence's operands in the kernel body.
struct ParaOperands {
  bool lstm;
  Values proj;    ///< B x + b per gate, [B, T, H]
  Values weights; ///< A (3), then C (2) for the LSTM, [H]
  Values init;    ///< h0 (c0), [B, H] (zeros where not given)
  int n() const { return lstm ? 2 : 1; }
};

/// `inputs` (of the loops' rank `rank`: identity maps) then the diagonal
/// weights, into `outs` fresh tensors of `sizes`, by `body` on one element.
Values elementwise(TensorBuilder &b, const ParaOperands &po, ValueRange inputs,
                   ArrayRef<OpFoldResult> sizes, unsigned outs,
                   const BodyFn &body) {
  unsigned rank = sizes.size();
  Values in(inputs);
  llvm::append_range(in, po.weights);
  SmallVector<AffineMap> maps(inputs.size(), b.identity(rank));
  maps.append(po.weights.size(), b.select(rank, {rank - 1}));
  Values inits;
  for (unsigned i = 0; i < outs; ++i)
    inits.push_back(b.empty(sizes));
  return b.generics(in, maps, inits, b.identity(rank),
                    SmallVector<IT>(rank, IT::parallel), body);
}

/// The sequential body: a loop over time carrying the state [B, H].
/// (y, h_T[, c_T]).
Results sequentialBody(TensorBuilder &b, const ParaOperands &po) {
  int n = po.n();
  SmallVector<OpFoldResult> sizes = b.sizes(po.proj[0]);
  Values init(po.init);
  init.push_back(b.empty(sizes));
  auto loop = scf::ForOp::create(
      b, b.index(0), b.dim(po.proj[0], 1), b.index(1), init,
      [&](OpBuilder &nested, Location loc, Value t, ValueRange carried) {
        TensorBuilder lb(loc, nested);
        Values in(carried.take_front(n));
        for (Value p : po.proj)
          in.push_back(lb.timeSlice(p, t, sizes[0]));
        Values next =
            elementwise(lb, po, in, lb.sizes(carried[0]), n,
                        [&](ImplicitLocOpBuilder &ib, ValueRange a) {
                          return paraCellScalars(
                              ib, po.lstm, a.take_front(n), a.slice(n, 3),
                              a.slice(n + 3, po.weights.size()), nullptr);
                        });
        Values yield(next);
        yield.push_back(lb.insertTime(next[0], carried[n], t));
        scf::YieldOp::create(lb, yield);
      });
  Results results{loop.getResult(n)};
  llvm::append_range(results, loop.getResults().take_front(n));
  return results;
}

/// The last step of each state [B, T, H], or the initial state if T = 0.
Values finalStates(TensorBuilder &b, const ParaOperands &po, ValueRange all) {
  Value steps = b.dim(all[0], 1);
  Value any =
      arith::CmpIOp::create(b, arith::CmpIPredicate::uge, steps, b.index(1));
  auto choice = scf::IfOp::create(
      b, any,
      [&](OpBuilder &tb, Location loc) {
        TensorBuilder lb(loc, tb);
        Value last = arith::SubIOp::create(lb, steps, lb.index(1));
        Values v;
        for (Value s : all)
          v.push_back(lb.timeSlice(s, last, lb.sizes(s)[0]));
        scf::YieldOp::create(lb, v);
      },
      [&](OpBuilder &eb, Location loc) {
        scf::YieldOp::create(eb, loc, po.init);
      });
  return Values(choice.getResults());
}

/// ParaRNN's Newton iterations as tensor structure: from s_t = f(0, x_t)
/// (all steps at once), each iteration linearizes the cell around the
/// iterate s⁰ in one elementwise op over (b, t, h),
///   s_t = J_t s_{t−1} + (f(s⁰_{t−1}) − J_t s⁰_{t−1}),  J_t = ∂f/∂s(s⁰_{t−1}),
/// with the residual max |s⁰_t − f(s⁰_{t−1})| / max(1, |f|) a reduction,
/// and solves that linear recurrence (J diagonal for the GRU, 2×2 blocks
/// over (h, c) for the CIFG LSTM) in the scan's form; an scf.while stops
/// at the tolerance or the iteration cap (then an error, or, when the
/// compiler chose Newton, the sequential solve).
Results newtonBody(TensorBuilder &b, Checks &checks, const ParaOperands &po,
                   const ParaSolve &plan, StringRef node) {
  int n = po.n();
  unsigned nw = po.weights.size();
  SmallVector<OpFoldResult> sizes = b.sizes(po.proj[0]);
  Values first = elementwise(
      b, po, po.proj, sizes, n, [&](ImplicitLocOpBuilder &ib, ValueRange a) {
        Values zero(n, constF32(ib, 0.0));
        return paraCellScalars(ib, po.lstm, zero, a.take_front(3),
                               a.slice(3, nw), nullptr);
      });
  Type index = b.getIndexType(), f32 = b.getF32Type();
  Values init{b.index(0), b.f32(0.0)};
  llvm::append_range(init, first);
  SmallVector<Type> carried{index, f32};
  for (int i = 0; i < n * n + 2 * n; ++i)
    carried.push_back(first[0].getType());
  auto loop = scf::WhileOp::create(
      b, carried, init,
      [&](OpBuilder &ob, Location loc, ValueRange args) {
        TensorBuilder lb(loc, ob);
        ValueRange s = args.drop_front(2);
        Values in(s);
        llvm::append_range(in, po.proj);
        // J (n·n), the right-hand sides (n), the residual, per element.
        Values lin = elementwise(
            lb, po, in, sizes, n * n + n + 1,
            [&](ImplicitLocOpBuilder &ib, ValueRange a) {
              Value bi = linalg::IndexOp::create(ib, 0);
              Value t = linalg::IndexOp::create(ib, 1);
              Value h = linalg::IndexOp::create(ib, 2);
              Value c1 = arith::ConstantIndexOp::create(ib, 1);
              Value atStart =
                  arith::CmpIOp::create(ib, arith::CmpIPredicate::eq, t,
                                        arith::ConstantIndexOp::create(ib, 0));
              Value before = arith::SubIOp::create(
                  ib, arith::MaxUIOp::create(ib, t, c1), c1);
              Values prev;
              for (int i = 0; i < n; ++i)
                prev.push_back(arith::SelectOp::create(
                    ib, atStart,
                    tensor::ExtractOp::create(ib, po.init[i],
                                              ValueRange{bi, h}),
                    tensor::ExtractOp::create(ib, s[i],
                                              ValueRange{bi, before, h})));
              Values jac;
              Values f = paraCellScalars(ib, po.lstm, prev, a.slice(n, 3),
                                         a.slice(n + 3, nw), &jac);
              Scalars m{ib};
              Values out(jac);
              Value res = constF32(ib, 0.0);
              for (int i = 0; i < n; ++i) {
                Value rhs = f[i];
                for (int j = 0; j < n; ++j)
                  rhs = m.sub(rhs, m.mul(jac[i * n + j], prev[j]));
                out.push_back(rhs);
                Value err = math::AbsFOp::create(ib, m.sub(a[i], f[i]));
                Value scale = arith::MaximumFOp::create(
                    ib, m.one, math::AbsFOp::create(ib, f[i]));
                res = arith::MaximumFOp::create(
                    ib, res, arith::DivFOp::create(ib, err, scale));
              }
              out.push_back(res);
              return out;
            });
        // The worst residual.
        Value res = largestElement(lb, lin.back());
        Value more = arith::CmpFOp::create(lb, arith::CmpFPredicate::UGT, res,
                                           lb.f32(plan.tolerance));
        Value under =
            arith::CmpIOp::create(lb, arith::CmpIPredicate::ult, args[0],
                                  lb.index(plan.maxIterations));
        Values forward{args[0], res};
        llvm::append_range(forward, s);
        forward.append(lin.begin(), lin.end() - 1);
        scf::ConditionOp::create(lb, arith::AndIOp::create(lb, more, under),
                                 forward);
      },
      [&](OpBuilder &ob, Location loc, ValueRange args) {
        TensorBuilder lb(loc, ob);
        ValueRange jac = args.slice(2 + n, n * n);
        ValueRange rhs = args.slice(2 + n + n * n, n);
        Results solved =
            solveLinearRecurrence(lb, jac, rhs, po.init, plan.chunk);
        Values next{arith::AddIOp::create(lb, args[0], lb.index(1)), args[1]};
        next.append(solved.begin(), solved.begin() + n);
        scf::YieldOp::create(lb, next);
      });
  Values states(loop.getResults().slice(2, n));
  Value failed = arith::CmpFOp::create(
      b, arith::CmpFPredicate::UGT, loop.getResult(1), b.f32(plan.tolerance));
  auto converged = [&](TensorBuilder &cb) {
    Results r{states[0]};
    llvm::append_range(r, finalStates(cb, po, states));
    return r;
  };
  if (plan.errorAtCap) {
    checks.failIf(b, failed, plan.capMessage(node));
    return converged(b);
  }
  // Chosen by the compiler: solve sequentially instead.
  auto choice = scf::IfOp::create(
      b, failed,
      [&](OpBuilder &tb, Location loc) {
        TensorBuilder lb(loc, tb);
        scf::YieldOp::create(lb, sequentialBody(lb, po));
      },
      [&](OpBuilder &eb, Location loc) {
        TensorBuilder lb(loc, eb);
        scf::YieldOp::create(lb, converged(lb));
      });
  return Results(choice.getResults());
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
  ParaSolve plan = ParaSolve::of(b.getDictionaryAttr(attrs));
  return buildKernelCall(
      b, "para_rnn", attrs, operands, [&](TensorBuilder &kb, ValueRange args) {
        ParaOperands po{lstm,
                        Values(args.take_front(3)),
                        Values(args.slice(3, lstm ? 5 : 3)),
                        {}};
        unsigned next = 3 + po.weights.size();
        SmallVector<OpFoldResult> sizes = kb.sizes(args[0]);
        po.init.push_back(hasH0 ? args[next++]
                                : kb.zeros({sizes[0], sizes[2]}));
        if (lstm)
          po.init.push_back(hasC0 ? args[next]
                                  : kb.zeros({sizes[0], sizes[2]}));
        return plan.newton ? newtonBody(kb, checks, po, plan, node)
                           : sequentialBody(kb, po);
      });
}

} // namespace

Value largestElement(TensorBuilder &b, Value x) {
  unsigned rank = cast<RankedTensorType>(x.getType()).getRank();
  auto scalar = RankedTensorType::get({}, b.getF32Type());
  Value zero = linalg::FillOp::create(
                   b, ValueRange{b.f32(0.0)},
                   ValueRange{tensor::EmptyOp::create(b, scalar, ValueRange{})})
                   .getResult(0);
  Value largest = b.generic({x}, {b.identity(rank)}, zero,
                            AffineMap::get(rank, 0, {}, b.getContext()),
                            SmallVector<IT>(rank, IT::reduction),
                            [](ImplicitLocOpBuilder &ib, ValueRange a) {
                              return SmallVector<Value>{
                                  arith::MaximumFOp::create(ib, a[1], a[0])};
                            });
  return tensor::ExtractOp::create(b, largest, ValueRange{});
}

Values paraCellScalars(ImplicitLocOpBuilder &ib, bool lstm, ValueRange s,
                       ValueRange p, ValueRange w, Values *jacobian) {
  Scalars m{ib};
  return paraCell(m, lstm, s, p, w, jacobian);
}

ParaSolve ParaSolve::of(DictionaryAttr kernel) {
  ParaSolve s;
  auto request = kernel.getAs<SolverRequestAttr>("request");
  s.newton = request && request.getValue() == SolverRequest::newton;
  if (auto scan = kernel.getAs<ScanAttr>("scan"))
    if (scan.getMethod() == ScanMethod::chunked)
      s.chunk = scan.getChunk();
  auto solver = kernel.getAs<SolverAttr>("solver");
  if (!solver)
    return s;
  s.newton = solver.getMethod() == SolverMethod::newton;
  if (s.newton) {
    s.maxIterations = solver.getMaxIterations();
    s.tolerance = solver.getTolerance().getValueAsDouble();
    s.errorAtCap = solver.getOnCap() == NewtonCap::error;
  }
  return s;
}

std::string ParaSolve::capMessage(StringRef node) const {
  return "node '" + node.str() + "': the newton solver did not converge in " +
         std::to_string(maxIterations) +
         " iterations; use solver \"sequential\"";
}

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
