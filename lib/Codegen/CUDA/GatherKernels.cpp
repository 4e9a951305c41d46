//===- GatherKernels.cpp - The seq-cuda-gather-kernels pass ---------------===//
//
// One gpu.module of every kernel, with a target per architecture: one
// cubin per architecture for the whole model (outlining made a module per
// launch).
//
//===----------------------------------------------------------------------===//
#include "seqc/Codegen/Passes.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/IR/SymbolTable.h"

namespace seqc {
#define GEN_PASS_DEF_SEQCUDAGATHERKERNELS
#include "seqc/Codegen/Passes.h.inc"
} // namespace seqc

using namespace mlir;

namespace {

constexpr StringLiteral kKernels = "seqc_kernels";

struct SeqCUDAGatherKernels
    : seqc::impl::SeqCUDAGatherKernelsBase<SeqCUDAGatherKernels> {
  using SeqCUDAGatherKernelsBase::SeqCUDAGatherKernelsBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    MLIRContext *ctx = &getContext();
    SmallVector<Attribute> targets;
    for (const std::string &arch : archs)
      targets.push_back(NVVM::NVVMTargetAttr::get(ctx, /*optLevel=*/3,
                                                  "nvptx64-nvidia-cuda", arch));
    if (targets.empty()) {
      module.emitError("seq-cuda-gather-kernels: no architecture (archs)");
      return signalPassFailure();
    }
    SmallVector<gpu::GPUModuleOp> outlined(module.getOps<gpu::GPUModuleOp>());
    OpBuilder b(module.getBodyRegion());
    b.setInsertionPointToEnd(module.getBody());
    auto gathered = gpu::GPUModuleOp::create(b, module.getLoc(), kKernels,
                                             b.getArrayAttr(targets));
    SymbolTable symbols(gathered);
    // Old kernel reference -> new one.
    DenseMap<Attribute, SymbolRefAttr> renamed;
    for (gpu::GPUModuleOp from : outlined) {
      for (auto fn :
           llvm::make_early_inc_range(from.getOps<gpu::GPUFuncOp>())) {
        auto old = SymbolRefAttr::get(from.getNameAttr(),
                                      {FlatSymbolRefAttr::get(fn)});
        fn->moveBefore(gathered.getBody(), gathered.getBody()->end());
        // The name of the module it came from (one kernel per module),
        // made unique if need be.
        fn.setName(from.getName());
        StringAttr unique = symbols.insert(fn);
        renamed[old] = SymbolRefAttr::get(b.getStringAttr(kKernels),
                                          {FlatSymbolRefAttr::get(unique)});
      }
      from.erase();
    }
    module.walk([&](gpu::LaunchFuncOp launch) {
      if (SymbolRefAttr to = renamed.lookup(launch.getKernel()))
        launch.setKernelAttr(to);
    });
  }
};

} // namespace
