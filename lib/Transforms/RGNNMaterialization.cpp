//===- RGNNMaterialization.cpp - The rgnn-compact-materialization pass ----===//
//
// Relation transforms per unique (relation, node) pair instead of per edge
// (whether those tables are then compact or dense: rgnn-select-layout,
// Codegen/Common/Strategy/SelectGraphLayout.cpp).
//
//===----------------------------------------------------------------------===//
#include "dialects/rgnn/RGNNDialect.h"
#include "seqc/Transforms/Passes.h"

namespace seqc {
#define GEN_PASS_DEF_RGNNCOMPACTMATERIALIZATION
#include "seqc/Transforms/Passes.h.inc"
} // namespace seqc

using namespace mlir;
using namespace seqc::rgnn;

namespace {

struct RGNNCompactMaterialization
    : seqc::impl::RGNNCompactMaterializationBase<RGNNCompactMaterialization> {
  using RGNNCompactMaterializationBase::RGNNCompactMaterializationBase;
  void runOnOperation() override {
    if (!enable)
      return;
    getOperation().walk([](Operation *op) {
      if (auto t = dyn_cast<RelationLinearOp>(op);
          t && t.getMaterialize() == Materialize::edge)
        t.setMaterialize(Materialize::pair);
      if (auto m = dyn_cast<PairMeanOp>(op);
          m && m.getMaterialize() == Materialize::dense)
        m.setMaterialize(Materialize::pair);
    });
  }
};

} // namespace
