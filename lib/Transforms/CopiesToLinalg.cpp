//===- CopiesToLinalg.cpp - The seq-copies-to-linalg pass -----------------===//
#include "seqc/Transforms/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"

namespace seqc {
#define GEN_PASS_DEF_SEQCOPIESTOLINALG
#include "seqc/Transforms/Passes.h.inc"
} // namespace seqc

using namespace mlir;

namespace {
struct SeqCopiesToLinalg
    : seqc::impl::SeqCopiesToLinalgBase<SeqCopiesToLinalg> {
  void runOnOperation() override {
    SmallVector<memref::CopyOp> copies;
    getOperation().walk([&](memref::CopyOp c) { copies.push_back(c); });
    for (memref::CopyOp c : copies) {
      OpBuilder b(c);
      linalg::CopyOp::create(b, c.getLoc(), c.getSource(), c.getTarget());
      c.erase();
    }
  }
};
} // namespace
