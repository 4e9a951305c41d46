"""Float64 NumPy reference of the SPEC §4.1–4.3 ops, for end-to-end tests.

Every function is written from the formula in SPEC.md (quoted in its doc
comment), computes in float64 whatever dtype it is given, and uses nothing
from seqc itself: it is the independent side of the numerics tests. Clarity
wins over speed; recurrences are plain loops over time.

Layout conventions (SPEC §3, §4.2): sequence tensors are batch-first
[B, T, D]; a packed head dimension H·K is head-major, i.e. channel
h·K + j belongs to head h.
"""
import math

import numpy as np


def f64(a):
    """`a` as a float64 array (integer arrays are left alone)."""
    a = np.asarray(a)
    return a if a.dtype.kind in "iu" else a.astype(np.float64)


# --- elementwise helpers -------------------------------------------------

def sigmoid(x):
    """σ(x) = 1 / (1 + e^-x), evaluated as exp(-log(1 + e^-x))."""
    return np.exp(-np.logaddexp(0.0, -f64(x)))


def logsigmoid(x):
    """log σ(x) = -log(1 + e^-x)."""
    return -np.logaddexp(0.0, -f64(x))


def silu(x):
    """silu(x) = x σ(x)."""
    x = f64(x)
    return x * sigmoid(x)


_erf = np.vectorize(math.erf, otypes=[np.float64])


def act(x, kind):
    """SPEC §4.1 `act`, elementwise:
    silu      x σ(x)
    sigmoid   σ(x)
    tanh      tanh(x)
    relu      max(x, 0)
    gelu      x/2 · (1 + erf(x/√2))                      (exact, erf)
    gelu_tanh x/2 · (1 + tanh(√(2/π) (x + 0.044715 x³)))
    softplus  log(1 + eˣ)
    """
    x = f64(x)
    if kind == "silu":
        return silu(x)
    if kind == "sigmoid":
        return sigmoid(x)
    if kind == "tanh":
        return np.tanh(x)
    if kind == "relu":
        return np.maximum(x, 0.0)
    if kind == "gelu":
        return 0.5 * x * (1.0 + _erf(x / math.sqrt(2.0)))
    if kind == "gelu_tanh":
        c = math.sqrt(2.0 / math.pi)
        return 0.5 * x * (1.0 + np.tanh(c * (x + 0.044715 * x ** 3)))
    if kind == "softplus":
        return np.logaddexp(0.0, x)
    raise ValueError("unknown activation %r" % kind)


def add(a, b):
    """SPEC §4.1 `add`: a + b with NumPy broadcasting."""
    return f64(a) + f64(b)


def mul(a, b):
    """SPEC §4.1 `mul`: a ⊙ b with NumPy broadcasting."""
    return f64(a) * f64(b)


# --- building blocks (SPEC §4.1) ----------------------------------------

def linear(x, weight, bias=None):
    """SPEC §4.1 `linear`: y = x Wᵀ + b, W [out, in] (nn.Linear layout)."""
    y = f64(x) @ f64(weight).T
    return y if bias is None else y + f64(bias)


def embedding(ids, weight):
    """SPEC §4.1 `embedding`: y[b, t] = W[ids[b, t]]; ids must lie in
    [0, num) (an id out of range is an error, never a wrapped index)."""
    ids = np.asarray(ids)
    num = weight.shape[0]
    if ids.size and (ids.min() < 0 or ids.max() >= num):
        raise IndexError("token id out of range [0, %d)" % num)
    return f64(weight)[ids]


def rms_norm(x, weight, eps=1e-6):
    """SPEC §4.1 `rms_norm`: y = x / sqrt(mean(x²) + eps) ⊙ w, last dim."""
    x = f64(x)
    ms = np.mean(x * x, axis=-1, keepdims=True)
    return x / np.sqrt(ms + eps) * f64(weight)


def layer_norm(x, weight, bias, eps=1e-5):
    """SPEC §4.1 `layer_norm`: y = (x − μ) / sqrt(σ² + eps) ⊙ w + b over the
    last dim, σ² the biased variance mean((x − μ)²)."""
    x = f64(x)
    mu = np.mean(x, axis=-1, keepdims=True)
    var = np.mean((x - mu) ** 2, axis=-1, keepdims=True)
    return (x - mu) / np.sqrt(var + eps) * f64(weight) + f64(bias)


def glu_mlp(x, gate_w, up_w, down_w):
    """SPEC §4.1 `glu_mlp`: y = down(silu(gate(x)) ⊙ up(x)), all three
    bias-free linears, gate/up [h, d], down [d, h]."""
    return linear(silu(linear(x, gate_w)) * linear(x, up_w), down_w)


# --- linear attention (SPEC §4.2) ---------------------------------------

def gla_core(q, k, v, g, heads, s0=None, scale=None):
    """SPEC §4.2 `gla_core` (fla naive_recurrent_gla), per head h:
        S_0 = s0 or 0
        S_t = diag(exp(g_t)) S_{t−1} + k_tᵀ v_t        (S_t is [K, V])
        o_t = (scale · q_t) S_t                        (scale = K^-½)
    q, k, g [B, T, H·K], v [B, T, H·V], s0 [B, H, K, V].
    Returns o [B, T, H·V] and the final state S_T [B, H, K, V].
    """
    q, k, v, g = f64(q), f64(k), f64(v), f64(g)
    B, T, HK = q.shape
    HV = v.shape[2]
    H = heads
    K, V = HK // H, HV // H
    if scale is None:
        scale = K ** -0.5
    q = q.reshape(B, T, H, K)
    k = k.reshape(B, T, H, K)
    v = v.reshape(B, T, H, V)
    g = g.reshape(B, T, H, K)
    S = np.zeros((B, H, K, V)) if s0 is None else f64(s0).copy()
    o = np.zeros((B, T, H, V))
    for t in range(T):
        for h in range(H):
            decay = np.exp(g[:, t, h, :])                      # [B, K]
            outer = k[:, t, h, :, None] * v[:, t, h, None, :]  # [B, K, V]
            S[:, h] = decay[:, :, None] * S[:, h] + outer
            o[:, t, h] = np.einsum("bk,bkv->bv", scale * q[:, t, h], S[:, h])
    return o.reshape(B, T, H * V), S


def gla(x, w, heads=4, key_dim=None, value_dim=None, gate_norm=16.0,
        eps=1e-5, s0=None):
    """SPEC §4.2 `gla` (fla GatedLinearAttention, no short conv):
        q, k, v = x Wqᵀ, x Wkᵀ, x Wvᵀ
        g       = logsigmoid((x W0ᵀ) W1ᵀ + b1) / gate_norm
        o, s    = gla_core(q, k, v, g, s0, scale = (key_dim/heads)^-½)
        o_h     = rms_norm(o_h, eps) ⊙ w_norm   (each head, value_dim/heads)
        y       = (o ⊙ silu(x Wgᵀ)) Woᵀ
    `w` maps the SPEC weight names (without the node prefix) to arrays;
    key_dim / value_dim default to d/2 and d. Returns y and the final state.
    """
    x = f64(x)
    d = x.shape[-1]
    key_dim = d // 2 if key_dim is None else key_dim
    value_dim = d if value_dim is None else value_dim
    q = linear(x, w["q_proj.weight"])
    k = linear(x, w["k_proj.weight"])
    v = linear(x, w["v_proj.weight"])
    low = linear(x, w["gk_proj.0.weight"])
    g = logsigmoid(linear(low, w["gk_proj.1.weight"],
                          w["gk_proj.1.bias"])) / gate_norm
    o, s = gla_core(q, k, v, g, heads, s0=s0,
                    scale=(key_dim / heads) ** -0.5)
    B, T = x.shape[0], x.shape[1]
    oh = o.reshape(B, T, heads, value_dim // heads)
    oh = rms_norm(oh, w["g_norm_swish_gate.weight"], eps)
    o = oh.reshape(B, T, value_dim)
    y = linear(o * silu(linear(x, w["g_proj.weight"])), w["o_proj.weight"])
    return y, s


# --- gated recurrences (SPEC §4.3) --------------------------------------

def linear_recurrence(a, b, h0=None):
    """SPEC §4.3 `linear_recurrence`: h_t = a_t ⊙ h_{t−1} + b_t with
    h_0 = h0 or 0; a, b [B, T, D], h0 [B, D]. Returns h [B, T, D] and
    h_T [B, D]."""
    a, b = f64(a), f64(b)
    B, T, D = a.shape
    h = np.zeros((B, D)) if h0 is None else f64(h0).copy()
    out = np.zeros((B, T, D))
    for t in range(T):
        h = a[:, t] * h + b[:, t]
        out[:, t] = h
    return out, h


def causal_conv1d(x, weight, bias, activation="none"):
    """SPEC §4.3 `causal_conv1d`, depthwise over time:
        y_t = Σ_{i<K} w[:, i] ⊙ x_{t−K+1+i} + b      (x before 0 is 0)
    then silu if activation == "silu". x [B, T, D], weight [D, K]."""
    x, weight, bias = f64(x), f64(weight), f64(bias)
    B, T, D = x.shape
    K = weight.shape[1]
    padded = np.concatenate([np.zeros((B, K - 1, D)), x], axis=1)
    y = np.zeros((B, T, D)) + bias
    for i in range(K):
        # x_{t-K+1+i} is padded[t + i].
        y += weight[:, i] * padded[:, i:i + T]
    if activation == "silu":
        return silu(y)
    if activation != "none":
        raise ValueError("unknown activation %r" % activation)
    return y
