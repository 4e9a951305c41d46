//===- KernelOnlyInputs.cpp - The seq-cuda-kernel-only-inputs pass --------===//
//
// Which of the entry's inputs only kernels read: the runtime then uses a
// caller's device memory for them where it is (SPEC §6: a model runs on a
// framework's own buffers without a copy). Everything else the host code
// may read between launches, so it must be memory the host can read.
//
//===----------------------------------------------------------------------===//
#include "seqc/Codegen/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Interfaces/ViewLikeInterface.h"

namespace seqc {
#define GEN_PASS_DEF_SEQCUDAKERNELONLYINPUTS
#include "seqc/Codegen/Passes.h.inc"
} // namespace seqc

using namespace mlir;

namespace {

/// Whether `op` runs on the device: inside a loop over GPU blocks.
bool onDevice(Operation *op) {
  for (auto loop = op->getParentOfType<scf::ForallOp>(); loop;
       loop = loop->getParentOfType<scf::ForallOp>())
    if (std::optional<ArrayAttr> mapping = loop.getMapping())
      if (llvm::any_of(*mapping, llvm::IsaPred<gpu::GPUBlockMappingAttr>))
        return true;
  return false;
}

/// Whether the host code reads or writes what `buffer` points at, or lets
/// it escape (a result, a call, a copy): every use outside the kernels and
/// the library's product but its metadata, following views.
bool hostTouches(Value buffer) {
  SmallVector<Value> work{buffer};
  while (!work.empty()) {
    Value v = work.pop_back_val();
    for (Operation *user : v.getUsers()) {
      if (onDevice(user) || isa<memref::DimOp>(user))
        continue;
      // The library's product runs on the device too.
      if (auto call = dyn_cast<func::CallOp>(user);
          call && call.getCallee() == seqc::kCUDAGemm)
        continue;
      if (auto meta = dyn_cast<memref::ExtractStridedMetadataOp>(user)) {
        work.push_back(meta.getBaseBuffer());
        continue;
      }
      // A view of `v` (not an op that only reads it, like a reshape's
      // shape operand).
      auto view = dyn_cast<ViewLikeOpInterface>(user);
      if (view && view.getViewSource() == v && user->getNumResults() == 1 &&
          isa<MemRefType>(user->getResult(0).getType())) {
        work.push_back(user->getResult(0));
        continue;
      }
      return true;
    }
  }
  return false;
}

struct SeqCUDAKernelOnlyInputs
    : seqc::impl::SeqCUDAKernelOnlyInputsBase<SeqCUDAKernelOnlyInputs> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<Attribute> names;
    // The entry (@main, or @seqc_main once named for linking): the public
    // function.
    for (auto entry : module.getOps<func::FuncOp>()) {
      if (entry.isPrivate() || entry.isExternal())
        continue;
      for (BlockArgument arg : entry.getArguments())
        if (auto name = entry.getArgAttrOfType<StringAttr>(arg.getArgNumber(),
                                                           "seq.name"))
          if (isa<MemRefType>(arg.getType()) && !hostTouches(arg))
            names.push_back(name);
    }
    module->setAttr("seq.kernel_only_inputs",
                    ArrayAttr::get(&getContext(), names));
  }
};

} // namespace
