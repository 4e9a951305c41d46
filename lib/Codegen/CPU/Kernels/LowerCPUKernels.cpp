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

  void runOnOperation() override {
    ModuleOp module = getOperation();
    seqc::Checks checks(module);
    auto own = [&](seqc::TensorBuilder &b, func::CallOp call) {
      return seqc::lowerKernelCall(b, call, checks, rnnTeamWork);
    };
    seqc::lowerKernelCalls(module, kernels ? seqc::OwnKernelFn(own) : nullptr);
    if (failed(seqc::checkNothingOfSeqLeft(module, "CPU")))
      return signalPassFailure();
    checks.finish();
  }
};
} // namespace
