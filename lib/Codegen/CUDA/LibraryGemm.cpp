//===- LibraryGemm.cpp - The library call and its CPU stand-in ------------===//
#include "lib/Codegen/CUDA/LibraryGemm.h"
#include "lib/Codegen/Common/Lowering/Lowering.h"
#include "seqc/Codegen/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

namespace seqc {
#define GEN_PASS_DEF_SEQCUDASIMULATELIBRARY
#include "seqc/Codegen/Passes.h.inc"
} // namespace seqc

using namespace mlir;

namespace {

/// memref<?x?xf32, strided<[?, 1], offset: ?>>: what the call takes.
MemRefType matrixType(MLIRContext *ctx) {
  int64_t dynamic = ShapedType::kDynamic;
  return MemRefType::get({dynamic, dynamic}, Float32Type::get(ctx),
                         StridedLayoutAttr::get(ctx, dynamic, {dynamic, 1}));
}

func::FuncOp declareGemm(ModuleOp module) {
  MemRefType matrix = matrixType(module.getContext());
  return seqc::declareFunction(
      module, seqc::kCUDAGemm,
      FunctionType::get(
          module.getContext(),
          {matrix, matrix, matrix, IntegerType::get(module.getContext(), 32)},
          {IntegerType::get(module.getContext(), 32)}));
}

/// A buffer as a matrix: its leading dims flattened into rows, and whether
/// that view is the buffer (unit last stride, leading dims contiguous).
struct Matrix {
  Value view, exact;
};

Matrix asMatrix(OpBuilder &b, Location loc, Value buffer) {
  auto meta = memref::ExtractStridedMetadataOp::create(b, loc, buffer);
  ValueRange sizes = meta.getSizes(), strides = meta.getStrides();
  unsigned rank = sizes.size();
  auto equal = [&](Value p, Value q) {
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, p, q);
  };
  Value one = arith::ConstantIndexOp::create(b, loc, 1);
  Value exact = equal(strides[rank - 1], one);
  Value rows = one;
  for (unsigned i = 0; i + 1 < rank; ++i) {
    rows = arith::MulIOp::create(b, loc, rows, sizes[i]);
    if (i + 2 < rank)
      exact = arith::AndIOp::create(
          b, loc, exact,
          equal(strides[i],
                arith::MulIOp::create(b, loc, strides[i + 1], sizes[i + 1])));
  }
  Value rowStride = rank >= 2 ? strides[rank - 2] : sizes[rank - 1];
  Value view = memref::ReinterpretCastOp::create(
      b, loc, matrixType(b.getContext()), meta.getBaseBuffer(),
      OpFoldResult(meta.getOffset()),
      ArrayRef<OpFoldResult>{rows, sizes[rank - 1]},
      ArrayRef<OpFoldResult>{rowStride, b.getIndexAttr(1)});
  return {view, exact};
}

struct SeqCUDASimulateLibrary
    : seqc::impl::SeqCUDASimulateLibraryBase<SeqCUDASimulateLibrary> {
  using SeqCUDASimulateLibraryBase::SeqCUDASimulateLibraryBase;

  void runOnOperation() override {
    auto gemm = getOperation().lookupSymbol<func::FuncOp>(seqc::kCUDAGemm);
    if (!gemm || !gemm.isExternal())
      return;
    Location loc = gemm.getLoc();
    OpBuilder b(gemm.getContext());
    Block *body = gemm.addEntryBlock();
    b.setInsertionPointToStart(body);
    auto status = [&](int32_t v) {
      func::ReturnOp::create(
          b, loc, ValueRange{arith::ConstantIntOp::create(b, loc, v, 32)});
    };
    if (!available)
      return status(1);
    // The operands as the library reads them: rounded to bf16 where the
    // call says so.
    Value bf16 = arith::CmpIOp::create(
        b, loc, arith::CmpIPredicate::ne, body->getArgument(3),
        arith::ConstantIntOp::create(b, loc, 0, 32));
    auto operand = [&](Value v) -> Value {
      return arith::SelectOp::create(b, loc, bf16,
                                     seqc::roundedToBF16(b, loc, v), v);
    };
    Value x = body->getArgument(0), w = body->getArgument(1),
          y = body->getArgument(2);
    Value zero = arith::ConstantIndexOp::create(b, loc, 0);
    Value one = arith::ConstantIndexOp::create(b, loc, 1);
    auto dim = [&](Value m, int64_t i) {
      return memref::DimOp::create(b, loc, m, i).getResult();
    };
    // y[m, n] += Σ_k x[m, k] w[n, k], k in order.
    auto rows = scf::ForOp::create(b, loc, zero, dim(x, 0), one);
    b.setInsertionPointToStart(rows.getBody());
    auto cols = scf::ForOp::create(b, loc, zero, dim(w, 0), one);
    b.setInsertionPointToStart(cols.getBody());
    Value m = rows.getInductionVar(), n = cols.getInductionVar();
    Value start = memref::LoadOp::create(b, loc, y, ValueRange{m, n});
    auto dot =
        scf::ForOp::create(b, loc, zero, dim(x, 1), one, ValueRange{start});
    b.setInsertionPointToStart(dot.getBody());
    Value k = dot.getInductionVar();
    Value xv = operand(memref::LoadOp::create(b, loc, x, ValueRange{m, k}));
    Value wv = operand(memref::LoadOp::create(b, loc, w, ValueRange{n, k}));
    Value product = arith::MulFOp::create(b, loc, xv, wv);
    scf::YieldOp::create(b, loc,
                         ValueRange{arith::AddFOp::create(
                             b, loc, dot.getRegionIterArgs()[0], product)});
    b.setInsertionPointAfter(dot);
    memref::StoreOp::create(b, loc, dot.getResult(0), y, ValueRange{m, n});
    b.setInsertionPointAfter(rows);
    status(0);
  }
};

} // namespace

Value seqc::roundedToBF16(OpBuilder &b, Location loc, Value value) {
  // In integer arithmetic, which every target has (an f32 → bf16 truncf
  // is a library call on x86 CPUs without AVX512_BF16): add half a bf16
  // ulp, less where the kept bit is even, and drop the low 16 bits. NaN
  // stays itself.
  Type i32 = b.getI32Type();
  auto constant = [&](int64_t v) {
    return arith::ConstantIntOp::create(b, loc, i32, v).getResult();
  };
  Value bits = arith::BitcastOp::create(b, loc, i32, value);
  Value kept = arith::AndIOp::create(
      b, loc, arith::ShRUIOp::create(b, loc, bits, constant(16)), constant(1));
  Value up = arith::AddIOp::create(
      b, loc, bits, arith::AddIOp::create(b, loc, kept, constant(0x7FFF)));
  Value rounded = arith::BitcastOp::create(
      b, loc, b.getF32Type(),
      arith::AndIOp::create(b, loc, up, constant(int32_t(0xFFFF0000u))));
  Value nan =
      arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNO, value, value);
  return arith::SelectOp::create(b, loc, nan, value, rounded);
}

Value seqc::toBF16(OpBuilder &b, Location loc, Value value) {
  Value bits = arith::BitcastOp::create(b, loc, b.getI32Type(),
                                        roundedToBF16(b, loc, value));
  Value high = arith::TruncIOp::create(
      b, loc, b.getI16Type(),
      arith::ShRUIOp::create(b, loc, bits,
                             arith::ConstantIntOp::create(b, loc, 16, 32)));
  return arith::BitcastOp::create(b, loc, b.getBF16Type(), high);
}

Value seqc::buildLibraryGemm(OpBuilder &b, linalg::ContractOp linear,
                             bool bf16) {
  Location loc = linear.getLoc();
  func::FuncOp gemm = declareGemm(linear->getParentOfType<ModuleOp>());
  Matrix x = asMatrix(b, loc, linear.getDpsInputs()[0]);
  Matrix w = asMatrix(b, loc, linear.getDpsInputs()[1]);
  Matrix y = asMatrix(b, loc, linear.getDpsInits()[0]);
  Value exact = arith::AndIOp::create(
      b, loc, arith::AndIOp::create(b, loc, x.exact, w.exact), y.exact);
  auto call = scf::IfOp::create(b, loc, TypeRange{b.getI1Type()}, exact,
                                /*withElseRegion=*/true);
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(call.thenBlock());
  Value status =
      func::CallOp::create(
          b, loc, gemm,
          ValueRange{x.view, w.view, y.view,
                     arith::ConstantIntOp::create(b, loc, bf16 ? 1 : 0, 32)})
          .getResult(0);
  Value zero = arith::ConstantIntOp::create(b, loc, 0, 32);
  scf::YieldOp::create(b, loc,
                       ValueRange{arith::CmpIOp::create(
                           b, loc, arith::CmpIPredicate::ne, status, zero)});
  b.setInsertionPointToStart(call.elseBlock());
  scf::YieldOp::create(b, loc,
                       ValueRange{arith::ConstantIntOp::create(b, loc, 1, 1)});
  return call.getResult(0);
}
