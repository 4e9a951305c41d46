"""Checks y.npy against x wᵀ in float64 (SPEC §5's f32 tolerance):
check_projection.py X.npy WEIGHTS.safetensors WEIGHT_NAME Y.npy"""
import json
import struct
import sys

import numpy as np

x_path, weights_path, name, y_path = sys.argv[1:]
data = open(weights_path, "rb").read()
(n,) = struct.unpack("<Q", data[:8])
entry = json.loads(data[8:8 + n])[name]
begin, end = entry["data_offsets"]
w = np.frombuffer(data[8 + n + begin:8 + n + end], dtype=np.float32)
w = w.reshape(entry["shape"]).astype(np.float64)
x = np.load(x_path).astype(np.float64)
y = np.load(y_path)
expected = x @ w.T
error = np.abs(y - expected).max()
ok = y.shape == expected.shape and np.allclose(y, expected, rtol=1e-5, atol=1e-5)
print(f"projection {'matches' if ok else 'DIFFERS'}: shape {list(y.shape)}, max error {error:.3g}")
sys.exit(0 if ok else 1)
