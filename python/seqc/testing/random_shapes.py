"""What every e2e case generator draws from: Config (one static model, its
inputs and its float64 reference), the awkward feature/time/batch sizes,
uniform/normal/lin_w for inputs and weights, sizes/pick for random choices
and w64 for a stored weight as the reference sees it; LONG, set by the
runner's --long, makes sizes() draw the long sequence lengths."""
import numpy as np

# Awkward sizes: 1, primes, one off a vector width, and a few round ones.
FEAT = [1, 3, 5, 7, 8, 16, 17, 33]
T_SHORT = [1, 2, 5, 16, 37, 64]
T_LONG = [1, 2, 7, 37, 64, 65, 130, 257, 521]
BATCH = [1, 2, 3]


class Config:
    """One static model: its JSON, weights, and how to make inputs and the
    reference for a batch/time size."""

    def __init__(self, desc, inputs, nodes, outputs, weights, make_inputs,
                 reference, sizes, weight_dtypes=None, follow=False):
        self.desc = desc
        self.inputs = inputs          # model "inputs"
        self.nodes = nodes            # model "nodes"
        self.outputs = outputs        # model "outputs"
        self.weights = weights        # name → np.ndarray (stored dtype)
        self.weight_dtypes = weight_dtypes or {}  # name → "bf16"
        self.make_inputs = make_inputs  # (rng, B, T) → {name: ndarray}
        self.reference = reference    # {name: ndarray} → {output: ndarray}
        self.sizes = sizes            # [(B, T), ...]
        # follow: reference(inputs, got) also sees seqc's outputs (got), to
        # take seqc's spike where SPEC §5 allows either (see check_spikes).
        self.follow = follow


def uniform(rng, shape, scale=1.0):
    return rng.uniform(-scale, scale, size=shape).astype(np.float32)


def normal(rng, shape, scale=1.0):
    return (scale * rng.standard_normal(size=shape)).astype(np.float32)


def lin_w(rng, out, inp):
    """An nn.Linear-like weight [out, in], uniform ±1/sqrt(in)."""
    return uniform(rng, (out, inp), 1.0 / np.sqrt(inp))


# --long: sequence lengths 4099 to 8192 for the ops drawn from T_LONG.
LONG_SIZES = [(1, 8192), (2, 4099), (1, 5000)]
LONG = False    # set by runner.main: read it as random_shapes.LONG


def sizes(rng, times, count=2):
    """`count` distinct (B, T) pairs (long ones with --long)."""
    if LONG and times is T_LONG:
        return [LONG_SIZES[int(rng.integers(len(LONG_SIZES)))]]
    pairs = []
    while len(pairs) < count:
        p = (int(rng.choice(BATCH)), int(rng.choice(times)))
        if p not in pairs:
            pairs.append(p)
    return pairs


def pick(rng, values):
    return values[int(rng.integers(len(values)))]


def w64(weights, name):
    """A stored weight as the reference sees it (the stored value)."""
    return weights[name].astype(np.float64)
