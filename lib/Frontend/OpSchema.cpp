//===- OpSchema.cpp - The model format's op catalogue (SPEC §4) -----------===//
#include "OpSchema.h"
#include "dialects/rgnn/RGNNDialect.h"
#include "dialects/seq/SeqDialect.h"

#include <cmath>

using namespace seqc::frontend;
using mlir::RankedTensorType;

namespace {
using AttrFn = std::function<std::optional<double>(llvm::StringRef)>;

/// The static last dimension of input `i`, if any.
std::optional<double> lastDimOf(llvm::ArrayRef<RankedTensorType> in, size_t i) {
  if (i >= in.size() || !in[i] || in[i].getRank() == 0 ||
      mlir::ShapedType::isDynamic(in[i].getShape().back()))
    return std::nullopt;
  return double(in[i].getShape().back());
}

/// `factor` × the model dimension (last dim of input 0).
DeriveFn modelDimTimes(double factor) {
  return [factor](llvm::ArrayRef<RankedTensorType> in,
                  const AttrFn &) -> std::optional<double> {
    auto d = lastDimOf(in, 0);
    if (!d)
      return std::nullopt;
    return std::floor(*d * factor);
  };
}

/// gla_core: scale = K^-½ with K = width(q) / heads.
std::optional<double> glaScale(llvm::ArrayRef<RankedTensorType> in,
                               const AttrFn &attr) {
  auto hk = lastDimOf(in, 0);
  auto heads = attr("heads");
  if (!hk)
    return std::nullopt;
  // An invalid `heads` gets a placeholder: the op's verifier reports it.
  if (!heads || *heads < 1 || *hk < *heads)
    return 1.0;
  return 1.0 / std::sqrt(std::floor(*hk / *heads));
}

/// gated_attention: kv_heads = heads.
std::optional<double> sameAsHeads(llvm::ArrayRef<RankedTensorType>,
                                  const AttrFn &attr) {
  return attr("heads");
}

/// An enum's value from its name, in whichever dialect's namespace it is.
template <typename E> std::optional<E> symbolize(llvm::StringRef value) {
  if constexpr (std::is_same_v<E, seqc::rgnn::Aggregation> ||
                std::is_same_v<E, seqc::rgnn::Attention>)
    return seqc::rgnn::symbolizeEnum<E>(value);
  else
    return seqc::seq::symbolizeEnum<E>(value);
}

/// An attribute whose JSON string names a value of the enum `AttrT`.
template <typename AttrT>
AttrSchema enumAttr(const char *name, const char *defaultJson = "") {
  using E = decltype(std::declval<AttrT>().getValue());
  AttrSchema a{name, AttrKind::Enum, defaultJson};
  a.parseEnum = [](mlir::MLIRContext *ctx,
                   llvm::StringRef value) -> mlir::Attribute {
    if (std::optional<E> e = symbolize<E>(value))
      return AttrT::get(ctx, *e);
    return {};
  };
  a.enumNames = [] {
    // (seqc's enums number their cases 0, 1, ... without gaps.)
    std::string names;
    for (uint32_t i = 0;; ++i) {
      llvm::StringRef n = stringifyEnum(static_cast<E>(i));
      if (n.empty())
        return names;
      names += (i ? ", " : "") + n.str();
    }
  };
  return a;
}

const AttrSchema kSolver =
    enumAttr<seqc::seq::SolverRequestAttr>("solver", "\"auto\"");
const std::vector<AttrSchema> kNeuronReset{
    {"v_threshold", AttrKind::Float, "1.0"},
    {"v_reset", AttrKind::FloatOrNull, "0.0"}};
/// The parameters a neuron op takes per neuron, from weights of their names.
const AttrSchema kPerNeuron{"per_neuron", AttrKind::Names, "[]"};

std::vector<AttrSchema> concat(std::vector<AttrSchema> a,
                               const std::vector<AttrSchema> &b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

const std::vector<OpSchema> &schemas() {
  static const std::vector<OpSchema> table = {
      // §4.1 building blocks
      {"linear",
       "seq.linear",
       {"x"},
       1,
       {{"out", AttrKind::Int}, {"bias", AttrKind::Bool, "true"}}},
      {"embedding",
       "seq.embedding",
       {"ids"},
       1,
       {{"num", AttrKind::Int}, {"dim", AttrKind::Int}}},
      {"rms_norm",
       "seq.rms_norm",
       {"x"},
       1,
       {{"eps", AttrKind::Float, "1e-6"}}},
      {"layer_norm",
       "seq.layer_norm",
       {"x"},
       1,
       {{"eps", AttrKind::Float, "1e-5"}}},
      {"add", "seq.add", {"a", "b"}, 2, {}},
      {"mul", "seq.mul", {"a", "b"}, 2, {}},
      {"act", "seq.act", {"x"}, 1, {enumAttr<seqc::seq::ActKindAttr>("kind")}},
      {"glu_mlp", "seq.glu_mlp", {"x"}, 1, {{"hidden", AttrKind::Int}}},
      // §4.2 linear attention
      {"gla_core",
       "seq.gla_core",
       {"q", "k", "v", "g", "s0"},
       4,
       {{"heads", AttrKind::Int}, {"scale", AttrKind::Float, "", glaScale}}},
      {"gla",
       "seq.gla",
       {"x", "s0"},
       1,
       {{"heads", AttrKind::Int, "4"},
        {"key_dim", AttrKind::Int, "", modelDimTimes(0.5)},
        {"value_dim", AttrKind::Int, "", modelDimTimes(1.0)},
        {"gate_rank", AttrKind::Int, "16"},
        {"gate_norm", AttrKind::Float, "16"},
        {"eps", AttrKind::Float, "1e-5"}}},
      // §4.3 gated recurrences
      {"linear_recurrence", "seq.linear_recurrence", {"a", "b", "h0"}, 2, {}},
      {"causal_conv1d",
       "seq.causal_conv1d",
       {"x"},
       1,
       {{"kernel", AttrKind::Int},
        enumAttr<seqc::seq::ConvActivationAttr>("activation", "\"none\"")}},
      {"rnn",
       "seq.rnn",
       {"x", "h0", "c0"},
       1,
       {enumAttr<seqc::seq::RNNCellAttr>("cell"),
        {"hidden", AttrKind::Int},
        {"layers", AttrKind::Int, "1"},
        {"bias", AttrKind::Bool, "true"},
        {"bidirectional", AttrKind::Bool, "false"},
        kSolver}},
      {"para_gru",
       "seq.para_gru",
       {"x", "h0"},
       1,
       {{"hidden", AttrKind::Int}, kSolver}},
      {"para_lstm",
       "seq.para_lstm",
       {"x", "h0", "c0"},
       1,
       {{"hidden", AttrKind::Int}, kSolver}},
      {"pgn",
       "seq.pgn",
       {"x"},
       1,
       {{"hidden", AttrKind::Int}, {"window", AttrKind::Int}}},
      {"gam",
       "seq.gam",
       {"x"},
       1,
       {{"slots", AttrKind::Int, "512"}, {"kernel", AttrKind::Int, "3"}}},
      // §4.4 gated softmax attention
      {"gated_attention",
       "seq.gated_attention",
       {"x", "k_past", "v_past"},
       1,
       {{"heads", AttrKind::Int},
        {"kv_heads", AttrKind::Int, "", sameAsHeads},
        {"head_dim", AttrKind::Int},
        enumAttr<seqc::seq::AttentionGateAttr>("gate", "\"elementwise\""),
        {"rope_theta", AttrKind::FloatOrNull, "null"}}},
      // §4.5 spiking units
      {"lif",
       "seq.lif",
       {"x", "v0"},
       1,
       concat({{"tau", AttrKind::Float, "2.0"},
               {"decay_input", AttrKind::Bool, "true"},
               kPerNeuron},
              kNeuronReset)},
      // `tau` is ParametricLIFNode's initial value only: the weight `w`
      // holds the trained one.
      {"plif",
       "seq.plif",
       {"x", "v0"},
       1,
       concat({{"tau", AttrKind::Float, "2.0", nullptr, /*inIR=*/false},
               {"decay_input", AttrKind::Bool, "true"}},
              kNeuronReset)},
      {"if_neuron",
       "seq.if_neuron",
       {"x", "v0"},
       1,
       concat({kPerNeuron}, kNeuronReset)},
      {"cuba_lif",
       "seq.cuba_lif",
       {"x", "v0", "i0"},
       1,
       concat({{"tau_syn", AttrKind::Float, "2.0"},
               {"tau_mem", AttrKind::Float, "2.0"},
               {"r", AttrKind::Float, "1.0"},
               {"w_in", AttrKind::Float, "1.0"},
               {"v_leak", AttrKind::Float, "0.0"},
               kPerNeuron},
              kNeuronReset)},
      {"wkv", "seq.wkv", {"k", "v"}, 2, {}},
      {"spiking_rwkv",
       "seq.spiking_rwkv",
       {"x"},
       1,
       {{"ffn_hidden", AttrKind::Int, "", modelDimTimes(4.0)},
        {"first", AttrKind::Bool, "false"},
        {"tau", AttrKind::Float, "2.0"},
        {"v_threshold", AttrKind::Float, "1.0"}}},
      // §4.6 relational GNNs
      {"rgcn",
       "rgnn.rgcn",
       {"x", "edge_index", "edge_type"},
       3,
       {{"out", AttrKind::Int},
        {"relations", AttrKind::Int},
        enumAttr<seqc::rgnn::AggregationAttr>("aggr", "\"mean\""),
        {"root", AttrKind::Bool, "true"},
        {"bias", AttrKind::Bool, "true"}}},
      {"rgat",
       "rgnn.rgat",
       {"x", "edge_index", "edge_type"},
       3,
       {{"out", AttrKind::Int},
        {"heads", AttrKind::Int},
        {"relations", AttrKind::Int},
        {"negative_slope", AttrKind::Float, "0.2"},
        enumAttr<seqc::rgnn::AttentionAttr>("attention", "\"per_relation\""),
        {"concat", AttrKind::Bool, "true"},
        {"bias", AttrKind::Bool, "true"}}},
      {"hgt",
       "rgnn.hgt",
       {"x", "edge_index", "edge_type", "node_type"},
       4,
       {{"out", AttrKind::Int},
        {"heads", AttrKind::Int},
        {"relations", AttrKind::Int},
        {"node_types", AttrKind::Int}}},
  };
  return table;
}
} // namespace

const OpSchema *seqc::frontend::lookupOpSchema(llvm::StringRef name) {
  for (const OpSchema &s : schemas())
    if (name == s.name)
      return &s;
  return nullptr;
}
