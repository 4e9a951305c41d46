//===- SerializeNestedParallel.cpp - seq-serialize-nested-parallel --------===//
#include "Loops.h"
#include "seqc/Codegen/Passes.h"

#include "mlir/Dialect/SCF/IR/SCF.h"

namespace seqc {
#define GEN_PASS_DEF_SEQSERIALIZENESTEDPARALLEL
#include "seqc/Codegen/Passes.h.inc"
} // namespace seqc

using namespace mlir;

namespace {

struct SeqSerializeNestedParallel
    : seqc::impl::SeqSerializeNestedParallelBase<SeqSerializeNestedParallel> {
  void runOnOperation() override {
    SmallVector<scf::ParallelOp> nested;
    getOperation().walk([&](scf::ParallelOp loop) {
      if (loop.getInitVals().empty() &&
          loop->getParentOfType<scf::ParallelOp>())
        nested.push_back(loop);
    });
    // Post-order: inner loops before the ones around them, all nested in a
    // loop that stays parallel.
    for (scf::ParallelOp loop : nested)
      seqc::serializeParallelLoop(loop);
  }
};

} // namespace
