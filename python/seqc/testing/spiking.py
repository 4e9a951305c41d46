"""E2e case generators of the spiking ops (SPEC §4.5): the lif / plif /
if_neuron neurons (Neuron, their attrs and reference), linear_into_neuron
(linear → neuron, fused), spike_linear (neuron → linear on spikes), wkv and
spiking_rwkv, with the helpers that keep spike checks sound near the
threshold (following seqc's spike, redrawing, skipping). Each
gen_<op>(rng, i) returns a Config; see seqc.testing.cases."""
import json

import numpy as np

from seqc import reference as ref
from seqc.testing.random_shapes import (FEAT, Config, lin_w, normal, pick,
                                        sizes, uniform, w64)


# --- spiking units (SPEC §4.5) --------------------------------------------
# A neuron's spike output carries "@dist:<output>", its reference charge
# minus the threshold, so the driver compares spikes exactly except within
# SPEC §5's 1e-4 of the threshold; these generators set Config.follow, so
# where the reference charge is that close the reference takes seqc's spike
# and goes on from it. Outputs that cannot be followed (spikes not among the
# model's outputs) get inputs redrawn until no charge is that close.

# Neuron counts: 1, primes, one off a vector width (8 lanes, 32-lane blocks).
NEURONS = [1, 5, 33, 70, 3, 8, 31, 32]
# Trailing dims [C, H] of rank-4 neuron inputs [B, T, C, H].
NEURONS_2D = [(1, 1), (3, 5), (2, 33), (7, 10), (5, 7), (4, 8)]
T_NEURON = [1, 2, 5, 16, 37, 64, 130, 257]


def neuron_sizes(rng, i, times=T_NEURON):
    """Two (B, T) pairs; every other case has T = 1 or T = 37 among them."""
    pairs = sizes(rng, times)
    must = {0: 1, 2: 37}.get(i % 4)
    if must is not None and all(t != must for _, t in pairs):
        b = pairs[0][0]
        pairs[0] = (b, must) if (b, must) not in pairs else (b % 3 + 1, must)
    return pairs


def neuron_lead(rng, i):
    """The trailing (neuron) dims of a neuron input: rank 2, 3 or 4."""
    return [[], [pick(rng, NEURONS)], list(pick(rng, NEURONS_2D))][i % 3]


# Which parameters each kind may take per neuron (docs/spiking-ops.md).
PER_NEURON = {"lif": ["tau", "v_threshold", "v_reset"],
              "if_neuron": ["v_threshold", "v_reset"],
              "cuba_lif": ["tau_syn", "tau_mem", "r", "w_in", "v_leak",
                           "v_threshold", "v_reset"]}


class Neuron:
    """A lif / plif / if_neuron / cuba_lif node's attrs and weights, and its
    reference. `i` cycles the reset (default 0, soft, negative, explicit)
    and decay_input (default, false, true); the other parameters are
    random. Given the neuron dims `tail`, two cases in five (i % 5 in 2,
    4) of a kind that has them take some parameters per neuron, as
    weights shaped like `tail`."""

    def __init__(self, rng, i, kind, name="n", tail=None):
        self.kind, self.name = kind, name
        self.attrs, self.w = {}, {}
        reset = i % 4
        self.v_reset = [0.0, None, -0.5, pick(rng, [0.0, 0.25])][reset]
        if reset:
            self.attrs["v_reset"] = self.v_reset
        self.v_threshold = pick(rng, [1.0, 0.5, 2.0, 0.3])
        if self.v_threshold != 1.0 or i % 2:
            self.attrs["v_threshold"] = self.v_threshold
        self.tau = 1.0
        decay = i // 2 % 3
        self.decay_input = decay != 1
        if kind == "lif":
            # SpikingJelly's LIFNode takes tau > 1.
            self.tau = pick(rng, [2.0, 1.5, 3.0, 10.0, 1.25])
            if self.tau != 2.0 or i % 3 == 0:
                self.attrs["tau"] = self.tau
        elif kind == "plif":
            wv = float(rng.uniform(-2.0, 2.0))
            self.w[name + ".w"] = np.array(wv, np.float32)
            self.tau = 1.0 / float(ref.sigmoid(np.float32(wv)))
            if i % 5 == 0:
                # ParametricLIFNode's init_tau: the weight overrides it.
                self.attrs["tau"] = 4.0
        elif kind == "cuba_lif":
            self.cuba = {"tau_syn": pick(rng, [2.0, 1.0, 1.5, 5.0]),
                         "tau_mem": pick(rng, [2.0, 1.5, 4.0, 10.0]),
                         "r": pick(rng, [1.0, 0.5, 2.0]),
                         "w_in": pick(rng, [1.0, 0.7, 1.5]),
                         "v_leak": pick(rng, [0.0, 0.2, -0.3])}
            defaults = {"tau_syn": 2.0, "tau_mem": 2.0, "r": 1.0,
                        "w_in": 1.0, "v_leak": 0.0}
            for key, value in self.cuba.items():
                if value != defaults[key] or i % 2:
                    self.attrs[key] = value
        if kind in ("lif", "plif") and decay:
            self.attrs["decay_input"] = self.decay_input
        self.per_neuron = []
        if tail is not None and kind in PER_NEURON and i % 5 in (2, 4):
            self._per_neuron(rng, i, [int(d) for d in tail])

    def _per_neuron(self, rng, i, tail):
        """Moves some parameters to per-neuron weights (values around the
        scalar ones; time constants kept above 1, or at 1 for tau_syn)."""
        names = [p for p in PER_NEURON[self.kind]
                 if p != "v_reset" or self.v_reset is not None]
        chosen = [p for j, p in enumerate(names) if (i + j) % 2 == 0]
        for p in chosen:
            base = self.param(p)
            if p in ("tau", "tau_mem"):
                value = rng.uniform(1.1, 2.0 * base + 1.0, tail)
            elif p == "tau_syn":
                value = rng.uniform(1.0, 2.0 * base + 1.0, tail)
            else:
                value = base * rng.uniform(0.5, 1.5, tail) + rng.uniform(
                    -0.1, 0.1, tail)
            value = value.astype(np.float32)
            self.w["%s.%s" % (self.name, p)] = value
            self._set(p, value.astype(np.float64))
            self.attrs.pop(p, None)
        self.per_neuron = chosen
        self.attrs["per_neuron"] = chosen

    def param(self, p):
        if p in ("v_threshold", "v_reset", "tau"):
            return getattr(self, p)
        return self.cuba[p]

    def _set(self, p, value):
        if p in ("v_threshold", "v_reset", "tau"):
            setattr(self, p, value)
        else:
            self.cuba[p] = value

    def desc(self):
        return "%s(%s%s)" % (self.kind, json.dumps(self.attrs, sort_keys=True),
                             " 1/tau=sigmoid(%.4g)" % self.w[
                                 self.name + ".w"] if self.kind == "plif"
                             else "")

    def node(self, x, v0=None, i0=None):
        inputs = [x]
        if v0 is not None or i0 is not None:
            inputs.append(v0)  # null: left off
        if i0 is not None:
            inputs.append(i0)
        n = {"name": self.name, "op": self.kind, "inputs": inputs}
        if self.attrs:
            n["attrs"] = self.attrs
        return n

    def gap(self):
        """The input X that brings V from rest to the threshold for good."""
        vr = 0.0 if self.v_reset is None else np.mean(self.v_reset)
        g = float(np.mean(self.v_threshold) - vr)
        if self.kind == "if_neuron":
            return g / 4.0
        if self.kind == "cuba_lif":
            c = {k: float(np.mean(v)) for k, v in self.cuba.items()}
            return (float(np.mean(self.v_threshold)) - c["v_leak"]) / (
                c["r"] * c["w_in"])
        return g if self.decay_input else g / float(np.mean(self.tau))

    def run(self, x, follow=None, v0=None, i0=None):
        """{"y": spikes, "v": V_T, "dist": H − v_threshold [, "i": I_T]}
        in float64, from the potential v0 and current i0 (None: the reset
        value, 0)."""
        if self.kind == "lif":
            s, v, h = ref.lif(x, self.tau, self.v_threshold, self.v_reset,
                              self.decay_input, follow=follow, v0=v0)
        elif self.kind == "plif":
            s, v, h = ref.plif(x, w64(self.w, self.name + ".w"),
                               self.v_threshold, self.v_reset,
                               self.decay_input, follow=follow, v0=v0)
        elif self.kind == "cuba_lif":
            s, v, h, i = ref.cuba_lif(x, v_threshold=self.v_threshold,
                                      v_reset=self.v_reset, follow=follow,
                                      v0=v0, i0=i0, **self.cuba)
            return {"y": s, "v": v, "i": i, "dist": h - self.v_threshold}
        else:
            s, v, h = ref.if_neuron(x, self.v_threshold, self.v_reset,
                                    follow=follow, v0=v0)
        return {"y": s, "v": v, "dist": h - self.v_threshold}

    def __call__(self, x, follow=None, v0=None):
        """(spikes, V_T, H − v_threshold) in float64, from the potential v0
        (None: the reset value)."""
        r = self.run(x, follow, v0)
        return r["y"], r["v"], r["dist"]

    def draw_v0(self, rng, shape):
        """A starting potential [B, ...] from below rest to the threshold,
        as a previous call may have left it."""
        vr = 0.0 if self.v_reset is None else self.v_reset
        lo = np.minimum(vr, self.v_threshold)
        hi = np.maximum(vr, self.v_threshold)
        return rng.uniform(lo - (hi - lo), hi, shape).astype(np.float32)


def clear_of_threshold(dist):
    return not np.any(np.abs(dist) <= ref.SPIKE_MARGIN)


def followed(got, name, shape):
    """seqc's spike output `name` if it came back with the right shape."""
    y = got.get(name)
    return y if y is not None and y.shape == tuple(shape) else None


def unfollowed(dist):
    """Skips a run whose spikes are not an output (so the reference cannot
    follow them) where a reference charge is within the margin of the
    threshold: make_inputs redraws to avoid it, but may give up."""
    near = int(np.sum(np.abs(dist) <= ref.SPIKE_MARGIN))
    return {"@skip": "%d charges near threshold, spikes not an output"
            % near} if near else {}


def neuron_reference(n, a, got, outputs, v0=None, i0=None):
    """The reference of neuron `n` on charges `a` from the potential v0
    (and cuba_lif's current i0), following seqc's spikes where they came
    back; its spike density and the unfollowed-run skip where the spikes
    are not an output."""
    out = n.run(a, followed(got, "y", a.shape), v0, i0)
    dist = out.pop("dist")
    out["@dist:y"] = dist
    if "y" not in outputs:
        out["@density:y"] = out["y"]
        out.update(unfollowed(dist))
    return out


def unfollowed_times(outputs, spikes):
    """Sequence lengths: short when the spikes are not an output, so that
    inputs with no charge near the threshold are easy to draw."""
    return T_NEURON if spikes in outputs else [1, 2, 5, 16, 37]


def neuron_outputs(i, name="n", kind=None):
    """Spikes and final potential; every fifth case spikes alone, every
    fifth the potential alone (the other output then left unused);
    cuba_lif's final current as well in every other case."""
    out = ({"y": name} if i % 5 == 3 else {"v": name + ":1"} if i % 5 == 4
           else {"y": name, "v": name + ":1"})
    if kind == "cuba_lif" and i % 2 == 0:
        out["i"] = name + ":2"
    return out


def gen_neuron(kind):
    def gen(rng, i):
        tail = neuron_lead(rng, i)
        n = Neuron(rng, i, kind, tail=tail)
        outputs = neuron_outputs(i, kind=kind)
        scale = n.gap()
        mean = pick(rng, [0.5, 0.8, 1.5])
        # Some cases continue from a given potential v0 [B, ...] (and
        # cuba_lif's current i0).
        with_v0 = i % 7 in (1, 4, 5)
        with_i0 = kind == "cuba_lif" and i % 7 in (2, 4)
        inputs = {"x": {"dtype": "f32", "shape": ["B", "T"] + tail}}
        if with_v0:
            inputs["v0"] = {"dtype": "f32", "shape": ["B"] + tail}
        if with_i0:
            inputs["i0"] = {"dtype": "f32", "shape": ["B"] + tail}

        def make(rng, B, T):
            # Mean drive below, near or above the firing point. Without
            # the spikes among the outputs the reference cannot follow seqc
            # near the threshold: redraw.
            for _ in range(50):
                x = normal(rng, [B, T] + tail, abs(scale)) + np.float32(
                    mean * scale)
                v0 = n.draw_v0(rng, [B] + tail) if with_v0 else None
                i0 = (normal(rng, [B] + tail, abs(scale)) if with_i0
                      else None)
                if "y" in outputs or clear_of_threshold(
                        n.run(x, v0=v0, i0=i0)["dist"]):
                    break
            got = {"x": x}
            if with_v0:
                got["v0"] = v0
            if with_i0:
                got["i0"] = i0
            return got

        def reference(x, got):
            return neuron_reference(n, x["x"], got, outputs, x.get("v0"),
                                    x.get("i0"))
        return Config("%s x=%s v0=%d i0=%d outputs=%s"
                      % (n.desc(), ["B", "T"] + tail, with_v0, with_i0,
                         ",".join(outputs)),
                      inputs, [n.node("x", "v0" if with_v0 else None,
                                      "i0" if with_i0 else None)],
                      outputs, n.w, make, reference,
                      neuron_sizes(rng, i, unfollowed_times(outputs, "y")),
                      follow=True)
    return gen


def gen_linear_into_neuron(rng, i):
    """linear → neuron, the linear's only user: the compiler fuses them."""
    kind = ["lif", "if_neuron", "cuba_lif", "lif", "if_neuron", "plif",
            "cuba_lif"][i % 7]
    inp, out = pick(rng, [1, 3, 5, 17, 33, 70]), pick(rng, NEURONS)
    bias = i % 2 == 0
    lead = [["B", "T"], ["B", "T"], ["B", "T", pick(rng, [1, 3, 5])]][i % 3]
    n = Neuron(rng, i, kind, tail=lead[2:] + [out])
    w = dict(n.w)
    w["l.weight"] = lin_w(rng, out, inp)
    g = abs(n.gap())
    if bias:
        w["l.bias"] = uniform(rng, (out,), g)
    attrs = {"out": out} if bias else {"out": out, "bias": False}
    outputs = neuron_outputs(i)
    # A fixed offset per input feature: some neurons are driven to fire
    # often, some hardly ever.
    offset = uniform(rng, (inp,), 6.0 * g)
    with_v0 = i % 7 in (2, 3)
    inputs = {"x": {"dtype": "f32", "shape": lead + [inp]}}
    if with_v0:
        inputs["v0"] = {"dtype": "f32", "shape": lead[:1] + lead[2:] + [out]}

    def charge_in(x):
        b = w64(w, "l.bias") if bias else None
        return ref.linear(x, w64(w, "l.weight"), b)

    def make(rng, B, T):
        shape = [B if d == "B" else T if d == "T" else d for d in lead]
        for _ in range(50):
            # x W^T has standard deviation about 0.58·xs.
            x = normal(rng, shape + [inp], 4.0 * g) + offset
            v0 = (n.draw_v0(rng, shape[:1] + shape[2:] + [out]) if with_v0
                  else None)
            if "y" in outputs or clear_of_threshold(
                    n(charge_in(x), v0=v0)[2]):
                break
        return {"x": x, "v0": v0} if with_v0 else {"x": x}

    def reference(x, got):
        return neuron_reference(n, charge_in(x["x"]), got, outputs,
                                x.get("v0"))
    return Config("in=%d out=%d bias=%d lead=%s %s v0=%d outputs=%s"
                  % (inp, out, bias, "".join(map(str, lead)), n.desc(),
                     with_v0, ",".join(outputs)),
                  inputs,
                  [{"name": "l", "op": "linear", "inputs": ["x"],
                    "attrs": attrs}, n.node("l", "v0" if with_v0 else None)],
                  outputs, w, make, reference,
                  neuron_sizes(rng, i, unfollowed_times(outputs, "y")),
                  follow=True)


# Spike density ranges of spike_linear inputs: below the compiler's 0.25
# switch (accumulate-only path) and above 0.5 (dense path); "none" has no
# spike at all, "all" spikes everywhere.
DENSITY = {"sparse": (0.0, 0.2), "dense": (0.55, 1.0),
           "none": (0.0, 0.0), "all": (1.0, 1.0)}


def gen_spike_linear(rng, i):
    """neuron → linear: the linear's input holds spikes only."""
    kind = ["lif", "if_neuron", "lif", "plif"][i % 4]
    path = ("none" if i % 10 == 8 else "all" if i % 10 == 9
            else ["sparse", "dense"][i % 2])
    n = Neuron(rng, i, kind)
    if path == "none":
        n.v_threshold = 1e3
    elif path == "all":
        n.v_threshold = -1e3
    if path in ("none", "all"):
        n.attrs["v_threshold"] = n.v_threshold
    tail = [[pick(rng, NEURONS)], list(pick(rng, NEURONS_2D))][i // 2 % 2]
    inp, out = tail[-1], pick(rng, [1, 5, 17, 33, 70])
    bias = i % 3 != 1
    w = dict(n.w)
    w["l.weight"] = lin_w(rng, out, inp)
    if bias:
        w["l.bias"] = uniform(rng, (out,))
    attrs = {"out": out} if bias else {"out": out, "bias": False}
    outputs = ({"y": "l"} if i % 6 == 5 else
               {"s": "n", "v": "n:1", "y": "l"} if i % 6 == 4 else
               {"s": "n", "y": "l"})
    lo, hi = DENSITY[path]
    g = abs(n.gap()) if path in ("sparse", "dense") else 1.0

    def make(rng, B, T):
        # Drive well below or well above the firing point, then redraw
        # (and rescale) until the density lies in the path's range (a
        # sparse input of 10 or more neurons with at least one spike) and,
        # without the spikes among the outputs, no charge is near the
        # threshold.
        shape = [B, T] + tail
        mean, sd = ((0.3 if i % 4 else 0.7, 0.5) if path == "sparse"
                    else (1.5, 0.7))
        scale = g
        least = 1 if path == "sparse" and np.prod(shape) >= 10 else 0
        for tries in range(60):
            x = (scale * (mean + sd * rng.standard_normal(shape))).astype(
                np.float32)
            s, _, dist = n(x)
            d = float(s.mean())
            if d > hi:
                scale *= 0.8
            elif d < lo or s.sum() < least:
                scale *= 1.25
            elif "s" in outputs or clear_of_threshold(dist) or tries > 40:
                break
        else:
            raise AssertionError("spike_linear: no %s inputs drawn" % path)
        return {"x": x}

    def reference(x, got):
        s, v, dist = n(x["x"], followed(got, "s", x["x"].shape))
        # The linear alone: applied to seqc's spikes when they came back.
        spk = followed(got, "s", s.shape)
        b = w64(w, "l.bias") if bias else None
        y = ref.linear(s if spk is None else spk, w64(w, "l.weight"), b)
        out = {"s": s, "v": v, "y": y, "@dist:s": dist}
        if "s" not in outputs:
            out["@density:n"] = s
            out.update(unfollowed(dist))
        return out
    return Config("path=%s %s x=%s out=%d bias=%d outputs=%s"
                  % (path, n.desc(), ["B", "T"] + tail, out, bias,
                     ",".join(outputs)),
                  {"x": {"dtype": "f32", "shape": ["B", "T"] + tail}},
                  [n.node("x"), {"name": "l", "op": "linear",
                                 "inputs": ["n"], "attrs": attrs}],
                  outputs, w, make, reference,
                  neuron_sizes(rng, i, unfollowed_times(outputs, "s")),
                  follow=True)


def gen_wkv(rng, i):
    C = pick(rng, FEAT + [70])
    # k: ordinary, wide, and with ±100 where exp(k) overflows f32 unless
    # the running maximum is subtracted.
    kmode = ["normal", "wide", "extreme"][i % 3]
    w = {"r.time_decay": uniform(rng, (C,), 2.5) + np.float32(-0.5),
         "r.time_first": uniform(rng, (C,), 2.0)}

    def make(rng, B, T):
        k = normal(rng, (B, T, C), 10.0 if kmode == "wide" else 1.0)
        if kmode == "extreme":
            k[rng.uniform(size=k.shape) < 0.1] = 100.0
            k[rng.uniform(size=k.shape) < 0.1] = -100.0
        return {"k": k, "v": normal(rng, (B, T, C))}

    def reference(x):
        return {"y": ref.wkv(x["k"], x["v"], w64(w, "r.time_decay"),
                             w64(w, "r.time_first"))}
    return Config("C=%d k=%s" % (C, kmode),
                  {"k": {"dtype": "f32", "shape": ["B", "T", C]},
                   "v": {"dtype": "f32", "shape": ["B", "T", C]}},
                  [{"name": "r", "op": "wkv", "inputs": ["k", "v"]}],
                  {"y": "r"}, w, make, reference,
                  neuron_sizes(rng, i, [1, 2, 7, 37, 64, 65, 130, 257]))


def gen_spiking_rwkv(rng, i):
    d = pick(rng, [8, 12, 17, 5, 33])
    first = i % 2 == 1
    hidden = [None, pick(rng, [1, 7, 24, 33])][i // 2 % 2]
    f = 4 * d if hidden is None else hidden
    tau = pick(rng, [None, 1.5, 3.0])
    thr = pick(rng, [None, 0.5, 2.0])
    attrs = {}
    if first or i % 4 == 0:
        attrs["first"] = first
    if hidden is not None:
        attrs["ffn_hidden"] = hidden
    if tau is not None:
        attrs["tau"] = tau
    if thr is not None:
        attrs["v_threshold"] = thr
    th = 1.0 if thr is None else thr

    def ln(n):
        return {n + ".weight": uniform(rng, (d,), 0.3) + np.float32(1.0),
                n + ".bias": uniform(rng, (d,), 0.3)}
    short = ln("ln0") if first else {}
    short.update(ln("ln1"))
    short.update(ln("ln2"))
    short.update({
        "att.time_decay": uniform(rng, (d,), 2.0) + np.float32(-0.5),
        "att.time_first": uniform(rng, (d,), 1.0),
        "att.time_mix_k": rng.uniform(0, 1, d).astype(np.float32),
        "att.time_mix_v": rng.uniform(0, 1, d).astype(np.float32),
        "att.time_mix_r": rng.uniform(0, 1, d).astype(np.float32),
        "att.key.weight": lin_w(rng, d, d),
        "att.value.weight": 3.0 * lin_w(rng, d, d),
        "att.receptance.weight": lin_w(rng, d, d),
        # Scaled so that a and f reach the threshold now and then.
        "att.output.weight": 6.0 * th * lin_w(rng, d, d),
        "ffn.time_mix_k": rng.uniform(0, 1, d).astype(np.float32),
        "ffn.time_mix_r": rng.uniform(0, 1, d).astype(np.float32),
        "ffn.key.weight": 2.0 * lin_w(rng, f, d),
        "ffn.receptance.weight": lin_w(rng, d, d),
        "ffn.value.weight": 8.0 * th * lin_w(rng, d, f),
    })
    w = {"b." + k: v for k, v in short.items()}
    tau_v = 2.0 if tau is None else tau

    def run_ref(x):
        return ref.spiking_rwkv(x, short, f, first, tau_v, th)

    def make(rng, B, T):
        # The output jumps by 1 where an internal lif fires: redraw x until
        # no internal charge lies within SPEC §5's 1e-4 of the threshold
        # (the reference marks the run skipped should all draws fail).
        for _ in range(30):
            x = normal(rng, (B, T, d), 2.0)
            if all(clear_of_threshold(h - th) for h in run_ref(x)[1]):
                break
        return {"x": x}

    def reference(x):
        y, (h1, h2) = run_ref(x["x"])
        out = {"y": y, "@density:att_lif": (h1 >= th).astype(np.float64),
               "@density:ffn_lif": (h2 >= th).astype(np.float64)}
        near = sum(int(np.sum(np.abs(h - th) <= ref.SPIKE_MARGIN))
                   for h in (h1, h2))
        if near:
            out["@skip"] = "%d internal charges near threshold" % near
        return out
    return Config("d=%d attrs=%s" % (d, json.dumps(attrs, sort_keys=True)),
                  {"x": {"dtype": "f32", "shape": ["B", "T", d]}},
                  [{"name": "b", "op": "spiking_rwkv", "inputs": ["x"],
                    **({"attrs": attrs} if attrs else {})}],
                  {"y": "b"}, w, make, reference,
                  neuron_sizes(rng, i, [1, 2, 5, 16, 37, 64]))
