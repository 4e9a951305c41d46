#!/usr/bin/env bash
# GRU and LSTM on the GPU at issue 21's shape: B = 64, T = 1024,
# D = H = 1024, one layer (SPEC's rnn op, PyTorch's weights), f32 and
# --precision=bf16 (the input projection in bf16; the recurrent product
# stays f32), against torch.nn.GRU / LSTM on cuDNN in f32 (TF32 off) and
# bf16; seqc's f32 output checked against cuDNN's f32 one. Two stages,
# like the device check:
#
#   bench/bench_cuda_rnn.sh prepare   here: compiles the modules for sm_90
#       into build/gpu-bench/rnn with seqc-run (the weights are written
#       again on the GPU machine)
#   bench/bench_cuda_rnn.sh run       on the GPU machine, from the
#       repository root with build/gpu-bench carried over (python3 with
#       numpy and torch): three interleaved rounds.
#
# With the device tool: run(command="bash bench/bench_cuda_rnn.sh run",
# carry=["build/gpu-bench"]), or all GPU benchmarks at once:
# bench/bench_cuda.sh. Not yet run on a GPU.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/cuda_bench_lib.sh
dir=build/gpu-bench/rnn
weights() {  # $1 gru|lstm: PyTorch's init, U(−1/√H, 1/√H), seeded
  PYTHONPATH=python python3 - "$dir/$1.safetensors" "$1" <<'PY'
import sys
import numpy as np
from seqc.safetensors_io import write_arrays
H = D = 1024
gates = 3 if sys.argv[2] == "gru" else 4
rng = np.random.default_rng(0)
def u(*shape):
    return rng.uniform(-H ** -0.5, H ** -0.5, shape).astype(np.float32)
write_arrays(sys.argv[1], {"r.weight_ih_l0": u(gates * H, D),
                           "r.weight_hh_l0": u(gates * H, H),
                           "r.bias_ih_l0": u(gates * H),
                           "r.bias_hh_l0": u(gates * H)})
PY
}
case "${1:-}" in
prepare)
  mkdir -p "$dir"
  flags=(--target=cuda --gpu-arch=sm_90 --cpu=x86-64-v3)
  for cell in gru lstm; do
    cat > "$dir/$cell.json" <<JSON
{"seqc_model": 1, "name": "$cell", "weights": "$cell.safetensors",
 "inputs": {"x": {"dtype": "f32", "shape": [64, 1024, 1024]}},
 "nodes": [{"name": "r", "op": "rnn", "inputs": ["x"],
            "attrs": {"cell": "$cell", "hidden": 1024}}],
 "outputs": {"y": "r"}}
JSON
    PATH=/usr/bin:$PATH weights "$cell"
    build/bin/seqc compile "$dir/$cell.json" "${flags[@]}" -o "$dir/$cell.so"
    build/bin/seqc compile "$dir/$cell.json" "${flags[@]}" --precision=bf16 \
      -o "$dir/$cell-bf16.so"
    rm "$dir/$cell.safetensors"
  done
  cp build/bin/seqc-run "$dir/"
  echo "bench_cuda_rnn: prepared $(du -sh "$dir" | cut -f1) in $dir"
  ;;
run)
  nvidia-smi -L
  install_wheels
  weights gru
  weights lstm
  cd "$dir"
  python3 -c "import numpy as np; np.save('x.npy', np.random.default_rng(1)
    .standard_normal((64, 1024, 1024)).astype(np.float32))"
  for round in 1 2 3; do
    for cell in gru lstm; do
      ./seqc-run "$cell.so" --device=cuda --weights "$cell.safetensors" \
        --input x=x.npy --repeat 3 --output-dir "out-$cell" 2>&1 | tail -1 |
        sed "s/^/seqc $cell f32: /"
      ./seqc-run "$cell-bf16.so" --device=cuda --weights "$cell.safetensors" \
        --input x=x.npy --repeat 3 2>&1 | tail -1 | sed "s/^/seqc $cell bf16 input projection: /"
    done
    python3 - <<'PY'
import numpy as np
import torch
from cuda_timing import median_ms
from seqc.safetensors_io import read_arrays
torch.backends.cudnn.allow_tf32 = False
torch.backends.cuda.matmul.allow_tf32 = False
x = torch.from_numpy(np.load("x.npy")).cuda()
for cell, cls in (("gru", torch.nn.GRU), ("lstm", torch.nn.LSTM)):
    rnn = cls(1024, 1024, batch_first=True).cuda()
    rnn.load_state_dict({k[2:]: torch.from_numpy(a) for k, a in
                         read_arrays(f"{cell}.safetensors")[0].items()})
    with torch.no_grad():
        want = rnn(x)[0].cpu().numpy()
        got = np.load(f"out-{cell}/y.npy")
        print(f"seqc {cell} vs cuDNN f32: max rel err "
              f"{np.abs(got - want).max() / max(1.0, np.abs(want).max()):.2e}")
        for name, dtype in (("f32", torch.float32), ("bf16", torch.bfloat16)):
            m, xx = rnn.to(dtype), x.to(dtype)
            print(f"torch {torch.__version__} cuDNN {cell} {name}: median "
                  f"{median_ms(lambda: m(xx), 5):.3f} ms")
PY
  done
  ;;
*)
  echo "usage: bench/bench_cuda_rnn.sh prepare|run" >&2
  exit 2
  ;;
esac
