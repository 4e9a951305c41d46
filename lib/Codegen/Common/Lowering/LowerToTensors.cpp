//===- LowerToTensors.cpp - The seq-lower-to-tensors pass -----------------===//
//
// The target-independent lowering: the families of Lowering.h by their
// conversion patterns, under a ConversionTarget that makes their ops
// illegal (a linear that is the target's to compute stays legal). What
// remains is seq-check-common-contract's to check.
//
//===----------------------------------------------------------------------===//
#include "Lowering.h"
#include "dialects/rgnn/RGNNDialect.h"
#include "seqc/Codegen/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

namespace seqc {
#define GEN_PASS_DEF_SEQLOWERTOTENSORS
#include "seqc/Codegen/Passes.h.inc"
} // namespace seqc

using namespace mlir;
using namespace seqc::seq;

bool seqc::lowersToTensors(Operation *op) {
  using namespace seqc::rgnn;
  if (isa<GraphLayoutOp, NodeLayoutOp, PairRowsOp, GemmOp, EdgeMapOp,
          NodeReduceOp>(op))
    return true;
  if (!isa_and_nonnull<SeqDialect>(op->getDialect()) || isa<WeightOp>(op))
    return false;
  if (auto linear = dyn_cast<LinearOp>(op))
    return !isFusedIntoNeuron(linear); // else lowered with its neuron
  return true;
}

namespace {
struct SeqLowerToTensors
    : seqc::impl::SeqLowerToTensorsBase<SeqLowerToTensors> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    MLIRContext *ctx = &getContext();
    seqc::Checks checks(module);
    RewritePatternSet patterns(ctx);
    seqc::populateBuildingBlockPatterns(patterns, checks);
    seqc::populateRNNPatterns(patterns, checks);
    seqc::populateRecurrencePatterns(patterns, checks);
    seqc::populateGatedMemoryPatterns(patterns, checks);
    seqc::populateGLAPatterns(patterns, checks);
    seqc::populateGatedAttentionPatterns(patterns, checks);
    seqc::populateSpikingPatterns(patterns, checks);
    seqc::populateParaRNNPatterns(patterns, checks);
    seqc::populateGraphPatterns(patterns, checks);

    ConversionTarget target(*ctx);
    target.markUnknownOpDynamicallyLegal(
        [](Operation *op) { return !seqc::lowersToTensors(op); });
    if (failed(applyPartialConversion(module, target, std::move(patterns))))
      return signalPassFailure();
    // A linear fused into its neuron went with it: the neuron's kernel call
    // took its operands.
    module.walk([](LinearOp op) {
      if (op->use_empty())
        op->erase();
    });
    checks.finish();
  }
};
} // namespace
