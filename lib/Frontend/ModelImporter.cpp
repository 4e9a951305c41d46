//===- ModelImporter.cpp - Model description (JSON + safetensors) → IR ----===//
//
// Reads a model description (SPEC §2), checks every part of it, and builds
// `func.func @main` of seq/rgnn ops. Ops are built generically from their
// registered names: the IR op's own shape function infers result types and
// reports shape errors, and its WeightedOpInterface names its weights, so
// the importer holds no per-op shape logic.
//
//===----------------------------------------------------------------------===//
#include "seqc/Frontend/ModelImporter.h"

#include "OpSchema.h"
#include "dialects/common/WeightedOpInterface.h"
#include "dialects/rgnn/RGNNDialect.h"
#include "dialects/seq/SeqDialect.h"
#include "seqc/Runtime/TensorFiles.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <nlohmann/json.hpp>

using namespace mlir;
using json = nlohmann::ordered_json;

std::string seqc::UserError::str() const {
  std::string s = "seqc: error: " + file;
  if (!where.empty())
    s += ":" + where;
  return s + ": " + what;
}

namespace {

using seqc::UserError;
using seqc::frontend::AttrKind;
using seqc::frontend::AttrSchema;
using seqc::frontend::OpSchema;

/// Thrown inside the importer, caught at its entry: the first problem ends
/// the import.
struct ImportFailure {
  UserError error;
};

/// `base/key` with the key escaped as RFC 6901 says.
std::string ptr(const std::string &base, llvm::StringRef key) {
  std::string s = base + "/";
  for (char ch : key)
    s += ch == '~' ? "~0" : ch == '/' ? "~1" : std::string(1, ch);
  return s;
}
std::string ptr(const std::string &base, size_t index) {
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
  Importer(MLIRContext &ctx, std::string path,
           const seqc::ImportOptions &options,
           const std::map<std::string, int64_t> &bindings)
      : ctx(ctx), path(std::move(path)), options(options), bindings(bindings),
        builder(&ctx) {}

  OwningOpRef<ModuleOp> run();
  /// Symbols that weights fixed to a size during this run.
  std::map<std::string, int64_t> newBindings;

private:
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

  MLIRContext &ctx;
  std::string path;
  const seqc::ImportOptions &options;
  const std::map<std::string, int64_t> &bindings;
  OpBuilder builder;
  json root;
  llvm::StringMap<Value> inputValues;
  llvm::DenseMap<Value, InputOrigin> origins;
  llvm::StringMap<Node *> nodesByName;
  std::optional<std::string> weightsPath;
  std::unique_ptr<seqc::SafeTensorsFile> weights;
  std::map<std::string, std::string> bindingSource; // symbol → weight name
};

json Importer::readJson() {
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/true);
  if (!buffer)
    fail("", "cannot read the model: " + buffer.getError().message());
  llvm::StringRef text = (*buffer)->getBuffer();
  try {
    return json::parse(text.begin(), text.end());
  } catch (const json::parse_error &e) {
    // nlohmann reports a byte offset; users want line:column.
    size_t byte = std::min<size_t>(e.byte ? e.byte - 1 : 0, text.size());
    size_t line = 1, col = 1;
    for (char ch : text.take_front(byte)) {
      if (ch == '\n') {
        ++line;
        col = 1;
      } else {
        ++col;
      }
    }
    std::string what = e.what();
    size_t colon = what.rfind(": ");
    fail(std::to_string(line) + ":" + std::to_string(col),
         "malformed JSON: " +
             (colon == std::string::npos ? what : what.substr(colon + 2)));
  }
}

void Importer::checkTopLevel(const json &root) {
  if (!root.is_object())
    fail("", "a model description must be a JSON object");
  static const char *known[] = {"seqc_model", "name",  "weights",
                                "inputs",     "nodes", "outputs"};
  for (auto &[key, value] : root.items())
    if (!llvm::is_contained(known, key))
      fail(ptr("", key), "unknown key '" + key + "'");
  if (!root.contains("seqc_model"))
    fail("", "missing 'seqc_model' (the format version, 1)");
  const json &version = root["seqc_model"];
  if (!version.is_number_integer() || version.get<int64_t>() != 1)
    fail("/seqc_model", "unsupported format version " + version.dump() +
                            " (this seqc reads version 1)");
  if (root.contains("name") && !root["name"].is_string())
    fail("/name", "must be a string");
  if (root.contains("weights") && !root["weights"].is_string())
    fail("/weights", "must be a string (a safetensors file)");
  for (const char *key : {"inputs", "outputs"})
    if (!root.contains(key) || !root[key].is_object())
      fail(ptr("", key), std::string("must be an object"));
  if (!root.contains("nodes") || !root["nodes"].is_array())
    fail("/nodes", "must be an array");
}

/// Element type of a model input's dtype name.
static Type dtypeType(MLIRContext &ctx, llvm::StringRef dtype) {
  Builder b(&ctx);
  if (dtype == "f32")
    return b.getF32Type();
  if (dtype == "f16")
    return b.getF16Type();
  if (dtype == "bf16")
    return b.getBF16Type();
  if (dtype == "i32")
    return b.getI32Type();
  if (dtype == "i64")
    return b.getI64Type();
  return {};
}

void Importer::importInputs(const json &inputs, func::FuncOp fn) {
  Block &body = fn.getBody().front();
  SmallVector<Type> argTypes;
  SmallVector<DictionaryAttr> argAttrs;
  for (auto &[name, spec] : inputs.items()) {
    std::string at = ptr("/inputs", name);
    if (name.empty() || name.find(':') != std::string::npos)
      fail(at, "input name must be non-empty and must not contain ':'");
    if (!spec.is_object())
      fail(at, "must be an object with 'dtype' and 'shape'");
    for (auto &[key, value] : spec.items())
      if (key != "dtype" && key != "shape")
        fail(ptr(at, key), "unknown key '" + key + "'");
    if (!spec.contains("dtype") || !spec["dtype"].is_string())
      fail(ptr(at, "dtype"), "missing or not a string");
    std::string dtype = spec["dtype"];
    Type elem = dtypeType(ctx, dtype);
    if (!elem)
      fail(ptr(at, "dtype"), "unknown dtype '" + dtype +
                                 "' (expected f32, f16, bf16, i32 or i64)");
    if (!spec.contains("shape") || !spec["shape"].is_array())
      fail(ptr(at, "shape"), "missing or not an array");
    InputOrigin origin{at, {}};
    SmallVector<int64_t> shape;
    SmallVector<Attribute> dimAttrs;
    size_t i = 0;
    for (const json &d : spec["shape"]) {
      std::string dimAt = ptr(ptr(at, "shape"), i++);
      if (d.is_number_integer()) {
        if (d.get<int64_t>() < 1 || d.get<int64_t>() > (int64_t(1) << 40))
          fail(dimAt,
               "a dimension must be between 1 and 2^40, got " + d.dump());
        origin.dims.push_back({d.get<int64_t>(), ""});
      } else if (d.is_string() && !d.get<std::string>().empty()) {
        std::string sym = d;
        auto bound = bindings.find(sym);
        origin.dims.push_back(
            {bound == bindings.end() ? ShapedType::kDynamic : bound->second,
             bound == bindings.end() ? sym : ""});
      } else {
        fail(dimAt, "a dimension must be a positive integer or a symbol name");
      }
      shape.push_back(origin.dims.back().size);
      dimAttrs.push_back(
          origin.dims.back().symbol.empty()
              ? Attribute(builder.getI64IntegerAttr(shape.back()))
              : Attribute(builder.getStringAttr(d.get<std::string>())));
    }
    auto type = RankedTensorType::get(shape, elem);
    BlockArgument arg = body.addArgument(type, fn.getLoc());
    argTypes.push_back(type);
    argAttrs.push_back(builder.getDictionaryAttr(
        {builder.getNamedAttr("seq.name", builder.getStringAttr(name)),
         builder.getNamedAttr("seq.dims", builder.getArrayAttr(dimAttrs))}));
    Value value = arg;
    if (isa<Float16Type, BFloat16Type>(elem))
      value = arith::ExtFOp::create(
          builder, fn.getLoc(),
          RankedTensorType::get(shape, builder.getF32Type()), arg);
    inputValues[name] = value;
    origins[value] = std::move(origin);
  }
  fn.setFunctionType(builder.getFunctionType(argTypes, {}));
  fn.setAllArgAttrs(argAttrs);
}

/// Splits `n` / `n:k` into a node or input name and an output index.
static std::pair<std::string, int64_t> splitRef(const std::string &ref) {
  size_t colon = ref.rfind(':');
  if (colon == std::string::npos || colon + 1 == ref.size() ||
      ref.size() - colon > 10)
    return {ref, 0};
  for (char ch : ref.substr(colon + 1))
    if (ch < '0' || ch > '9')
      return {ref, 0};
  return {ref.substr(0, colon), std::stoll(ref.substr(colon + 1))};
}

std::vector<Node *> Importer::orderNodes(std::vector<Node> &nodes) {
  // Depth-first, dependencies before users, otherwise in the file's order;
  // an explicit stack, so that a long chain of nodes cannot overflow ours.
  llvm::DenseMap<Node *, std::vector<Node *>> deps;
  for (Node &n : nodes) {
    for (size_t j = 0; j < n.refs.size(); ++j) {
      if (n.refs[j].empty())
        continue;
      std::string name = splitRef(n.refs[j]).first;
      if (Node *dep = nodesByName.lookup(name))
        deps[&n].push_back(dep);
      else if (!inputValues.count(name))
        fail(ptr(ptr(n.pointer, "inputs"), j),
             "'" + n.refs[j] + "' names no model input or node");
    }
  }
  enum class Mark { None, Open, Done };
  llvm::DenseMap<Node *, Mark> mark;
  std::vector<Node *> order;
  for (Node &root : nodes) {
    if (mark[&root] != Mark::None)
      continue;
    std::vector<std::pair<Node *, size_t>> stack{{&root, 0}};
    mark[&root] = Mark::Open;
    while (!stack.empty()) {
      auto &[node, next] = stack.back();
      std::vector<Node *> &nodeDeps = deps[node];
      if (next == nodeDeps.size()) {
        mark[node] = Mark::Done;
        order.push_back(node);
        stack.pop_back();
        continue;
      }
      Node *dep = nodeDeps[next++];
      if (mark[dep] == Mark::Open)
        fail(dep->pointer, "node '" + dep->name + "' is part of a cycle");
      if (mark[dep] == Mark::None) {
        mark[dep] = Mark::Open;
        stack.push_back({dep, 0});
      }
    }
  }
  return order;
}

Value Importer::resolve(const std::string &ref, const std::string &where) {
  auto [name, index] = splitRef(ref);
  if (Node *node = nodesByName.lookup(name)) {
    if (index >= node->built->getNumResults())
      fail(where, "node '" + name + "' has " +
                      std::to_string(node->built->getNumResults()) +
                      " outputs; '" + ref + "' asks for output " +
                      std::to_string(index));
    return node->built->getResult(index);
  }
  if (Value v = inputValues.lookup(name)) {
    if (index != 0)
      fail(where, "model input '" + name + "' has one output");
    return v;
  }
  fail(where, "'" + ref + "' names no model input or node");
}

/// The JSON kind an attribute wants, for messages.
static const char *kindName(AttrKind kind) {
  switch (kind) {
  case AttrKind::Int:
    return "an integer";
  case AttrKind::Float:
    return "a number";
  case AttrKind::Bool:
    return "true or false";
  case AttrKind::String:
    return "a string";
  case AttrKind::FloatOrNull:
    return "a number or null";
  }
  return "";
}

static bool hasKind(const json &v, AttrKind kind) {
  switch (kind) {
  case AttrKind::Int:
    return v.is_number_integer() &&
           !(v.is_number_unsigned() && v.get<uint64_t>() > uint64_t(INT64_MAX));
  case AttrKind::Float:
    return v.is_number();
  case AttrKind::Bool:
    return v.is_boolean();
  case AttrKind::String:
    return v.is_string();
  case AttrKind::FloatOrNull:
    return v.is_number() || v.is_null();
  }
  return false;
}

NamedAttrList Importer::nodeAttrs(const Node &node, const OpSchema &schema,
                                  ArrayRef<RankedTensorType> inputTypes) {
  std::string at = ptr(node.pointer, "attrs");
  json given = json::object();
  if (node.body->contains("attrs")) {
    given = (*node.body)["attrs"];
    if (!given.is_object())
      fail(at, "must be an object");
  }
  for (auto &[key, value] : given.items())
    if (llvm::none_of(schema.attrs,
                      [&](const AttrSchema &a) { return key == a.name; }))
      fail(ptr(at, key),
           "unknown attribute '" + key + "' for op '" + node.op + "'");

  std::map<std::string, json> values;
  auto numberOf = [&](llvm::StringRef name) -> std::optional<double> {
    auto it = values.find(name.str());
    if (it == values.end() || !it->second.is_number())
      return std::nullopt;
    return it->second.get<double>();
  };
  for (const AttrSchema &a : schema.attrs) {
    std::string attrAt = ptr(at, a.name);
    json value;
    if (given.contains(a.name)) {
      value = given[a.name];
      if (!hasKind(value, a.kind))
        fail(attrAt, "attribute '" + std::string(a.name) + "' must be " +
                         kindName(a.kind));
    } else if (*a.defaultJson) {
      value = json::parse(a.defaultJson);
    } else if (a.derive) {
      std::optional<double> derived = a.derive(inputTypes, numberOf);
      if (!derived)
        fail(attrAt, "attribute '" + std::string(a.name) +
                         "' is required here: its default needs a static "
                         "input size");
      value =
          a.kind == AttrKind::Int ? json(int64_t(*derived)) : json(*derived);
    } else {
      fail(attrAt, "missing required attribute '" + std::string(a.name) +
                       "' of op '" + node.op + "'");
    }
    values[a.name] = value;
  }

  NamedAttrList attrs;
  for (const AttrSchema &a : schema.attrs) {
    const json &v = values[a.name];
    if (!a.inIR || v.is_null())
      continue;
    Attribute attr;
    switch (a.kind) {
    case AttrKind::Int:
      attr = builder.getI64IntegerAttr(v.get<int64_t>());
      break;
    case AttrKind::Float:
    case AttrKind::FloatOrNull:
      attr = builder.getF64FloatAttr(v.get<double>());
      break;
    case AttrKind::Bool:
      attr = builder.getBoolAttr(v.get<bool>());
      break;
    case AttrKind::String:
      attr = builder.getStringAttr(v.get<std::string>());
      break;
    }
    attrs.set(a.name, attr);
  }
  return attrs;
}

const seqc::SafeTensorsFile &Importer::weightsFile(const Node &node) {
  if (weights)
    return *weights;
  if (!weightsPath)
    fail(node.pointer, "op '" + node.op +
                           "' has weights, but the model names no 'weights' "
                           "file");
  seqc::TensorFileError err;
  weights = seqc::SafeTensorsFile::open(*weightsPath, err);
  if (!weights)
    throw ImportFailure{UserError{*weightsPath, err.where, err.what}};
  return *weights;
}

static std::string shapeOf(const std::vector<int64_t> &shape) {
  return seqc::shapeStr(SmallVector<int64_t>(shape.begin(), shape.end()));
}

SmallVector<Value> Importer::weightsFor(const Node &node,
                                        RegisteredOperationName op,
                                        ArrayRef<Value> inputs,
                                        DictionaryAttr attrs) {
  auto *iface = op.getInterface<seqc::WeightedOpInterface>();
  if (!iface)
    return {};
  FailureOr<seqc::WeightSpecs> specs;
  {
    DiagnosticCapture diag(&ctx);
    specs = iface->weightSpecs(NameLoc::get(builder.getStringAttr(node.name)),
                               inputs, attrs);
    if (failed(specs))
      fail(node.pointer, node.op + ": " + diag.message());
  }
  const seqc::SafeTensorsFile &file = weightsFile(node);
  SmallVector<const seqc::TensorInfo *> tensors;
  for (const seqc::WeightSpec &spec : *specs) {
    std::string name = node.name + "." + spec.name;
    const seqc::TensorInfo *t = file.find(name);
    if (!t)
      fail(node.pointer, "weight tensor '" + name + "' is missing from '" +
                             *weightsPath + "'");
    if (t->dtype != seqc::DType::F32 && t->dtype != seqc::DType::F16 &&
        t->dtype != seqc::DType::BF16)
      fail(node.pointer, "weight tensor '" + name + "' has dtype " +
                             seqc::dtypeName(t->dtype) +
                             "; weights must be f32, f16 or bf16");
    bool fits = t->shape.size() == spec.shape.size();
    for (size_t i = 0; fits && i < spec.shape.size(); ++i)
      fits =
          ShapedType::isDynamic(spec.shape[i]) || spec.shape[i] == t->shape[i];
    if (!fits)
      fail(node.pointer, "weight tensor '" + name + "' has shape " +
                             shapeOf(t->shape) + ", expected " +
                             seqc::shapeStr(spec.shape));
    tensors.push_back(t);
  }
  tieSymbols(node, op, inputs, attrs, *specs, tensors);

  SmallVector<Value> values;
  Location loc = NameLoc::get(builder.getStringAttr(node.name));
  for (auto [spec, t] : llvm::zip(*specs, tensors)) {
    Type elem = t->dtype == seqc::DType::F32   ? builder.getF32Type()
                : t->dtype == seqc::DType::F16 ? builder.getF16Type()
                                               : builder.getBF16Type();
    auto stored = RankedTensorType::get(
        SmallVector<int64_t>(t->shape.begin(), t->shape.end()), elem);
    Value w = seqc::seq::WeightOp::create(builder, loc, stored,
                                          builder.getStringAttr(t->name));
    if (!elem.isF32())
      w = arith::ExtFOp::create(builder, loc,
                                stored.clone(builder.getF32Type()), w);
    values.push_back(w);
  }
  return values;
}

/// A size no real dimension has, used to find which weight dimensions follow
/// a given input dimension.
static constexpr int64_t kProbeSize = 1000003;

void Importer::tieSymbols(const Node &node, RegisteredOperationName op,
                          ArrayRef<Value> inputs, DictionaryAttr attrs,
                          ArrayRef<seqc::WeightSpec> specs,
                          ArrayRef<const seqc::TensorInfo *> tensors) {
  auto *iface = op.getInterface<seqc::WeightedOpInterface>();
  for (size_t i = 0; i < inputs.size(); ++i) {
    auto origin = origins.find(inputs[i]);
    if (!inputs[i] || origin == origins.end())
      continue;
    auto type = cast<RankedTensorType>(inputs[i].getType());
    for (size_t axis = 0; axis < origin->second.dims.size(); ++axis) {
      const std::string &symbol = origin->second.dims[axis].symbol;
      if (symbol.empty())
        continue;
      // Ask the op for its weight shapes as if this dim had the probe size.
      SmallVector<int64_t> shape(type.getShape());
      shape[axis] = kProbeSize;
      Block scratch;
      SmallVector<Value> probe(inputs);
      probe[i] = scratch.addArgument(type.clone(shape), inputs[i].getLoc());
      DiagnosticCapture quiet(&ctx);
      auto probed = iface->weightSpecs(std::nullopt, probe, attrs);
      if (failed(probed) || probed->size() != specs.size())
        continue;
      for (size_t w = 0; w < specs.size(); ++w) {
        for (size_t d = 0; d < specs[w].shape.size(); ++d) {
          if ((*probed)[w].shape[d] != kProbeSize)
            continue;
          int64_t size = tensors[w]->shape[d];
          auto [it, inserted] = newBindings.emplace(symbol, size);
          if (inserted) {
            bindingSource[symbol] = tensors[w]->name;
          } else if (it->second != size) {
            fail(node.pointer, "conflicting sizes for symbolic dim '" + symbol +
                                   "': weight '" + tensors[w]->name +
                                   "' makes it " + std::to_string(size) +
                                   ", weight '" + bindingSource[symbol] +
                                   "' made it " + std::to_string(it->second));
          }
        }
      }
    }
  }
}

Operation *Importer::createOp(const Node &node, RegisteredOperationName op,
                              ArrayRef<Value> inputs, ArrayRef<Value> weights,
                              NamedAttrList attrs) {
  SmallVector<Value> operands;
  SmallVector<int32_t> segments;
  for (Value v : inputs) {
    segments.push_back(v ? 1 : 0);
    if (v)
      operands.push_back(v);
  }
  if (op.hasInterface<seqc::WeightedOpInterface>())
    segments.push_back(weights.size());
  llvm::append_range(operands, weights);
  if (op.hasTrait<OpTrait::AttrSizedOperandSegments>())
    attrs.set("operandSegmentSizes", builder.getDenseI32ArrayAttr(segments));
  DictionaryAttr props = attrs.getDictionary(&ctx);
  Location loc = NameLoc::get(builder.getStringAttr(node.name));

  // Infer result types through the op's own shape function, which needs
  // the attributes in the op's property storage.
  SmallVector<Type> resultTypes;
  {
    DiagnosticCapture diag(&ctx);
    bool hasProperties = op.getOpPropertyByteSize() > 0;
    std::vector<uint64_t> storage((op.getOpPropertyByteSize() + 7) / 8 + 1);
    OpaqueProperties properties(hasProperties ? storage.data() : nullptr);
    LogicalResult ok = success();
    if (hasProperties) {
      op.initOpProperties(properties, nullptr);
      ok = op.setOpPropertiesFromAttribute(op, properties, props,
                                           [&] { return emitError(loc); });
    }
    if (succeeded(ok))
      ok = op.getInterface<InferTypeOpInterface>()->inferReturnTypes(
          &ctx, loc, operands, builder.getDictionaryAttr({}), properties, {},
          resultTypes);
    if (hasProperties)
      op.destroyOpProperties(properties);
    if (failed(ok))
      fail(node.pointer, node.op + ": " + diag.message());
  }
  OperationState state(loc, op);
  state.addOperands(operands);
  state.addTypes(resultTypes);
  if (op.getOpPropertyByteSize() > 0)
    state.propertiesAttr = props;
  Operation *built = builder.create(state);
  DiagnosticCapture diag(&ctx);
  if (failed(verify(built)))
    fail(node.pointer, node.op + ": " + diag.message());
  return built;
}

void Importer::buildNode(Node &node) {
  const OpSchema *schema = seqc::frontend::lookupOpSchema(node.op);
  if (!schema)
    fail(ptr(node.pointer, "op"), "unknown op '" + node.op + "'");
  if (node.refs.size() > schema->inputs.size())
    fail(ptr(node.pointer, "inputs"),
         "op '" + node.op + "' takes at most " +
             std::to_string(schema->inputs.size()) + " inputs, got " +
             std::to_string(node.refs.size()));
  SmallVector<Value> inputs;
  SmallVector<RankedTensorType> inputTypes;
  for (size_t j = 0; j < schema->inputs.size(); ++j) {
    std::string at = ptr(ptr(node.pointer, "inputs"), j);
    bool given = j < node.refs.size() && !node.refs[j].empty();
    if (!given && j < schema->requiredInputs)
      fail(given || j < node.refs.size() ? at : ptr(node.pointer, "inputs"),
           "input '" + std::string(schema->inputs[j]) + "' of op '" + node.op +
               "' is required");
    Value v = given ? resolve(node.refs[j], at) : Value();
    inputs.push_back(v);
    inputTypes.push_back(v ? cast<RankedTensorType>(v.getType())
                           : RankedTensorType());
  }
  NamedAttrList attrs = nodeAttrs(node, *schema, inputTypes);
  auto op = RegisteredOperationName::lookup(schema->irName, &ctx);
  assert(op && "every schema names a registered op");
  SmallVector<Value> weights =
      weightsFor(node, *op, inputs, attrs.getDictionary(&ctx));
  node.built = createOp(node, *op, inputs, weights, attrs);
}

OwningOpRef<ModuleOp> Importer::run() {
  root = readJson();
  checkTopLevel(root);

  OwningOpRef<ModuleOp> module = ModuleOp::create(UnknownLoc::get(&ctx));
  std::string name = root.value("name", "");
  if (!name.empty())
    (*module)->setAttr("seq.model_name", builder.getStringAttr(name));
  if (options.weightsPath) {
    weightsPath = *options.weightsPath;
  } else if (root.contains("weights")) {
    llvm::SmallString<256> full(llvm::sys::path::parent_path(path));
    llvm::sys::path::append(full, root["weights"].get<std::string>());
    if (llvm::sys::path::is_absolute(root["weights"].get<std::string>()))
      full = root["weights"].get<std::string>();
    weightsPath = std::string(full);
  }
  if (weightsPath)
    (*module)->setAttr("seq.weights_file", builder.getStringAttr(*weightsPath));

  builder.setInsertionPointToEnd(module->getBody());
  auto fn = func::FuncOp::create(builder, module->getLoc(), "main",
                                 builder.getFunctionType({}, {}));
  builder.setInsertionPointToEnd(fn.addEntryBlock());
  importInputs(root["inputs"], fn);

  std::vector<Node> nodes;
  const json &list = root["nodes"];
  nodes.reserve(list.size());
  for (size_t i = 0; i < list.size(); ++i) {
    std::string at = ptr("/nodes", i);
    const json &n = list[i];
    if (!n.is_object())
      fail(at, "a node must be an object");
    for (auto &[key, value] : n.items())
      if (key != "name" && key != "op" && key != "inputs" && key != "attrs")
        fail(ptr(at, key), "unknown key '" + key + "'");
    if (!n.contains("name") || !n["name"].is_string() ||
        n["name"].get<std::string>().empty())
      fail(ptr(at, "name"), "a node needs a non-empty string 'name'");
    if (!n.contains("op") || !n["op"].is_string())
      fail(ptr(at, "op"), "a node needs a string 'op'");
    Node node{n["name"], n["op"], at, &n, {}};
    if (node.name.find(':') != std::string::npos)
      fail(ptr(at, "name"), "a node name must not contain ':'");
    if (n.contains("inputs")) {
      if (!n["inputs"].is_array())
        fail(ptr(at, "inputs"), "must be an array");
      for (size_t j = 0; j < n["inputs"].size(); ++j) {
        const json &ref = n["inputs"][j];
        if (!ref.is_null() &&
            (!ref.is_string() || ref.get<std::string>().empty()))
          fail(ptr(ptr(at, "inputs"), j),
               "an input is a node or model input name, or null");
        node.refs.push_back(ref.is_null() ? "" : ref.get<std::string>());
      }
    }
    nodes.push_back(std::move(node));
  }
  for (Node &n : nodes) {
    if (inputValues.count(n.name) ||
        !nodesByName.try_emplace(n.name, &n).second)
      fail(ptr(n.pointer, "name"), "duplicate name '" + n.name + "'");
  }
  std::vector<Node *> order = orderNodes(nodes);
  for (Node *n : order)
    buildNode(*n);

  const json &outputs = root["outputs"];
  if (outputs.empty())
    fail("/outputs", "a model needs at least one output");
  SmallVector<Value> results;
  SmallVector<Attribute> resultNames;
  for (auto &[outName, ref] : outputs.items()) {
    std::string at = ptr("/outputs", outName);
    if (!ref.is_string())
      fail(at, "an output names a node output, e.g. \"n\" or \"n:1\"");
    results.push_back(resolve(ref.get<std::string>(), at));
  }
  func::ReturnOp::create(builder, fn.getLoc(), results);
  fn.setFunctionType(builder.getFunctionType(
      fn.getBody().front().getArgumentTypes(), ValueRange(results).getTypes()));
  size_t r = 0;
  for (auto &[outName, ref] : outputs.items())
    fn.setResultAttr(r++, "seq.name", builder.getStringAttr(outName));
  return module;
}

} // namespace

OwningOpRef<ModuleOp> seqc::importModel(MLIRContext &ctx,
                                        const std::string &modelPath,
                                        const ImportOptions &options,
                                        UserError &error) {
  ctx.loadDialect<seq::SeqDialect, rgnn::RGNNDialect, arith::ArithDialect,
                  func::FuncDialect>();
  // A symbolic dim that weights fix to a size is imported again as that
  // size, so that every op downstream sees it.
  std::map<std::string, int64_t> bindings;
  for (int pass = 0;; ++pass) {
    Importer importer(ctx, modelPath, options, bindings);
    try {
      OwningOpRef<ModuleOp> module = importer.run();
      if (pass == 1 || importer.newBindings.empty())
        return module;
      bindings = importer.newBindings;
    } catch (const ImportFailure &f) {
      error = f.error;
      return nullptr;
    } catch (const std::exception &e) {
      error = UserError{modelPath, "", e.what()};
      return nullptr;
    }
  }
}
