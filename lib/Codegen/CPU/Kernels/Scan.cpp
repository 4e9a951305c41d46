//===- Scan.cpp - Linear recurrences over time: sequential or chunked -----===//
#include "Scan.h"

#include "dialects/seq/SeqDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;

namespace seqc {

ScanForm ScanForm::of(Operation *op) { return of(op->getAttr("seq.scan")); }

ScanForm ScanForm::of(Attribute scan) {
  ScanForm form;
  if (auto s = dyn_cast_or_null<seq::ScanAttr>(scan)) {
    form.chunked = s.getMethod() == seq::ScanMethod::chunked;
    if (form.chunked)
      form.chunk = s.getChunk();
  }
  return form;
}

Value ScanForm::numChunks(TensorBuilder &b, Value steps) const {
  if (!chunked)
    return b.index(1);
  return arith::CeilDivUIOp::create(b, steps, b.index(chunk));
}

int64_t scanLanes(int n) { return n == 1 ? 32 : 16; }

using Vectors = SmallVector<Value>;

/// A s + c for an n×n matrix A (row-major) and n-vectors s, c.
static Vectors affineStep(ImplicitLocOpBuilder &ib, int n, ValueRange a,
                          ValueRange s, ValueRange c) {
  Vectors next;
  for (int i = 0; i < n; ++i) {
    Value acc = c[i];
    for (int j = 0; j < n; ++j)
      acc = vector::FMAOp::create(ib, a[i * n + j], s[j], acc);
    next.push_back(acc);
  }
  return next;
}

/// A·P for n×n matrices.
static Vectors compose(ImplicitLocOpBuilder &ib, int n, ValueRange a,
                       ValueRange p) {
  Vectors out;
  for (int i = 0; i < n; ++i)
    for (int k = 0; k < n; ++k) {
      Value acc = arith::MulFOp::create(ib, a[i * n], p[k]);
      for (int j = 1; j < n; ++j)
        acc = vector::FMAOp::create(ib, a[i * n + j], p[j * n + k], acc);
      out.push_back(acc);
    }
  return out;
}

static Vectors loadAll(ImplicitLocOpBuilder &ib, const LaneBlock &lb,
                       ArrayRef<Value> buffers, ValueRange at) {
  Vectors out;
  for (Value buf : buffers)
    out.push_back(lb.load(ib, buf, at));
  return out;
}

static void storeAll(ImplicitLocOpBuilder &ib, const LaneBlock &lb,
                     ArrayRef<Value> values, ArrayRef<Value> buffers,
                     ValueRange at) {
  for (auto [v, buf] : llvm::zip(values, buffers))
    lb.store(ib, v, buf, at);
}

Vectors loadInitialState(ImplicitLocOpBuilder &ib, const LaneBlock &lb, int n,
                         ArrayRef<Value> init) {
  Vectors s;
  for (int i = 0; i < n; ++i)
    s.push_back(init.empty() || !init[i] ? lb.splat(ib, 0.0)
                                         : lb.load(ib, init[i], {lb.b}));
  return s;
}

std::pair<Value, Value> chunkBounds(ImplicitLocOpBuilder &ib, Value c,
                                    int64_t chunk, Value steps) {
  Value size = arith::ConstantIndexOp::create(ib, chunk);
  Value lo = arith::MulIOp::create(ib, c, size);
  return {lo, arith::MinUIOp::create(ib, steps,
                                     arith::AddIOp::create(ib, lo, size))};
}

/// A loop over the steps of chunk `c` carrying `init`; `body` returns the
/// carried values of the next step.
static ValueRange loopOverChunk(
    ImplicitLocOpBuilder &ib, const ScanForm &form, Value c, Value steps,
    ValueRange init,
    const std::function<Vectors(ImplicitLocOpBuilder &, Value, ValueRange)>
        &body) {
  Value lo = arith::ConstantIndexOp::create(ib, 0), hi = steps;
  if (form.chunked)
    std::tie(lo, hi) = chunkBounds(ib, c, form.chunk, steps);
  auto loop = scf::ForOp::create(
      ib, lo, hi, arith::ConstantIndexOp::create(ib, 1), init,
      [&](OpBuilder &nested, Location loc, Value t, ValueRange carried) {
        ImplicitLocOpBuilder nb(loc, nested);
        scf::YieldOp::create(nb, body(nb, t, carried));
      });
  return loop.getResults();
}

/// Scans the chunk of lane block `lb` from `start`, writing every state
/// (and the last into `final` when given).
static void scanChunk(ImplicitLocOpBuilder &ib, const LaneBlock &lb,
                      const ScanForm &form, Value chunk, Value steps,
                      const ScanBuffers &bufs, ValueRange start, bool last) {
  int n = bufs.n;
  ValueRange s =
      loopOverChunk(ib, form, chunk, steps, start,
                    [&](ImplicitLocOpBuilder &nb, Value t, ValueRange state) {
                      Vectors next =
                          affineStep(nb, n, loadAll(nb, lb, bufs.a, {lb.b, t}),
                                     state, loadAll(nb, lb, bufs.b, {lb.b, t}));
                      storeAll(nb, lb, next, bufs.out, {lb.b, t});
                      return next;
                    });
  if (last && !bufs.final.empty())
    storeAll(ib, lb, Vectors(s), bufs.final, {lb.b});
}

void buildScan(TensorBuilder &b, const ScanForm &form, Value batch, Value steps,
               Value width, const ScanBuffers &bufs) {
  int n = bufs.n;
  int64_t lanes = scanLanes(n);
  auto initial = [&](ImplicitLocOpBuilder &ib, const LaneBlock &lb) {
    return loadInitialState(ib, lb, n, bufs.init);
  };
  if (!form.chunked) {
    forEachLaneBlock(b, {batch}, width, lanes,
                     [&](ImplicitLocOpBuilder &ib, const LaneBlock &lb) {
                       scanChunk(ib, lb, form, Value(), steps, bufs,
                                 initial(ib, lb), /*last=*/true);
                     });
    return;
  }
  Value chunks = form.numChunks(b, steps);
  // (1) Each chunk's transfer: the product P of its A_t and the state S
  // it reaches from zero.
  SmallVector<Value> transfer, reached, carry;
  for (int i = 0; i < n * n; ++i)
    transfer.push_back(allocBuffer(b, {batch, chunks, width}));
  for (int i = 0; i < n; ++i) {
    reached.push_back(allocBuffer(b, {batch, chunks, width}));
    carry.push_back(allocBuffer(b, {batch, chunks, width}));
  }
  forEachLaneBlock(
      b, {batch, chunks}, width, lanes,
      [&](ImplicitLocOpBuilder &ib, const LaneBlock &lb) {
        Vectors init;
        for (int i = 0; i < n; ++i)
          for (int j = 0; j < n; ++j)
            init.push_back(lb.splat(ib, i == j ? 1.0 : 0.0));
        for (int i = 0; i < n; ++i)
          init.push_back(lb.splat(ib, 0.0));
        ValueRange r = loopOverChunk(
            ib, form, lb.outer[1], steps, init,
            [&](ImplicitLocOpBuilder &nb, Value t, ValueRange carried) {
              Vectors a = loadAll(nb, lb, bufs.a, {lb.b, t});
              Vectors next = compose(nb, n, a, carried.take_front(n * n));
              Vectors s = affineStep(nb, n, a, carried.drop_front(n * n),
                                     loadAll(nb, lb, bufs.b, {lb.b, t}));
              next.append(s);
              return next;
            });
        Value at[] = {lb.b, lb.outer[1]};
        storeAll(ib, lb, Vectors(r.take_front(n * n)), transfer, at);
        storeAll(ib, lb, Vectors(r.drop_front(n * n)), reached, at);
      });
  // (2) The state entering each chunk: a loop over chunks, which ends in
  // the final state.
  forEachLaneBlock(
      b, {batch}, width, lanes,
      [&](ImplicitLocOpBuilder &ib, const LaneBlock &lb) {
        auto loop = scf::ForOp::create(
            ib, arith::ConstantIndexOp::create(ib, 0), chunks,
            arith::ConstantIndexOp::create(ib, 1), initial(ib, lb),
            [&](OpBuilder &nested, Location loc, Value c, ValueRange s) {
              ImplicitLocOpBuilder nb(loc, nested);
              Value at[] = {lb.b, c};
              storeAll(nb, lb, Vectors(s), carry, at);
              scf::YieldOp::create(
                  nb, affineStep(nb, n, loadAll(nb, lb, transfer, at), s,
                                 loadAll(nb, lb, reached, at)));
            });
        if (!bufs.final.empty())
          storeAll(ib, lb, Vectors(loop.getResults()), bufs.final, {lb.b});
      });
  // (3) Each chunk again from its carry, writing the states.
  forEachLaneBlock(b, {batch, chunks}, width, lanes,
                   [&](ImplicitLocOpBuilder &ib, const LaneBlock &lb) {
                     Value at[] = {lb.b, lb.outer[1]};
                     scanChunk(ib, lb, form, lb.outer[1], steps, bufs,
                               loadAll(ib, lb, carry, at), /*last=*/false);
                   });
}

} // namespace seqc
