#!/usr/bin/env bash
# RGCN, RGAT and HGT on the GPU: PyG's RGCNConv, RGATConv and HGTConv
# against seqc's export of the same modules (node_reduce with a warp per
# destination node, segment GEMMs through cuBLASLt), on bench_rgnn.py's
# uniform graph (40000 nodes, 400000 edges, 8 relations, F = 64, 4 heads);
# bench/cuda_rgnn.py has the details. Two stages, like the device check:
#
#   bench/bench_cuda_rgnn.sh prepare   here (python with torch and
#       torch_geometric: $PYTHON, default the test venv's): the modules
#       exported and compiled for sm_90 into build/gpu-bench/rgnn with
#       seqc-run (the graph is made again on the GPU machine)
#   bench/bench_cuda_rgnn.sh run       on the GPU machine, from the
#       repository root with build/gpu-bench carried over (python3 with
#       numpy, torch and torch_geometric): three rounds.
#
# With the device tool: run(command="bash bench/bench_cuda_rgnn.sh run",
# carry=["build/gpu-bench"]), or all GPU benchmarks at once:
# bench/bench_cuda.sh. Not yet run on a GPU. (Dry run here: cuda_rgnn.py
# prepare --target=cuda-simulation, run --device=cpu.)
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/cuda_bench_lib.sh
dir=build/gpu-bench/rgnn
case "${1:-}" in
prepare)
  mkdir -p "$dir"
  PYTHONPATH="$PWD/python:$PWD/bench" PATH="$PWD/build/bin:$PATH" \
    "${PYTHON:-/var/cache/seqc/venv-test/bin/python}" bench/cuda_rgnn.py \
    prepare "$dir" 2> >(grep -v -i warn >&2)
  cp build/bin/seqc-run "$dir/"
  echo "bench_cuda_rgnn: prepared $(du -sh "$dir" | cut -f1) in $dir"
  ;;
run)
  nvidia-smi -L
  install_wheels
  for round in 1 2 3; do
    python3 bench/cuda_rgnn.py run "$dir"
  done
  ;;
*)
  echo "usage: bench/bench_cuda_rgnn.sh prepare|run" >&2
  exit 2
  ;;
esac
