"""Writes safetensors files in pure Python (no numpy), for tests and examples."""
import json
import random
import struct

# name: (safetensors dtype, struct code, bytes per element)
DTYPES = {"f32": ("F32", "f", 4), "f16": ("F16", "e", 2),
          "bf16": ("BF16", None, 2), "i32": ("I32", "i", 4),
          "i64": ("I64", "q", 8)}


def encode(dtype, values):
    """Little-endian bytes of `values` (a flat list) as `dtype`."""
    if dtype == "bf16":
        words = struct.unpack("<%dI" % len(values),
                              struct.pack("<%df" % len(values), *values))
        return struct.pack("<%dH" % len(values), *(w >> 16 for w in words))
    return struct.pack("<%d%s" % (len(values), DTYPES[dtype][1]), *values)


def random_values(dtype, count, rng, scale=1.0):
    if dtype in ("i32", "i64"):
        return [rng.randrange(0, 4) for _ in range(count)]
    return [rng.uniform(-scale, scale) for _ in range(count)]


def safetensors_bytes(tensors):
    """`tensors`: list of (name, dtype, shape, flat values) → file bytes."""
    header, data = {}, b""
    for name, dtype, shape, values in tensors:
        blob = encode(dtype, values)
        header[name] = {"dtype": DTYPES[dtype][0], "shape": list(shape),
                        "data_offsets": [len(data), len(data) + len(blob)]}
        data += blob
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)
    return struct.pack("<Q", len(text)) + text + data


def numel(shape):
    n = 1
    for d in shape:
        n *= d
    return n


def write_random(path, specs, seed=1234, scale=1.0):
    """Writes random tensors; `specs` is a list of (name, dtype, shape)."""
    rng = random.Random(seed)
    tensors = [(name, dtype, shape,
                random_values(dtype, numel(shape), rng, scale))
               for name, dtype, shape in specs]
    with open(path, "wb") as f:
        f.write(safetensors_bytes(tensors))
