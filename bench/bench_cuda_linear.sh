#!/usr/bin/env bash
# One projection on the GPU: seqc's CUDA target, by cuBLASLt (the runtime's
# seqc_cuda_calls::gemm) and by its own shared-memory f32 tiles
# (SEQC_CUBLASLT=none: seq-cuda-tile-linear's fallback), against PyTorch's
# cuBLAS on the same GPU in the same run (f32 with TF32 off, TF32, bf16),
# y = x w^T with x [8, 1024, 2048] and w [2048, 2048] (68.7 GFLOP). Two
# stages, like the device check:
#
#   bench/bench_cuda_linear.sh prepare   here: compiles the model for sm_90
#       into build/gpu-bench/linear with seqc-run (the runtime alone) beside it
#   bench/bench_cuda_linear.sh run       on the GPU machine, from the
#       repository root with build/gpu-bench carried over (python3 with
#       numpy and torch): three interleaved rounds of `seqc-run --repeat 20`
#       (GPU time by CUDA events) with cuBLASLt, `--repeat 5` with the
#       tiles, and PyTorch's medians of 20; also y = x + x of the same
#       shapes (no product): what a run costs besides the product (its
#       output's fresh managed memory, x's pages reaching the GPU)
#
# With the device tool: run(command="bash bench/bench_cuda_linear.sh run",
# carry=["build/gpu-bench"]).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/cuda_bench_lib.sh
dir=build/gpu-bench/linear
case "${1:-}" in
prepare)
  mkdir -p "$dir"
  cat > "$dir/lin.json" <<'JSON'
{"seqc_model": 1, "name": "lin",
 "inputs": {"x": {"dtype": "f32", "shape": ["B", "T", 2048]}},
 "nodes": [{"name": "l", "op": "linear", "inputs": ["x"],
            "attrs": {"out": 2048, "bias": false}}],
 "outputs": {"y": "l"}}
JSON
  cat > "$dir/add.json" <<'JSON'
{"seqc_model": 1, "name": "add",
 "inputs": {"x": {"dtype": "f32", "shape": ["B", "T", 2048]}},
 "nodes": [{"name": "s", "op": "add", "inputs": ["x", "x"]}],
 "outputs": {"y": "s"}}
JSON
  build/bin/seqc compile "$dir/add.json" --target=cuda --gpu-arch=sm_90 \
    --cpu=x86-64-v3 -o "$dir/add.so"
  python3 test/Frontend/Inputs/mkweights.py "$dir/w.st" l.weight:f32:2048x2048
  build/bin/seqc compile "$dir/lin.json" --weights "$dir/w.st" --target=cuda \
    --gpu-arch=sm_90 --cpu=x86-64-v3 -o "$dir/lin.so"
  rm "$dir/w.st"  # written again there (seeded): 16 MB not carried
  cp build/bin/seqc-run "$dir/"
  echo "bench_cuda_linear: prepared $(du -sh "$dir" | cut -f1) in $dir"
  ;;
run)
  nvidia-smi -L
  install_wheels
  python3 test/Frontend/Inputs/mkweights.py "$dir/w.st" l.weight:f32:2048x2048
  cd "$dir"
  python3 -c "import numpy as np; np.save('x.npy', np.random.default_rng(0)
    .standard_normal((8, 1024, 2048)).astype(np.float32))"
  for round in 1 2 3; do
    ./seqc-run lin.so --device=cuda --weights w.st --input x=x.npy --repeat 20 \
      2>&1 | tail -1 | sed 's/^/seqc cuda, cuBLASLt: /'
    ./seqc-run add.so --device=cuda --input x=x.npy --repeat 20 2>&1 | tail -1 |
      sed 's/^/seqc cuda, x + x (no product): /'
    SEQC_CUBLASLT=none ./seqc-run lin.so --device=cuda --weights w.st \
      --input x=x.npy --repeat 5 2>&1 | tail -1 | sed 's/^/seqc cuda, own tiles: /'
    python3 - <<'PY'
import torch
from cuda_timing import median_ms
x = torch.randn(8, 1024, 2048, device="cuda")
w = torch.randn(2048, 2048, device="cuda")
flop = 2 * 8 * 1024 * 2048 * 2048
for name, tf32, dtype in (("f32", False, torch.float32), ("tf32", True, torch.float32),
                          ("bf16", False, torch.bfloat16)):
    torch.backends.cuda.matmul.allow_tf32 = tf32
    xa, wa = x.to(dtype), w.to(dtype)
    ms = median_ms(lambda: torch.nn.functional.linear(xa, wa), 20)
    print(f"torch {torch.__version__} {name}: median {ms:.3f} ms, "
          f"{flop / ms / 1e9:.1f} TFLOP/s")
PY
  done
  ;;
*)
  echo "usage: bench/bench_cuda_linear.sh prepare|run" >&2
  exit 2
  ;;
esac
