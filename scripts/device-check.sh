#!/usr/bin/env bash
# The CUDA device check (docs/cuda.md), in two stages:
#
#   scripts/device-check.sh prepare     here, with the compiler: compiles
#       every model of the end-to-end cases (scripts/device-check-cases.sh)
#       for $GPU_ARCH (default sm_90) into build/device-check/cache, and
#       puts seqc-run (the runtime alone) beside it; under 64 MiB.
#   scripts/device-check.sh run         on the GPU machine (no LLVM; python3
#       with numpy), from the repository root with build/device-check
#       carried over: runs the same cases there, each against its float64
#       reference, one line per case, then one summary line.
#
# With the device tool: run(command="bash scripts/device-check.sh run",
# carry=["build/device-check"]).
#
# DEVICE_CHECK_TARGET=cuda-simulation checks the check itself without a
# GPU: both stages on this machine, the modules those of the test-only
# target (the CUDA path's loops run on the CPU), run with --device=cpu.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$PWD
# (Tests put the modules elsewhere and take seqc from their build.)
dir=${DEVICE_CHECK_DIR:-$root/build/device-check}
bin=${SEQC_BIN:-$root/build/bin}
export SEQC="$root/python/seqc/testing/device_seqc.py"
export SEQC_DEVICE_CACHE="$dir/cache"
export WORK="${TMPDIR:-/tmp}/seqc-device-check-$$"
# The end-to-end scripts need numpy.
if [ -z "${PYTHON:-}" ]; then
  for p in python3 /usr/bin/python3; do
    if "$p" -c "import numpy" 2>/dev/null; then PYTHON=$p; break; fi
  done
fi
export PYTHON=${PYTHON:-python3}
target=${DEVICE_CHECK_TARGET:-cuda}
export SEQC_DEVICE_RUN_DEVICE=cuda
[ "$target" = cuda ] || SEQC_DEVICE_RUN_DEVICE=cpu

case "${1:-}" in
prepare)
  set -e
  [ -x "$bin/seqc" ] && [ -x "$bin/seqc-run" ] || {
    echo "device-check: build seqc first (scripts/build.sh)" >&2; exit 1; }
  rm -rf "$dir" && mkdir -p "$dir"
  cp "$bin/seqc-run" "$dir/"
  export SEQC_DEVICE_STAGE=compile SEQC_DEVICE_SEQC="$bin/seqc"
  # Host code for any x86-64 with AVX2: the GPU machine's CPU is not this.
  export SEQC_DEVICE_FLAGS="--target=$target --gpu-arch=${GPU_ARCH:-sm_90} --cpu=x86-64-v3"
  start=$(date +%s)
  # Nothing runs here: every script's verdicts are failures, ignored.
  set +e
  . scripts/device-check-cases.sh > "$dir/compile.log" 2>&1
  set -e
  rm -rf "$WORK"
  n=$(ls "$dir/cache" | wc -l)
  echo "device-check: $n modules for ${GPU_ARCH:-sm_90} in $(( $(date +%s) - start )) s," \
       "$(du -sh "$dir" | cut -f1) in $dir"
  if grep -q "seqc: error" "$dir/compile.log"; then
    grep "seqc: error" "$dir/compile.log" | head -5 >&2
    echo "device-check: some models did not compile" >&2
    exit 1
  fi
  ;;
run)
  export SEQC_DEVICE_STAGE=run SEQC_DEVICE_RUNNER="$dir/seqc-run"
  nvidia-smi --query-gpu=name,driver_version --format=csv,noheader 2>/dev/null |
    sed 's/^/device-check: GPU /'
  . scripts/device-check-cases.sh 2>&1 | tee "$WORK.log"
  rm -rf "$WORK"
  pass=$(grep -c '^PASS' "$WORK.log")
  fail=$(grep -c '^FAIL' "$WORK.log")
  echo "device-check: $pass passed, $fail failed"
  rm -f "$WORK.log"
  [ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
  ;;
*)
  sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
  ;;
esac
