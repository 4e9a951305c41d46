//===- Scans.cpp - Linear recurrences as tensor structure -----------------===//
//
// s_t = A_t s_{t−1} + b_t, where s_t is an n-vector per element (n = 1:
// linear_recurrence's diagonal scan; n = 2: the (h, c) blocks of a CIFG
// LSTM's Newton step), its entries kept as n tensors [B, D] and A's as n·n
// (row-major). Solved in the form chosen: a loop over time carrying s, or
// time cut into chunks scanned in parallel — (1) per chunk in an
// scf.forall, its transfer P = Π A and the state S reached from zero;
// (2) the carry into each chunk, s_c = P_{c−1} s_{c−1} + S_{c−1}, by a loop
// over the chunks, whose end is the last state; (3) per chunk in an
// scf.forall, its steps again from its carry.
//
//===----------------------------------------------------------------------===//
#include "Lowering.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;

namespace seqc {

namespace {

using IT = utils::IteratorType;
using Values = SmallVector<Value>;

/// Σ_j x_j · y_j (+ z): one elementwise op over [B, D] tensors.
Value dot(TensorBuilder &b, ArrayRef<Value> x, ArrayRef<Value> y,
          Value z = {}) {
  SmallVector<Value> in(x);
  llvm::append_range(in, y);
  if (z)
    in.push_back(z);
  unsigned n = x.size();
  return b.generic(in, SmallVector<AffineMap>(in.size(), b.identity(2)),
                   b.empty(b.sizes(x[0])), b.identity(2),
                   {IT::parallel, IT::parallel},
                   [&](ImplicitLocOpBuilder &ib, ValueRange a) {
                     Value sum = z ? a[2 * n] : Value();
                     for (unsigned j = 0; j < n; ++j) {
                       Value p = arith::MulFOp::create(ib, a[j], a[n + j]);
                       sum = sum ? arith::AddFOp::create(ib, sum, p) : p;
                     }
                     return SmallVector<Value>{sum};
                   });
}

/// Row i of an n×n matrix held as n·n tensors, and column k.
Values row(ValueRange m, unsigned n, unsigned i) {
  return Values(m.slice(i * n, n));
}
Values column(ValueRange m, unsigned n, unsigned k) {
  Values c;
  for (unsigned j = 0; j < n; ++j)
    c.push_back(m[j * n + k]);
  return c;
}

/// s' = A s + b. The diagonal form (n = 1) is written over s
/// (destination-passing: a loop carrying s updates it in place).
Values affineStep(TensorBuilder &b, ValueRange a, ValueRange bv, ValueRange s) {
  unsigned n = s.size();
  if (n == 1)
    return {b.generic({a[0], bv[0]}, {b.identity(2), b.identity(2)}, s[0],
                      b.identity(2), {IT::parallel, IT::parallel},
                      [](ImplicitLocOpBuilder &ib, ValueRange x) {
                        return SmallVector<Value>{arith::AddFOp::create(
                            ib, arith::MulFOp::create(ib, x[0], x[2]), x[1])};
                      })};
  Values next;
  for (unsigned i = 0; i < n; ++i)
    next.push_back(dot(b, row(a, n, i), Values(s), bv[i]));
  return next;
}

/// P' = A P for n×n matrices (n = 1: written over P).
Values compose(TensorBuilder &b, unsigned n, ValueRange a, ValueRange p) {
  if (n == 1)
    return {b.generic({a[0]}, {b.identity(2)}, p[0], b.identity(2),
                      {IT::parallel, IT::parallel},
                      [](ImplicitLocOpBuilder &ib, ValueRange x) {
                        return SmallVector<Value>{
                            arith::MulFOp::create(ib, x[0], x[1])};
                      })};
  Values next;
  for (unsigned i = 0; i < n; ++i)
    for (unsigned k = 0; k < n; ++k)
      next.push_back(dot(b, row(a, n, i), column(p, n, k)));
  return next;
}

/// Step t of each tensor of `xs` ([B, T, D] → [B, D]).
Values atStep(TensorBuilder &b, ValueRange xs, Value t, OpFoldResult batch) {
  Values r;
  for (Value x : xs)
    r.push_back(b.timeSlice(x, t, batch));
  return r;
}

/// Steps [lo, lo + count) from s: (the states, [B, count, D] each, written
/// into `out`; the last state).
std::pair<Values, Values> scanSteps(TensorBuilder &b, ValueRange a,
                                    ValueRange bv, ValueRange s, Value lo,
                                    Value count, ValueRange out) {
  unsigned n = s.size();
  OpFoldResult batch = b.sizes(a[0])[0];
  Values init(s);
  llvm::append_range(init, out);
  auto loop = scf::ForOp::create(
      b, b.index(0), count, b.index(1), init,
      [&](OpBuilder &nested, Location loc, Value i, ValueRange carried) {
        TensorBuilder lb(loc, nested);
        Value t = arith::AddIOp::create(lb, lo, i);
        Values next =
            affineStep(lb, atStep(lb, a, t, batch), atStep(lb, bv, t, batch),
                       carried.take_front(n));
        Values yield(next);
        for (unsigned j = 0; j < n; ++j)
          yield.push_back(lb.insertTime(next[j], carried[n + j], i));
        scf::YieldOp::create(lb, yield);
      });
  ValueRange r = loop.getResults();
  return {Values(r.drop_front(n)), Values(r.take_front(n))};
}

Results sequentialScan(TensorBuilder &b, ValueRange a, ValueRange bv,
                       ValueRange s) {
  Values out;
  for (unsigned j = 0; j < s.size(); ++j)
    out.push_back(b.empty(b.sizes(a[0])));
  auto [states, last] = scanSteps(b, a, bv, s, b.index(0), b.dim(a[0], 1), out);
  Results r(states);
  llvm::append_range(r, last);
  return r;
}

Results chunkedScan(TensorBuilder &b, ValueRange a, ValueRange bv, ValueRange s,
                    int64_t chunk) {
  unsigned n = s.size();
  SmallVector<OpFoldResult> sizes = b.sizes(a[0]);
  Value steps = b.dim(a[0], 1);
  Value chunks = arith::CeilDivUIOp::create(b, steps, b.index(chunk));
  SmallVector<OpFoldResult> perChunk{sizes[0], chunks, sizes[2]};
  SmallVector<OpFoldResult> state{sizes[0], sizes[2]};
  OpFoldResult batch = sizes[0];
  auto filled = [&](TensorBuilder &fb, double v) {
    return linalg::FillOp::create(fb, ValueRange{fb.f32(v)},
                                  ValueRange{fb.empty(state)})
        .getResult(0);
  };

  // (1) Each chunk's transfer: P (n·n) then S (n), [B, C, D] each.
  Values transferOuts;
  for (unsigned j = 0; j < n * n + n; ++j)
    transferOuts.push_back(b.empty(perChunk));
  ValueRange transfer = forEachChunk(
      b, chunks, transferOuts,
      [&](TensorBuilder &cb, Value c, ValueRange outs) {
        Value lo, count; // (captured below: not a structured binding)
        std::tie(lo, count) = chunkSpan(cb, c, chunk, steps);
        Values init;
        for (unsigned i = 0; i < n; ++i)
          for (unsigned k = 0; k < n; ++k)
            init.push_back(filled(cb, i == k ? 1.0 : 0.0));
        for (unsigned j = 0; j < n; ++j)
          init.push_back(cb.zeros(state));
        auto loop = scf::ForOp::create(
            cb, cb.index(0), count, cb.index(1), init,
            [&](OpBuilder &nested, Location loc, Value i, ValueRange ps) {
              TensorBuilder lb(loc, nested);
              Value t = arith::AddIOp::create(lb, lo, i);
              Values at = atStep(lb, a, t, batch);
              Values next = compose(lb, n, at, ps.take_front(n * n));
              llvm::append_range(next,
                                 affineStep(lb, at, atStep(lb, bv, t, batch),
                                            ps.drop_front(n * n)));
              scf::YieldOp::create(lb, next);
            });
        StepRows rowOfChunk = stepRows(cb, outs[0], c, cb.getIndexAttr(1));
        SmallVector<ChunkWrite> writes;
        for (Value v : loop.getResults())
          writes.push_back({v, rowOfChunk});
        return writes;
      });

  // (2) The carries into the chunks; the last is the final state.
  Values carryInit(s);
  for (unsigned j = 0; j < n; ++j)
    carryInit.push_back(b.empty(perChunk));
  auto carry = scf::ForOp::create(
      b, b.index(0), chunks, b.index(1), carryInit,
      [&](OpBuilder &nested, Location loc, Value c, ValueRange hc) {
        TensorBuilder lb(loc, nested);
        Values yield = affineStep(
            lb, atStep(lb, transfer.take_front(n * n), c, batch),
            atStep(lb, transfer.drop_front(n * n), c, batch), hc.take_front(n));
        for (unsigned j = 0; j < n; ++j)
          yield.push_back(lb.insertTime(hc[j], hc[n + j], c));
        scf::YieldOp::create(lb, yield);
      });
  ValueRange carries = carry.getResults().drop_front(n);

  // (3) Each chunk's steps again, from its carry.
  Values outs;
  for (unsigned j = 0; j < n; ++j)
    outs.push_back(b.empty(sizes));
  ValueRange states = forEachChunk(
      b, chunks, outs, [&](TensorBuilder &cb, Value c, ValueRange shared) {
        auto [lo, count] = chunkSpan(cb, c, chunk, steps);
        StepRows rows = stepRows(cb, shared[0], lo, count);
        Values into;
        for (Value x : shared)
          into.push_back(rows.of(cb, x));
        Values from = atStep(cb, carries, c, batch);
        SmallVector<ChunkWrite> writes;
        for (Value v : scanSteps(cb, a, bv, from, lo, count, into).first)
          writes.push_back({v, rows});
        return writes;
      });
  Results r(states);
  llvm::append_range(r, carry.getResults().take_front(n));
  return r;
}

} // namespace

Results solveLinearRecurrence(TensorBuilder &b, ValueRange a, ValueRange bv,
                              ValueRange s, int64_t chunk) {
  if (chunk > 0)
    return chunkedScan(b, a, bv, s, chunk);
  return sequentialScan(b, a, bv, s);
}

} // namespace seqc
