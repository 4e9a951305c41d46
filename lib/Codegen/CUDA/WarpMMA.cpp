//===- WarpMMA.cpp - The seq-cuda-warp-mma pass ---------------------------===//
//
// A kernel's tile products on the tensor cores. A kernel writes the
// product of two bf16 tiles in workgroup memory, accumulated into an f32
// tile, as a linalg.matmul in a warp loop (scf.forall mapped to
// #gpu.warp<x>): the warp's 32 lanes compute it together. Here each
// becomes mma.sync.m16n8k16 with bf16 operands and f32 accumulation, per
// 16 x 8 tile of C and 16 deep step: each lane loads its fragments
// (MMAFragments.h) from workgroup memory element by element, packs A's
// and B's bf16 pairs into i32s, carries C through the deep steps in
// registers and stores D's fragment. With `emulate` (the CPU simulation,
// which has no warps) each product becomes loops, run once per iteration
// of the warp loop.
//
//===----------------------------------------------------------------------===//
#include "MMAFragments.h"
#include "lib/Codegen/Common/LoopBuilders.h"
#include "seqc/Codegen/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

namespace seqc {
#define GEN_PASS_DEF_SEQCUDAWARPMMA
#include "seqc/Codegen/Passes.h.inc"
} // namespace seqc

using namespace mlir;
using namespace seqc::loops;
using namespace seqc::mma;

namespace {

using Values = SmallVector<Value>;

bool inWarpLoop(Operation *op) {
  for (auto loop = op->getParentOfType<scf::ForallOp>(); loop;
       loop = loop->getParentOfType<scf::ForallOp>()) {
    std::optional<ArrayAttr> mapping = loop.getMapping();
    if (mapping &&
        llvm::any_of(*mapping, llvm::IsaPred<gpu::GPUWarpMappingAttr>))
      return true;
  }
  return false;
}

/// Why `op` is not a tile product mma.sync takes; empty if it is.
std::string unsupported(linalg::MatmulOp op) {
  if (!op.hasPureBufferSemantics())
    return "is not on buffers";
  if (op.getIndexingMapsArray() !=
      ArrayRef(linalg::MatmulOp::getDefaultIndexingMaps(op.getContext())))
    return "has other than the default indexing maps";
  auto a = cast<MemRefType>(op.getDpsInputs()[0].getType());
  auto b = cast<MemRefType>(op.getDpsInputs()[1].getType());
  auto c = cast<MemRefType>(op.getDpsInits()[0].getType());
  if (!a.getElementType().isBF16() || !b.getElementType().isBF16() ||
      !c.getElementType().isF32())
    return "is not bf16 x bf16 into f32";
  if (!a.hasStaticShape() || !c.hasStaticShape())
    return "has a dynamic shape";
  if (c.getDimSize(0) % kM || c.getDimSize(1) % kN || a.getDimSize(1) % kK)
    return "is not made of 16 x 8 x 16 tiles";
  return "";
}

/// The i32 of two bf16s, `lo` in the low half.
Value packPair(IB &b, Value lo, Value hi) {
  auto half = [&](Value v) -> Value {
    return arith::ExtUIOp::create(
        b, b.getI32Type(), arith::BitcastOp::create(b, b.getI16Type(), v));
  };
  Value low = half(lo);
  Value high = arith::ShLIOp::create(b, half(hi),
                                     arith::ConstantIntOp::create(b, 16, 32));
  return arith::OrIOp::create(b, low, high);
}

Value load(IB &b, Value buffer, Value row, Value col) {
  return memref::LoadOp::create(b, buffer, ValueRange{row, col});
}

/// Lane `group`/`twiceT`'s elements of `op` in `buffer`, the tile at
/// (row0, col0): their indices, for each element (MMAFragments.h).
SmallVector<std::pair<Value, Value>>
fragment(IB &b, Operand op, Value group, Value twiceT, Value row0, Value col0) {
  auto [row, col] = laneBase(op, group, twiceT);
  row = add(b, row0, row);
  col = add(b, col0, col);
  SmallVector<std::pair<Value, Value>> at;
  for (int64_t e = 0; e < elementsPerLane(op); ++e) {
    auto [dr, dc] = elementOffset(op, e);
    at.push_back({add(b, row, idx(b, dr)), add(b, col, idx(b, dc))});
  }
  return at;
}

/// The i32s of a lane's bf16 elements of `op` (pairs, the lower in the low
/// half).
Values packedFragment(IB &b, Value buffer, Operand op, Value group,
                      Value twiceT, Value row0, Value col0) {
  Values regs;
  auto at = fragment(b, op, group, twiceT, row0, col0);
  for (size_t e = 0; e < at.size(); e += 2) {
    Value lo = load(b, buffer, at[e].first, at[e].second);
    Value hi = load(b, buffer, at[e + 1].first, at[e + 1].second);
    regs.push_back(packPair(b, lo, hi));
  }
  return regs;
}

/// C += A B as mma.sync tiles, by the warp's lanes (file comment).
void writeMMA(linalg::MatmulOp op) {
  IB b(op.getLoc(), op);
  Value a = op.getDpsInputs()[0], bm = op.getDpsInputs()[1],
        c = op.getDpsInits()[0];
  auto cType = cast<MemRefType>(c.getType());
  int64_t rows = cType.getDimSize(0), cols = cType.getDimSize(1),
          depth = cast<MemRefType>(a.getType()).getDimSize(1);
  Value lane = gpu::LaneIdOp::create(b, /*upper_bound=*/IntegerAttr());
  Value group = arith::DivUIOp::create(b, lane, idx(b, 4));
  Value twiceT = mul(b, arith::RemUIOp::create(b, lane, idx(b, 4)), idx(b, 2));
  Type f32 = b.getF32Type();
  auto result =
      LLVM::LLVMStructType::getLiteral(b.getContext(), {f32, f32, f32, f32});
  forRange(
      b, idx(b, 0), idx(b, rows),
      [&](IB &mb, Value m0) {
        forRange(
            mb, idx(mb, 0), idx(mb, cols),
            [&](IB &nb, Value n0) {
              auto cAt = fragment(nb, Operand::C, group, twiceT, m0, n0);
              Values acc;
              for (auto [r, col] : cAt)
                acc.push_back(load(nb, c, r, col));
              ValueRange d = forCarry(
                  nb, idx(nb, 0), idx(nb, depth), acc,
                  [&](IB &kb, Value k0, ValueRange carried) -> Values {
                    Values aRegs = packedFragment(kb, a, Operand::A, group,
                                                  twiceT, m0, k0);
                    Values bRegs = packedFragment(kb, bm, Operand::B, group,
                                                  twiceT, k0, n0);
                    auto mma = NVVM::MmaOp::create(
                        kb, result, aRegs, bRegs, carried,
                        ArrayRef<int64_t>{kM, kN, kK}, std::nullopt,
                        std::nullopt,
                        std::array<NVVM::MMATypes, 2>{NVVM::MMATypes::bf16,
                                                      NVVM::MMATypes::bf16},
                        std::array<NVVM::MMALayout, 2>{NVVM::MMALayout::row,
                                                       NVVM::MMALayout::col});
                    Values out;
                    for (int64_t i = 0; i < 4; ++i)
                      out.push_back(LLVM::ExtractValueOp::create(
                          kb, mma.getResult(), ArrayRef<int64_t>{i}));
                    return out;
                  },
                  kK);
              for (auto [value, at] : llvm::zip(d, cAt))
                memref::StoreOp::create(nb, value, c,
                                        ValueRange{at.first, at.second});
            },
            kN);
      },
      kM);
  op.erase();
}

struct SeqCUDAWarpMMA : seqc::impl::SeqCUDAWarpMMABase<SeqCUDAWarpMMA> {
  using SeqCUDAWarpMMABase::SeqCUDAWarpMMABase;

  void runOnOperation() override {
    SmallVector<linalg::MatmulOp> products;
    getOperation().walk([&](linalg::MatmulOp op) {
      if (inWarpLoop(op))
        products.push_back(op);
    });
    IRRewriter rewriter(&getContext());
    for (linalg::MatmulOp op : products) {
      std::string why = unsupported(op);
      if (!why.empty()) {
        op.emitOpError("in a warp loop ") << why;
        return signalPassFailure();
      }
      if (!emulate) {
        writeMMA(op);
        continue;
      }
      rewriter.setInsertionPoint(op);
      if (failed(linalg::linalgOpToLoops(rewriter, op)))
        return signalPassFailure();
      rewriter.eraseOp(op);
    }
  }
};

} // namespace
