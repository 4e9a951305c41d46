//===- WeightImport.cpp - A node's weights from the safetensors file ------===//
#include "Importer.h"

#include "dialects/seq/SeqDialect.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "llvm/Support/FileSystem.h"

using namespace seqc::frontend;

const seqc::SafeTensorsFile &Importer::weightsFile(const Node &node) {
  if (!weights && !weightsPath)
    fail(node.pointer, "op '" + node.op +
                           "' has weights, but the model names no 'weights' "
                           "file");
  return openWeights();
}

const seqc::SafeTensorsFile &Importer::openWeights() {
  if (weights)
    return *weights;
  seqc::TensorFileError err;
  weights = seqc::SafeTensorsFile::open(*weightsPath, err);
  if (!weights)
    throw ImportFailure{UserError{*weightsPath, err.where, err.what}};
  return *weights;
}

std::string seqc::frontend::shapeOf(const std::vector<int64_t> &shape) {
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
      failNode(node, diag.message());
  }
  if (specs->empty())
    return {};
  const seqc::SafeTensorsFile &file = weightsFile(node);
  SmallVector<const seqc::TensorInfo *> tensors;
  for (const seqc::WeightSpec &spec : *specs) {
    std::string name = node.name + "." + spec.name;
    const seqc::TensorInfo *t = file.find(name);
    if (!t)
      fail(node.pointer, "weight tensor '" + name + "' is missing from '" +
                             *weightsPath + "'");
    usedWeights.insert(name);
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

void Importer::checkUnusedWeights() {
  // A named file no node needed may be absent (SPEC §2: optional then).
  if (!weightsPath || (!weights && !llvm::sys::fs::exists(*weightsPath)))
    return;
  for (const seqc::TensorInfo &t : openWeights().tensors()) {
    if (usedWeights.count(t.name))
      continue;
    // The node whose name, with a dot, begins the tensor's (the longest).
    const Node *owner = nullptr;
    llvm::StringRef prefix(t.name);
    while (!owner && prefix.contains('.')) {
      prefix = prefix.rsplit('.').first;
      owner = nodesByName.lookup(prefix);
    }
    if (owner)
      fail(owner->pointer,
           "weight tensor '" + t.name + "' is not used by op '" + owner->op +
               "' with these attributes: it belongs to an option seqc does "
               "not implement, and running without it would be wrong");
  }
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
