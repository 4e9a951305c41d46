//===- CallerBuffers.cpp - The seq-cpu-caller-buffers pass ----------------===//
//
// A result the kernels write into a fresh allocation is allocated through
// seqc_result_buffer instead, so that a buffer the caller gives for it
// (seqc_module_run_into: an application's output array, or a decode
// step's state, the same buffer in and out) is written by the kernels
// themselves rather than copied into after the run.
//
//===----------------------------------------------------------------------===//
#include "lib/Codegen/Common/Lowering/Lowering.h"
#include "seqc/Codegen/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"

namespace seqc {
#define GEN_PASS_DEF_SEQCPUCALLERBUFFERS
#include "seqc/Codegen/Passes.h.inc"
} // namespace seqc

using namespace mlir;

namespace {

/// Bytes of one element, or 0 when elements are not whole bytes.
int64_t elementBytes(Type t) {
  unsigned bits = t.getIntOrFloatBitWidth();
  return bits % 8 == 0 ? bits / 8 : 0;
}

/// `alloc` as a call of seqc_result_buffer(word, bytes) viewed as its type.
void allocateThroughCaller(memref::AllocOp alloc, int64_t word) {
  MemRefType type = alloc.getType();
  OpBuilder b(alloc);
  Location loc = alloc.getLoc();
  auto index = [&](int64_t v) -> Value {
    return arith::ConstantIndexOp::create(b, loc, v);
  };
  Value bytes = index(elementBytes(type.getElementType()));
  unsigned dynamic = 0;
  for (int64_t size : type.getShape())
    bytes = arith::MulIOp::create(b, loc, bytes,
                                  ShapedType::isDynamic(size)
                                      ? alloc.getDynamicSizes()[dynamic++]
                                      : index(size));
  auto raw = MemRefType::get({ShapedType::kDynamic}, b.getI8Type());
  Value buffer =
      func::CallOp::create(b, loc, seqc::kResultBuffer, TypeRange{raw},
                           ValueRange{index(word), bytes})
          .getResult(0);
  Value view = memref::ViewOp::create(b, loc, type, buffer, index(0),
                                      alloc.getDynamicSizes());
  alloc.replaceAllUsesWith(view);
  alloc.erase();
}

struct SeqCPUCallerBuffers
    : seqc::impl::SeqCPUCallerBuffersBase<SeqCPUCallerBuffers> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    FailureOr<func::FuncOp> model = seqc::modelFunction(module);
    if (failed(model))
      return signalPassFailure();
    func::FuncOp main = *model;
    if (!main || !main.getBody().hasOneBlock())
      return;
    auto ret = cast<func::ReturnOp>(main.getBody().front().getTerminator());
    int64_t word = 0;
    bool used = false;
    llvm::SmallPtrSet<Operation *, 4> hooked;
    for (Value result : ret.getOperands()) {
      auto type = dyn_cast<MemRefType>(result.getType());
      if (!type)
        return; // (not a module's signature: leave it)
      int64_t at = word;
      word += 3 + 2 * type.getRank();
      // (Through reshapes, which keep the buffer's start and bytes.)
      Value source = result;
      while (Operation *reshape = source.getDefiningOp()) {
        if (!isa<memref::ExpandShapeOp, memref::CollapseShapeOp>(reshape))
          break;
        source = reshape->getOperand(0);
      }
      auto alloc = source.getDefiningOp<memref::AllocOp>();
      if (!alloc || alloc->getParentOp() != main ||
          alloc.getType().getRank() == 0 ||
          !alloc.getType().getLayout().isIdentity() ||
          !type.getElementType().isIntOrFloat() ||
          !elementBytes(type.getElementType()) ||
          llvm::count(ret.getOperands(), result) != 1 ||
          !hooked.insert(alloc).second)
        continue;
      allocateThroughCaller(alloc, at);
      used = true;
    }
    if (!used || module.lookupSymbol(seqc::kResultBuffer))
      return;
    OpBuilder b(module.getBodyRegion());
    auto index = b.getIndexType();
    auto fn = func::FuncOp::create(
        b, module.getLoc(), seqc::kResultBuffer,
        b.getFunctionType(
            {index, index},
            {MemRefType::get({ShapedType::kDynamic}, b.getI8Type())}));
    fn.setPrivate();
  }
};

} // namespace
