//===- InlineKernelCalls.cpp - The seq-inline-kernel-calls pass -----------===//
#include "Lowering/Lowering.h"
#include "seqc/Codegen/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

namespace seqc {
#define GEN_PASS_DEF_SEQINLINEKERNELCALLS
#include "seqc/Codegen/Passes.h.inc"
} // namespace seqc

using namespace mlir;

namespace {
struct SeqInlineKernelCalls
    : seqc::impl::SeqInlineKernelCallsBase<SeqInlineKernelCalls> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    seqc::lowerKernelCalls(module);
    if (failed(seqc::checkNothingOfSeqLeft(module, "CUDA")))
      signalPassFailure();
  }
};
} // namespace
