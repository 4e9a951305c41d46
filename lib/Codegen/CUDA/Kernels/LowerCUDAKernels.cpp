//===- LowerCUDAKernels.cpp - The seq-lower-cuda-kernels pass -------------===//
#include "CUDAKernels.h"
#include "seqc/Codegen/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

namespace seqc {
#define GEN_PASS_DEF_SEQLOWERCUDAKERNELS
#include "seqc/Codegen/Passes.h.inc"
} // namespace seqc

using namespace mlir;

namespace seqc {

FailureOr<Results> lowerCUDAKernelCall(TensorBuilder &b, func::CallOp call,
                                       Checks &checks) {
  DictionaryAttr kernel = kernelOf(call);
  auto name = kernel.getAs<StringAttr>("name");
  if (!name)
    return failure();
  ValueRange operands = call.getOperands();
  Results results;
  if (kernel.get("template")) {
    FailureOr<Results> own = lowerGraphTemplate(b, call, kernel);
    if (failed(own))
      return failure();
    results = *own;
  } else if (name == "neurons" || name == "neurons_linear") {
    results = lowerNeurons(b, kernel, operands, name == "neurons_linear");
  } else if (name == "wkv") {
    results = {lowerWKV(b, operands)};
  } else if (name == "linear_recurrence" &&
             kernel.getAs<seq::ScanAttr>("scan").getMethod() ==
                 seq::ScanMethod::sequential) {
    // A chunked scan stays the common body: its chunks are parallel.
    results = lowerSequentialScan(b, operands);
  } else if (name == "para_rnn") {
    results = lowerParaRNN(b, checks, kernel, operands);
  } else if (name == "gated_attention" || name == "gla_core" ||
             name == "gla_norm_gate") {
    FailureOr<Results> own =
        name == "gla_core"        ? lowerGLACore(b, kernel, operands)
        : name == "gla_norm_gate" ? lowerGLANormGate(b, kernel, operands)
                                  : lowerGatedAttention(b, kernel, operands);
    if (failed(own))
      return failure();
    results = *own;
  } else {
    return failure();
  }
  return castToResultTypes(b, call, results);
}

} // namespace seqc

namespace {
struct SeqLowerCUDAKernels
    : seqc::impl::SeqLowerCUDAKernelsBase<SeqLowerCUDAKernels> {
  using SeqLowerCUDAKernelsBase::SeqLowerCUDAKernelsBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    seqc::Checks checks(module);
    auto own = [&](seqc::TensorBuilder &b, func::CallOp call) {
      return seqc::lowerCUDAKernelCall(b, call, checks);
    };
    seqc::lowerKernelCalls(module, kernels ? seqc::OwnKernelFn(own) : nullptr);
    if (failed(seqc::checkNothingOfSeqLeft(module, "CUDA")))
      return signalPassFailure();
    checks.finish();
  }
};
} // namespace
