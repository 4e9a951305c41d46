//===- ChunkGLA.cpp - The seq-chunk-gla pass
//-------------------------------===//
#include "dialects/seq/SeqDialect.h"
#include "seqc/Conversion/GLAShapes.h"
#include "seqc/Transforms/Passes.h"

#include "mlir/IR/BuiltinAttributes.h"

#include <thread>

namespace seqc {
#define GEN_PASS_DEF_SEQCHUNKGLA
#include "seqc/Transforms/Passes.h.inc"
} // namespace seqc

using namespace mlir;
using namespace seqc::seq;
namespace gla = seqc::gla;

namespace {

/// Chunk and sub-chunk sizes when the pass chooses them.
constexpr int64_t kChunk = 64, kSubChunk = 16;
/// The chunkwise form does about this many times the recurrent form's work
/// (measured: gla_core H=1, K=64, V=16, T=8192: 5.0 ms on 2 threads against
/// 0.55 ms on one, about 18 times), so it pays only with at least this many
/// threads per task of the recurrent form, which it leaves idle.
constexpr int64_t kThreadsPerTask = 16;

struct SeqChunkGLA : seqc::impl::SeqChunkGLABase<SeqChunkGLA> {
  using SeqChunkGLABase::SeqChunkGLABase;

  void runOnOperation() override {
    if (form != "auto" && form != "chunked" && form != "recurrent") {
      getOperation().emitError("seq-chunk-gla: form must be auto, chunked "
                               "or recurrent, got '")
          << form << "'";
      return signalPassFailure();
    }
    int64_t c = chunk > 0 ? int64_t(chunk) : kChunk;
    int64_t sub = subchunk > 0 ? int64_t(subchunk) : std::min(kSubChunk, c);
    if (c % sub != 0) {
      getOperation().emitError("seq-chunk-gla: subchunk (")
          << sub << ") must divide chunk (" << c << ")";
      return signalPassFailure();
    }
    Builder b(&getContext());
    int64_t hostThreads =
        threads > 0 ? int64_t(threads)
                    : std::max<int64_t>(1, std::thread::hardware_concurrency());
    getOperation().walk([&](Operation *op) {
      // Work of the recurrent form: batch × heads × blocks of 16 value
      // columns (an unknown batch counts as 1). Its kernel now takes 4
      // blocks per parallel task; the threshold was measured with one
      // block, where the two counts agree.
      int64_t batch, heads, valueDim;
      if (auto core = dyn_cast<GLACoreOp>(op)) {
        auto v = cast<RankedTensorType>(core.getV().getType());
        batch = v.getDimSize(0);
        heads = core.getHeads();
        valueDim = v.getDimSize(2) / heads;
      } else if (auto gla = dyn_cast<GLAOp>(op)) {
        batch = cast<RankedTensorType>(gla.getX().getType()).getDimSize(0);
        heads = gla.getHeads();
        valueDim = int64_t(gla.getValueDim()) / heads;
      } else {
        return;
      }
      if (ShapedType::isDynamic(batch))
        batch = 1;
      int64_t tasks = batch * heads * gla::ceilDiv(valueDim, gla::kLanes);
      bool chunked = form == "chunked" ||
                     (form == "auto" && hostThreads >= kThreadsPerTask * tasks);
      op->setAttr("seq.chunk", b.getI64IntegerAttr(chunked ? c : 0));
      op->setAttr("seq.subchunk", b.getI64IntegerAttr(chunked ? sub : 0));
    });
  }
};

} // namespace
