//===- Lanes.cpp - A GPU thread per lane, its loop over time --------------===//
#include "Lanes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;

namespace seqc {

void forEachLane(TensorBuilder &b, Value batch, Value width, LaneFn body) {
  Value zero = b.index(0), one = b.index(1);
  scf::ParallelOp::create(b, ValueRange{zero, zero}, ValueRange{batch, width},
                          ValueRange{one, one},
                          [&](OpBuilder &nested, Location loc, ValueRange ivs) {
                            ImplicitLocOpBuilder ib(loc, nested);
                            body(ib, ivs[0], ivs[1]);
                          });
}

SmallVector<Value> timeLoop(ImplicitLocOpBuilder &ib, Value from, Value to,
                            ValueRange init, StepFn step) {
  return SmallVector<Value>(loops::forCarry(ib, from, to, init, step));
}

Value load(ImplicitLocOpBuilder &ib, Value buffer, ValueRange at) {
  return memref::LoadOp::create(ib, buffer, at);
}

Value loadOrZero(ImplicitLocOpBuilder &ib, Value cond,
                 function_ref<Value(ImplicitLocOpBuilder &)> load) {
  return scf::IfOp::create(
             ib, cond,
             [&](OpBuilder &tb, Location loc) {
               ImplicitLocOpBuilder lb(loc, tb);
               scf::YieldOp::create(lb, ValueRange{load(lb)});
             },
             [&](OpBuilder &eb, Location loc) {
               ImplicitLocOpBuilder lb(loc, eb);
               scf::YieldOp::create(lb, ValueRange{constF32(lb, 0)});
             })
      .getResult(0);
}

void store(ImplicitLocOpBuilder &ib, Value value, Value buffer, ValueRange at) {
  memref::StoreOp::create(ib, value, buffer, at);
}

std::pair<ImplicitLocOpBuilder, Value> blockLoop(TensorBuilder &b,
                                                 Value blocks) {
  auto grid =
      scf::ForallOp::create(b, ArrayRef<OpFoldResult>{blocks}, ValueRange{},
                            b.getArrayAttr(gpu::GPUBlockMappingAttr::get(
                                b.getContext(), gpu::MappingId::DimX)));
  ImplicitLocOpBuilder kb(b.getLoc(), b.getContext());
  kb.setInsertionPointToStart(grid.getBody());
  return {kb, grid.getInductionVar(0)};
}

void threadLoop(ImplicitLocOpBuilder &kb, int64_t xs, int64_t ys,
                ThreadFn body) {
  MLIRContext *ctx = kb.getContext();
  auto loop = scf::ForallOp::create(
      kb, ArrayRef<OpFoldResult>{kb.getIndexAttr(xs), kb.getIndexAttr(ys)},
      ValueRange{},
      kb.getArrayAttr(
          {gpu::GPUThreadMappingAttr::get(ctx, gpu::MappingId::DimX),
           gpu::GPUThreadMappingAttr::get(ctx, gpu::MappingId::DimY)}));
  ImplicitLocOpBuilder ib(kb.getLoc(), ctx);
  ib.setInsertionPointToStart(loop.getBody());
  body(ib, loop.getInductionVar(0), loop.getInductionVar(1));
}

void warpLoop(ImplicitLocOpBuilder &kb, int64_t warps,
              function_ref<void(ImplicitLocOpBuilder &, Value)> body) {
  auto loop = scf::ForallOp::create(
      kb, ArrayRef<OpFoldResult>{kb.getIndexAttr(warps)}, ValueRange{},
      kb.getArrayAttr({gpu::GPUWarpMappingAttr::get(kb.getContext(),
                                                    gpu::MappingId::DimX)}));
  ImplicitLocOpBuilder ib(kb.getLoc(), kb.getContext());
  ib.setInsertionPointToStart(loop.getBody());
  body(ib, loop.getInductionVar(0));
}

Value tileView(ImplicitLocOpBuilder &wb, Value buffer, OpFoldResult row,
               OpFoldResult col, int64_t rows, int64_t cols) {
  return memref::SubViewOp::create(
      wb, buffer, ArrayRef<OpFoldResult>{row, col},
      ArrayRef<OpFoldResult>{wb.getIndexAttr(rows), wb.getIndexAttr(cols)},
      ArrayRef<OpFoldResult>{wb.getIndexAttr(1), wb.getIndexAttr(1)});
}

void warpTileProduct(ImplicitLocOpBuilder &wb, Value a, Value b, Value c) {
  linalg::MatmulOp::create(wb, ValueRange{a, b}, ValueRange{c});
}

Value workgroupBuffer(ImplicitLocOpBuilder &kb, ArrayRef<int64_t> shape,
                      Type element) {
  auto space =
      gpu::AddressSpaceAttr::get(kb.getContext(), gpu::AddressSpace::Workgroup);
  return memref::AllocaOp::create(
      kb, MemRefType::get(shape, element ? element : kb.getF32Type(),
                          MemRefLayoutAttrInterface{}, space));
}

SmallVector<Value> readBuffers(TensorBuilder &b, ValueRange tensors) {
  SmallVector<Value> out;
  for (Value t : tensors)
    out.push_back(t ? readBuffer(b, t) : Value());
  return out;
}

} // namespace seqc
