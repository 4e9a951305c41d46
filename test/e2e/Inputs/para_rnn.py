#!/usr/bin/env python3
"""seq.para_gru / seq.para_lstm through the package (seqc.compile, Module)
against the float64 reference (python/seqc/reference_rnn.py), for every
`solver` value (which never changes the result).

usage: para_rnn.py SEQC WORKDIR [--cases N] [--perturb] [--flag F]...
                   [--solver S] [--long] [--expect-error TEXT]
                   [--static-dims]

--long: sequences of 1000 to 4500 steps (one batch row, few units);
--solver: every case with this solver; --expect-error: every case must fail
with a message containing TEXT; --static-dims: the model's batch and time
dims are fixed numbers instead of "B" and "T": B fixed, T fixed, or both, in
turn every 6 cases.
"""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "..", "python"))
from seqc.reference_rnn import para_gru, para_lstm  # noqa: E402
from seqc.run_model import (TOL, parse_case_args, relative_error,  # noqa: E402
                            run_model)

# --static-dims: which of the model's dims "B" and "T" are fixed numbers.
STATIC_MIXES = [("B",), ("T",), ("B", "T")]


def options(ap):
    ap.add_argument("--solver", choices=["auto", "sequential", "newton"])
    ap.add_argument("--long", action="store_true")
    ap.add_argument("--expect-error")
    ap.add_argument("--static-dims", action="store_true")


def main():
    opts = parse_case_args(__doc__, options)
    rng = np.random.default_rng(5)
    passed = failed = 0
    for case in range(opts.cases):
        lstm = case % 2 == 1
        d, h = [(1, 1), (5, 3), (7, 8), (16, 17), (33, 5)][case % 5]
        b, t = [(1, 1), (2, 7), (3, 37), (1, 65)][case % 4]
        if opts.long:
            h = [3, 40][case % 2]
            b, t = 1 + case % 2, [1000, 1531, 4099, 4500][case % 4]
        solver = opts.solver or ["auto", "sequential", "newton"][case % 3]
        with_state = case % 4 == 0
        static = STATIC_MIXES[case // 6 % 3] if opts.static_dims else ()
        if static:
            # para_lstm too with its states.
            with_state = case % 4 < 2
        B = b if "B" in static else "B"
        T = t if "T" in static else "T"
        gates = ["f", "c", "o"] if lstm else ["z", "r", "h"]
        w = {}
        for g in gates:
            w["B_" + g] = rng.uniform(-0.5, 0.5, (h, d)).astype(np.float32)
        for g in gates:
            w["b_" + g] = rng.uniform(-0.5, 0.5, h).astype(np.float32)
        for g in gates:
            w["A_" + g] = rng.uniform(-0.9, 0.9, h).astype(np.float32)
        if lstm:
            w["C_f"] = rng.uniform(-0.5, 0.5, h).astype(np.float32)
            w["C_o"] = rng.uniform(-0.5, 0.5, h).astype(np.float32)
        x = rng.standard_normal((b, t, d)).astype(np.float32)
        h0 = rng.standard_normal((b, h)).astype(np.float32)
        c0 = rng.standard_normal((b, h)).astype(np.float32)
        inputs = {"x": {"dtype": "f32", "shape": [B, T, d]}}
        node_inputs, arrays = ["x"], {"x": x}
        if with_state:
            inputs["h0"] = {"dtype": "f32", "shape": [B, h]}
            node_inputs.append("h0")
            arrays["h0"] = h0
            if lstm:
                inputs["c0"] = {"dtype": "f32", "shape": [B, h]}
                node_inputs.append("c0")
                arrays["c0"] = c0
        outputs = {"y": "p", "h_T": "p:1"}
        if lstm:
            outputs["c_T"] = "p:2"
        model = {"seqc_model": 1, "name": f"para{case}", "inputs": inputs,
                 "nodes": [{"name": "p", "op": "para_lstm" if lstm else "para_gru",
                            "inputs": node_inputs,
                            "attrs": {"hidden": h, "solver": solver}}],
                 "outputs": outputs}
        got = run_model(opts.seqc, os.path.join(opts.work, f"case{case}"), model,
                        {"p." + k: v for k, v in w.items()}, arrays, opts.flag)
        if opts.expect_error:
            ok = isinstance(got, str) and opts.expect_error in got
            passed += ok
            failed += not ok
            print(f"{'PASS' if ok else 'FAIL'} case {case}: "
                  f"{got if isinstance(got, str) else 'no error'}")
            continue
        if isinstance(got, str):
            failed += 1
            print(f"FAIL case {case}: seqc failed: {got}")
            continue
        if lstm:
            want = para_lstm(x, w, h, h0 if with_state else None,
                             c0 if with_state else None)
        else:
            want = para_gru(x, w, h, h0 if with_state else None)
        worst = max(relative_error(g_, e, opts.perturb)
                    for g_, e in zip(got, want))
        # SPEC §5: 2e-4 for the Newton solvers at T ≥ 4096.
        ok = worst <= (2 * TOL if t >= 4096 else TOL)
        passed += ok
        failed += not ok
        print(f"{'PASS' if ok else 'FAIL'} case {case} "
              f"{'para_lstm' if lstm else 'para_gru'} solver={solver} D={d} "
              f"H={h} B={b} T={t} state={with_state} "
              f"static={''.join(static) or '-'}: rel err {worst:.2e}")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
