#!/usr/bin/env python3
"""`import seqc` and its test helpers on a Python without NumPy (the
examples' build runs make_weights.py on whichever Python CMake finds): the
API is imported on first use, so only that needs NumPy."""
import os
import sys

sys.modules["numpy"] = None  # `import numpy` now fails
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "..", "python"))
import seqc  # noqa: E402
import seqc.safetensors_io  # noqa: E402

print("imported:", seqc.Error.__name__, "compile" in dir(seqc))
try:
    seqc.compile
except ImportError as e:
    print("the API needs numpy:", "numpy" in str(e))
