// Attributes of the `seq` dialect: the target a module is compiled for and
// the lowering decisions the strategy passes record on ops. Each is typed
// and verified, so a decision is made once and read the same way by every
// target's lowering.
#ifndef SEQC_SEQ_ATTRS
#define SEQC_SEQ_ATTRS

include "dialects/seq/SeqDialect.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/EnumAttr.td"

//===----------------------------------------------------------------------===//
// Enums
//===----------------------------------------------------------------------===//

def Seq_TargetKind : I32EnumAttr<"TargetKind", "the kind of a target", [
    I32EnumAttrCase<"cpu", 0>, I32EnumAttrCase<"cuda", 1>]> {
  let cppNamespace = "::seqc::seq";
  let genSpecializedAttr = 0;
}

def Seq_ScanMethod : I32EnumAttr<"ScanMethod",
    "how a linear recurrence runs over time", [
    I32EnumAttrCase<"sequential", 0>, I32EnumAttrCase<"chunked", 1>]> {
  let cppNamespace = "::seqc::seq";
  let genSpecializedAttr = 0;
}

def Seq_SolverMethod : I32EnumAttr<"SolverMethod",
    "how a nonlinear recurrence is solved", [
    I32EnumAttrCase<"sequential", 0>, I32EnumAttrCase<"newton", 1>]> {
  let cppNamespace = "::seqc::seq";
  let genSpecializedAttr = 0;
}

def Seq_NewtonCap : I32EnumAttr<"NewtonCap",
    "what Newton does when it reaches its iteration cap", [
    I32EnumAttrCase<"error", 0>, I32EnumAttrCase<"sequential", 1>]> {
  let cppNamespace = "::seqc::seq";
  let genSpecializedAttr = 0;
}

def Seq_GLAMethod : I32EnumAttr<"GLAMethod",
    "how gated linear attention runs over time", [
    I32EnumAttrCase<"recurrent", 0>, I32EnumAttrCase<"chunked", 1>]> {
  let cppNamespace = "::seqc::seq";
  let genSpecializedAttr = 0;
}

def Seq_HeadLayout : I32EnumAttr<"HeadLayout",
    "rows of a per-head tensor: [B, T, H, D] in place or [B, H, T, D] copied", [
    I32EnumAttrCase<"bthd", 0>, I32EnumAttrCase<"bhtd", 1>]> {
  let cppNamespace = "::seqc::seq";
  let genSpecializedAttr = 0;
}

def Seq_StateLayout : I32EnumAttr<"StateLayout",
    "a GLA head's state while it runs: [K, V] or [V, K]", [
    I32EnumAttrCase<"kv", 0>, I32EnumAttrCase<"vk", 1>]> {
  let cppNamespace = "::seqc::seq";
  let genSpecializedAttr = 0;
}

//===----------------------------------------------------------------------===//
// Op enums: the values a model chooses (SPEC §4), as `#seq<act_kind silu>`
//===----------------------------------------------------------------------===//

class Seq_Enum<string name, string summary, list<I32EnumAttrCase> cases>
    : I32EnumAttr<name, summary, cases> {
  let cppNamespace = "::seqc::seq";
  let genSpecializedAttr = 0;
}

def Seq_ActKind : Seq_Enum<"ActKind", "an activation function", [
    I32EnumAttrCase<"silu", 0>, I32EnumAttrCase<"sigmoid", 1>,
    I32EnumAttrCase<"tanh", 2>, I32EnumAttrCase<"relu", 3>,
    I32EnumAttrCase<"gelu", 4>, I32EnumAttrCase<"gelu_tanh", 5>,
    I32EnumAttrCase<"softplus", 6>]>;
def Seq_ActKindAttr : EnumAttr<Seq_Dialect, Seq_ActKind, "act_kind">;

def Seq_ConvActivation : Seq_Enum<"ConvActivation",
    "the activation after a causal convolution", [
    I32EnumAttrCase<"none", 0>, I32EnumAttrCase<"silu", 1>]>;
def Seq_ConvActivationAttr
    : EnumAttr<Seq_Dialect, Seq_ConvActivation, "conv_activation">;

def Seq_RNNCell : Seq_Enum<"RNNCell", "the cell of seq.rnn", [
    I32EnumAttrCase<"gru", 0>, I32EnumAttrCase<"lstm", 1>,
    I32EnumAttrCase<"rnn_tanh", 2>, I32EnumAttrCase<"rnn_relu", 3>]>;
def Seq_RNNCellAttr : EnumAttr<Seq_Dialect, Seq_RNNCell, "rnn_cell">;

def Seq_SolverRequest : Seq_Enum<"SolverRequest",
    "the solver a model asks for (auto: seq-select-scan chooses)", [
    I32EnumAttrCase<"automatic", 0, "auto">,
    I32EnumAttrCase<"sequential", 1>, I32EnumAttrCase<"newton", 2>]>;
def Seq_SolverRequestAttr
    : EnumAttr<Seq_Dialect, Seq_SolverRequest, "solver_request">;

def Seq_AttentionGate : Seq_Enum<"AttentionGate",
    "the output gate of seq.gated_attention", [
    I32EnumAttrCase<"elementwise", 0>, I32EnumAttrCase<"headwise", 1>]>;
def Seq_AttentionGateAttr
    : EnumAttr<Seq_Dialect, Seq_AttentionGate, "attention_gate">;

//===----------------------------------------------------------------------===//
// Attributes
//===----------------------------------------------------------------------===//

/// An attribute `#seq.mnemonic<param = value, ...>`; `verified` ones check
/// their parameters together (SeqAttrs.cpp), the others are enums only.
class Seq_Attr<string name, string mnemonic_, bit verified = 1>
    : AttrDef<Seq_Dialect, name> {
  let mnemonic = mnemonic_;
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = verified;
}

def Seq_TargetAttr : Seq_Attr<"Target", "target"> {
  let summary = "the machine a module is compiled for";
  let description = [{
    Set on the module as `seq.target` by `seqc compile` (from `--target`,
    `--threads`, `--cpu` and the host) or by `seq-set-target`. The strategy
    passes read it through `TargetInfo`; nothing else decides from the host.

    A CPU: `threads` (workers a run uses, 1 to 1024), `vector_bits` (the
    widest vector registers: 128, 256 or 512), `vector_registers`, and the
    data cache sizes in bytes (`l1_bytes`, `l2_bytes`, `l3_bytes`; 0 when
    unknown); for `--precision=bf16` products, `bf16_tiles` when it has bf16
    tile products with f32 accumulation (AMX-BF16's `tdpbf16ps`) and
    `bf16_dot` when it has bf16 pair dot products (AVX512_BF16's
    `vdpbf16ps`).
    A CUDA GPU: `arch` (`sm_NN`), `shared_memory_bytes` per block and
    `warps` per block (1 to 32).
    ```
    #seq.target<kind = cpu, threads = 2, vector_bits = 256, vector_registers = 16, l1_bytes = 32768>
    #seq.target<kind = cuda, arch = "sm_90", shared_memory_bytes = 232448, warps = 4>
    ```
  }];
  let parameters = (ins EnumParameter<Seq_TargetKind>:$kind,
      DefaultValuedParameter<"int64_t", "0">:$threads,
      DefaultValuedParameter<"int64_t", "0">:$vector_bits,
      DefaultValuedParameter<"int64_t", "0">:$vector_registers,
      DefaultValuedParameter<"int64_t", "0">:$l1_bytes,
      DefaultValuedParameter<"int64_t", "0">:$l2_bytes,
      DefaultValuedParameter<"int64_t", "0">:$l3_bytes,
      StringRefParameter<"CUDA arch", "\"\"">:$arch,
      DefaultValuedParameter<"int64_t", "0">:$shared_memory_bytes,
      DefaultValuedParameter<"int64_t", "0">:$warps,
      DefaultValuedParameter<"bool", "false">:$bf16_dot,
      DefaultValuedParameter<"bool", "false">:$bf16_tiles);
}

def Seq_ScanAttr : Seq_Attr<"Scan", "scan"> {
  let summary = "the form of a linear recurrence over time";
  let description = [{
    `seq-select-scan`'s choice, as `seq.scan` on `seq.linear_recurrence`
    and on a Newton-solved `seq.para_gru`/`seq.para_lstm` (its linear
    steps): `sequential`, or `chunked` with `chunk` (≥ 1) steps per chunk.
    ```
    #seq.scan<method = sequential>
    #seq.scan<method = chunked, chunk = 256>
    ```
  }];
  let parameters = (ins EnumParameter<Seq_ScanMethod>:$method,
      DefaultValuedParameter<"int64_t", "0">:$chunk);
}

def Seq_SolverAttr : Seq_Attr<"Solver", "solver"> {
  let summary = "how seq.para_gru / seq.para_lstm is solved";
  let description = [{
    `seq-select-scan`'s choice, as `seq.solver`: `sequential`, or `newton`
    with `max_iterations` (≥ 1), `tolerance` (> 0, f64) and `on_cap`
    (`error` when the model asked for Newton, `sequential` when the pass
    chose it).
    ```
    #seq.solver<method = newton, max_iterations = 32, tolerance = 2.0e-06 : f64, on_cap = error>
    ```
  }];
  let parameters = (ins EnumParameter<Seq_SolverMethod>:$method,
      DefaultValuedParameter<"int64_t", "0">:$max_iterations,
      OptionalParameter<"::mlir::FloatAttr">:$tolerance,
      DefaultValuedParameter<"::seqc::seq::NewtonCap",
                             "::seqc::seq::NewtonCap::error">:$on_cap);
}

def Seq_GLAFormAttr : Seq_Attr<"GLAForm", "gla_form"> {
  let summary = "the form of seq.gla_core / seq.gla over time";
  let description = [{
    `seq-chunk-gla`'s choice, as `seq.gla_form`: `recurrent`, or `chunked`
    with `chunk` steps per chunk and `subchunk` steps per sub-chunk (both
    ≥ 1, `subchunk` dividing `chunk`).
    ```
    #seq.gla_form<method = chunked, chunk = 64, subchunk = 16>
    ```
  }];
  let parameters = (ins EnumParameter<Seq_GLAMethod>:$method,
      DefaultValuedParameter<"int64_t", "0">:$chunk,
      DefaultValuedParameter<"int64_t", "0">:$subchunk);
}

def Seq_GLALayoutAttr : Seq_Attr<"GLALayout", "gla_layout", 0> {
  let summary = "the layouts seq.gla_core / seq.gla read and carry";
  let description = [{
    `seq-select-layout`'s choice, as `seq.layout`: q, k and the decays read
    in place (`bthd`) or copied per head (`bhtd`), and the state carried as
    [K, V] (`kv`) or [V, K] (`vk`).
    ```
    #seq.gla_layout<keys = bhtd, state = vk>
    ```
  }];
  let parameters = (ins EnumParameter<Seq_HeadLayout>:$keys,
      EnumParameter<Seq_StateLayout>:$state);
}

def Seq_AttentionLayoutAttr : Seq_Attr<"AttentionLayout", "attention_layout", 0> {
  let summary = "the layout seq.gated_attention reads values in";
  let description = [{
    `seq-select-layout`'s choice, as `seq.layout`: V read in place from
    the fused projection (`bthd`) or copied per kv head (`bhtd`). Queries
    and keys are always copied per head (RoPE and the scale are applied on
    the copy).
    ```
    #seq.attention_layout<values = bhtd>
    ```
  }];
  let parameters = (ins EnumParameter<Seq_HeadLayout>:$values);
}

#endif // SEQC_SEQ_ATTRS
