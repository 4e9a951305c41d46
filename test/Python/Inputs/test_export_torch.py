"""seqc.export on torch.nn models (SPEC §7): each model exported, compiled
and run by seqc, its outputs compared with the module's own forward
(float32) within SPEC §5, at the example's sizes and at others (the
model's symbolic B/T); every option seqc cannot express raises
seqc.ExportError naming the module path and the option.

usage: test_export_torch.py [--perturb] [-k NAME]
"""
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from export_check import Checker, numeric, randomize  # noqa: E402

torch.manual_seed(0)
check = Checker(__doc__)


def x_of(*shape):
    return torch.randn(*shape)


# -- building blocks ----------------------------------------------------------


class ResidualMLP(nn.Module):
    """x + W2 gelu(LN(W1 x)), then RMSNorm and a SiLU-gated product."""

    def __init__(self, d, h, approximate="none"):
        super().__init__()
        self.norm = nn.LayerNorm(d, eps=1e-6)
        self.up = nn.Linear(d, h)
        self.act = nn.GELU(approximate=approximate)
        self.down = nn.Linear(h, d)
        self.rms = nn.RMSNorm(d)
        self.gate = nn.Linear(d, d, bias=False)
        self.drop = nn.Dropout(0.3)

    def forward(self, x):
        y = x + self.drop(self.down(self.act(self.up(self.norm(x)))))
        return self.rms(y) * F.silu(self.gate(y))


class Activations(nn.Module):
    """Every activation kind, as layers, functions and methods."""

    def __init__(self, d):
        super().__init__()
        self.lin = nn.Linear(d, d)
        self.layers = nn.Sequential(nn.ReLU(), nn.Linear(d, d), nn.Tanh(),
                                    nn.Linear(d, d), nn.Sigmoid(),
                                    nn.Linear(d, d), nn.SiLU(),
                                    nn.Softplus(), nn.Identity())

    def forward(self, x):
        a = self.layers(self.lin(x))
        b = torch.tanh(x).relu() + torch.sigmoid(x) * F.gelu(
            x, approximate="tanh")
        c = F.softplus(x) + torch.add(F.relu(x), x.sigmoid()) + x.tanh()
        return torch.mul(a, b) + c, F.gelu(self.lin(x))


class Norms(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.ln_plain = nn.LayerNorm(d, elementwise_affine=False)
        self.ln_nobias = nn.LayerNorm(d, bias=False, eps=1e-3)
        self.rms_plain = nn.RMSNorm(d, elementwise_affine=False)
        self.rms_eps = nn.RMSNorm(d, eps=1e-2)

    def forward(self, x):
        return {"ln": self.ln_nobias(self.ln_plain(x)),
                "rms": self.rms_eps(self.rms_plain(x))}


def nonzero_norms(module):
    randomize(module, seed=3)
    return module


numeric(check, "linear rank 2 [B, D]", nn.Linear(13, 7), (x_of(5, 13),),
        more_inputs=[(x_of(2, 13),)])
numeric(check, "linear no bias rank 4", nn.Linear(3, 17, bias=False),
        (x_of(2, 3, 4, 3),), more_inputs=[(x_of(1, 5, 4, 3),)])
numeric(check, "residual MLP LayerNorm GELU RMSNorm SiLU gate",
        nonzero_norms(ResidualMLP(24, 40)), (x_of(2, 7, 24),),
        more_inputs=[(x_of(3, 1, 24),), (x_of(1, 19, 24),)])
numeric(check, "residual MLP gelu tanh", ResidualMLP(9, 5, "tanh"),
        (x_of(3, 4, 9),))
numeric(check, "activations as layers, functions, methods",
        Activations(11), (x_of(2, 6, 11) * 3,))
numeric(check, "norms without affine, without bias, eps", Norms(10),
        (x_of(2, 3, 10) * 4 + 1,))


# -- recurrences --------------------------------------------------------------


class EmbedGRU(nn.Module):
    def __init__(self, vocab, d, h, out):
        super().__init__()
        self.emb = nn.Embedding(vocab, d)
        self.gru = nn.GRU(d, h, batch_first=True)
        self.head = nn.Linear(h, out)

    def forward(self, ids):
        y, h = self.gru(self.emb(ids))
        return self.head(y), h


class WithState(nn.Module):
    """An RNN called with its initial state(s) as model inputs."""

    def __init__(self, rnn):
        super().__init__()
        self.rnn = rnn

    def forward(self, x, h0, c0=None):
        if c0 is None:
            return self.rnn(x, h0)
        return self.rnn(x, (h0, c0))


class TimeMajorThenBatchFirst(nn.Module):
    """A time-major input, transposed for a batch_first GRU and back."""

    def __init__(self, d, h):
        super().__init__()
        self.gru = nn.GRU(d, h, batch_first=True)
        self.lin = nn.Linear(h, h)

    def forward(self, x_tbd):
        y, _ = self.gru(x_tbd.transpose(0, 1))
        return self.lin(y).permute(1, 0, 2)


def ids_of(vocab, *shape, dtype=torch.int64):
    return torch.randint(0, vocab, shape, dtype=dtype)


numeric(check, "embedding -> GRU -> linear (int64 ids)",
        EmbedGRU(50, 12, 9, 5), (ids_of(50, 3, 8),),
        more_inputs=[(ids_of(50, 1, 21),)])
numeric(check, "embedding -> GRU -> linear (int32 ids)",
        EmbedGRU(7, 4, 6, 3), (ids_of(7, 2, 5, dtype=torch.int32),))
numeric(check, "GRU 2 layers bidirectional no bias",
        nn.GRU(7, 11, num_layers=2, bidirectional=True, bias=False,
               batch_first=True), (x_of(3, 9, 7),),
        more_inputs=[(x_of(2, 4, 7),)])
numeric(check, "GRU with h0 input",
        WithState(nn.GRU(5, 6, num_layers=3, batch_first=True)),
        (x_of(2, 7, 5), x_of(3, 2, 6)))
numeric(check, "LSTM 2 layers bidirectional with h0 c0",
        WithState(nn.LSTM(6, 5, num_layers=2, bidirectional=True,
                          batch_first=True)),
        (x_of(3, 8, 6), x_of(4, 3, 5), x_of(4, 3, 5)),
        more_inputs=[(x_of(1, 3, 6), x_of(4, 1, 5), x_of(4, 1, 5))])
numeric(check, "LSTM no bias, dropout between layers (eval)",
        nn.LSTM(4, 9, num_layers=2, bias=False, dropout=0.5,
                batch_first=True), (x_of(2, 6, 4),))
numeric(check, "RNN relu", nn.RNN(8, 10, nonlinearity="relu",
                                  batch_first=True), (x_of(2, 5, 8),))
numeric(check, "RNN tanh bidirectional no bias",
        nn.RNN(3, 4, bias=False, bidirectional=True, batch_first=True),
        (x_of(4, 6, 3),))


def time_major(model):
    meta = model.meta["time_major"]
    if "input" not in meta["inputs"] and "x_tbd" not in meta["inputs"]:
        return "time-major input not recorded: %s" % meta
    return None


numeric(check, "GRU batch_first=False (time-major model I/O)",
        nn.GRU(5, 7, num_layers=2, batch_first=False), (x_of(9, 3, 5),),
        more_inputs=[(x_of(4, 2, 5),)], expect=time_major)
numeric(check, "LSTM batch_first=False bidirectional",
        nn.LSTM(4, 3, bidirectional=True), (x_of(6, 2, 4),),
        expect=time_major)
numeric(check, "transpose(0, 1) into a batch_first GRU, permute back",
        TimeMajorThenBatchFirst(5, 6), (x_of(7, 2, 5),), expect=time_major)


def dims_symbolic(model):
    shape = model.description["inputs"]["ids"]["shape"]
    return None if shape == ["B", "T"] else "ids shape %s" % shape


numeric(check, "symbolic dims B and T", EmbedGRU(9, 3, 3, 2),
        (ids_of(9, 2, 3),), expect=dims_symbolic)


def save_and_load():
    """Model.save writes model.json + model.safetensors; the CLI's
    compile of that directory gives the same results."""
    import tempfile
    import seqc
    module = ResidualMLP(6, 8).eval()
    x = x_of(2, 3, 6)
    model = seqc.export(module, (x,))
    with tempfile.TemporaryDirectory() as d:
        path = model.save(d)
        y = seqc.compile(path)(x)["y"]
    with torch.no_grad():
        return check.close("y", y, module(x))


check.case("Model.save and compile from the file", save_and_load)


# -- refusals -----------------------------------------------------------------


class Scalar(nn.Module):
    def forward(self, x):
        return x * 2.0


class ParamRead(nn.Module):
    def __init__(self):
        super().__init__()
        self.scale = nn.Parameter(torch.ones(4))

    def forward(self, x):
        return x * self.scale


class Index(nn.Module):
    def __init__(self):
        super().__init__()
        self.lin = nn.Linear(4, 4)

    def forward(self, x):
        return self.lin(x)[:, 0]


class Transpose12(nn.Module):
    def forward(self, x):
        return torch.relu(x.transpose(1, 2))


class Sub(nn.Module):
    def forward(self, x, y):
        return x - y


class BothLayouts(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.GRU(4, 4, batch_first=True)
        self.b = nn.GRU(4, 4, batch_first=False)

    def forward(self, x):
        return self.a(x)[0] + self.b(x)[0]


class AddAlpha(nn.Module):
    def forward(self, x, y):
        return torch.add(x, y, alpha=2)


class Cast(nn.Module):
    def __init__(self):
        super().__init__()
        self.lin = nn.Linear(3, 2)

    def forward(self, ids):
        return self.lin(ids.float())


class Permute021(nn.Module):
    def forward(self, x):
        return torch.tanh(x.permute(0, 2, 1))


class Branchy(nn.Module):
    def forward(self, x):
        if x.sum() > 0:
            return torch.relu(x)
        return torch.tanh(x)


class Passthrough(nn.Module):
    def forward(self, x):
        return x


class TrainingDropout(nn.Module):
    def forward(self, x):
        return F.dropout(torch.relu(x), 0.5, training=True)


class Holder(nn.Module):
    def __init__(self, inner):
        super().__init__()
        self.inner = inner

    def forward(self, x):
        return self.inner(x)


x3 = x_of(2, 3, 4)
check.refuses("an unsupported layer (Conv1d)",
              Holder(nn.Conv1d(3, 4, 1)), (x3,), "inner", "Conv1d")
check.refuses("LayerNorm over two dims",
              Holder(nn.LayerNorm([3, 4])), (x3,), "inner",
              "normalized_shape=[3, 4]")
check.refuses("RMSNorm over two dims",
              Holder(nn.RMSNorm([3, 4])), (x3,), "inner", "normalized_shape")
check.refuses("LSTM proj_size", Holder(nn.LSTM(4, 6, proj_size=2,
                                                batch_first=True)),
              (x3,), "inner", "proj_size=2")
check.refuses("unbatched GRU input", Holder(nn.GRU(4, 5)),
              (x_of(3, 4),), "inner", "unbatched")
check.refuses("Embedding max_norm", Holder(nn.Embedding(5, 4, max_norm=1.0)),
              (ids_of(5, 2, 3),), "inner", "max_norm=1.0")
check.refuses("Softplus beta 2", Holder(nn.Softplus(beta=2.0)), (x3,),
              "inner", "beta=2.0")
check.refuses("Softplus threshold 5", Holder(nn.Softplus(threshold=5.0)),
              (x3,), "inner", "threshold=5.0")
check.refuses("Embedding ids of rank 3", Holder(nn.Embedding(5, 4)),
              (ids_of(5, 2, 3, 2),), "inner", "[B, T]")
check.refuses("add with alpha 2", AddAlpha(), (x3, x3), "alpha=2")
check.refuses("a cast (int64 ids .float())", Cast(),
              (ids_of(4, 2, 3, 3),), "float()", "casts")
check.refuses("permute(0, 2, 1)", Permute021(), (x3,), "permute(0, 2, 1)")
check.refuses("a scalar operand", Scalar(), (x3,), "<root>", "mul",
              "2.0")
check.refuses("a parameter read by forward", ParamRead(), (x3,),
              "'scale'")
check.refuses("indexing a tensor", Index(), (x3,), "getitem", "indexing")
check.refuses("transpose(1, 2)", Transpose12(), (x3,), "transpose(1, 2)")
check.refuses("subtraction", Sub(), (x3, x3), "function sub")
check.refuses("one input both batch-first and time-major", BothLayouts(),
              (x3,), "batch_first", "time-major")
check.refuses("data-dependent control flow", Branchy(), (x3,),
              "cannot be traced")
check.refuses("an output that is an input", Passthrough(), (x3,),
              "output 'y'", "unchanged")
check.refuses("dropout in training mode", TrainingDropout(), (x3,),
              "training=True")
check.refuses("float64 inputs", nn.Linear(4, 4).double(),
              (x3.double(),), "float64")

check.finish()
