#!/usr/bin/env bash
# Builds the embedded runtime on its own (runtime/CMakeLists.txt as the
# top-level project, with MLIR and LLVM out of reach) into
# build-runtime-alone/ and runs its smoke test: the runtime must not need
# the compiler's toolchain (ninja, ccache, two jobs, like scripts/build.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${RUNTIME_BUILD_DIR:-build-runtime-alone}
export CCACHE_BASEDIR="$PWD"
if [ ! -f "$BUILD_DIR/build.ninja" ]; then
  # --no-warn-unused-cli: nothing here asks for MLIR or LLVM, which is the
  # point of refusing them.
  cmake -S runtime -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    --no-warn-unused-cli \
    -DCMAKE_DISABLE_FIND_PACKAGE_MLIR=ON -DCMAKE_DISABLE_FIND_PACKAGE_LLVM=ON
fi
ninja -C "$BUILD_DIR" -j "${JOBS:-2}"
ctest --test-dir "$BUILD_DIR" --output-on-failure
