#!/usr/bin/env bash
# Builds the libFuzzer targets (ASan + UBSan, clang) into build-fuzz/ and
# runs each for a while on a copy of its seed corpus, after its regression
# inputs. See docs/fuzzing.md.
#
# usage: scripts/fuzz.sh [--seconds N] [--jobs N] [TARGET...] [-- LIBFUZZER-FLAG...]
#   TARGET: npy, safetensors, model_import, graph (default: all four)
#   --seconds N  fuzzing time per target (default 60)
#   --jobs N     parallel fuzzing processes per target (libFuzzer -fork=N)
#   after --      extra flags for every libFuzzer run
# Environment: FUZZ_BUILD_DIR (build-fuzz), FUZZ_OUT (scratch directory,
# default a new one under /tmp), JOBS (build jobs, 2), CC/CXX (clang-22),
# SEQC (the seqc that compiles the graph module; default build-fuzz's),
# SEQC_BUILD_LOCK (a flock file that serializes builds, default
# /tmp/seqc-build.lock; empty for none).
#
# Exit status: 0 when no target crashed; 1 after a crash, timeout or
# out-of-memory (the input that did it is named in the output); 2 on misuse.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

SECONDS_PER_TARGET=60
FORK=0
TARGETS=()
EXTRA=()
while [ $# -gt 0 ]; do
  case "$1" in
  --seconds) SECONDS_PER_TARGET=$2; shift 2 ;;
  --jobs) FORK=$2; shift 2 ;;
  --) shift; EXTRA=("$@"); break ;;
  npy | safetensors | model_import | graph) TARGETS+=("$1"); shift ;;
  *) echo "usage: scripts/fuzz.sh [--seconds N] [--jobs N] [TARGET...] [-- FLAGS]" >&2
     echo "targets: npy safetensors model_import graph" >&2
     exit 2 ;;
  esac
done
[ ${#TARGETS[@]} -gt 0 ] || TARGETS=(npy safetensors model_import graph)

BUILD=${FUZZ_BUILD_DIR:-build-fuzz}
LOCK=${SEQC_BUILD_LOCK-/tmp/seqc-build.lock}
locked() {
  if [ -n "$LOCK" ] && command -v flock >/dev/null; then
    flock "$LOCK" "$@"
  else
    "$@"
  fi
}

# --- build --------------------------------------------------------------
export CCACHE_BASEDIR=$ROOT
if [ ! -f "$BUILD/build.ninja" ]; then
  locked cmake -G Ninja -B "$BUILD" \
    -DCMAKE_C_COMPILER="${CC:-clang-22}" -DCMAKE_CXX_COMPILER="${CXX:-clang++-22}" \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSEQC_SANITIZE=ON -DSEQC_FUZZ=ON
fi
BUILD_TARGETS=()
for t in "${TARGETS[@]}"; do
  BUILD_TARGETS+=("${t}_fuzzer")
  [ "$t" != graph ] || [ -n "${SEQC:-}" ] || BUILD_TARGETS+=(seqc)
done
locked ninja -C "$BUILD" -j "${JOBS:-2}" "${BUILD_TARGETS[@]}"
BIN=$ROOT/$BUILD/bin

OUT=${FUZZ_OUT:-$(mktemp -d /tmp/seqc-fuzz.XXXXXX)}
mkdir -p "$OUT"
echo "fuzz: scratch directory $OUT"
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}

# --- the graph module -----------------------------------------------------
if [[ " ${TARGETS[*]} " == *" graph "* ]]; then
  python3 test/Frontend/Inputs/mkweights.py "$OUT/rgcn.safetensors" \
    g.weight:f32:3x4x3 g.root:f32:4x3 g.bias:f32:3 \
    h.weight:f32:3x1x3x2 h.attn_l:f32:3x1x2 h.attn_r:f32:3x1x2 \
    h.loop_weight:f32:3x2 h.bias:f32:2
  # seqc is not what is fuzzed here: its leaks at exit do not matter (and
  # see scripts/test-sanitizers.sh for allow_user_poisoning).
  ASAN_OPTIONS=detect_leaks=0:allow_user_poisoning=0 "${SEQC:-$BIN/seqc}" compile fuzz/graph/rgcn.json \
    --weights "$OUT/rgcn.safetensors" -o "$OUT/rgcn.so"
  export SEQC_FUZZ_GRAPH_MODULE=$OUT/rgcn.so
  export SEQC_FUZZ_GRAPH_WEIGHTS=$OUT/rgcn.safetensors
fi

max_len() {
  case "$1" in
  npy) echo 4096 ;;
  safetensors) echo 8192 ;;
  model_import) echo 16384 ;;
  graph) echo 1024 ;;
  esac
}

# --- run ------------------------------------------------------------------
failed=0
SUMMARY=()
for t in "${TARGETS[@]}"; do
  fuzzer=$BIN/${t}_fuzzer
  mkdir -p "$OUT/$t/corpus" "$OUT/$t/crashes"
  FLAGS=(-max_len="$(max_len "$t")" -rss_limit_mb=4096 -timeout=30
         -artifact_prefix="$OUT/$t/crashes/")
  [ ! -f "fuzz/$t.dict" ] || FLAGS+=(-dict="fuzz/$t.dict")

  # Regression inputs first: each file runs once.
  shopt -s nullglob
  regressions=(fuzz/regressions/"$t"/*)
  shopt -u nullglob
  if [ ${#regressions[@]} -gt 0 ]; then
    if ! "$fuzzer" "${FLAGS[@]}" "${regressions[@]}" >"$OUT/$t/regressions.log" 2>&1; then
      echo "fuzz: $t: a regression input fails again; see $OUT/$t/regressions.log"
      grep -E 'Running: |ERROR|SUMMARY' "$OUT/$t/regressions.log" | tail -5
      failed=1
      SUMMARY+=("$t: regression input failed")
      continue
    fi
    echo "fuzz: $t: ${#regressions[@]} regression inputs pass"
  fi

  cp -r "fuzz/corpus/$t/." "$OUT/$t/corpus/"
  RUN=(-max_total_time="$SECONDS_PER_TARGET" -print_final_stats=1)
  [ "$FORK" = 0 ] || RUN+=(-fork="$FORK")
  log=$OUT/$t/fuzz.log
  echo "fuzz: $t: fuzzing for $SECONDS_PER_TARGET s (log $log)"
  rc=0
  "$fuzzer" "${FLAGS[@]}" "${RUN[@]}" "${EXTRA[@]}" "$OUT/$t/corpus" \
    >"$log" 2>&1 || rc=$?
  execs=$(grep -o 'stat::number_of_executed_units: [0-9]*' "$log" |
          awk '{s += $2} END {print s + 0}')
  if [ "$execs" = 0 ]; then
    # -fork prints no final stats; its status lines count the runs.
    execs=$(grep -oE '^#[0-9]+' "$log" | tail -1 | tr -d '#')
  fi
  if [ $rc -ne 0 ]; then
    failed=1
    artifact=$(grep -oE 'Test unit written to [^ ]+' "$log" |
               sed 's/.* written to //' | tail -1)
    echo "fuzz: $t: FAILED after ${execs:-?} executions (exit $rc)"
    grep -E '^==[0-9]+==ERROR|SUMMARY|_fuzzer: |runtime error' "$log" | head -5 || true
    echo "fuzz: $t: input: ${artifact:-see $log}"
    SUMMARY+=("$t: FAILED, input ${artifact:-?}")
  else
    echo "fuzz: $t: ${execs:-?} executions, no crash"
    SUMMARY+=("$t: ${execs:-?} executions")
  fi
done

echo "fuzz: summary (${SECONDS_PER_TARGET} s per target)"
for line in "${SUMMARY[@]}"; do
  echo "  $line"
done
exit $failed
