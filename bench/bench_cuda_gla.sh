#!/usr/bin/env bash
# GLA on the GPU at issue 21's shape: B = 8, T = 4096, d = 2048, 16 heads
# with fla's defaults (key_dim 1024, value_dim 2048: K = 64, V = 128 per
# head; gate rank 16, normalizer 16). Rows: the whole layer (the fused
# projection through cuBLASLt, gla_core's chunkwise kernel, the norm-gate
# kernel, o_proj), f32 and --precision=bf16, against fla's
# GatedLinearAttention (mode chunk: chunk_gla's Triton kernels) in f32 and
# bf16; and gla_core alone against fla's chunk_gla op (f32, bf16). The
# layer's output is checked against fla's f32 one. Each row gives the
# median GPU time and its TFLOP/s on the projections plus the recurrent
# form's 4·B·T·H·K·V (the chunkwise form's own count is higher). Two
# stages, like the device check:
#
#   bench/bench_cuda_gla.sh prepare   here: compiles the modules for sm_90
#       into build/gpu-bench/gla with seqc-run, and fla's wheels
#       (flash-linear-attention and fla-core 0.6.0, pure Python) into
#       build/gpu-bench/wheels (the 67 MB of weights are written again
#       on the GPU machine, not carried)
#   bench/bench_cuda_gla.sh run       on the GPU machine, from the
#       repository root with build/gpu-bench carried over (python3 with
#       numpy, torch and triton): three interleaved rounds.
#
# With the device tool: run(command="bash bench/bench_cuda_gla.sh run",
# carry=["build/gpu-bench"]), or all GPU benchmarks at once:
# bench/bench_cuda.sh. Not yet run on a GPU.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=build/gpu-bench/gla
source bench/cuda_bench_lib.sh
weights() {  # the layer's weights (fla's names), into $dir/gla.safetensors
  PYTHONPATH=python python3 - "$dir/gla.safetensors" <<'PY'
import sys
import numpy as np
from seqc.safetensors_io import write_arrays
rng = np.random.default_rng(0)
d, kd, vd, rank = 2048, 1024, 2048, 16
shapes = {"q_proj.weight": (kd, d), "k_proj.weight": (kd, d),
          "v_proj.weight": (vd, d), "g_proj.weight": (vd, d),
          "gk_proj.0.weight": (rank, d), "gk_proj.1.weight": (kd, rank),
          "o_proj.weight": (d, vd)}
w = {n: (rng.standard_normal(s, np.float32) / np.sqrt(s[1])).astype(np.float32)
     for n, s in shapes.items()}
w["gk_proj.1.bias"] = rng.uniform(-1, 1, kd).astype(np.float32)
w["g_norm_swish_gate.weight"] = rng.uniform(0.5, 1.5, vd // 16).astype(np.float32)
write_arrays(sys.argv[1], {"a." + n: a for n, a in w.items()})
PY
}
case "${1:-}" in
prepare)
  mkdir -p "$dir"
  cat > "$dir/gla.json" <<'JSON'
{"seqc_model": 1, "name": "gla", "weights": "gla.safetensors",
 "inputs": {"x": {"dtype": "f32", "shape": [8, 4096, 2048]}},
 "nodes": [{"name": "a", "op": "gla", "inputs": ["x"], "attrs": {"heads": 16}}],
 "outputs": {"y": "a"}}
JSON
  cat > "$dir/core.json" <<'JSON'
{"seqc_model": 1, "name": "gla_core",
 "inputs": {"q": {"dtype": "f32", "shape": [8, 4096, 1024]},
            "k": {"dtype": "f32", "shape": [8, 4096, 1024]},
            "v": {"dtype": "f32", "shape": [8, 4096, 2048]},
            "g": {"dtype": "f32", "shape": [8, 4096, 1024]}},
 "nodes": [{"name": "c", "op": "gla_core", "inputs": ["q", "k", "v", "g"],
            "attrs": {"heads": 16}}],
 "outputs": {"o": "c", "s": "c:1"}}
JSON
  PATH=/usr/bin:$PATH weights
  flags=(--target=cuda --gpu-arch=sm_90 --cpu=x86-64-v3)
  build/bin/seqc compile "$dir/gla.json" "${flags[@]}" -o "$dir/gla.so"
  build/bin/seqc compile "$dir/gla.json" "${flags[@]}" --precision=bf16 \
    -o "$dir/gla-bf16.so"
  build/bin/seqc compile "$dir/core.json" "${flags[@]}" -o "$dir/core.so"
  rm "$dir/gla.safetensors"
  cp build/bin/seqc-run "$dir/"
  download_wheels flash-linear-attention==0.6.0 fla-core==0.6.0
  echo "bench_cuda_gla: prepared $(du -sh "$dir" | cut -f1) in $dir"
  ;;
run)
  nvidia-smi -L
  install_wheels
  weights
  cd "$dir"
  python3 - <<'PY'
import numpy as np
import torch
import torch.nn.functional as F
torch.manual_seed(1)
B, T, d, H, K, V = 8, 4096, 2048, 16, 64, 128
np.save("x.npy", torch.randn(B, T, d).numpy())
q, k = torch.randn(B, T, H * K), torch.randn(B, T, H * K)
g = F.logsigmoid(torch.randn(B, T, H * K)) / 16
for n, a in (("q", q), ("k", k), ("v", torch.randn(B, T, H * V)), ("g", g)):
    np.save(n + ".npy", a.numpy())
PY
  for round in 1 2 3; do
    ./seqc-run gla.so --device=cuda --weights gla.safetensors --input x=x.npy \
      --repeat 5 --output-dir out 2>&1 | tail -1 | sed "s/^/seqc GLA layer f32: /"
    ./seqc-run gla-bf16.so --device=cuda --weights gla.safetensors \
      --input x=x.npy --repeat 5 2>&1 | tail -1 | sed "s/^/seqc GLA layer bf16 products: /"
    ./seqc-run core.so --device=cuda --input q=q.npy --input k=k.npy \
      --input v=v.npy --input g=g.npy --repeat 5 2>&1 | tail -1 |
      sed "s/^/seqc gla_core chunkwise kernel: /"
    python3 - <<'PY'
import numpy as np
import torch
from cuda_timing import median_ms
from fla.layers import GatedLinearAttention
from fla.ops.gla import chunk_gla
from seqc.safetensors_io import read_arrays
B, T, d, H, K, V = 8, 4096, 2048, 16, 64, 128
peak = 790e12  # issue 21's H200 bf16 dense peak
proj = 2 * B * T * d * (2 * H * K + 2 * H * V + 16) + 2 * B * T * H * V * d
core = 4 * B * T * H * K * V
w = {n[2:]: torch.from_numpy(a) for n, a in read_arrays("gla.safetensors")[0].items()}
layer = GatedLinearAttention(mode="chunk", hidden_size=d, num_heads=H).cuda()
layer.load_state_dict(w)
x = torch.from_numpy(np.load("x.npy")).cuda()
with torch.no_grad():
    want = layer.float()(x)[0].cpu().numpy()
    got = np.load("out/y.npy")
    print(f"seqc vs fla f32 layer: max rel err "
          f"{np.abs(got - want).max() / max(1.0, np.abs(want).max()):.2e}")
    for name, dtype in (("f32", torch.float32), ("bf16", torch.bfloat16)):
        m, xx = layer.to(dtype), x.to(dtype)
        ms = median_ms(lambda: m(xx), 5)
        print(f"fla {name} GLA layer: median {ms:.3f} ms, "
              f"{(proj + core) / ms / 1e9:.1f} TFLOP/s "
              f"({(proj + core) / ms / 1e-3 / peak:.1%} of bf16 peak)")
    qkvg = [torch.from_numpy(np.load(n + ".npy")).cuda() for n in "qkvg"]
    for name, dtype in (("f32", torch.float32), ("bf16", torch.bfloat16)):
        q, k, v, g = (a.to(dtype) for a in qkvg)
        q, k, g = (a.view(B, T, H, K) for a in (q, k, g))
        v = v.view(B, T, H, V)
        ms = median_ms(lambda: chunk_gla(q, k, v, g, scale=K ** -0.5,
                                         output_final_state=True), 5)
        print(f"fla {name} chunk_gla: median {ms:.3f} ms, "
              f"{core / ms / 1e9:.1f} TFLOP/s (recurrent count)")
print(f"FLOPs: layer {(proj + core) / 1e12:.2f} T, gla_core {core / 1e12:.3f} T "
      "(seqc's rows: divide by their ms)")
PY
  done
  ;;
*)
  echo "usage: bench/bench_cuda_gla.sh prepare|run" >&2
  exit 2
  ;;
esac
