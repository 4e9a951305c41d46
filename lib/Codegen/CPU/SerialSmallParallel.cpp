//===- SerialSmallParallel.cpp - The seq-cpu-serial-small-parallel pass ---===//
//
// A parallel region costs a fork and a join of the OpenMP team: a few
// microseconds with the workers spinning, far more once they sleep or when
// another process holds a core, and libomp's worksharing setup besides.
// Loops whose whole work is smaller than that (a decode step's, T = 1) run
// as plain loops on the calling thread instead: each parallel loop becomes
// `scf.if (work >= threshold) { the loop } else { its serial copy }`, the
// work estimated before it from the loop bounds at run time (Passes.td has
// the estimate).
//
//===----------------------------------------------------------------------===//
#include "lib/Codegen/Common/Loops.h"
#include "seqc/Codegen/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Interfaces/CallInterfaces.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

namespace seqc {
#define GEN_PASS_DEF_SEQCPUSERIALSMALLPARALLEL
#include "seqc/Codegen/Passes.h.inc"
} // namespace seqc

using namespace mlir;

namespace {

/// Units of work of an op whose count is not known before the region: a
/// loop with bounds computed inside it, a call, a while loop. Large, so
/// that only work known to be small runs serially.
constexpr int64_t kUnknown = 1 << 12;
/// Vector lanes per unit (a 512-bit vector of f32).
constexpr int64_t kLanes = 16;

class WorkEstimate {
public:
  /// Builds at `b`'s insertion point, before `region` (the parallel loop).
  WorkEstimate(OpBuilder &b, Operation *region)
      : b(b), loc(region->getLoc()), region(region) {}

  /// Units of one run of `block`.
  Value of(Block &block) {
    int64_t fixed = 0;
    Value total;
    auto add = [&](Value v) {
      total = total ? arith::AddIOp::create(b, loc, total, v).getResult() : v;
    };
    for (Operation &op : block) {
      if (auto loop = dyn_cast<scf::ForOp>(op)) {
        Value trips = tripCount(loop.getLowerBound(), loop.getUpperBound(),
                                loop.getStep());
        add(mul(trips ? trips : index(kUnknown), of(*loop.getBody())));
        continue;
      }
      if (isa<scf::WhileOp, CallOpInterface>(op)) {
        fixed += kUnknown;
        continue;
      }
      fixed += unitsOf(op);
      for (Region &r : op.getRegions())
        for (Block &inner : r)
          add(of(inner));
    }
    if (fixed)
      add(index(fixed));
    return total ? total : index(0);
  }

  /// ceil((ub - lb) / step) before the region, else null. Bounds computed
  /// inside it are taken at the first iteration of the loops they depend on
  /// (a row block's rows: the first block's), where they are pure
  /// arithmetic of values known before.
  Value tripCount(Value lb, Value ub, Value step) {
    lb = materialize(lb), ub = materialize(ub), step = materialize(step);
    if (!lb || !ub || !step)
      return nullptr;
    Value span = arith::SubIOp::create(b, loc, ub, lb);
    Value zero = index(0);
    span = arith::MaxSIOp::create(b, loc, span, zero);
    Value positive = arith::MaxSIOp::create(b, loc, step, index(1));
    return arith::CeilDivSIOp::create(b, loc, span, positive);
  }

  Value index(int64_t v) { return arith::ConstantIndexOp::create(b, loc, v); }
  Value mul(Value p, Value q) { return arith::MulIOp::create(b, loc, p, q); }

private:
  /// `v` before the region: itself where defined outside it; a loop's
  /// induction variable as its lower bound; a pure op's copy (at most
  /// kMaxCopies of them); else null.
  Value materialize(Value v) {
    if (!v.getType().isIntOrIndex())
      return nullptr;
    if (auto known = copies.lookupOrNull(v))
      return known;
    if (auto arg = dyn_cast<BlockArgument>(v)) {
      Operation *owner = arg.getOwner()->getParentOp();
      if (!region->isAncestor(owner))
        return v;
      Value first;
      if (auto parallel = dyn_cast<scf::ParallelOp>(owner))
        first = materialize(parallel.getLowerBound()[arg.getArgNumber()]);
      else if (auto loop = dyn_cast<scf::ForOp>(owner);
               loop && arg == loop.getInductionVar())
        first = materialize(loop.getLowerBound());
      if (first)
        copies.map(v, first);
      return first;
    }
    Operation *op = v.getDefiningOp();
    if (!region->isAncestor(op))
      return v;
    if (!isPure(op) || op->getNumRegions() || ++copied > kMaxCopies)
      return nullptr;
    for (Value operand : op->getOperands())
      if (!materialize(operand))
        return nullptr;
    Operation *copy = b.clone(*op, copies);
    return copy->getResult(cast<OpResult>(v).getResultNumber());
  }

  /// An op's own units: 1, or a vector op's 16-lane blocks.
  static int64_t unitsOf(Operation &op) {
    int64_t units = 1;
    for (Type t : op.getResultTypes())
      if (auto vector = dyn_cast<VectorType>(t);
          vector && vector.hasStaticShape())
        units =
            std::max(units, (vector.getNumElements() + kLanes - 1) / kLanes);
    return units;
  }

  /// Ops copied for one region's bounds, at most.
  static constexpr int kMaxCopies = 256;
  OpBuilder &b;
  Location loc;
  Operation *region;
  IRMapping copies;
  int copied = 0;
};

struct SeqCPUSerialSmallParallel
    : seqc::impl::SeqCPUSerialSmallParallelBase<SeqCPUSerialSmallParallel> {
  using SeqCPUSerialSmallParallelBase::SeqCPUSerialSmallParallelBase;

  void runOnOperation() override {
    if (threshold <= 0)
      return; // every loop on the team
    // The outermost parallel loops without reductions (the ones that
    // become OpenMP regions).
    SmallVector<scf::ParallelOp> loops;
    getOperation().walk([&](scf::ParallelOp op) {
      if (op.getNumResults() == 0 && !op->getParentOfType<scf::ParallelOp>())
        loops.push_back(op);
    });
    for (scf::ParallelOp loop : loops) {
      Location loc = loop.getLoc();
      OpBuilder b(loop);
      WorkEstimate work(b, loop);
      Value iterations = work.index(1);
      bool known = true;
      for (auto [lb, ub, step] : llvm::zip(
               loop.getLowerBound(), loop.getUpperBound(), loop.getStep())) {
        Value trips = work.tripCount(lb, ub, step);
        known &= trips != nullptr;
        if (trips)
          iterations = work.mul(iterations, trips);
      }
      if (!known)
        continue;
      Value total = work.mul(iterations, work.of(*loop.getBody()));
      Value big = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sge,
                                        total, work.index(threshold));
      auto choice = scf::IfOp::create(b, loc, big, /*withElseRegion=*/true);
      loop->moveBefore(choice.thenBlock()->getTerminator());
      b.setInsertionPoint(choice.elseBlock()->getTerminator());
      seqc::serializeParallelLoop(cast<scf::ParallelOp>(b.clone(*loop)));
    }
  }
};

} // namespace
