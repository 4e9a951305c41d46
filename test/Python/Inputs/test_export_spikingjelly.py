"""seqc.export on SpikingJelly networks (SPEC §4.5, §7): LIFNode,
ParametricLIFNode and IFNode in multi-step mode, alone and between
layers, exported, compiled and run by seqc and compared with
SpikingJelly's own forward (reset_net before each), spikes exactly.
SpikingJelly is time-major [T, B, ...]; the exported model takes and
returns the batch-first transposes (model.meta["time_major"]).

Spikes may differ where the charge is within 1e-4 of the threshold (SPEC
§5): every case first recomputes each neuron's charge in float64
(seqc.reference, following SpikingJelly's spikes) and fails as ambiguous
if any is that close, so that the exact comparison is the right one.

usage: test_export_spikingjelly.py [--perturb] [-k NAME]
"""
import os
import sys

import numpy as np
import torch
import torch.nn as nn
from spikingjelly.activation_based import functional, layer, neuron

from seqc import reference

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from export_check import Checker, numeric, randomize  # noqa: E402

torch.manual_seed(1)
check = Checker(__doc__)
NEURONS = (neuron.LIFNode, neuron.ParametricLIFNode, neuron.IFNode)


def charges(layer_, x_tm, spikes_tm):
    """The neuron's float64 charges H [B, T, ...] on its (time-major)
    input, following SpikingJelly's spikes."""
    x = x_tm.transpose(0, 1).double().numpy()
    follow = spikes_tm.transpose(0, 1).double().numpy()
    common = dict(v_threshold=layer_.v_threshold, v_reset=layer_.v_reset,
                  follow=follow)
    if isinstance(layer_, neuron.ParametricLIFNode):
        _, _, h = reference.plif(x, layer_.w.detach().double().numpy(),
                                 decay_input=layer_.decay_input, **common)
    elif isinstance(layer_, neuron.LIFNode):
        _, _, h = reference.lif(x, tau=layer_.tau,
                                decay_input=layer_.decay_input, **common)
    else:
        _, _, h = reference.if_neuron(x, **common)
    return h


def near_threshold(net, inputs):
    """How many charges of the net's neurons are within SPEC §5's 1e-4 of
    their threshold on `inputs` (0: spikes must match exactly)."""
    seen = []

    def hook(mod, args, out):
        h = charges(mod, args[0], out)
        seen.append(int(np.sum(np.abs(h - mod.v_threshold)
                               <= reference.SPIKE_MARGIN)))
    handles = [m.register_forward_hook(hook) for m in net.modules()
               if isinstance(m, NEURONS)]
    try:
        functional.reset_net(net)
        with torch.no_grad():
            net(*inputs)
    finally:
        for h in handles:
            h.remove()
    return sum(seen)


def spiking(name, net, inputs, more_inputs=(), spikes=("y",), expect=None):
    """A numeric case on a SpikingJelly net (see the module docstring)."""
    net.eval()
    for example in (inputs,) + tuple(more_inputs):
        near = near_threshold(net, example)
        if near:
            check.case(name, lambda: "ambiguous: %d charges within 1e-4 of "
                       "the threshold (choose another input)" % near)
            return
    numeric(check, name, net, inputs, more_inputs, spikes=spikes,
            prepare=functional.reset_net, expect=expect)


def tm(*shape, scale=1.5, shift=0.3):
    """A time-major input [T, B, ...]."""
    return torch.randn(*shape) * scale + shift


def single(node):
    return nn.Sequential(node)


# -- neurons alone ------------------------------------------------------------

spiking("LIF default (tau 2, hard reset 0)",
        single(neuron.LIFNode(step_mode="m")), (tm(9, 3, 5),),
        more_inputs=[(tm(20, 2, 5),), (tm(1, 4, 5),)])
spiking("LIF tau 1.7 soft reset, decay_input False",
        single(neuron.LIFNode(tau=1.7, v_reset=None, decay_input=False,
                              step_mode="m")), (tm(12, 2, 7, scale=0.8),))
spiking("LIF v_reset -0.3 v_threshold 0.6 rank 2 [T, B]",
        single(neuron.LIFNode(tau=3.5, v_reset=-0.3, v_threshold=0.6,
                              step_mode="m")), (tm(15, 6),))
spiking("LIF rank 4 [T, B, C, N], tau 10",
        single(neuron.LIFNode(tau=10.0, step_mode="m")),
        (tm(8, 2, 3, 4, scale=4.0),))
spiking("PLIF init_tau 3 random w soft reset",
        randomize(single(neuron.ParametricLIFNode(
            init_tau=3.0, v_reset=None, step_mode="m")), seed=4),
        (tm(10, 3, 6),))
spiking("PLIF decay_input False v_reset 0.2",
        single(neuron.ParametricLIFNode(init_tau=1.5, decay_input=False,
                                        v_reset=0.2, step_mode="m")),
        (tm(7, 2, 9, scale=0.7),))
spiking("IF soft reset v_threshold 0.7",
        single(neuron.IFNode(v_threshold=0.7, v_reset=None, step_mode="m")),
        (tm(11, 3, 4, scale=0.5),))
spiking("IF hard reset -0.1",
        single(neuron.IFNode(v_reset=-0.1, step_mode="m")),
        (tm(6, 5, 3, scale=0.9),))


# -- networks -------------------------------------------------------------------


class SpikingMLP(nn.Module):
    """layer.Linear -> LIF -> nn.Linear -> PLIF -> Linear -> IF."""

    def __init__(self, d_in, h, d_out):
        super().__init__()
        self.fc1 = layer.Linear(d_in, h, step_mode="m")
        self.lif = neuron.LIFNode(tau=2.5, v_reset=None, step_mode="m")
        self.fc2 = nn.Linear(h, h)
        self.plif = neuron.ParametricLIFNode(init_tau=2.2, step_mode="m")
        self.fc3 = nn.Linear(h, d_out, bias=False)
        self.out = neuron.IFNode(v_threshold=0.5, step_mode="m")

    def forward(self, x):
        return self.out(self.fc3(self.plif(self.fc2(self.lif(self.fc1(x))))))


class Containers(nn.Module):
    """SeqToANNContainer(Linear, LayerNorm) -> LIF, MultiStepContainer of
    Linear and ReLU -> IF."""

    def __init__(self, d, h):
        super().__init__()
        self.block = layer.SeqToANNContainer(nn.Linear(d, h), nn.LayerNorm(h))
        self.lif = neuron.LIFNode(step_mode="m")
        self.block2 = layer.MultiStepContainer(nn.Linear(h, h), nn.ReLU())
        self.if_ = neuron.IFNode(step_mode="m")

    def forward(self, x):
        return self.if_(self.block2(self.lif(self.block(x))))


class Residual(nn.Module):
    """Float output: x + W·lif(W x), and the spikes."""

    def __init__(self, d):
        super().__init__()
        self.a = nn.Linear(d, d)
        self.lif = neuron.LIFNode(tau=1.8, step_mode="m")
        self.b = nn.Linear(d, d)

    def forward(self, x):
        s = self.lif(self.a(x))
        return x + self.b(s), s


class SpikesIntoGRU(nn.Module):
    """Time-major all the way: LIF spikes into a batch_first=False GRU."""

    def __init__(self, d, h):
        super().__init__()
        self.fc = nn.Linear(d, d)
        self.lif = neuron.LIFNode(step_mode="m")
        self.gru = nn.GRU(d, h)

    def forward(self, x):
        return self.gru(self.lif(self.fc(x)))[0]


spiking("MLP layer.Linear LIF Linear PLIF Linear IF",
        SpikingMLP(6, 20, 5), (tm(10, 4, 6, scale=3.0),),
        more_inputs=[(tm(3, 1, 6, scale=3.0),), (tm(25, 2, 6, scale=3.0),)])
spiking("SeqToANNContainer and MultiStepContainer",
        Containers(5, 12), (tm(8, 3, 5, scale=2.0),))
spiking("residual with float and spike outputs", Residual(7),
        (tm(9, 2, 7),), spikes=("y1",))
spiking("spikes into a time-major GRU", SpikesIntoGRU(6, 5),
        (tm(7, 3, 6, scale=2.0),), spikes=())


def stale_state():
    """A network that ran before (its neurons hold a potential): the
    export is the network at rest, and the module keeps its state."""
    import seqc
    from export_check import compare_all, to_seqc_inputs
    net = SpikingMLP(4, 8, 3).eval()
    x = tm(6, 2, 4, scale=3.0)
    if near_threshold(net, (x,)):
        return "ambiguous input"
    with torch.no_grad():
        net(tm(5, 2, 4, scale=3.0))        # leaves a potential behind
    before = net.lif.v.clone()
    model = seqc.export(net, (x,))
    if not torch.equal(net.lif.v, before):
        return "export changed the module's state"
    got = seqc.compile(model)(**to_seqc_inputs(model, (x,)))
    functional.reset_net(net)
    with torch.no_grad():
        ref = net(x)
    return compare_all(check, model, got, ref, spikes=("y",))


check.case("exported from rest although the module holds state",
           stale_state)


def time_major_meta(model):
    meta = model.meta["time_major"]
    if meta != {"inputs": ["x"], "outputs": ["y"]}:
        return "meta %s" % meta
    if model.description["inputs"]["x"]["shape"] != ["B", "T", 6]:
        return "input shape %s" % model.description["inputs"]["x"]
    return None


spiking("model I/O batch-first, recorded in meta", SpikingMLP(6, 4, 3),
        (tm(5, 2, 6, scale=3.0),), expect=time_major_meta)


# -- refusals -----------------------------------------------------------------


class SubLIF(neuron.LIFNode):
    pass


class NeuronThenBatchFirstGRU(nn.Module):
    def __init__(self):
        super().__init__()
        self.lif = neuron.LIFNode(step_mode="m")
        self.gru = nn.GRU(4, 4, batch_first=True)

    def forward(self, x):
        return self.gru(self.lif(x))[0]


x4 = tm(5, 2, 4)
check.refuses("single-step mode", single(neuron.LIFNode()), (tm(2, 4),),
              "0 (", "LIFNode", "step_mode='s'")
check.refuses("an unsupported neuron (QIFNode)",
              single(neuron.QIFNode(step_mode="m")), (x4,), "QIFNode")
check.refuses("a subclass of LIFNode", single(SubLIF(step_mode="m")),
              (x4,), "SubLIF")
check.refuses("a neuron inside SeqToANNContainer",
              single(layer.SeqToANNContainer(nn.Linear(4, 4),
                                             neuron.LIFNode())),
              (x4,), "layer 1 (LIFNode)", "position-wise")
check.refuses("neuron output into a batch_first GRU",
              NeuronThenBatchFirstGRU(), (x4,), "gru", "batch_first=True",
              "time-major")

check.finish()
