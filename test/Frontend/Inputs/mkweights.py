#!/usr/bin/env python3
"""Writes a safetensors file of random tensors for tests.

usage: mkweights.py OUT.safetensors NAME:DTYPE:SHAPE ... [--truncate N]
       [--header-length N]

DTYPE is f32, f16, bf16, i32 or i64; SHAPE is sizes joined by 'x' (empty
for a 0-d tensor), e.g. `n0.weight:f32:64x32`. --truncate drops the last N
bytes and --header-length overwrites the header length field, to make
corrupt files. Pure Python: no numpy needed.
"""
import json
import random
import struct
import sys

FORMATS = {"f32": ("F32", 4), "f16": ("F16", 2), "bf16": ("BF16", 2),
           "i32": ("I32", 4), "i64": ("I64", 8)}


def encode(dtype, count, rng):
    if dtype == "f32":
        return struct.pack("<%df" % count, *(rng.uniform(-1, 1) for _ in range(count)))
    if dtype == "f16":
        return struct.pack("<%de" % count, *(rng.uniform(-1, 1) for _ in range(count)))
    if dtype == "bf16":
        words = struct.unpack("<%dI" % count, struct.pack(
            "<%df" % count, *(rng.uniform(-1, 1) for _ in range(count))))
        return struct.pack("<%dH" % count, *(w >> 16 for w in words))
    fmt = "<%di" % count if dtype == "i32" else "<%dq" % count
    return struct.pack(fmt, *(rng.randrange(0, 4) for _ in range(count)))


def main(argv):
    args, truncate, header_length = [], 0, None
    it = iter(argv[1:])
    for a in it:
        if a == "--truncate":
            truncate = int(next(it))
        elif a == "--header-length":
            header_length = int(next(it))
        else:
            args.append(a)
    out, specs = args[0], args[1:]
    rng = random.Random(1234)
    header, data = {}, b""
    for spec in specs:
        name, dtype, shape = spec.rsplit(":", 2)
        dims = [int(d) for d in shape.split("x")] if shape else []
        count = 1
        for d in dims:
            count *= d
        blob = encode(dtype, count, rng)
        header[name] = {"dtype": FORMATS[dtype][0], "shape": dims,
                        "data_offsets": [len(data), len(data) + len(blob)]}
        data += blob
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)
    length = len(text) if header_length is None else header_length
    blob = struct.pack("<Q", length) + text + data
    with open(out, "wb") as f:
        f.write(blob[:len(blob) - truncate] if truncate else blob)


if __name__ == "__main__":
    main(sys.argv)
