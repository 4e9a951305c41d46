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


def write_arrays(path, arrays, dtypes=None):
    """Writes NumPy arrays; `arrays` maps tensor name → np.ndarray.

    The safetensors dtype follows the array's (float32, float16, int32,
    int64); `dtypes` may map a name to "bf16" to store a float array as
    bfloat16, by dropping the low 16 bits of its float32 value (values that
    are already bfloat16-exact are stored exactly). Imports numpy lazily so
    the rest of this module stays numpy-free.
    """
    import numpy as np
    kinds = {np.dtype(np.float32): "F32", np.dtype(np.float16): "F16",
             np.dtype(np.int32): "I32", np.dtype(np.int64): "I64"}
    header, blobs, offset = {}, [], 0
    for name, array in arrays.items():
        a = np.asarray(array)
        if (dtypes or {}).get(name) == "bf16":
            words = np.ascontiguousarray(a, dtype="<f4").view("<u4")
            blob, kind = (words >> 16).astype("<u2").tobytes(), "BF16"
        else:
            if a.dtype not in kinds:
                raise ValueError("%s: unsupported dtype %s" % (name, a.dtype))
            kind = kinds[a.dtype]
            blob = np.ascontiguousarray(a, dtype=a.dtype.newbyteorder("<")
                                        ).tobytes()
        header[name] = {"dtype": kind, "shape": list(a.shape),
                        "data_offsets": [offset, offset + len(blob)]}
        blobs.append(blob)
        offset += len(blob)
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))


def read_arrays(path):
    """Reads a safetensors file into NumPy arrays (writable, in memory).

    Returns (arrays, bf16): `arrays` maps tensor name → np.ndarray in the
    file's order; BF16 tensors come back as float32 (exactly: a bfloat16 is
    the high half of a float32) and their names are in the set `bf16`, so
    that write_arrays(path, arrays, dict.fromkeys(bf16, "bf16")) writes the
    same file contents back. Raises ValueError naming the file for anything
    malformed (header, dtype, offsets outside the data or not matching the
    shape)."""
    import numpy as np
    kinds = {"F32": np.float32, "F16": np.float16, "BF16": np.uint16,
             "I32": np.int32, "I64": np.int64}

    def bad(what):
        return ValueError("%s: %s" % (path, what))

    with open(path, "rb") as f:
        blob = f.read()
    if len(blob) < 8:
        raise bad("too short for a safetensors header")
    (length,) = struct.unpack("<Q", blob[:8])
    if length > len(blob) - 8:
        raise bad("header length %d runs past the end of the file" % length)
    try:
        header = json.loads(blob[8:8 + length].decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as e:
        raise bad("malformed header: %s" % e) from None
    if not isinstance(header, dict):
        raise bad("the header is not a JSON object")
    data = bytearray(blob[8 + length:])
    arrays, bf16 = {}, set()
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        try:
            kind, shape = entry["dtype"], [int(d) for d in entry["shape"]]
            start, end = (int(o) for o in entry["data_offsets"])
        except (KeyError, TypeError, ValueError):
            raise bad("tensor '%s': malformed entry" % name) from None
        if kind not in kinds:
            raise bad("tensor '%s': unsupported dtype %s" % (name, kind))
        itemsize = np.dtype(kinds[kind]).itemsize
        if (min(shape + [0]) < 0 or not 0 <= start <= end <= len(data)
                or end - start != numel(shape) * itemsize):
            raise bad("tensor '%s': data offsets [%d, %d) do not hold %s %s"
                      % (name, start, end, kind, shape))
        array = np.frombuffer(data, kinds[kind], numel(shape), start)
        array = array.reshape(shape)
        if kind == "BF16":
            array = (array.astype(np.uint32) << 16).view(np.float32)
            bf16.add(name)
        arrays[name] = array
    return arrays, bf16
