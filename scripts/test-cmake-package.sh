#!/usr/bin/env bash
# Installs seqc from BUILD_DIR into a temporary prefix, builds the consumer
# in examples/embed-cmake against it with find_package(seqc), and runs it on
# a compiled module.  usage: test-cmake-package.sh BUILD_DIR
set -euo pipefail
src="$(cd "$(dirname "$0")/.." && pwd)"
build="$(cd "$1" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cmake --install "$build" --prefix "$work/prefix" >/dev/null
cmake -S "$src/examples/embed-cmake" -B "$work/consumer" -G Ninja \
  -DCMAKE_PREFIX_PATH="$work/prefix" >/dev/null
cmake --build "$work/consumer" >/dev/null
"$work/prefix/bin/seqc" compile "$src/examples/gla-lm/gla-lm.json" \
  --weights "$build/examples/gla-lm/gla-lm.safetensors" -o "$work/gla.so"
"$work/consumer/embed" "$work/gla.so" "$build/examples/gla-lm/gla-lm.safetensors"
