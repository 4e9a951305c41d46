#!/usr/bin/env python3
"""End-to-end numerics driver, the script: runs seqc.testing.runner.main,
whose docstring tells the usage (e2e.py --seqc PATH --op OP [--cases N]
...). The lit tests in test/e2e/ run this file by path; the cases it
generates are in seqc.testing (see its __init__)."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                ".."))
from seqc.testing.runner import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
