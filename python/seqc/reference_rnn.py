"""float64 reference of SPEC §4.3 `rnn`: torch.nn.GRU and torch.nn.LSTM with
batch_first=True, written from PyTorch's documented equations.

GRU, gate order r, z, n:
    r = σ(W_ir x + b_ir + W_hr h + b_hr)
    z = σ(W_iz x + b_iz + W_hz h + b_hz)
    n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))
    h' = (1 − z) ⊙ n + z ⊙ h
LSTM, gate order i, f, g, o:
    i, f, o = σ(·), g = tanh(·) of W_i* x + b_i* + W_h* h + b_h*
    c' = f ⊙ c + i ⊙ g,  h' = o ⊙ tanh(c')
"""
import numpy as np


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def rnn(x, w, cell, hidden, layers=1, h0=None, c0=None):
    """x [B, T, D]; w maps `weight_ih_l{l}` etc. to arrays. Returns y
    [B, T, H], h_n [L, B, H] and, for lstm, c_n [L, B, H]."""
    x = np.asarray(x, np.float64)
    B, T, _ = x.shape
    H = hidden
    h_n = np.zeros((layers, B, H))
    c_n = np.zeros((layers, B, H))
    seq = x
    for l in range(layers):
        wih = np.asarray(w[f"weight_ih_l{l}"], np.float64)
        whh = np.asarray(w[f"weight_hh_l{l}"], np.float64)
        bih = np.asarray(w[f"bias_ih_l{l}"], np.float64)
        bhh = np.asarray(w[f"bias_hh_l{l}"], np.float64)
        h = np.zeros((B, H)) if h0 is None else np.asarray(h0[l], np.float64)
        c = np.zeros((B, H)) if c0 is None else np.asarray(c0[l], np.float64)
        out = np.zeros((B, T, H))
        for t in range(T):
            gi = seq[:, t] @ wih.T + bih
            gh = h @ whh.T + bhh
            if cell == "gru":
                r = _sigmoid(gi[:, :H] + gh[:, :H])
                z = _sigmoid(gi[:, H:2 * H] + gh[:, H:2 * H])
                n = np.tanh(gi[:, 2 * H:] + r * gh[:, 2 * H:])
                h = (1 - z) * n + z * h
            else:
                g = gi + gh
                i, f = _sigmoid(g[:, :H]), _sigmoid(g[:, H:2 * H])
                gg, o = np.tanh(g[:, 2 * H:3 * H]), _sigmoid(g[:, 3 * H:])
                c = f * c + i * gg
                h = o * np.tanh(c)
            out[:, t] = h
        h_n[l], c_n[l] = h, c
        seq = out
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
