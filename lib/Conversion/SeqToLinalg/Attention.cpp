//===- Attention.cpp - Lowering of gla_core and the GLA layer -------------===//
//
// The straightforward form: a loop over time carrying the state
// S[B,H,K,V]; each step is two linalg.generic ops (state update, output).
// The chunked form is a separate pass's business.
//
//===----------------------------------------------------------------------===//
#include "Lowering.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;
using namespace seqc::seq;

namespace seqc {

Results buildGLACore(TensorBuilder &b, Checks &checks, Value q, Value k,
                     Value v, Value g, Value s0, int64_t heads, double scale,
                     const std::string &node) {
  auto qt = cast<RankedTensorType>(q.getType());
  auto vt = cast<RankedTensorType>(v.getType());
  int64_t kd = qt.getDimSize(2) / heads, vd = vt.getDimSize(2) / heads;
  for (int64_t d : {0, 1}) {
    std::string what = d == 0 ? "batch" : "length";
    std::tie(q, k) = checks.sameDim(
        b, q, d, k, d, "node '" + node + "': " + what + " of q and k differ");
    std::tie(q, v) = checks.sameDim(
        b, q, d, v, d, "node '" + node + "': " + what + " of q and v differ");
    std::tie(q, g) = checks.sameDim(
        b, q, d, g, d, "node '" + node + "': " + what + " of q and g differ");
  }
  if (s0)
    std::tie(q, s0) = checks.sameDim(
        b, q, 0, s0, 0, "node '" + node + "': batch of q and s0 differ");
  Value batch = b.dim(q, 0), steps = b.dim(q, 1);
  Value q4 = b.splitLast(q, heads, kd), k4 = b.splitLast(k, heads, kd);
  Value g4 = b.splitLast(g, heads, kd), v4 = b.splitLast(v, heads, vd);
  SmallVector<OpFoldResult> stateSizes{batch, b.getIndexAttr(heads),
                                       b.getIndexAttr(kd), b.getIndexAttr(vd)};
  Value state = s0 ? s0 : b.zeros(stateSizes);
  SmallVector<OpFoldResult> outSizes{batch, steps, b.getIndexAttr(heads),
                                     b.getIndexAttr(vd)};
  Value out = b.empty(outSizes);

  auto loop = scf::ForOp::create(
      b, b.index(0), steps, b.index(1), ValueRange{state, out},
      [&](OpBuilder &nested, Location loc, Value t, ValueRange carried) {
        TensorBuilder lb(loc, nested);
        Value qs = lb.timeSlice(q4, t, batch), ks = lb.timeSlice(k4, t, batch);
        Value gs = lb.timeSlice(g4, t, batch), vs = lb.timeSlice(v4, t, batch);
        using IT = utils::IteratorType;
        // S = diag(exp(g_t)) S + k_tᵀ v_t, loops (b, h, k, v).
        Value s = lb.generic(
            {gs, ks, vs},
            {lb.select(4, {0, 1, 2}), lb.select(4, {0, 1, 2}),
             lb.select(4, {0, 1, 3})},
            carried[0], lb.identity(4), SmallVector<IT>(4, IT::parallel),
            [](ImplicitLocOpBuilder &ib, ValueRange a) {
              Value decay = math::ExpOp::create(ib, a[0]);
              Value kv = arith::MulFOp::create(ib, a[1], a[2]);
              return SmallVector<Value>{arith::AddFOp::create(
                  ib, arith::MulFOp::create(ib, decay, a[3]), kv)};
            });
        // o_t = (scale · q_t) S, loops (b, h, v, k).
        SmallVector<IT> its(4, IT::parallel);
        its[3] = IT::reduction;
        Value o = lb.generic(
            {qs, s}, {lb.select(4, {0, 1, 3}), lb.select(4, {0, 1, 3, 2})},
            lb.zeros({batch, lb.getIndexAttr(heads), lb.getIndexAttr(vd)}),
            lb.select(4, {0, 1, 2}), its,
            [scale](ImplicitLocOpBuilder &ib, ValueRange a) {
              Value sq = arith::MulFOp::create(ib, a[0], constF32(ib, scale));
              return SmallVector<Value>{arith::AddFOp::create(
                  ib, a[2], arith::MulFOp::create(ib, sq, a[1]))};
            });
        scf::YieldOp::create(lb,
                             ValueRange{s, lb.insertTime(o, carried[1], t)});
      });
  return {b.mergeLast(loop.getResult(1)), loop.getResult(0)};
}

static Results glaLayer(TensorBuilder &b, Checks &checks, GLAOp op) {
  ValueRange w = op.getWeights();
  Value x = op.getX();
  int64_t heads = op.getHeads();
  double gateNorm = op.getGateNorm().convertToDouble();
  Value q = b.linear(x, w[0]), k = b.linear(x, w[1]), v = b.linear(x, w[2]);
  Value gate = b.linear(x, w[3]);
  Value gk = b.linear(b.linear(x, w[4]), w[5], w[6]);
  Value g = b.map({gk}, gk, [&](ImplicitLocOpBuilder &ib, ValueRange a) {
    return arith::DivFOp::create(ib, logSigmoid(ib, a[0]),
                                 constF32(ib, gateNorm));
  });
  double scale = 1.0 / std::sqrt(double(op.getKeyDim() / heads));
  Results core = buildGLACore(b, checks, q, k, v, g, op.getS0(), heads, scale,
                              nodeName(op));
  Value o4 = b.splitLast(core[0], heads, op.getValueDim() / heads);
  Value normed =
      b.mergeLast(buildRMSNorm(b, o4, w[7], op.getEps().convertToDouble()));
  Value gated =
      b.map({normed, gate}, normed, [](ImplicitLocOpBuilder &ib, ValueRange a) {
        return arith::MulFOp::create(ib, a[0], silu(ib, a[1]));
      });
  return {b.linear(gated, w[8]), core[1]};
}

FailureOr<Results> lowerAttention(Operation *op, TensorBuilder &b,
                                  Checks &checks) {
  if (auto o = dyn_cast<GLACoreOp>(op)) {
    for (Value v : {o.getQ(), o.getV()})
      if (cast<RankedTensorType>(v.getType()).isDynamicDim(2))
        return op->emitOpError("needs static feature widths to lower");
    return buildGLACore(b, checks, o.getQ(), o.getK(), o.getV(), o.getG(),
                        o.getS0(), o.getHeads(), o.getScale().convertToDouble(),
                        nodeName(op));
  }
  if (auto o = dyn_cast<GLAOp>(op))
    return glaLayer(b, checks, o);
  if (auto o = dyn_cast<GatedAttentionOp>(op))
    return Results{buildGatedAttention(b, o)};
  return failure();
}

} // namespace seqc
