"""Float64 NumPy reference of the SPEC §4.1–4.5 ops, for e2e tests.

Every function is written from the formula in SPEC.md (quoted in its doc
comment), computes in float64 whatever dtype it is given, and uses nothing
from seqc itself: it is the independent side of the numerics tests. Clarity
wins over speed; recurrences are plain loops over time.

Layout conventions (SPEC §3, §4.2): sequence tensors are batch-first
[B, T, D]; a packed head dimension H·K is head-major, i.e. channel
h·K + j belongs to head h. Spiking neurons (§4.5) run along time, axis 1,
of x [B, T, ...], in SpikingJelly's multi-step semantics.
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


# --- gated softmax attention (SPEC §4.4) --------------------------------

def rope(x, theta, first=0):
    """NeoX-style rotate-half rotary embedding of x [B, T, heads, D] at
    positions first..first+T−1: with f_i = θ^(−2i/D) for i < D/2 and angle
    t·f_i, (x_i, x_{i+D/2}) → (x_i cos − x_{i+D/2} sin, x_{i+D/2} cos + x_i
    sin)."""
    x = f64(x)
    T, D = x.shape[1], x.shape[-1]
    half = D // 2
    freq = theta ** (-2.0 * np.arange(half) / D)
    angle = (first + np.arange(T))[:, None] * freq[None, :]   # [T, D/2]
    cos, sin = np.cos(angle)[None, :, None, :], np.sin(angle)[None, :, None, :]
    a, b = x[..., :half], x[..., half:2 * half]
    out = x.copy()
    out[..., :half] = a * cos - b * sin
    out[..., half:2 * half] = b * cos + a * sin
    return out


def gated_attention(x, w, heads, kv_heads, head_dim, gate, rope_theta=None,
                    k_past=None, v_past=None):
    """SPEC §4.4 `gated_attention` (Qwen3 gated attention, causal), with
    the past keys and values of a stream (seqc's extension,
    docs/attention-ops.md: k_past (after RoPE) and v_past [B, P, Hkv·Dh],
    x's rows at positions P..P+T−1):
        q, k, v = x Wqᵀ, x Wkᵀ, x Wvᵀ   (H, Hkv, Hkv heads of Dh)
        q, k    = rope(q), rope(k)     (if rope_theta; at P..P+T−1)
        k, v    = [k_past; k], [v_past; v]   (P + T positions)
        o       = softmax(q kᵀ/√Dh + causal mask) v   per head (row t sees
                  keys 0..P+t); query head h reads kv head h / (H / Hkv)
        o       = o ⊙ σ(x W_gateᵀ)     (headwise: one gate per head)
        y       = o Woᵀ
    Returns y and the keys (after RoPE) and values [B, P + T, Hkv·Dh]."""
    x = f64(x)
    B, T = x.shape[0], x.shape[1]
    H, Hkv, D = heads, kv_heads, head_dim
    P = 0 if k_past is None else k_past.shape[1]
    q = linear(x, w["q_proj.weight"]).reshape(B, T, H, D)
    k = linear(x, w["k_proj.weight"]).reshape(B, T, Hkv, D)
    v = linear(x, w["v_proj.weight"]).reshape(B, T, Hkv, D)
    if rope_theta is not None:
        q, k = rope(q, rope_theta, first=P), rope(k, rope_theta, first=P)
    keys, values = k.reshape(B, T, Hkv * D), v.reshape(B, T, Hkv * D)
    if k_past is not None:
        keys = np.concatenate([f64(k_past), keys], axis=1)
        values = np.concatenate([f64(v_past), values], axis=1)
    k = keys.reshape(B, P + T, Hkv, D)
    v = values.reshape(B, P + T, Hkv, D)
    o = np.zeros((B, T, H, D))
    mask = np.arange(P + T)[None, :] <= P + np.arange(T)[:, None]   # [T, P+T]
    for h in range(H):
        kv = h // (H // Hkv)
        s = np.einsum("btd,bsd->bts", q[:, :, h], k[:, :, kv]) / math.sqrt(D)
        s = np.where(mask[None], s, -np.inf)
        s = s - s.max(axis=-1, keepdims=True)
        p = np.exp(s)
        p /= p.sum(axis=-1, keepdims=True)
        o[:, :, h] = np.einsum("bts,bsd->btd", p, v[:, :, kv])
    g = sigmoid(linear(x, w["gate_proj.weight"]))
    o = o * (g.reshape(B, T, H, D) if gate == "elementwise" else g[..., None])
    return linear(o.reshape(B, T, H * D), w["o_proj.weight"]), keys, values


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


# --- spiking units (SPEC §4.5) ------------------------------------------

# SPEC §5: spikes must match wherever |H − v_threshold| > SPIKE_MARGIN.
SPIKE_MARGIN = 1e-4


def _neurons(x, charge, v_threshold, v_reset, follow, v0=None):
    """SpikingJelly multi-step neurons along time (axis 1) of x [B, T, ...]:
        V_0 = v0 [B, ...] if given, else v_reset (0 for soft reset)
        H_t = charge(V_{t−1}, X_t)
        S_t = [H_t ≥ v_threshold]
        hard reset: V_t = H_t (1 − S_t) + v_reset S_t
        soft reset: V_t = H_t − v_threshold S_t      (v_reset None)
    Returns spikes S [B, T, ...], the final potential V_T [B, ...] and the
    charges H [B, T, ...]. `follow` (spikes [B, T, ...], e.g. a compiler's)
    decides S_t wherever |H_t − v_threshold| ≤ 1e-4, where SPEC §5 allows
    either spike: the reference then goes on from the same choice.
    v_threshold and v_reset are numbers or per-neuron arrays shaped like
    the neuron dims [...].
    """
    x = f64(x)
    thr = f64(v_threshold)
    soft = v_reset is None
    vr = f64(0.0 if soft else v_reset)
    state = x.shape[:1] + x.shape[2:]
    V = (np.broadcast_to(vr, state).copy() if v0 is None
         else f64(v0).reshape(state))
    S = np.zeros(x.shape)
    Hs = np.zeros(x.shape)
    for t in range(x.shape[1]):
        H = charge(V, x[:, t])
        s = H >= thr
        if follow is not None:
            near = np.abs(H - thr) <= SPIKE_MARGIN
            s = np.where(near, np.asarray(follow)[:, t] == 1, s)
        s = s.astype(np.float64)
        V = H - thr * s if soft else H * (1.0 - s) + vr * s
        S[:, t] = s
        Hs[:, t] = H
    return S, V, Hs


def lif(x, tau=2.0, v_threshold=1.0, v_reset=0.0, decay_input=True,
        follow=None, v0=None):
    """SPEC §4.5 `lif` (SpikingJelly LIFNode, multi-step), V_r = v_reset
    (0 when v_reset is None, the soft reset):
        decay_input:  H = V + (X − (V − V_r)) / τ
        otherwise:    H = V − (V − V_r) / τ + X
    then fire and reset as in _neurons, from v0 if given; tau, v_threshold
    and v_reset may be per-neuron arrays. Returns (spikes, V_T, H)."""
    vr = f64(0.0 if v_reset is None else v_reset)
    tau = f64(tau)
    if decay_input:
        def charge(V, X):
            return V + (X - (V - vr)) / tau
    else:
        def charge(V, X):
            return V - (V - vr) / tau + X
    return _neurons(x, charge, v_threshold, v_reset, follow, v0)


def plif(x, w, v_threshold=1.0, v_reset=0.0, decay_input=True, follow=None,
         v0=None):
    """SPEC §4.5 `plif` (SpikingJelly ParametricLIFNode): `lif` with
    1/τ = σ(w), w the 0-d weight:
        decay_input:  H = V + (X − (V − V_r)) σ(w)
        otherwise:    H = V − (V − V_r) σ(w) + X
    Returns (spikes, V_T, H)."""
    vr = 0.0 if v_reset is None else float(v_reset)
    k = float(sigmoid(np.asarray(w, np.float64)))
    if decay_input:
        def charge(V, X):
            return V + (X - (V - vr)) * k
    else:
        def charge(V, X):
            return V - (V - vr) * k + X
    return _neurons(x, charge, v_threshold, v_reset, follow, v0)


def if_neuron(x, v_threshold=1.0, v_reset=0.0, follow=None, v0=None):
    """SPEC §4.5 `if_neuron` (SpikingJelly IFNode): H = V + X, then fire and
    reset as lif (v_threshold, v_reset numbers or per-neuron arrays).
    Returns (spikes, V_T, H)."""
    return _neurons(x, lambda V, X: V + X, v_threshold, v_reset, follow, v0)


def cuba_lif(x, tau_syn=2.0, tau_mem=2.0, r=1.0, w_in=1.0, v_leak=0.0,
             v_threshold=1.0, v_reset=0.0, follow=None, v0=None, i0=None):
    """docs/spiking-ops.md `cuba_lif` (NIR's CubaLIF by forward Euler, the
    time constants in steps):
        I_t = I_{t−1} + (w_in X_t − I_{t−1}) / τ_syn      (I_0 = i0, or 0)
        H_t = V_{t−1} + (v_leak − V_{t−1} + r I_t) / τ_mem
    then fire and reset as in _neurons, from v0 if given. Every parameter
    may be a per-neuron array. Returns (spikes, V_T, H, I_T)."""
    x = f64(x)
    state = x.shape[:1] + x.shape[2:]
    current = [np.zeros(state) if i0 is None else f64(i0).reshape(state)]
    tau_syn, tau_mem, r, w_in, v_leak = map(f64, (tau_syn, tau_mem, r, w_in,
                                                  v_leak))

    def charge(V, X):
        # _neurons calls this once per step, in order.
        current[0] = current[0] + (w_in * X - current[0]) / tau_syn
        return V + (v_leak - V + r * current[0]) / tau_mem
    S, V, H = _neurons(x, charge, v_threshold, v_reset, follow, v0)
    return S, V, H, current[0]


def wkv(k, v, time_decay, time_first):
    """SPEC §4.5 `wkv` (RWKV-4, SpikeGPT), literally: w = −exp(time_decay),
    u = time_first, per channel
        y_t = (Σ_{i<t} e^{(t−1−i)w + k_i} v_i + e^{u + k_t} v_t)
              / (Σ_{i<t} e^{(t−1−i)w + k_i} + e^{u + k_t})
    in float64 with no running max (O(T²); keep |k| well below 700).
    k, v [B, T, C]; returns y [B, T, C]."""
    k, v = f64(k), f64(v)
    w = -np.exp(f64(time_decay))
    u = f64(time_first)
    B, T, C = k.shape
    y = np.zeros((B, T, C))
    for t in range(T):
        i = np.arange(t, dtype=np.float64)
        e = np.exp((t - 1 - i)[None, :, None] * w + k[:, :t])   # [B, t, C]
        cur = np.exp(u + k[:, t])
        y[:, t] = ((e * v[:, :t]).sum(axis=1) + cur * v[:, t]) / (
            e.sum(axis=1) + cur)
    return y


def spiking_rwkv(x, w, ffn_hidden=None, first=False, tau=2.0,
                 v_threshold=1.0):
    """SPEC §4.5 `spiking_rwkv` (SpikeGPT block), `w` the SPEC weight names
    without the node prefix; layer norms with eps 1e-5:
        shift(z)_t = z_{t−1} (0 at t=0);  mix(z, μ) = z⊙μ + shift(z)⊙(1−μ)
        x = layer_norm0(x) if first
        z = layer_norm1(x)
        a = (σ(mix(z,μr) Wrᵀ) ⊙ wkv(mix(z,μk) Wkᵀ, mix(z,μv) Wvᵀ)) Woᵀ
        x = x + lif(a)          (tau, v_threshold, v_reset = 0, decay_input)
        z = layer_norm2(x)
        f = σ(mix(z,μr') Wr'ᵀ) ⊙ (relu(mix(z,μk') Wk'ᵀ)² Wv'ᵀ)
        x = x + lif(f)
    Returns y [B, T, d] and the charges of the two lifs (H, [B, T, d] each).
    `ffn_hidden` only documents the shape: it is read off the weights."""
    x = f64(x)
    w = {n: f64(a) for n, a in w.items()}

    def shift(z):
        return np.concatenate([np.zeros_like(z[:, :1]), z[:, :-1]], axis=1)

    def mix(z, mu):
        return z * mu + shift(z) * (1.0 - mu)

    def ln(z, name):
        return layer_norm(z, w[name + ".weight"], w[name + ".bias"], 1e-5)

    if first:
        x = ln(x, "ln0")
    z = ln(x, "ln1")
    r = sigmoid(linear(mix(z, w["att.time_mix_r"]),
                       w["att.receptance.weight"]))
    kk = linear(mix(z, w["att.time_mix_k"]), w["att.key.weight"])
    vv = linear(mix(z, w["att.time_mix_v"]), w["att.value.weight"])
    a = linear(r * wkv(kk, vv, w["att.time_decay"], w["att.time_first"]),
               w["att.output.weight"])
    s1, _, h1 = lif(a, tau, v_threshold, 0.0, True)
    x = x + s1
    z = ln(x, "ln2")
    r = sigmoid(linear(mix(z, w["ffn.time_mix_r"]),
                       w["ffn.receptance.weight"]))
    kk = np.maximum(linear(mix(z, w["ffn.time_mix_k"]), w["ffn.key.weight"]),
                    0.0) ** 2
    f = r * linear(kk, w["ffn.value.weight"])
    s2, _, h2 = lif(f, tau, v_threshold, 0.0, True)
    return x + s2, (h1, h2)
