//===- ParaRNN.cpp - para_gru / para_lstm: sequential or Newton -----------===//
//
// The input projections B x + b of all steps are contractions hoisted out
// of time; the recurrence is diagonal (per hidden unit), so everything
// after them runs on lane blocks of hidden units with the state in vector
// registers.
//
// - sequential: one loop over time per (batch, lane block).
// - newton (ParaRNN): start from s_t = f(0, x_t); each iteration linearizes
//   the cell around the current iterate s⁰,
//     s_t = J_t s_{t−1} + (f(s⁰_{t−1}) − J_t s⁰_{t−1}),  J_t = ∂f/∂s(s⁰_{t−1}),
//   and solves that linear recurrence with the scan of Scan.h (J diagonal
//   for the GRU, 2×2 blocks over (h, c) for the CIFG LSTM). It stops when
//   the residual max_t |s_t − f(s_{t−1})| / max(1, |f(s_{t−1})|) is at most
//   the tolerance, or at the iteration cap: then it reports an error, or,
//   when the compiler chose Newton itself (`auto`), solves sequentially.
//
//===----------------------------------------------------------------------===//
#include "CPUKernels.h"
#include "Scan.h"
#include "lib/Codegen/Common/Lowering/ParaRNNCell.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;
using namespace seqc::seq;

namespace seqc {
namespace {

using Vectors = SmallVector<Value>;

/// Elementwise arithmetic on vectors of one lane block.
struct VMath {
  ImplicitLocOpBuilder &ib;
  Value one;
  Value add(Value a, Value b) { return arith::AddFOp::create(ib, a, b); }
  Value sub(Value a, Value b) { return arith::SubFOp::create(ib, a, b); }
  Value mul(Value a, Value b) { return arith::MulFOp::create(ib, a, b); }
  Value fma(Value a, Value b, Value c) {
    return vector::FMAOp::create(ib, a, b, c);
  }
  Value sig(Value x) { return sigmoid(ib, x); }
  Value tanh(Value x) { return math::TanhOp::create(ib, x); }
  /// y(1 − y), the derivative of σ at σ⁻¹(y).
  Value dsig(Value y) { return mul(y, sub(one, y)); }
  /// 1 − y², the derivative of tanh at tanh⁻¹(y).
  Value dtanh(Value y) { return sub(one, mul(y, y)); }
};

/// A ParaRNN cell on one lane block: its diagonal weights (loaded once)
/// and the projections p of one step.
struct Cell {
  bool lstm;
  Value a[3], c[2];

  int n() const { return lstm ? 2 : 1; }

  /// f(s) and, when `jacobian` is given, ∂f/∂s (n×n, row-major) there.
  Vectors apply(VMath &m, ArrayRef<Value> s, ArrayRef<Value> p,
                Vectors *jacobian) const {
    SmallVector<Value> w{a[0], a[1], a[2]};
    if (lstm)
      w.append({c[0], c[1]});
    return paraCell(m, lstm, s, p, w, jacobian);
  }
};

/// The buffers of one para_gru / para_lstm.
struct ParaBuffers {
  Value proj[3];  ///< B x + b per gate, [B, T, H]
  Value diag[5];  ///< A (3) then C (2), [H]
  Vectors init;   ///< h0 (c0) [B, H] or null (zero); empty: all zero
  Vectors states; ///< h (c) of every step, [B, T, H]
  Vectors final;  ///< h_T (c_T), [B, H]
  Value batch, steps, width;
};

Cell loadCell(ImplicitLocOpBuilder &ib, const LaneBlock &lb, bool lstm,
              const ParaBuffers &pb) {
  Cell cell{lstm, {}, {}};
  for (int i = 0; i < 3; ++i)
    cell.a[i] = lb.load(ib, pb.diag[i], {});
  if (lstm)
    for (int i = 0; i < 2; ++i)
      cell.c[i] = lb.load(ib, pb.diag[3 + i], {});
  return cell;
}

Vectors loadProj(ImplicitLocOpBuilder &ib, const LaneBlock &lb,
                 const ParaBuffers &pb, Value t) {
  return {lb.load(ib, pb.proj[0], {lb.b, t}),
          lb.load(ib, pb.proj[1], {lb.b, t}),
          lb.load(ib, pb.proj[2], {lb.b, t})};
}

Vectors initialState(ImplicitLocOpBuilder &ib, const LaneBlock &lb, int n,
                     const ParaBuffers &pb) {
  return loadInitialState(ib, lb, n, pb.init);
}

/// s_t = f(s_{t−1}) step by step from the initial state; stores every h
/// (and c where `states` has it) and the final state.
void solveSequentially(TensorBuilder &b, bool lstm, const ParaBuffers &pb) {
  int n = lstm ? 2 : 1;
  forEachLaneBlock(
      b, {pb.batch}, pb.width, scanLanes(n),
      [&](ImplicitLocOpBuilder &ib, const LaneBlock &lb) {
        Cell cell = loadCell(ib, lb, lstm, pb);
        VMath m{ib, lb.splat(ib, 1.0)};
        auto loop = scf::ForOp::create(
            ib, arith::ConstantIndexOp::create(ib, 0), pb.steps,
            arith::ConstantIndexOp::create(ib, 1), initialState(ib, lb, n, pb),
            [&](OpBuilder &nested, Location loc, Value t, ValueRange s) {
              ImplicitLocOpBuilder nb(loc, nested);
              VMath nm{nb, m.one};
              Vectors next =
                  cell.apply(nm, Vectors(s), loadProj(nb, lb, pb, t), nullptr);
              for (auto [v, buf] : llvm::zip(next, pb.states))
                lb.store(nb, v, buf, {lb.b, t});
              scf::YieldOp::create(nb, next);
            });
        for (int i = 0; i < n; ++i)
          lb.store(ib, loop.getResult(i), pb.final[i], {lb.b});
      });
}

/// The settings of the Newton solver, from the kernel call's attributes.
struct NewtonSettings {
  ScanForm scan;
  int64_t chunk = 256; ///< steps per parallel piece of the elementwise work
  ParaSolve solve;

  static NewtonSettings of(DictionaryAttr kernel) {
    NewtonSettings s;
    s.scan = ScanForm::of(kernel.get("scan"));
    if (s.scan.chunked)
      s.chunk = s.scan.chunk;
    s.solve = ParaSolve::of(kernel);
    return s;
  }
};

/// Max over a [B, C, K] buffer of f32 (a serial loop; the buffer is small).
Value maxOf(TensorBuilder &b, Value buffer, ArrayRef<Value> sizes) {
  Value acc = b.f32(0.0);
  std::function<Value(OpBuilder &, Location, SmallVector<Value>, Value)> nest =
      [&](OpBuilder &ob, Location loc, SmallVector<Value> idx, Value init) {
        if (idx.size() == sizes.size()) {
          ImplicitLocOpBuilder ib(loc, ob);
          Value v = memref::LoadOp::create(ib, buffer, idx);
          // NaN stays NaN: a diverged iterate never looks converged.
          return Value(arith::MaximumFOp::create(ib, init, v));
        }
        auto loop = scf::ForOp::create(
            ob, loc, arith::ConstantIndexOp::create(ob, loc, 0),
            sizes[idx.size()], arith::ConstantIndexOp::create(ob, loc, 1),
            ValueRange{init},
            [&](OpBuilder &nb, Location nl, Value i, ValueRange carried) {
              SmallVector<Value> next = idx;
              next.push_back(i);
              scf::YieldOp::create(nb, nl, nest(nb, nl, next, carried[0]));
            });
        return loop.getResult(0);
      };
  return nest(b, b.getLoc(), {}, acc);
}

/// One Newton linearization around `states`: writes the scan's
/// coefficients and returns the residual of the current iterate.
Value linearize(TensorBuilder &b, bool lstm, const ParaBuffers &pb,
                const NewtonSettings &ns, const ScanBuffers &scan) {
  int n = lstm ? 2 : 1;
  int64_t lanes = scanLanes(n);
  Value chunks = arith::CeilDivUIOp::create(b, pb.steps, b.index(ns.chunk));
  Value blocks = arith::CeilDivUIOp::create(b, pb.width, b.index(lanes));
  Value residual = allocBuffer(b, {pb.batch, chunks, blocks});
  forEachLaneBlock(
      b, {pb.batch, chunks}, pb.width, lanes,
      [&](ImplicitLocOpBuilder &ib, const LaneBlock &lb) {
        Cell cell = loadCell(ib, lb, lstm, pb);
        VMath m{ib, lb.splat(ib, 1.0)};
        auto [lo, hi] = chunkBounds(ib, lb.outer[1], ns.chunk, pb.steps);
        // The state before the chunk: the initial state or the iterate
        // at lo − 1.
        Value zero = arith::ConstantIndexOp::create(ib, 0);
        Value first =
            arith::CmpIOp::create(ib, arith::CmpIPredicate::eq, lo, zero);
        Value before = arith::SubIOp::create(
            ib,
            arith::MaxUIOp::create(ib, lo,
                                   arith::ConstantIndexOp::create(ib, 1)),
            arith::ConstantIndexOp::create(ib, 1));
        Vectors init = initialState(ib, lb, n, pb);
        Vectors carried;
        for (int i = 0; i < n; ++i)
          carried.push_back(arith::SelectOp::create(
              ib, first, init[i], lb.load(ib, pb.states[i], {lb.b, before})));
        carried.push_back(lb.splat(ib, 0.0)); // residual so far
        auto loop = scf::ForOp::create(
            ib, lo, hi, arith::ConstantIndexOp::create(ib, 1), carried,
            [&](OpBuilder &nested, Location loc, Value t, ValueRange c) {
              ImplicitLocOpBuilder nb(loc, nested);
              VMath nm{nb, m.one};
              Vectors prev(c.take_front(n));
              Vectors jac;
              Vectors f = cell.apply(nm, prev, loadProj(nb, lb, pb, t), &jac);
              Value res = c[n];
              Vectors now;
              for (int i = 0; i < n; ++i) {
                now.push_back(lb.load(nb, pb.states[i], {lb.b, t}));
                // |s − f| / max(1, |f|)
                Value err = math::AbsFOp::create(nb, nm.sub(now[i], f[i]));
                Value scale = arith::MaximumFOp::create(
                    nb, nm.one, math::AbsFOp::create(nb, f[i]));
                res = arith::MaximumFOp::create(
                    nb, res, arith::DivFOp::create(nb, err, scale));
                // b_t = f − J s⁰_{t−1}
                Value rhs = f[i];
                for (int j = 0; j < n; ++j)
                  rhs = nm.sub(rhs, nm.mul(jac[i * n + j], prev[j]));
                lb.store(nb, rhs, scan.b[i], {lb.b, t});
              }
              for (int i = 0; i < n * n; ++i)
                lb.store(nb, jac[i], scan.a[i], {lb.b, t});
              now.push_back(res);
              scf::YieldOp::create(nb, now);
            });
        Value res = loop.getResult(n);
        if (lb.mask) // lanes past the width hold no state
          res = arith::SelectOp::create(ib, lb.mask, res, lb.splat(ib, 0.0));
        Value worst = vector::ReductionOp::create(
            ib, vector::CombiningKind::MAXIMUMF, res);
        Value block = arith::DivUIOp::create(
            ib, lb.n0, arith::ConstantIndexOp::create(ib, lanes));
        memref::StoreOp::create(ib, worst, residual,
                                ValueRange{lb.b, lb.outer[1], block});
      });
  return maxOf(b, residual, {pb.batch, chunks, blocks});
}

/// The first iterate s_t = f(0, x_t), for all t at once.
void firstIterate(TensorBuilder &b, bool lstm, const ParaBuffers &pb,
                  const NewtonSettings &ns) {
  int n = lstm ? 2 : 1;
  Value chunks = arith::CeilDivUIOp::create(b, pb.steps, b.index(ns.chunk));
  forEachLaneBlock(
      b, {pb.batch, chunks}, pb.width, scanLanes(n),
      [&](ImplicitLocOpBuilder &ib, const LaneBlock &lb) {
        Cell cell = loadCell(ib, lb, lstm, pb);
        VMath m{ib, lb.splat(ib, 1.0)};
        Vectors zero(n, lb.splat(ib, 0.0));
        auto [lo, hi] = chunkBounds(ib, lb.outer[1], ns.chunk, pb.steps);
        scf::ForOp::create(
            ib, lo, hi, arith::ConstantIndexOp::create(ib, 1), ValueRange{},
            [&](OpBuilder &nested, Location loc, Value t, ValueRange) {
              ImplicitLocOpBuilder nb(loc, nested);
              VMath nm{nb, m.one};
              Vectors s =
                  cell.apply(nm, zero, loadProj(nb, lb, pb, t), nullptr);
              for (int i = 0; i < n; ++i)
                lb.store(nb, s[i], pb.states[i], {lb.b, t});
              scf::YieldOp::create(nb);
            });
      });
}

/// The final state: the last step's, or the initial state when T = 0.
void storeFinal(TensorBuilder &b, bool lstm, const ParaBuffers &pb) {
  int n = lstm ? 2 : 1;
  forEachLaneBlock(b, {pb.batch}, pb.width, scanLanes(n),
                   [&](ImplicitLocOpBuilder &ib, const LaneBlock &lb) {
                     Value one = arith::ConstantIndexOp::create(ib, 1);
                     Value any = arith::CmpIOp::create(
                         ib, arith::CmpIPredicate::uge, pb.steps, one);
                     Value last = arith::SubIOp::create(
                         ib, arith::MaxUIOp::create(ib, pb.steps, one), one);
                     scf::IfOp::create(
                         ib, any,
                         [&](OpBuilder &tb, Location tl) {
                           ImplicitLocOpBuilder t(tl, tb);
                           for (int i = 0; i < n; ++i)
                             lb.store(t, lb.load(t, pb.states[i], {lb.b, last}),
                                      pb.final[i], {lb.b});
                           scf::YieldOp::create(t);
                         },
                         [&](OpBuilder &eb, Location el) {
                           ImplicitLocOpBuilder e(el, eb);
                           Vectors init = initialState(e, lb, n, pb);
                           for (int i = 0; i < n; ++i)
                             lb.store(e, init[i], pb.final[i], {lb.b});
                           scf::YieldOp::create(e);
                         });
                   });
}

/// ParaRNN's Newton iterations; see the file comment.
void solveByNewton(TensorBuilder &b, Checks &checks, bool lstm,
                   const ParaBuffers &pb, const NewtonSettings &ns,
                   const std::string &node) {
  int n = lstm ? 2 : 1;
  ScanBuffers scan;
  scan.n = n;
  for (int i = 0; i < n * n; ++i)
    scan.a.push_back(allocBuffer(b, {pb.batch, pb.steps, pb.width}));
  for (int i = 0; i < n; ++i)
    scan.b.push_back(allocBuffer(b, {pb.batch, pb.steps, pb.width}));
  scan.init = pb.init;
  scan.out = pb.states; // each iterate replaces the last in place
  firstIterate(b, lstm, pb, ns);
  Type index = b.getIndexType(), f32 = b.getF32Type();
  auto loop = scf::WhileOp::create(
      b, TypeRange{index, f32}, ValueRange{b.index(0), b.f32(0.0)},
      [&](OpBuilder &ob, Location loc, ValueRange args) {
        TensorBuilder ib(loc, ob);
        Value res = linearize(ib, lstm, pb, ns, scan);
        Value more = arith::CmpFOp::create(ib, arith::CmpFPredicate::UGT, res,
                                           ib.f32(ns.solve.tolerance));
        Value under =
            arith::CmpIOp::create(ib, arith::CmpIPredicate::ult, args[0],
                                  ib.index(ns.solve.maxIterations));
        scf::ConditionOp::create(ib, arith::AndIOp::create(ib, more, under),
                                 ValueRange{args[0], res});
      },
      [&](OpBuilder &ob, Location loc, ValueRange args) {
        TensorBuilder ib(loc, ob);
        buildScan(ib, ns.scan, pb.batch, pb.steps, pb.width, scan);
        Value next = arith::AddIOp::create(ib, args[0], ib.index(1));
        scf::YieldOp::create(ib, ValueRange{next, args[1]});
      });
  Value failed =
      arith::CmpFOp::create(b, arith::CmpFPredicate::UGT, loop.getResult(1),
                            b.f32(ns.solve.tolerance));
  if (ns.solve.errorAtCap) {
    checks.failIf(b, failed, ns.solve.capMessage(node));
    storeFinal(b, lstm, pb);
    return;
  }
  // Chosen by the compiler: finish sequentially instead.
  scf::IfOp::create(
      b, failed,
      [&](OpBuilder &tb, Location tl) {
        TensorBuilder ib(tl, tb);
        solveSequentially(ib, lstm, pb);
        scf::YieldOp::create(ib);
      },
      [&](OpBuilder &eb, Location el) {
        TensorBuilder ib(el, eb);
        storeFinal(ib, lstm, pb);
        scf::YieldOp::create(ib);
      });
}

} // namespace

Results buildParaRNN(TensorBuilder &b, Checks &checks, DictionaryAttr kernel,
                     ValueRange operands) {
  bool lstm = kernel.getAs<StringAttr>("cell").getValue() == "lstm";
  unsigned diag = lstm ? 5 : 3, next = 3 + diag;
  Value h0 =
      kernel.getAs<BoolAttr>("h0").getValue() ? operands[next++] : Value();
  Value c0 = kernel.getAs<BoolAttr>("c0").getValue() ? operands[next] : Value();
  Value x = operands[0]; // the first projection, [B, T, H]
  std::string node = kernel.getAs<StringAttr>("node").getValue().str();
  ParaBuffers pb;
  pb.batch = b.dim(x, 0);
  pb.steps = b.dim(x, 1);
  pb.width = b.dim(x, 2);
  for (int i = 0; i < 3; ++i)
    pb.proj[i] = readBuffer(b, operands[i]);
  for (unsigned i = 0; i < diag; ++i)
    pb.diag[i] = readBuffer(b, operands[3 + i]);
  int n = lstm ? 2 : 1;
  if (h0 || c0) {
    pb.init.push_back(h0 ? readBuffer(b, h0) : Value());
    if (lstm)
      pb.init.push_back(c0 ? readBuffer(b, c0) : Value());
  }
  bool newton = ParaSolve::of(kernel).newton;
  pb.states.push_back(allocBuffer(b, {pb.batch, pb.steps, pb.width}));
  if (lstm && newton) // the iterates need c at every step too
    pb.states.push_back(allocBuffer(b, {pb.batch, pb.steps, pb.width}));
  for (int i = 0; i < n; ++i)
    pb.final.push_back(allocBuffer(b, {pb.batch, pb.width}));
  if (newton)
    solveByNewton(b, checks, lstm, pb, NewtonSettings::of(kernel), node);
  else
    solveSequentially(b, lstm, pb);
  Results results{bufferTensor(b, pb.states[0])};
  for (Value f : pb.final)
    results.push_back(bufferTensor(b, f));
  return results;
}

} // namespace seqc
