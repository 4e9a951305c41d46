//===- VectorizeElementwise.cpp - The seq-vectorize-elementwise pass ------===//
//
// convert-linalg-to-parallel-loops turns a linalg op into scalar loops, one
// element per iteration; elementwise ops (activations, gates, residual
// adds, copies) then run at a sixteenth of what the vector units do. This
// pass rewrites the elementwise ones on buffers as parallel loops over all
// but the last dim around a loop over the last dim in vectors of 16 lanes:
// masked loads of the operands that run along it, scalar loads broadcast
// for those that do not (a weight per column is the former, a value per row
// the latter), the body's arith and math ops on vectors, a masked store.
// Operands may start at a column offset (gates read from a fused
// projection: j + 256).
//
//===----------------------------------------------------------------------===//
#include "seqc/Codegen/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/IRMapping.h"

namespace seqc {
#define GEN_PASS_DEF_SEQVECTORIZEELEMENTWISE
#include "seqc/Codegen/Passes.h.inc"
} // namespace seqc

using namespace mlir;

namespace {

constexpr int64_t kLanes = 16;
/// A static last dim below this stays scalar: most lanes would idle.
constexpr int64_t kMinWidth = 8;

bool isElement(Type t) { return isa<FloatType>(t) || isa<IntegerType>(t); }
/// An element type vectors load and store as memory holds it (not i1:
/// a vector of i1 is packed in bits, a buffer of i1 in bytes).
bool isStored(Type t) {
  return isElement(t) && t.getIntOrFloatBitWidth() % 8 == 0;
}

/// How an operand is read per vector of the last loop dim.
enum class Read { Vector, Broadcast, Scalar };

/// Loop dim d and constant c of an index d + c (or d), if it is one.
std::optional<std::pair<unsigned, int64_t>> shiftedDim(AffineExpr e) {
  if (auto dim = dyn_cast<AffineDimExpr>(e))
    return std::pair(dim.getPosition(), int64_t(0));
  auto sum = dyn_cast<AffineBinaryOpExpr>(e);
  if (!sum || sum.getKind() != AffineExprKind::Add)
    return std::nullopt;
  auto dim = dyn_cast<AffineDimExpr>(sum.getLHS());
  auto c = dyn_cast<AffineConstantExpr>(sum.getRHS());
  if (!dim || !c)
    return std::nullopt;
  return std::pair(dim.getPosition(), c.getValue());
}

/// The read of input `operand` with `map` in a nest of `loops` dims, if the
/// pass handles it: indices d or d + c, their dims in increasing order (a
/// projection, no transpose); along the last loop dim only with unit
/// stride.
std::optional<Read> readOf(OpOperand &operand, AffineMap map, unsigned loops) {
  auto memref = dyn_cast<MemRefType>(operand.get().getType());
  if (!memref)
    return isElement(operand.get().getType()) ? std::optional(Read::Scalar)
                                              : std::nullopt;
  if (!isStored(memref.getElementType()))
    return std::nullopt;
  int64_t previous = -1;
  for (AffineExpr e : map.getResults()) {
    auto dim = shiftedDim(e);
    if (!dim || int64_t(dim->first) <= previous)
      return std::nullopt;
    previous = dim->first;
  }
  if (previous != int64_t(loops) - 1)
    return Read::Broadcast;
  return memref.isLastDimUnitStride() ? std::optional(Read::Vector)
                                      : std::nullopt;
}

/// Body ops computed lane by lane: arith and math on scalars, without
/// regions, and no integer division (a masked-off lane may divide by 0).
bool isLaneOp(Operation &op) {
  StringRef dialect = op.getDialect() ? op.getDialect()->getNamespace() : "";
  if ((dialect != arith::ArithDialect::getDialectNamespace() &&
       dialect != math::MathDialect::getDialectNamespace()) ||
      op.getNumRegions() != 0)
    return false;
  if (isa<arith::DivSIOp, arith::DivUIOp, arith::RemSIOp, arith::RemUIOp,
          arith::CeilDivSIOp, arith::CeilDivUIOp, arith::FloorDivSIOp>(op))
    return false;
  return llvm::all_of(op.getOperandTypes(), isElement) &&
         llvm::all_of(op.getResultTypes(), isElement);
}

bool vectorizable(linalg::LinalgOp op) {
  unsigned loops = op.getNumLoops();
  if (!op.hasPureBufferSemantics() || loops == 0 || !op.isAllParallelLoops() ||
      op.hasIndexSemantics() || op.getNumDpsInits() != 1)
    return false;
  OpOperand *init = op.getDpsInitOperand(0);
  auto out = dyn_cast<MemRefType>(init->get().getType());
  if (!out || !isStored(out.getElementType()) ||
      !op.getMatchingIndexingMap(init).isIdentity() ||
      !out.isLastDimUnitStride())
    return false;
  int64_t width = out.getShape().back();
  if (!ShapedType::isDynamic(width) && width < kMinWidth)
    return false;
  for (OpOperand *in : op.getDpsInputOperands())
    if (!readOf(*in, op.getMatchingIndexingMap(in), loops))
      return false;
  Block *body = op.getBlock();
  for (Operation &inner : body->without_terminator()) {
    if (!isLaneOp(inner))
      return false;
    // Values from outside the body are broadcast: scalars only.
    for (Value v : inner.getOperands())
      if (v.getParentBlock() != body && !isElement(v.getType()))
        return false;
  }
  Value yielded = body->getTerminator()->getOperand(0);
  return yielded.getParentBlock() == body || isElement(yielded.getType());
}

/// The op as loops over vectors of the last dim (see the file comment).
void vectorize(linalg::LinalgOp op) {
  OpBuilder b(op);
  Location loc = op.getLoc();
  unsigned loops = op.getNumLoops();
  Value out = op.getDpsInitOperand(0)->get();
  auto index = [&](OpBuilder &ob, int64_t v) {
    return arith::ConstantIndexOp::create(ob, loc, v).getResult();
  };
  SmallVector<Value> sizes;
  for (unsigned d = 0; d < loops; ++d)
    sizes.push_back(memref::DimOp::create(b, loc, out, d));
  auto vectorOf = [](Type t) { return VectorType::get({kLanes}, t); };
  Block *body = op.getBlock();

  // One vector: loop indices `outer` (all but the last dim), lanes from j.
  auto lanes = [&](OpBuilder &lb, ValueRange outer, Value j) {
    Value remaining = arith::SubIOp::create(lb, loc, sizes.back(), j);
    Value mask = vector::CreateMaskOp::create(
        lb, loc, VectorType::get({kLanes}, lb.getI1Type()),
        ValueRange{remaining});
    auto at = [&](AffineMap map) {
      SmallVector<Value> indices;
      for (AffineExpr e : map.getResults()) {
        auto [d, shift] = *shiftedDim(e);
        Value i = d + 1 == loops ? j : outer[d];
        indices.push_back(
            shift == 0 ? i
                       : arith::AddIOp::create(lb, loc, i, index(lb, shift))
                             .getResult());
      }
      return indices;
    };
    auto splat = [&](Value scalar) {
      return vector::BroadcastOp::create(lb, loc, vectorOf(scalar.getType()),
                                         scalar)
          .getResult();
    };
    auto load = [&](OpOperand *operand, Read read) -> Value {
      Value mem = operand->get();
      if (read == Read::Scalar)
        return splat(mem);
      SmallVector<Value> indices = at(op.getMatchingIndexingMap(operand));
      if (read == Read::Broadcast)
        return splat(memref::LoadOp::create(lb, loc, mem, indices));
      Type element = cast<MemRefType>(mem.getType()).getElementType();
      Value zero = arith::ConstantOp::create(
          lb, loc,
          DenseElementsAttr::get(vectorOf(element), lb.getZeroAttr(element)));
      return vector::MaskedLoadOp::create(lb, loc, vectorOf(element), mem,
                                          indices, mask, zero);
    };
    IRMapping map;
    for (OpOperand *in : op.getDpsInputOperands())
      map.map(op.getMatchingBlockArgument(in),
              load(in, *readOf(*in, op.getMatchingIndexingMap(in), loops)));
    OpOperand *init = op.getDpsInitOperand(0);
    if (op.payloadUsesValueFromOperand(init))
      map.map(op.getMatchingBlockArgument(init), load(init, Read::Vector));
    auto lookup = [&](Value v) {
      if (Value mapped = map.lookupOrNull(v))
        return mapped;
      Value s = splat(v); // from outside the body
      map.map(v, s);
      return s;
    };
    for (Operation &inner : body->without_terminator()) {
      if (auto constant = dyn_cast<arith::ConstantOp>(inner)) {
        map.map(constant.getResult(),
                arith::ConstantOp::create(
                    lb, loc,
                    DenseElementsAttr::get(vectorOf(constant.getType()),
                                           constant.getValue())));
        continue;
      }
      for (Value v : inner.getOperands())
        lookup(v);
      Operation *lane = lb.clone(inner, map);
      for (OpResult r : lane->getResults())
        r.setType(vectorOf(r.getType()));
    }
    Value result = lookup(body->getTerminator()->getOperand(0));
    vector::MaskedStoreOp::create(
        lb, loc, out, at(op.getMatchingIndexingMap(init)), mask, result);
  };

  Value step = index(b, kLanes);
  if (loops == 1) {
    Value vectors = arith::CeilDivUIOp::create(b, loc, sizes.back(), step);
    scf::ParallelOp::create(
        b, loc, ValueRange{index(b, 0)}, ValueRange{vectors},
        ValueRange{index(b, 1)}, [&](OpBuilder &pb, Location, ValueRange ivs) {
          lanes(pb, {}, arith::MulIOp::create(pb, loc, ivs[0], step));
        });
    return;
  }
  SmallVector<Value> zeros(loops - 1, index(b, 0)),
      ones(loops - 1, index(b, 1));
  scf::ParallelOp::create(
      b, loc, zeros, ArrayRef(sizes).drop_back(), ones,
      [&](OpBuilder &pb, Location, ValueRange outer) {
        scf::ForOp::create(pb, loc, index(pb, 0), sizes.back(), step,
                           ValueRange{},
                           [&](OpBuilder &fb, Location, Value j, ValueRange) {
                             lanes(fb, outer, j);
                             scf::YieldOp::create(fb, loc);
                           });
      });
}

struct SeqVectorizeElementwise
    : seqc::impl::SeqVectorizeElementwiseBase<SeqVectorizeElementwise> {
  void runOnOperation() override {
    SmallVector<linalg::LinalgOp> ops;
    getOperation().walk([&](linalg::LinalgOp op) {
      if (vectorizable(op))
        ops.push_back(op);
    });
    for (linalg::LinalgOp op : ops) {
      vectorize(op);
      op->erase();
    }
  }
};

} // namespace
