//===- OpSchema.h - The model format's op catalogue (SPEC §4) -------------===//
//
// What a node of a model description may say for each op: its inputs (in
// order, required first), its attributes with their JSON types and
// defaults, and the IR op it becomes. Weights are not listed here: the IR
// op names them (WeightedOpInterface).
//
//===----------------------------------------------------------------------===//
#ifndef SEQC_LIB_FRONTEND_OPSCHEMA_H
#define SEQC_LIB_FRONTEND_OPSCHEMA_H

#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace seqc::frontend {

enum class AttrKind {
  Int,         ///< JSON integer → i64
  Float,       ///< JSON number → f64
  Bool,        ///< JSON bool
  Enum,        ///< JSON string naming a value of an IR enum attribute
  FloatOrNull, ///< JSON number → f64, or null → attribute left off
  Names,       ///< JSON array of strings → array of strings ([] left off)
};

/// Computes a default from the node's input types; nullopt when it cannot
/// (a dynamic dimension), which makes the attribute required.
using DeriveFn = std::function<std::optional<double>(
    llvm::ArrayRef<mlir::RankedTensorType> inputs,
    const std::function<std::optional<double>(llvm::StringRef)> &attr)>;

struct AttrSchema {
  const char *name;
  AttrKind kind;
  /// A constant default (JSON text, e.g. "4", "1e-6", "true", "\"auto\"",
  /// "null"); empty with no `derive`: required.
  const char *defaultJson = "";
  DeriveFn derive = nullptr;
  /// False for an attribute the format accepts but the IR op does not use.
  bool inIR = true;
  /// An Enum's attribute for a name (null for a name it does not have),
  /// and the names it has, comma-separated.
  std::function<mlir::Attribute(mlir::MLIRContext *, llvm::StringRef)>
      parseEnum = nullptr;
  std::function<std::string()> enumNames = nullptr;
};

struct OpSchema {
  const char *name;   ///< JSON op name, e.g. "gla"
  const char *irName; ///< IR op name, e.g. "seq.gla"
  std::vector<const char *> inputs;
  unsigned requiredInputs;
  std::vector<AttrSchema> attrs;
};

/// The schema of a JSON op name, or nullptr.
const OpSchema *lookupOpSchema(llvm::StringRef name);

} // namespace seqc::frontend

#endif // SEQC_LIB_FRONTEND_OPSCHEMA_H
