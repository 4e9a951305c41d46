//===- Recurrences.cpp - Lowering of the ops that run along time ----------===//
//
// linear_recurrence and causal_conv1d here; lowerOverTime also dispatches
// PGN and GAM (GatedMemory.cpp) and para_gru / para_lstm (ParaRNN.cpp).
// (rnn is target-independent: Common/Lowering/RNN.cpp.)
//
//===----------------------------------------------------------------------===//
#include "CPUKernels.h"
#include "Scan.h"
#include "VectorLoops.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;
using namespace seqc::seq;

namespace seqc {

/// h_t = a_t ⊙ h_{t−1} + b_t, in the scan form chosen for the op.
static Results linearRecurrence(TensorBuilder &b, Checks &checks,
                                LinearRecurrenceOp op) {
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
  Value batch = b.dim(a, 0), steps = b.dim(a, 1), width = b.dim(a, 2);
  ScanBuffers bufs;
  bufs.a = {readBuffer(b, a)};
  bufs.b = {readBuffer(b, bv)};
  if (h0)
    bufs.init = {readBuffer(b, h0)};
  bufs.out = {allocBuffer(b, {batch, steps, width})};
  bufs.final = {allocBuffer(b, {batch, width})};
  buildScan(b, ScanForm::of(op), batch, steps, width, bufs);
  return {bufferTensor(b, bufs.out[0]), bufferTensor(b, bufs.final[0])};
}

/// Kernels up to this many taps are summed in one elementwise op that
/// reads every tap (buildCausalConv); longer ones in a loop over the taps,
/// so that the code and the compile time do not grow with the kernel.
constexpr int64_t kUnrolledKernel = 16;
/// Channels per vector of the loop form.
constexpr int64_t kConvLanes = 16;

/// The loop form: x padded in front once with K − 1 zero steps, p, then
/// parallel over (b, t, vectors of channels), y = b + Σ_i wᵀ[i] ⊙
/// p[b, t + i], accumulated in one vector in the order of the unrolled
/// form.
static Value causalConvLoop(TensorBuilder &b, Value x, Value wT, Value bias,
                            int64_t kernel) {
  Value padded = b.padSteps(x, kernel - 1);
  Value batch = b.dim(x, 0), steps = b.dim(x, 1), width = b.dim(x, 2);
  Value pb = readBuffer(b, padded), wb = readBuffer(b, wT);
  Value bb = readBuffer(b, bias);
  Value y = allocBuffer(b, {batch, steps, width});
  forEachLaneBlock(
      b, {batch, steps}, width, kConvLanes,
      [&](ImplicitLocOpBuilder &ib, const LaneBlock &lb) {
        Value t = lb.outer[1];
        Value one = arith::ConstantIndexOp::create(ib, 1);
        auto loop = scf::ForOp::create(
            ib, arith::ConstantIndexOp::create(ib, 0),
            arith::ConstantIndexOp::create(ib, kernel), one,
            ValueRange{lb.load(ib, bb, {})},
            [&](OpBuilder &nb, Location loc, Value i, ValueRange acc) {
              ImplicitLocOpBuilder kb(loc, nb);
              Value xi =
                  lb.load(kb, pb, {lb.b, arith::AddIOp::create(kb, t, i)});
              Value sum = arith::AddFOp::create(
                  kb, acc[0],
                  arith::MulFOp::create(kb, lb.load(kb, wb, {i}), xi));
              scf::YieldOp::create(kb, sum);
            });
        lb.store(ib, loop.getResult(0), y, {lb.b, t});
      });
  return bufferTensor(b, y);
}

/// y_t = b + Σ_{i<K} w[:, i] ⊙ x_{t−K+1+i}, reads before t = 0 being 0:
/// one elementwise op over (b, t, d) that reads x delayed by 0 .. K − 1
/// steps (delayedSteps: slices, not shifted indexing maps, whose loop
/// bounds linalg would take from the padded length) and the K rows of wᵀ
/// [K, D] (transposed once), so that it runs in vectors along d
/// (seq-vectorize-elementwise); above kUnrolledKernel taps, causalConvLoop.
Value buildCausalConv(TensorBuilder &b, Value x, Value w, Value bias,
                      int64_t kernel) {
  using IT = utils::IteratorType;
  SmallVector<OpFoldResult> sizes = b.sizes(x);
  OpFoldResult width = sizes[2];
  Value wT = linalg::TransposeOp::create(
                 b, w, b.empty({b.getIndexAttr(kernel), width}),
                 ArrayRef<int64_t>{1, 0})
                 .getResult()[0];
  if (kernel > kUnrolledKernel)
    return causalConvLoop(b, x, wT, bias, kernel);
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

FailureOr<Results> lowerOverTime(Operation *op, TensorBuilder &b,
                                 Checks &checks) {
  if (auto o = dyn_cast<LinearRecurrenceOp>(op))
    return linearRecurrence(b, checks, o);
  if (auto o = dyn_cast<CausalConv1dOp>(op))
    return Results{causalConv(b, o)};
  if (isa<ParaGRUOp, ParaLSTMOp>(op))
    return buildParaRNN(b, checks, op);
  if (auto o = dyn_cast<PGNOp>(op))
    return Results{buildPGN(b, o)};
  if (auto o = dyn_cast<GAMOp>(op))
    return Results{buildGAM(b, o)};
  return failure();
}

} // namespace seqc
