#!/usr/bin/env bash
# Installs the Debian 12 packages seqc builds and tests with. Idempotent:
# does nothing when everything is already there.
set -euo pipefail

PACKAGES=(
  cmake ninja-build ccache g++ clang-format
  llvm-22-dev llvm-22-tools libmlir-22-dev mlir-22-tools
  nlohmann-json3-dev libgtest-dev libbenchmark-dev libomp-dev
  python3 python3-numpy python3-pip python3-setuptools python3-wheel
  python3-venv
  clang-22 libclang-rt-22-dev valgrind
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all packages present"
  exit 0
fi
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "install-deps: installing ${missing[*]}"
$SUDO apt-get update -q
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q "${missing[@]}"
