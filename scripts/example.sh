#!/usr/bin/env bash
# Installs what seqc needs, builds it, and runs the example: a small GLA
# language model compiled to an object, linked into a C program
# (examples/gla-lm/main.c) that reads a prompt, then greedily generates a
# token per call with the GLA states carried in place; then the Python
# package, pip-installed into the test environment of
# scripts/install-python-deps.sh, on a PyTorch model
# (examples/python-quickstart/quickstart.py).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh
BUILD_DIR=${BUILD_DIR:-build}
WEIGHTS="$BUILD_DIR/examples/gla-lm/gla-lm.safetensors"
echo "== seqc compile: the model's seq IR (first lines)"
"$BUILD_DIR/bin/seqc" compile examples/gla-lm/gla-lm.json --weights "$WEIGHTS" \
  --emit=seq -o "$BUILD_DIR/gla-lm.seq.mlir"
head -n 4 "$BUILD_DIR/gla-lm.seq.mlir"
echo "== the linked C program (examples/gla-lm/main.c)"
"$BUILD_DIR/bin/gla-lm-demo" "$WEIGHTS"
echo "== the Python package (pip install ./python) on a PyTorch model"
PY=$(bash scripts/install-python-deps.sh | tail -n 1)
"$PY" -m pip install -q --disable-pip-version-check ./python
(cd "$BUILD_DIR" && "$PY" ../examples/python-quickstart/quickstart.py)
