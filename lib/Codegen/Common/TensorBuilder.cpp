//===- TensorBuilder.cpp - Helpers that build linalg/tensor IR ------------===//
#include "lib/Codegen/Common/TensorBuilder.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Utils/ReshapeOpsUtils.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;

namespace seqc {

Value constF32(ImplicitLocOpBuilder &b, double v) {
  return arith::ConstantOp::create(b, b.getF32FloatAttr(v));
}

Value splatF32(ImplicitLocOpBuilder &b, VectorType type, double v) {
  return arith::ConstantOp::create(
      b, DenseElementsAttr::get(type, b.getF32FloatAttr(v).getValue()));
}

Value sumLanes(ImplicitLocOpBuilder &b, Value v) {
  return vector::ReductionOp::create(b, vector::CombiningKind::ADD, v,
                                     arith::FastMathFlags::reassoc);
}

Value constLike(ImplicitLocOpBuilder &b, Value x, double v) {
  auto vt = dyn_cast<VectorType>(x.getType());
  return vt ? splatF32(b, vt, v) : constF32(b, v);
}

Value sigmoid(ImplicitLocOpBuilder &b, Value x) {
  Value one = constLike(b, x, 1.0);
  Value e = math::ExpOp::create(b, arith::NegFOp::create(b, x));
  return arith::DivFOp::create(b, one, arith::AddFOp::create(b, one, e));
}

Value silu(ImplicitLocOpBuilder &b, Value x) {
  return arith::MulFOp::create(b, x, sigmoid(b, x));
}

Value logSigmoid(ImplicitLocOpBuilder &b, Value x) {
  Value zero = constLike(b, x, 0.0);
  Value neg = arith::MinimumFOp::create(b, x, zero);
  Value absx = math::AbsFOp::create(b, x);
  Value l = math::Log1pOp::create(
      b, math::ExpOp::create(b, arith::NegFOp::create(b, absx)));
  return arith::SubFOp::create(b, neg, l);
}

Value expNonPositive(ImplicitLocOpBuilder &b, Value x) {
  auto c = [&](double v) { return constLike(b, x, v); };
  auto fma = [&](Value a, Value m, Value add) {
    return math::FmaOp::create(b, a, m, add).getResult();
  };
  Type i32 = b.getI32Type();
  if (auto vt = dyn_cast<VectorType>(x.getType()))
    i32 = VectorType::get(vt.getShape(), i32);
  auto intLike = [&](int64_t v) -> Value {
    auto attr = b.getI32IntegerAttr(v);
    if (auto vt = dyn_cast<VectorType>(i32))
      return arith::ConstantOp::create(b, DenseElementsAttr::get(vt, attr));
    return arith::ConstantOp::create(b, attr);
  };
  // n = round(x log₂e): adding 1.5·2²³ leaves n in the low mantissa bits.
  constexpr double kMagic = 12582912.0;
  Value xc = arith::MaxNumFOp::create(b, x, c(-87.3));
  Value t = fma(xc, c(1.4426950408889634), c(kMagic));
  Value n = arith::SubFOp::create(b, t, c(kMagic));
  // r = x − n ln 2, ln 2 in a head exact in f32 and a tail.
  Value r = fma(n, c(-0.693145751953125), xc);
  r = fma(n, c(-1.428606765330187e-06), r);
  // e^r on [−ln2/2, ln2/2], degree 5, fitted to relative error 1e-7.
  Value p = c(0.00829030682580573);
  for (double coef : {0.04189793313259532, 0.1666763632072604,
                      0.49999149490523315, 0.9999997071474342, 1.0})
    p = fma(p, r, c(coef));
  // · 2ⁿ: n added to the exponent bits.
  Value bits = arith::ShLIOp::create(b, arith::BitcastOp::create(b, i32, t),
                                     intLike(23));
  return arith::BitcastOp::create(
      b, x.getType(),
      arith::AddIOp::create(b, arith::BitcastOp::create(b, i32, p), bits));
}

Value TensorBuilder::f32(double v) { return constF32(*this, v); }

Value TensorBuilder::index(int64_t v) {
  return arith::ConstantIndexOp::create(*this, v);
}

Value TensorBuilder::dim(Value tensor, int64_t i) {
  auto t = cast<RankedTensorType>(tensor.getType());
  if (!t.isDynamicDim(i))
    return index(t.getDimSize(i));
  return tensor::DimOp::create(*this, tensor, i);
}

Value TensorBuilder::dimF32(Value tensor, int64_t i) {
  Value n = arith::IndexCastOp::create(*this, getI64Type(), dim(tensor, i));
  return arith::SIToFPOp::create(*this, getF32Type(), n);
}

SmallVector<OpFoldResult> TensorBuilder::sizes(Value tensor) {
  auto t = cast<RankedTensorType>(tensor.getType());
  SmallVector<OpFoldResult> out;
  for (int64_t i = 0; i < t.getRank(); ++i)
    out.push_back(t.isDynamicDim(i)
                      ? OpFoldResult(dim(tensor, i))
                      : OpFoldResult(getIndexAttr(t.getDimSize(i))));
  return out;
}

Value TensorBuilder::empty(ArrayRef<OpFoldResult> sizes, Type element) {
  return tensor::EmptyOp::create(*this, sizes,
                                 element ? element : getF32Type());
}

Value TensorBuilder::zeros(ArrayRef<OpFoldResult> sizes) {
  return linalg::FillOp::create(*this, ValueRange{f32(0.0)},
                                ValueRange{empty(sizes)})
      .getResult(0);
}

AffineMap TensorBuilder::identity(unsigned n) {
  return AffineMap::getMultiDimIdentityMap(n, getContext());
}

AffineMap TensorBuilder::select(unsigned n, ArrayRef<unsigned> dims) {
  SmallVector<AffineExpr> exprs;
  for (unsigned d : dims)
    exprs.push_back(getAffineDimExpr(d));
  return AffineMap::get(n, 0, exprs, getContext());
}

Value TensorBuilder::generic(ArrayRef<Value> inputs,
                             ArrayRef<AffineMap> inputMaps, Value init,
                             AffineMap initMap,
                             ArrayRef<utils::IteratorType> iterators,
                             const BodyFn &body) {
  return generics(inputs, inputMaps, {init}, initMap, iterators, body)[0];
}

SmallVector<Value>
TensorBuilder::generics(ArrayRef<Value> inputs, ArrayRef<AffineMap> inputMaps,
                        ArrayRef<Value> inits, AffineMap initMap,
                        ArrayRef<utils::IteratorType> iterators,
                        const BodyFn &body) {
  SmallVector<AffineMap> maps(inputMaps);
  maps.append(inits.size(), initMap);
  auto op = linalg::GenericOp::create(
      *this, TypeRange(ValueRange(inits)), inputs, inits, maps, iterators,
      [&](OpBuilder &nested, Location loc, ValueRange args) {
        ImplicitLocOpBuilder ib(loc, nested);
        linalg::YieldOp::create(ib, body(ib, args));
      });
  return SmallVector<Value>(op.getResults());
}

Value TensorBuilder::map(
    ArrayRef<Value> inputs, Value shapeOf,
    const std::function<Value(ImplicitLocOpBuilder &, ValueRange)> &fn) {
  unsigned n = cast<RankedTensorType>(shapeOf.getType()).getRank();
  SmallVector<AffineMap> maps(inputs.size(), identity(n));
  SmallVector<utils::IteratorType> its(n, utils::IteratorType::parallel);
  return generic(inputs, maps, empty(sizes(shapeOf)), identity(n), its,
                 [&](ImplicitLocOpBuilder &b, ValueRange args) {
                   return SmallVector<Value>{fn(b, args.drop_back())};
                 });
}

Value TensorBuilder::broadcastLast(Value v, ArrayRef<OpFoldResult> sizes) {
  unsigned rank = sizes.size();
  SmallVector<utils::IteratorType> its(rank, utils::IteratorType::parallel);
  return generic({v}, {select(rank, {rank - 1})}, empty(sizes), identity(rank),
                 its, [](ImplicitLocOpBuilder &, ValueRange a) {
                   return SmallVector<Value>{a[0]};
                 });
}

Value TensorBuilder::sumLast(
    Value x, const std::function<Value(ImplicitLocOpBuilder &, Value)> &f) {
  unsigned rank = cast<RankedTensorType>(x.getType()).getRank();
  SmallVector<OpFoldResult> outSizes = sizes(x);
  outSizes.pop_back();
  SmallVector<unsigned> outDims;
  for (unsigned i = 0; i + 1 < rank; ++i)
    outDims.push_back(i);
  SmallVector<utils::IteratorType> its(rank, utils::IteratorType::parallel);
  its.back() = utils::IteratorType::reduction;
  return generic({x}, {identity(rank)}, zeros(outSizes), select(rank, outDims),
                 its, [&](ImplicitLocOpBuilder &b, ValueRange a) {
                   return SmallVector<Value>{
                       arith::AddFOp::create(b, a[1], f(b, a[0]))};
                 });
}

Value TensorBuilder::timeSlice(Value x, Value t, OpFoldResult batch) {
  auto type = cast<RankedTensorType>(x.getType());
  SmallVector<OpFoldResult> offsets(type.getRank(), getIndexAttr(0));
  offsets[1] = t;
  SmallVector<OpFoldResult> sz = sizes(x);
  sz[0] = batch;
  sz[1] = getIndexAttr(1);
  SmallVector<OpFoldResult> strides(type.getRank(), getIndexAttr(1));
  SmallVector<int64_t> shape{ShapedType::kDynamic};
  if (auto c = getConstantIntValue(batch))
    shape[0] = *c;
  llvm::append_range(shape, type.getShape().drop_front(2));
  return tensor::ExtractSliceOp::create(*this, type.clone(shape), x, offsets,
                                        sz, strides);
}

Value TensorBuilder::insertTime(Value y, Value x, Value t) {
  auto type = cast<RankedTensorType>(x.getType());
  SmallVector<OpFoldResult> offsets(type.getRank(), getIndexAttr(0));
  offsets[1] = t;
  SmallVector<OpFoldResult> sz = sizes(x);
  sz[0] = sizes(y)[0];
  sz[1] = getIndexAttr(1);
  SmallVector<OpFoldResult> strides(type.getRank(), getIndexAttr(1));
  return tensor::InsertSliceOp::create(*this, y, x, offsets, sz, strides);
}

/// Offsets {0, step, 0} of a [B, T, D] slice.
static SmallVector<OpFoldResult> atStep(TensorBuilder &b, int64_t step) {
  return {b.getIndexAttr(0), b.getIndexAttr(step), b.getIndexAttr(0)};
}

Value TensorBuilder::padSteps(Value x, int64_t steps) {
  SmallVector<OpFoldResult> sizes = this->sizes(x);
  SmallVector<OpFoldResult> paddedSizes = sizes;
  paddedSizes[1] =
      arith::AddIOp::create(*this, dim(x, 1), index(steps)).getResult();
  SmallVector<OpFoldResult> ones(3, getIndexAttr(1));
  return tensor::InsertSliceOp::create(*this, x, zeros(paddedSizes),
                                       atStep(*this, steps), sizes, ones);
}

SmallVector<Value> TensorBuilder::delayedSteps(Value x, int64_t most,
                                               int64_t least) {
  SmallVector<OpFoldResult> sizes = this->sizes(x);
  SmallVector<OpFoldResult> ones(3, getIndexAttr(1));
  Value padded = padSteps(x, most);
  // Delay d is the slice from step most − d of the padded x.
  SmallVector<Value> views;
  for (int64_t d = most; d >= least; --d)
    views.push_back(tensor::ExtractSliceOp::create(
        *this, padded, atStep(*this, most - d), sizes, ones));
  return views;
}

Value TensorBuilder::splitLast(Value x, int64_t a, int64_t bsize) {
  auto t = cast<RankedTensorType>(x.getType());
  SmallVector<int64_t> shape(t.getShape());
  shape.pop_back();
  shape.push_back(a);
  shape.push_back(bsize);
  SmallVector<ReassociationIndices> re;
  for (int64_t i = 0; i + 1 < t.getRank(); ++i)
    re.push_back({i});
  re.push_back({t.getRank() - 1, t.getRank()});
  SmallVector<OpFoldResult> outSizes = sizes(x);
  outSizes.pop_back();
  outSizes.push_back(getIndexAttr(a));
  outSizes.push_back(getIndexAttr(bsize));
  return tensor::ExpandShapeOp::create(*this, t.clone(shape), x, re, outSizes);
}

Value TensorBuilder::mergeLast(Value x) {
  auto t = cast<RankedTensorType>(x.getType());
  SmallVector<int64_t> shape(t.getShape().drop_back(2));
  shape.push_back(ShapedType::isDynamic(t.getShape()[t.getRank() - 2]) ||
                          ShapedType::isDynamic(t.getShape().back())
                      ? ShapedType::kDynamic
                      : t.getShape()[t.getRank() - 2] * t.getShape().back());
  SmallVector<ReassociationIndices> re;
  for (int64_t i = 0; i + 2 < t.getRank(); ++i)
    re.push_back({i});
  re.push_back({t.getRank() - 2, t.getRank() - 1});
  return tensor::CollapseShapeOp::create(*this, t.clone(shape), x, re);
}

Value readBuffer(TensorBuilder &b, Value tensor) {
  auto t = cast<RankedTensorType>(tensor.getType());
  auto type = MemRefType::get(t.getShape(), t.getElementType());
  return bufferization::ToBufferOp::create(b, type, tensor,
                                           /*read_only=*/true);
}

Value allocBuffer(TensorBuilder &b, ArrayRef<Value> sizes, Type element) {
  SmallVector<int64_t> shape;
  SmallVector<Value> dynamic;
  for (Value s : sizes) {
    if (auto c = getConstantIntValue(s)) {
      shape.push_back(*c);
    } else {
      shape.push_back(ShapedType::kDynamic);
      dynamic.push_back(s);
    }
  }
  return memref::AllocOp::create(
      b, MemRefType::get(shape, element ? element : b.getF32Type()), dynamic);
}

Value bufferTensor(TensorBuilder &b, Value buffer) {
  auto m = cast<MemRefType>(buffer.getType());
  return bufferization::ToTensorOp::create(
      b, RankedTensorType::get(m.getShape(), m.getElementType()), buffer,
      /*restrict=*/b.getUnitAttr(), /*writable=*/b.getUnitAttr());
}

} // namespace seqc
