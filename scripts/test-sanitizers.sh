#!/usr/bin/env bash
# The sanitizer tier of the tests (scripts/test.sh runs it): seqc, its
# runtime and the unit tests built with AddressSanitizer and UBSan by
# clang-22 into build-fuzz/ (cmake/Sanitizers.cmake), then on that build the
# unit tests, the lit tests of malformed input and run-time errors and a
# few end-to-end cases, and each libFuzzer target for FUZZ_SECONDS (60) on
# its seeds after its regression inputs (scripts/fuzz.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${FUZZ_BUILD_DIR:-build-fuzz}
export CCACHE_BASEDIR=$PWD
# Debug info names this checkout; without this ccache would also key on it,
# and a clone elsewhere (CI) would compile everything again.
export CCACHE_NOHASHDIR=1
# The sanitized seqc also runs during the build (it compiles the test
# modules); what MLIR keeps until exit is no leak worth failing for. An
# allocation too large for the machine returns null, as glibc's does
# (the tests of sizes that cannot be allocated need exactly that).
# MLIR's libraries are not instrumented, but LLVM's header-only allocators
# are, in seqc's own code: a slab that an instrumented attribute storage
# (#seq.target, ...) starts is poisoned, and the uninstrumented library
# then allocates from it without unpoisoning, a false use-after-poison.
# Manual poisoning is therefore off; ASan's own checks are not.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0:allocator_may_return_null=1:allow_user_poisoning=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}
if [ ! -f "$BUILD/build.ninja" ]; then
  cmake -G Ninja -B "$BUILD" -DCMAKE_C_COMPILER=clang-22 \
    -DCMAKE_CXX_COMPILER=clang++-22 -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DSEQC_SANITIZE=ON -DSEQC_FUZZ=ON
fi
ninja -C "$BUILD" -j "${JOBS:-2}"

echo "== sanitizers: unit tests"
"$BUILD/bin/SeqcUnitTests" --gtest_brief=1
"$BUILD/bin/SeqcModuleTests" --gtest_brief=1

echo "== sanitizers: lit (malformed input, run-time errors, attributes, the common pipeline and lowering, some e2e)"
# Left to the main tier: attr-huge-layers runs under `ulimit -v`, which
# ASan's shadow memory cannot fit in, and alloc-failure's refused 256 TiB
# allocation makes ASan print a warning line of its own.
LIT=${LIT:-/usr/lib/llvm-22/bin/lit}
"$LIT" -s "$BUILD/test" --filter \
  'Frontend/|Dialect/|Codegen/Common/|Codegen/CPU/seq-lower-linear-to-gemm|Transforms/(seq-set-target|seq-check-common-contract|seqc-common-pipeline)|e2e/(runtime-|huge-input|path-names|embedding|add|linear\.|rgnn|streaming)|Target/CPU/(cli|cpu|threads|pass-options)' \
  --filter-out 'attr-huge-layers'

echo "== sanitizers: fuzzing"
FUZZ_BUILD_DIR=$BUILD SEQC_BUILD_LOCK= bash scripts/fuzz.sh \
  --seconds "${FUZZ_SECONDS:-60}"
