// Ops of the `seq` dialect (SPEC §4.1-4.5). Each description states the math.
#ifndef SEQC_SEQ_OPS
#define SEQC_SEQ_OPS

include "dialects/seq/SeqDialect.td"
include "dialects/seq/SeqAttrs.td"

//===----------------------------------------------------------------------===//
// Weights
//===----------------------------------------------------------------------===//

def Seq_WeightOp : Op<Seq_Dialect, "weight", [Pure]> {
  let summary = "a tensor of the model's safetensors file, by name";
  let description = [{
    `%w = seq.weight "l0.q_proj.weight" : tensor<128x256xf32>` stands for the
    named tensor of the weights file recorded on the module
    (`seq.weights_file`). The data is not in the IR: it is mapped at run
    time. The result type is the stored dtype (f32, f16 or bf16); the
    importer widens f16/bf16 to f32 with `arith.extf`.
  }];
  let arguments = (ins StrAttr:$tensor_name);
  let results = (outs RankedTensorOf<[F32, F16, BF16]>:$result);
  let assemblyFormat = "$tensor_name attr-dict `:` type($result)";
}

//===----------------------------------------------------------------------===//
// Building blocks (SPEC §4.1)
//===----------------------------------------------------------------------===//

def Seq_LinearOp : Seq_WeightedOp<"linear"> {
  let summary = "y = x Wᵀ + b";
  let description = [{
    `x[..., in] → y[..., out]`. Weights `weight[out, in]`, and `bias[out]`
    when `bias` is true (PyTorch `nn.Linear` layout). `spike_input` (set by
    `seq-mark-spike-inputs`) says x holds only spikes (0 or 1): the CPU
    lowering then also emits an accumulate-only form, taken when the spikes
    measured at run time are sparse.
  }];
  let arguments = (ins Seq_F32Tensor:$x, I64Attr:$out, BoolAttr:$bias,
                   UnitAttr:$spike_input, Variadic<Seq_F32Tensor>:$weights);
  let results = (outs Seq_F32Tensor:$y);
  let assemblyFormat = [{
    $x (`weights` `(` $weights^ `)`)? attr-dict `:` functional-type(operands, results)
  }];
}

def Seq_EmbeddingOp : Seq_WeightedOp<"embedding"> {
  let summary = "row lookup";
  let description = [{
    `ids[...] (i32/i64) → y[..., dim]`, `y[i] = weight[ids[i]]`. Weight
    `weight[num, dim]`. An id outside `[0, num)` is a run-time error, never
    an access out of bounds.
  }];
  let arguments = (ins Seq_IdTensor:$ids, I64Attr:$num, I64Attr:$dim,
                   Variadic<Seq_F32Tensor>:$weights);
  let results = (outs Seq_F32Tensor:$y);
  let assemblyFormat = [{
    $ids (`weights` `(` $weights^ `)`)? attr-dict `:` functional-type(operands, results)
  }];
}

def Seq_RMSNormOp : Seq_WeightedOp<"rms_norm"> {
  let summary = "y = x / sqrt(mean(x²) + eps) ⊙ w over the last dim";
  let description = [{ Weight `weight[D]`, D the last dim of x. }];
  let arguments = (ins Seq_F32Tensor:$x, F64Attr:$eps, Variadic<Seq_F32Tensor>:$weights);
  let results = (outs Seq_F32Tensor:$y);
  let assemblyFormat = [{
    $x (`weights` `(` $weights^ `)`)? attr-dict `:` functional-type(operands, results)
  }];
}

def Seq_LayerNormOp : Seq_WeightedOp<"layer_norm"> {
  let summary = "layer normalization over the last dim (biased variance)";
  let description = [{
    `y = (x − mean(x)) / sqrt(var(x) + eps) ⊙ weight + bias`, over the last
    dim D. Weights `weight[D]`, `bias[D]`.
  }];
  let arguments = (ins Seq_F32Tensor:$x, F64Attr:$eps, Variadic<Seq_F32Tensor>:$weights);
  let results = (outs Seq_F32Tensor:$y);
  let assemblyFormat = [{
    $x (`weights` `(` $weights^ `)`)? attr-dict `:` functional-type(operands, results)
  }];
}

class Seq_BinaryOp<string mnemonic, string math> : Seq_Op<mnemonic> {
  let summary = math # ", elementwise with NumPy broadcasting";
  let description = [{
    The result shape is the NumPy broadcast of the operand shapes; two static
    sizes that differ and are not 1 are an error.
  }];
  let arguments = (ins Seq_F32Tensor:$a, Seq_F32Tensor:$b);
  let results = (outs Seq_F32Tensor:$y);
  let assemblyFormat = "$a `,` $b attr-dict `:` functional-type(operands, results)";
}
def Seq_AddOp : Seq_BinaryOp<"add", "y = a + b">;
def Seq_MulOp : Seq_BinaryOp<"mul", "y = a ⊙ b">;

def Seq_ActOp : Seq_Op<"act"> {
  let summary = "elementwise activation";
  let description = [{
    `kind`: silu `x σ(x)`, sigmoid `σ(x)`, tanh, relu `max(x, 0)`, gelu
    `x Φ(x)` (erf form), gelu_tanh `0.5x(1 + tanh(√(2/π)(x + 0.044715x³)))`,
    softplus `log(1 + eˣ)`.
  }];
  let arguments = (ins Seq_F32Tensor:$x, Seq_ActKindAttr:$kind);
  let results = (outs Seq_F32Tensor:$y);
  let assemblyFormat = "$x attr-dict `:` functional-type(operands, results)";
}

def Seq_GLUMLPOp : Seq_WeightedOp<"glu_mlp"> {
  let summary = "y = down(silu(gate(x)) ⊙ up(x))";
  let description = [{
    `x[..., d] → y[..., d]`. Weights `gate_proj.weight[h, d]`,
    `up_proj.weight[h, d]`, `down_proj.weight[d, h]`, h = `hidden`.
  }];
  let arguments = (ins Seq_F32Tensor:$x, I64Attr:$hidden, Variadic<Seq_F32Tensor>:$weights);
  let results = (outs Seq_F32Tensor:$y);
  let assemblyFormat = [{
    $x (`weights` `(` $weights^ `)`)? attr-dict `:` functional-type(operands, results)
  }];
}

//===----------------------------------------------------------------------===//
// Linear attention (SPEC §4.2)
//===----------------------------------------------------------------------===//

def Seq_GLACoreOp : Seq_Op<"gla_core"> {
  let summary = "gated linear attention recurrence, per head";
  let description = [{
    `q[B,T,H·K]`, `k[B,T,H·K]`, `v[B,T,H·V]`, `g[B,T,H·K]` (log-space decay,
    ≤ 0), optional `s0[B,H,K,V]` → `o[B,T,H·V]`, `s[B,H,K,V]`:
    `S_0 = s0 or 0; S_t = diag(exp(g_t)) S_{t−1} + k_tᵀ v_t;
    o_t = (scale · q_t) S_t`, per head (fla `naive_recurrent_gla`).
  }];
  let arguments = (ins Seq_F32Tensor:$q, Seq_F32Tensor:$k, Seq_F32Tensor:$v, Seq_F32Tensor:$g,
                   Optional<Seq_F32Tensor>:$s0, I64Attr:$heads, F64Attr:$scale);
  let results = (outs Seq_F32Tensor:$o, Seq_F32Tensor:$s);
  let assemblyFormat = [{
    $q `,` $k `,` $v `,` $g (`init` `(` $s0^ `)`)? attr-dict `:` functional-type(operands, results)
  }];
}

def Seq_GLAOp : Seq_WeightedOp<"gla", [AttrSizedOperandSegments]> {
  let summary = "the GLA layer (fla GatedLinearAttention)";
  let description = [{
    `x[B,T,d]`, optional `s0[B,H,K,V]` → `y[B,T,d]`, final state, with
    `K = key_dim/heads`, `V = value_dim/heads`:
    ```
    q, k, v = x Wqᵀ, x Wkᵀ, x Wvᵀ
    g       = logsigmoid((x W0ᵀ) W1ᵀ + b1) / gate_norm
    o, s    = gla_core(q, k, v, g, s0, scale = K^-½)
    o_h     = rms_norm(o_h, eps) ⊙ w_norm      (each head over V)
    y       = (o ⊙ silu(x Wgᵀ)) Woᵀ
    ```
    Weights, in order: `q_proj.weight[key_dim,d]`, `k_proj.weight[key_dim,d]`,
    `v_proj.weight[value_dim,d]`, `g_proj.weight[value_dim,d]`,
    `gk_proj.0.weight[gate_rank,d]`, `gk_proj.1.weight[key_dim,gate_rank]`,
    `gk_proj.1.bias[key_dim]`, `g_norm_swish_gate.weight[V]`,
    `o_proj.weight[d,value_dim]`.
  }];
  let arguments = (ins Seq_F32Tensor:$x, Optional<Seq_F32Tensor>:$s0, I64Attr:$heads,
                   I64Attr:$key_dim, I64Attr:$value_dim, I64Attr:$gate_rank,
                   F64Attr:$gate_norm, F64Attr:$eps,
                   Variadic<Seq_F32Tensor>:$weights);
  let results = (outs Seq_F32Tensor:$y, Seq_F32Tensor:$s);
  let assemblyFormat = [{
    $x (`init` `(` $s0^ `)`)? (`weights` `(` $weights^ `)`)? attr-dict `:` functional-type(operands, results)
  }];
}

//===----------------------------------------------------------------------===//
// Gated recurrences (SPEC §4.3)
//===----------------------------------------------------------------------===//

def Seq_LinearRecurrenceOp : Seq_Op<"linear_recurrence"> {
  let summary = "h_t = a_t ⊙ h_{t−1} + b_t";
  let description = [{
    `a[B,T,D]`, `b[B,T,D]`, optional `h0[B,D]` → `h[B,T,D]`, `h_T[B,D]`;
    `h_0 = h0 or 0`.
  }];
  let arguments = (ins Seq_F32Tensor:$a, Seq_F32Tensor:$b, Optional<Seq_F32Tensor>:$h0);
  let results = (outs Seq_F32Tensor:$h, Seq_F32Tensor:$h_last);
  let assemblyFormat = [{
    $a `,` $b (`init` `(` $h0^ `)`)? attr-dict `:` functional-type(operands, results)
  }];
}

def Seq_CausalConv1dOp : Seq_WeightedOp<"causal_conv1d"> {
  let summary = "depthwise causal convolution along time";
  let description = [{
    `x[B,T,D] → y[B,T,D]`, `y_t = Σ_{i<K} w[:,i] ⊙ x_{t−K+1+i} + b` (x before
    t = 0 is 0), then `activation` (none or silu). Weights `weight[D,K]`,
    `bias[D]`, K = `kernel`.
  }];
  let arguments = (ins Seq_F32Tensor:$x, I64Attr:$kernel, Seq_ConvActivationAttr:$activation,
                   Variadic<Seq_F32Tensor>:$weights);
  let results = (outs Seq_F32Tensor:$y);
  let assemblyFormat = [{
    $x (`weights` `(` $weights^ `)`)? attr-dict `:` functional-type(operands, results)
  }];
}

def Seq_RNNOp : Seq_WeightedOp<"rnn", [AttrSizedOperandSegments]> {
  let summary = "torch.nn.GRU / LSTM / RNN, batch_first";
  let description = [{
    `x[B,T,D]`, optional `h0[L·dirs,B,H]`, `c0[L·dirs,B,H]` (lstm) →
    `y[B,T,dirs·H]`, `h_n[L·dirs,B,H]`, and `c_n[L·dirs,B,H]` for lstm;
    dirs = 2 when `bidirectional`. Gate order r,z,n (gru) and i,f,g,o
    (lstm), exactly as PyTorch:
    gru: `r = σ(W_ir x + b_ir + W_hr h + b_hr)`, `z = σ(W_iz x + b_iz + W_hz h + b_hz)`,
    `n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))`, `h' = (1 − z) ⊙ n + z ⊙ h`;
    lstm: `c' = f ⊙ c + i ⊙ g`, `h' = o ⊙ tanh(c')`;
    rnn_tanh / rnn_relu: `h' = act(W_ih x + b_ih + W_hh h + b_hh)`.
    Weights per layer l and direction (suffix `_l{l}`, then `_reverse` for
    the backward one), in order: `weight_ih[G·H, in_l]`, `weight_hh[G·H, H]`,
    and when `bias` `bias_ih[G·H]`, `bias_hh[G·H]`; G = 3 (gru), 4 (lstm)
    or 1, in_0 = D, in_l = dirs·H. The backward direction reads the layer's
    input from t = T−1 down to 0; its outputs fill y's second half; state
    row l·dirs + d. `solver` (auto, sequential, newton) picks the
    algorithm, never the result.
  }];
  let arguments = (ins Seq_F32Tensor:$x, Optional<Seq_F32Tensor>:$h0,
                   Optional<Seq_F32Tensor>:$c0, Seq_RNNCellAttr:$cell,
                   I64Attr:$hidden, I64Attr:$layers,
                   DefaultValuedAttr<BoolAttr, "true">:$bias,
                   DefaultValuedAttr<BoolAttr, "false">:$bidirectional,
                   Seq_SolverRequestAttr:$solver,
                   Variadic<Seq_F32Tensor>:$weights);
  let results = (outs Seq_F32Tensor:$y, Seq_F32Tensor:$h_n, Optional<Seq_F32Tensor>:$c_n);
  let assemblyFormat = [{
    $x (`h0` `(` $h0^ `)`)? (`c0` `(` $c0^ `)`)? (`weights` `(` $weights^ `)`)? attr-dict `:` functional-type(operands, results)
  }];
}

def Seq_ParaGRUOp : Seq_WeightedOp<"para_gru", [AttrSizedOperandSegments]> {
  let summary = "ParaRNN diagonal GRU";
  let description = [{
    `x[B,T,D]`, optional `h0[B,H]` → `y[B,T,H]`, `h_T[B,H]`:
    `z = σ(A_z⊙h + B_z x + b_z)`, `r = σ(A_r⊙h + B_r x + b_r)`,
    `ĥ = tanh(A_h⊙(h⊙r) + B_h x + b_h)`, `h' = z⊙ĥ + (1−z)⊙h`.
    Weights, in order: `B_z, B_r, B_h [H,D]`, `b_z, b_r, b_h [H]`,
    `A_z, A_r, A_h [H]`. `solver`: auto, sequential, newton (same result).
  }];
  let arguments = (ins Seq_F32Tensor:$x, Optional<Seq_F32Tensor>:$h0, I64Attr:$hidden,
                   Seq_SolverRequestAttr:$solver,
                   Variadic<Seq_F32Tensor>:$weights);
  let results = (outs Seq_F32Tensor:$y, Seq_F32Tensor:$h_last);
  let assemblyFormat = [{
    $x (`h0` `(` $h0^ `)`)? (`weights` `(` $weights^ `)`)? attr-dict `:` functional-type(operands, results)
  }];
}

def Seq_ParaLSTMOp : Seq_WeightedOp<"para_lstm", [AttrSizedOperandSegments]> {
  let summary = "ParaRNN CIFG LSTM with diagonal recurrence";
  let description = [{
    `x[B,T,D]`, optional `h0[B,H]`, `c0[B,H]` → `y[B,T,H]`, `h_T`, `c_T`:
    `f = σ(A_f⊙h + B_f x + b_f + C_f⊙c)`,
    `c' = f⊙c + (1−f)⊙tanh(A_c⊙h + B_c x + b_c)`,
    `o = σ(A_o⊙h + B_o x + b_o + C_o⊙c')`, `h' = o⊙tanh(c')`.
    Weights, in order: `B_f, B_c, B_o [H,D]`, `b_f, b_c, b_o [H]`,
    `A_f, A_c, A_o [H]`, `C_f, C_o [H]`.
  }];
  let arguments = (ins Seq_F32Tensor:$x, Optional<Seq_F32Tensor>:$h0,
                   Optional<Seq_F32Tensor>:$c0, I64Attr:$hidden,
                   Seq_SolverRequestAttr:$solver,
                   Variadic<Seq_F32Tensor>:$weights);
  let results = (outs Seq_F32Tensor:$y, Seq_F32Tensor:$h_last, Seq_F32Tensor:$c_last);
  let assemblyFormat = [{
    $x (`h0` `(` $h0^ `)`)? (`c0` `(` $c0^ `)`)? (`weights` `(` $weights^ `)`)? attr-dict `:` functional-type(operands, results)
  }];
}

def Seq_PGNOp : Seq_WeightedOp<"pgn"> {
  let summary = "Parallel Gated Network: history extraction and gate";
  let description = [{
    `x[B,T,c] → y[B,T,d]`, d = `hidden`, w = `window`:
    `H_t = Σ_{j<w} W[:,:,j] x_{t−w+j} + b` (strictly earlier steps; x before
    0 is 0); `[G, Ĥ] = split(gate([x_t; H_t]))`;
    `y_t = σ(G)⊙H_t + (1−σ(G))⊙tanh(Ĥ)`.
    Weights, in order: `hie.weight[d,c,w]`, `hie.bias[d]`,
    `gate.weight[2d,c+d]`, `gate.bias[2d]`.
  }];
  let arguments = (ins Seq_F32Tensor:$x, I64Attr:$hidden, I64Attr:$window,
                   Variadic<Seq_F32Tensor>:$weights);
  let results = (outs Seq_F32Tensor:$y);
  let assemblyFormat = [{
    $x (`weights` `(` $weights^ `)`)? attr-dict `:` functional-type(operands, results)
  }];
}

def Seq_GAMOp : Seq_WeightedOp<"gam"> {
  let summary = "Gated Associative Memory";
  let description = [{
    `x[B,T,d] → y[B,T,d]`: `local = causal_conv1d(x)` (kernel K, no
    activation); `global = softmax(x Mᵀ) M`;
    `[g_l, g_g] = split(x Wgᵀ + bg)`; `y = σ(g_l)⊙local + σ(g_g)⊙global`.
    Weights, in order: `conv.weight[d,K]`, `conv.bias[d]`,
    `memory[slots,d]`, `gate.weight[2d,d]`, `gate.bias[2d]`.
  }];
  let arguments = (ins Seq_F32Tensor:$x, I64Attr:$slots, I64Attr:$kernel,
                   Variadic<Seq_F32Tensor>:$weights);
  let results = (outs Seq_F32Tensor:$y);
  let assemblyFormat = [{
    $x (`weights` `(` $weights^ `)`)? attr-dict `:` functional-type(operands, results)
  }];
}

//===----------------------------------------------------------------------===//
// Gated softmax attention (SPEC §4.4)
//===----------------------------------------------------------------------===//

def Seq_GatedAttentionOp
    : Seq_WeightedOp<"gated_attention", [AttrSizedOperandSegments]> {
  let summary = "causal softmax attention with an output gate (Qwen3)";
  let description = [{
    `x[B,T,d]`, optional `k_past[B,P,Hkv·Dh]` and `v_past[B,P,Hkv·Dh]`
    (both or neither; P = 0 without them) → `y[B,T,d]`, `k[B,P+T,Hkv·Dh]`,
    `v[B,P+T,Hkv·Dh]`; H = `heads`, Hkv = `kv_heads`, Dh = `head_dim`.
    x's rows are positions P..P+T−1 of a sequence whose earlier positions'
    keys (after RoPE) and values are `k_past` and `v_past`
    (docs/attention-ops.md): `q, k, v = x Wqᵀ, x Wkᵀ, x Wvᵀ`; NeoX
    rotate-half RoPE on q and k at positions P..P+T−1 when `rope_theta` is
    present; k and v appended to the past ones (the results `k` and `v`,
    to pass as the next call's past); `o = softmax(q kᵀ/√Dh + causal mask)
    v` per head (row t sees keys 0..P+t), kv head `h / (H/Hkv)` shared by
    H/Hkv query heads;
    `o = o ⊙ σ(x W_gateᵀ)` (`gate` = headwise: one gate per head, broadcast
    over Dh); `y = o Woᵀ`.
    Weights, in order: `q_proj.weight[H·Dh,d]`, `k_proj.weight[Hkv·Dh,d]`,
    `v_proj.weight[Hkv·Dh,d]`, `gate_proj.weight[H·Dh,d]` (elementwise) or
    `[H,d]` (headwise), `o_proj.weight[d,H·Dh]`.
  }];
  let arguments = (ins Seq_F32Tensor:$x, Optional<Seq_F32Tensor>:$k_past,
                   Optional<Seq_F32Tensor>:$v_past, I64Attr:$heads,
                   I64Attr:$kv_heads, I64Attr:$head_dim,
                   Seq_AttentionGateAttr:$gate,
                   OptionalAttr<F64Attr>:$rope_theta,
                   Variadic<Seq_F32Tensor>:$weights);
  let results = (outs Seq_F32Tensor:$y, Seq_F32Tensor:$k, Seq_F32Tensor:$v);
  let assemblyFormat = [{
    $x (`past` `(` $k_past^ `,` $v_past `)`)? (`weights` `(` $weights^ `)`)? attr-dict `:` functional-type(operands, results)
  }];
}

//===----------------------------------------------------------------------===//
// Spiking units (SPEC §4.5)
//===----------------------------------------------------------------------===//

def Seq_LIFOp : Seq_WeightedOp<"lif", [AttrSizedOperandSegments]> {
  let summary = "leaky integrate-and-fire neurons, multi-step";
  let description = [{
    `x[B,T,...]`, optional `v0[B,...]` → spikes `y[B,T,...]` (f32 0/1),
    final potential `v[B,...]`. Per step, V starting at `v0` when given,
    else at `v_reset` (0 for soft reset), with
    V_r = v_reset (0 when soft): charge `H = V + (X − (V − V_r))/τ` if
    `decay_input`, else `H = V − (V − V_r)/τ + X`; fire
    `S = [H ≥ v_threshold]`; reset hard `V = H(1−S) + v_reset·S` or, when
    `v_reset` is absent, soft `V = H − v_threshold·S`. `tau` > 1 (as
    SpikingJelly's LIFNode). `per_neuron` names parameters (`tau`,
    `v_threshold`, `v_reset`) given per neuron by weights of those names,
    shaped like the neuron dims `[...]`, instead of by their attributes.
  }];
  let arguments = (ins Seq_F32Tensor:$x, Optional<Seq_F32Tensor>:$v0,
                   F64Attr:$tau, F64Attr:$v_threshold,
                   OptionalAttr<F64Attr>:$v_reset, BoolAttr:$decay_input,
                   OptionalAttr<StrArrayAttr>:$per_neuron,
                   Variadic<Seq_F32Tensor>:$weights);
  let results = (outs Seq_F32Tensor:$y, Seq_F32Tensor:$v);
  let assemblyFormat = [{
    $x (`v0` `(` $v0^ `)`)? (`weights` `(` $weights^ `)`)? attr-dict `:` functional-type(operands, results)
  }];
}

def Seq_PLIFOp : Seq_WeightedOp<"plif", [AttrSizedOperandSegments]> {
  let summary = "parametric LIF: lif with 1/τ = σ(w)";
  let description = [{
    As `seq.lif` with `1/τ = σ(w)`, w the 0-d weight `w` (SpikingJelly's
    ParametricLIFNode).
  }];
  let arguments = (ins Seq_F32Tensor:$x, Optional<Seq_F32Tensor>:$v0,
                   F64Attr:$v_threshold, OptionalAttr<F64Attr>:$v_reset,
                   BoolAttr:$decay_input, Variadic<Seq_F32Tensor>:$weights);
  let results = (outs Seq_F32Tensor:$y, Seq_F32Tensor:$v);
  let assemblyFormat = [{
    $x (`v0` `(` $v0^ `)`)? (`weights` `(` $weights^ `)`)? attr-dict `:` functional-type(operands, results)
  }];
}

def Seq_IFNeuronOp : Seq_WeightedOp<"if_neuron", [AttrSizedOperandSegments]> {
  let summary = "integrate-and-fire neurons, multi-step";
  let description = [{
    As `seq.lif` with charge `H = V + X`; `per_neuron` may name
    `v_threshold` and `v_reset`.
  }];
  let arguments = (ins Seq_F32Tensor:$x, Optional<Seq_F32Tensor>:$v0,
                   F64Attr:$v_threshold, OptionalAttr<F64Attr>:$v_reset,
                   OptionalAttr<StrArrayAttr>:$per_neuron,
                   Variadic<Seq_F32Tensor>:$weights);
  let results = (outs Seq_F32Tensor:$y, Seq_F32Tensor:$v);
  let assemblyFormat = [{
    $x (`v0` `(` $v0^ `)`)? (`weights` `(` $weights^ `)`)? attr-dict `:` functional-type(operands, results)
  }];
}

def Seq_CubaLIFOp : Seq_WeightedOp<"cuba_lif", [AttrSizedOperandSegments]> {
  let summary = "current-based LIF neurons (NIR CubaLIF), multi-step";
  let description = [{
    `x[B,T,...]`, optional `v0[B,...]` and `i0[B,...]` → spikes
    `y[B,T,...]`, final potential `v[B,...]` and synaptic current
    `i[B,...]`. Time constants in steps (NIR's τ/dt). Per step, I from `i0`
    (else 0) and V from `v0` (else `v_reset`, 0 when soft):
    `I = I + (w_in·X − I)/τ_syn`, `H = V + (v_leak − V + r·I)/τ_mem`, then
    fire and reset as `seq.lif`. `tau_syn` ≥ 1, `tau_mem` > 1.
    `per_neuron` names parameters (any of `tau_syn`, `tau_mem`, `r`,
    `w_in`, `v_leak`, `v_threshold`, `v_reset`) given per neuron by weights
    of those names, shaped like the neuron dims `[...]`.
  }];
  let arguments = (ins Seq_F32Tensor:$x, Optional<Seq_F32Tensor>:$v0,
                   Optional<Seq_F32Tensor>:$i0, F64Attr:$tau_syn,
                   F64Attr:$tau_mem, F64Attr:$r, F64Attr:$w_in,
                   F64Attr:$v_leak, F64Attr:$v_threshold,
                   OptionalAttr<F64Attr>:$v_reset,
                   OptionalAttr<StrArrayAttr>:$per_neuron,
                   Variadic<Seq_F32Tensor>:$weights);
  let results = (outs Seq_F32Tensor:$y, Seq_F32Tensor:$v, Seq_F32Tensor:$i);
  let assemblyFormat = [{
    $x (`v0` `(` $v0^ `)`)? (`i0` `(` $i0^ `)`)? (`weights` `(` $weights^ `)`)? attr-dict `:` functional-type(operands, results)
  }];
}

def Seq_WKVOp : Seq_WeightedOp<"wkv"> {
  let summary = "RWKV-4 WKV (SpikeGPT)";
  let description = [{
    `k[B,T,C]`, `v[B,T,C]` → `y[B,T,C]`; `w = −exp(time_decay)`,
    `u = time_first`:
    `y_t = (Σ_{i<t} e^{(t−1−i)w+k_i} v_i + e^{u+k_t} v_t) /
           (Σ_{i<t} e^{(t−1−i)w+k_i} + e^{u+k_t})`,
    computed in the running-max form. Weights `time_decay[C]`,
    `time_first[C]`.
  }];
  let arguments = (ins Seq_F32Tensor:$k, Seq_F32Tensor:$v, Variadic<Seq_F32Tensor>:$weights);
  let results = (outs Seq_F32Tensor:$y);
  let assemblyFormat = [{
    $k `,` $v (`weights` `(` $weights^ `)`)? attr-dict `:` functional-type(operands, results)
  }];
}

def Seq_SpikingRWKVOp : Seq_WeightedOp<"spiking_rwkv"> {
  let summary = "SpikeGPT block: spiking RWKV time mix and channel mix";
  let description = [{
    `x[B,T,d] → y[B,T,d]`, f = `ffn_hidden`:
    ```
    shift(z)_t = z_{t−1} (0 at t=0);  mix(z, μ) = z⊙μ + shift(z)⊙(1−μ)
    x = layer_norm0(x) if first
    z = layer_norm1(x)
    a = (σ(mix(z,μr) Wrᵀ) ⊙ wkv(mix(z,μk) Wkᵀ, mix(z,μv) Wvᵀ)) Woᵀ
    x = x + lif(a)                 (tau, v_threshold, v_reset = 0)
    z = layer_norm2(x)
    f = σ(mix(z,μr') Wr'ᵀ) ⊙ (relu(mix(z,μk') Wk'ᵀ)² Wv'ᵀ)
    x = x + lif(f)
    ```
    Weights, in order: `ln0.weight, ln0.bias` (only when `first`),
    `ln1.weight, ln1.bias, ln2.weight, ln2.bias [d]`, `att.time_decay,
    att.time_first, att.time_mix_k, att.time_mix_v, att.time_mix_r [d]`,
    `att.key.weight, att.value.weight, att.receptance.weight,
    att.output.weight [d,d]`, `ffn.time_mix_k, ffn.time_mix_r [d]`,
    `ffn.key.weight[f,d]`, `ffn.receptance.weight[d,d]`,
    `ffn.value.weight[d,f]`.
  }];
  let arguments = (ins Seq_F32Tensor:$x, I64Attr:$ffn_hidden, BoolAttr:$first,
                   F64Attr:$tau, F64Attr:$v_threshold,
                   Variadic<Seq_F32Tensor>:$weights);
  let results = (outs Seq_F32Tensor:$y);
  let assemblyFormat = [{
    $x (`weights` `(` $weights^ `)`)? attr-dict `:` functional-type(operands, results)
  }];
}

#endif // SEQC_SEQ_OPS
