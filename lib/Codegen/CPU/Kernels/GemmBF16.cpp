//===- GemmBF16.cpp - The bf16 products: x in pairs, AMX tiles ------------===//
//
// --precision=bf16's parts of the GEMM (Gemm.h): x rounded to rows of bf16
// once per product, and the AMX-BF16 kernel, 32 × 32 blocks of y as four
// 16 × 16 f32 tiles. The vdpbf16ps kernel is gemmRows' block with bf16
// panels (Gemm.cpp).
//
//===----------------------------------------------------------------------===//
#include "Gemm.h"
#include "VectorLoops.h"

#include "mlir/Dialect/AMX/AMXDialect.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;

namespace seqc {

/// Rows of y per AMX block: two tiles of x (by two tiles of W's panel).
constexpr int64_t kTileBlockRows = 2 * kTileRows;

Value bf16Rows(TensorBuilder &b, Value x, ArrayRef<Value> lead, Value m,
               Value k, Value steps, GemmKind kind) {
  Value rows = m;
  if (kind == GemmKind::BF16Tiles)
    rows = arith::MulIOp::create(
        b, arith::CeilDivUIOp::create(b, m, b.index(kTileBlockRows)),
        b.index(kTileBlockRows));
  Value width = b.createOrFold<arith::MulIOp>(steps, b.index(2));
  Value out = allocBuffer(b, {rows, width}, b.getBF16Type());
  constexpr int64_t kLanes = 2 * kGemmLanes;
  auto wide = VectorType::get({kLanes}, b.getF32Type());
  auto narrow = VectorType::get({kLanes}, b.getBF16Type());
  auto maskOf = [](ImplicitLocOpBuilder &ib, Value count) {
    return vector::CreateMaskOp::create(
        ib, VectorType::get({kLanes}, ib.getI1Type()), ValueRange{count});
  };
  scf::ParallelOp::create(
      b, ValueRange{b.index(0)}, ValueRange{rows}, ValueRange{b.index(1)},
      [&](OpBuilder &pb, Location pl, ValueRange r) {
        TensorBuilder rb(pl, pb);
        // Rows past m (AMX's padding) read nothing: zeros.
        Value valid =
            arith::CmpIOp::create(rb, arith::CmpIPredicate::ult, r[0], m);
        Value last = arith::SubIOp::create(rb, m, rb.index(1));
        SmallVector<Value> at =
            rowIndex(rb, arith::MinUIOp::create(rb, r[0], last), lead);
        scf::ForOp::create(
            rb, rb.index(0), width, rb.index(kLanes), ValueRange{},
            [&](OpBuilder &fb, Location fl, Value c0, ValueRange) {
              TensorBuilder ib(fl, fb);
              Value left = arith::SubIOp::create(
                  ib, arith::MaxUIOp::create(ib, k, c0), c0);
              Value count =
                  arith::SelectOp::create(ib, valid, left, ib.index(0));
              Value v = vector::MaskedLoadOp::create(
                  ib, wide, x, withLast(at, c0), maskOf(ib, count),
                  splatF32(ib, wide, 0.0));
              vector::MaskedStoreOp::create(
                  ib, out, ValueRange{r[0], c0},
                  maskOf(ib, arith::SubIOp::create(ib, width, c0)),
                  arith::TruncFOp::create(ib, narrow, v));
              scf::YieldOp::create(ib);
            });
        scf::ReduceOp::create(rb);
      });
  return out;
}

/// The AMX kernel's tasks: chunks of rows (a panel of W, read once per
/// chunk, serves its blocks) by groups of panels (the chunk's x serves
/// them). Each task has its own 32 × 32 block of memory through which the
/// tiles reach y (a memref.alloca in a parallel loop's body would be a
/// multi-block memref.alloca_scope once its loops are lowered).
constexpr int64_t kTileChunkBlocks = 2;
constexpr int64_t kTileGroupPanels = 8;

void gemmTiles(TensorBuilder &b, Value xRows, Value panels, Value bias, Value y,
               Value n, Value steps, Value m,
               const std::function<SmallVector<Value>(ImplicitLocOpBuilder &,
                                                      Value)> &out) {
  auto index = [](ImplicitLocOpBuilder &ib, int64_t v) {
    return arith::ConstantIndexOp::create(ib, v).getResult();
  };
  Value blocks = arith::CeilDivUIOp::create(b, m, index(b, kTileBlockRows));
  Value numPanels = arith::CeilDivUIOp::create(b, n, index(b, kGemmPanel));
  Value chunks =
      arith::CeilDivUIOp::create(b, blocks, index(b, kTileChunkBlocks));
  Value groups =
      arith::CeilDivUIOp::create(b, numPanels, index(b, kTileGroupPanels));
  Value staging =
      allocBuffer(b, {arith::MulIOp::create(b, chunks, groups),
                      index(b, kTileBlockRows), index(b, kGemmPanel)});
  auto accType = amx::TileType::get({kTileRows, kTileRows}, b.getF32Type());
  auto inType =
      amx::TileType::get({kTileRows, 2 * kTilePairs}, b.getBF16Type());
  auto vt = VectorType::get({kGemmLanes}, b.getF32Type());
  constexpr int64_t kPieces = kGemmPanel / kGemmLanes;

  // Block `blk` by panel `p` (its columns from n0, their masks and bias
  // in `pieces`) into y, through `stage` ([32, 32] of staging).
  auto blockTimesPanel = [&](ImplicitLocOpBuilder &ib, Value blk, Value p,
                             Value n0, const PanelPieces &pieces, Value stage) {
    Value r0 = arith::MulIOp::create(ib, blk, index(ib, kTileBlockRows));
    // acc[2i + j]: rows [16i, 16i + 16) and columns [16j, 16j + 16).
    SmallVector<Value> acc;
    for (int t = 0; t < 4; ++t)
      acc.push_back(amx::TileZeroOp::create(ib, accType));
    auto loop = scf::ForOp::create(
        ib, index(ib, 0), steps, index(ib, kTilePairs), acc,
        [&](OpBuilder &lb, Location ll, Value s, ValueRange carried) {
          ImplicitLocOpBuilder kb(ll, lb);
          Value col = arith::MulIOp::create(kb, s, index(kb, 2));
          SmallVector<Value> xs, ws;
          for (int64_t i = 0; i < 2; ++i)
            xs.push_back(amx::TileLoadOp::create(
                kb, inType, xRows,
                ValueRange{
                    arith::AddIOp::create(kb, r0, index(kb, i * kTileRows)),
                    col}));
          for (int64_t j = 0; j < 2; ++j)
            ws.push_back(amx::TileLoadOp::create(
                kb, inType, panels,
                ValueRange{p, s, index(kb, j * 2 * kTilePairs)}));
          SmallVector<Value> next;
          for (int64_t i = 0; i < 2; ++i)
            for (int64_t j = 0; j < 2; ++j)
              next.push_back(amx::TileMulFOp::create(kb, accType, xs[i], ws[j],
                                                     carried[2 * i + j]));
          scf::YieldOp::create(kb, next);
        });
    for (int64_t i = 0; i < 2; ++i)
      for (int64_t j = 0; j < 2; ++j)
        amx::TileStoreOp::create(ib, staging,
                                 ValueRange{stage, index(ib, i * kTileRows),
                                            index(ib, j * kTileRows)},
                                 loop.getResult(2 * i + j));
    // The block's rows below m, columns below n, plus the bias.
    Value rowEnd = arith::MinUIOp::create(ib, arith::SubIOp::create(ib, m, r0),
                                          index(ib, kTileBlockRows));
    scf::ForOp::create(
        ib, index(ib, 0), rowEnd, index(ib, 1), ValueRange{},
        [&](OpBuilder &fb, Location fl, Value r, ValueRange) {
          ImplicitLocOpBuilder sb(fl, fb);
          SmallVector<Value> to = out(sb, arith::AddIOp::create(sb, r0, r));
          for (int64_t j = 0; j < kPieces; ++j) {
            Value v = vector::LoadOp::create(
                sb, vt, staging,
                ValueRange{stage, r, index(sb, j * kGemmLanes)});
            vector::MaskedStoreOp::create(
                sb, y,
                withLast(to, arith::AddIOp::create(sb, n0,
                                                   index(sb, j * kGemmLanes))),
                pieces.masks[j], arith::AddFOp::create(sb, v, pieces.init[j]));
          }
          scf::YieldOp::create(sb);
        });
  };

  // [lo, lo + count) ∩ [0, end), as loop bounds.
  auto range = [&](ImplicitLocOpBuilder &ib, Value i, int64_t count,
                   Value end) {
    Value lo = arith::MulIOp::create(ib, i, index(ib, count));
    Value hi = arith::MinUIOp::create(
        ib, arith::AddIOp::create(ib, lo, index(ib, count)), end);
    return std::make_pair(lo, hi);
  };
  scf::ParallelOp::create(
      b, ValueRange{index(b, 0), index(b, 0)}, ValueRange{chunks, groups},
      ValueRange{index(b, 1), index(b, 1)},
      [&](OpBuilder &nested, Location loc, ValueRange ivs) {
        ImplicitLocOpBuilder ib(loc, nested);
        Value stage = arith::AddIOp::create(
            ib, arith::MulIOp::create(ib, ivs[0], groups), ivs[1]);
        auto [p0, p1] = range(ib, ivs[1], kTileGroupPanels, numPanels);
        auto [b0, b1] = range(ib, ivs[0], kTileChunkBlocks, blocks);
        scf::ForOp::create(
            ib, p0, p1, index(ib, 1), ValueRange{},
            [&](OpBuilder &pb, Location pl, Value p, ValueRange) {
              ImplicitLocOpBuilder panelBuilder(pl, pb);
              Value n0 = arith::MulIOp::create(panelBuilder, p,
                                               index(panelBuilder, kGemmPanel));
              PanelPieces pieces =
                  panelPieces(panelBuilder, n, n0, bias, ValueRange{});
              scf::ForOp::create(
                  panelBuilder, b0, b1, index(panelBuilder, 1), ValueRange{},
                  [&](OpBuilder &bb, Location bl, Value blk, ValueRange) {
                    ImplicitLocOpBuilder blockBuilder(bl, bb);
                    blockTimesPanel(blockBuilder, blk, p, n0, pieces, stage);
                    scf::YieldOp::create(blockBuilder);
                  });
              scf::YieldOp::create(panelBuilder);
            });
        scf::ReduceOp::create(ib);
      });
}

} // namespace seqc
