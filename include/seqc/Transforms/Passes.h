//===- Passes.h - seqc's transform passes ---------------------------------===//
#ifndef SEQC_TRANSFORMS_PASSES_H
#define SEQC_TRANSFORMS_PASSES_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace seqc {
#define GEN_PASS_DECL
#include "seqc/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "seqc/Transforms/Passes.h.inc"
} // namespace seqc

#endif // SEQC_TRANSFORMS_PASSES_H
