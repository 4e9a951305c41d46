//===- SelectGraphLayout.cpp - The rgnn-select-layout pass ----------------===//
//
// A compact or a dense per-pair table, from graph statistics.
//
//===----------------------------------------------------------------------===//
#include "dialects/rgnn/RGNNDialect.h"
#include "seqc/Codegen/Passes.h"

#include <cmath>

namespace seqc {
#define GEN_PASS_DEF_RGNNSELECTLAYOUT
#include "seqc/Codegen/Passes.h.inc"
} // namespace seqc

using namespace mlir;
using namespace seqc::rgnn;

namespace {

void setMaterialize(Operation *op, Materialize value) {
  op->setAttr("materialize", MaterializeAttr::get(op->getContext(), value));
}

/// The expected fraction of the R·N (relation, node) pairs that E edges
/// with uniformly random ends and types touch, or -1 when N or E is not
/// known at compile time.
double expectedPairFraction(Value x, Value edgeIndex, int64_t relations) {
  auto xt = cast<RankedTensorType>(x.getType());
  auto et = cast<RankedTensorType>(edgeIndex.getType());
  if (xt.isDynamicDim(0) || et.isDynamicDim(1) || xt.getDimSize(0) == 0)
    return -1;
  double pairs = double(relations) * double(xt.getDimSize(0));
  return 1.0 - std::exp(-double(et.getDimSize(1)) / pairs);
}

struct RGNNSelectLayout : seqc::impl::RGNNSelectLayoutBase<RGNNSelectLayout> {
  using RGNNSelectLayoutBase::RGNNSelectLayoutBase;
  void runOnOperation() override {
    if (!enable)
      return;
    getOperation().walk([&](Operation *op) {
      Value x, edgeIndex;
      int64_t relations;
      if (auto t = dyn_cast<RelationLinearOp>(op);
          t && t.getMaterialize() == Materialize::pair) {
        x = t.getX();
        edgeIndex = t.getEdgeIndex();
        relations =
            cast<RankedTensorType>(t.getWeight().getType()).getDimSize(0);
      } else if (auto m = dyn_cast<PairMeanOp>(op);
                 m && m.getMaterialize() == Materialize::pair) {
        x = m.getX();
        edgeIndex = m.getEdgeIndex();
        relations = m.getRelations();
      } else {
        return;
      }
      double fraction = ShapedType::isDynamic(relations)
                            ? -1
                            : expectedPairFraction(x, edgeIndex, relations);
      if (fraction < 0) {
        setMaterialize(op, Materialize::automatic);
        op->setAttr(
            "threshold",
            FloatAttr::get(Float64Type::get(op->getContext()), threshold));
      } else {
        setMaterialize(op, fraction >= threshold ? Materialize::dense
                                                 : Materialize::pair);
      }
    });
  }
};

} // namespace
