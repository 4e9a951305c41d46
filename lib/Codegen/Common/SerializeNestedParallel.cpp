//===- SerializeNestedParallel.cpp - seq-serialize-nested-parallel --------===//
#include "Loops.h"
#include "seqc/Codegen/Passes.h"

#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/IRMapping.h"

namespace seqc {
#define GEN_PASS_DEF_SEQSERIALIZENESTEDPARALLEL
#include "seqc/Codegen/Passes.h.inc"
} // namespace seqc

using namespace mlir;

void seqc::serializeParallelLoop(scf::ParallelOp loop) {
  OpBuilder b(loop);
  Location loc = loop.getLoc();
  SmallVector<Value> ivs;
  for (auto [lb, ub, step] :
       llvm::zip(loop.getLowerBound(), loop.getUpperBound(), loop.getStep())) {
    auto inner = scf::ForOp::create(b, loc, lb, ub, step);
    ivs.push_back(inner.getInductionVar());
    b.setInsertionPoint(inner.getBody()->getTerminator());
  }
  Block *body = loop.getBody();
  body->getTerminator()->erase(); // scf.reduce without operands
  Block *dest = b.getInsertionBlock();
  dest->getOperations().splice(b.getInsertionPoint(), body->getOperations());
  for (auto [arg, iv] : llvm::zip(body->getArguments(), ivs))
    arg.replaceAllUsesWith(iv);
  loop.erase();
}

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
