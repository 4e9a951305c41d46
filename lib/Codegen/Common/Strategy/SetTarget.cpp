//===- SetTarget.cpp - The seq-set-target pass ----------------------------===//
#include "seqc/Codegen/Passes.h"
#include "seqc/Codegen/TargetInfo.h"

namespace seqc {
#define GEN_PASS_DEF_SEQSETTARGET
#include "seqc/Codegen/Passes.h.inc"
} // namespace seqc

using namespace mlir;

namespace {
struct SeqSetTarget : seqc::impl::SeqSetTargetBase<SeqSetTarget> {
  using SeqSetTargetBase::SeqSetTargetBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (module->hasAttr("seq.target"))
      return;
    seqc::seq::TargetAttr attr;
    if (target == seqc::seq::TargetKind::cpu) {
      if (threads < 0 || threads > 1024) {
        module.emitError("seq-set-target: threads must be in 0..1024, not ")
            << int64_t(threads);
        return signalPassFailure();
      }
      attr = seqc::describeHostCPU(&getContext(), threads);
    } else {
      std::string error;
      attr = seqc::describeCUDA(&getContext(), arch, warps, error);
      if (!attr) {
        module.emitError("seq-set-target: ") << error;
        return signalPassFailure();
      }
    }
    module->setAttr("seq.target", attr);
  }
};
} // namespace
