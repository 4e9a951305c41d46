//===- ChunkGLA.cpp - The seq-chunk-gla pass ------------------------------===//
#include "seqc/Codegen/Passes.h"
#include "seqc/Codegen/TargetInfo.h"

namespace seqc {
#define GEN_PASS_DEF_SEQCHUNKGLA
#include "seqc/Codegen/Passes.h.inc"
} // namespace seqc

using namespace mlir;
using namespace seqc::seq;

namespace {

struct SeqChunkGLA : seqc::impl::SeqChunkGLABase<SeqChunkGLA> {
  using SeqChunkGLABase::SeqChunkGLABase;

  void runOnOperation() override {
    auto target = seqc::TargetInfo::forModule(getOperation(), getArgument());
    if (!target)
      return signalPassFailure();
    int64_t c = chunk > 0 ? int64_t(chunk) : target->glaChunk();
    int64_t sub = subchunk > 0 ? int64_t(subchunk) : target->glaSubChunk(c);
    if (c % sub != 0) {
      getOperation().emitError("seq-chunk-gla: subchunk (")
          << sub << ") must divide chunk (" << c << ")";
      return signalPassFailure();
    }
    MLIRContext *ctx = &getContext();
    getOperation().walk([&](Operation *op) {
      int64_t batch, heads, valueDim;
      if (auto core = dyn_cast<GLACoreOp>(op)) {
        auto v = cast<RankedTensorType>(core.getV().getType());
        batch = v.getDimSize(0);
        heads = core.getHeads();
        valueDim = v.getDimSize(2);
      } else if (auto gla = dyn_cast<GLAOp>(op)) {
        batch = cast<RankedTensorType>(gla.getX().getType()).getDimSize(0);
        heads = gla.getHeads();
        valueDim = int64_t(gla.getValueDim());
      } else {
        return;
      }
      if (ShapedType::isDynamic(valueDim))
        return; // the lowering rejects it
      seqc::GLAShape shape{ShapedType::isDynamic(batch) ? 1 : batch, heads,
                           /*keyDim=*/0, valueDim / heads};
      bool chunked =
          form == seqc::GLAFormChoice::Chunked ||
          (form == seqc::GLAFormChoice::Auto && target->chunkedGLAPays(shape));
      op->setAttr("seq.gla_form",
                  chunked ? GLAFormAttr::get(ctx, GLAMethod::chunked, c, sub)
                          : GLAFormAttr::get(ctx, GLAMethod::recurrent, 0, 0));
    });
  }
};

} // namespace
