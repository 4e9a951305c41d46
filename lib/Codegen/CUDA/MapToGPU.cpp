//===- MapToGPU.cpp - The seq-cuda-map-to-gpu pass ------------------------===//
//
// Step two of the CUDA mapping: the block, thread and warp loops of
// seq-cuda-distribute, seq-cuda-tile-linear and the kernels as gpu.launch,
// which gpu-kernel-outlining makes into kernels.
//
//===----------------------------------------------------------------------===//
#include "seqc/Codegen/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/IRMapping.h"

namespace seqc {
#define GEN_PASS_DEF_SEQCUDAMAPTOGPU
#include "seqc/Codegen/Passes.h.inc"
} // namespace seqc

using namespace mlir;

namespace {

/// The GPU dims (x = 0, y = 1, z = 2) of `loop`'s mapping when it is a
/// normalized forall mapped to `Mapping` on distinct dims; else empty.
template <typename Mapping>
SmallVector<unsigned> mappedDims(scf::ForallOp loop) {
  std::optional<ArrayAttr> mapping = loop.getMapping();
  if (!mapping || mapping->size() != size_t(loop.getRank()) ||
      !loop.getOutputs().empty())
    return {};
  for (int64_t lb : loop.getStaticLowerBound())
    if (lb != 0)
      return {};
  for (int64_t step : loop.getStaticStep())
    if (step != 1)
      return {};
  SmallVector<unsigned> dims;
  for (Attribute attr : *mapping) {
    auto m = dyn_cast<Mapping>(attr);
    if (!m || m.getMappingId() > int64_t(gpu::MappingId::DimZ) ||
        llvm::is_contained(dims, unsigned(m.getMappingId())))
      return {};
    dims.push_back(unsigned(m.getMappingId()));
  }
  return dims;
}

/// A normalized forall of static size over #gpu.warp<x>.
bool isWarpLoop(scf::ForallOp loop) {
  SmallVector<unsigned> dims = mappedDims<gpu::GPUWarpMappingAttr>(loop);
  return dims.size() == 1 && dims[0] == 0 &&
         !ShapedType::isDynamic(loop.getStaticUpperBound()[0]);
}

bool isWorkgroupAlloc(Operation *op) {
  if (!isa<memref::AllocOp, memref::AllocaOp>(op))
    return false;
  auto type = cast<MemRefType>(op->getResult(0).getType());
  return type.hasStaticShape() &&
         gpu::GPUDialect::hasWorkgroupMemoryAddressSpace(type);
}

/// Maps one block loop and the thread loops in it.
class LaunchBuilder {
public:
  explicit LaunchBuilder(scf::ForallOp grid) : grid(grid) {}

  LogicalResult build() {
    SmallVector<unsigned> gridDims = mappedDims<gpu::GPUBlockMappingAttr>(grid);
    if (gridDims.empty())
      return grid.emitOpError("is mapped to GPU blocks but is not a "
                              "normalized loop on distinct block dims");
    if (failed(collectThreadLoops()))
      return failure();
    OpBuilder b(grid);
    Location loc = grid.getLoc();
    Value one = arith::ConstantIndexOp::create(b, loc, 1);
    Value zero = arith::ConstantIndexOp::create(b, loc, 0);
    // Grid and block sizes per dim; an empty grid is no launch (CUDA
    // refuses one).
    SmallVector<Value> gridSize(3, one), blockSize(3, one);
    Value any;
    for (auto [i, ub] : llvm::enumerate(grid.getMixedUpperBound())) {
      gridSize[gridDims[i]] = getValueOrCreateConstantIndexOp(b, loc, ub);
      Value positive = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ugt,
                                             gridSize[gridDims[i]], zero);
      any = any ? arith::AndIOp::create(b, loc, any, positive) : positive;
    }
    for (unsigned d = 0; d < 3; ++d)
      if (threads[d] > 1)
        blockSize[d] = arith::ConstantIndexOp::create(b, loc, threads[d]);
    auto ifAny = scf::IfOp::create(b, loc, any, /*withElse=*/false);
    b.setInsertionPointToStart(ifAny.thenBlock());
    // Workgroup buffers at the top of the body: the launch's attributions.
    SmallVector<Type> shared;
    SmallVector<Value> sharedAllocs;
    for (Operation &op : grid.getBody()->without_terminator())
      if (isWorkgroupAlloc(&op)) {
        shared.push_back(op.getResult(0).getType());
        sharedAllocs.push_back(op.getResult(0));
      }
    auto launch = gpu::LaunchOp::create(
        b, loc, gridSize[0], gridSize[1], gridSize[2], blockSize[0],
        blockSize[1], blockSize[2], /*dynamicSharedMemorySize=*/nullptr,
        /*asyncTokenType=*/nullptr, /*asyncDependencies=*/{}, shared);
    Block &body = launch.getBody().front();
    b.setInsertionPointToStart(&body);
    IRMapping map;
    gpu::KernelDim3 blockIds = launch.getBlockIds();
    Value ids[3] = {blockIds.x, blockIds.y, blockIds.z};
    for (auto [i, dim] : llvm::enumerate(gridDims))
      map.map(grid.getInductionVar(i), ids[dim]);
    for (auto [alloc, arg] :
         llvm::zip(sharedAllocs, launch.getWorkgroupAttributions()))
      map.map(alloc, arg);
    for (Operation &op : grid.getBody()->without_terminator()) {
      if (isWorkgroupAlloc(&op))
        continue;
      if (auto dealloc = dyn_cast<memref::DeallocOp>(op))
        if (llvm::is_contained(sharedAllocs, dealloc.getMemref()))
          continue;
      b.clone(op, map);
    }
    auto end = gpu::TerminatorOp::create(b, loc);
    SmallVector<scf::ForallOp> cloned;
    body.walk<WalkOrder::PreOrder>([&](scf::ForallOp loop) {
      cloned.push_back(loop);
      return WalkResult::skip();
    });
    for (scf::ForallOp loop : cloned)
      inlineThreadLoop(loop, launch, end);
    grid.erase();
    return success();
  }

private:
  /// The thread loops in the body, outside any other; the block's size.
  LogicalResult collectThreadLoops() {
    LogicalResult result = success();
    grid.getBody()->walk<WalkOrder::PreOrder>([&](Operation *op) {
      auto loop = dyn_cast<scf::ForallOp>(op);
      if (!loop) {
        // What every thread runs outside the thread loops must not write.
        if (isa<memref::StoreOp, CallOpInterface>(op)) {
          result = op->emitOpError("writes memory in a GPU block loop outside "
                                   "its thread loops");
          return WalkResult::interrupt();
        }
        return WalkResult::advance();
      }
      if (isWarpLoop(loop)) {
        warps = std::max(warps, loop.getStaticUpperBound()[0]);
        ++threadLoops;
        return WalkResult::skip();
      }
      SmallVector<unsigned> dims = mappedDims<gpu::GPUThreadMappingAttr>(loop);
      if (dims.empty() ||
          ShapedType::isDynamicShape(loop.getStaticUpperBound())) {
        result = loop.emitOpError("in a GPU block loop is not a thread loop "
                                  "of static sizes");
        return WalkResult::interrupt();
      }
      for (auto [i, dim] : llvm::enumerate(dims))
        threads[dim] = std::max(threads[dim], loop.getStaticUpperBound()[i]);
      ++threadLoops;
      return WalkResult::skip();
    });
    if (succeeded(result) && threadLoops == 0)
      return grid.emitOpError("is mapped to GPU blocks but has no loop "
                              "mapped to threads");
    // Whole warps for the warp loops.
    if (succeeded(result) &&
        threads[0] * threads[1] * threads[2] < 32 * warps) {
      if (threads[1] * threads[2] != 1)
        return grid.emitOpError("has thread loops over y or z with fewer "
                                "threads than its warp loops' warps");
      threads[0] = 32 * warps;
    }
    if (succeeded(result) && threads[0] * threads[1] * threads[2] > 1024)
      return grid.emitOpError("needs more than 1024 threads per block");
    return result;
  }

  /// `loop`'s body for the threads (or warps) below its sizes, then a
  /// barrier unless it ends the kernel.
  void inlineThreadLoop(scf::ForallOp loop, gpu::LaunchOp launch,
                        Operation *end) {
    OpBuilder b(loop);
    Location loc = loop.getLoc();
    gpu::KernelDim3 threadIds = launch.getThreadIds();
    Value ids[3] = {threadIds.x, threadIds.y, threadIds.z};
    Value inside;
    if (isWarpLoop(loop)) {
      // The thread's warp: its linear id (x fastest) / 32.
      auto index = [&](int64_t v) -> Value {
        return arith::ConstantIndexOp::create(b, loc, v);
      };
      Value linear = ids[0];
      int64_t stride = threads[0];
      for (unsigned d = 1; d < 3; stride *= threads[d], ++d)
        if (threads[d] > 1)
          linear = arith::AddIOp::create(
              b, loc, linear,
              arith::MulIOp::create(b, loc, ids[d], index(stride)));
      Value warp = arith::DivUIOp::create(b, loc, linear, index(32));
      int64_t size = loop.getStaticUpperBound()[0];
      loop.getInductionVar(0).replaceAllUsesWith(warp);
      if (32 * size < threads[0] * threads[1] * threads[2])
        inside = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, warp,
                                       index(size));
    }
    SmallVector<unsigned> dims = mappedDims<gpu::GPUThreadMappingAttr>(loop);
    for (auto [i, dim] : llvm::enumerate(dims)) {
      int64_t size = loop.getStaticUpperBound()[i];
      loop.getInductionVar(i).replaceAllUsesWith(ids[dim]);
      if (size == threads[dim])
        continue;
      Value below =
          arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, ids[dim],
                                arith::ConstantIndexOp::create(b, loc, size));
      inside = inside ? arith::AndIOp::create(b, loc, inside, below) : below;
    }
    Block *dest = b.getInsertionBlock();
    Block::iterator at = b.getInsertionPoint();
    if (inside) {
      auto guard = scf::IfOp::create(b, loc, inside, /*withElse=*/false);
      dest = guard.thenBlock();
      at = dest->getTerminator()->getIterator();
    }
    Block *from = loop.getBody();
    from->getTerminator()->erase();
    dest->getOperations().splice(at, from->getOperations());
    if (loop->getNextNode() != end)
      gpu::BarrierOp::create(b, loc);
    loop.erase();
  }

  scf::ForallOp grid;
  int64_t threads[3] = {1, 1, 1};
  int64_t warps = 0; ///< the most of any warp loop
  int threadLoops = 0;
};

struct SeqCUDAMapToGPU : seqc::impl::SeqCUDAMapToGPUBase<SeqCUDAMapToGPU> {
  void runOnOperation() override {
    SmallVector<scf::ForallOp> grids;
    getOperation().walk([&](scf::ForallOp loop) {
      if (!mappedDims<gpu::GPUBlockMappingAttr>(loop).empty())
        grids.push_back(loop);
    });
    for (scf::ForallOp grid : grids)
      if (failed(LaunchBuilder(grid).build()))
        return signalPassFailure();
  }
};

} // namespace
