//===- Importer.h - The model importer's internals ------------------------===//
//
// Shared by the files of lib/Frontend: the importer class, its error type
// and small helpers. Not a public header.
//
//===----------------------------------------------------------------------===//
#ifndef SEQC_LIB_FRONTEND_IMPORTER_H
#define SEQC_LIB_FRONTEND_IMPORTER_H

#include "OpSchema.h"
#include "dialects/common/WeightedOpInterface.h"
#include "seqc/Frontend/ModelImporter.h"
#include "seqc/Runtime/TensorFiles.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/StringMap.h"

#include <map>
#include <nlohmann/json.hpp>
#include <set>

namespace seqc::frontend {

using json = nlohmann::ordered_json;
using namespace mlir;

using seqc::UserError;

/// Thrown inside the importer, caught at its entry: the first problem ends
/// the import.
struct ImportFailure {
  UserError error;
};

/// `base/key` with the key escaped as RFC 6901 says.
inline std::string ptr(const std::string &base, llvm::StringRef key) {
  std::string s = base + "/";
  for (char ch : key)
    s += ch == '~' ? "~0" : ch == '/' ? "~1" : std::string(1, ch);
  return s;
}
inline std::string ptr(const std::string &base, size_t index) {
  return base + "/" + std::to_string(index);
}

/// Keeps the first error MLIR reports while it lives, without printing.
class DiagnosticCapture {
public:
  explicit DiagnosticCapture(MLIRContext *ctx)
      : handler(ctx, [this](Diagnostic &d) {
          if (d.getSeverity() == DiagnosticSeverity::Error && first.empty())
            first = d.str();
          return success();
        }) {}
  /// The message without MLIR's `'seq.x' op ` prefix.
  std::string message() const {
    size_t at = first.find("' op ");
    if (!first.empty() && first[0] == '\'' && at != std::string::npos)
      return first.substr(at + 5);
    return first.empty() ? "invalid operation" : first;
  }

private:
  std::string first;
  ScopedDiagnosticHandler handler;
};

/// A model input's declared dimensions: a size, or a symbol.
struct DeclaredDim {
  int64_t size;
  std::string symbol; // non-empty for a symbolic dim
};

/// Where a value came from, when it is a model input: for tying symbolic
/// dims to the sizes weights give them.
struct InputOrigin {
  std::string pointer; // /inputs/<name>
  std::vector<DeclaredDim> dims;
};

struct Node {
  std::string name, op, pointer;
  const json *body;
  std::vector<std::string> refs; // "" for an absent optional input
  Operation *built = nullptr;
};

class Importer {
public:
  /// Imports `text`; `path` names it in messages, and a relative weights
  /// file is found in `baseDir`.
  Importer(MLIRContext &ctx, llvm::StringRef text, std::string path,
           std::string baseDir, const seqc::ImportOptions &options,
           const std::map<std::string, int64_t> &bindings)
      : ctx(ctx), text(text), path(std::move(path)),
        baseDir(std::move(baseDir)), options(options), bindings(bindings),
        builder(&ctx) {}

  OwningOpRef<ModuleOp> run();
  /// Symbols that weights fixed to a size during this run.
  std::map<std::string, int64_t> newBindings;

private:
  /// Fails for a node whose IR op rejected it: points at the attribute the
  /// message names, when it names one of the node's attributes.
  [[noreturn]] void failNode(const Node &node, const std::string &message);
  [[noreturn]] void fail(const std::string &where, const std::string &what) {
    throw ImportFailure{UserError{path, where, what}};
  }
  json readJson();
  void checkTopLevel(const json &root);
  void importInputs(const json &inputs, func::FuncOp fn);
  std::vector<Node *> orderNodes(std::vector<Node> &nodes);
  void buildNode(Node &node);
  NamedAttrList nodeAttrs(const Node &node, const OpSchema &schema,
                          ArrayRef<RankedTensorType> inputTypes);
  SmallVector<Value> weightsFor(const Node &node, RegisteredOperationName op,
                                ArrayRef<Value> inputs, DictionaryAttr attrs);
  void tieSymbols(const Node &node, RegisteredOperationName op,
                  ArrayRef<Value> inputs, DictionaryAttr attrs,
                  ArrayRef<seqc::WeightSpec> specs,
                  ArrayRef<const seqc::TensorInfo *> tensors);
  Operation *createOp(const Node &node, RegisteredOperationName op,
                      ArrayRef<Value> inputs, ArrayRef<Value> weights,
                      NamedAttrList attrs);
  Value resolve(const std::string &ref, const std::string &where);
  const seqc::SafeTensorsFile &weightsFile(const Node &node);
  const seqc::SafeTensorsFile &openWeights();
  /// Fails for a tensor `n.<x>` of node n that n's op does not use (SPEC §2).
  void checkUnusedWeights();

  MLIRContext &ctx;
  llvm::StringRef text;
  std::string path;
  std::string baseDir;
  const seqc::ImportOptions &options;
  const std::map<std::string, int64_t> &bindings;
  OpBuilder builder;
  json root;
  llvm::StringMap<Value> inputValues;
  llvm::DenseMap<Value, InputOrigin> origins;
  llvm::StringMap<Node *> nodesByName;
  std::optional<std::string> weightsPath;
  std::unique_ptr<seqc::SafeTensorsFile> weights;
  std::set<std::string> usedWeights;
  std::map<std::string, std::string> bindingSource; // symbol → weight name
};

/// "1 input", "2 inputs".
inline std::string count(size_t n, const std::string &noun) {
  return std::to_string(n) + " " + noun + (n == 1 ? "" : "s");
}

/// The file's own name for a tensor shape, `[2, 3]`.
std::string shapeOf(const std::vector<int64_t> &shape);

} // namespace seqc::frontend

#endif // SEQC_LIB_FRONTEND_IMPORTER_H
