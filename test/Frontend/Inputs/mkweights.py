#!/usr/bin/env python3
"""Writes a safetensors file of random tensors for tests.

usage: mkweights.py OUT.safetensors NAME:DTYPE:SHAPE ... [--truncate N]
       [--header-length N]

DTYPE is f32, f16, bf16, i32 or i64; SHAPE is sizes joined by 'x' (empty
for a 0-d tensor), e.g. `n0.weight:f32:64x32`. --truncate drops the last N
bytes and --header-length overwrites the header length field, to make
corrupt files.
"""
import os
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "..",
                                "python"))
from seqc.safetensors_io import write_random  # noqa: E402


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
    out, specs = args[0], []
    for spec in args[1:]:
        name, dtype, shape = spec.rsplit(":", 2)
        specs.append((name, dtype, [int(d) for d in shape.split("x")]
                      if shape else []))
    write_random(out, specs)
    if truncate or header_length is not None:
        with open(out, "rb") as f:
            blob = f.read()
        if header_length is not None:
            blob = struct.pack("<Q", header_length) + blob[8:]
        with open(out, "wb") as f:
            f.write(blob[:len(blob) - truncate] if truncate else blob)


if __name__ == "__main__":
    main(sys.argv)
