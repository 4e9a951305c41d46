#!/usr/bin/env python3
"""seqc.from_nir (SPEC §7): NIR graphs built here, imported, compiled by
seqc.compile and run on random inputs; spikes and outputs compared with

  * an independent float64 NumPy forward-Euler simulation of NIR's
    equations (below: it reads the NIR graph itself, nothing of
    seqc.nir), and
  * the libraries' own NIR imports, where installed and where they accept
    the graph: SpikingJelly's nir_exchange.import_from_nir (dt given,
    multi-step) and snnTorch's import_nir.import_from_nir (dt fixed at
    1e-4 there; a time loop), both time-major [T, B, ...], transposed to
    seqc's batch-first [B, T, ...].

Spikes must match exactly, other outputs within SPEC §5's 1e-4, except
from the first step of a sequence where some neuron's float64 charge is
within 1e-4 of its threshold (NIR fires on v > thr, seqc on H >= thr, and
one spike there changes what follows). Every refusal raises
seqc.ExportError naming the NIR node.

usage: nir_import.py [WORKDIR]   (the package finds the build through
SEQC_BUILD_DIR)"""
import contextlib
import io
import os
import sys
import tempfile

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "..", "python"))
import nir  # noqa: E402
import seqc  # noqa: E402
from tally import check, summary  # noqa: E402

TOL = 1e-4  # SPEC §5
B, T = 3, 48


# -- the float64 reference: NIR's equations, forward Euler at dt ----------

def _topological(graph):
    preds = {n: [s for s, d in graph.edges if d == n] for n in graph.nodes}
    order, done = [], set()
    while len(order) < len(graph.nodes):
        for n in graph.nodes:
            if n not in done and all(p in done for p in preds[n]):
                order.append(n)
                done.add(n)
                break
        else:
            raise ValueError("cycle")
    return order, preds


def euler(graph, inputs, dt, charges=None):
    """NIR graph on inputs {Input name: [B, T, ...]} in float64: returns
    ({Output name: [B, T, ...]}, [(charge [B, T, ...], threshold)]).
    Neurons start at v_reset, synaptic currents at 0; a neuron fires
    where v > v_threshold (NIR), then v = v_reset."""
    charges = [] if charges is None else charges
    order, preds = _topological(graph)
    values = {}
    for name in order:
        node = graph.nodes[name]
        if isinstance(node, nir.Input):
            values[name] = np.asarray(inputs[name], np.float64)
            continue
        x = sum(values[p] for p in preds[name])
        f = lambda a: np.asarray(a, np.float64)  # noqa: E731
        if isinstance(node, (nir.Output, nir.ir.graph.Identity)):
            y = x
        elif isinstance(node, nir.Affine):
            y = x @ f(node.weight).T + f(node.bias)
        elif isinstance(node, nir.Linear):
            y = x @ f(node.weight).T
        elif isinstance(node, nir.NIRGraph):
            (sub_in,) = [k for k, v in node.nodes.items()
                         if isinstance(v, nir.Input)]
            outs, _ = euler(node, {sub_in: x}, dt, charges)
            (y,) = outs.values()
        elif isinstance(node, (nir.LIF, nir.IF, nir.CubaLIF)):
            thr, v_reset = f(node.v_threshold), f(node.v_reset)
            v = np.broadcast_to(v_reset, x[:, 0].shape).copy()
            current = np.zeros_like(v)
            y, h = np.zeros_like(x), np.zeros_like(x)
            for t in range(x.shape[1]):
                if isinstance(node, nir.LIF):
                    v = v + dt / f(node.tau) * (f(node.v_leak) - v
                                                + f(node.r) * x[:, t])
                elif isinstance(node, nir.IF):
                    v = v + dt * f(node.r) * x[:, t]
                else:
                    current = current + dt / f(node.tau_syn) * (
                        f(node.w_in) * x[:, t] - current)
                    v = v + dt / f(node.tau_mem) * (
                        f(node.v_leak) - v + f(node.r) * current)
                h[:, t] = v
                z = v > thr
                y[:, t] = z
                v = np.where(z, v_reset, v)
            charges.append((h, thr))
        else:
            raise TypeError(type(node).__name__)
        values[name] = y
    return ({k: values[k] for k, v in graph.nodes.items()
             if isinstance(v, nir.Output)}, charges)


def first_near(charges):
    """Per sequence, the first step where a charge is within TOL of its
    threshold (T when none)."""
    cut = np.full(B, T)
    for h, thr in charges:
        near = np.abs(h - thr) <= TOL
        near = near.reshape(B, T, -1).any(axis=2)
        for b in range(B):
            hits = np.nonzero(near[b])[0]
            if hits.size:
                cut[b] = min(cut[b], hits[0])
    return cut


def compare(got, want, cut):
    """Outputs equal (spikes exactly, values within TOL) on the steps
    before `cut`: (ok, detail)."""
    worst = []
    for name, ref in want.items():
        if name not in got:
            return False, "no output %r in %s" % (name, sorted(got))
        y = np.asarray(got[name], np.float64)
        if y.shape != ref.shape:
            return False, "%s: shape %s, want %s" % (name, y.shape,
                                                     ref.shape)
        bound = TOL * max(1.0, float(np.abs(ref).max()))
        for b in range(B):
            diff = np.abs(y[b, :cut[b]] - ref[b, :cut[b]])
            if diff.size and diff.max() > bound:
                t = int(np.nonzero(diff.reshape(cut[b], -1).max(1)
                                   > bound)[0][0])
                return False, "%s: sequence %d differs at step %d by %.3g" \
                    % (name, b, t, diff.max())
        worst.append("%s %.1e" % (name, max(
            [np.abs(y[b, :cut[b]] - ref[b, :cut[b]]).max(initial=0)
             for b in range(B)])))
    return True, ", ".join(worst)


# -- the libraries' own NIR imports -----------------------------------------

def _quiet():
    return contextlib.redirect_stdout(io.StringIO())


def run_spikingjelly(graph, x, dt):
    """SpikingJelly's import_from_nir, multi-step on [T, B, ...]."""
    import torch
    from spikingjelly.activation_based import nir_exchange
    with _quiet():
        net = nir_exchange.import_from_nir(graph, dt=dt, step_mode="m")
    xt = torch.from_numpy(np.ascontiguousarray(
        np.swapaxes(x, 0, 1), np.float32))
    with torch.no_grad():
        out = net(xt)
    out = out[0] if isinstance(out, tuple) else out
    return np.swapaxes(out.numpy(), 0, 1)


def run_snntorch(graph, x):
    """snnTorch's import_from_nir (dt = 1e-4, its constant): one call a
    time step."""
    import torch
    import snntorch.utils
    from snntorch import import_nir
    with _quiet():
        net = import_nir.import_from_nir(graph)
        snntorch.utils.reset(net)
        steps = []
        with torch.no_grad():
            for t in range(x.shape[1]):
                out = net(torch.from_numpy(
                    np.ascontiguousarray(x[:, t], np.float32)))
                out = out[0] if isinstance(out, tuple) else out
                steps.append(out.numpy())
    return np.stack(steps, axis=1)


def have(module):
    try:
        with _quiet():
            __import__(module)
        return True
    except Exception:  # noqa: BLE001  (an incompatible install counts out)
        return False


HAVE_SJ = have("spikingjelly.activation_based.nir_exchange")
HAVE_SNN = have("snntorch.import_nir")


# -- graphs -------------------------------------------------------------------

def full(n, value):
    return np.full(n, value, np.float32)


def lif(n, tau, r=1.0, v_leak=0.0, v_threshold=1.0, v_reset=0.0):
    return nir.LIF(tau=full(n, tau) if np.isscalar(tau) else tau,
                   r=full(n, r) if np.isscalar(r) else r,
                   v_leak=full(n, v_leak) if np.isscalar(v_leak) else v_leak,
                   v_threshold=full(n, v_threshold)
                   if np.isscalar(v_threshold) else v_threshold,
                   v_reset=full(n, v_reset) if np.isscalar(v_reset)
                   else v_reset)


def if_(n, r, v_threshold=1.0, v_reset=0.0):
    return nir.IF(r=full(n, r), v_threshold=full(n, v_threshold),
                  v_reset=full(n, v_reset))


def cuba(n, tau_syn, tau_mem, r, w_in, v_leak=0.0, v_threshold=1.0,
         v_reset=0.0):
    arr = lambda v: full(n, v) if np.isscalar(v) else v  # noqa: E731
    return nir.CubaLIF(tau_syn=arr(tau_syn), tau_mem=arr(tau_mem),
                       r=arr(r), v_leak=arr(v_leak),
                       v_threshold=arr(v_threshold), v_reset=arr(v_reset),
                       w_in=arr(w_in))


def affine(rng, n_out, n_in, gain, bias=0.2):
    w = (rng.standard_normal((n_out, n_in)) * gain / np.sqrt(n_in))
    return nir.Affine(weight=w.astype(np.float32),
                      bias=(bias + 0.1 * rng.standard_normal(n_out))
                      .astype(np.float32))


def linear(rng, n_out, n_in, gain):
    w = rng.standard_normal((n_out, n_in)) * gain / np.sqrt(n_in)
    return nir.Linear(weight=w.astype(np.float32))


def chain(*named, shape):
    """Input -> nodes... -> Output, named."""
    nodes = {"input": nir.Input(input_type={"input": np.array(shape)})}
    nodes.update(named)
    names = list(nodes)
    last = nodes[names[-1]]
    nodes["output"] = nir.Output(output_type=last.output_type)
    names.append("output")
    return nir.NIRGraph(nodes=nodes,
                        edges=list(zip(names[:-1], names[1:])))


# -- one case ---------------------------------------------------------------

def rates(charges):
    return [float((h > thr).mean()) for h, thr in charges]


def run_case(name, graph, dt, x, libs=(), expect_ops=None, keep=None):
    """Import, compile, run; compare with the reference and `libs`."""
    try:
        model = seqc.from_nir(graph, dt=dt)
        module = seqc.compile(model)
    except seqc.Error as e:
        check(name + ": imports and compiles", False, str(e))
        return None
    ops = [n["op"] for n in model.description["nodes"]]
    if expect_ops is not None:
        check(name + ": ops %s" % " ".join(expect_ops), ops == expect_ops,
              " ".join(ops))
    inputs = {k: x.astype(np.float32) for k in model.description["inputs"]}
    got = module(**inputs)
    want, charges = euler(graph, {k: x for k in graph.inputs}, dt)
    cut = first_near(charges)
    r = rates(charges)
    compared = int(cut.sum())
    # Not vacuous: most steps compared, every neuron layer fires, not
    # always.
    check(name + ": steps compared, firing rates %s"
          % " ".join("%.2f" % v for v in r),
          compared >= 0.75 * B * T and all(0.02 < v < 0.9 for v in r),
          "%d of %d steps" % (compared, B * T))
    ok, detail = compare(got, want, cut)
    check(name + ": seqc = float64 forward Euler", ok, detail)
    for lib in libs:
        if lib == "spikingjelly" and not HAVE_SJ or \
                lib == "snntorch" and not HAVE_SNN:
            print("SKIP %s: %s not installed" % (name, lib))
            continue
        try:
            y = (run_spikingjelly(graph, x, dt) if lib == "spikingjelly"
                 else run_snntorch(graph, x))
        except Exception as e:  # noqa: BLE001
            check("%s: %s's import runs" % (name, lib), False,
                  "%s: %s" % (type(e).__name__, e))
            continue
        (out_name,) = want
        ok, detail = compare(got, {out_name: y}, cut)
        check("%s: seqc = %s's NIR import" % (name, lib), ok, detail)
        ok, detail = compare({out_name: y}, want, cut)
        check("%s: %s = float64 forward Euler" % (name, lib), ok, detail)
    if keep is not None:
        keep[name] = (model, graph, x, want, cut)
    return model


def refuses(name, fn, *needles):
    try:
        fn()
    except seqc.ExportError as e:
        message = str(e)
        ok = all(n in message for n in needles)
        check("refused: " + name, ok, message)
        return
    except Exception as e:  # noqa: BLE001
        check("refused: " + name, False,
              "raised %s: %s" % (type(e).__name__, e))
        return
    check("refused: " + name, False, "no ExportError")


def main(workdir):
    rng = np.random.default_rng(20240611)
    F, H1, H2 = 12, 10, 7
    x = rng.standard_normal((B, T, F)) + 0.4
    keep = {}

    # Affine -> LIF, dt 1 ms, tau 5 ms: lif tau 5, decay_input.
    g = chain(("fc", affine(rng, H1, F, 2.0, bias=0.5)),
              ("lif", lif(H1, 5e-3)), shape=[F])
    run_case("Affine->LIF", g, 1e-3, x, ("spikingjelly",),
             ["linear", "lif"], keep)
    # The same at dt 1e-4 (snnTorch's fixed step), tau 0.5 ms.
    g = chain(("fc", affine(rng, H1, F, 2.0, bias=0.5)),
              ("lif", lif(H1, 5e-4)), shape=[F])
    run_case("Affine->LIF dt=1e-4", g, 1e-4, x,
             ("spikingjelly", "snntorch"), ["linear", "lif"])
    # Linear -> IF with r = 1/dt (IF's X = dt r x = x).
    g = chain(("fc", linear(rng, H1, F, 0.6)), ("if", if_(H1, 1e3)),
              shape=[F])
    model = run_case("Linear->IF r=1/dt", g, 1e-3, x, ("spikingjelly",),
                     ["linear", "if_neuron"])
    if model is not None:
        node = model.description["nodes"][0]
        check("Linear is a linear without bias",
              node["attrs"].get("bias") is False
              and "fc.bias" not in model.tensors)
    # IF with r = 1: dt r = 1e-3 folded into the Linear's rows.
    g = chain(("fc", linear(rng, H1, F, 600.0)), ("if", if_(H1, 1.0)),
              shape=[F])
    run_case("Linear->IF r=1 (dt r folded)", g, 1e-3, x, (),
             ["linear", "if_neuron"])
    # Two layers, dt 1e-4: the second Affine reads spikes.
    g = chain(("fc1", affine(rng, H1, F, 3.0, bias=1.0)),
              ("lif1", lif(H1, 2e-3)),
              ("fc2", affine(rng, H2, H1, 6.0, bias=1.0)),
              ("lif2", lif(H2, 1e-3)), shape=[F])
    run_case("Affine->LIF->Affine->LIF", g, 1e-4, x,
             ("spikingjelly", "snntorch"), ["linear", "lif", "linear", "lif"])
    # ... ending in an Affine read-out (values, not spikes).
    g = chain(("fc1", affine(rng, H1, F, 2.0, bias=0.6)),
              ("lif1", lif(H1, 4e-3)),
              ("fc2", affine(rng, H2, H1, 1.0)), shape=[F])
    run_case("Affine->LIF->Affine read-out", g, 1e-3, x, ("spikingjelly",),
             ["linear", "lif", "linear"])
    # r != 1 folded into the Affine's rows: uniform, and per neuron.
    g = chain(("fc", affine(rng, H1, F, 1.0, bias=0.2)),
              ("lif", lif(H1, 5e-3, r=2.5)), shape=[F])
    model = run_case("Affine->LIF r=2.5 folded", g, 1e-3, x, (),
                     ["linear", "lif"])
    if model is not None:
        check("r folded into the rows and the bias",
              np.allclose(model.tensors["fc.weight"],
                          2.5 * g.nodes["fc"].weight)
              and np.allclose(model.tensors["fc.bias"],
                              2.5 * g.nodes["fc"].bias))
    r = np.linspace(0.5, 3.0, H1).astype(np.float32)
    g = chain(("fc", affine(rng, H1, F, 1.2, bias=0.3)),
              ("lif", lif(H1, 5e-3, r=r)), shape=[F])
    run_case("Affine->LIF per-neuron r folded", g, 1e-3, x, (),
             ["linear", "lif"])
    # r = tau/dt straight from the Input: lif decay_input=false, no fold.
    g = chain(("lif", lif(F, 1e-3, r=10.0, v_threshold=2.0)), shape=[F])
    model = run_case("Input->LIF r=tau/dt", g, 1e-4, 0.5 * x,
                     ("spikingjelly", "snntorch"), ["lif"])
    if model is not None:
        check("r = tau/dt is lif decay_input=false",
              model.description["nodes"][0]["attrs"]["decay_input"]
              is False)
    # v_leak = v_reset != 0 (SpikingJelly starts at v_reset too).
    g = chain(("fc", affine(rng, H1, F, 2.0, bias=0.3)),
              ("lif", lif(H1, 5e-3, v_leak=-0.25, v_reset=-0.25,
                          v_threshold=0.8)), shape=[F])
    run_case("Affine->LIF v_leak=v_reset=-0.25", g, 1e-3, x,
             ("spikingjelly",), ["linear", "lif"])
    # v_leak != v_reset: the offset folded into the bias.
    g = chain(("fc", linear(rng, H1, F, 2.0)),
              ("lif", lif(H1, 5e-3, v_leak=0.4, v_reset=-0.1)), shape=[F])
    model = run_case("Linear->LIF v_leak=0.4 v_reset=-0.1 folded", g, 1e-3,
                     x, (), ["linear", "lif"])
    if model is not None:
        check("v_leak - v_reset is the folded Linear's bias",
              np.allclose(model.tensors.get("fc.bias", 0), 0.5))
    # A neuron on a multi-axis input, straight from the Input.
    shape = [3, 4]
    g = chain(("lif", nir.LIF(tau=np.full(shape, 3e-3), r=np.ones(shape),
                              v_leak=np.zeros(shape),
                              v_threshold=np.full(shape, 0.7),
                              v_reset=np.zeros(shape))), shape=shape)
    run_case("Input[3,4]->LIF", g, 1e-3,
             x[..., :12].reshape(B, T, 3, 4), ("spikingjelly",), ["lif"])
    # CubaLIF in SpikingJelly's and snnTorch's form (r = tau_mem/dt,
    # w_in = tau_syn/dt, v_leak = 0): cuba_lif, time constants in steps.
    g = chain(("fc", affine(rng, H1, F, 0.12, bias=0.03)),
              ("cuba", cuba(H1, 2e-4, 5e-4, r=5.0, w_in=2.0)), shape=[F])
    model = run_case("Affine->CubaLIF", g, 1e-4, x,
                     ("spikingjelly", "snntorch"), ["linear", "cuba_lif"])
    if model is not None:
        attrs = model.description["nodes"][1]["attrs"]
        check("CubaLIF's time constants in steps: tau/dt",
              np.isclose(attrs["tau_syn"], 2.0)
              and np.isclose(attrs["tau_mem"], 5.0)
              and attrs["r"] == 5.0 and attrs["w_in"] == 2.0, str(attrs))
    # CubaLIF with per-neuron tau_syn, v_leak != v_reset, after a LIF
    # layer (its spikes are the current's source).
    tau_syn = np.linspace(2e-3, 8e-3, H2).astype(np.float32)
    g = chain(("fc1", affine(rng, H1, F, 2.0, bias=0.6)),
              ("lif1", lif(H1, 3e-3)),
              ("fc2", affine(rng, H2, H1, 4.0, bias=1.2)),
              ("cuba", cuba(H2, tau_syn, 4e-3, r=1.0, w_in=1.0,
                            v_leak=0.3, v_reset=0.1)), shape=[F])
    model = run_case("Affine->LIF->Affine->CubaLIF (per-neuron tau_syn, "
                     "v_leak != v_reset)", g, 1e-3, x, (),
                     ["linear", "lif", "linear", "cuba_lif"])
    if model is not None:
        node = model.description["nodes"][3]
        check("per-neuron tau_syn is the weight cuba.tau_syn in steps",
              node["attrs"].get("per_neuron") == ["tau_syn"]
              and np.allclose(model.tensors["cuba.tau_syn"],
                              tau_syn / 1e-3), str(node["attrs"]))
    # Every CubaLIF parameter per neuron, straight from the Input [3, 4].
    shape = [3, 4]
    g = chain(("cuba", nir.CubaLIF(
        tau_syn=rng.uniform(1e-3, 4e-3, shape),
        tau_mem=rng.uniform(2e-3, 8e-3, shape),
        r=rng.uniform(0.5, 2.0, shape), v_leak=rng.uniform(-0.2, 0.2, shape),
        v_threshold=rng.uniform(0.5, 1.0, shape),
        v_reset=rng.uniform(-0.2, 0.1, shape),
        w_in=rng.uniform(0.5, 1.5, shape))), shape=shape)
    run_case("Input[3,4]->CubaLIF, every parameter per neuron", g, 1e-3,
             x[..., :12].reshape(B, T, 3, 4), (), ["cuba_lif"])
    # Per-neuron LIF and IF parameters (SpikingJelly's import takes one
    # value per layer, so the float64 reference alone).
    tau = np.linspace(2e-3, 9e-3, H1)
    thr = np.linspace(0.5, 1.5, H1)
    vr = np.linspace(-0.3, 0.2, H1)
    g = chain(("fc", affine(rng, H1, F, 2.0, bias=0.5)),
              ("lif", lif(H1, tau, v_threshold=thr, v_reset=vr,
                          v_leak=vr)), shape=[F])
    model = run_case("Affine->LIF per-neuron tau, v_threshold, v_reset", g,
                     1e-3, x, (), ["linear", "lif"])
    if model is not None:
        check("per-neuron LIF parameters are weights",
              model.description["nodes"][1]["attrs"].get("per_neuron")
              == ["tau", "v_threshold", "v_reset"])
    g = chain(("fc", linear(rng, H1, F, 0.6)), ("if", nir.IF(
        r=full(H1, 1e3), v_threshold=thr.astype(np.float32),
        v_reset=vr.astype(np.float32))), shape=[F])
    run_case("Linear->IF per-neuron v_threshold, v_reset", g, 1e-3, x, (),
             ["linear", "if_neuron"])
    # LIF with r and v_leak but nothing to fold them into: cuba_lif with an
    # instant synapse (tau_syn = 1).
    g = chain(("lif", lif(F, 5e-3, r=2.0, v_leak=0.2)), shape=[F])
    model = run_case("Input->LIF r=2 v_leak=0.2 (cuba_lif, tau_syn=1)", g,
                     1e-3, 0.5 * x, (), ["cuba_lif"])
    if model is not None:
        attrs = model.description["nodes"][0]["attrs"]
        check("an unfoldable LIF is cuba_lif with tau_syn = 1",
              attrs["tau_syn"] == 1.0 and attrs["r"] == 2.0, str(attrs))
    g = chain(("fc", affine(rng, H1, F, 3.0, bias=1.0)),
              ("lif1", lif(H1, 5e-3)),
              ("lif2", lif(H1, 5e-3, r=6.0)), shape=[F])
    run_case("LIF after LIF with r=6 (spikes cannot be scaled)", g, 1e-3, x,
             (), ["linear", "lif", "cuba_lif"])

    # Compositions: a nested graph, an Identity, an Affine feeding two
    # neurons that fold it differently, their spikes summed into an IF,
    # two Outputs.
    inner = nir.NIRGraph(
        nodes={"in": nir.Input(input_type={"input": np.array([H1])}),
               "lif": lif(H1, 4e-3),
               "out": nir.Output(output_type={"output": np.array([H1])})},
        edges=[("in", "lif"), ("lif", "out")])
    nodes = {"input": nir.Input(input_type={"input": np.array([F])}),
             "fc": affine(rng, H1, F, 2.0, bias=0.5),
             "id": nir.ir.graph.Identity(
                 input_type={"input": np.array([H1])}),
             "block": inner,
             "lif_b": lif(H1, 6e-3, r=1.5),
             "fc2": affine(rng, H1, H1, 1.0, bias=0.0),
             "fc3": affine(rng, H1, H1, 1.0, bias=0.0),
             "if": if_(H1, 1e3, v_threshold=0.6),
             "spikes_a": nir.Output(output_type={"output": np.array([H1])}),
             "spikes_if": nir.Output(output_type={"output": np.array([H1])})}
    edges = [("input", "fc"), ("fc", "id"), ("id", "block"),
             ("fc", "lif_b"), ("block", "fc2"), ("lif_b", "fc3"),
             ("fc2", "if"), ("fc3", "if"), ("block", "spikes_a"),
             ("if", "spikes_if")]
    g = nir.NIRGraph(nodes=nodes, edges=edges)
    model = run_case("nested graph, Identity, fan-out, fan-in", g, 1e-3, x)
    if model is not None:
        d = model.description
        check("names: inputs and outputs after the NIR nodes",
              list(d["inputs"]) == ["input"]
              and sorted(d["outputs"]) == ["spikes_a", "spikes_if"]
              and any(n["name"] == "block_lif" for n in d["nodes"])
              and sum(n["op"] == "add" for n in d["nodes"]) == 1,
              "%s %s" % (list(d["inputs"]), sorted(d["outputs"])))

    # A NIR file (nir.write / nir.read).
    path = os.path.join(workdir, "two_layer.nir")
    g = chain(("fc1", affine(rng, H1, F, 2.0, bias=0.6)),
              ("lif1", lif(H1, 2e-3)), shape=[F])
    nir.write(path, g)
    try:
        module = seqc.compile(seqc.from_nir(path, dt=1e-3))
        want, charges = euler(g, {"input": x}, 1e-3)
        ok, detail = compare(module(input=x.astype(np.float32)), want,
                             first_near(charges))
    except (seqc.Error, OSError) as e:
        ok, detail = False, str(e)
    check("from a NIR file", ok, detail)

    # The comparison can fail: the Affine->LIF model with tau off by 10%.
    if "Affine->LIF" in keep:
        model, graph, xx, want, cut = keep["Affine->LIF"]
        wrong = seqc.Model(model.description, model.tensors)
        wrong.description["nodes"][1]["attrs"]["tau"] *= 1.1
        got = seqc.compile(wrong)(input=xx.astype(np.float32))
        ok, detail = compare(got, want, cut)
        check("the comparison can fail (tau off by 10%)", not ok, detail)
        ok, _ = compare(got, euler(graph, {"input": xx}, 1.1e-3)[0],
                        np.full(B, T))
        check("the reference can tell dt from 1.1 dt", not ok)

    # -- refusals ----------------------------------------------------------
    fc = affine(rng, H1, F, 1.0)
    refuses("unsupported node type (LI)",
            lambda: seqc.from_nir(chain(("fc", fc), ("li", nir.LI(
                tau=full(H1, 1e-2), r=full(H1, 1.0),
                v_leak=full(H1, 0.0))), shape=[F]), dt=1e-3),
            "'li'", "LI", "not supported")
    refuses("unsupported node type (Conv1d)",
            lambda: seqc.from_nir(chain(("conv", nir.Conv1d(
                input_shape=16, weight=np.ones((2, 3, 3), np.float32),
                stride=1, padding=0, dilation=1, groups=1,
                bias=np.zeros(2, np.float32))), shape=[3, 16]), dt=1e-3),
            "'conv'", "Conv1d")

    def recurrent():
        nodes = {"input": nir.Input(input_type={"input": np.array([F])}),
                 "fc": affine(rng, H1, F, 1.0), "lif": lif(H1, 5e-3),
                 "w_rec": linear(rng, H1, H1, 1.0),
                 "output": nir.Output(output_type={"output":
                                                   np.array([H1])})}
        return nir.NIRGraph(nodes=nodes, edges=[
            ("input", "fc"), ("fc", "lif"), ("lif", "w_rec"),
            ("w_rec", "lif"), ("lif", "output")])
    refuses("a recurrent connection (cycle)",
            lambda: seqc.from_nir(recurrent(), dt=1e-3),
            "cycle", "'lif' -> 'w_rec' -> 'lif'", "feed-forward")
    tau = full(H1, 5e-3)
    tau[3] = 9e-4
    refuses("tau <= dt for one neuron",
            lambda: seqc.from_nir(chain(("fc", fc), ("lif", lif(H1, tau)),
                                        shape=[F]), dt=1e-3),
            "'lif'", "tau/dt > 1", "tau[3] = 0.000899")
    refuses("tau <= dt",
            lambda: seqc.from_nir(chain(("fc", fc), ("lif", lif(H1, 5e-4)),
                                        shape=[F]), dt=1e-3),
            "'lif'", "tau/dt > 1")
    refuses("IF with dt r != 1 and no Affine/Linear in front",
            lambda: seqc.from_nir(chain(("if", if_(F, 1.0)), shape=[F]),
                                  dt=1e-3),
            "'if'", "scaling its input by 0.001")
    refuses("CubaLIF tau_mem <= dt",
            lambda: seqc.from_nir(chain(("fc", fc), ("cuba", cuba(
                H1, 2e-3, 5e-4, 1.0, 1.0)), shape=[F]), dt=1e-3),
            "'cuba'", "tau_mem", "tau_mem/dt > 1")
    refuses("CubaLIF tau_syn < dt",
            lambda: seqc.from_nir(chain(("fc", fc), ("cuba", cuba(
                H1, 5e-4, 5e-3, 1.0, 1.0)), shape=[F]), dt=1e-3),
            "'cuba'", "tau_syn", "tau_syn/dt >= 1")
    refuses("a 3-D Affine weight",
            lambda: seqc.from_nir(chain(("fc", nir.Affine(
                weight=np.ones((2, H1, F), np.float32),
                bias=np.zeros((2, H1), np.float32))), shape=[2, F]),
                dt=1e-3),
            "'fc'", "2-D weight")

    def fan_in_scaled():
        nodes = {"input": nir.Input(input_type={"input": np.array([F])}),
                 "fa": affine(rng, H1, F, 1.0), "fb": affine(rng, H1, F, 1.0),
                 "if": if_(H1, 2.0),
                 "output": nir.Output(output_type={"output":
                                                   np.array([H1])})}
        return nir.NIRGraph(nodes=nodes, edges=[
            ("input", "fa"), ("input", "fb"), ("fa", "if"), ("fb", "if"),
            ("if", "output")])
    refuses("IF with dt r != 1 on a sum of inputs",
            lambda: seqc.from_nir(fan_in_scaled(), dt=1e-3),
            "'if'", "scaling its input by 0.002", "the sum of 'fa' and 'fb'")

    def no_output():
        g = chain(("fc", fc), shape=[F])
        del g.nodes["output"]
        g.edges = [("input", "fc")]
        return g
    refuses("no Output node", lambda: seqc.from_nir(no_output(), dt=1e-3),
            "no Output")

    def bad_edge():
        g = chain(("fc", fc), ("lif", lif(H1, 5e-3)), shape=[F])
        g.edges.append(("lif", "nowhere"))
        return g
    refuses("an edge to a node that is not there",
            lambda: seqc.from_nir(bad_edge(), dt=1e-3), "'nowhere'")
    refuses("an Output wired to the Input",
            lambda: seqc.from_nir(chain(shape=[F]), dt=1e-3),
            "'output'", "Input 'input'")

    def bad_nested():
        inner = nir.NIRGraph(
            nodes={"a": nir.Input(input_type={"input": np.array([F])}),
                   "b": nir.Input(input_type={"input": np.array([F])}),
                   "o": nir.Output(output_type={"output": np.array([F])})},
            edges=[("a", "o"), ("b", "o")], type_check=False)
        g = chain(("fc", fc), shape=[F])
        g.nodes["sub"] = inner
        g.edges = [("input", "sub"), ("sub", "fc"), ("fc", "output")]
        return g
    refuses("a nested graph with two Inputs",
            lambda: seqc.from_nir(bad_nested(), dt=1e-3),
            "'sub'", "2 Input")
    for bad in (0.0, -1e-3, float("nan")):
        try:
            seqc.from_nir(chain(("fc", fc), shape=[F]), dt=bad)
            ok = False
        except ValueError:
            ok = True
        check("dt=%r is a ValueError" % bad, ok)

    return summary()


if __name__ == "__main__":
    if len(sys.argv) > 1:
        sys.exit(main(sys.argv[1]))
    with tempfile.TemporaryDirectory() as tmp:
        sys.exit(main(tmp))
