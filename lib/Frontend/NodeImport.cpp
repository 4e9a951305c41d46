//===- NodeImport.cpp - One model node → one seq/rgnn op ------------------===//
//
// Ops are built generically from their registered names: the IR op's own
// shape function infers result types and reports shape errors, so the
// importer holds no per-op shape logic.
//
//===----------------------------------------------------------------------===//
#include "Importer.h"

#include "mlir/IR/Verifier.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"

using namespace seqc::frontend;

/// The JSON kind an attribute wants, for messages.
static const char *kindName(AttrKind kind) {
  switch (kind) {
  case AttrKind::Int:
    return "an integer";
  case AttrKind::Float:
    return "a number";
  case AttrKind::Bool:
    return "true or false";
  case AttrKind::Enum:
    return "a string";
  case AttrKind::FloatOrNull:
    return "a number or null";
  case AttrKind::Names:
    return "an array of strings";
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
  case AttrKind::Enum:
    return v.is_string();
  case AttrKind::FloatOrNull:
    return v.is_number() || v.is_null();
  case AttrKind::Names:
    return v.is_array() &&
           llvm::all_of(v, [](const json &e) { return e.is_string(); });
  }
  return false;
}

NamedAttrList Importer::nodeAttrs(const Node &node, const OpSchema &schema,
                                  ArrayRef<RankedTensorType> inputTypes) {
  std::string at = ptr(node.pointer, "attrs");
  static const json none = json::object();
  const json &given =
      node.body->contains("attrs") ? (*node.body)["attrs"] : none;
  if (!given.is_object())
    fail(at, "must be an object");
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
      const json &v = given[a.name];
      if (!hasKind(v, a.kind))
        fail(attrAt, "attribute '" + std::string(a.name) + "' must be " +
                         kindName(a.kind));
      value = v;
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

  // A parameter given per neuron comes from its weight: an attribute of
  // the same name would be ignored, so it is refused.
  if (values.count("per_neuron"))
    for (const json &name : values["per_neuron"])
      if (given.contains(name.get<std::string>()))
        fail(ptr(at, name.get<std::string>()),
             "attribute '" + name.get<std::string>() +
                 "' is listed in 'per_neuron': its values come from the "
                 "weight '" +
                 node.name + "." + name.get<std::string>() +
                 "', so it must not be given here");

  NamedAttrList attrs;
  for (const AttrSchema &a : schema.attrs) {
    const json &v = values[a.name];
    if (!a.inIR || v.is_null() || (v.is_array() && v.empty()))
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
    case AttrKind::Names: {
      auto names = v.get<std::vector<std::string>>();
      attr = builder.getStrArrayAttr(
          SmallVector<StringRef>(names.begin(), names.end()));
      break;
    }
    case AttrKind::Enum: {
      std::string name = v.get<std::string>();
      attr = a.parseEnum(builder.getContext(), name);
      if (!attr)
        fail(ptr(at, a.name), "attribute '" + std::string(a.name) +
                                  "' must be one of " + a.enumNames() +
                                  ", got '" + name + "'");
      break;
    }
    }
    attrs.set(a.name, attr);
  }
  return attrs;
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
      failNode(node, diag.message());
  }
  OperationState state(loc, op);
  state.addOperands(operands);
  state.addTypes(resultTypes);
  if (op.getOpPropertyByteSize() > 0)
    state.propertiesAttr = props;
  Operation *built = builder.create(state);
  DiagnosticCapture diag(&ctx);
  if (failed(verify(built)))
    failNode(node, diag.message());
  return built;
}

void Importer::buildNode(Node &node) {
  const OpSchema *schema = seqc::frontend::lookupOpSchema(node.op);
  if (!schema)
    fail(ptr(node.pointer, "op"), "unknown op '" + node.op + "'");
  if (node.refs.size() > schema->inputs.size())
    fail(ptr(node.pointer, "inputs"),
         "op '" + node.op + "' takes at most " +
             count(schema->inputs.size(), "input") + ", got " +
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

void Importer::failNode(const Node &node, const std::string &message) {
  std::string where = node.pointer;
  size_t at = message.find("attribute '");
  if (at != std::string::npos) {
    size_t begin = at + 11, end = message.find('\'', begin);
    std::string name = message.substr(begin, end - begin);
    const OpSchema *schema = lookupOpSchema(node.op);
    if (end != std::string::npos && schema &&
        llvm::any_of(schema->attrs,
                     [&](const AttrSchema &a) { return name == a.name; }))
      where = ptr(ptr(node.pointer, "attrs"), name);
  }
  fail(where, node.op + ": " + message);
}
