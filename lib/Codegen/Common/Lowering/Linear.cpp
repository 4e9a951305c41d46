//===- Linear.cpp - nn.Linear as a target-independent contraction ---------===//
//
// Every projection of every family is one `linalg.contract`: y[..., n] =
// init[..., n] + Σ_k x[..., k] · w[n, k], the init being the bias broadcast
// over the rows (`linalg.broadcast`) or zeros (`linalg.fill`). Leading dims
// stay as they are (no collapse: a bufferized expand_shape of two dynamic
// dims is what MLIR 22's expand-strided-metadata cannot lower). Targets
// recognize the form with isLinearContraction and keep any weight view
// (transpose, slice, stack of model weights) visible in w's definition.
//
//===----------------------------------------------------------------------===//
#include "Lowering.h"

using namespace mlir;

namespace seqc {

/// The maps of a linear over x of rank `rank`: loops (lead..., n, k).
static SmallVector<AffineMap> linearMaps(MLIRContext *ctx, unsigned rank) {
  unsigned loops = rank + 1;
  SmallVector<AffineExpr> x, w, y;
  for (unsigned i = 0; i + 1 < rank; ++i) {
    x.push_back(getAffineDimExpr(i, ctx));
    y.push_back(getAffineDimExpr(i, ctx));
  }
  AffineExpr n = getAffineDimExpr(rank - 1, ctx);
  AffineExpr k = getAffineDimExpr(rank, ctx);
  x.push_back(k);
  w.append({n, k});
  y.push_back(n);
  return {AffineMap::get(loops, 0, x, ctx), AffineMap::get(loops, 0, w, ctx),
          AffineMap::get(loops, 0, y, ctx)};
}

Value buildLinear(TensorBuilder &b, Value x, Value w, Value bias,
                  bool keepF32) {
  unsigned rank = cast<RankedTensorType>(x.getType()).getRank();
  SmallVector<OpFoldResult> sizes = b.sizes(x);
  sizes.back() = b.sizes(w)[0];
  Value init;
  if (bias) {
    SmallVector<int64_t> lead;
    for (unsigned i = 0; i + 1 < rank; ++i)
      lead.push_back(i);
    init = linalg::BroadcastOp::create(b, bias, b.empty(sizes), lead)
               .getResult()[0];
  } else {
    init = b.zeros(sizes);
  }
  SmallVector<Attribute> maps;
  for (AffineMap map : linearMaps(b.getContext(), rank))
    maps.push_back(AffineMapAttr::get(map));
  auto product = linalg::ContractOp::create(
      b, ValueRange{x, w}, ValueRange{init}, b.getArrayAttr(maps));
  if (keepF32)
    product->setAttr(kF32ProductAttr, b.getUnitAttr());
  return product.getResult(0);
}

bool bf16Products(ModuleOp module) {
  auto precision = module->getAttrOfType<StringAttr>("seq.precision");
  return precision && precision.getValue() == "bf16";
}

bool bf16Operands(linalg::ContractOp linear) {
  return bf16Products(linear->getParentOfType<ModuleOp>()) &&
         !linear->hasAttr(kF32ProductAttr);
}

bool isLinearContraction(linalg::ContractOp op) {
  if (op.getNumDpsInputs() != 2 || op.getNumDpsInits() != 1 ||
      op->getNumResults() != (op.hasPureTensorSemantics() ? 1u : 0u))
    return false;
  auto x = dyn_cast<ShapedType>(op.getDpsInputs()[0].getType());
  auto w = dyn_cast<ShapedType>(op.getDpsInputs()[1].getType());
  auto y = dyn_cast<ShapedType>(op.getDpsInits()[0].getType());
  if (!x || !w || !y || !x.hasRank() || !w.hasRank() || !y.hasRank() ||
      w.getRank() != 2 || x.getRank() < 1 || y.getRank() != x.getRank())
    return false;
  if (!x.getElementType().isF32() || !w.getElementType().isF32() ||
      !y.getElementType().isF32())
    return false;
  return op.getIndexingMapsArray() ==
         ArrayRef(linearMaps(op.getContext(), x.getRank()));
}

Value buildFusedLinear(TensorBuilder &b, Value x, ArrayRef<Value> weights) {
  if (weights.size() == 1)
    return buildLinear(b, x, weights[0]);
  return buildLinear(b, x, tensor::ConcatOp::create(b, 0, weights));
}

Value fusedPart(TensorBuilder &b, Value fused, int64_t offset, int64_t width) {
  SmallVector<OpFoldResult> sizes = b.sizes(fused);
  unsigned rank = sizes.size();
  sizes.back() = b.getIndexAttr(width);
  SmallVector<OpFoldResult> offsets(rank, b.getIndexAttr(0)),
      strides(rank, b.getIndexAttr(1));
  offsets.back() = b.getIndexAttr(offset);
  // A copy of the columns' slice: elementwise, so it runs in vectors.
  Value slice =
      tensor::ExtractSliceOp::create(b, fused, offsets, sizes, strides);
  return b.map({slice}, slice,
               [](ImplicitLocOpBuilder &, ValueRange in) { return in[0]; });
}

} // namespace seqc
