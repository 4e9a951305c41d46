//===- SelectScan.cpp - The seq-select-scan pass --------------------------===//
#include "dialects/seq/SeqDialect.h"
#include "seqc/Transforms/Passes.h"

#include "mlir/IR/BuiltinAttributes.h"

#include <thread>

namespace seqc {
#define GEN_PASS_DEF_SEQSELECTSCAN
#include "seqc/Transforms/Passes.h.inc"
} // namespace seqc

using namespace mlir;
using namespace seqc::seq;

namespace {

/// Static size of dim `i` of `v`, or `unknown`.
int64_t staticDim(Value v, unsigned i, int64_t unknown) {
  auto t = cast<RankedTensorType>(v.getType());
  return t.isDynamicDim(i) ? unknown : t.getDimSize(i);
}

struct SeqSelectScan : seqc::impl::SeqSelectScanBase<SeqSelectScan> {
  using SeqSelectScanBase::SeqSelectScanBase;

  int64_t targetThreads() const {
    if (threads > 0)
      return threads;
    return std::max<int64_t>(1, std::thread::hardware_concurrency());
  }

  /// Independent lane blocks of the sequential form (a dynamic batch
  /// counts as 1: streaming and decoding run one sequence).
  static int64_t laneBlocks(Value x, int64_t width, int n) {
    int64_t lanes = n == 1 ? 32 : 16;
    return staticDim(x, 0, 1) * ((width + lanes - 1) / lanes);
  }

  /// Records the scan form of a recurrence over x [B, T, ...] of `width`
  /// state elements (pairs when n = 2).
  void chooseScan(Operation *op, Value x, int64_t width, int n) {
    Builder b(op->getContext());
    int64_t steps = staticDim(x, 1, ShapedType::kDynamic);
    int64_t blocks = laneBlocks(x, width, n), threads = targetThreads();
    bool chunked = scan == "chunked";
    if (scan == "auto")
      chunked = blocks < 2 * threads &&
                (ShapedType::isDynamic(steps) || steps >= 4 * kMinChunk);
    op->setAttr("seq.scan",
                b.getStringAttr(chunked ? "chunked" : "sequential"));
    if (!chunked) {
      op->removeAttr("seq.scan_chunk");
      return;
    }
    int64_t size = chunk;
    if (size <= 0) {
      int64_t pieces = (4 * threads + blocks - 1) / blocks;
      size = ShapedType::isDynamic(steps)
                 ? 4 * kMinChunk
                 : std::max(kMinChunk, (steps + pieces - 1) / pieces);
    }
    op->setAttr("seq.scan_chunk", b.getI64IntegerAttr(size));
  }

  void chooseSolver(Operation *op, StringRef solver, Value x, int64_t hidden,
                    int n) {
    Builder b(op->getContext());
    int64_t steps = staticDim(x, 1, 0);
    bool newton = solver == "newton";
    if (solver == "auto")
      newton =
          autoSolver == "choose"
              ? steps >= 1024 && 8 * laneBlocks(x, hidden, n) <= targetThreads()
              : autoSolver == "newton";
    op->setAttr("seq.solver",
                b.getStringAttr(newton ? "newton" : "sequential"));
    if (!newton)
      return;
    chooseScan(op, x, hidden, n);
    op->setAttr("seq.newton_max_iterations",
                b.getI64IntegerAttr(newtonMaxIterations));
    op->setAttr("seq.newton_tolerance", b.getF64FloatAttr(newtonTolerance));
    op->setAttr("seq.newton_on_cap",
                b.getStringAttr(solver == "newton" ? "error" : "sequential"));
  }

  void runOnOperation() override {
    if (scan != "auto" && scan != "sequential" && scan != "chunked") {
      getOperation().emitError("seq-select-scan: scan must be auto, "
                               "sequential or chunked, not '")
          << scan << "'";
      return signalPassFailure();
    }
    if (autoSolver != "choose" && autoSolver != "sequential" &&
        autoSolver != "newton") {
      getOperation().emitError("seq-select-scan: auto-solver must be choose, "
                               "sequential or newton, not '")
          << autoSolver << "'";
      return signalPassFailure();
    }
    getOperation().walk([&](Operation *op) {
      if (auto r = dyn_cast<LinearRecurrenceOp>(op))
        chooseScan(op, r.getA(), staticDim(r.getA(), 2, 1), 1);
      else if (auto g = dyn_cast<ParaGRUOp>(op))
        chooseSolver(op, g.getSolver(), g.getX(), g.getHidden(), 1);
      else if (auto l = dyn_cast<ParaLSTMOp>(op))
        chooseSolver(op, l.getSolver(), l.getX(), l.getHidden(), 2);
    });
  }

  static constexpr int64_t kMinChunk = 64;
};
} // namespace
