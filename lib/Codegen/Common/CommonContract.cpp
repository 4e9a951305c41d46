//===- CommonContract.cpp - The seq-check-common-contract pass ------------===//
//
// What every target's lowering may assume of the common pipeline's output
// (see the pass description in Passes.td).
//
//===----------------------------------------------------------------------===//
#include "dialects/rgnn/RGNNDialect.h"
#include "lib/Codegen/Common/Lowering/Lowering.h"
#include "seqc/Codegen/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

namespace seqc {
#define GEN_PASS_DEF_SEQCHECKCOMMONCONTRACT
#include "seqc/Codegen/Passes.h.inc"
} // namespace seqc

using namespace mlir;
using namespace seqc::seq;

namespace {

/// Whether `op` is the run-time checks' status word or a store to it.
bool statusWord(Operation *op) {
  if (auto global = dyn_cast<memref::GlobalOp>(op))
    return global.getSymName() == seqc::kStatusWord;
  if (auto get = dyn_cast<memref::GetGlobalOp>(op))
    return get.getName() == seqc::kStatusWord;
  if (auto store = dyn_cast<memref::StoreOp>(op))
    return store.getMemRef().getDefiningOp<memref::GetGlobalOp>() &&
           statusWord(store.getMemRef().getDefiningOp());
  return false;
}

/// Whether `op`'s dialect may remain after the common pipeline.
bool allowedDialect(Operation *op) {
  Dialect *d = op->getDialect();
  if (!d)
    return false;
  if (isa<memref::MemRefDialect>(d))
    return statusWord(op);
  if (isa<seqc::rgnn::RGNNDialect>(d))
    return isa<seqc::rgnn::GraphLayoutOp, seqc::rgnn::NodeLayoutOp,
               seqc::rgnn::PairRowsOp, seqc::rgnn::GemmOp,
               seqc::rgnn::EdgeMapOp, seqc::rgnn::NodeReduceOp>(op);
  return isa<BuiltinDialect, func::FuncDialect, arith::ArithDialect,
             math::MathDialect, scf::SCFDialect, tensor::TensorDialect,
             linalg::LinalgDialect, SeqDialect>(d);
}

struct SeqCheckCommonContract
    : seqc::impl::SeqCheckCommonContractBase<SeqCheckCommonContract> {
  using SeqCheckCommonContractBase::SeqCheckCommonContractBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    bool ok = true;
    auto violation = [&](Operation *op, const Twine &what) {
      op->emitError("contract of the common pipeline: ") << what;
      ok = false;
    };
    if (!module->hasAttrOfType<TargetAttr>("seq.target"))
      violation(module, "the module has no #seq.target");
    auto needs = [&](Operation *op, StringRef name, StringRef pass) {
      if (!op->hasAttr(name))
        violation(op, "'" + op->getName().getStringRef() + "' has no " + name +
                          " (" + pass + " decides it)");
    };
    module.walk([&](Operation *op) {
      if (op == module.getOperation())
        return;
      if (!allowedDialect(op)) {
        violation(op, "'" + op->getName().getStringRef() +
                          "' must be rewritten before the targets' lowering");
        return;
      }
      if (seqc::lowersToTensors(op)) {
        violation(op, "'" + op->getName().getStringRef() +
                          "' is lowered by seq-lower-to-tensors");
        return;
      }
      if (auto call = dyn_cast<func::CallOp>(op); call && !seqc::kernelOf(call))
        violation(op, "a call of '" + call.getCallee() +
                          "', which is not a kernel function");
      if (isa<ParaGRUOp, ParaLSTMOp>(op)) {
        needs(op, "seq.solver", "seq-select-scan");
        auto solver = op->getAttrOfType<SolverAttr>("seq.solver");
        if (solver && solver.getMethod() == SolverMethod::newton)
          needs(op, "seq.scan", "seq-select-scan");
      }
    });
    if (!ok)
      signalPassFailure();
  }
};

} // namespace
