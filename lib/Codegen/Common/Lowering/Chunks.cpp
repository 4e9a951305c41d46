//===- Chunks.cpp - Time cut into chunks, as tensor-level structure -------===//
#include "Lowering.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;

namespace seqc {

std::pair<Value, Value> chunkSpan(TensorBuilder &b, Value c, int64_t chunk,
                                  Value steps) {
  Value lo = arith::MulIOp::create(b, c, b.index(chunk));
  Value hi = arith::MinUIOp::create(
      b, arith::AddIOp::create(b, lo, b.index(chunk)), steps);
  return {lo, arith::SubIOp::create(b, hi, lo)};
}

StepRows stepRows(TensorBuilder &b, Value x, OpFoldResult lo, OpFoldResult n) {
  StepRows rows;
  rows.sizes = b.sizes(x);
  rows.sizes[1] = n;
  rows.offsets.assign(rows.sizes.size(), b.getIndexAttr(0));
  rows.offsets[1] = lo;
  return rows;
}

Value StepRows::of(TensorBuilder &b, Value x) const {
  return tensor::ExtractSliceOp::create(
      b, x, offsets, sizes,
      SmallVector<OpFoldResult>(sizes.size(), b.getIndexAttr(1)));
}

Value StepRows::into(TensorBuilder &b, Value value, Value x) const {
  return tensor::InsertSliceOp::create(
      b, value, x, offsets, sizes,
      SmallVector<OpFoldResult>(sizes.size(), b.getIndexAttr(1)));
}

ValueRange forEachChunk(TensorBuilder &b, Value chunks, ValueRange outs,
                        const ChunkBody &body) {
  auto forall = scf::ForallOp::create(b, ArrayRef<OpFoldResult>{chunks}, outs,
                                      std::nullopt);
  TensorBuilder fb(b.getLoc(), b);
  fb.setInsertionPoint(forall.getTerminator());
  SmallVector<ChunkWrite> writes =
      body(fb, forall.getBody()->getArgument(0), forall.getRegionIterArgs());
  fb.setInsertionPointToStart(forall.getTerminator().getBody());
  for (auto [write, dest] : llvm::zip(writes, forall.getRegionIterArgs()))
    tensor::ParallelInsertSliceOp::create(
        fb, write.value, dest, write.rows.offsets, write.rows.sizes,
        SmallVector<OpFoldResult>(write.rows.sizes.size(), b.getIndexAttr(1)));
  return forall.getResults();
}

} // namespace seqc
