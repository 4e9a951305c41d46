#!/usr/bin/env bash
# Fails if any C/C++ source of seqc is not clang-format clean (LLVM style).
set -euo pipefail
cd "$(dirname "$0")/.."
files=$(git ls-files '*.cpp' '*.h' '*.c')
clang-format --dry-run --Werror $files
echo "check-format: $(echo "$files" | wc -w) files clean"
