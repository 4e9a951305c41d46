//===- Checks.cpp - Run-time checks emitted by the seq lowerings ----------===//
#include "Lowering.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;

namespace seqc {

Checks::Checks(ModuleOp module) : module(module) {
  if (auto earlier = module->getAttrOfType<ArrayAttr>("seq.check_messages"))
    messages.assign(earlier.begin(), earlier.end());
}

Results castToResultTypes(TensorBuilder &b, Operation *op, Results results) {
  for (auto [value, result] : llvm::zip(results, op->getResults()))
    if (value.getType() != result.getType())
      value = tensor::CastOp::create(b, result.getType(), value);
  return results;
}

std::string nodeName(Operation *op) {
  if (auto name = dyn_cast<NameLoc>(op->getLoc()))
    return name.getName().str();
  return op->getName().getStringRef().str();
}

/// Cuts dim `i` of `x` to `size` (a no-op for a static dim).
static Value cutDim(TensorBuilder &b, Value x, int64_t i, Value size) {
  auto t = cast<RankedTensorType>(x.getType());
  if (!t.isDynamicDim(i))
    return x;
  SmallVector<OpFoldResult> sizes = b.sizes(x);
  sizes[i] = size;
  SmallVector<OpFoldResult> zeros(t.getRank(), b.getIndexAttr(0));
  SmallVector<OpFoldResult> ones(t.getRank(), b.getIndexAttr(1));
  return tensor::ExtractSliceOp::create(b, t, x, zeros, sizes, ones);
}

void Checks::failIf(TensorBuilder &b, Value failed,
                    const std::string &message) {
  if (!module.lookupSymbol(kStatusWord)) {
    // Through `b`: a pattern's builder tells its rewriter of every op.
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(module.getBody());
    auto type = MemRefType::get({}, b.getI32Type());
    memref::GlobalOp::create(
        b, module.getLoc(), kStatusWord, b.getStringAttr("private"), type,
        DenseElementsAttr::get(RankedTensorType::get({}, b.getI32Type()),
                               b.getI32IntegerAttr(0).getValue()),
        /*constant=*/false, /*alignment=*/nullptr);
  }
  // One number per message: a target's kernel that checks what its
  // call's body checked reports under the same number.
  StringAttr text = b.getStringAttr(message);
  auto known = llvm::find(messages, text);
  if (known == messages.end())
    messages.push_back(text);
  int32_t code =
      known == messages.end() ? messages.size() : known - messages.begin() + 1;
  scf::IfOp::create(b, failed, [&](OpBuilder &nb, Location loc) {
    auto type = MemRefType::get({}, nb.getI32Type());
    Value status = memref::GetGlobalOp::create(nb, loc, type, kStatusWord);
    Value c = arith::ConstantIntOp::create(nb, loc, nb.getI32Type(), code);
    memref::StoreOp::create(nb, loc, c, status, ValueRange{});
    scf::YieldOp::create(nb, loc);
  });
}

std::pair<Value, Value> Checks::sameDim(TensorBuilder &b, Value x, int64_t xi,
                                        Value y, int64_t yi,
                                        const std::string &message) {
  auto xt = cast<RankedTensorType>(x.getType());
  auto yt = cast<RankedTensorType>(y.getType());
  if (!xt.isDynamicDim(xi) && !yt.isDynamicDim(yi))
    return {x, y}; // the verifier saw them agree
  Value dx = b.dim(x, xi), dy = b.dim(y, yi);
  failIf(b, arith::CmpIOp::create(b, arith::CmpIPredicate::ne, dx, dy),
         message);
  Value size = arith::MinUIOp::create(b, dx, dy);
  return {cutDim(b, x, xi, size), cutDim(b, y, yi, size)};
}

void Checks::finish() {
  if (!messages.empty())
    module->setAttr("seq.check_messages",
                    ArrayAttr::get(module.getContext(), messages));
}

} // namespace seqc
