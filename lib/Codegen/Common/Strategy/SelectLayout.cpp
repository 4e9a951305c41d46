//===- SelectLayout.cpp - The seq-select-layout pass ----------------------===//
//
// Chooses the layouts attention's consumers read and carry (see the pass
// description in Passes.td) and records them on each op as `seq.layout`.
//
//===----------------------------------------------------------------------===//
#include "seqc/Codegen/Passes.h"
#include "seqc/Codegen/TargetInfo.h"

namespace seqc {
#define GEN_PASS_DEF_SEQSELECTLAYOUT
#include "seqc/Codegen/Passes.h.inc"
} // namespace seqc

using namespace mlir;
using namespace seqc::seq;
using seqc::HeadChoice;

namespace {

std::optional<HeadLayout> forcedHead(HeadChoice c) {
  if (c == HeadChoice::Auto)
    return std::nullopt;
  return c == HeadChoice::BHTD ? HeadLayout::bhtd : HeadLayout::bthd;
}

struct SeqSelectLayout : seqc::impl::SeqSelectLayoutBase<SeqSelectLayout> {
  using SeqSelectLayoutBase::SeqSelectLayoutBase;

  void runOnOperation() override {
    auto target = seqc::TargetInfo::forModule(getOperation(), getArgument());
    if (!target)
      return signalPassFailure();
    MLIRContext *ctx = &getContext();
    getOperation().walk([&](Operation *op) {
      if (auto attn = dyn_cast<GatedAttentionOp>(op)) {
        int64_t steps =
            cast<RankedTensorType>(attn.getX().getType()).getDimSize(1);
        HeadLayout v =
            forcedHead(values).value_or(target->attentionValues(steps));
        op->setAttr("seq.layout", AttentionLayoutAttr::get(ctx, v));
        return;
      }
      int64_t heads, keyDim, valueDim;
      if (auto core = dyn_cast<GLACoreOp>(op)) {
        heads = core.getHeads();
        keyDim = cast<RankedTensorType>(core.getQ().getType()).getDimSize(2);
        valueDim = cast<RankedTensorType>(core.getV().getType()).getDimSize(2);
        if (ShapedType::isDynamic(keyDim) || ShapedType::isDynamic(valueDim))
          return; // the lowering rejects it
      } else if (auto layer = dyn_cast<GLAOp>(op)) {
        heads = layer.getHeads();
        keyDim = int64_t(layer.getKeyDim());
        valueDim = int64_t(layer.getValueDim());
      } else {
        return;
      }
      seqc::GLAShape shape{1, heads, keyDim / heads, valueDim / heads};
      StateLayout s = state == seqc::StateChoice::Auto ? target->glaState(shape)
                      : state == seqc::StateChoice::VK ? StateLayout::vk
                                                       : StateLayout::kv;
      HeadLayout k = forcedHead(keys).value_or(target->glaKeys(shape, s));
      op->setAttr("seq.layout", GLALayoutAttr::get(ctx, k, s));
    });
  }
};

} // namespace
