//===- StateToArgs.cpp - The seq-state-to-args pass -----------------------===//
//
// Mutable module globals become arguments of @main, so that their storage
// belongs to each loaded module instance (the runtime allocates it) rather
// than to the library every instance shares.
//
//===----------------------------------------------------------------------===//
#include "lib/Codegen/Common/Lowering/Lowering.h"
#include "seqc/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/BuiltinAttributes.h"

namespace seqc {
#define GEN_PASS_DEF_SEQSTATETOARGS
#include "seqc/Transforms/Passes.h.inc"
} // namespace seqc

using namespace mlir;

/// True when the global starts as zero (or undefined): the runtime zeroes
/// the storage it allocates, so no other initial value can be kept.
static bool startsAtZero(memref::GlobalOp global) {
  auto init = global.getInitialValue();
  if (!init || isa<UnitAttr>(*init))
    return true;
  auto dense = dyn_cast<DenseElementsAttr>(*init);
  if (!dense)
    return false;
  if (dense.getElementType().isIntOrIndex())
    return llvm::all_of(dense.getValues<APInt>(),
                        [](const APInt &v) { return v.isZero(); });
  if (isa<FloatType>(dense.getElementType()))
    return llvm::all_of(dense.getValues<APFloat>(),
                        [](const APFloat &v) { return v.isPosZero(); });
  return false;
}

namespace {
struct SeqStateToArgs : seqc::impl::SeqStateToArgsBase<SeqStateToArgs> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    MLIRContext *ctx = &getContext();
    FailureOr<func::FuncOp> model = seqc::modelFunction(module);
    if (failed(model))
      return signalPassFailure();
    func::FuncOp main = *model;
    if (!main)
      return;
    // The status word last: the entry point, not the runtime, passes it.
    SmallVector<memref::GlobalOp> globals;
    memref::GlobalOp status;
    for (auto global : module.getOps<memref::GlobalOp>())
      if (global.getSymName() == seqc::kStatusWord)
        status = global;
      else if (!global.getConstant())
        globals.push_back(global);
    if (status)
      globals.push_back(status);
    SmallVector<Attribute> entries;
    for (memref::GlobalOp global : globals) {
      if (!startsAtZero(global)) {
        global.emitError("mutable global with a nonzero initial value");
        return signalPassFailure();
      }
      bool perCall = global.getSymName() == seqc::kStatusWord;
      NamedAttribute attrs[] = {
          NamedAttribute(StringAttr::get(ctx, "seq.state"),
                         global.getSymNameAttr()),
          NamedAttribute(StringAttr::get(ctx, "seq.state_scope"),
                         StringAttr::get(ctx, perCall ? "call" : "module"))};
      unsigned index = main.getNumArguments();
      if (failed(main.insertArgument(index, global.getType(),
                                     DictionaryAttr::get(ctx, attrs),
                                     global.getLoc())))
        return signalPassFailure();
      Value arg = main.getArgument(index);
      bool elsewhere = false;
      module.walk([&](memref::GetGlobalOp get) {
        if (get.getName() != global.getSymName())
          return;
        if (get->getParentOfType<func::FuncOp>() != main) {
          elsewhere = true;
          return;
        }
        get.replaceAllUsesWith(arg);
        get.erase();
      });
      if (elsewhere) {
        global.emitError("mutable global read outside the model function");
        return signalPassFailure();
      }
      if (perCall)
        module->setAttr("seq.status_arg", UnitAttr::get(ctx));
      else
        entries.push_back(DictionaryAttr::get(
            ctx, {attrs[0], NamedAttribute(StringAttr::get(ctx, "type"),
                                           TypeAttr::get(global.getType()))}));
      global.erase();
    }
    if (!entries.empty())
      module->setAttr("seq.state", ArrayAttr::get(ctx, entries));
  }
};
} // namespace
