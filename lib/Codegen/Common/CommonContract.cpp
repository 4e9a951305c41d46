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
  if (isa<SeqDialect>(d))
    return isa<WeightOp>(op) || seqc::lowersToTensors(op);
  if (isa<seqc::rgnn::RGNNDialect>(d))
    return seqc::lowersToTensors(op); // reported as such below
  return isa<BuiltinDialect, func::FuncDialect, arith::ArithDialect,
             math::MathDialect, scf::SCFDialect, tensor::TensorDialect,
             linalg::LinalgDialect>(d);
}

/// The strategy's decisions a kernel call carries: the solver of a ParaRNN
/// (and its scan with Newton), GLA's form and layouts, attention's layout,
/// a graph table's materialization.
/// (A linear recurrence's scan form is always there: without
/// seq-select-scan's, the lowering writes the sequential one.)
template <typename Needs>
void checkDecisions(func::FuncOp fn, DictionaryAttr kernel, Needs &needs) {
  StringRef name = kernel.getAs<StringAttr>("name").getValue();
  if (name == "para_rnn") {
    needs(fn, kernel, "solver", "seq-select-scan");
    auto solver = kernel.getAs<SolverAttr>("solver");
    if (solver && solver.getMethod() == SolverMethod::newton)
      needs(fn, kernel, "scan", "seq-select-scan");
  }
  if (name == "gla_core") {
    needs(fn, kernel, "form", "seq-chunk-gla");
    needs(fn, kernel, "layout", "seq-select-layout");
  }
  if (name == "gated_attention")
    needs(fn, kernel, "layout", "seq-select-layout");
  if (name == "pair_rows")
    needs(fn, kernel, "materialize", "rgnn-select-layout");
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
    auto needs = [&](func::FuncOp fn, DictionaryAttr kernel, StringRef key,
                     StringRef pass) {
      if (!kernel.get(key))
        violation(fn, "kernel '" + fn.getSymName() + "' has no " + key + " (" +
                          pass + " decides it)");
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
      if (auto fn = dyn_cast<func::FuncOp>(op))
        if (auto kernel = fn->getAttrOfType<DictionaryAttr>(seqc::kKernelAttr))
          checkDecisions(fn, kernel, needs);
    });
    if (!ok)
      signalPassFailure();
  }
};

} // namespace
