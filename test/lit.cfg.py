# lit configuration for seqc: dialect round trips, verifier errors, model
# import and error messages. Paths come from lit.site.cfg.py.
import os
import sys

import lit.formats
from lit.llvm import llvm_config

config.name = "seqc"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".test"]
config.excludes = ["Inputs", "CMakeLists.txt", "lit.cfg.py", "lit.site.cfg.py"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.seqc_obj_root, "test")

llvm_config.use_default_substitutions()
config.substitutions.append(("%python", sys.executable))
config.substitutions.append(("%seqc_tools_dir", config.seqc_tools_dir))
# A C program linked against the runtime alone (its headers, its two
# static libraries).
config.substitutions.append(("%link_runtime", " ".join([
    "-I" + os.path.join(config.seqc_src_root, "runtime", "include"),
    os.path.join(config.seqc_obj_root, "runtime", "libSeqcRuntime.a"),
    os.path.join(config.seqc_obj_root, "runtime", "libSeqcTensorFiles.a"),
    "-lstdc++ -ldl -lm"])))
# The Python package's tests (test/Python) run the checkout's python/ on
# this build (SEQC_BUILD_DIR).
config.substitutions.append(("%seqc_src_root", config.seqc_src_root))
config.substitutions.append(("%seqc_obj_root", config.seqc_obj_root))
# The package's tests against PyTorch, SpikingJelly, PyG, NIR and Ray
# (test/Python) run on the Python of scripts/install-python-deps.sh:
# SEQC_TEST_PYTHON, else $SEQC_TEST_VENV/bin/python (default
# /var/cache/seqc/venv-test), else lit's own. Features say which libraries
# that Python finds (importlib's find_spec: nothing is imported, which would
# take seconds); pip's tools are asked of lit's Python, which the install
# test uses.
import importlib.util
import subprocess
_ml_python = os.environ.get("SEQC_TEST_PYTHON") or os.path.join(
    os.environ.get("SEQC_TEST_VENV", "/var/cache/seqc/venv-test"), "bin",
    "python")
if not os.path.exists(_ml_python):
    _ml_python = sys.executable
_features = {"python-torch": ["torch"], "python-nir": ["nir"],
             "python-ray": ["ray", "pyarrow"],
             "python-export": ["torch", "spikingjelly", "torch_geometric"],
             "python-fla": ["torch", "triton", "fla"]}
_probe = subprocess.run(
    [_ml_python, "-c", "import importlib.util as u, sys; print(' '.join("
     "m for m in sys.argv[1:] if u.find_spec(m)))"]
    + sorted({m for ms in _features.values() for m in ms}),
    stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
_found = set(_probe.stdout.split()) if _probe.returncode == 0 else set()
for _feature, _modules in _features.items():
    if all(m in _found for m in _modules):
        config.available_features.add(_feature)
config.substitutions.append(("%ml_python", _ml_python))
if all(importlib.util.find_spec(m) for m in ("pip", "setuptools", "wheel")):
    config.available_features.add("python-pip")
config.substitutions.append(("%mkweights",
    sys.executable + " " + os.path.join(config.test_source_root, "Frontend",
                                        "Inputs", "mkweights.py")))

tool_dirs = [config.seqc_tools_dir, config.llvm_tools_dir]
llvm_config.add_tool_substitutions(["seqc", "seqc-opt", "seqc-run"], tool_dirs)
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)

# CPU features of this machine, for the tests of modules generated for CPUs
# it is not (the runtime must refuse them, naming what is missing).
def _cpu_flags():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("flags"):
                    return set(line.split(":", 1)[1].split())
    except OSError:
        pass
    return None

_flags = _cpu_flags()
if _flags is not None:
    if "avx512f" not in _flags:
        config.available_features.add("host-lacks-avx512f")
    if "amx_tile" not in _flags:
        config.available_features.add("host-lacks-amx-tile")
    # The bf16 products' kernels this machine can run (--precision=bf16).
    if "avx512_bf16" in _flags:
        config.available_features.add("host-avx512-bf16")
    if "amx_bf16" in _flags:
        config.available_features.add("host-amx-bf16")

import shutil
if shutil.which("valgrind"):
    config.available_features.add("valgrind")

# The CUDA toolkit's ptxas makes --target=cuda's cubins (docs/cuda.md).
_cuda = os.environ.get("CUDA_HOME") or os.environ.get("CUDA_PATH") or "/usr/local/cuda"
if os.path.exists(os.path.join(_cuda, "bin", "ptxas")):
    config.available_features.add("cuda-toolkit")
    config.substitutions.append(("%cuda_include", os.path.join(_cuda, "include")))
# The runtime's CUDA tests run a fake driver; cuBLASLt is the fake one they
# name, or none (the toolkit's library, which loads here, is never used).
config.environment["SEQC_CUBLASLT"] = "none"

# The sanitizer tier's build (SEQC_SANITIZE) has a runtime library that
# only its own instrumented executables can load: the tests that drive
# seqc from Python go through its `seqc compile` and `seqc run` instead of
# loading the library (python/seqc/testing/package.py, CliModule).
if getattr(config, "seqc_sanitize", "OFF").upper() in ("ON", "TRUE", "1"):
    config.environment["SEQC_E2E_VIA"] = "cli"
