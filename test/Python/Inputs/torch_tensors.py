#!/usr/bin/env python3
"""The Python package on torch tensors (SPEC §7): CPU tensors in, torch
tensors out (torch.from_numpy over the runtime's buffers), read in place
(the runtime gets the tensors' own storage), bfloat16 inputs, strided
tensors copied once, nn.Linear parameters as a seqc.Model's weights;
every output checked against the float64 references of
python/seqc/reference.py (SPEC §5).

usage: torch_tensors.py"""
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "..", "python"))
import seqc  # noqa: E402
from seqc import reference as ref  # noqa: E402
from tally import check, summary  # noqa: E402

D, O = 21, 13


def close(got, want):
    got = got.detach().cpu().double().numpy()
    return (got.shape == want.shape and np.abs(got - want).max()
            <= 1e-4 * max(1.0, np.abs(want).max()))


def model(dtype="f32"):
    return {"seqc_model": 1, "name": "torchy",
            "inputs": {"x": {"dtype": dtype, "shape": ["B", "T", D]}},
            "nodes": [{"name": "l0", "op": "linear", "inputs": ["x"],
                       "attrs": {"out": O}},
                      {"name": "a0", "op": "act", "inputs": ["l0"],
                       "attrs": {"kind": "silu"}}],
            "outputs": {"y": "a0"}}


def main():
    torch.manual_seed(0)
    linear = torch.nn.Linear(D, O)  # parameters with requires_grad
    w = {"l0.weight": linear.weight, "l0.bias": linear.bias}
    w64 = {k: v.detach().double().numpy() for k, v in w.items()}
    module = seqc.compile(seqc.Model(model(), w))

    def want(x):
        h = ref.linear(x.detach().double().numpy(), w64["l0.weight"],
                       w64["l0.bias"])
        return h / (1 + np.exp(-h))

    x = torch.randn(3, 9, D)
    y = module(x)["y"]
    check("torch in, torch out", isinstance(y, torch.Tensor)
          and y.dtype == torch.float32 and close(y, want(x)))
    bound = module.bind(x)
    check("a contiguous tensor goes in without a copy",
          bound[0].tensor.data == x.data_ptr() and not bound[0].copied)
    grad = torch.randn(2, 4, D, requires_grad=True)
    check("a tensor that requires grad", close(module(grad)["y"], want(grad)))
    strided = torch.randn(2, D, 6).transpose(1, 2)
    check("a strided tensor is copied once and right",
          module.bind(strided)[0].copied
          and close(module(strided)["y"], want(strided)))
    wrong = seqc_error(lambda: module(x.double()))
    check("float64 is an Error", wrong == "<Model 'torchy'>/model.json: "
          "input 'x' must be f32, got torch.float64", repr(wrong))

    bf16 = seqc.compile(seqc.Model(model("bf16"), w))
    xb = torch.randn(2, 5, D).to(torch.bfloat16)
    check("bfloat16 tensors go in as bf16",
          not bf16.bind(xb)[0].copied and close(bf16(xb)["y"], want(xb)))
    return summary()


def seqc_error(fn):
    try:
        fn()
    except seqc.Error as e:
        return str(e)
    return None


if __name__ == "__main__":
    sys.exit(main())
