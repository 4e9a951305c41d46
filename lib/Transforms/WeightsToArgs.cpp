//===- WeightsToArgs.cpp - The seq-weights-to-args pass -------------------===//
#include "dialects/seq/SeqDialect.h"
#include "seqc/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/ADT/StringMap.h"

namespace seqc {
#define GEN_PASS_DEF_SEQWEIGHTSTOARGS
#include "seqc/Transforms/Passes.h.inc"
} // namespace seqc

using namespace mlir;

namespace {
struct SeqWeightsToArgs : seqc::impl::SeqWeightsToArgsBase<SeqWeightsToArgs> {
  void runOnOperation() override {
    for (auto fn : getOperation().getOps<func::FuncOp>()) {
      if (fn.isExternal())
        continue;
      // Inputs and weights are the caller's buffers and mapped files:
      // bufferization must copy before writing, never write into them.
      auto readOnly = NamedAttribute(
          StringAttr::get(&getContext(), "bufferization.writable"),
          BoolAttr::get(&getContext(), false));
      for (unsigned i = 0; i < fn.getNumArguments(); ++i)
        if (isa<TensorType>(fn.getArgument(i).getType()))
          fn.setArgAttr(i, readOnly.getName(), readOnly.getValue());
      llvm::StringMap<BlockArgument> args;
      SmallVector<seqc::seq::WeightOp> weights;
      fn.walk([&](seqc::seq::WeightOp w) { weights.push_back(w); });
      for (seqc::seq::WeightOp w : weights) {
        BlockArgument &arg = args[w.getTensorName()];
        if (!arg) {
          unsigned index = fn.getNumArguments();
          if (failed(fn.insertArgument(
                  index, w.getType(),
                  DictionaryAttr::get(
                      &getContext(),
                      {readOnly, NamedAttribute(StringAttr::get(&getContext(),
                                                                "seq.weight"),
                                                w.getTensorNameAttr())}),
                  w.getLoc())))
            return signalPassFailure();
          arg = fn.getArgument(index);
        }
        w.replaceAllUsesWith(arg);
        w.erase();
      }
    }
  }
};
} // namespace
