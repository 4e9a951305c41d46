#!/usr/bin/env python3
"""seq.rnn (GRU, LSTM, RNN tanh/relu; with and without bias, one or two
directions) through the package (seqc.compile, Module) against the float64
reference (python/seqc/reference_rnn.py) and, where PyTorch is installed,
against torch.nn.GRU / LSTM / RNN themselves (in float64).

usage: rnn.py SEQC WORKDIR [--cases N] [--perturb] [--static-dims]
              [--flag F]...

--flag: a `seqc compile` flag (repeatable); with --precision=bf16 the
check is SPEC §5's bf16 bound, 2e-2.

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

CELLS = ["gru", "lstm", "rnn_tanh", "rnn_relu"]
GATES = {"gru": 3, "lstm": 4, "rnn_tanh": 1, "rnn_relu": 1}

# --static-dims: which of the model's dims "B" and "T" are fixed numbers.
STATIC_MIXES = [("B",), ("T",), ("B", "T")]

def uniform(rng, shape):
    return rng.uniform(-0.5, 0.5, shape).astype(np.float32)


try:
    import torch
except ImportError:
    torch = None


def torch_rnn(cell, x, w, hidden, layers, h0, c0, bias, bidirectional):
    kw = dict(bias=bias, bidirectional=bidirectional, batch_first=True)
    if cell == "gru":
        mod = torch.nn.GRU(x.shape[2], hidden, layers, **kw)
    elif cell == "lstm":
        mod = torch.nn.LSTM(x.shape[2], hidden, layers, **kw)
    else:
        mod = torch.nn.RNN(x.shape[2], hidden, layers,
                           nonlinearity=cell[len("rnn_"):], **kw)
    mod = mod.double()
    with torch.no_grad():
        for name, p in mod.named_parameters():
            p.copy_(torch.from_numpy(w[name].astype(np.float64)))
        args = [torch.from_numpy(x.astype(np.float64))]
        state = None
        if cell != "lstm" and h0 is not None:
            state = torch.from_numpy(h0.astype(np.float64))
        if cell == "lstm" and h0 is not None:
            state = (torch.from_numpy(h0.astype(np.float64)),
                     torch.from_numpy(c0.astype(np.float64)))
        y, st = mod(*args, state) if state is not None else mod(*args)
    if cell != "lstm":
        return y.numpy(), st.numpy()
    return y.numpy(), st[0].numpy(), st[1].numpy()


def options(ap):
    ap.add_argument("--static-dims", action="store_true")


def main():
    opts = parse_case_args(__doc__, options)
    # SPEC §5's bound for bf16 products (the input projections; the time
    # loop's products stay f32).
    tol = 2e-2 if "--precision=bf16" in opts.flag else TOL
    rng = np.random.default_rng(11)
    passed = failed = 0
    for case in range(opts.cases):
        cell = CELLS[case % 4]
        layers = 1 + (case // 4) % 2
        # Every third case without biases, every other one bidirectional
        # (interleaved so that cells, layers and both options meet).
        bias = case % 3 != 2
        bidirectional = case // 2 % 2 == 1
        dirs = 2 if bidirectional else 1
        # (H = 32: each gate's columns whole panels of the CPU kernel; the
        # sizes shifted every 4 cases so that each cell meets each.)
        d, h = [(1, 1), (5, 3), (7, 8), (16, 17), (33, 5),
                (9, 32)][(case + case // 4) % 6]
        b, t = [(1, 1), (2, 7), (3, 37), (1, 65)][case % 4]
        with_state = case % 3 == 0
        static = STATIC_MIXES[case // 6 % 3] if opts.static_dims else ()
        B = b if "B" in static else "B"
        T = t if "T" in static else "T"
        g = GATES[cell]
        w = {}
        for l in range(layers):
            inp = d if l == 0 else dirs * h
            for sfx in [f"_l{l}", f"_l{l}_reverse"][:dirs]:
                w["weight_ih" + sfx] = uniform(rng, (g * h, inp))
                w["weight_hh" + sfx] = uniform(rng, (g * h, h))
                if bias:
                    w["bias_ih" + sfx] = uniform(rng, (g * h,))
                    w["bias_hh" + sfx] = uniform(rng, (g * h,))
        x = rng.standard_normal((b, t, d)).astype(np.float32)
        rows = layers * dirs
        h0 = rng.standard_normal((rows, b, h)).astype(np.float32) if with_state else None
        c0 = rng.standard_normal((rows, b, h)).astype(np.float32) if with_state else None
        inputs = {"x": {"dtype": "f32", "shape": [B, T, d]}}
        node_inputs, arrays = ["x"], {"x": x}
        if with_state:
            inputs["h0"] = {"dtype": "f32", "shape": [rows, B, h]}
            node_inputs.append("h0")
            arrays["h0"] = h0
            if cell == "lstm":
                inputs["c0"] = {"dtype": "f32", "shape": [rows, B, h]}
                node_inputs.append("c0")
                arrays["c0"] = c0
        outputs = {"y": "r", "h_n": "r:1"}
        if cell == "lstm":
            outputs["c_n"] = "r:2"
        model = {"seqc_model": 1, "name": f"rnn{case}", "inputs": inputs,
                 "nodes": [{"name": "r", "op": "rnn", "inputs": node_inputs,
                            "attrs": {"cell": cell, "hidden": h, "layers": layers,
                                      "bias": bias,
                                      "bidirectional": bidirectional}}],
                 "outputs": outputs}
        got = run_model(opts.seqc, os.path.join(opts.work, f"case{case}"), model,
                        {"r." + k: v for k, v in w.items()}, arrays, opts.flag)
        if isinstance(got, str):
            failed += 1
            print(f"FAIL case {case} {cell}: seqc failed: {got}")
            continue
        want = reference(x, w, cell, h, layers, h0, c0, bias, bidirectional)
        checks = [("reference", want)]
        if torch is not None:
            checks.append(("torch", torch_rnn(cell, x, w, h, layers, h0, c0,
                                              bias, bidirectional)))
        worst = max(relative_error(g_, e, opts.perturb)
                    for _, expect in checks for g_, e in zip(got, expect))
        ok = worst <= tol
        passed += ok
        failed += not ok
        against = "reference and torch" if torch is not None else "reference"
        print(f"{'PASS' if ok else 'FAIL'} case {case} {cell} layers={layers} "
              f"bias={bias} bidirectional={bidirectional} "
              f"D={d} H={h} B={b} T={t} state={with_state} "
              f"static={''.join(static) or '-'}: rel err {worst:.2e} "
              f"against {against}")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
