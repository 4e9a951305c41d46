#!/usr/bin/env bash
# ParaRNN on the GPU (lib/Codegen/CUDA/Kernels/ParaRNN.cpp): para_gru
# (D = H = 256) solved by Newton in one launch against our own sequential
# kernel (a thread per lane, h in a register through the time loop) and
# against the same diagonal GRU cell stepped by PyTorch eager on the GPU
# (the sequential loop ParaRNN compares with), in two shapes:
#   long:  B = 4,  T = 16384 (1024 lanes: issue 21 asks Newton ≥ 10x our
#          sequential solve here; `auto` picks Newton)
#   wide:  B = 64, T = 1024, H = 1024 (65536 lanes: the sequential kernel
#          fills the GPU; `auto` picks it)
# Two stages, like the device check:
#
#   bench/bench_cuda_pararnn.sh prepare   here: compiles the modules for
#       sm_90 into build/gpu-bench/pararnn with seqc-run and the weights
#   bench/bench_cuda_pararnn.sh run       on the GPU machine, from the
#       repository root with build/gpu-bench carried over (python3 with numpy
#       and torch): three interleaved rounds.
#
# With the device tool: run(command="bash bench/bench_cuda_pararnn.sh run",
# carry=["build/gpu-bench"]). Not yet run on a GPU.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/cuda_bench_lib.sh
dir=build/gpu-bench/pararnn
case "${1:-}" in
prepare)
  mkdir -p "$dir"
  flags=(--target=cuda --gpu-arch=sm_90 --cpu=x86-64-v3)
  for shape in "long 4 16384 256" "wide 64 1024 1024"; do
    read -r name b t h <<< "$shape"
    PYTHONPATH=python /usr/bin/python3 - "$dir/$name.safetensors" "$h" <<'PY'
import sys
import numpy as np
from seqc.safetensors_io import write_arrays
path, h = sys.argv[1], int(sys.argv[2])
rng = np.random.default_rng(0)
tensors = {}
for g in "zrh":
    tensors[f"p.B_{g}"] = rng.uniform(-0.06, 0.06, (h, 256))
    tensors[f"p.b_{g}"] = rng.uniform(-0.5, 0.5, h)
    tensors[f"p.A_{g}"] = rng.uniform(-0.9, 0.9, h)
write_arrays(path, {k: v.astype(np.float32) for k, v in tensors.items()})
PY
    for solver in newton sequential auto; do
      cat > "$dir/$name-$solver.json" <<JSON
{"seqc_model": 1, "name": "para",
 "inputs": {"x": {"dtype": "f32", "shape": [$b, $t, 256]}},
 "nodes": [{"name": "p", "op": "para_gru", "inputs": ["x"],
            "attrs": {"hidden": $h, "solver": "$solver"}}],
 "outputs": {"y": "p"}}
JSON
      build/bin/seqc compile "$dir/$name-$solver.json" "${flags[@]}" \
        --weights "$dir/$name.safetensors" -o "$dir/$name-$solver.so"
    done
  done
  cp build/bin/seqc-run "$dir/"
  echo "bench_cuda_pararnn: prepared $(du -sh "$dir" | cut -f1) in $dir"
  ;;
run)
  nvidia-smi -L
  install_wheels
  cd "$dir"
  python3 -c "
import numpy as np
rng = np.random.default_rng(1)
np.save('long.npy', rng.standard_normal((4, 16384, 256)).astype(np.float32))
np.save('wide.npy', rng.standard_normal((64, 1024, 256)).astype(np.float32))"
  for round in 1 2 3; do
    for name in long wide; do
      for solver in newton sequential auto; do
        ./seqc-run "$name-$solver.so" --device=cuda --input "x=$name.npy" \
          --weights "$name.safetensors" --repeat 5 2>&1 | tail -1 | sed "s/^/seqc $name $solver: /"
      done
      python3 - "$name" <<'PY'
import sys
import numpy as np
import torch
from cuda_timing import median_ms
from seqc.safetensors_io import read_arrays
name = sys.argv[1]
w = {k: torch.from_numpy(a).cuda()
     for k, a in read_arrays(f"{name}.safetensors")[0].items()}
x = torch.from_numpy(np.load(f"{name}.npy")).cuda()
def gru():  # SPEC 4.3's diagonal GRU, the projections hoisted
    p = {g: x @ w[f"p.B_{g}"].T + w[f"p.b_{g}"] for g in "zrh"}
    h = torch.zeros(x.shape[0], w["p.A_z"].shape[0], device="cuda")
    ys = []
    for t in range(x.shape[1]):
        z = torch.sigmoid(w["p.A_z"] * h + p["z"][:, t])
        r = torch.sigmoid(w["p.A_r"] * h + p["r"][:, t])
        c = torch.tanh(w["p.A_h"] * (h * r) + p["h"][:, t])
        h = h + z * (c - h)
        ys.append(h)
    return torch.stack(ys, 1)
print(f"torch {torch.__version__} eager loop {name}: {median_ms(gru, 1):.3f} ms")
PY
    done
  done
  ;;
*)
  echo "usage: bench/bench_cuda_pararnn.sh prepare|run" >&2
  exit 2
  ;;
esac
