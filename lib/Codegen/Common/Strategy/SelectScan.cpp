//===- SelectScan.cpp - The seq-select-scan pass --------------------------===//
#include "seqc/Codegen/Passes.h"
#include "seqc/Codegen/TargetInfo.h"

namespace seqc {
#define GEN_PASS_DEF_SEQSELECTSCAN
#include "seqc/Codegen/Passes.h.inc"
} // namespace seqc

using namespace mlir;
using namespace seqc::seq;
using seqc::RecurrenceShape;

namespace {

/// A recurrence over x [B, T, ...] of `width` state elements (pairs when
/// n = 2); a dynamic batch counts as 1.
RecurrenceShape shapeOf(Value x, int64_t width, int n) {
  auto t = cast<RankedTensorType>(x.getType());
  int64_t batch = t.isDynamicDim(0) ? 1 : t.getDimSize(0);
  return {batch, t.getDimSize(1), width, n};
}

struct SeqSelectScan : seqc::impl::SeqSelectScanBase<SeqSelectScan> {
  using SeqSelectScanBase::SeqSelectScanBase;

  ScanAttr chooseScan(const seqc::TargetInfo &target,
                      const RecurrenceShape &r) {
    bool chunked =
        scan == seqc::ScanChoice::Chunked ||
        (scan == seqc::ScanChoice::Auto && target.chunkedScanPays(r));
    if (!chunked)
      return ScanAttr::get(&getContext(), ScanMethod::sequential, 0);
    int64_t size = chunk > 0 ? int64_t(chunk) : target.scanChunk(r);
    return ScanAttr::get(&getContext(), ScanMethod::chunked, size);
  }

  void chooseSolver(const seqc::TargetInfo &target, Operation *op,
                    SolverRequest solver, Value x, int64_t hidden, int n) {
    RecurrenceShape r = shapeOf(x, hidden, n);
    bool newton = solver == SolverRequest::newton;
    if (solver == SolverRequest::automatic)
      newton = autoSolver == seqc::SolverChoice::Choose
                   ? target.newtonPays(r)
                   : autoSolver == seqc::SolverChoice::Newton;
    if (!newton) {
      op->setAttr("seq.solver",
                  SolverAttr::get(&getContext(), SolverMethod::sequential, 0,
                                  FloatAttr(), NewtonCap::error));
      return;
    }
    op->setAttr("seq.scan", chooseScan(target, r));
    Builder b(&getContext());
    op->setAttr("seq.solver",
                SolverAttr::get(
                    &getContext(), SolverMethod::newton, newtonMaxIterations,
                    b.getF64FloatAttr(newtonTolerance),
                    solver == SolverRequest::newton ? NewtonCap::error
                                                    : NewtonCap::sequential));
  }

  void runOnOperation() override {
    if (chunk < 0 || newtonMaxIterations < 1 || !(newtonTolerance > 0)) {
      getOperation().emitError("seq-select-scan: chunk must be >= 0, "
                               "newton-max-iterations >= 1 and "
                               "newton-tolerance > 0");
      return signalPassFailure();
    }
    auto target = seqc::TargetInfo::forModule(getOperation(), getArgument());
    if (!target)
      return signalPassFailure();
    getOperation().walk([&](Operation *op) {
      if (auto r = dyn_cast<LinearRecurrenceOp>(op)) {
        auto a = cast<RankedTensorType>(r.getA().getType());
        int64_t width = a.isDynamicDim(2) ? 1 : a.getDimSize(2);
        op->setAttr("seq.scan",
                    chooseScan(*target, shapeOf(r.getA(), width, 1)));
      } else if (auto g = dyn_cast<ParaGRUOp>(op)) {
        chooseSolver(*target, op, g.getSolver(), g.getX(), g.getHidden(), 1);
      } else if (auto l = dyn_cast<ParaLSTMOp>(op)) {
        chooseSolver(*target, op, l.getSolver(), l.getX(), l.getHidden(), 2);
      }
    });
  }
};
} // namespace
