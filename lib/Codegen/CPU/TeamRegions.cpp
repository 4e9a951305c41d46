//===- TeamRegions.cpp - The seq-cpu-team-regions pass --------------------===//
#include "seqc/Codegen/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/OpenMP/OpenMPDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

namespace seqc {
#define GEN_PASS_DEF_SEQCPUTEAMREGIONS
#include "seqc/Codegen/Passes.h.inc"
} // namespace seqc

using namespace mlir;

namespace {

/// The team loop as an omp.parallel running its body once per thread.
void toParallelRegion(scf::ParallelOp loop) {
  OpBuilder b(loop);
  auto region = omp::ParallelOp::create(b, loop.getLoc());
  Block *body = b.createBlock(&region.getRegion());
  Block *loopBody = loop.getBody();
  // (The body does not read the loop's index; any use gets 0.)
  b.setInsertionPointToStart(loopBody);
  Value zero = arith::ConstantIndexOp::create(b, loop.getLoc(), 0);
  for (Value iv : loop.getInductionVars())
    iv.replaceAllUsesWith(zero);
  body->getOperations().splice(body->end(), loopBody->getOperations(),
                               loopBody->begin(), std::prev(loopBody->end()));
  b.setInsertionPointToEnd(body);
  omp::TerminatorOp::create(b, loop.getLoc());
  loop.erase();
}

struct SeqCPUTeamRegions
    : seqc::impl::SeqCPUTeamRegionsBase<SeqCPUTeamRegions> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<scf::ParallelOp> teams;
    module.walk([&](scf::ParallelOp loop) {
      if (loop->hasAttr(seqc::kTeamAttr))
        teams.push_back(loop);
    });
    for (scf::ParallelOp loop : teams)
      toParallelRegion(loop);
    WalkResult barriers = module.walk([&](func::CallOp call) {
      if (call.getCallee() != seqc::kTeamBarrier)
        return WalkResult::advance();
      if (!call->getParentOfType<omp::ParallelOp>()) {
        call.emitOpError("is a team barrier outside a team");
        return WalkResult::interrupt();
      }
      OpBuilder b(call);
      omp::BarrierOp::create(b, call.getLoc());
      call.erase();
      return WalkResult::advance();
    });
    if (barriers.wasInterrupted())
      return signalPassFailure();
    if (auto decl = module.lookupSymbol<func::FuncOp>(seqc::kTeamBarrier))
      decl.erase();
  }
};

} // namespace
