"""flash-linear-attention's GatedLinearAttention onto seqc's gla (SPEC §4.2).

| fla.layers.GatedLinearAttention       | seqc gla                          |
|---------------------------------------|-----------------------------------|
| num_heads                             | heads                             |
| hidden_size · expand_k (key_dim)      | key_dim                           |
| hidden_size · expand_v (value_dim)    | value_dim                         |
| gate_low_rank_dim                     | gate_rank                         |
| gate_logit_normalizer (> 0)           | gate_norm                         |
| norm_eps                              | eps                               |
| num_kv_heads < num_heads (groups)     | k_proj, v_proj, gk_proj.1 rows    |
|                                       | repeated per head, exactly as the |
|                                       | forward repeats k, v and gk       |
| fuse_norm=False (g_norm + swish gate) | the same formula                  |
| elementwise_affine=False              | norm weight 1                     |
| mode chunk/fused_recurrent            | (how fla computes it; one formula)|

Weights keep fla's names (q_proj.weight, ..., gk_proj.0.weight,
gk_proj.1.weight/bias, o_proj.weight); the per-head norm's weight is
g_norm_swish_gate.weight (also when fla's is g_norm.weight, fuse_norm
False). The layer returns (o, None, past_key_values): seqc's y is o.

Refused by name (seqc.ExportError, module path and option), since the
gla op has no place for them and running without them would be wrong:
use_short_conv (q/k/v short convolutions), use_output_gate=False, a
gate_fn other than swish/silu, feature_map, clamp_min, a
gate_logit_normalizer <= 0, a norm with a bias, a projection with a
bias fla does not create, and forward arguments that are not the
default (attention_mask, past_key_values / use_cache, cu_seqlens).

The recurrent state. fla keeps it only in its Cache (past_key_values,
use_cache=True), as `recurrent_state` [B, H, V, K]: fla/layers/gla.py
runs fused_recurrent_gla and chunk_gla with state_v_first=True. seqc's
gla takes s0 and gives its final state ("node:1") as [B, H, K, V], the
transpose (last two axes; SPEC §4.2: S_t = diag(exp(g_t)) S_{t-1} +
k_tᵀ v_t). Stateful(layer) below makes the state a forward argument and
result, (x, state) -> (o, final_state) in fla's layout; exported, it is
one gla node with inputs x, s0 and outputs y, node:1. seqc has no
transpose op, so the model's state inputs and outputs are declared in
seqc's layout and model.meta["state_v_first"] = {"inputs": [...],
"outputs": [...]} names them: the caller transposes there, like
meta["time_major"]. A state must come from a model input and go to a
model output (anything else is an ExportError).
"""
import math

import torch

from ._registry import module

_GLA = "fla.layers.gla.GatedLinearAttention"

#: Why seqc holds fla's recurrent state transposed (builder.swap_last_axes).
_STATE_V_FIRST = ("fla's recurrent state, [B, H, V, K] in torch and [B, H, "
                  "K, V] in seqc's gla, which seqc has no op to transpose: "
                  "pass a state only from a model input into "
                  "seqc.export.fla.Stateful, and its final state only to "
                  "a model output")


class Stateful(torch.nn.Module):
    """fla's GatedLinearAttention with its recurrent state as a tensor
    argument and result instead of inside fla's Cache, for seqc.export.

    ``Stateful(layer)(x, state=None)`` runs `layer`'s own forward with
    ``use_cache=True`` on a fresh fla Cache holding `state` as the layer's
    ``recurrent_state`` (none: fla's zero state) and returns ``(o,
    final_state)``: o [B, T, hidden] as the layer's o, the states [B, H,
    V, K] in fla's layout (the cache's; the layer runs its kernels with
    ``state_v_first=True``). The layer needs a ``layer_idx`` (fla files
    its state in the cache under it).

    Exported, it is one gla node with inputs x, s0 and outputs y,
    ``node:1``; seqc's states are [B, H, K, V], the transposes (last two
    axes) of fla's: ``model.meta["state_v_first"]`` lists the model
    inputs and outputs that are, and the caller transposes at the model
    boundary (between seqc calls the state stays in seqc's layout).
    """

    def __init__(self, layer):
        super().__init__()
        if getattr(layer, "layer_idx", None) is None:
            raise ValueError("Stateful needs an fla layer with a layer_idx "
                             "(GatedLinearAttention(..., layer_idx=0)): "
                             "fla files its state in the cache under it")
        self.layer = layer

    def forward(self, x, state=None):
        from fla.models.cache_utils import Cache
        index = self.layer.layer_idx
        cache = Cache()
        if state is not None:
            cache.update(recurrent_state=state, layer_idx=index, offset=0)
        o, _, cache = self.layer(x, past_key_values=cache, use_cache=True)
        return o, cache[index]["recurrent_state"]


def _activations():
    try:
        from fla.modules.activations import ACT2FN
    except ImportError:
        return {}
    return ACT2FN


def _activation_name(fn):
    """fla's name for the activation function `fn` (its ACT2FN key)."""
    for name, candidate in _activations().items():
        if candidate is fn:
            return name
    return getattr(fn, "__name__", repr(fn))


def _repeat_heads(weight, groups, head_dim):
    """Rows [kv_heads·head_dim, ...] of a projection (or a bias) repeated
    per head to [kv_heads·groups·head_dim, ...], as fla's forward repeats
    its output ('... (h d) -> ... (h g) d'): each output element is the
    same dot product, so this is exact."""
    weight = weight.detach()
    if groups == 1:
        return weight
    rest = weight.shape[1:]
    per_head = weight.reshape(-1, head_dim, *rest)
    return per_head.repeat_interleave(groups, dim=0).reshape(-1, *rest)


def _check_linear(ctx, layer, name, in_features, out_features, bias):
    lin = getattr(layer, name, None)
    if not isinstance(lin, torch.nn.Linear):
        ctx.error(name, "is a %s, not the nn.Linear GatedLinearAttention "
                  "creates" % type(lin).__name__)
    if (lin.in_features, lin.out_features) != (in_features, out_features):
        ctx.error(name, "is %d -> %d, expected %d -> %d"
                  % (lin.in_features, lin.out_features, in_features,
                     out_features))
    if (lin.bias is not None) != bias:
        ctx.error("%s.bias" % name, "seqc's gla has %s" % (
            "a bias there" if bias else "no bias there"))
    return lin


def _norm(ctx, layer):
    """(eps, weight [value_dim/heads]) of the per-head RMSNorm and its
    swish output gate; ExportError for the forms seqc's gla is not."""
    if not layer.use_output_gate:
        ctx.error("use_output_gate=False", "seqc's gla always gates the "
                  "normalized output with silu(x Wgᵀ)")
    if layer.fuse_norm_and_gate:
        norm = layer.g_norm_swish_gate
        activation = getattr(norm, "activation", "swish")
        if activation not in ("swish", "silu"):
            ctx.error("g_norm_swish_gate activation=%r" % activation,
                      "seqc's gla gates with swish (silu)")
    else:
        norm = layer.g_norm
        swish = _activations().get("swish")
        if swish is None or layer.gate_fn is not swish:
            ctx.error("gate_fn=%s" % _activation_name(layer.gate_fn),
                      "seqc's gla gates with swish (silu); other output "
                      "gates are not expressible")
    if getattr(norm, "bias", None) is not None:
        ctx.error("norm bias", "seqc's gla normalizes with a weight only")
    weight = norm.weight
    if weight is None:        # elementwise_affine=False: exactly w = 1
        weight = torch.ones(layer.head_v_dim)
    return float(norm.eps), weight


def _hidden_states(ctx, x):
    """The layer's input: float hidden states [B, T, hidden], batch-first."""
    x = ctx.tensor(x, "input")
    if not x.dtype.is_floating_point or x.rank != 3:
        ctx.error("input", "must be float hidden states [B, T, hidden], "
                  "got %s %s" % (x.dtype, list(x.shape)))
    ctx.require_layout(x, False, "(fla GatedLinearAttention, [B, T, "
                       "hidden])")
    x.group.set_roles({0: "B", 1: "T"})
    return x


def _gla(ctx, layer, x):
    """(attrs, weights) of the gla node for `layer` on `x`; ExportError
    for the options seqc's gla cannot express (module docstring)."""
    if layer.use_short_conv:
        ctx.error("use_short_conv=True", "seqc's gla has no short "
                  "convolution of q, k and v (q_conv1d, k_conv1d, "
                  "v_conv1d: kernel %d), and it cannot be built around it "
                  "(the layer's per-head norm needs the heads apart)"
                  % layer.conv_size)
    if layer.feature_map_fn is not None:
        ctx.error("feature_map=%s" % _activation_name(layer.feature_map_fn),
                  "seqc's gla applies no feature map to q and k")
    if layer.clamp_min is not None:
        ctx.error("clamp_min=%s" % layer.clamp_min, "seqc's gla does not "
                  "clamp the gate logits")
    gate_norm = layer.gate_logit_normalizer
    if not isinstance(gate_norm, (int, float)) or not gate_norm > 0 \
            or not math.isfinite(gate_norm):
        ctx.error("gate_logit_normalizer=%r" % (gate_norm,), "seqc's "
                  "gate_norm must be a positive number (the decay "
                  "exp(g) ≤ 1)")
    eps, norm_weight = _norm(ctx, layer)

    d = x.shape[-1]
    heads, groups = layer.num_heads, layer.num_kv_groups
    key_dim, value_dim = layer.key_dim, layer.value_dim
    head_k, head_v = layer.head_k_dim, layer.head_v_dim
    if d != layer.hidden_size:
        ctx.error("input", "has %d features, the layer's hidden_size is %d"
                  % (d, layer.hidden_size))
    if heads * head_k != key_dim or heads * head_v != value_dim:
        ctx.error("num_heads=%d" % heads, "does not divide key_dim %d and "
                  "value_dim %d" % (key_dim, value_dim))
    q_proj = _check_linear(ctx, layer, "q_proj", d, key_dim, False)
    k_proj = _check_linear(ctx, layer, "k_proj", d, key_dim // groups,
                           False)
    v_proj = _check_linear(ctx, layer, "v_proj", d, value_dim // groups,
                           False)
    g_proj = _check_linear(ctx, layer, "g_proj", d, value_dim, False)
    o_proj = _check_linear(ctx, layer, "o_proj", value_dim, d, False)
    gk = layer.gk_proj
    if not isinstance(gk, torch.nn.Sequential) or len(gk) != 2 or \
            not all(isinstance(m, torch.nn.Linear) for m in gk):
        ctx.error("gk_proj", "is not the two nn.Linear (low rank) "
                  "GatedLinearAttention creates")
    rank = gk[0].out_features
    if gk[0].bias is not None or gk[1].bias is None or \
            gk[0].in_features != d or gk[1].in_features != rank or \
            gk[1].out_features != key_dim // groups:
        ctx.error("gk_proj", "is not Linear(%d, rank, bias=False), "
                  "Linear(rank, %d)" % (d, key_dim // groups))

    attrs = {"heads": heads, "key_dim": key_dim, "value_dim": value_dim,
             "gate_rank": rank, "gate_norm": float(gate_norm), "eps": eps}
    weights = {
        "q_proj.weight": q_proj.weight,
        "k_proj.weight": _repeat_heads(k_proj.weight, groups, head_k),
        "v_proj.weight": _repeat_heads(v_proj.weight, groups, head_v),
        "g_proj.weight": g_proj.weight,
        "gk_proj.0.weight": gk[0].weight,
        "gk_proj.1.weight": _repeat_heads(gk[1].weight, groups, head_k),
        "gk_proj.1.bias": _repeat_heads(gk[1].bias, groups, head_k),
        "g_norm_swish_gate.weight": norm_weight,
        "o_proj.weight": o_proj.weight,
    }
    return attrs, weights


@module(_GLA)
def gated_linear_attention(ctx, layer, x, attention_mask=None,
                           past_key_values=None, use_cache=False,
                           output_attentions=False, **kwargs):
    """GatedLinearAttention: one seqc gla node (see the module docstring
    for the options). Returns (y, None, past_key_values) like the layer."""
    x = _hidden_states(ctx, x)
    if attention_mask is not None:
        ctx.error("attention_mask", "padding masks (fla unpads the "
                  "sequences) are not expressible; seqc runs every step")
    if past_key_values is not None or use_cache:
        ctx.error("past_key_values/use_cache", "fla's cache is not "
                  "exported; wrap the layer in seqc.export.fla.Stateful, "
                  "whose forward(x, state) -> (o, final_state) takes and "
                  "returns the recurrent state as tensors")
    for key, value in kwargs.items():
        if value is not None:
            ctx.error(key, "is not expressible (seqc runs each sequence "
                      "of the batch whole, without varlen packing)")
    attrs, weights = _gla(ctx, layer, x)
    name = ctx.emit("gla", [x], attrs, weights)
    real = ctx.real_out[0] if isinstance(ctx.real_out, (tuple, list)) \
        else ctx.real_out
    return (ctx.result(name, real, like=x), None, past_key_values)


def _state(ctx, value, what):
    """A recurrent state: batch-first, dim 0 the batch (B)."""
    ctx.require_layout(value, False, "(%s [B, H, V, K])" % what)
    value.group.set_roles({0: "B"})
    return value


@module("seqc.export.fla.Stateful")
def stateful(ctx, wrapper, x, state=None):
    """Stateful(GatedLinearAttention): one gla node with inputs x and s0
    (`state`, absent when None) and outputs y and its final state, the
    states swapped against fla's (module docstring). Returns (y, state)."""
    layer = wrapper.layer
    cls = type(layer)
    if "%s.%s" % (cls.__module__, cls.__qualname__) != _GLA:
        ctx.error("layer", "is a %s.%s; Stateful exports fla's "
                  "GatedLinearAttention itself" % (cls.__module__,
                                                   cls.__qualname__))
    x = _hidden_states(ctx, x)
    attrs, weights = _gla(ctx, layer, x)
    builder = ctx.builder
    if state is not None:
        state = ctx.tensor(state, "state")
        want = (x.shape[0], layer.num_heads, layer.head_v_dim,
                layer.head_k_dim)
        if state.shape != want or state.dtype != x.dtype:
            ctx.error("state", "is %s %s, expected fla's %s %s [B, H, V, "
                      "K]" % (state.dtype, list(state.shape), x.dtype,
                              list(want)))
        if not builder.is_input(state.ref):
            ctx.error("state", "is computed in the model; " + _STATE_V_FIRST)
        _state(ctx, state, "state")
    name = ctx.emit("gla", [x, state], attrs, weights)
    o_real, state_real = ctx.real_out
    final = _state(ctx, ctx.result(name + ":1", state_real), "final state")
    if state is not None:
        builder.swap_last_axes(state, _STATE_V_FIRST, reader=name)
    builder.swap_last_axes(final, _STATE_V_FIRST)
    return (ctx.result(name, o_real, like=x), final)
