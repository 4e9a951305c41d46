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
