//===- KernelCalls.cpp - Pieces of a lowering a target may compute itself -===//
#include "Lowering.h"
#include "dialects/rgnn/RGNNDialect.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/SymbolTable.h"

using namespace mlir;

namespace seqc {

Results buildKernelCall(TensorBuilder &b, StringRef name,
                        ArrayRef<NamedAttribute> attrs, ValueRange operands,
                        const KernelBodyFn &body) {
  auto module =
      b.getInsertionBlock()->getParentOp()->getParentOfType<ModuleOp>();
  MLIRContext *ctx = b.getContext();
  SmallVector<NamedAttribute> kernel{
      NamedAttribute(StringAttr::get(ctx, "name"), StringAttr::get(ctx, name))};
  llvm::append_range(kernel, attrs);

  // The body, in a function of its own at the end of the module (the
  // builder's listener sees it built).
  func::FuncOp fn;
  Results results;
  {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToEnd(module.getBody());
    std::string symbol = "seqc_kernel_" + name.str();
    for (int n = 1; SymbolTable::lookupSymbolIn(module, symbol); ++n)
      symbol = "seqc_kernel_" + name.str() + "_" + std::to_string(n);
    fn = func::FuncOp::create(
        b, symbol, FunctionType::get(ctx, TypeRange(operands), TypeRange{}));
    fn.setPrivate();
    fn->setAttr(kKernelAttr, DictionaryAttr::get(ctx, kernel));
    Block *entry = fn.addEntryBlock();
    b.setInsertionPointToStart(entry);
    results = body(b, entry->getArguments());
    func::ReturnOp::create(b, results);
    fn.setType(FunctionType::get(ctx, TypeRange(operands),
                                 TypeRange(ValueRange(results))));
  }
  auto call = func::CallOp::create(b, fn, operands);
  return Results(call.getResults());
}

func::FuncOp declareFunction(ModuleOp module, StringRef name,
                             FunctionType type) {
  if (auto fn = module.lookupSymbol<func::FuncOp>(name))
    return fn;
  OpBuilder b = OpBuilder::atBlockEnd(module.getBody());
  auto fn = func::FuncOp::create(b, module.getLoc(), name, type);
  fn.setPrivate();
  return fn;
}

FailureOr<func::FuncOp> modelFunction(ModuleOp module) {
  func::FuncOp main;
  for (auto fn : module.getOps<func::FuncOp>())
    if (fn.isPublic() && !fn.isExternal()) {
      if (main)
        return fn.emitError(
            "a second public function; expected only the model's");
      main = fn;
    }
  return main;
}

DictionaryAttr kernelOf(func::CallOp call) {
  auto fn = SymbolTable::lookupNearestSymbolFrom<func::FuncOp>(
      call, call.getCalleeAttr());
  return fn ? fn->getAttrOfType<DictionaryAttr>(kKernelAttr) : nullptr;
}

Results inlineKernelCall(TensorBuilder &b, func::CallOp call) {
  auto fn = SymbolTable::lookupNearestSymbolFrom<func::FuncOp>(
      call, call.getCalleeAttr());
  Block &entry = fn.getBody().front();
  IRMapping map;
  map.map(entry.getArguments(), call.getOperands());
  for (Operation &op : entry.without_terminator())
    b.clone(op, map);
  Results results;
  for (Value v : entry.getTerminator()->getOperands())
    results.push_back(map.lookupOrDefault(v));
  return results;
}

void lowerKernelCalls(ModuleOp module, OwnKernelFn own) {
  SmallVector<func::CallOp> calls;
  module.walk([&](func::CallOp call) {
    if (kernelOf(call))
      calls.push_back(call);
  });
  for (func::CallOp call : calls) {
    TensorBuilder b(call.getLoc(), call);
    FailureOr<Results> results = failure();
    if (own)
      results = own(b, call);
    if (failed(results))
      results = inlineKernelCall(b, call);
    call->replaceAllUsesWith(*results);
    call->erase();
  }
  for (auto fn : llvm::make_early_inc_range(module.getOps<func::FuncOp>()))
    if (fn->hasAttr(kKernelAttr))
      fn->erase();
}

LogicalResult checkNothingOfSeqLeft(ModuleOp module, StringRef target) {
  Operation *left = nullptr;
  module.walk([&](Operation *op) {
    StringRef dialect =
        op->getDialect() ? op->getDialect()->getNamespace() : "";
    if ((dialect != seq::SeqDialect::getDialectNamespace() &&
         dialect != rgnn::RGNNDialect::getDialectNamespace()) ||
        isa<seq::WeightOp>(op))
      return WalkResult::advance();
    left = op;
    return WalkResult::interrupt();
  });
  if (!left)
    return success();
  if (lowersToTensors(left))
    left->emitOpError("is lowered by seq-lower-to-tensors first");
  else if (left->getDialect()->getNamespace() ==
           rgnn::RGNNDialect::getDialectNamespace())
    left->emitOpError("is lowered by rgnn-decompose and "
                      "rgnn-lower-to-templates first");
  else
    left->emitOpError("has no ") << target << " lowering yet";
  return failure();
}

} // namespace seqc
