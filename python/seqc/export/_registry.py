"""Which converter handles which layer, function and method.

Each library's converters live in one file of this package (torch_nn.py,
spikingjelly.py, pyg.py, fla.py), listed in LIBRARIES, and register
themselves with the decorators below:

    @module("torch.nn.Linear")              # a layer class (exact type)
    def linear(ctx, layer, x): ...

    @function(operator.add, torch.add)      # a call_function target
    @method("add")                          # a call_method name
    def add(ctx, a, b): ...

    @placeholder                            # a model input that is not
    def hetero_dict(ctx, name, example):    # one tensor (PyG's dicts)

    @prepare                                # on the export's copy of the
    def reset(root): ...                    # module, before tracing

Layer classes are named by their import path, so that a library need not
be installed: a path is resolved only once its top-level package has been
imported (a model holding such a layer has imported it). A class matches
only itself, not its subclasses, whose forward may differ.
"""
import importlib
import sys

#: The converter files, imported on first use. Adding a library is one
#: more file and one more name.
LIBRARIES = ("torch_nn", "spikingjelly", "pyg", "fla")

_MODULES = {}       # "pkg.Class" -> converter
_FUNCTIONS = {}     # function object -> converter
_METHODS = {}       # method name -> converter
_PLACEHOLDERS = []  # converters of non-tensor inputs
_PREPARERS = []     # fn(root) run on the export's copy of the module
_resolved = {}      # class -> converter, for the paths resolved so far
_loaded = False


def module(*class_paths):
    """Registers a converter ``fn(ctx, layer, *args, **kwargs) -> value``
    for the layer classes at `class_paths` (dotted import paths)."""
    def register(fn):
        for path in class_paths:
            _MODULES[path] = fn
        return fn
    return register


def function(*targets):
    """Registers ``fn(ctx, *args, **kwargs) -> value`` for call_function
    nodes calling one of `targets` (function objects)."""
    def register(fn):
        for target in targets:
            _FUNCTIONS[target] = fn
        return fn
    return register


def method(*names):
    """Registers ``fn(ctx, self, *args, **kwargs) -> value`` for
    call_method nodes (``x.relu()``) of the given method names."""
    def register(fn):
        for name in names:
            _METHODS[name] = fn
        return fn
    return register


def placeholder(fn):
    """Registers ``fn(ctx, name, example) -> value or None`` for model
    inputs that are not a single tensor; the first non-None answer wins."""
    _PLACEHOLDERS.append(fn)
    return fn


def prepare(fn):
    """Registers ``fn(root)``, run on the export's own copy of the module
    before tracing (SpikingJelly: back to the neurons' resting state)."""
    _PREPARERS.append(fn)
    return fn


def preparers():
    load()
    return list(_PREPARERS)


def load():
    """Imports the converter files (once)."""
    global _loaded
    if not _loaded:
        for name in LIBRARIES:
            importlib.import_module("." + name, __package__)
        _loaded = True


def _resolve(path):
    top = path.split(".", 1)[0]
    if top not in sys.modules:
        return None
    module_path, _, name = path.rpartition(".")
    try:
        return getattr(importlib.import_module(module_path), name)
    except (ImportError, AttributeError):
        return None


def module_converter(layer):
    """The converter for `layer`'s exact class, or None."""
    load()
    cls = type(layer)
    if cls not in _resolved:
        for path, fn in _MODULES.items():
            if _resolve(path) is cls:
                _resolved[cls] = fn
                break
        else:
            return None
    return _resolved[cls]


#: Packages whose layers are kept whole even when seqc.export has no
#: converter for them, so that the error names the layer (tracing into a
#: neuron or a message-passing layer would fail somewhere inside it).
LIBRARY_PACKAGES = ("spikingjelly", "torch_geometric", "fla")


def is_registered_class(cls):
    """True when `cls` itself has a converter."""
    load()
    return any(_resolve(path) is cls for path in _MODULES)


def is_library_layer(layer):
    """True for a layer of the libraries above, or an instance of a class
    registered here (a subclass: refused, its forward may differ)."""
    load()
    cls = type(layer)
    if cls.__module__.split(".", 1)[0] in LIBRARY_PACKAGES:
        return True
    for path in _MODULES:
        registered = _resolve(path)
        if registered is not None and isinstance(layer, registered):
            return True
    return False


def function_converter(target):
    load()
    return _FUNCTIONS.get(target)


def method_converter(name):
    load()
    return _METHODS.get(name)


def placeholder_converters():
    load()
    return list(_PLACEHOLDERS)
