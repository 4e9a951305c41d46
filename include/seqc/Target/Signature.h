//===- Signature.h - What a compiled module says about itself -------------===//
//
// The module's signature (JSON, described in seqc_module_abi.h) and the C
// header for linking its object: the same for every target. Each target
// adds its own facts (the CPU's: LLVM CPU name and features).
//
//===----------------------------------------------------------------------===//
#ifndef SEQC_TARGET_SIGNATURE_H
#define SEQC_TARGET_SIGNATURE_H

#include "mlir/IR/BuiltinOps.h"

#include <string>

namespace seqc {

/// The module ABI version the runtime checks (the signature's "abi").
int moduleABIVersion();

/// The module's signature as JSON: inputs (names, dtypes, dims with
/// symbols), weights, outputs and token-id ranges, from the imported
/// (seq-level) module.
std::string moduleSignature(mlir::ModuleOp module);
/// The signature with what the lowering recorded on the module: run-time
/// check messages and state buffers.
std::string withLoweringFacts(const std::string &signature,
                              mlir::ModuleOp module);

/// `--name`'s default: the model's name made into a C identifier.
std::string symbolPrefix(const std::string &modelName);
/// The C header for `--emit=header`, from moduleSignature(), for the
/// object emitted with the same `prefix`.
std::string emitHeader(const std::string &signature, const std::string &prefix);

} // namespace seqc

#endif // SEQC_TARGET_SIGNATURE_H
