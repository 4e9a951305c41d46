#!/usr/bin/env python3
"""Makes random weights for examples/gla-lm/gla-lm.json (byte vocabulary 256,
d = 64, two GLA blocks with 4 heads, GLU MLP hidden 128). Names and shapes
follow SPEC §4 for each node.

usage: make_weights.py OUT.safetensors
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..",
                                "python"))
from seqc.safetensors_io import write_random  # noqa: E402

VOCAB, D, HEADS, HIDDEN, GATE_RANK = 256, 64, 4, 128, 16
KEY, VALUE = D // 2, D


def gla(prefix):
    return [
        (prefix + ".q_proj.weight", [KEY, D]),
        (prefix + ".k_proj.weight", [KEY, D]),
        (prefix + ".v_proj.weight", [VALUE, D]),
        (prefix + ".g_proj.weight", [VALUE, D]),
        (prefix + ".gk_proj.0.weight", [GATE_RANK, D]),
        (prefix + ".gk_proj.1.weight", [KEY, GATE_RANK]),
        (prefix + ".gk_proj.1.bias", [KEY]),
        (prefix + ".g_norm_swish_gate.weight", [VALUE // HEADS]),
        (prefix + ".o_proj.weight", [D, VALUE]),
    ]


def glu(prefix):
    return [(prefix + ".gate_proj.weight", [HIDDEN, D]),
            (prefix + ".up_proj.weight", [HIDDEN, D]),
            (prefix + ".down_proj.weight", [D, HIDDEN])]


def main(out):
    specs = [("embed.weight", [VOCAB, D])]
    for b in ("b0", "b1"):
        specs += [(b + "_norm1.weight", [D])] + gla(b + "_attn")
        specs += [(b + "_norm2.weight", [D])] + glu(b + "_mlp")
    specs += [("final_norm.weight", [D]), ("head.weight", [VOCAB, D])]
    write_random(out, [(n, "f32", s) for n, s in specs], scale=0.2)


if __name__ == "__main__":
    main(sys.argv[1])
