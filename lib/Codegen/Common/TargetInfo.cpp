//===- TargetInfo.cpp - A module's target, for the strategy passes --------===//
#include "seqc/Codegen/TargetInfo.h"

using namespace mlir;
using namespace seqc;

TargetInfo::~TargetInfo() = default;

std::unique_ptr<TargetInfo> TargetInfo::get(seq::TargetAttr attr) {
  if (attr.getKind() == seq::TargetKind::cuda)
    return createCUDATargetInfo(attr);
  return createCPUTargetInfo(attr);
}

std::unique_ptr<TargetInfo> TargetInfo::forModule(ModuleOp module,
                                                  StringRef pass) {
  if (auto attr = module->getAttrOfType<seq::TargetAttr>("seq.target"))
    return get(attr);
  module.emitError() << pass
                     << ": the module has no seq.target (seqc compile sets "
                        "it; in seqc-opt, run seq-set-target first)";
  return nullptr;
}
