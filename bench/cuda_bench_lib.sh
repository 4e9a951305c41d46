# shellcheck shell=bash
# Shared pieces of the GPU benchmarks (bench/bench_cuda*.sh), sourced from
# the repository root. Each benchmark prepares its folder under
# build/gpu-bench here (compiled modules, seqc-run) and runs there on the
# GPU machine with that folder carried over.

# Pure-Python peers the GPU machine lacks travel as wheels.
wheels=build/gpu-bench/wheels

# download_wheels NAME==VERSION...: into $wheels (here; PyPI reachable).
download_wheels() {
  mkdir -p "$wheels"
  python3 -m pip download -q --no-deps --only-binary=:all: \
    --python-version 3.12 --implementation cp \
    --platform manylinux2014_x86_64 -d "$wheels" "$@" ||
    echo "(could not download $*: the rows of those peers will fail)"
}

# On the GPU machine: the carried wheels into /tmp/site, and the Python
# path of the benchmarks' helpers (bench/cuda_timing.py) and of seqc's.
install_wheels() {
  if compgen -G "$wheels/*.whl" > /dev/null; then
    python3 -m pip install -q --no-index --no-deps --no-compile \
      --no-cache-dir --upgrade --target /tmp/site "$wheels"/*.whl
  fi
  export PYTHONPATH="/tmp/site:$PWD/bench:$PWD/python"
}
