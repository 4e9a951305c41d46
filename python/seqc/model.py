"""seqc.Model: a model description (SPEC §2) and its tensors, in memory."""
import copy
import json
import os

import numpy as np

from . import safetensors_io
from .errors import Error

#: The file names Model.save writes in its directory.
MODEL_JSON, MODEL_WEIGHTS = "model.json", "model.safetensors"
MODEL_META = "model.meta.json"
_WEIGHT_DTYPES = (np.float32, np.float16, np.int32, np.int64)


def _to_numpy(name, value):
    """A weight as a NumPy array, and whether it is stored as bf16."""
    if type(value).__module__.startswith("torch"):
        value = value.detach().cpu()
        if str(value.dtype) == "torch.bfloat16":
            return value.float().numpy(), True
        value = value.numpy()
    array = np.asarray(value)
    if array.dtype.name == "bfloat16":  # ml_dtypes
        return array.astype(np.float32), True
    if array.dtype == np.float64:
        # seqc computes in f32: a float64 weight would be refused.
        return array.astype(np.float32), False
    if not any(array.dtype == d for d in _WEIGHT_DTYPES):
        raise TypeError("tensor '%s' has dtype %s; seqc's weights are "
                        "float32, float16, bfloat16, int32 or int64"
                        % (name, array.dtype))
    return array, False


class Model:
    """A model description and its tensors, in memory: what seqc.compile
    takes besides a path, what the exporters make.

    ``Model(description, tensors=None)``:

    description
        the model's JSON (SPEC §2) as a dict, or as JSON text: "seqc_model",
        "name", "inputs", "nodes", "outputs". Its "weights" key is not used:
        the tensors come from `tensors`.
    tensors
        weight name ("<node>.<weight>", e.g. "l0.weight") → array: NumPy
        arrays or torch tensors (copied to the CPU). float64 is stored as
        float32, bfloat16 as float32 values marked in `bf16` (written back
        as BF16). None: a model without weights.

    ``meta`` is a dict of what the exporters record about the model (the
    time-major inputs, the module paths, PyG's type order: docs/export.md);
    seqc does not read it.

    ``save(directory)`` writes ``model.json`` and ``model.safetensors``
    there (and ``model.meta.json`` when ``meta`` is not empty);
    ``Model.load(path)`` reads them (or any model JSON and the weights file
    it names) back.
    """

    def __init__(self, description, tensors=None):
        if isinstance(description, (str, bytes)):
            description = json.loads(description)
        if not isinstance(description, dict):
            raise TypeError("a model description is a dict (SPEC §2) or "
                            "JSON text, got %s" % type(description).__name__)
        #: The description (a dict, a copy of the one given).
        self.description = copy.deepcopy(description)
        self.description.pop("weights", None)
        #: Weight name → NumPy array.
        self.tensors = {}
        #: Names of the tensors stored as bfloat16.
        self.bf16 = set()
        #: What an exporter records about the model (JSON-serializable).
        self.meta = {}
        for name, value in (tensors or {}).items():
            array, is_bf16 = _to_numpy(name, value)
            self.tensors[name] = array
            if is_bf16:
                self.bf16.add(name)

    @property
    def name(self):
        """The description's "name"."""
        return self.description.get("name", "")

    def __repr__(self):
        return "<seqc.Model %r: %d nodes, %d tensors>" % (
            self.name, len(self.description.get("nodes", [])),
            len(self.tensors))

    def save(self, directory):
        """Writes `directory`/model.json and, when the model has tensors,
        `directory`/model.safetensors (which the JSON's "weights" names),
        and, when `meta` is not empty, `directory`/model.meta.json,
        creating the directory if needed. Returns the JSON file's path."""
        directory = os.fspath(directory)
        os.makedirs(directory, exist_ok=True)
        description = dict(self.description)
        if self.tensors:
            description["weights"] = MODEL_WEIGHTS
            safetensors_io.write_arrays(
                os.path.join(directory, MODEL_WEIGHTS), self.tensors,
                dict.fromkeys(self.bf16, "bf16"))
        path = os.path.join(directory, MODEL_JSON)
        with open(path, "w") as f:
            json.dump(description, f, indent=1)
            f.write("\n")
        meta_path = os.path.join(directory, MODEL_META)
        if self.meta:
            with open(meta_path, "w") as f:
                json.dump(self.meta, f, indent=1)
                f.write("\n")
        elif os.path.exists(meta_path):
            os.remove(meta_path)
        return path

    @classmethod
    def load(cls, path):
        """Reads a model: `path` is a directory holding model.json (as
        save writes it) or a model JSON file; the weights are the
        safetensors file its "weights" names (relative to the JSON file),
        read into memory; `meta` is model.meta.json beside it, when there
        (JSON: tuples come back as lists). Raises seqc.Error naming the
        file for a missing or malformed file."""
        path = os.fspath(path)
        if os.path.isdir(path):
            path = os.path.join(path, MODEL_JSON)
        try:
            with open(path, "rb") as f:
                text = f.read().decode("utf-8")
        except OSError as e:
            raise Error("%s: cannot read: %s" % (path, e.strerror)) from None
        except UnicodeDecodeError:
            raise Error("%s: not UTF-8 text" % path) from None
        try:
            description = json.loads(text)
        except json.JSONDecodeError as e:
            raise Error("%s:%d:%d: %s" % (path, e.lineno, e.colno, e.msg)) \
                from None
        if not isinstance(description, dict):
            raise Error("%s: the model description is not a JSON object"
                        % path)
        weights = description.get("weights")
        tensors, bf16 = {}, set()
        if weights is not None:
            if not isinstance(weights, str):
                raise Error("%s:/weights: must be a string" % path)
            weights = os.path.join(os.path.dirname(path), weights)
            try:
                tensors, bf16 = safetensors_io.read_arrays(weights)
            except OSError as e:
                raise Error("%s: cannot read: %s" % (weights, e.strerror)) \
                    from None
            except ValueError as e:
                raise Error(str(e)) from None
        model = cls(description, tensors)
        model.bf16 = bf16
        meta_path = os.path.join(os.path.dirname(path), MODEL_META)
        if os.path.isfile(meta_path):
            try:
                with open(meta_path, encoding="utf-8") as f:
                    model.meta = json.load(f)
            except (OSError, ValueError) as e:
                raise Error("%s: cannot read: %s" % (meta_path, e)) from None
        return model
