"""Models and weights the benchmark scripts share, torch-free (bench.py
times them against PyTorch; compare_builds.py against another seqc
build, with numpy only)."""
import json
import os

import numpy as np


def rand(rng, *shape, scale=0.1):
    return (rng.standard_normal(shape) * scale).astype(np.float32)


def gla_weights(rng, prefix, d, heads, rank=16):
    """A GLA layer's weights (key_dim d/2, value_dim d), named prefix.*
    (or unprefixed for an empty prefix)."""
    k, v = d // 2, d
    p = prefix + "." if prefix else ""
    return {p + "q_proj.weight": rand(rng, k, d),
            p + "k_proj.weight": rand(rng, k, d),
            p + "v_proj.weight": rand(rng, v, d),
            p + "g_proj.weight": rand(rng, v, d),
            p + "gk_proj.0.weight": rand(rng, rank, d),
            p + "gk_proj.1.weight": rand(rng, k, rank),
            p + "gk_proj.1.bias": rand(rng, k),
            p + "g_norm_swish_gate.weight": 1 + rand(rng, v // heads),
            p + "o_proj.weight": rand(rng, d, v)}


GLA_LM = {"d": 64, "heads": 4, "hidden": 128, "vocab": 256}


def gla_lm(rng, tokens=128):
    """The example language model (examples/gla-lm): its description (no
    weights file), random weights and `tokens` ids, B=1."""
    here = os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(here, "..", "examples", "gla-lm", "gla-lm.json")) as f:
        model = json.load(f)
    model.pop("weights")
    d, heads, hidden, vocab = (GLA_LM[k] for k in ("d", "heads", "hidden", "vocab"))
    w = {"embed.weight": rand(rng, vocab, d, scale=1.0)}
    for blk in ("b0", "b1"):
        w[blk + "_norm1.weight"] = 1 + rand(rng, d)
        w.update(gla_weights(rng, blk + "_attn", d, heads))
        w[blk + "_norm2.weight"] = 1 + rand(rng, d)
        w[blk + "_mlp.gate_proj.weight"] = rand(rng, hidden, d)
        w[blk + "_mlp.up_proj.weight"] = rand(rng, hidden, d)
        w[blk + "_mlp.down_proj.weight"] = rand(rng, d, hidden)
    w["final_norm.weight"] = 1 + rand(rng, d)
    w["head.weight"] = rand(rng, vocab, d)
    ids = rng.integers(0, vocab, size=(1, tokens)).astype(np.int64)
    return model, w, ids


def spiking_rwkv_weights(rng, prefix, d):
    """SpikeGPT's block weights (ffn hidden 4d), named prefix*."""
    p, f, w = prefix, 4 * d, {}
    for ln in ("ln1", "ln2"):
        w[p + ln + ".weight"] = 1 + rand(rng, d)
        w[p + ln + ".bias"] = rand(rng, d)
    w[p + "att.time_decay"] = rand(rng, d, scale=1.0)
    w[p + "att.time_first"] = rand(rng, d, scale=1.0)
    for m in ("k", "v", "r"):
        w[p + "att.time_mix_" + m] = rng.random(d).astype(np.float32)
    for m in ("key", "value", "receptance", "output"):
        w[p + "att." + m + ".weight"] = rand(rng, d, d, scale=0.05)
    for m in ("k", "r"):
        w[p + "ffn.time_mix_" + m] = rng.random(d).astype(np.float32)
    w[p + "ffn.key.weight"] = rand(rng, f, d, scale=0.05)
    w[p + "ffn.receptance.weight"] = rand(rng, d, d, scale=0.05)
    w[p + "ffn.value.weight"] = rand(rng, d, f, scale=0.05)
    return w
