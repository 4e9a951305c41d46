#!/usr/bin/env bash
# Issue 21's GPU benchmarks in one device call, after the device check:
# each workload against its peer on the same GPU in the same run —
#   linear       one projection vs PyTorch's cuBLAS (f32, TF32, bf16)
#   time_loops   LIF (B 64, T 128, N 65536) vs PyTorch's loop and
#                SpikingJelly's LIFNode, in GB/s
#   pararnn      ParaRNN GRU/LSTM, Newton vs sequential vs PyTorch's loop
#   attention    gated attention (T 4096, 32 heads, 8 kv, Dh 128) vs SDPA
#   gla          the GLA layer and gla_core (B 8, T 4096, d 2048, 16 heads)
#                vs fla's GatedLinearAttention and chunk_gla
#   rnn          GRU/LSTM (B 64, T 1024, H 1024) vs cuDNN
#   rgnn         RGCN/RGAT/HGT (40k nodes, 400k edges) vs PyG
# (bench/bench_cuda_<name>.sh each; their comments say what is timed).
#
#   bench/bench_cuda.sh prepare [NAME...]   here: scripts/device-check.sh
#       prepare, then each benchmark's prepare (build/gpu-bench; the
#       peers' wheels in build/gpu-bench/wheels)
#   bench/bench_cuda.sh run [NAME...]       on the GPU machine, from the
#       repository root with build/device-check and build/gpu-bench
#       carried over: the device check, then each benchmark; the whole
#       log also in $OUT/bench-cuda.log where $OUT is set.
#
# With the device tool: run(command="bash bench/bench_cuda.sh run",
# carry=["build/device-check", "build/gpu-bench"], timeout_s=600); name
# fewer benchmarks to fit a call's 10 minutes. Not yet run on a GPU.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
stage=${1:-}
shift || true
names=("$@")
[ ${#names[@]} -gt 0 ] || names=(linear time_loops pararnn attention gla rnn rgnn)
case "$stage" in
prepare)
  bash scripts/device-check.sh prepare || exit 1
  for name in "${names[@]}"; do
    bash "bench/bench_cuda_$name.sh" prepare || exit 1
  done
  du -sh build/device-check build/gpu-bench
  ;;
run)
  log=${OUT:-${TMPDIR:-/tmp}}/bench-cuda.log
  {
    bash scripts/device-check.sh run
    for name in "${names[@]}"; do
      echo "== bench_cuda_$name"
      bash "bench/bench_cuda_$name.sh" run || echo "== bench_cuda_$name failed"
    done
  } 2>&1 | tee "$log"
  ;;
*)
  echo "usage: bench/bench_cuda.sh prepare|run [NAME...]" >&2
  exit 2
  ;;
esac
