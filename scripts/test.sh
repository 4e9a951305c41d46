#!/usr/bin/env bash
# Installs what seqc needs, builds it, and runs every test: the format
# check, the lit suite and the gtest unit tests (both through ctest).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh
bash scripts/check-format.sh
cd "${BUILD_DIR:-build}"
ctest --output-on-failure
