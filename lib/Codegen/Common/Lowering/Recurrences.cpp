//===- Recurrences.cpp - linear_recurrence and causal_conv1d --------------===//
//
// linear_recurrence h_t = a_t ⊙ h_{t−1} + b_t is a kernel call
// ("linear_recurrence", with the op's #seq.scan) whose body is the scan in
// the form chosen: a loop over time carrying h, or time cut into chunks
// scanned in parallel (each chunk's transfer, the carries into the chunks
// by a short loop, the chunks again from their carries). causal_conv1d is
// one elementwise op over the delayed inputs up to kUnrolledTaps taps, and
// a reduction over the taps (a kernel call, "causal_conv_taps") above.
//
//===----------------------------------------------------------------------===//
#include "Lowering.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;
using namespace seqc::seq;

namespace seqc {

using IT = utils::IteratorType;

/// h' = a ⊙ h + b, elementwise, written over h (destination-passing: a
/// loop carrying h updates it in place).
static Value affineStep(TensorBuilder &b, Value a, Value bv, Value h) {
  return b.generic({a, bv}, {b.identity(2), b.identity(2)}, h, b.identity(2),
                   {IT::parallel, IT::parallel},
                   [](ImplicitLocOpBuilder &ib, ValueRange x) {
                     return SmallVector<Value>{arith::AddFOp::create(
                         ib, arith::MulFOp::create(ib, x[0], x[2]), x[1])};
                   });
}

/// Steps [lo, lo + n) of the scan from `h`: (the states, [B, n, D], written
/// into `out`, and the last state).
static std::pair<Value, Value> scanSteps(TensorBuilder &b, Value a, Value bv,
                                         Value h, Value lo, Value n,
                                         Value out) {
  OpFoldResult batch = b.sizes(a)[0];
  auto loop = scf::ForOp::create(
      b, b.index(0), n, b.index(1), ValueRange{h, out},
      [&](OpBuilder &nested, Location loc, Value i, ValueRange carried) {
        TensorBuilder lb(loc, nested);
        Value t = arith::AddIOp::create(lb, lo, i);
        Value next = affineStep(lb, lb.timeSlice(a, t, batch),
                                lb.timeSlice(bv, t, batch), carried[0]);
        scf::YieldOp::create(
            lb, ValueRange{next, lb.insertTime(next, carried[1], i)});
      });
  return {loop.getResult(1), loop.getResult(0)};
}

/// The sequential form: (all states, the last).
static Results sequentialScan(TensorBuilder &b, Value a, Value bv, Value h) {
  auto [out, last] =
      scanSteps(b, a, bv, h, b.index(0), b.dim(a, 1), b.empty(b.sizes(a)));
  return {out, last};
}

/// The chunked form: (1) per chunk in parallel, its transfer, P = Π a and S
/// the state reached from zero (P, S [B, C, D] for C chunks); (2) the
/// carry into each chunk, h_c = P_{c−1} ⊙ h_{c−1} + S_{c−1}, by a loop over
/// the chunks, whose end is the last state; (3) per chunk in parallel, its
/// steps again from its carry.
static Results chunkedScan(TensorBuilder &b, Value a, Value bv, Value h,
                           int64_t chunk) {
  SmallVector<OpFoldResult> sizes = b.sizes(a);
  Value steps = b.dim(a, 1);
  Value chunks = arith::CeilDivUIOp::create(b, steps, b.index(chunk));
  SmallVector<OpFoldResult> perChunk{sizes[0], chunks, sizes[2]};
  SmallVector<OpFoldResult> state{sizes[0], sizes[2]};
  OpFoldResult batch = sizes[0];

  ValueRange transfer = forEachChunk(
      b, chunks, ValueRange{b.empty(perChunk), b.empty(perChunk)},
      [&](TensorBuilder &cb, Value c, ValueRange outs) {
        Value lo, n; // (captured below: not a structured binding)
        std::tie(lo, n) = chunkSpan(cb, c, chunk, steps);
        Value one = linalg::FillOp::create(cb, ValueRange{cb.f32(1.0)},
                                           ValueRange{cb.empty(state)})
                        .getResult(0);
        auto loop = scf::ForOp::create(
            cb, cb.index(0), n, cb.index(1), ValueRange{one, cb.zeros(state)},
            [&](OpBuilder &nested, Location loc, Value i, ValueRange ps) {
              TensorBuilder lb(loc, nested);
              Value t = arith::AddIOp::create(lb, lo, i);
              Value at = lb.timeSlice(a, t, batch);
              Value p = lb.generic({at}, {lb.identity(2)}, ps[0],
                                   lb.identity(2), {IT::parallel, IT::parallel},
                                   [](ImplicitLocOpBuilder &ib, ValueRange x) {
                                     return SmallVector<Value>{
                                         arith::MulFOp::create(ib, x[0], x[1])};
                                   });
              Value s = affineStep(lb, at, lb.timeSlice(bv, t, batch), ps[1]);
              scf::YieldOp::create(lb, ValueRange{p, s});
            });
        StepRows row = stepRows(cb, outs[0], c, cb.getIndexAttr(1));
        return SmallVector<ChunkWrite>{{loop.getResult(0), row},
                                       {loop.getResult(1), row}};
      });

  auto carry = scf::ForOp::create(
      b, b.index(0), chunks, b.index(1), ValueRange{h, b.empty(perChunk)},
      [&](OpBuilder &nested, Location loc, Value c, ValueRange hc) {
        TensorBuilder lb(loc, nested);
        Value carries = lb.insertTime(hc[0], hc[1], c);
        Value next = affineStep(lb, lb.timeSlice(transfer[0], c, batch),
                                lb.timeSlice(transfer[1], c, batch), hc[0]);
        scf::YieldOp::create(lb, ValueRange{next, carries});
      });
  Value carries = carry.getResult(1);

  ValueRange out = forEachChunk(
      b, chunks, ValueRange{b.empty(sizes)},
      [&](TensorBuilder &cb, Value c, ValueRange shared) {
        auto [lo, n] = chunkSpan(cb, c, chunk, steps);
        StepRows rows = stepRows(cb, shared[0], lo, n);
        Value h0 = cb.timeSlice(carries, c, batch);
        Value states =
            scanSteps(cb, a, bv, h0, lo, n, rows.of(cb, shared[0])).first;
        return SmallVector<ChunkWrite>{{states, rows}};
      });
  return {out[0], carry.getResult(0)};
}

static Results linearRecurrence(TensorBuilder &b, LinearRecurrenceOp op,
                                Checks &checks) {
  Value a = op.getA(), bv = op.getB(), h0 = op.getH0();
  std::string node = nodeName(op);
  for (int64_t d : {0, 1, 2})
    std::tie(a, bv) = checks.sameDim(b, a, d, bv, d,
                                     "node '" + node +
                                         "': sizes of a and b "
                                         "differ along dim " +
                                         std::to_string(d));
  if (h0) {
    std::tie(a, h0) = checks.sameDim(b, a, 0, h0, 0,
                                     "node '" + node +
                                         "': batch of a and h0 "
                                         "differ");
    std::tie(a, h0) = checks.sameDim(b, a, 2, h0, 1,
                                     "node '" + node +
                                         "': width of a and h0 "
                                         "differ");
  }
  // Sequential where seq-select-scan did not decide (seqc-opt on a bare
  // op).
  auto scan = op->getAttrOfType<ScanAttr>("seq.scan");
  if (!scan)
    scan = ScanAttr::get(b.getContext(), ScanMethod::sequential, 0);
  SmallVector<Value> operands{a, bv};
  if (h0)
    operands.push_back(h0);
  return buildKernelCall(
      b, "linear_recurrence", {b.getNamedAttr("scan", scan)}, operands,
      [&](TensorBuilder &kb, ValueRange args) {
        Value h = args.size() == 3
                      ? args[2]
                      : kb.zeros({kb.sizes(args[0])[0], kb.sizes(args[0])[2]});
        if (scan.getMethod() == ScanMethod::chunked)
          return chunkedScan(kb, args[0], args[1], h, scan.getChunk());
        return sequentialScan(kb, args[0], args[1], h);
      });
}

/// Kernels up to this many taps are summed in one elementwise op that
/// reads every tap; longer ones by a reduction over the taps, so that the
/// code and the compile time do not grow with the kernel.
constexpr int64_t kUnrolledTaps = 16;

/// y[b, t, d] = bias[d] + Σ_i wᵀ[i, d] · p[b, t + i, d], p being x padded
/// in front with K − 1 zero steps: a reduction over the taps i.
static Value convByReduction(TensorBuilder &b, Value x, Value wT, Value bias,
                             int64_t kernel) {
  Value padded = b.padSteps(x, kernel - 1);
  Value init = b.generic({bias}, {b.select(3, {2})}, b.empty(b.sizes(x)),
                         b.identity(3), SmallVector<IT>(3, IT::parallel),
                         [](ImplicitLocOpBuilder &, ValueRange a) {
                           return SmallVector<Value>{a[0]};
                         });
  MLIRContext *ctx = b.getContext();
  AffineExpr d0 = b.getAffineDimExpr(0), t = b.getAffineDimExpr(1),
             d = b.getAffineDimExpr(2), i = b.getAffineDimExpr(3);
  return b.generic({padded, wT},
                   {AffineMap::get(4, 0, {d0, t + i, d}, ctx),
                    AffineMap::get(4, 0, {i, d}, ctx)},
                   init, b.select(4, {0, 1, 2}),
                   {IT::parallel, IT::parallel, IT::parallel, IT::reduction},
                   [](ImplicitLocOpBuilder &ib, ValueRange a) {
                     return SmallVector<Value>{arith::AddFOp::create(
                         ib, a[2], arith::MulFOp::create(ib, a[1], a[0]))};
                   });
}

/// y_t = b + Σ_{i<K} w[:, i] ⊙ x_{t−K+1+i}, reads before t = 0 being 0:
/// one elementwise op over (b, t, d) that reads x delayed by 0 .. K − 1
/// steps (delayedSteps: slices, not shifted indexing maps, whose loop
/// bounds linalg would take from the padded length) and the K rows of wᵀ
/// [K, D] (transposed once), so that it runs in vectors along d; above
/// kUnrolledTaps taps, a kernel call whose body is convByReduction.
Value buildCausalConv(TensorBuilder &b, Value x, Value w, Value bias,
                      int64_t kernel) {
  SmallVector<OpFoldResult> sizes = b.sizes(x);
  OpFoldResult width = sizes[2];
  Value wT = linalg::TransposeOp::create(
                 b, w, b.empty({b.getIndexAttr(kernel), width}),
                 ArrayRef<int64_t>{1, 0})
                 .getResult()[0];
  if (kernel > kUnrolledTaps)
    return buildKernelCall(
        b, "causal_conv_taps",
        {b.getNamedAttr("kernel", b.getI64IntegerAttr(kernel))}, {x, wT, bias},
        [&](TensorBuilder &kb, ValueRange args) {
          return Results{
              convByReduction(kb, args[0], args[1], args[2], kernel)};
        })[0];
  SmallVector<Value> inputs{bias};
  SmallVector<AffineMap> maps{b.select(3, {2})};
  // x delayed by K − 1 − i steps.
  for (Value view : b.delayedSteps(x, kernel - 1, 0)) {
    inputs.push_back(view);
    maps.push_back(b.identity(3));
  }
  for (int64_t i = 0; i < kernel; ++i) {
    inputs.push_back(tensor::ExtractSliceOp::create(
        b,
        RankedTensorType::get(
            {getConstantIntValue(width).value_or(ShapedType::kDynamic)},
            b.getF32Type()),
        wT, ArrayRef<OpFoldResult>{b.getIndexAttr(i), b.getIndexAttr(0)},
        ArrayRef<OpFoldResult>{b.getIndexAttr(1), width},
        ArrayRef<OpFoldResult>{b.getIndexAttr(1), b.getIndexAttr(1)}));
    maps.push_back(b.select(3, {2}));
  }
  return b.generic(
      inputs, maps, b.empty(sizes), b.identity(3),
      SmallVector<IT>(3, IT::parallel),
      [&](ImplicitLocOpBuilder &ib, ValueRange a) {
        Value y = a[0];
        for (int64_t i = 0; i < kernel; ++i)
          y = arith::AddFOp::create(
              ib, y, arith::MulFOp::create(ib, a[1 + kernel + i], a[1 + i]));
        return SmallVector<Value>{y};
      });
}

static Value causalConv(TensorBuilder &b, CausalConv1dOp op) {
  Value y = buildCausalConv(b, op.getX(), op.getWeights()[0],
                            op.getWeights()[1], op.getKernel());
  if (op.getActivation() == ConvActivation::silu)
    y = b.map({y}, y, [](ImplicitLocOpBuilder &ib, ValueRange a) {
      return silu(ib, a[0]);
    });
  return y;
}

void populateRecurrencePatterns(RewritePatternSet &patterns, Checks &checks) {
  MLIRContext *ctx = patterns.getContext();
  patterns.add<LowerOpPattern<LinearRecurrenceOp>>(ctx, checks,
                                                   linearRecurrence);
  patterns.add<LowerOpPattern<CausalConv1dOp>>(
      ctx, checks, [](TensorBuilder &b, CausalConv1dOp op, Checks &) {
        return FailureOr<Results>(Results{causalConv(b, op)});
      });
}

} // namespace seqc
