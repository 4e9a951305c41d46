//===- VectorLoops.cpp - Explicit loop nests over lanes -------------------===//
#include "VectorLoops.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;

namespace seqc {

Value LaneBlock::load(ImplicitLocOpBuilder &ib, Value buffer,
                      ValueRange leading) const {
  SmallVector<Value> idx(leading);
  idx.push_back(n0);
  if (!mask)
    return vector::LoadOp::create(ib, type, buffer, idx);
  Value zero = splat(ib, 0.0);
  return vector::MaskedLoadOp::create(ib, type, buffer, idx, mask, zero);
}

void LaneBlock::store(ImplicitLocOpBuilder &ib, Value value, Value buffer,
                      ValueRange leading) const {
  SmallVector<Value> idx(leading);
  idx.push_back(n0);
  if (!mask) {
    vector::StoreOp::create(ib, value, buffer, idx);
    return;
  }
  vector::MaskedStoreOp::create(ib, buffer, idx, mask, value);
}

Value LaneBlock::splat(ImplicitLocOpBuilder &ib, Value scalar) const {
  return vector::BroadcastOp::create(ib, type, scalar);
}

Value LaneBlock::splat(ImplicitLocOpBuilder &ib, double v) const {
  return splat(ib, constF32(ib, v));
}

void forEachLaneBlock(TensorBuilder &b, ValueRange outer, Value width,
                      int64_t laneCount,
                      const std::function<void(ImplicitLocOpBuilder &,
                                               const LaneBlock &)> &body) {
  Value lanes = b.index(laneCount);
  Value blocks = arith::CeilDivUIOp::create(b, width, lanes);
  SmallVector<Value> lower(outer.size() + 1, b.index(0));
  SmallVector<Value> upper(outer);
  upper.push_back(blocks);
  SmallVector<Value> steps(outer.size() + 1, b.index(1));
  scf::ParallelOp::create(
      b, lower, upper, steps,
      [&](OpBuilder &nested, Location loc, ValueRange ivs) {
        ImplicitLocOpBuilder ib(loc, nested);
        LaneBlock block;
        block.type = VectorType::get({laneCount}, ib.getF32Type());
        block.outer = llvm::to_vector(ivs.drop_back());
        block.b = ivs[0];
        block.n0 = arith::MulIOp::create(ib, ivs.back(), lanes);
        Value left = arith::SubIOp::create(ib, width, block.n0);
        // Full blocks use plain vector loads and stores; only the last,
        // partial block of a row needs masks.
        Value full =
            arith::CmpIOp::create(ib, arith::CmpIPredicate::uge, left, lanes);
        scf::IfOp::create(
            ib, full,
            [&](OpBuilder &tb, Location tl) {
              ImplicitLocOpBuilder fb(tl, tb);
              body(fb, block);
              scf::YieldOp::create(fb);
            },
            [&](OpBuilder &eb, Location el) {
              ImplicitLocOpBuilder mb(el, eb);
              LaneBlock partial = block;
              partial.mask = vector::CreateMaskOp::create(
                  mb, VectorType::get({laneCount}, mb.getI1Type()),
                  ValueRange{left});
              body(mb, partial);
              scf::YieldOp::create(mb);
            });
      });
}

} // namespace seqc
