"""SpikingJelly neurons onto seqc's spiking ops (SPEC §4.5).

| SpikingJelly (activation_based, step_mode='m') | seqc        |
|------------------------------------------------|-------------|
| neuron.LIFNode                                 | lif         |
| neuron.ParametricLIFNode (weight w, 0-d)       | plif        |
| neuron.IFNode                                  | if_neuron   |
| layer.SeqToANNContainer, MultiStepContainer    | their layers|

SpikingJelly's multi-step tensors are time-major [T, B, ...]; seqc's are
batch-first, so the exported model takes and returns them with axes 0 and
1 swapped (model.meta["time_major"] lists which). v_reset=None is the soft
reset (v_reset null). The surrogate function and detach_reset only shape
gradients: they do not change the forward and are not exported. The
exported model starts from the neurons' resting state (what
functional.reset_net gives), whatever state the module holds.
"""
from ._registry import module, prepare

_NEURONS = "spikingjelly.activation_based.neuron."


def _check_common(ctx, layer, x):
    x = ctx.tensor(x, "input")
    if getattr(layer, "step_mode", "s") != "m":
        ctx.error("step_mode=%r" % layer.step_mode,
                  "seqc's neurons run a whole sequence (multi-step, "
                  "step_mode='m'); a single step has no time axis")
    if getattr(layer, "_neuron_precision", None) is not None:
        ctx.error("neuron precision %s" % (layer._neuron_precision,),
                  "seqc keeps the membrane potential in float32")
    if not isinstance(layer.v_threshold, float):
        ctx.error("v_threshold", "must be a float (got %r)"
                  % type(layer.v_threshold).__name__)
    if layer.v_reset is not None and not isinstance(layer.v_reset, float):
        ctx.error("v_reset", "must be a float or None")
    if x.rank < 2:
        ctx.error("input", "has shape %s; a multi-step neuron takes "
                  "[T, B, ...]" % list(x.shape))
    ctx.require_layout(x, True, "(SpikingJelly multi-step, [T, B, ...])")
    x.group.set_roles({0: "B", 1: "T"})
    return x


def _reset_attrs(layer):
    return {"v_threshold": float(layer.v_threshold),
            "v_reset": None if layer.v_reset is None else float(layer.v_reset)}


@module(_NEURONS + "LIFNode")
def lif(ctx, layer, x):
    """LIFNode: seqc lif (tau, decay_input, v_threshold, v_reset)."""
    x = _check_common(ctx, layer, x)
    attrs = {"tau": float(layer.tau), "decay_input": bool(layer.decay_input)}
    attrs.update(_reset_attrs(layer))
    name = ctx.emit("lif", [x], attrs)
    return ctx.result(name, like=x)


@module(_NEURONS + "ParametricLIFNode")
def plif(ctx, layer, x):
    """ParametricLIFNode: seqc plif, its learned w (1/tau = sigmoid(w)) as
    the 0-d weight `w`."""
    x = _check_common(ctx, layer, x)
    attrs = {"decay_input": bool(layer.decay_input)}
    attrs.update(_reset_attrs(layer))
    name = ctx.emit("plif", [x], attrs, {"w": layer.w.reshape(())})
    return ctx.result(name, like=x)


@module(_NEURONS + "IFNode")
def if_neuron(ctx, layer, x):
    """IFNode: seqc if_neuron (v_threshold, v_reset)."""
    x = _check_common(ctx, layer, x)
    name = ctx.emit("if_neuron", [x], _reset_attrs(layer))
    return ctx.result(name, like=x)


@module("spikingjelly.activation_based.layer.SeqToANNContainer",
        "spikingjelly.activation_based.layer.MultiStepContainer")
def container(ctx, layer, x):
    """SeqToANNContainer / MultiStepContainer: their layers one after the
    other. Both fold [T, B] into one batch dim (or loop over T) around
    their layers, which the position-wise layers seqc maps (Linear,
    LayerNorm, activations) do not notice."""
    from . import _registry
    value, real = x, ctx.real_args[0]
    for child_name, child in layer.named_children():
        convert = _registry.module_converter(child)
        if convert is None or not getattr(convert, "positionwise", False):
            ctx.error("layer %s (%s)" % (child_name, type(child).__name__),
                      "inside a container seqc.export maps only the "
                      "position-wise layers (Linear, norms, activations, "
                      "dropout)")
        child_ctx = ctx.child(child_name, child, real)
        value = convert(child_ctx, child, value)
        real = child_ctx.real_out
    return value


@prepare
def reset_neurons(root):
    """The export's copy of the network starts at rest: each SpikingJelly
    memory module (neurons) reset, as functional.reset_net does."""
    import sys
    base = sys.modules.get("spikingjelly.activation_based.base")
    if base is None:
        return
    for m in root.modules():
        if isinstance(m, base.MemoryModule):
            m.reset()
