#!/usr/bin/env bash
# Installs what seqc needs, builds it, makes the example model's weights and
# compiles the example (a small GLA language model) to seq IR.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh
python3 examples/gla-lm/make_weights.py examples/gla-lm/gla-lm.safetensors
./build/bin/seqc compile examples/gla-lm/gla-lm.json --emit=seq \
  -o build/gla-lm.seq.mlir
echo "example: imported examples/gla-lm/gla-lm.json into build/gla-lm.seq.mlir:"
grep -oE '= (seq|rgnn)\.[a-z_]+' build/gla-lm.seq.mlir | sort | uniq -c
