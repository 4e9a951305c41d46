#!/usr/bin/env python3
"""--precision=bf16 at the sizes where the bf16 kernels' blocking shows:
linear layers whose rows, inputs and outputs cross the AMX kernel's tiles
(16 rows, 16 pairs of k), blocks (32 rows), chunks (64 rows) and panel
groups (256 columns), and GLA layers and GLU MLPs of realistic head sizes,
through the package (seqc.compile with precision="bf16"), against the
float64 reference (python/seqc/reference.py) within SPEC §5's bf16 bound,
2e-2 · max(1, max|ref|).

On a CPU with AMX-BF16 or AVX512_BF16, and on the CUDA target (also its
CPU simulation, `--flag=--target=cuda-simulation`), the products round
their operands to bf16, so the largest error over the cases must also
exceed what f32 products give (1e-5 relative): the bf16 path ran, not the
f32 one.

usage: bf16_shapes.py SEQC WORKDIR [--cases N] [--perturb] [--flag F]...

(A GLA layer with heads of a few elements is left out: its per-head norm
magnifies any rounding of q, k and v; in float64 on bf16-rounded weights
alone it already exceeds the bound, docs/precision.md.)
"""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "..", "python"))
from seqc import reference as ref  # noqa: E402
from seqc.run_model import (parse_case_args, relative_error,  # noqa: E402
                            run_model)
from seqc.testing.attention import gla_weights  # noqa: E402
from seqc.testing.random_shapes import lin_w  # noqa: E402

BF16_TOL = 2e-2
# f32 products stay below this relative error on these cases.
F32_LEVEL = 1e-5


def products_round(flags):
    """Whether the products round their operands to bf16: always on the
    CUDA target, on the CPU where it has bf16 products."""
    if any(f.startswith("--target=cuda") for f in flags):
        return True
    try:
        with open("/proc/cpuinfo") as f:
            flags = next((l for l in f if l.startswith("flags")), "")
    except OSError:
        return False
    return bool({"amx_bf16", "avx512_bf16"} & set(flags.split()))


def linear_case(rng, case):
    # (rows B·T, in, out): whole and partial tiles, blocks, chunks, groups.
    b, t, d, n = [(1, 1, 300, 257), (3, 50, 64, 33), (2, 33, 33, 300),
                  (1, 97, 1, 16), (4, 40, 131, 96), (1, 16, 32, 32),
                  (5, 31, 70, 513), (2, 129, 256, 40)][case % 8]
    bias = case % 3 != 2
    w = {"l.weight": lin_w(rng, n, d)}
    if bias:
        w["l.bias"] = rng.uniform(-1, 1, n).astype(np.float32)
    x = rng.standard_normal((b, t, d)).astype(np.float32)
    model = {"inputs": {"x": {"dtype": "f32", "shape": ["B", "T", d]}},
             "nodes": [{"name": "l", "op": "linear", "inputs": ["x"],
                        "attrs": {"out": n, "bias": bias}}],
             "outputs": {"y": "l"}}
    want = [ref.linear(x, w["l.weight"], w.get("l.bias"))]
    return f"linear B={b} T={t} in={d} out={n} bias={bias}", model, w, \
        {"x": x}, want


def glu_case(rng, case):
    d, h = [(64, 200), (96, 256), (40, 130)][case % 3]
    w = {"m.gate_proj.weight": lin_w(rng, h, d),
         "m.up_proj.weight": lin_w(rng, h, d),
         "m.down_proj.weight": lin_w(rng, d, h)}
    x = rng.standard_normal((2, 45, d)).astype(np.float32)
    model = {"inputs": {"x": {"dtype": "f32", "shape": ["B", "T", d]}},
             "nodes": [{"name": "m", "op": "glu_mlp", "inputs": ["x"],
                        "attrs": {"hidden": h}}],
             "outputs": {"y": "m"}}
    want = [ref.glu_mlp(x, *(w["m." + k + "_proj.weight"].astype(np.float64)
                             for k in ("gate", "up", "down")))]
    return f"glu_mlp d={d} hidden={h}", model, w, {"x": x}, want


def gla_case(rng, case):
    # The GLA cases are the odd ones from 9 on; the fourth (case 15) has
    # K = V = 128 (the CUDA chunk kernel's tiles of 16 columns).
    d, heads, kh, vh = [(64, 2, 16, 32), (48, 3, 16, 16), (96, 2, 32, 48),
                        (128, 1, 128, 128)][(case // 2) % 4]
    key_dim, value_dim = heads * kh, heads * vh
    short = gla_weights(rng, d, heads, key_dim, value_dim, 16)
    x = rng.standard_normal((2, 70, d)).astype(np.float32)
    attrs = {"heads": heads, "key_dim": key_dim, "value_dim": value_dim}
    model = {"inputs": {"x": {"dtype": "f32", "shape": ["B", "T", d]}},
             "nodes": [{"name": "a", "op": "gla", "inputs": ["x"],
                        "attrs": attrs}],
             "outputs": {"y": "a", "s": "a:1"}}
    want = list(ref.gla(x, {k: v.astype(np.float64) for k, v in short.items()},
                        heads=heads, key_dim=key_dim, value_dim=value_dim))
    return f"gla d={d} heads={heads} K={kh} V={vh}", model, \
        {"a." + k: v for k, v in short.items()}, {"x": x}, want


CASES = [linear_case, glu_case, gla_case]


def main():
    opts = parse_case_args(__doc__)
    rng = np.random.default_rng(5)
    passed = failed = 0
    largest = 0.0
    for case in range(opts.cases):
        kind = CASES[0] if case < 8 else CASES[1 + case % 2]
        desc, model, w, inputs, want = kind(rng, case)
        model = dict(model, seqc_model=1, name=f"bf16-{case}")
        got = run_model(opts.seqc, os.path.join(opts.work, f"case{case}"),
                        model, w, inputs,
                        ["--precision=bf16"] + opts.flag)
        if isinstance(got, str):
            failed += 1
            print(f"FAIL case {case} {desc}: seqc failed: {got}")
            continue
        shift = 10 * BF16_TOL if opts.perturb else 0.0
        err = max(relative_error(g, np.asarray(e, np.float64) + shift)
                  for g, e in zip(got, want))
        largest = max(largest, err)
        ok = err <= BF16_TOL
        passed += ok
        failed += not ok
        print(f"{'PASS' if ok else 'FAIL'} case {case} {desc}: "
              f"rel err {err:.2e} (bound {BF16_TOL})")
    if products_round(opts.flag) and not opts.perturb and passed + failed:
        rounded = largest > F32_LEVEL
        print(f"bf16 products: largest rel err {largest:.2e} "
              f"{'>' if rounded else '<='} {F32_LEVEL} (f32 products): "
              f"{'bf16 products ran' if rounded else 'NOT bf16'}")
        if not rounded:
            passed, failed = passed - 1, failed + 1
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
