#!/usr/bin/env python3
"""Writes .npy files for run-time tests, well-formed or deliberately corrupt.

usage: mknpy.py OUT.npy DTYPE SHAPE [--values V,V,...] [--descr D]
       [--fortran] [--header-shape TEXT] [--truncate N] [--magic BYTES]
       [--version MAJOR]

DTYPE is a NumPy dtype name (float32, float64, int32, int64, ...); SHAPE is
sizes joined by 'x' (empty for 0-d). Data is 0.5, 1.5, ... unless --values
gives it (repeated to fill). The header is written by hand so that it can
lie: --descr replaces the dtype text (e.g. '>f4'), --fortran sets
fortran_order, --header-shape replaces the shape text (e.g. '(1 << 62,)'),
--truncate drops the last N bytes, --magic replaces the 6-byte magic.
"""
import argparse

import numpy as np


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("dtype")
    ap.add_argument("shape")
    ap.add_argument("--values")
    ap.add_argument("--descr")
    ap.add_argument("--fortran", action="store_true")
    ap.add_argument("--header-shape")
    ap.add_argument("--truncate", type=int, default=0)
    ap.add_argument("--magic")
    ap.add_argument("--version", type=int, default=1)
    a = ap.parse_args()

    shape = tuple(int(s) for s in a.shape.split("x")) if a.shape else ()
    n = int(np.prod(shape, dtype=np.int64))
    if a.values:
        vals = [float(v) for v in a.values.split(",")]
        data = np.resize(np.array(vals), n)
    else:
        data = np.arange(n) + 0.5
    arr = data.astype(a.dtype).reshape(shape)
    descr = a.descr or np.lib.format.dtype_to_descr(arr.dtype)
    shape_text = a.header_shape or repr(shape)
    header = "{'descr': %r, 'fortran_order': %s, 'shape': %s, }" % (
        descr, a.fortran, shape_text)
    size_bytes = 2 if a.version == 1 else 4
    pre = 6 + 2 + size_bytes
    header += " " * (-(pre + len(header) + 1) % 64) + "\n"
    magic = a.magic.encode() if a.magic else b"\x93NUMPY"
    blob = (magic + bytes([a.version, 0]) +
            len(header).to_bytes(size_bytes, "little") + header.encode("latin1")
            + arr.astype(arr.dtype.newbyteorder("<")).tobytes())
    if a.truncate:
        blob = blob[:-a.truncate]
    with open(a.out, "wb") as f:
        f.write(blob)


if __name__ == "__main__":
    main()
