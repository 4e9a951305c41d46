//===- LowerCPUKernels.cpp - The seq-lower-cpu-kernels pass ---------------===//
#include "CPUKernels.h"
#include "dialects/rgnn/RGNNDialect.h"
#include "seqc/Codegen/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

namespace seqc {
#define GEN_PASS_DEF_SEQLOWERCPUKERNELS
#include "seqc/Codegen/Passes.h.inc"
} // namespace seqc

using namespace mlir;

namespace {
struct SeqLowerCPUKernels
    : seqc::impl::SeqLowerCPUKernelsBase<SeqLowerCPUKernels> {
  using SeqLowerCPUKernelsBase::SeqLowerCPUKernelsBase;

  /// Each kernel call by the CPU's kernel or its inlined body; then the
  /// kernel functions go.
  void lowerKernelCalls(ModuleOp module, seqc::Checks &checks) {
    SmallVector<func::CallOp> calls;
    module.walk([&](func::CallOp call) {
      if (seqc::kernelOf(call))
        calls.push_back(call);
    });
    for (func::CallOp call : calls) {
      seqc::TensorBuilder b(call.getLoc(), call);
      FailureOr<seqc::Results> results = failure();
      if (kernels)
        results = seqc::lowerKernelCall(b, call, checks);
      if (failed(results))
        results = seqc::inlineKernelCall(b, call);
      call->replaceAllUsesWith(*results);
      call->erase();
    }
    for (auto fn : llvm::make_early_inc_range(module.getOps<func::FuncOp>()))
      if (fn->hasAttr(seqc::kKernelAttr))
        fn->erase();
  }

  void runOnOperation() override {
    ModuleOp module = getOperation();
    seqc::Checks checks(module);
    lowerKernelCalls(module, checks);
    SmallVector<Operation *> ops;
    module.walk([&](Operation *op) {
      StringRef dialect =
          op->getDialect() ? op->getDialect()->getNamespace() : "";
      if ((dialect != seqc::seq::SeqDialect::getDialectNamespace() &&
           dialect != seqc::rgnn::RGNNDialect::getDialectNamespace()) ||
          isa<seqc::seq::WeightOp>(op))
        return;
      ops.push_back(op);
    });
    // Nothing of seq but weights, and nothing of rgnn, may remain.
    if (!ops.empty()) {
      Operation *op = ops.front();
      if (seqc::lowersToTensors(op))
        op->emitOpError("is lowered by seq-lower-to-tensors first");
      else if (op->getDialect()->getNamespace() ==
               seqc::rgnn::RGNNDialect::getDialectNamespace())
        op->emitOpError("is lowered by rgnn-decompose and "
                        "rgnn-lower-to-templates first");
      else
        op->emitOpError("has no CPU lowering yet");
      return signalPassFailure();
    }
    checks.finish();
  }
};
} // namespace
