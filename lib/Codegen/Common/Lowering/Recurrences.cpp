//===- Recurrences.cpp - linear_recurrence and causal_conv1d --------------===//
//
// linear_recurrence h_t = a_t ⊙ h_{t−1} + b_t is a kernel call
// ("linear_recurrence", with the op's #seq.scan) whose body is the scan in
// the form chosen (Scans.cpp). causal_conv1d is
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
        int64_t chunk =
            scan.getMethod() == ScanMethod::chunked ? scan.getChunk() : 0;
        return solveLinearRecurrence(kb, args[0], args[1], h, chunk);
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
