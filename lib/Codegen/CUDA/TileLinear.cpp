//===- TileLinear.cpp - The seq-cuda-tile-linear pass ---------------------===//
//
// Step one of the CUDA mapping for the projections: a call of the GPU's
// BLAS library (LibraryGemm.h) where the operands are matrices, and, where
// the library declines or they are not, output tiles over blocks, x's and
// w's k-tiles staged in workgroup memory by the block's threads, each
// thread accumulating one output (Passes.td has the form).
//
//===----------------------------------------------------------------------===//
#include "lib/Codegen/CUDA/LibraryGemm.h"
#include "lib/Codegen/Common/Loops.h"
#include "lib/Codegen/Common/Lowering/Lowering.h"
#include "seqc/Codegen/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

namespace seqc {
#define GEN_PASS_DEF_SEQCUDATILELINEAR
#define GEN_PASS_DEF_SEQCUDAHOSTSHAREDMEMORY
#include "seqc/Codegen/Passes.h.inc"
} // namespace seqc

using namespace mlir;

namespace {

/// Builds the tiled form of one linear contraction in place of it.
class LinearTiler {
public:
  /// At `b`'s insertion point.
  /// `bf16`: the operands are staged rounded to bf16 (SPEC §5).
  LinearTiler(OpBuilder b, linalg::ContractOp op, int64_t tile, bool bf16)
      : b(b), loc(op.getLoc()), tile(tile), bf16(bf16), x(op.getDpsInputs()[0]),
        w(op.getDpsInputs()[1]), y(op.getDpsInits()[0]) {}

  void build() {
    MLIRContext *ctx = b.getContext();
    unsigned rank = cast<MemRefType>(y.getType()).getRank();
    // Rows: the leading dims, flattened.
    Value rows = index(1);
    for (unsigned i = 0; i + 1 < rank; ++i) {
      lead.push_back(memref::DimOp::create(b, loc, y, i));
      rows = arith::MulIOp::create(b, loc, rows, lead.back());
    }
    Value cols = memref::DimOp::create(b, loc, w, 0);
    depth = memref::DimOp::create(b, loc, w, 1);
    Value t = index(tile);
    // Rows on x (2^31 - 1 blocks), columns on y (65535).
    auto grid = scf::ForallOp::create(
        b, loc,
        ArrayRef<OpFoldResult>{
            OpFoldResult(
                arith::CeilDivUIOp::create(b, loc, rows, t).getResult()),
            OpFoldResult(
                arith::CeilDivUIOp::create(b, loc, cols, t).getResult())},
        ValueRange{},
        b.getArrayAttr(
            {gpu::GPUBlockMappingAttr::get(ctx, gpu::MappingId::DimX),
             gpu::GPUBlockMappingAttr::get(ctx, gpu::MappingId::DimY)}));
    b.setInsertionPointToStart(grid.getBody());
    Value rowBase = arith::MulIOp::create(b, loc, grid.getInductionVar(0), t);
    Value colBase = arith::MulIOp::create(b, loc, grid.getInductionVar(1), t);
    auto shared = [&](int64_t columns) {
      return MemRefType::get(
          {tile, columns}, b.getF32Type(), MemRefLayoutAttrInterface{},
          gpu::AddressSpaceAttr::get(ctx, gpu::AddressSpace::Workgroup));
    };
    Value xTile = memref::AllocOp::create(b, loc, shared(tile));
    // w's tile is read down its columns (a thread per row): one column of
    // padding puts a column's words in distinct shared-memory banks.
    Value wTile = memref::AllocOp::create(b, loc, shared(tile + 1));
    Value acc = memref::AllocOp::create(b, loc, shared(tile));
    zero =
        arith::ConstantFloatOp::create(b, loc, b.getF32Type(), APFloat(0.0f));

    threads([&](Value tn, Value tm) {
      memref::StoreOp::create(b, loc, zero, acc, ValueRange{tm, tn});
    });
    Value kTiles = arith::CeilDivUIOp::create(b, loc, depth, t);
    auto kLoop = scf::ForOp::create(b, loc, index(0), kTiles, index(1));
    {
      OpBuilder::InsertionGuard g(b);
      b.setInsertionPoint(kLoop.getBody()->getTerminator());
      Value kBase = arith::MulIOp::create(b, loc, kLoop.getInductionVar(), t);
      // Stage: thread (tn, tm) loads x[row tm, k tn] and w[col tm, k tn].
      threads([&](Value tn, Value tm) {
        Value k = add(kBase, tn);
        Value row = add(rowBase, tm), col = add(colBase, tm);
        SmallVector<Value> xAt = rowIndices(row);
        xAt.push_back(k);
        stage(xTile, x, xAt, both(below(row, rows), below(k, depth)), tm, tn);
        stage(wTile, w, {col, k}, both(below(col, cols), below(k, depth)), tm,
              tn);
      });
      // Accumulate: thread (tn, tm) adds Σ_kk xTile[tm, kk] wTile[tn, kk].
      threads([&](Value tn, Value tm) {
        Value start = memref::LoadOp::create(b, loc, acc, ValueRange{tm, tn});
        auto dot = scf::ForOp::create(b, loc, index(0), t, index(1),
                                      ValueRange{start});
        OpBuilder::InsertionGuard g2(b);
        b.setInsertionPointToStart(dot.getBody());
        Value kk = dot.getInductionVar();
        Value xv = memref::LoadOp::create(b, loc, xTile, ValueRange{tm, kk});
        Value wv = memref::LoadOp::create(b, loc, wTile, ValueRange{tn, kk});
        Value sum =
            arith::AddFOp::create(b, loc, dot.getRegionIterArgs()[0],
                                  arith::MulFOp::create(b, loc, xv, wv));
        scf::YieldOp::create(b, loc, sum);
        b.setInsertionPointAfter(dot);
        memref::StoreOp::create(b, loc, dot.getResult(0), acc,
                                ValueRange{tm, tn});
      });
    }
    // Epilogue: y[row, col] += acc[tm, tn] inside the edges.
    threads([&](Value tn, Value tm) {
      Value row = add(rowBase, tm), col = add(colBase, tn);
      auto inside = scf::IfOp::create(
          b, loc, both(below(row, rows), below(col, cols)), false);
      OpBuilder::InsertionGuard g(b);
      b.setInsertionPointToStart(inside.thenBlock());
      SmallVector<Value> at = rowIndices(row);
      at.push_back(col);
      Value old = memref::LoadOp::create(b, loc, y, at);
      Value part = memref::LoadOp::create(b, loc, acc, ValueRange{tm, tn});
      memref::StoreOp::create(b, loc, arith::AddFOp::create(b, loc, old, part),
                              y, at);
    });
    for (Value buffer : {xTile, wTile, acc})
      memref::DeallocOp::create(b, loc, buffer);
  }

private:
  Value index(int64_t v) { return arith::ConstantIndexOp::create(b, loc, v); }
  Value add(Value a, Value c) { return arith::AddIOp::create(b, loc, a, c); }
  Value below(Value i, Value n) {
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, i, n);
  }
  Value both(Value p, Value q) { return arith::AndIOp::create(b, loc, p, q); }

  /// A `tile` x `tile` thread loop, (tn, tm) mapped to threads (x, y).
  void threads(function_ref<void(Value, Value)> body) {
    MLIRContext *ctx = b.getContext();
    auto loop = scf::ForallOp::create(
        b, loc,
        ArrayRef<OpFoldResult>{b.getIndexAttr(tile), b.getIndexAttr(tile)},
        ValueRange{},
        b.getArrayAttr(
            {gpu::GPUThreadMappingAttr::get(ctx, gpu::MappingId::DimX),
             gpu::GPUThreadMappingAttr::get(ctx, gpu::MappingId::DimY)}));
    OpBuilder::InsertionGuard g(b);
    b.setInsertionPointToStart(loop.getBody());
    body(loop.getInductionVar(0), loop.getInductionVar(1));
  }

  /// The leading indices of flattened row `row` (the last dim fastest).
  SmallVector<Value> rowIndices(Value row) {
    return seqc::delinearize(b, loc, row, lead);
  }

  /// tile[tm, tn] = inside ? source[at] : 0 (rounded to bf16 if `bf16`).
  void stage(Value tileBuffer, Value source, ArrayRef<Value> at, Value inside,
             Value tm, Value tn) {
    auto load = scf::IfOp::create(b, loc, TypeRange{b.getF32Type()}, inside,
                                  /*withElseRegion=*/true);
    {
      OpBuilder::InsertionGuard g(b);
      b.setInsertionPointToStart(load.thenBlock());
      Value v = memref::LoadOp::create(b, loc, source, at);
      scf::YieldOp::create(
          b, loc, ValueRange{bf16 ? seqc::roundedToBF16(b, loc, v) : v});
      b.setInsertionPointToStart(load.elseBlock());
      scf::YieldOp::create(b, loc, zero);
    }
    memref::StoreOp::create(b, loc, load.getResult(0), tileBuffer,
                            ValueRange{tm, tn});
  }

  OpBuilder b;
  Location loc;
  int64_t tile;
  bool bf16;
  Value x, w, y, depth, zero;
  SmallVector<Value> lead;
};

struct SeqCUDATileLinear
    : seqc::impl::SeqCUDATileLinearBase<SeqCUDATileLinear> {
  using SeqCUDATileLinearBase::SeqCUDATileLinearBase;

  void runOnOperation() override {
    if (tile < 1 || tile > 32) {
      getOperation().emitError("seq-cuda-tile-linear: tile must be in 1..32 "
                               "(tile^2 threads per block), not ")
          << tile;
      return signalPassFailure();
    }
    SmallVector<linalg::ContractOp> linears;
    getOperation().walk([&](linalg::ContractOp op) {
      // Inside a parallel loop, each iteration's thread runs its own.
      if (op.hasPureBufferSemantics() && seqc::isLinearContraction(op) &&
          !op->getParentOfType<scf::ParallelOp>() &&
          !op->getParentOfType<scf::ForallOp>())
        linears.push_back(op);
    });
    for (linalg::ContractOp op : linears) {
      bool bf16 = seqc::bf16Operands(op);
      OpBuilder b(op);
      if (library) {
        // The tiles where the library did not do the product.
        auto fallback = scf::IfOp::create(
            b, op.getLoc(), seqc::buildLibraryGemm(b, op, bf16), false);
        b.setInsertionPointToStart(fallback.thenBlock());
      }
      LinearTiler(b, op, tile, bf16).build();
      op.erase();
    }
  }
};

struct SeqCUDAHostSharedMemory
    : seqc::impl::SeqCUDAHostSharedMemoryBase<SeqCUDAHostSharedMemory> {
  void runOnOperation() override {
    SmallVector<memref::AllocaOp> allocas;
    getOperation().walk([&](Operation *op) {
      // The buffers and their views (a kernel's tiles).
      for (Value result : op->getResults()) {
        auto type = dyn_cast<MemRefType>(result.getType());
        if (!type || !gpu::GPUDialect::hasWorkgroupMemoryAddressSpace(type))
          continue;
        result.setType(MemRefType::get(type.getShape(), type.getElementType(),
                                       type.getLayout()));
        if (auto alloca = dyn_cast<memref::AllocaOp>(op))
          allocas.push_back(alloca);
      }
    });
    // A block's stack buffers on the heap, freed at the end of the block's
    // body: on the CPU the body may hold loops, which an alloca scope
    // cannot.
    for (memref::AllocaOp alloca : allocas) {
      OpBuilder b(alloca);
      auto alloc =
          memref::AllocOp::create(b, alloca.getLoc(), alloca.getType());
      b.setInsertionPoint(alloca->getBlock()->getTerminator());
      memref::DeallocOp::create(b, alloca.getLoc(), alloc);
      alloca.replaceAllUsesWith(alloc.getResult());
      alloca.erase();
    }
  }
};

} // namespace
