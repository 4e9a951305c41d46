//===- MapToGPU.cpp - The seq-cuda-map-to-gpu pass ------------------------===//
//
// Step two of the CUDA mapping: the block and thread loops of
// seq-cuda-distribute as gpu.launch, which gpu-kernel-outlining makes into
// kernels.
//
//===----------------------------------------------------------------------===//
#include "seqc/Codegen/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/IRMapping.h"

namespace seqc {
#define GEN_PASS_DEF_SEQCUDAMAPTOGPU
#include "seqc/Codegen/Passes.h.inc"
} // namespace seqc

using namespace mlir;

namespace {

/// Whether `loop` is a one-dim forall mapped to `Mapping` x.
template <typename Mapping> bool isMappedTo(scf::ForallOp loop) {
  std::optional<ArrayAttr> mapping = loop.getMapping();
  if (!mapping || mapping->size() != 1 || loop.getRank() != 1 ||
      !loop.getOutputs().empty())
    return false;
  auto m = dyn_cast<Mapping>((*mapping)[0]);
  return m && m.getMappingId() == int64_t(gpu::MappingId::DimX);
}

/// The thread loop that is the whole body of the block loop `grid`.
scf::ForallOp threadLoopOf(scf::ForallOp grid) {
  Block *body = grid.getBody();
  if (body->getOperations().size() != 2)
    return {};
  auto inner = dyn_cast<scf::ForallOp>(body->front());
  if (!inner || !isMappedTo<gpu::GPUThreadMappingAttr>(inner))
    return {};
  return inner;
}

LogicalResult mapToLaunch(scf::ForallOp grid) {
  scf::ForallOp block = threadLoopOf(grid);
  if (!block)
    return grid.emitOpError("is mapped to GPU blocks but its body is not one "
                            "loop mapped to threads");
  OpBuilder b(grid);
  Location loc = grid.getLoc();
  Value blocks =
      getValueOrCreateConstantIndexOp(b, loc, grid.getMixedUpperBound()[0]);
  Value threads =
      getValueOrCreateConstantIndexOp(b, loc, block.getMixedUpperBound()[0]);
  // An empty grid is no launch (CUDA refuses one).
  Value zero = arith::ConstantIndexOp::create(b, loc, 0);
  Value any =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ugt, blocks, zero);
  auto ifAny = scf::IfOp::create(b, loc, any, /*withElse=*/false);
  b.setInsertionPointToStart(ifAny.thenBlock());
  Value one = arith::ConstantIndexOp::create(b, loc, 1);
  auto launch =
      gpu::LaunchOp::create(b, loc, blocks, one, one, threads, one, one);
  Block &body = launch.getBody().front();
  b.setInsertionPointToStart(&body);
  IRMapping map;
  map.map(grid.getInductionVar(0), launch.getBlockIds().x);
  map.map(block.getInductionVar(0), launch.getThreadIds().x);
  for (Operation &op : block.getBody()->without_terminator())
    b.clone(op, map);
  gpu::TerminatorOp::create(b, loc);
  grid.erase();
  return success();
}

struct SeqCUDAMapToGPU : seqc::impl::SeqCUDAMapToGPUBase<SeqCUDAMapToGPU> {
  void runOnOperation() override {
    SmallVector<scf::ForallOp> grids;
    getOperation().walk([&](scf::ForallOp loop) {
      if (isMappedTo<gpu::GPUBlockMappingAttr>(loop))
        grids.push_back(loop);
    });
    for (scf::ForallOp grid : grids)
      if (failed(mapToLaunch(grid)))
        return signalPassFailure();
  }
};

} // namespace
