#!/usr/bin/env bash
# Installs what seqc needs, builds it, and runs every test: the runtime
# built alone without LLVM/MLIR (scripts/build-runtime-alone.sh), the format
# check, the sanitizer tier (ASan + UBSan build, its tests and a minute of
# fuzzing per target: scripts/test-sanitizers.sh), then the lit suite and
# the gtest unit tests (both through ctest); the Python package's tests
# against PyTorch, SpikingJelly, PyG, NIR and Ray use the environment of
# scripts/install-python-deps.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/install-python-deps.sh
bash scripts/build.sh
bash scripts/build-runtime-alone.sh
bash scripts/check-format.sh
bash scripts/test-sanitizers.sh
cd "${BUILD_DIR:-build}"
ctest --output-on-failure
