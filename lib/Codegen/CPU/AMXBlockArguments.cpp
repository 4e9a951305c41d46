//===- AMXBlockArguments.cpp - The seq-amx-block-arguments pass -----------===//
#include "seqc/Codegen/Passes.h"

#include "mlir/Dialect/AMX/AMXDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMTypes.h"
#include "mlir/Interfaces/ControlFlowInterfaces.h"

namespace seqc {
#define GEN_PASS_DEF_SEQAMXBLOCKARGUMENTS
#include "seqc/Codegen/Passes.h.inc"
} // namespace seqc

using namespace mlir;

namespace {

/// `v` as an !llvm.x86_amx: the input of the cast that made it a tile.
Value asLLVMTile(Value v) {
  if (isa<LLVM::LLVMX86AMXType>(v.getType()))
    return v;
  auto cast = v.getDefiningOp<UnrealizedConversionCastOp>();
  if (cast && cast.getInputs().size() == 1 &&
      isa<LLVM::LLVMX86AMXType>(cast.getInputs()[0].getType()))
    return cast.getInputs()[0];
  return {};
}

struct SeqAMXBlockArguments
    : seqc::impl::SeqAMXBlockArgumentsBase<SeqAMXBlockArguments> {
  void runOnOperation() override {
    auto llvmTile = LLVM::LLVMX86AMXType::get(&getContext());
    // Every block argument that is a tile becomes an !llvm.x86_amx.
    SmallVector<BlockArgument> arguments;
    getOperation().walk([&](Block *block) {
      for (BlockArgument arg : block->getArguments())
        if (isa<amx::TileType>(arg.getType()))
          arguments.push_back(arg);
    });
    if (arguments.empty())
      return;
    for (BlockArgument arg : arguments)
      arg.setType(llvmTile);
    // Branches pass !llvm.x86_amx values to them.
    WalkResult walk = getOperation().walk([&](BranchOpInterface branch) {
      for (OpOperand &operand : branch->getOpOperands()) {
        if (!isa<amx::TileType>(operand.get().getType()))
          continue;
        Value tile = asLLVMTile(operand.get());
        if (!tile) {
          branch->emitOpError("passes an AMX tile that is not an LLVM one");
          return WalkResult::interrupt();
        }
        operand.set(tile);
      }
      return WalkResult::advance();
    });
    if (walk.wasInterrupted())
      return signalPassFailure();
    // Casts from a retyped argument to !llvm.x86_amx are no-ops now; casts
    // to tiles that branches no longer use go.
    SmallVector<UnrealizedConversionCastOp> casts;
    getOperation().walk(
        [&](UnrealizedConversionCastOp cast) { casts.push_back(cast); });
    for (UnrealizedConversionCastOp cast : casts) {
      if (cast.getInputs().size() == 1 && cast->getNumResults() == 1 &&
          cast.getInputs()[0].getType() == cast.getResult(0).getType())
        cast.getResult(0).replaceAllUsesWith(cast.getInputs()[0]);
      if (cast->use_empty())
        cast->erase();
    }
  }
};

} // namespace
