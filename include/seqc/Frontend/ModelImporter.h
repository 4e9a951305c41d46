//===- ModelImporter.h - Model description (JSON + safetensors) → IR ------===//
#ifndef SEQC_FRONTEND_MODELIMPORTER_H
#define SEQC_FRONTEND_MODELIMPORTER_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/ADT/StringRef.h"
#include <optional>
#include <string>

namespace seqc {

/// A problem in something the user gave seqc. Printed as
/// `seqc: error: <file>[:<where>]: <what>`, where `where` is a JSON pointer
/// or line:column (or empty).
struct UserError {
  std::string file;
  std::string where;
  std::string what;
  std::string str() const;
};

struct ImportOptions {
  /// Replaces the model's `weights` file (seqc run --weights).
  std::optional<std::string> weightsPath;
};

/// Imports a model description into a module holding `func.func @main` of
/// seq/rgnn ops. Weights are `seq.weight` references by tensor name; the
/// weights file is recorded as the module attribute `seq.weights_file`.
/// Returns null and fills `error` for any malformed input, including a
/// model path that is not a regular file or is implausibly large.
mlir::OwningOpRef<mlir::ModuleOp> importModel(mlir::MLIRContext &ctx,
                                              const std::string &modelPath,
                                              const ImportOptions &options,
                                              UserError &error);

/// Imports a model description held in memory, as `importModel` does for a
/// file: `displayPath` names it in messages, and a relative `weights` file
/// is resolved against `baseDir` (empty: the current directory).
mlir::OwningOpRef<mlir::ModuleOp>
importModelText(mlir::MLIRContext &ctx, llvm::StringRef text,
                const std::string &displayPath, const std::string &baseDir,
                const ImportOptions &options, UserError &error);

} // namespace seqc

#endif // SEQC_FRONTEND_MODELIMPORTER_H
