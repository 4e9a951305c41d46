//===- GLANormGate.cpp - The GLA layer's per-head norm and swish gate -----===//
//
// The CPU's kernel for the common lowering's "gla_norm_gate" call: per
// row, each head's values normalized, weighted and gated in vectors of 16.
//
//===----------------------------------------------------------------------===//
#include "CPUKernels.h"
#include "VectorLoops.h"
#include "lib/Codegen/Common/LoopBuilders.h"
#include "seqc/Codegen/GLAKernelShapes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;
using namespace seqc::seq;
using seqc::loops::IB;
using seqc::loops::parallelGrid;

namespace seqc {

/// Pieces of 16 value columns (all heads together) up to which
/// buildGLANormGate's rows are unrolled; past them, loops over heads and
/// pieces, so that the code and the compile time do not grow with value_dim.
constexpr int64_t kUnrolledPieces = 64;

/// buildGLANormGate's loop form, for row (bi, t): per head, Σ o² over the
/// head's pieces in one vector accumulator (the order of the unrolled form),
/// then a second pass over the pieces for the outputs.
static void normGateRow(IB &b, Value ob, Value gb, Value wb, Value y, Value bi,
                        Value t, int64_t gateCol, int64_t heads, int64_t vd,
                        double eps) {
  constexpr int64_t kLanes = gla::kLanes;
  auto vt = VectorType::get({kLanes}, b.getF32Type());
  auto mt = VectorType::get({kLanes}, b.getI1Type());
  int64_t full = vd / kLanes, tail = vd % kLanes;
  Value zero = splatF32(b, vt, 0);
  auto idx = [](IB &ib, int64_t v) {
    return arith::ConstantIndexOp::create(ib, v).getResult();
  };
  // 16 floats of `mem` at `at`, masked (the tail piece) or not.
  auto load = [&](IB &ib, Value mem, ValueRange at, Value mask) -> Value {
    if (mask)
      return vector::MaskedLoadOp::create(ib, vt, mem, at, mask, zero);
    return vector::LoadOp::create(ib, vt, mem, at);
  };
  Value tailMask =
      tail ? vector::CreateMaskOp::create(b, mt, ValueRange{idx(b, tail)})
                 .getResult()
           : Value();
  loops::forRange(b, idx(b, 0), idx(b, heads), [&](IB &hb, Value h) {
    Value col0 = arith::MulIOp::create(hb, h, idx(hb, vd));
    auto colOf = [&](IB &ib, Value j) {
      return arith::AddIOp::create(
                 ib, col0, arith::MulIOp::create(ib, j, idx(ib, kLanes)))
          .getResult();
    };
    auto square = [&](IB &ib, Value j, Value mask, Value ss) {
      Value x = load(ib, ob, {bi, t, colOf(ib, j)}, mask);
      return vector::FMAOp::create(ib, x, x, ss).getResult();
    };
    Value ss =
        loops::forCarry(hb, idx(hb, 0), idx(hb, full), {zero},
                        [&](IB &ib, Value j, ValueRange acc) {
                          return SmallVector<Value>{square(ib, j, {}, acc[0])};
                        })[0];
    if (tail)
      ss = square(hb, idx(hb, full), tailMask, ss);
    Value r = vector::BroadcastOp::create(
        hb, vt,
        math::RsqrtOp::create(
            hb,
            arith::AddFOp::create(
                hb,
                arith::DivFOp::create(hb, sumLanes(hb, ss), constF32(hb, vd)),
                constF32(hb, eps))));
    auto output = [&](IB &ib, Value j, Value mask) {
      Value col = colOf(ib, j);
      Value wCol = arith::MulIOp::create(ib, j, idx(ib, kLanes));
      Value g =
          load(ib, gb,
               {bi, t, arith::AddIOp::create(ib, col, idx(ib, gateCol))}, mask);
      Value out = arith::MulFOp::create(
          ib, arith::MulFOp::create(ib, load(ib, ob, {bi, t, col}, mask), r),
          arith::MulFOp::create(ib, load(ib, wb, {wCol}, mask), silu(ib, g)));
      if (mask)
        vector::MaskedStoreOp::create(ib, y, ValueRange{bi, t, col}, mask, out);
      else
        vector::StoreOp::create(ib, out, y, ValueRange{bi, t, col});
    };
    loops::forRange(hb, idx(hb, 0), idx(hb, full),
                    [&](IB &ib, Value j) { output(ib, j, {}); });
    if (tail)
      output(hb, idx(hb, full), tailMask);
  });
}

/// y = rms_norm(o_h) ⊙ w ⊙ silu(gate) per head, in one loop over rows: the
/// norm, the weight and the swish gate fused, a head's V values a vector.
Value buildGLANormGate(TensorBuilder &b, Value o, Value gate, int64_t gateCol,
                       Value w, int64_t heads, int64_t vd, double eps) {
  Value batch = b.dim(o, 0), steps = b.dim(o, 1);
  Value ob = readBuffer(b, o), gb = readBuffer(b, gate), wb = readBuffer(b, w);
  Value y = allocBuffer(b, {batch, steps, b.index(heads * vd)});
  // A head's V values in pieces of 16 lanes (the last one masked): a
  // whole head in one vector spills registers once V passes 64.
  constexpr int64_t kLanes = gla::kLanes;
  int64_t pieces = (vd + kLanes - 1) / kLanes;
  auto vt = VectorType::get({kLanes}, b.getF32Type());
  if (heads * pieces > kUnrolledPieces) {
    parallelGrid(b, {batch, steps}, [&](IB &ib, ValueRange ivs) {
      normGateRow(ib, ob, gb, wb, y, ivs[0], ivs[1], gateCol, heads, vd, eps);
    });
    return bufferTensor(b, y);
  }
  parallelGrid(b, {batch, steps}, [&](IB &ib, ValueRange ivs) {
    Value zero = splatF32(ib, vt, 0);
    SmallVector<Value> masks, weights;
    for (int64_t j = 0; j < pieces; ++j) {
      masks.push_back(vector::CreateMaskOp::create(
          ib, VectorType::get({kLanes}, ib.getI1Type()),
          ValueRange{arith::ConstantIndexOp::create(
              ib, std::min(kLanes, vd - j * kLanes))}));
      weights.push_back(vector::MaskedLoadOp::create(
          ib, vt, wb,
          ValueRange{arith::ConstantIndexOp::create(ib, j * kLanes)}, masks[j],
          zero));
    }
    // Piece j of the row's columns from `col`.
    auto load = [&](Value mem, int64_t col, int64_t j) {
      return vector::MaskedLoadOp::create(
                 ib, vt, mem,
                 ValueRange{ivs[0], ivs[1],
                            arith::ConstantIndexOp::create(ib, col)},
                 masks[j], zero)
          .getResult();
    };
    for (int64_t h = 0; h < heads; ++h) {
      Value ss = zero;
      SmallVector<Value> xs;
      for (int64_t j = 0; j < pieces; ++j) {
        xs.push_back(load(ob, h * vd + j * kLanes, j));
        ss = vector::FMAOp::create(ib, xs[j], xs[j], ss);
      }
      Value ms = sumLanes(ib, ss);
      Value r = vector::BroadcastOp::create(
          ib, vt,
          math::RsqrtOp::create(
              ib, arith::AddFOp::create(
                      ib, arith::DivFOp::create(ib, ms, constF32(ib, vd)),
                      constF32(ib, eps))));
      for (int64_t j = 0; j < pieces; ++j) {
        Value g = load(gb, gateCol + h * vd + j * kLanes, j);
        Value out = arith::MulFOp::create(
            ib, arith::MulFOp::create(ib, xs[j], r),
            arith::MulFOp::create(ib, weights[j], silu(ib, g)));
        vector::MaskedStoreOp::create(
            ib, y,
            ValueRange{ivs[0], ivs[1],
                       arith::ConstantIndexOp::create(ib, h * vd + j * kLanes)},
            masks[j], out);
      }
    }
  });
  return bufferTensor(b, y);
}

} // namespace seqc
