#!/usr/bin/env bash
# Gated attention on the GPU (lib/Codegen/CUDA/Kernels/Attention.cpp, the
# flash kernel: f32 on the CUDA cores, and with --precision=bf16 its
# mma.sync tiles) at issue 21's shape: B = 1,
# T = 4096, 32 heads on 8 kv heads, Dh = 128, d = 4096, RoPE, elementwise
# gate; the whole layer (the fused q/k/v/gate projection, the attention,
# o_proj) against the same layer in PyTorch with SDPA: bf16 on the flash
# backend (the peer issue 21 names) and f32 (PyTorch's choice of
# backend); each seqc output is checked against the f32 one. Two stages,
# like the device check:
#
#   bench/bench_cuda_attention.sh prepare   here: compiles the module for
#       sm_90 into build/gpu-bench/attention with seqc-run (the 235 MB of
#       weights are written again on the GPU machine, not carried)
#   bench/bench_cuda_attention.sh run       on the GPU machine, from the
#       repository root with build/gpu-bench carried over (python3 with numpy
#       and torch): three interleaved rounds.
#
# With the device tool: run(command="bash bench/bench_cuda_attention.sh
# run", carry=["build/gpu-bench"]). Not yet run on a GPU.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/cuda_bench_lib.sh
dir=build/gpu-bench/attention
weights() {  # the layer's weights, N(0, 1/d), into $dir/attention.safetensors
  PYTHONPATH=python python3 - "$dir/attention.safetensors" <<'PY'
import sys
import numpy as np
from seqc.safetensors_io import write_arrays
rng = np.random.default_rng(0)
d, q, kv = 4096, 32 * 128, 8 * 128
shapes = {"q_proj": (q, d), "k_proj": (kv, d), "v_proj": (kv, d),
          "gate_proj": (q, d), "o_proj": (d, q)}
write_arrays(sys.argv[1], {
    f"a.{n}.weight": (rng.standard_normal(s, np.float32) / np.sqrt(s[1]))
    .astype(np.float32) for n, s in shapes.items()})
PY
}
case "${1:-}" in
prepare)
  mkdir -p "$dir"
  cat > "$dir/attention.json" <<'JSON'
{"seqc_model": 1, "name": "attention", "weights": "attention.safetensors",
 "inputs": {"x": {"dtype": "f32", "shape": [1, 4096, 4096]}},
 "nodes": [{"name": "a", "op": "gated_attention", "inputs": ["x"],
            "attrs": {"heads": 32, "kv_heads": 8, "head_dim": 128,
                      "gate": "elementwise", "rope_theta": 10000.0}}],
 "outputs": {"y": "a"}}
JSON
  PATH=/usr/bin:$PATH weights
  build/bin/seqc compile "$dir/attention.json" --target=cuda --gpu-arch=sm_90 \
    --cpu=x86-64-v3 -o "$dir/attention.so"
  build/bin/seqc compile "$dir/attention.json" --target=cuda --gpu-arch=sm_90 \
    --cpu=x86-64-v3 --precision=bf16 -o "$dir/attention-bf16.so"
  rm "$dir/attention.safetensors"
  cp build/bin/seqc-run "$dir/"
  echo "bench_cuda_attention: prepared $(du -sh "$dir" | cut -f1) in $dir"
  ;;
run)
  nvidia-smi -L
  weights
  install_wheels
  cd "$dir"
  python3 -c "import numpy as np; np.save('x.npy', np.random.default_rng(1)
    .standard_normal((1, 4096, 4096)).astype(np.float32))"
  for round in 1 2 3; do
    ./seqc-run attention.so --device=cuda --weights attention.safetensors \
      --input x=x.npy --repeat 5 --output-dir out 2>&1 | tail -1 | sed "s/^/seqc cuda f32 flash kernel: /"
    ./seqc-run attention-bf16.so --device=cuda --weights attention.safetensors \
      --input x=x.npy --repeat 5 --output-dir out-bf16 2>&1 | tail -1 | sed "s/^/seqc cuda bf16 mma.sync tiles: /"
    python3 - <<'PY'
import numpy as np
import torch
import torch.nn.functional as F
from cuda_timing import median_ms
from seqc.safetensors_io import read_arrays
W = {k.split(".")[1]: torch.from_numpy(a).cuda()
     for k, a in read_arrays("attention.safetensors")[0].items()}
x = torch.from_numpy(np.load("x.npy")).cuda()
H, Hkv, Dh, T = 32, 8, 128, x.shape[1]
i = torch.arange(Dh // 2, dtype=torch.float64, device="cuda")
angle = torch.arange(T, dtype=torch.float64, device="cuda")[:, None] * \
    torch.exp(i * (-2.0 * np.log(10000.0) / Dh))
cos, sin = angle.cos().float(), angle.sin().float()
def rope(t):  # [B, T, N, Dh], NeoX rotate-half
    lo, hi = t[..., :Dh // 2], t[..., Dh // 2:]
    c, s = cos[None, :, None, :].to(t.dtype), sin[None, :, None, :].to(t.dtype)
    return torch.cat([lo * c - hi * s, hi * c + lo * s], -1)
def layer(dtype, backend):
    w = {k: v.to(dtype) for k, v in W.items()}
    xx = x.to(dtype)
    q = rope((xx @ w["q_proj"].T).view(1, T, H, Dh)).transpose(1, 2)
    k = rope((xx @ w["k_proj"].T).view(1, T, Hkv, Dh)).transpose(1, 2)
    v = (xx @ w["v_proj"].T).view(1, T, Hkv, Dh).transpose(1, 2)
    with torch.nn.attention.sdpa_kernel(backend):
        o = F.scaled_dot_product_attention(q, k, v, is_causal=True,
                                           enable_gqa=True)
    o = o.transpose(1, 2).reshape(1, T, H * Dh) * torch.sigmoid(xx @ w["gate_proj"].T)
    return o @ w["o_proj"].T
B = torch.nn.attention.SDPBackend
want = layer(torch.float32, [B.EFFICIENT_ATTENTION, B.MATH]).cpu().numpy()
for out, bound in (("out", 1e-4), ("out-bf16", 2e-2)):
    got = np.load(f"{out}/y.npy")
    err = np.abs(got - want).max() / max(1.0, np.abs(want).max())
    print(f"seqc ({out}) vs torch f32: max rel err {err:.2e} "
          f"({'within' if err <= bound else 'PAST'} {bound:g})")
for name, dtype, backend in (("bf16 SDPA flash", torch.bfloat16, [B.FLASH_ATTENTION]),
                             ("f32 SDPA", torch.float32, [B.EFFICIENT_ATTENTION, B.MATH])):
    print(f"torch {torch.__version__} {name} layer: median "
          f"{median_ms(lambda: layer(dtype, backend), 5):.3f} ms")
PY
  done
  ;;
*)
  echo "usage: bench/bench_cuda_attention.sh prepare|run" >&2
  exit 2
  ;;
esac
