#!/usr/bin/env python3
"""seq.rnn (GRU and LSTM) through `seqc run` against the float64 reference
(python/seqc/reference_rnn.py) and, where PyTorch is installed, against
torch.nn.GRU / torch.nn.LSTM themselves (in float64).

usage: rnn.py SEQC WORKDIR [--cases N] [--perturb] [--static-dims]

--static-dims: the model's batch and time dims are fixed numbers instead of
"B" and "T": B fixed, T fixed, or both, in turn every 6 cases.
"""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "..", "python"))
from seqc.reference_rnn import rnn as reference  # noqa: E402
from seqc.run_model import (TOL, parse_case_args, relative_error,  # noqa: E402
                            run_model)

# --static-dims: which of the model's dims "B" and "T" are fixed numbers.
STATIC_MIXES = [("B",), ("T",), ("B", "T")]

try:
    import torch
except ImportError:
    torch = None


def torch_rnn(cell, x, w, hidden, layers, h0, c0):
    mod = (torch.nn.GRU if cell == "gru" else torch.nn.LSTM)(
        x.shape[2], hidden, layers, batch_first=True).double()
    with torch.no_grad():
        for name, p in mod.named_parameters():
            p.copy_(torch.from_numpy(w[name].astype(np.float64)))
        args = [torch.from_numpy(x.astype(np.float64))]
        state = None
        if cell == "gru" and h0 is not None:
            state = torch.from_numpy(h0.astype(np.float64))
        if cell == "lstm" and h0 is not None:
            state = (torch.from_numpy(h0.astype(np.float64)),
                     torch.from_numpy(c0.astype(np.float64)))
        y, st = mod(*args, state) if state is not None else mod(*args)
    if cell == "gru":
        return y.numpy(), st.numpy()
    return y.numpy(), st[0].numpy(), st[1].numpy()


def options(ap):
    ap.add_argument("--static-dims", action="store_true")


def main():
    opts = parse_case_args(__doc__, options)
    rng = np.random.default_rng(11)
    passed = failed = 0
    for case in range(opts.cases):
        cell = ["gru", "lstm"][case % 2]
        layers = 1 + (case // 2) % 2
        d, h = [(1, 1), (5, 3), (7, 8), (16, 17), (33, 5)][case % 5]
        b, t = [(1, 1), (2, 7), (3, 37), (1, 65)][case % 4]
        with_state = case % 3 == 0
        static = STATIC_MIXES[case // 6 % 3] if opts.static_dims else ()
        B = b if "B" in static else "B"
        T = t if "T" in static else "T"
        g = 3 if cell == "gru" else 4
        w = {}
        for l in range(layers):
            inp = d if l == 0 else h
            w[f"weight_ih_l{l}"] = rng.uniform(-0.5, 0.5, (g * h, inp)).astype(np.float32)
            w[f"weight_hh_l{l}"] = rng.uniform(-0.5, 0.5, (g * h, h)).astype(np.float32)
            w[f"bias_ih_l{l}"] = rng.uniform(-0.5, 0.5, (g * h,)).astype(np.float32)
            w[f"bias_hh_l{l}"] = rng.uniform(-0.5, 0.5, (g * h,)).astype(np.float32)
        x = rng.standard_normal((b, t, d)).astype(np.float32)
        h0 = rng.standard_normal((layers, b, h)).astype(np.float32) if with_state else None
        c0 = rng.standard_normal((layers, b, h)).astype(np.float32) if with_state else None
        inputs = {"x": {"dtype": "f32", "shape": [B, T, d]}}
        node_inputs, arrays = ["x"], {"x": x}
        if with_state:
            inputs["h0"] = {"dtype": "f32", "shape": [layers, B, h]}
            node_inputs.append("h0")
            arrays["h0"] = h0
            if cell == "lstm":
                inputs["c0"] = {"dtype": "f32", "shape": [layers, B, h]}
                node_inputs.append("c0")
                arrays["c0"] = c0
        outputs = {"y": "r", "h_n": "r:1"}
        if cell == "lstm":
            outputs["c_n"] = "r:2"
        model = {"seqc_model": 1, "name": f"rnn{case}", "inputs": inputs,
                 "nodes": [{"name": "r", "op": "rnn", "inputs": node_inputs,
                            "attrs": {"cell": cell, "hidden": h, "layers": layers}}],
                 "outputs": outputs}
        got = run_model(opts.seqc, os.path.join(opts.work, f"case{case}"), model,
                        {"r." + k: v for k, v in w.items()}, arrays)
        if isinstance(got, str):
            failed += 1
            print(f"FAIL case {case} {cell}: seqc run failed: {got}")
            continue
        want = reference(x, w, cell, h, layers,
                         h0 if with_state else None, c0 if with_state else None)
        checks = [("reference", want)]
        if torch is not None:
            checks.append(("torch", torch_rnn(cell, x, w, h, layers,
                                              h0 if with_state else None,
                                              c0 if with_state else None)))
        worst = max(relative_error(g_, e, opts.perturb)
                    for _, expect in checks for g_, e in zip(got, expect))
        ok = worst <= TOL
        passed += ok
        failed += not ok
        against = "reference and torch" if torch is not None else "reference"
        print(f"{'PASS' if ok else 'FAIL'} case {case} {cell} layers={layers} "
              f"D={d} H={h} B={b} T={t} state={with_state} "
              f"static={''.join(static) or '-'}: rel err {worst:.2e} "
              f"against {against}")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
