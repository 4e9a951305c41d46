//===- Passes.h - The strategy passes and the pipelines -------------------===//
#ifndef SEQC_CODEGEN_PASSES_H
#define SEQC_CODEGEN_PASSES_H

#include "dialects/seq/SeqDialect.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace seqc {

/// The strategy passes' forcing options (`auto`: the target decides).
enum class ScanChoice { Auto, Sequential, Chunked };
enum class SolverChoice { Choose, Sequential, Newton };
enum class GLAFormChoice { Auto, Chunked, Recurrent };
enum class StateChoice { Auto, KV, VK };
enum class HeadChoice { Auto, BTHD, BHTD };

#define GEN_PASS_DECL
#include "seqc/Codegen/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "seqc/Codegen/Passes.h.inc"
} // namespace seqc

#endif // SEQC_CODEGEN_PASSES_H
