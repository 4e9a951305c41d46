//===- InlineAllocaScopes.cpp - The seq-inline-alloca-scopes pass ---------===//
#include "seqc/Codegen/Passes.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"

namespace seqc {
#define GEN_PASS_DEF_SEQINLINEALLOCASCOPES
#include "seqc/Codegen/Passes.h.inc"
} // namespace seqc

using namespace mlir;

namespace {

/// Whether `scope` holds a memref.alloca of its own (not one within a
/// nested allocation scope).
bool allocatesOnStack(memref::AllocaScopeOp scope) {
  return scope
      ->walk<WalkOrder::PreOrder>([&](Operation *op) {
        if (op == scope.getOperation())
          return WalkResult::advance();
        if (isa<memref::AllocaOp>(op))
          return WalkResult::interrupt();
        if (op->hasTrait<OpTrait::AutomaticAllocationScope>())
          return WalkResult::skip();
        return WalkResult::advance();
      })
      .wasInterrupted();
}

void inlineScope(memref::AllocaScopeOp scope) {
  Block &body = scope.getBodyRegion().front();
  Operation *ret = body.getTerminator();
  scope->replaceAllUsesWith(ret->getOperands());
  ret->erase();
  scope->getBlock()->getOperations().splice(scope->getIterator(),
                                            body.getOperations());
  scope->erase();
}

struct SeqInlineAllocaScopes
    : seqc::impl::SeqInlineAllocaScopesBase<SeqInlineAllocaScopes> {
  void runOnOperation() override {
    SmallVector<memref::AllocaScopeOp> scopes;
    getOperation().walk([&](memref::AllocaScopeOp scope) {
      if (!allocatesOnStack(scope))
        scopes.push_back(scope);
    });
    for (memref::AllocaScopeOp scope : scopes)
      inlineScope(scope);
  }
};

} // namespace
