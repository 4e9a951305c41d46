#!/usr/bin/env bash
# Configures and builds seqc into build/ (ninja, ccache, two jobs).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
# Paths relative to the checkout in ccache's keys: a clone elsewhere (CI)
# reuses what an earlier build compiled.
export CCACHE_BASEDIR="$PWD"
if [ ! -f "$BUILD_DIR/build.ninja" ]; then
  cmake -G Ninja -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release
fi
ninja -C "$BUILD_DIR" -j "${JOBS:-2}"
