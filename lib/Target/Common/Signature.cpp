//===- Signature.cpp - The compiled module's machine-readable signature ---===//
//
// The runtime reads this JSON from the module's `<prefix>_signature` symbol;
// runtime/include/seqc/Runtime/seqc_module_abi.h describes its fields. The
// inputs, weights and outputs come from the imported (seq-level) module; the
// run-time checks and state buffers from the lowering; each target adds its
// own facts (lib/Target/CPU: the CPU).
//
//===----------------------------------------------------------------------===//
#include "seqc/Target/Signature.h"
#include "dialects/seq/SeqDialect.h"
#include "seqc/Runtime/seqc_module_abi.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/ADT/TypeSwitch.h"
#include "llvm/Support/FileSystem.h"

#include <nlohmann/json.hpp>

using namespace mlir;
using json = nlohmann::ordered_json;

static std::string dtypeOf(Type t) {
  Type e = cast<ShapedType>(t).getElementType();
  if (e.isF32())
    return "f32";
  if (e.isF16())
    return "f16";
  if (e.isBF16())
    return "bf16";
  if (e.isInteger(32))
    return "i32";
  return "i64";
}

static json dimsOf(Type t) {
  json dims = json::array();
  for (int64_t d : cast<ShapedType>(t).getShape())
    dims.push_back(ShapedType::isDynamic(d) ? int64_t(-1) : d);
  return dims;
}

static std::string str(Attribute a) {
  auto s = dyn_cast_or_null<StringAttr>(a);
  return s ? s.str() : "";
}

/// The (state input, state result) pairs of `op` whose CPU kernels read
/// each element of the input before they write that element of the
/// result, and only in the task that writes it: the GLA kernels
/// (lib/Codegen/CPU/Kernels/GLACore.cpp, every form), the scans and the
/// neurons (Scan.cpp, Spiking.cpp: per lane block, the state in registers
/// from the first step to the last), and rnn, whose time loop starts from
/// a copy of its h0 (and c0) row and whose final states are copied into
/// h_n (c_n) row by row after it (RNNScan.cpp, Lowering/RNN.cpp).
static SmallVector<std::pair<Value, Value>> statePairs(Operation *op) {
  using namespace seqc::seq;
  using Pairs = SmallVector<std::pair<Value, Value>>;
  return llvm::TypeSwitch<Operation *, Pairs>(op)
      .Case<GLACoreOp, GLAOp>([](auto o) {
        return Pairs{{o.getS0(), o.getS()}};
      })
      .Case<LinearRecurrenceOp>([](auto o) {
        return Pairs{{o.getH0(), o.getHLast()}};
      })
      .Case<LIFOp, PLIFOp, IFNeuronOp>([](auto o) {
        return Pairs{{o.getV0(), o.getV()}};
      })
      .Case<CubaLIFOp>([](auto o) {
        return Pairs{{o.getV0(), o.getV()}, {o.getI0(), o.getI()}};
      })
      .Case<RNNOp>([](auto o) {
        return Pairs{{o.getH0(), o.getHN()}, {o.getC0(), o.getCN()}};
      })
      .Default([](Operation *) { return Pairs{}; });
}

/// The outputs whose buffer may be an input's (seqc_module_run_into): a
/// state result of statePairs and its input, when that input is a model
/// input only its op reads and the state a model output once, of the same
/// type. One buffer then carries a decode's state from call to call.
static json inPlacePairs(func::FuncOp main) {
  json pairs = json::array();
  auto ret = cast<func::ReturnOp>(main.getBody().front().getTerminator());
  main.walk([&](Operation *op) {
    for (auto [input, state] : statePairs(op)) {
      auto arg = dyn_cast_or_null<BlockArgument>(input);
      if (!arg || !state || arg.getOwner()->getParentOp() != main ||
          !arg.hasOneUse() || !state.hasOneUse() ||
          state.getType() != arg.getType())
        continue;
      for (OpOperand &use : state.getUses())
        if (use.getOwner() == ret)
          pairs.push_back(
              {{"output",
                str(main.getResultAttr(use.getOperandNumber(), "seq.name"))},
               {"input",
                str(main.getArgAttr(arg.getArgNumber(), "seq.name"))}});
    }
  });
  return pairs;
}

std::string seqc::moduleSignature(ModuleOp module) {
  // The weights file as an absolute path: the module may be run from
  // anywhere.
  llvm::SmallString<256> weightsFile(str(module->getAttr("seq.weights_file")));
  if (!weightsFile.empty())
    llvm::sys::fs::make_absolute(weightsFile);
  json sig = {{"abi", moduleABIVersion()},
              {"name", str(module->getAttr("seq.model_name"))},
              {"weights_file", std::string(weightsFile)}};
  auto main = module.lookupSymbol<func::FuncOp>("main");
  json inputs = json::array(), weights = json::array(), outputs = json::array(),
       ranges = json::array();
  for (BlockArgument arg : main.getArguments()) {
    json dims = json::array();
    auto declared =
        main.getArgAttrOfType<ArrayAttr>(arg.getArgNumber(), "seq.dims");
    for (Attribute d : declared ? declared.getValue() : ArrayRef<Attribute>{})
      if (auto i = dyn_cast<IntegerAttr>(d))
        dims.push_back(i.getInt());
      else
        dims.push_back(str(d));
    inputs.push_back(
        {{"name", str(main.getArgAttr(arg.getArgNumber(), "seq.name"))},
         {"dtype", dtypeOf(arg.getType())},
         {"dims", dims}});
  }
  llvm::StringSet<> seen;
  main.walk([&](seq::WeightOp w) {
    if (seen.insert(w.getTensorName()).second)
      weights.push_back({{"name", w.getTensorName().str()},
                         {"dtype", dtypeOf(w.getType())},
                         {"shape", dimsOf(w.getType())}});
  });
  main.walk([&](seq::EmbeddingOp e) {
    if (auto arg = dyn_cast<BlockArgument>(e.getIds()))
      ranges.push_back(
          {{"input", str(main.getArgAttr(arg.getArgNumber(), "seq.name"))},
           {"num", int64_t(e.getNum())}});
  });
  for (unsigned i = 0; i < main.getNumResults(); ++i)
    outputs.push_back({{"name", str(main.getResultAttr(i, "seq.name"))},
                       {"dtype", dtypeOf(main.getResultTypes()[i])},
                       {"dims", dimsOf(main.getResultTypes()[i])}});
  sig["inputs"] = inputs;
  sig["weights"] = weights;
  sig["outputs"] = outputs;
  sig["id_ranges"] = ranges;
  sig["in_place"] = inPlacePairs(main);
  sig["checks"] = json::array();
  return sig.dump();
}

int seqc::moduleABIVersion() { return SEQC_MODULE_ABI_VERSION; }

std::string seqc::withLoweringFacts(const std::string &signature,
                                    ModuleOp module) {
  json sig = json::parse(signature);
  if (auto messages = module->getAttrOfType<ArrayAttr>("seq.check_messages"))
    for (Attribute m : messages)
      sig["checks"].push_back(str(m));
  json state = json::array();
  if (auto entries = module->getAttrOfType<ArrayAttr>("seq.state"))
    for (auto entry : entries.getAsRange<DictionaryAttr>()) {
      Type type = cast<TypeAttr>(entry.get("type")).getValue();
      state.push_back({{"name", str(entry.get("seq.state"))},
                       {"dtype", dtypeOf(type)},
                       {"shape", dimsOf(type)}});
    }
  sig["state"] = state;
  if (auto inputs =
          module->getAttrOfType<ArrayAttr>("seq.kernel_only_inputs")) {
    json names = json::array();
    for (Attribute name : inputs)
      names.push_back(str(name));
    sig["kernel_only_inputs"] = names;
  }
  return sig.dump();
}
