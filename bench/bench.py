#!/usr/bin/env python3
"""seqc against PyTorch eager, on this machine with the same thread count.

For each case: builds a model description and random weights, compiles
them through the Python package (seqc.Model → seqc.compile; the module
saved with Module.save), times the saved module with `seqc run --repeat N`
(median of N runs after one warm-up, as seqc prints it) and times the same
math in PyTorch eager (median of N runs after one warm-up), the two in
turn for R rounds.
Prints a table of medians over the rounds, the median (and range) of the
rounds' ratios and, where a case counts its FLOPs, seqc's GFLOP/s against
the measured FMA peak (fma_peak, times the threads), and writes the
numbers as JSON.

usage: bench.py [--seqc build/bin/seqc] [--threads 2] [--repeat 20]
                [--rounds 3] [--cases mlp,gla_layer,gla_lm]
                [--json bench/results.json]
Needs numpy and torch with a real BLAS (Debian: python3-numpy python3-torch
libopenblas0-pthread; without OpenBLAS, torch uses the reference BLAS).
"""
import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np
import torch

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "python"))
from seqc.testing import package  # noqa: E402
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from models import (GLA_LM, gla_lm, gla_weights, rand,  # noqa: E402,F401
                    spiking_rwkv_weights)


# ---- cases: (model json, weights, inputs, torch function[, work]) -------------
# work, where given: the case's floating-point operations ({"flops": N}, for
# GFLOP/s against the FMA peak) or the bytes it must move ({"bytes": N}).

def mlp_block(rng, d, h):
    """rms_norm → glu_mlp → residual add: the model and its weights."""
    model = {"seqc_model": 1, "name": "mlp-block",
             "inputs": {"x": {"dtype": "f32", "shape": ["B", "T", d]}},
             "nodes": [
                 {"name": "norm", "op": "rms_norm", "inputs": ["x"]},
                 {"name": "mlp", "op": "glu_mlp", "inputs": ["norm"],
                  "attrs": {"hidden": h}},
                 {"name": "res", "op": "add", "inputs": ["x", "mlp"]}],
             "outputs": {"y": "res"}}
    w = {"norm.weight": 1 + rand(rng, d), "mlp.gate_proj.weight": rand(rng, h, d),
         "mlp.up_proj.weight": rand(rng, h, d),
         "mlp.down_proj.weight": rand(rng, d, h)}
    return model, w


def case_mlp(rng):
    """rms_norm → glu_mlp → residual add, B=1, T=512, d=512, hidden=1024."""
    b, t, d, h = 1, 512, 512, 1024
    model, w = mlp_block(rng, d, h)
    x = rand(rng, b, t, d, scale=1.0)
    tw = {k: torch.from_numpy(v) for k, v in w.items()}

    def run(x):
        n = x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + 1e-6) * tw["norm.weight"]
        g = torch.nn.functional.silu(n @ tw["mlp.gate_proj.weight"].T)
        u = n @ tw["mlp.up_proj.weight"].T
        return x + (g * u) @ tw["mlp.down_proj.weight"].T
    return model, w, {"x": x}, run, {"flops": 6 * b * t * d * h}


def torch_gla(x, w, p, heads, gate_norm=16.0, eps=1e-5):
    """The GLA layer in PyTorch eager, recurrent form (fla's
    naive_recurrent_gla), as a CPU user runs it today."""
    B, T, d = x.shape
    q, k, v = (x @ w[p + n].T for n in (".q_proj.weight", ".k_proj.weight",
                                        ".v_proj.weight"))
    gk = (x @ w[p + ".gk_proj.0.weight"].T) @ w[p + ".gk_proj.1.weight"].T \
        + w[p + ".gk_proj.1.bias"]
    g = torch.nn.functional.logsigmoid(gk) / gate_norm
    K, V = q.shape[-1] // heads, v.shape[-1] // heads
    q = q.view(B, T, heads, K) * K ** -0.5
    k, g = k.view(B, T, heads, K), g.view(B, T, heads, K)
    v = v.view(B, T, heads, V)
    s = torch.zeros(B, heads, K, V)
    outs = []
    for t in range(T):
        s = s * g[:, t].exp().unsqueeze(-1) + k[:, t].unsqueeze(-1) * v[:, t].unsqueeze(-2)
        outs.append(torch.einsum("bhk,bhkv->bhv", q[:, t], s))
    o = torch.stack(outs, 1)
    o = o * torch.rsqrt(o.pow(2).mean(-1, keepdim=True) + eps) \
        * w[p + ".g_norm_swish_gate.weight"]
    o = o.reshape(B, T, heads * V)
    return (o * torch.nn.functional.silu(x @ w[p + ".g_proj.weight"].T)) \
        @ w[p + ".o_proj.weight"].T, s


def case_gla_layer(rng):
    """One GLA layer (recurrent form), B=1, T=256, d=256, 4 heads."""
    b, t, d, heads = 1, 256, 256, 4
    model = {"seqc_model": 1, "name": "gla-layer",
             "inputs": {"x": {"dtype": "f32", "shape": ["B", "T", d]}},
             "nodes": [{"name": "gla", "op": "gla", "inputs": ["x"],
                        "attrs": {"heads": heads}}],
             "outputs": {"y": "gla", "state": "gla:1"}}
    w = gla_weights(rng, "gla", d, heads)
    tw = {k: torch.from_numpy(v) for k, v in w.items()}
    x = rand(rng, b, t, d, scale=1.0)
    return model, w, {"x": x}, lambda x: torch_gla(x, tw, "gla", heads)


def case_gla_lm(rng):
    """The example language model (examples/gla-lm), B=1, T=128 tokens."""
    model, w, ids = gla_lm(rng)
    heads = GLA_LM["heads"]
    tw = {k: torch.from_numpy(v) for k, v in w.items()}

    def rms(x, name):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + 1e-6) * tw[name]

    def run(ids):
        x = tw["embed.weight"][ids]
        states = []
        for blk in ("b0", "b1"):
            a, s = torch_gla(rms(x, blk + "_norm1.weight"), tw, blk + "_attn", heads)
            x = x + a
            n = rms(x, blk + "_norm2.weight")
            g = torch.nn.functional.silu(n @ tw[blk + "_mlp.gate_proj.weight"].T)
            x = x + (g * (n @ tw[blk + "_mlp.up_proj.weight"].T)) \
                @ tw[blk + "_mlp.down_proj.weight"].T
            states.append(s)
        return rms(x, "final_norm.weight") @ tw["head.weight"].T, states
    return model, w, {"ids": ids}, run


def case_lif(rng):
    """LIF neurons, B=16, T=64, N=16384, against the multi-step loop of
    SpikingJelly's torch backend (written out)."""
    b, t, n = 16, 64, 16384
    model = {"seqc_model": 1, "name": "lif",
             "inputs": {"x": {"dtype": "f32", "shape": ["B", "T", n]}},
             "nodes": [{"name": "lif", "op": "lif", "inputs": ["x"]}],
             "outputs": {"spikes": "lif"}}
    x = rand(rng, b, t, n, scale=1.5)

    def run(x, tau=2.0, v_th=1.0, v_reset=0.0):
        v = torch.full_like(x[:, 0], v_reset)
        spikes = []
        for step in range(x.shape[1]):
            h = v + (x[:, step] - (v - v_reset)) / tau
            s = (h >= v_th).to(x.dtype)
            v = h * (1 - s) + v_reset * s
            spikes.append(s)
        return torch.stack(spikes, 1)
    # Bytes a single pass must move: read x, write the spikes.
    return model, {}, {"x": x}, run, {"bytes": 2 * x.nbytes}


def case_spiking_rwkv(rng):
    """SpikeGPT's block, d=512, T=1024, B=1, against PyTorch eager."""
    b, t, d = 1, 1024, 512
    model = {"seqc_model": 1, "name": "spiking-rwkv",
             "inputs": {"x": {"dtype": "f32", "shape": ["B", "T", d]}},
             "nodes": [{"name": "blk", "op": "spiking_rwkv", "inputs": ["x"]}],
             "outputs": {"y": "blk"}}
    p = "blk."
    w = spiking_rwkv_weights(rng, p, d)
    tw = {k[len(p):]: torch.from_numpy(v) for k, v in w.items()}
    x = rand(rng, b, t, d, scale=1.0)

    def lif(a, tau=2.0):
        v = torch.zeros_like(a[:, 0])
        out = []
        for step in range(a.shape[1]):
            h = v + (a[:, step] - v) / tau
            s = (h >= 1.0).to(a.dtype)
            v = h * (1 - s)
            out.append(s)
        return torch.stack(out, 1)

    def wkv(k, v):
        wd, u = -torch.exp(tw["att.time_decay"]), tw["att.time_first"]
        aa = torch.zeros_like(k[:, 0]); bb = torch.zeros_like(aa)
        pp = torch.full_like(aa, -1e38)
        ys = []
        for step in range(k.shape[1]):
            kt, vt = k[:, step], v[:, step]
            ww = u + kt; q = torch.maximum(pp, ww)
            e1, e2 = torch.exp(pp - q), torch.exp(ww - q)
            ys.append((e1 * aa + e2 * vt) / (e1 * bb + e2))
            ww = wd + pp; q = torch.maximum(ww, kt)
            e1, e2 = torch.exp(ww - q), torch.exp(kt - q)
            aa, bb, pp = e1 * aa + e2 * vt, e1 * bb + e2, q
        return torch.stack(ys, 1)

    def mix(z, mu):
        shifted = torch.nn.functional.pad(z, (0, 0, 1, -1))
        return z * mu + shifted * (1 - mu)

    def run(x):
        ln = torch.nn.functional.layer_norm
        z = ln(x, (d,), tw["ln1.weight"], tw["ln1.bias"])
        k = mix(z, tw["att.time_mix_k"]) @ tw["att.key.weight"].T
        v = mix(z, tw["att.time_mix_v"]) @ tw["att.value.weight"].T
        r = torch.sigmoid(mix(z, tw["att.time_mix_r"]) @ tw["att.receptance.weight"].T)
        x = x + lif((r * wkv(k, v)) @ tw["att.output.weight"].T)
        z = ln(x, (d,), tw["ln2.weight"], tw["ln2.bias"])
        kk = torch.relu(mix(z, tw["ffn.time_mix_k"]) @ tw["ffn.key.weight"].T) ** 2
        rr = torch.sigmoid(mix(z, tw["ffn.time_mix_r"]) @ tw["ffn.receptance.weight"].T)
        return x + lif(rr * (kk @ tw["ffn.value.weight"].T))
    return model, w, {"x": x}, run


def case_rnn(cell):
    def make(rng):
        """torch.nn.GRU / LSTM, B=8, T=512, D=H=256, one layer."""
        b, t, d, h = 8, 512, 256, 256
        g = 3 if cell == "gru" else 4
        model = {"seqc_model": 1, "name": cell,
                 "inputs": {"x": {"dtype": "f32", "shape": ["B", "T", d]}},
                 "nodes": [{"name": "r", "op": "rnn", "inputs": ["x"],
                            "attrs": {"cell": cell, "hidden": h}}],
                 "outputs": {"y": "r"}}
        w = {"r.weight_ih_l0": rand(rng, g * h, d), "r.weight_hh_l0": rand(rng, g * h, h),
             "r.bias_ih_l0": rand(rng, g * h), "r.bias_hh_l0": rand(rng, g * h)}
        mod = (torch.nn.GRU if cell == "gru" else torch.nn.LSTM)(d, h, batch_first=True)
        with torch.no_grad():
            for name, p in mod.named_parameters():
                p.copy_(torch.from_numpy(w["r." + name]))
        x = rand(rng, b, t, d, scale=1.0)
        flops = 2 * b * t * (d + h) * g * h
        return model, w, {"x": x}, lambda x: mod(x)[0], {"flops": flops}
    return make


def one_node(name, op, d_in, attrs, weights):
    """A model of one node `n` on x [B, T, d_in]."""
    return {"seqc_model": 1, "name": name,
            "inputs": {"x": {"dtype": "f32", "shape": ["B", "T", d_in]}},
            "nodes": [{"name": "n", "op": op, "inputs": ["x"], "attrs": attrs}],
            "outputs": {"y": "n"}}, {"n." + k: v for k, v in weights.items()}


def case_pgn(rng):
    """PGN, B=8, T=512, c=d=256, window 4, against PyTorch eager: the
    history window as conv1d over the left-padded sequence, then the gate."""
    b, t, c, d, win = 8, 512, 256, 256, 4
    w = {"hie.weight": rand(rng, d, c, win), "hie.bias": rand(rng, d),
         "gate.weight": rand(rng, 2 * d, c + d), "gate.bias": rand(rng, 2 * d)}
    model, weights = one_node("pgn", "pgn", c, {"hidden": d, "window": win}, w)
    tw = {k: torch.from_numpy(v) for k, v in w.items()}

    def run(x):
        # H_t = Σ_j W[:, :, j] x_{t−w+j}: strictly earlier steps.
        xp = torch.nn.functional.pad(x.transpose(1, 2), (win, 0))[:, :, :x.shape[1] + win - 1]
        h = torch.nn.functional.conv1d(xp, tw["hie.weight"], tw["hie.bias"])
        h = h.transpose(1, 2)
        g = torch.cat([x, h], -1) @ tw["gate.weight"].T + tw["gate.bias"]
        s = torch.sigmoid(g[..., :d])
        return s * h + (1 - s) * torch.tanh(g[..., d:])
    return model, weights, {"x": rand(rng, b, t, c, scale=1.0)}, run


def case_gam(rng):
    """GAM, B=8, T=512, d=256, 512 memory slots, kernel 3, against PyTorch
    eager (depthwise causal conv1d, softmax over the memory, gates)."""
    b, t, d, slots, k = 8, 512, 256, 512, 3
    w = {"conv.weight": rand(rng, d, k), "conv.bias": rand(rng, d),
         "memory": rand(rng, slots, d), "gate.weight": rand(rng, 2 * d, d),
         "gate.bias": rand(rng, 2 * d)}
    model, weights = one_node("gam", "gam", d, {"slots": slots, "kernel": k}, w)
    tw = {n: torch.from_numpy(v) for n, v in w.items()}

    def run(x):
        xp = torch.nn.functional.pad(x.transpose(1, 2), (k - 1, 0))
        local = torch.nn.functional.conv1d(xp, tw["conv.weight"][:, None, :],
                                           tw["conv.bias"], groups=d)
        local = local.transpose(1, 2)
        glob = torch.softmax(x @ tw["memory"].T, -1) @ tw["memory"]
        g = x @ tw["gate.weight"].T + tw["gate.bias"]
        return torch.sigmoid(g[..., :d]) * local + torch.sigmoid(g[..., d:]) * glob
    return model, weights, {"x": rand(rng, b, t, d, scale=1.0)}, run


def takes_gqa(sdpa):
    """Whether SDPA takes grouped kv heads itself (enable_gqa, 2.5+), so
    that the baseline need not copy them."""
    z = torch.zeros
    try:
        sdpa(z(1, 2, 1, 1), z(1, 1, 1, 1), z(1, 1, 1, 1), enable_gqa=True)
        return True
    except TypeError:
        return False


def rope_tables(theta, dh, first, count):
    """cos and sin [count, dh/2] of RoPE's angles at positions first.."""
    half = dh // 2
    freq = theta ** (-torch.arange(half, dtype=torch.float32) * 2 / dh)
    angle = (first + torch.arange(count, dtype=torch.float32))[:, None] * freq
    return angle.cos(), angle.sin()


def rotate_half(z, cos, sin):
    """NeoX rotate-half RoPE of z [B, heads, T, dh] by rope_tables'."""
    half = z.shape[-1] // 2
    a, c = z[..., :half], z[..., half:]
    return torch.cat([a * cos - c * sin, c * cos + a * sin], -1)


def attention_weights(rng, d, heads, kv, dh):
    """gated_attention's weights (elementwise gate), random."""
    return {"q_proj.weight": rand(rng, heads * dh, d),
            "k_proj.weight": rand(rng, kv * dh, d),
            "v_proj.weight": rand(rng, kv * dh, d),
            "gate_proj.weight": rand(rng, heads * dh, d),
            "o_proj.weight": rand(rng, d, heads * dh)}


def case_gated_attn(rng):
    """gated_attention (Qwen3 style), B=1, T=2048, d=512, 8 query heads, 2
    kv heads, head_dim 64, RoPE, elementwise gate, against PyTorch eager:
    F.scaled_dot_product_attention (causal; with enable_gqa where this
    PyTorch has it, 2.5+, else kv heads repeated) where it has SDPA (2.0+),
    else its math formulation (masked softmax between two batched matmuls),
    plus the gate."""
    b, t, d, heads, kv, dh, theta = 1, 2048, 512, 8, 2, 64, 1e6
    w = attention_weights(rng, d, heads, kv, dh)
    model, weights = one_node("gated-attn", "gated_attention", d,
                              {"heads": heads, "kv_heads": kv, "head_dim": dh,
                               "gate": "elementwise", "rope_theta": theta}, w)
    tw = {k: torch.from_numpy(v) for k, v in w.items()}
    cos, sin = rope_tables(theta, dh, 0, t)
    sdpa = getattr(torch.nn.functional, "scaled_dot_product_attention", None)
    gqa = sdpa is not None and takes_gqa(sdpa)

    def rope(z):                                   # [B, heads, T, dh]
        return rotate_half(z, cos, sin)

    def run(x):
        q = (x @ tw["q_proj.weight"].T).view(b, t, heads, dh).transpose(1, 2)
        k = (x @ tw["k_proj.weight"].T).view(b, t, kv, dh).transpose(1, 2)
        v = (x @ tw["v_proj.weight"].T).view(b, t, kv, dh).transpose(1, 2)
        q, k = rope(q), rope(k)
        if gqa:
            o = sdpa(q, k, v, is_causal=True, enable_gqa=True)
        elif sdpa is not None:
            k = k.repeat_interleave(heads // kv, 1)
            v = v.repeat_interleave(heads // kv, 1)
            o = sdpa(q, k, v, is_causal=True)
        else:
            k = k.repeat_interleave(heads // kv, 1)
            v = v.repeat_interleave(heads // kv, 1)
            s = (q @ k.transpose(-1, -2)) * dh ** -0.5
            s = s.masked_fill(torch.ones(t, t, dtype=torch.bool).triu(1), float("-inf"))
            o = torch.softmax(s, -1) @ v
        o = o.transpose(1, 2).reshape(b, t, heads * dh)
        return (o * torch.sigmoid(x @ tw["gate_proj.weight"].T)) @ tw["o_proj.weight"].T
    # Projections (q, k, v, gate; o) and causal attention (q kᵀ and P V
    # over the t(t + 1)/2 query-key pairs of each head).
    flops = (2 * b * t * d * (2 * heads + 2 * kv) * dh + 2 * b * t * heads * dh * d
             + 2 * b * heads * dh * t * (t + 1))
    return model, weights, {"x": rand(rng, b, t, d, scale=1.0)}, run, {"flops": flops}


def case_gated_attn_decode(rng):
    """gated_attention's decode step (docs/attention-ops.md): the layer of
    case_gated_attn at T = 1 after P = 2047 cached positions, B = 1. seqc
    reads the cache k_past/v_past [1, P, 128] (keys after RoPE) and
    returns the layer's output and the cache with the new position
    appended; PyTorch eager does a decode step as HF's KV cache does: the
    new token's q and k rotated at position P, k and v appended to the
    cache (torch.cat), SDPA (enable_gqa where it has it) over the P + 1
    keys, the gate and o_proj."""
    b, p, d, heads, kv, dh, theta = 1, 2047, 512, 8, 2, 64, 1e6
    w = attention_weights(rng, d, heads, kv, dh)
    model = {"seqc_model": 1, "name": "gated-attn-decode",
             "inputs": {"x": {"dtype": "f32", "shape": ["B", "T", d]},
                        "k_past": {"dtype": "f32", "shape": ["B", "P", kv * dh]},
                        "v_past": {"dtype": "f32", "shape": ["B", "P", kv * dh]}},
             "nodes": [{"name": "n", "op": "gated_attention",
                        "inputs": ["x", "k_past", "v_past"],
                        "attrs": {"heads": heads, "kv_heads": kv, "head_dim": dh,
                                  "gate": "elementwise", "rope_theta": theta}}],
             "outputs": {"y": "n", "k": "n:1", "v": "n:2"}}
    weights = {"n." + k: v for k, v in w.items()}
    tw = {k: torch.from_numpy(v) for k, v in w.items()}
    sdpa = torch.nn.functional.scaled_dot_product_attention
    gqa = takes_gqa(sdpa)

    def rope(z, first):                            # [B, heads, T, dh]
        return rotate_half(z, *rope_tables(theta, dh, first, z.shape[2]))

    x = rand(rng, b, 1, d, scale=1.0)
    k_past = rand(rng, b, p, kv * dh, scale=1.0)
    v_past = rand(rng, b, p, kv * dh, scale=1.0)
    # PyTorch's cache: the same rotated keys and values, [B, kv, P, dh].
    k_cache = torch.from_numpy(k_past).view(b, p, kv, dh).transpose(1, 2)
    v_cache = torch.from_numpy(v_past).view(b, p, kv, dh).transpose(1, 2)

    def run(x, _k_past, _v_past):
        q = (x @ tw["q_proj.weight"].T).view(b, 1, heads, dh).transpose(1, 2)
        k = (x @ tw["k_proj.weight"].T).view(b, 1, kv, dh).transpose(1, 2)
        v = (x @ tw["v_proj.weight"].T).view(b, 1, kv, dh).transpose(1, 2)
        q, k = rope(q, p), rope(k, p)
        keys, values = torch.cat([k_cache, k], 2), torch.cat([v_cache, v], 2)
        if not gqa:
            keys = keys.repeat_interleave(heads // kv, 1)
            values = values.repeat_interleave(heads // kv, 1)
        o = (sdpa(q, keys, values, enable_gqa=True) if gqa
             else sdpa(q, keys, values))
        o = o.transpose(1, 2).reshape(b, 1, heads * dh)
        y = (o * torch.sigmoid(x @ tw["gate_proj.weight"].T)) @ tw["o_proj.weight"].T
        return y, keys, values
    return model, weights, {"x": x, "k_past": k_past, "v_past": v_past}, run


CASES = {"mlp": case_mlp, "gru": case_rnn("gru"), "lstm": case_rnn("lstm"), "gla_layer": case_gla_layer, "gla_lm": case_gla_lm,
         "lif": case_lif, "spiking_rwkv": case_spiking_rwkv, "pgn": case_pgn,
         "gam": case_gam, "gated_attn": case_gated_attn,
         "gated_attn_decode": case_gated_attn_decode}


def blas_name():
    """The BLAS library PyTorch's matmuls end up in: Debian's torch calls
    the system libblas.so.3 (the reference BLAS unless OpenBLAS or another
    provider is installed); PyPI's wheels bring their own (MKL)."""
    path = "/etc/alternatives/libblas.so.3-x86_64-linux-gnu"
    if torch.__file__.startswith("/usr/lib/python3/") and os.path.exists(path):
        return os.path.realpath(path).split("/")[-2]
    return torch.__config__.show().split("BLAS_INFO=")[-1].split(",")[0]


def memory_bandwidth():
    """GB/s of a large copy (read + write), the machine's practical peak."""
    src = np.ones(64 * 1024 * 1024 // 4 * 4, dtype=np.float32)  # 256 MiB
    dst = np.empty_like(src)
    times = []
    for _ in range(5):
        start = time.perf_counter()
        np.copyto(dst, src)
        times.append(time.perf_counter() - start)
    return 2 * src.nbytes / min(times) / 1e9

# ---- timing -----------------------------------------------------------------


def seqc_timer(seqc, model, weights, inputs, workdir, threads, repeat,
               flags=()):
    """Compiles the model through the package (seqc.Model → seqc.compile,
    the `seqc compile` flags `flags` as its options, with the build of the
    binary `seqc`) and saves the module into a new directory under
    `workdir`: (timer, compile s), where timer() runs the saved module with
    `seqc run --repeat` (the runtime's own timer, no Python in the loop)
    and returns its median ms (while `workdir` lasts)."""
    workdir = tempfile.mkdtemp(dir=workdir)
    start = time.perf_counter()
    with package.compile_model(model, weights, flags,
                               seqc_path=seqc) as module:
        compile_s = time.perf_counter() - start
        so = module.save(os.path.join(workdir, "model.so"))
    args = [seqc, "run", so, "--threads", str(threads), "--repeat", str(repeat)]
    wpath = os.path.join(workdir, "model.safetensors")   # Module.save's
    if os.path.exists(wpath):
        args += ["--weights", wpath]
    for name, a in inputs.items():
        p = os.path.join(workdir, name + ".npy")
        np.save(p, a)
        args += ["--input", f"{name}={p}"]

    def timer():
        out = subprocess.run(args, check=True, capture_output=True, text=True)
        m = re.search(r"run: \d+ runs, min ([0-9.]+) ms, median ([0-9.]+) ms",
                      out.stderr)
        return float(m.group(2))
    return timer, compile_s


def time_torch(fn, inputs, threads, repeat):
    torch.set_num_threads(threads)
    args = [torch.from_numpy(a) for a in inputs.values()]
    with torch.no_grad():
        fn(*args)
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            fn(*args)
            times.append((time.perf_counter() - start) * 1e3)
    return statistics.median(times)


def interleave(timers, rounds):
    """Runs the timers (name: callable returning a median in ms) in turn,
    `rounds` times over, so that a slow spell of a shared machine falls on
    all of them alike rather than on one: per name, its rounds' medians."""
    runs = {name: [] for name in timers}
    for _ in range(rounds):
        for name, timer in timers.items():
            runs[name].append(timer())
    return runs


def ratio_of_rounds(slow, fast):
    """The median over rounds of slow / fast (each round's pair timed back
    to back), with the lowest and highest."""
    ratios = sorted(s / f for s, f in zip(slow, fast))
    return statistics.median(ratios), ratios[0], ratios[-1]


PEAK_C = r"""
#include <immintrin.h>
#include <stdio.h>
#include <time.h>
#ifdef __AVX512F__
typedef __m512 V; enum { LANES = 16 };
#define FMA _mm512_fmadd_ps
#define SET1 _mm512_set1_ps
#define ADD _mm512_add_ps
#define SUM(v) _mm512_reduce_add_ps(v)
#else
typedef __m256 V; enum { LANES = 8 };
#define FMA _mm256_fmadd_ps
#define SET1 _mm256_set1_ps
#define ADD _mm256_add_ps
static float SUM(V v) { float f[8]; _mm256_storeu_ps(f, v); float s = 0;
  for (int i = 0; i < 8; ++i) s += f[i]; return s; }
#endif
#define STEP(i) acc##i = FMA(acc##i, a, b);
int main(void) {
  V a = SET1(1.0000001f), b = SET1(0.9999999f);
  V acc0 = SET1(0), acc1 = SET1(1), acc2 = SET1(2), acc3 = SET1(3),
    acc4 = SET1(4), acc5 = SET1(5), acc6 = SET1(6), acc7 = SET1(7),
    acc8 = SET1(8), acc9 = SET1(9), acc10 = SET1(10), acc11 = SET1(11);
  long iters = 200000000;
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  for (long n = 0; n < iters; ++n) {
    STEP(0) STEP(1) STEP(2) STEP(3) STEP(4) STEP(5)
    STEP(6) STEP(7) STEP(8) STEP(9) STEP(10) STEP(11)
    __asm__ volatile("" : "+v"(acc0), "+v"(acc1), "+v"(acc2), "+v"(acc3),
                     "+v"(acc4), "+v"(acc5), "+v"(acc6), "+v"(acc7),
                     "+v"(acc8), "+v"(acc9), "+v"(acc10), "+v"(acc11));
  }
  clock_gettime(CLOCK_MONOTONIC, &t1);
  V s = ADD(ADD(ADD(acc0, acc1), ADD(acc2, acc3)), ADD(ADD(acc4, acc5), ADD(acc6, acc7)));
  s = ADD(s, ADD(ADD(acc8, acc9), ADD(acc10, acc11)));
  double sec = (t1.tv_sec - t0.tv_sec) + 1e-9 * (t1.tv_nsec - t0.tv_nsec);
  printf("%f %d %f\n", 2.0 * LANES * 12 * iters / sec / 1e9, LANES, SUM(s));
  return 0;
}
"""


def fma_peak():
    """Single-thread vector FMA peak in GFLOP/s, and the vector width."""
    with tempfile.TemporaryDirectory() as wd:
        src, exe = os.path.join(wd, "peak.c"), os.path.join(wd, "peak")
        with open(src, "w") as f:
            f.write(PEAK_C)
        subprocess.run(["cc", "-O2", "-march=native", src, "-o", exe], check=True)
        best = 0.0
        for _ in range(3):
            gflops, lanes, _ = subprocess.run(
                [exe], check=True, capture_output=True, text=True).stdout.split()
            best = max(best, float(gflops))
    return best, int(lanes)


def write_json(path, opts, rows, **facts):
    """The results of a benchmark script: its options, `facts`, and a row
    per case."""
    with open(path, "w") as f:
        json.dump({"threads": opts.threads, "repeat": opts.repeat,
                   "rounds": opts.rounds, "torch": torch.__version__,
                   **facts, "cases": rows}, f, indent=2)


def bench_parser(description, threads=2, repeat=20, rounds=3):
    """The options every benchmark script has: --seqc, --threads, --repeat,
    --rounds (see interleave), --json."""
    ap = argparse.ArgumentParser(description=description,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("--seqc", default=os.path.join(here, "..", "build", "bin", "seqc"))
    ap.add_argument("--threads", type=int, default=threads)
    ap.add_argument("--repeat", type=int, default=repeat)
    ap.add_argument("--json", default=None)
    ap.add_argument("--rounds", type=int, default=rounds,
                    help="rounds of timing every row in turn, --repeat runs each")
    return ap


def main():
    ap = bench_parser(__doc__)
    ap.add_argument("--cases", default=",".join(CASES))
    opts = ap.parse_args()
    rows = []
    bandwidth = memory_bandwidth()
    peak = fma_peak()[0] * opts.threads
    print(f"threads={opts.threads} repeat={opts.repeat} rounds={opts.rounds} "
          f"torch={torch.__version__} BLAS={blas_name()} "
          f"copy bandwidth={bandwidth:.1f} GB/s FMA peak={peak:.0f} GFLOP/s")
    print(f"{'case':<12} {'seqc ms':>10} {'torch ms':>10} {'torch/seqc':>11} "
          f"{'(range)':>12} {'compile s':>10} {'seqc GB/s':>10} "
          f"{'GFLOP/s':>8} {'of peak':>8}")
    for name in opts.cases.split(","):
        rng = np.random.default_rng(0)
        model, weights, inputs, fn, *extra = CASES[name](rng)
        work = extra[0] if extra else {}
        with tempfile.TemporaryDirectory() as wd:
            seqc, compile_s = seqc_timer(opts.seqc, model, weights, inputs, wd,
                                         opts.threads, opts.repeat)
            runs = interleave(
                {"seqc": seqc,
                 "torch": lambda: time_torch(fn, inputs, opts.threads,
                                             opts.repeat)}, opts.rounds)
        seqc_ms = statistics.median(runs["seqc"])
        torch_ms = statistics.median(runs["torch"])
        ratio, low, high = ratio_of_rounds(runs["torch"], runs["seqc"])
        gbs = work["bytes"] / seqc_ms / 1e6 if "bytes" in work else None
        gflops = work["flops"] / seqc_ms / 1e6 if "flops" in work else None
        of_peak = gflops / peak if gflops else None
        rows.append({"case": name, "seqc_median_ms": seqc_ms,
                     "torch_median_ms": torch_ms,
                     "ratio_torch_over_seqc": ratio,
                     "ratio_range": [low, high], "rounds": runs,
                     "compile_s": compile_s, "seqc_gb_per_s": gbs,
                     "seqc_gflops": gflops,
                     "fraction_of_peak": of_peak})
        print(f"{name:<12} {seqc_ms:>10.3f} {torch_ms:>10.3f} "
              f"{ratio:>10.2f}x {f'{low:.2f}-{high:.2f}':>12} {compile_s:>10.2f} "
              + (f"{gbs:>10.1f}" if gbs else f"{'':>10}")
              + (f" {gflops:>8.1f} {of_peak:>7.0%}" if gflops else ""))
    if opts.json:
        with open(opts.json, "w") as f:
            json.dump({"threads": opts.threads, "repeat": opts.repeat,
                       "rounds": opts.rounds,
                       "copy_bandwidth_gb_per_s": bandwidth,
                       "fma_peak_gflops": peak,
                       "torch": torch.__version__, "blas": blas_name(),
                       "cases": rows}, f, indent=2)


if __name__ == "__main__":
    main()
