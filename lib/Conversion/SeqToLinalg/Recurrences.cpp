//===- Recurrences.cpp - Lowering of linear_recurrence and causal_conv1d --===//
#include "Lowering.h"
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

/// y_t = Σ_{i<K} w[:, i] ⊙ x_{t−K+1+i} + b; reads before t = 0 are 0.
Value shiftedProduct(ImplicitLocOpBuilder &ib, Value x, Value bi, Value src,
                     Value ch, Value w) {
  Value zero = arith::ConstantIndexOp::create(ib, 0);
  Value inside =
      arith::CmpIOp::create(ib, arith::CmpIPredicate::sge, src, zero);
  Value at = arith::MaxSIOp::create(ib, src, zero);
  Value xv = tensor::ExtractOp::create(ib, x, ValueRange{bi, at, ch});
  return arith::SelectOp::create(ib, inside, arith::MulFOp::create(ib, w, xv),
                                 constF32(ib, 0.0));
}

Value buildCausalConv(TensorBuilder &b, Value x, Value w, Value bias,
                      int64_t kernel) {
  using IT = utils::IteratorType;
  Value init = b.broadcastLast(bias, b.sizes(x));
  // Loops (b, t, d, i).
  SmallVector<IT> its(4, IT::parallel);
  its[3] = IT::reduction;
  Value y = b.generic({w}, {b.select(4, {2, 3})}, init, b.select(4, {0, 1, 2}),
                      its, [&](ImplicitLocOpBuilder &ib, ValueRange a) {
                        Value bi = linalg::IndexOp::create(ib, 0);
                        Value t = linalg::IndexOp::create(ib, 1);
                        Value d = linalg::IndexOp::create(ib, 2);
                        Value i = linalg::IndexOp::create(ib, 3);
                        // src = t − (K − 1) + i; negative means before the
                        // sequence.
                        Value src = arith::SubIOp::create(
                            ib, arith::AddIOp::create(ib, t, i),
                            arith::ConstantIndexOp::create(ib, kernel - 1));
                        return SmallVector<Value>{arith::AddFOp::create(
                            ib, a[1], shiftedProduct(ib, x, bi, src, d, a[0]))};
                      });
  return y;
}

static Value causalConv(TensorBuilder &b, CausalConv1dOp op) {
  Value y = buildCausalConv(b, op.getX(), op.getWeights()[0],
                            op.getWeights()[1], op.getKernel());
  if (op.getActivation() == "silu")
    y = b.map({y}, y, [](ImplicitLocOpBuilder &ib, ValueRange a) {
      return silu(ib, a[0]);
    });
  return y;
}

FailureOr<Results> lowerRecurrence(Operation *op, TensorBuilder &b,
                                   Checks &checks) {
  if (auto o = dyn_cast<LinearRecurrenceOp>(op))
    return linearRecurrence(b, checks, o);
  if (auto o = dyn_cast<CausalConv1dOp>(op))
    return Results{causalConv(b, o)};
  if (auto o = dyn_cast<RNNOp>(op))
    return buildRNN(b, o);
  if (isa<ParaGRUOp, ParaLSTMOp>(op))
    return buildParaRNN(b, checks, op);
  if (auto o = dyn_cast<PGNOp>(op))
    return Results{buildPGN(b, o)};
  if (auto o = dyn_cast<GAMOp>(op))
    return Results{buildGAM(b, o)};
  return failure();
}

} // namespace seqc
