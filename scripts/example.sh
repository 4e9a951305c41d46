#!/usr/bin/env bash
# Installs what seqc needs, builds it, and runs the example: a small GLA
# language model compiled to an object, linked into a C program
# (examples/gla-lm/main.c) that greedily extends a prompt.
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
