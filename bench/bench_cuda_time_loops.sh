#!/usr/bin/env bash
# The CUDA target's time loops in registers (seq-lower-cuda-kernels) on the
# GPU: LIF on x [64, 128, 65536] f32 (issue 21's LIF case), one thread per
# neuron carrying its potential through the 128 steps, against the same
# model with the common body (seq-lower-cuda-kernels{kernels=false}: two
# launches and a state buffer per step, the loop on the host), PyTorch's
# eager multi-step loop (what SpikingJelly's torch backend runs:
# H = V + (X − V)/τ, S = H ≥ θ, V = H·(1 − S), per step), SpikingJelly's
# multi-step LIFNode on the CUDA implementation it selects (the wheel
# carried), and a device copy of x (torch clone: the bandwidth the GPU
# reaches). Each line gives the
# GPU time and the bandwidth of the 4.3 GB the kernel must move (x read,
# spikes written). Two stages, like the device check:
#
#   bench/bench_cuda_time_loops.sh prepare   here: compiles both modules for
#       sm_90 into build/gpu-bench/time-loops with seqc-run beside them,
#       SpikingJelly 2.0.0's wheel (and loguru's, SciencePlots') into
#       build/gpu-bench/wheels
#   bench/bench_cuda_time_loops.sh run       on the GPU machine, from the
#       repository root with build/gpu-bench carried over (python3 with numpy
#       and torch): three interleaved rounds.
#
# With the device tool: run(command="bash bench/bench_cuda_time_loops.sh
# run", carry=["build/gpu-bench"]). Not yet run on a GPU.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/cuda_bench_lib.sh
dir=build/gpu-bench/time-loops
case "${1:-}" in
prepare)
  mkdir -p "$dir"
  cat > "$dir/lif.json" <<'JSON'
{"seqc_model": 1, "name": "lif",
 "inputs": {"x": {"dtype": "f32", "shape": ["B", "T", 65536]}},
 "nodes": [{"name": "n", "op": "lif", "inputs": ["x"],
            "attrs": {"tau": 2.0, "v_threshold": 1.0}}],
 "outputs": {"y": "n", "v": "n:1"}}
JSON
  flags=(--target=cuda --gpu-arch=sm_90 --cpu=x86-64-v3)
  build/bin/seqc compile "$dir/lif.json" "${flags[@]}" -o "$dir/lif.so"
  build/bin/seqc compile "$dir/lif.json" "${flags[@]}" \
    '--pass-options=seq-lower-cuda-kernels{kernels=false}' -o "$dir/lif-steps.so"
  cp build/bin/seqc-run "$dir/"
  download_wheels spikingjelly==2.0.0 loguru==0.7.3 SciencePlots==2.2.2
  echo "bench_cuda_time_loops: prepared $(du -sh "$dir" | cut -f1) in $dir"
  ;;
run)
  nvidia-smi -L
  install_wheels
  cd "$dir"
  python3 -c "import numpy as np; np.save('x.npy', np.random.default_rng(0)
    .uniform(0, 1.5, (64, 128, 65536)).astype(np.float32))"
  gb=$(python3 -c "print(2 * 64 * 128 * 65536 * 4 / 1e9)")
  for round in 1 2 3; do
    ./seqc-run lif.so --device=cuda --input x=x.npy --repeat 10 2>&1 | tail -1 |
      sed "s/^/seqc cuda, time loop in registers ($gb GB): /"
    ./seqc-run lif-steps.so --device=cuda --input x=x.npy --repeat 3 2>&1 |
      tail -1 | sed "s/^/seqc cuda, common body (launches per step): /"
    python3 - <<'PY'
import numpy as np
import torch
from cuda_timing import median_ms
x = torch.from_numpy(np.load("x.npy")).cuda().transpose(0, 1).contiguous()
def lif():  # x [T, B, N], SpikingJelly's step order
    v = torch.zeros_like(x[0]); out = torch.empty_like(x)
    for t in range(x.shape[0]):
        h = v + (x[t] - v) / 2.0
        s = (h >= 1.0).to(x.dtype)
        v = h * (1 - s)
        out[t] = s
    return out, v
gb = 2 * x.numel() * 4 / 1e9
for name, fn in (("torch eager loop", lif), ("torch copy of x", x.clone)):
    ms = median_ms(fn, 10)
    print(f"{name} ({torch.__version__}): median {ms:.3f} ms, {gb / ms:.0f} GB/s")
# SpikingJelly's multi-step LIFNode (the same neuron: decay_input, hard
# reset to 0), on the CUDA implementation it picks itself (named), its
# spikes against the loop's.
from spikingjelly.activation_based import functional, neuron
want = lif()[0]
node = neuron.LIFNode(tau=2.0, v_threshold=1.0, step_mode="m").cuda()
def step():
    node.reset()
    return node(x)
impl = functional.neuron_implementation("lif", x.device)["implementation"]
differ = int((step() != want).sum())
ms = median_ms(step, 10)
print(f"spikingjelly LIFNode ({impl}): median {ms:.3f} ms, {gb / ms:.0f} GB/s "
      f"({differ} spikes differ from the loop's)")
PY
  done
  ;;
*)
  echo "usage: bench/bench_cuda_time_loops.sh prepare|run" >&2
  exit 2
  ;;
esac
