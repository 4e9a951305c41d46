//===- MarkSpikeInputs.cpp - The seq-mark-spike-inputs pass ---------------===//
#include "dialects/seq/SeqDialect.h"
#include "seqc/Transforms/Passes.h"

namespace seqc {
#define GEN_PASS_DEF_SEQMARKSPIKEINPUTS
#include "seqc/Transforms/Passes.h.inc"
} // namespace seqc

using namespace mlir;
using namespace seqc::seq;

namespace {
struct SeqMarkSpikeInputs
    : seqc::impl::SeqMarkSpikeInputsBase<SeqMarkSpikeInputs> {
  void runOnOperation() override {
    getOperation().walk([&](LinearOp op) {
      auto spikes = dyn_cast<OpResult>(op.getX());
      if (spikes && spikes.getResultNumber() == 0 &&
          isa<LIFOp, PLIFOp, IFNeuronOp, CubaLIFOp>(spikes.getOwner()))
        op.setSpikeInput(true);
    });
  }
};
} // namespace
