"""seqc: an ahead-of-time compiler for sequence and graph models (gated
linear attention, recurrences, spiking units, relational GNNs).

    import numpy as np, seqc
    module = seqc.compile("model.json")          # or a seqc.Model
    outputs = module(x=np.ones((1, 16, 64), np.float32))
    outputs["y"]                                 # NumPy (torch in, torch out)

seqc.compile(model, weights=None, target="cpu", precision="f32", ...)
    compiles a model JSON or a seqc.Model and loads it: a seqc.Module.
seqc.load(path_so, weights=None)
    loads a module compiled earlier (seqc compile, Module.save).
seqc.Module
    call with NumPy arrays or torch tensors (read in place); .inputs,
    .outputs, .threads, .save(path).
seqc.Model(description, tensors)
    a model description and its weights in memory; .save(dir), Model.load.
seqc.export(torch_module, example_inputs)
    a PyTorch module (torch.nn, SpikingJelly, PyG layers) as a seqc.Model.
seqc.from_nir(graph, dt)
    a NIR graph (Affine, Linear, LIF, IF, CubaLIF) as a seqc.Model,
    forward Euler at the time step dt (docs/nir.md).
seqc.Error
    what the compiler or runtime reports, with the CLI's message;
    seqc.ExportError for models the exporters cannot express.

The package also holds the tests' helpers (seqc.reference: float64
references of SPEC's formulas; seqc.safetensors_io; seqc.testing). Those
need no NumPy to import; the API above needs NumPy (and torch only when
torch tensors are passed), and is imported on first use.
"""
from .errors import Error, ExportError

__all__ = ["compile", "load", "Module", "Model", "TensorSpec", "Error",
           "ExportError", "export", "from_nir"]
__version__ = "0.1.0"

# Imported on first use: `import seqc.safetensors_io` (the tests, the
# examples' build) must work on a Python without NumPy.
_LAZY = {"compile": "compiler", "load": "compiler", "Module": "module",
         "TensorSpec": "module", "Model": "model", "from_nir": "nir"}


def __getattr__(name):
    if name == "export":
        # The subpackage seqc.export, callable: seqc.export(module, inputs).
        import importlib
        return importlib.import_module(".export", __name__)
    if name in _LAZY:
        import importlib
        value = getattr(importlib.import_module("." + _LAZY[name], __name__),
                        name)
        globals()[name] = value
        return value
    raise AttributeError("module 'seqc' has no attribute %r" % name)


def __dir__():
    return sorted(set(globals()) | set(__all__))
