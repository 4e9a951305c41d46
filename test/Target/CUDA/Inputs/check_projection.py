"""Checks y.npy against x wᵀ in float64 (SPEC §5's f32 tolerance):
check_projection.py X.npy WEIGHTS.safetensors WEIGHT_NAME Y.npy [--bf16]
With --bf16, against the float64 product of x and w rounded to bf16
(nearest, ties to even) instead: what a product that reads bf16 operands
and accumulates in f32 gives, which x wᵀ itself does not (the check also
prints how far y is from it, within SPEC §5's bf16 bound)."""
import json
import struct
import sys

import numpy as np


def to_bf16(a):
    """a (float32) rounded to the nearest bf16, ties to even, as float64."""
    bits = np.ascontiguousarray(a, dtype=np.float32).view(np.uint32)
    rounded = (bits + 0x7FFF + ((bits >> 16) & 1)) & 0xFFFF0000
    return rounded.astype(np.uint32).view(np.float32).astype(np.float64)


x_path, weights_path, name, y_path = sys.argv[1:5]
bf16 = sys.argv[5:] == ["--bf16"]
data = open(weights_path, "rb").read()
(n,) = struct.unpack("<Q", data[:8])
entry = json.loads(data[8:8 + n])[name]
begin, end = entry["data_offsets"]
w32 = np.frombuffer(data[8 + n + begin:8 + n + end], dtype=np.float32)
w32 = w32.reshape(entry["shape"])
x32 = np.load(x_path).astype(np.float32)
y = np.load(y_path)
exact = x32.astype(np.float64) @ w32.astype(np.float64).T
expected = to_bf16(x32) @ to_bf16(w32).T if bf16 else exact
error = np.abs(y - expected).max()
ok = y.shape == expected.shape and np.allclose(y, expected, rtol=1e-5, atol=1e-5)
if bf16:
    bound = 2e-2 * max(1.0, np.abs(exact).max())
    off = np.abs(y - exact).max()
    ok = ok and off <= bound
    print(f"from x wᵀ: {off:.3g} (bf16 bound {bound:.3g})")
print(f"projection {'matches' if ok else 'DIFFERS'}: shape {list(y.shape)}, max error {error:.3g}")
sys.exit(0 if ok else 1)
