"""float64 reference of SPEC §4.3 `rnn`: torch.nn.GRU, torch.nn.LSTM and
torch.nn.RNN with batch_first=True, written from PyTorch's documented
equations.

GRU, gate order r, z, n:
    r = σ(W_ir x + b_ir + W_hr h + b_hr)
    z = σ(W_iz x + b_iz + W_hz h + b_hz)
    n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))
    h' = (1 − z) ⊙ n + z ⊙ h
LSTM, gate order i, f, g, o:
    i, f, o = σ(·), g = tanh(·) of W_i* x + b_i* + W_h* h + b_h*
    c' = f ⊙ c + i ⊙ g,  h' = o ⊙ tanh(c')
RNN (rnn_tanh, rnn_relu): h' = act(W_ih x + b_ih + W_hh h + b_hh)
Without bias the b terms are 0. Bidirectional: per layer a second set of
weights (suffix `_reverse`) runs from the last step back; y concatenates
the two directions' outputs, state row l·2 + d.
"""
import numpy as np


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def _cell_step(cell, gi, gh, h, c, H):
    if cell == "gru":
        r = _sigmoid(gi[:, :H] + gh[:, :H])
        z = _sigmoid(gi[:, H:2 * H] + gh[:, H:2 * H])
        n = np.tanh(gi[:, 2 * H:] + r * gh[:, 2 * H:])
        return (1 - z) * n + z * h, c
    if cell == "lstm":
        g = gi + gh
        i, f = _sigmoid(g[:, :H]), _sigmoid(g[:, H:2 * H])
        gg, o = np.tanh(g[:, 2 * H:3 * H]), _sigmoid(g[:, 3 * H:])
        c = f * c + i * gg
        return o * np.tanh(c), c
    s = gi + gh
    return (np.tanh(s) if cell == "rnn_tanh" else np.maximum(s, 0.0)), c


def rnn(x, w, cell, hidden, layers=1, h0=None, c0=None, bias=True,
        bidirectional=False):
    """x [B, T, D]; w maps `weight_ih_l{l}` etc. to arrays. Returns y
    [B, T, dirs·H], h_n [L·dirs, B, H] and, for lstm, c_n [L·dirs, B, H]."""
    x = np.asarray(x, np.float64)
    B, T, _ = x.shape
    H = hidden
    dirs = 2 if bidirectional else 1
    h_n = np.zeros((layers * dirs, B, H))
    c_n = np.zeros((layers * dirs, B, H))
    seq = x
    for l in range(layers):
        outs = []
        for d in range(dirs):
            sfx = f"_l{l}" + ("_reverse" if d else "")
            wih = np.asarray(w["weight_ih" + sfx], np.float64)
            whh = np.asarray(w["weight_hh" + sfx], np.float64)
            bih = np.asarray(w["bias_ih" + sfx], np.float64) if bias else 0.0
            bhh = np.asarray(w["bias_hh" + sfx], np.float64) if bias else 0.0
            row = l * dirs + d
            h = (np.zeros((B, H)) if h0 is None
                 else np.asarray(h0[row], np.float64))
            c = (np.zeros((B, H)) if c0 is None
                 else np.asarray(c0[row], np.float64))
            out = np.zeros((B, T, H))
            for t in (range(T - 1, -1, -1) if d else range(T)):
                h, c = _cell_step(cell, seq[:, t] @ wih.T + bih,
                                  h @ whh.T + bhh, h, c, H)
                out[:, t] = h
            h_n[row], c_n[row] = h, c
            outs.append(out)
        seq = np.concatenate(outs, axis=2)
    return (seq, h_n, c_n) if cell == "lstm" else (seq, h_n)


def para_gru(x, w, hidden, h0=None):
    """SPEC §4.3 `para_gru` (ParaRNN diagonal GRU), sequentially:
        z = σ(A_z⊙h + B_z x + b_z), r = σ(A_r⊙h + B_r x + b_r)
        ĥ = tanh(A_h⊙(h⊙r) + B_h x + b_h), h' = z⊙ĥ + (1−z)⊙h
    Returns y [B, T, H] and h_T."""
    x = np.asarray(x, np.float64)
    f = {k: np.asarray(v, np.float64) for k, v in w.items()}
    B, T, _ = x.shape
    h = np.zeros((B, hidden)) if h0 is None else np.asarray(h0, np.float64)
    y = np.zeros((B, T, hidden))
    for t in range(T):
        xt = x[:, t]
        z = _sigmoid(f["A_z"] * h + xt @ f["B_z"].T + f["b_z"])
        r = _sigmoid(f["A_r"] * h + xt @ f["B_r"].T + f["b_r"])
        hh = np.tanh(f["A_h"] * (h * r) + xt @ f["B_h"].T + f["b_h"])
        h = z * hh + (1 - z) * h
        y[:, t] = h
    return y, h


def para_lstm(x, w, hidden, h0=None, c0=None):
    """SPEC §4.3 `para_lstm` (ParaRNN CIFG LSTM), sequentially:
        f = σ(A_f⊙h + B_f x + b_f + C_f⊙c)
        c' = f⊙c + (1−f)⊙tanh(A_c⊙h + B_c x + b_c)
        o = σ(A_o⊙h + B_o x + b_o + C_o⊙c'),  h' = o⊙tanh(c')
    Returns y [B, T, H], h_T and c_T."""
    x = np.asarray(x, np.float64)
    f_ = {k: np.asarray(v, np.float64) for k, v in w.items()}
    B, T, _ = x.shape
    h = np.zeros((B, hidden)) if h0 is None else np.asarray(h0, np.float64)
    c = np.zeros((B, hidden)) if c0 is None else np.asarray(c0, np.float64)
    y = np.zeros((B, T, hidden))
    for t in range(T):
        xt = x[:, t]
        f = _sigmoid(f_["A_f"] * h + xt @ f_["B_f"].T + f_["b_f"] + f_["C_f"] * c)
        c = f * c + (1 - f) * np.tanh(f_["A_c"] * h + xt @ f_["B_c"].T + f_["b_c"])
        o = _sigmoid(f_["A_o"] * h + xt @ f_["B_o"].T + f_["b_o"] + f_["C_o"] * c)
        h = o * np.tanh(c)
        y[:, t] = h
    return y, h, c


def pgn(x, w, hidden, window):
    """SPEC §4.3 `pgn`: H_t = Σ_{j<w} W[:,:,j] x_{t−w+j} + b (strictly
    earlier steps, x before 0 is 0); [G, Ĥ] = split(gate([x_t; H_t]));
    y_t = σ(G)⊙H_t + (1−σ(G))⊙tanh(Ĥ). w: hie.weight [d,c,w], hie.bias,
    gate.weight [2d, c+d], gate.bias."""
    x = np.asarray(x, np.float64)
    f = {k: np.asarray(v, np.float64) for k, v in w.items()}
    B, T, _ = x.shape
    d = hidden
    y = np.zeros((B, T, d))
    for t in range(T):
        h = np.tile(f["hie.bias"], (B, 1))
        for j in range(window):
            s = t - window + j
            if s >= 0:
                h = h + x[:, s] @ f["hie.weight"][:, :, j].T
        g = np.concatenate([x[:, t], h], axis=1) @ f["gate.weight"].T + f["gate.bias"]
        s_ = _sigmoid(g[:, :d])
        y[:, t] = s_ * h + (1 - s_) * np.tanh(g[:, d:])
    return y


def gam(x, w, kernel):
    """SPEC §4.3 `gam`: local = causal_conv1d(x); global = softmax(x Mᵀ) M;
    [g_l, g_g] = split(x Wgᵀ + bg); y = σ(g_l)⊙local + σ(g_g)⊙global."""
    x = np.asarray(x, np.float64)
    f = {k: np.asarray(v, np.float64) for k, v in w.items()}
    B, T, d = x.shape
    local = np.tile(f["conv.bias"], (B, T, 1))
    for t in range(T):
        for i in range(kernel):
            s = t - kernel + 1 + i
            if s >= 0:
                local[:, t] += f["conv.weight"][:, i] * x[:, s]
    sc = x @ f["memory"].T
    sc = np.exp(sc - sc.max(-1, keepdims=True))
    sc /= sc.sum(-1, keepdims=True)
    glob = sc @ f["memory"]
    g = x @ f["gate.weight"].T + f["gate.bias"]
    return _sigmoid(g[..., :d]) * local + _sigmoid(g[..., d:]) * glob
