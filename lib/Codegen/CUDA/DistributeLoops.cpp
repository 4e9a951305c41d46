//===- DistributeLoops.cpp - The seq-cuda-distribute pass -----------------===//
//
// Step one of the CUDA mapping: every outermost parallel loop of a host
// function as a grid of blocks of threads, one iteration per thread, in
// loops that say so (scf.forall with #gpu.block / #gpu.thread mappings).
// seq-cuda-map-to-gpu turns them into launches; a test pipeline runs them
// on the CPU instead. Before it, the common lowering's foralls become
// parallel loops (seq-cuda-forall-to-parallel), the kernels' mapped ones
// stay.
//
//===----------------------------------------------------------------------===//
#include "lib/Codegen/Common/Loops.h"
#include "seqc/Codegen/Passes.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Transforms/Transforms.h"
#include "mlir/IR/PatternMatch.h"

namespace seqc {
#define GEN_PASS_DEF_SEQCUDADISTRIBUTE
#define GEN_PASS_DEF_SEQCUDAFORALLTOPARALLEL
#include "seqc/Codegen/Passes.h.inc"
} // namespace seqc

using namespace mlir;

namespace {

/// Whether the body of `loop` can run as a GPU thread: no call, no
/// allocation of a size known only at run time (a static one becomes the
/// thread's own stack memory).
bool runsOnDevice(scf::ParallelOp loop) {
  WalkResult walk = loop.getBody()->walk([](Operation *op) {
    if (isa<CallOpInterface>(op))
      return WalkResult::interrupt();
    if (auto alloc = dyn_cast<memref::AllocOp>(op))
      if (!alloc.getType().hasStaticShape())
        return WalkResult::interrupt();
    return WalkResult::advance();
  });
  return !walk.wasInterrupted();
}

/// Each static allocation in `loop`'s body as a stack allocation; its
/// deallocations go.
void allocateOnStack(scf::ParallelOp loop) {
  SmallVector<memref::AllocOp> allocs;
  loop.getBody()->walk([&](memref::AllocOp alloc) { allocs.push_back(alloc); });
  for (memref::AllocOp alloc : allocs) {
    for (Operation *user : llvm::make_early_inc_range(alloc->getUsers()))
      if (isa<memref::DeallocOp>(user))
        user->erase();
    OpBuilder b(alloc);
    auto stack = memref::AllocaOp::create(b, alloc.getLoc(), alloc.getType(),
                                          alloc.getAlignmentAttr());
    alloc.replaceAllUsesWith(stack.getResult());
    alloc.erase();
  }
}

void distribute(scf::ParallelOp loop, int64_t threads) {
  OpBuilder b(loop);
  Location loc = loop.getLoc();
  MLIRContext *ctx = b.getContext();
  auto index = [&](int64_t v) -> Value {
    return arith::ConstantIndexOp::create(b, loc, v);
  };
  Value zero = index(0);
  // Trip counts, and their product.
  SmallVector<Value> counts;
  Value total = index(1);
  for (auto [lb, ub, step] :
       llvm::zip(loop.getLowerBound(), loop.getUpperBound(), loop.getStep())) {
    Value span = arith::SubIOp::create(b, loc, ub, lb);
    Value n = arith::CeilDivSIOp::create(b, loc, span, step);
    n = arith::MaxSIOp::create(b, loc, n, zero);
    counts.push_back(n);
    total = arith::MulIOp::create(b, loc, total, n);
  }
  Value perBlock = index(threads);
  Value blocks = arith::CeilDivUIOp::create(b, loc, total, perBlock);

  auto blockMap = b.getArrayAttr(
      {gpu::GPUBlockMappingAttr::get(ctx, gpu::MappingId::DimX)});
  auto threadMap = b.getArrayAttr(
      {gpu::GPUThreadMappingAttr::get(ctx, gpu::MappingId::DimX)});
  auto grid = scf::ForallOp::create(b, loc, ArrayRef<OpFoldResult>{blocks},
                                    ValueRange{}, blockMap);
  b.setInsertionPointToStart(grid.getBody());
  auto block = scf::ForallOp::create(
      b, loc, ArrayRef<OpFoldResult>{b.getIndexAttr(threads)}, ValueRange{},
      threadMap);
  b.setInsertionPointToStart(block.getBody());
  Value id = arith::AddIOp::create(
      b, loc, arith::MulIOp::create(b, loc, grid.getInductionVar(0), perBlock),
      block.getInductionVar(0));
  Value inRange =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, id, total);
  auto guard = scf::IfOp::create(b, loc, inRange, /*withElse=*/false);
  b.setInsertionPointToStart(guard.thenBlock());
  // The iteration `id`, the last dim fastest.
  SmallVector<Value> ivs = seqc::delinearize(b, loc, id, counts);
  for (size_t i = 0; i < ivs.size(); ++i)
    ivs[i] = arith::AddIOp::create(
        b, loc, loop.getLowerBound()[i],
        arith::MulIOp::create(b, loc, ivs[i], loop.getStep()[i]));
  Block *body = loop.getBody();
  body->getTerminator()->erase(); // scf.reduce without operands
  Block *dest = guard.thenBlock();
  dest->getOperations().splice(dest->getTerminator()->getIterator(),
                               body->getOperations());
  for (auto [arg, iv] : llvm::zip(body->getArguments(), ivs))
    arg.replaceAllUsesWith(iv);
  loop.erase();
}

struct SeqCUDADistribute
    : seqc::impl::SeqCUDADistributeBase<SeqCUDADistribute> {
  using SeqCUDADistributeBase::SeqCUDADistributeBase;

  void runOnOperation() override {
    if (threads < 1 || threads > 1024) {
      getOperation().emitError("seq-cuda-distribute: threads must be in "
                               "1..1024, not ")
          << threads;
      return signalPassFailure();
    }
    SmallVector<scf::ParallelOp> outermost;
    getOperation().walk<WalkOrder::PreOrder>([&](scf::ParallelOp loop) {
      outermost.push_back(loop);
      return WalkResult::skip();
    });
    for (scf::ParallelOp loop : outermost) {
      if (!loop.getInitVals().empty() || !runsOnDevice(loop)) {
        // A host loop: its nested parallel loops were serialized already.
        if (loop.getInitVals().empty())
          seqc::serializeParallelLoop(loop);
        continue;
      }
      allocateOnStack(loop);
      distribute(loop, threads);
    }
  }
};

struct SeqCUDAForallToParallel
    : seqc::impl::SeqCUDAForallToParallelBase<SeqCUDAForallToParallel> {
  void runOnOperation() override {
    SmallVector<scf::ForallOp> unmapped;
    getOperation().walk([&](scf::ForallOp loop) {
      if (!loop.getMapping())
        unmapped.push_back(loop);
    });
    IRRewriter rewriter(&getContext());
    for (scf::ForallOp loop : unmapped)
      if (failed(scf::forallToParallelLoop(rewriter, loop)))
        return signalPassFailure();
  }
};

} // namespace
