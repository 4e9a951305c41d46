"""seqc.export on flash-linear-attention's GatedLinearAttention (SPEC
§4.2, §7): the layer alone and inside a network, with several option
combinations, exported, compiled and run by seqc and compared with fla's
own forward within SPEC §5, at the example's size and at others (T = 1;
T past fla's chunk size 64, where the layer switches from its
fused_recurrent kernel to its chunk kernels; T not a multiple of 64);
every option seqc cannot express raises seqc.ExportError naming the
module path and the option. seqc.export.fla.Stateful (the layer with
fla's cache: (x, state) -> (o, final state), states [B, H, V, K]) against
seqc's gla with s0 and its final state ([B, H, K, V]: model.meta
["state_v_first"]): a random state at T = 37 and 70, a decode step
carrying seqc's state from the previous call, in a network; a state
that is computed or read by another op is refused.

fla's forward is Triton kernels. Without a GPU they run on Triton's
interpreter (TRITON_INTERPRET=1, set here before triton is imported;
fp32 numpy on the CPU), which needs two things fla does not do for it,
both done in this process only (nothing on disk is patched):
  - autotuning: Triton's Autotuner benchmarks each config on the active
    driver, and there is none ("0 active drivers"); every kernel runs on
    its first config instead (the configs differ in tiling and warps, not
    in what the kernel computes);
  - fla.ops.common.chunk_h's kernels call ``.to(tl.int64)`` on a
    ``for i_t in range(NT)`` index, a tensor when compiled but a Python
    int in the interpreter; that module's ``range`` yields ints that have
    ``.to`` (returning the int).
One case checks fla's result under the interpreter against fla's
pure-torch naive_recurrent_gla, so that a kernel misrun shows as itself.

usage: test_export_fla.py [--perturb] [-k NAME]
"""
import os

os.environ["TRITON_INTERPRET"] = "1"   # before triton (and fla) load

import builtins  # noqa: E402
import sys  # noqa: E402
import warnings  # noqa: E402

import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402
import triton.runtime.autotuner as _autotuner  # noqa: E402


def _first_config_only():
    prune = _autotuner.Autotuner.prune_configs

    def first(self, kwargs):
        return prune(self, kwargs)[:1]
    _autotuner.Autotuner.prune_configs = first


class _LoopIndex(int):
    """A loop index the interpreter gives as an int, with the tensor
    method fla's kernels call on it."""

    def to(self, *args, **kwargs):
        return int(self)


def _interpreter_range(*args):
    return (_LoopIndex(i) for i in builtins.range(*args))


_first_config_only()
# fla says so on import when Triton has no driver; the interpreter runs.
warnings.filterwarnings("ignore", message="Triton is not supported")
import fla.ops.common.chunk_h  # noqa: E402
fla.ops.common.chunk_h.range = _interpreter_range
from fla.layers import GatedLinearAttention  # noqa: E402
from fla.ops.gla.naive import naive_recurrent_gla  # noqa: E402

import seqc  # noqa: E402
from seqc.export.fla import Stateful  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from export_check import Checker, numeric, randomize, \
    to_seqc_inputs  # noqa: E402

torch.manual_seed(1)
check = Checker(__doc__)


def gla(seed=0, **options):
    """A GatedLinearAttention in fp32 with every weight random (the norm's
    ones and the gate's bias too), scaled to keep the activations O(1)."""
    layer = GatedLinearAttention(**options).float().eval()
    return randomize(layer, scale=0.3, seed=seed + 1)


def xs(*shapes):
    return [(torch.randn(*shape),) for shape in shapes]


def description(d, heads, key_dim, value_dim, gate_rank, gate_norm, eps):
    """An expect(): the layer exported alone is one gla node with these
    attrs and SPEC's weights, its output y0 (fla's (o, None, None))."""
    def expect(model):
        nodes = [n for n in model.description["nodes"] if n["op"] == "gla"]
        if len(nodes) != 1:
            return "gla nodes %s" % model.description["nodes"]
        attrs = {"heads": heads, "key_dim": key_dim, "value_dim": value_dim,
                 "gate_rank": gate_rank, "gate_norm": gate_norm, "eps": eps}
        if nodes[0].get("attrs") != attrs:
            return "attrs %s, expected %s" % (nodes[0].get("attrs"), attrs)
        if list(model.description["outputs"]) != ["y0"]:
            return "outputs %s" % model.description["outputs"]
        name = nodes[0]["name"]
        shapes = {k[len(name) + 1:]: tuple(v.shape)
                  for k, v in model.tensors.items()
                  if k.startswith(name + ".")}
        want = {"q_proj.weight": (key_dim, d), "k_proj.weight": (key_dim, d),
                "v_proj.weight": (value_dim, d),
                "g_proj.weight": (value_dim, d),
                "gk_proj.0.weight": (gate_rank, d),
                "gk_proj.1.weight": (key_dim, gate_rank),
                "gk_proj.1.bias": (key_dim,),
                "g_norm_swish_gate.weight": (value_dim // heads,),
                "o_proj.weight": (d, value_dim)}
        if shapes != want:
            return "weights %s, expected %s" % (shapes, want)
        return None
    return expect


# -- the layer alone ------------------------------------------------------------

numeric(check, "GLA defaults (mode chunk) T 37, 1, 70, 5",
        gla(hidden_size=32, num_heads=2), (torch.randn(2, 37, 32),),
        more_inputs=xs((1, 1, 32), (2, 70, 32), (3, 5, 32)),
        expect=description(32, 2, 16, 32, 16, 16.0, 1e-5))
numeric(check, "GLA fused_recurrent 4 heads, expand_k 1 expand_v 2, gate "
        "rank 5, normalizer 8, eps 1e-3",
        gla(seed=1, mode="fused_recurrent", hidden_size=24, num_heads=4,
            expand_k=1.0, expand_v=2.0, gate_low_rank_dim=5,
            gate_logit_normalizer=8, norm_eps=1e-3),
        (torch.randn(2, 20, 24),), more_inputs=xs((1, 1, 24), (2, 65, 24)),
        expect=description(24, 4, 24, 48, 5, 8.0, 1e-3))
numeric(check, "GLA num_kv_heads 2 of 4 (k, v, gate repeated per head)",
        gla(seed=2, hidden_size=32, num_heads=4, num_kv_heads=2),
        (torch.randn(2, 66, 32),), more_inputs=xs((2, 3, 32),),
        expect=description(32, 4, 16, 32, 16, 16.0, 1e-5))
numeric(check, "GLA fuse_norm=False (g_norm, then the swish gate), 3 heads",
        gla(seed=3, hidden_size=24, num_heads=3, fuse_norm=False),
        (torch.randn(2, 12, 24),), more_inputs=xs((1, 67, 24),),
        expect=description(24, 3, 12, 24, 16, 16.0, 1e-5))
numeric(check, "GLA gate_fn silu, elementwise_affine=False, 1 head",
        gla(seed=5, hidden_size=16, num_heads=1, gate_fn="silu",
            elementwise_affine=False),
        (torch.randn(3, 9, 16),), more_inputs=xs((1, 1, 16),))


# -- inside a network ---------------------------------------------------------


class Blocks(nn.Module):
    """Two pre-norm residual GLA blocks (fla's (o, None, None) indexed)."""

    def __init__(self, d, heads):
        super().__init__()
        self.norm1 = nn.RMSNorm(d, eps=1e-6)
        self.attn1 = GatedLinearAttention(hidden_size=d, num_heads=heads)
        self.norm2 = nn.RMSNorm(d, eps=1e-6)
        self.attn2 = GatedLinearAttention(hidden_size=d, num_heads=heads,
                                          expand_k=1.0, gate_low_rank_dim=4)
        self.head = nn.Linear(d, 5)

    def forward(self, x):
        x = x + self.attn1(self.norm1(x))[0]
        x = x + self.attn2(self.norm2(x))[0]
        return self.head(x)


numeric(check, "two GLA blocks with RMSNorm and residuals, T 33, 70, 1",
        randomize(Blocks(32, 2).float(), scale=0.3, seed=7),
        (torch.randn(2, 33, 32),), more_inputs=xs((1, 70, 32), (2, 1, 32)))


# -- fla's kernels under the interpreter vs its naive recurrence ----------------


def naive_forward(layer, x):
    """The layer's forward (defaults: no short conv, fused swish-gated
    norm) with fla's pure-torch naive_recurrent_gla for the kernels."""
    B, T, _ = x.shape
    H, K, V = layer.num_heads, layer.head_k_dim, layer.head_v_dim
    q = layer.q_proj(x).view(B, T, H, K)
    k = layer.k_proj(x).view(B, T, H, K)
    v = layer.v_proj(x).view(B, T, H, V)
    gk = F.logsigmoid(layer.gk_proj(x).view(B, T, H, K)) \
        / layer.gate_logit_normalizer
    o, _ = naive_recurrent_gla(q, k, v, gk)
    norm = layer.g_norm_swish_gate
    o = o * torch.rsqrt(o.pow(2).mean(-1, keepdim=True) + norm.eps)
    o = o * norm.weight * F.silu(layer.g_proj(x).view(B, T, H, V))
    return layer.o_proj(o.reshape(B, T, H * V))


def kernels_vs_naive():
    layer = gla(seed=4, hidden_size=32, num_heads=2)
    problems = []
    for shape in ((2, 37, 32), (2, 70, 32)):   # fused_recurrent; chunk
        x = torch.randn(*shape)
        with torch.no_grad():
            got, ref = layer(x)[0], naive_forward(layer, x)
        problem = check.close("T %d" % shape[1], got, ref)
        if problem:
            problems.append(problem)
    return "; ".join(problems) or None


check.case("fla's kernels (interpreter) agree with naive_recurrent_gla",
           kernels_vs_naive)


# -- the recurrent state (Stateful: fla's cache) --------------------------------


def stateful_description(model):
    """Stateful(layer) on (x, state): one gla node reading x and the state,
    giving y0 and y1 = its final state, the states in seqc's [B, H, K, V]
    (fla's are [B, H, V, K]: meta["state_v_first"])."""
    nodes = model.description["nodes"]
    if len(nodes) != 1 or nodes[0]["inputs"] != ["x", "state"]:
        return "nodes %s" % nodes
    name = nodes[0]["name"]
    if model.description["outputs"] != {"y0": name, "y1": name + ":1"}:
        return "outputs %s" % model.description["outputs"]
    shape = model.description["inputs"]["state"]["shape"]
    if shape != ["B", 2, 4, 8]:
        return "state input shape %s, expected [B, H, K, V]" % shape
    swapped = model.meta.get("state_v_first")
    if swapped != {"inputs": ["state"], "outputs": ["y1"]}:
        return "meta state_v_first %s" % swapped
    return None


def stateful(seed, **options):
    return Stateful(gla(seed=seed, hidden_size=16, num_heads=2, layer_idx=0,
                        **options))


def state(batch=2):
    """A random fla state [B, H, V, K] for stateful()'s layer."""
    return torch.randn(batch, 2, 8, 4)


numeric(check, "Stateful GLA: random state, T 37 and 70 (chunk), 1",
        stateful(6), (torch.randn(2, 37, 16), state()),
        more_inputs=((torch.randn(2, 70, 16), state()),
                     (torch.randn(1, 1, 16), state(1))),
        expect=stateful_description)
numeric(check, "Stateful GLA fused_recurrent, num_kv_heads 1 of 2, no state "
        "(zeros), T 70",
        stateful(7, mode="fused_recurrent", num_kv_heads=1),
        (torch.randn(2, 70, 16),), more_inputs=xs((1, 5, 16),))


def decode_step():
    """T 37 from a random state, then T 1 from seqc's final state as it
    is (seqc's layout, no transposes between calls) vs fla's cache."""
    wrapper = stateful(8)
    x, s0, step = torch.randn(2, 37, 16), state(), torch.randn(2, 1, 16)
    model = seqc.export(wrapper, (x, s0))
    compiled = seqc.compile(model)
    first = compiled(**to_seqc_inputs(model, (x, s0)))
    got = compiled(x=step, state=first["y1"])
    with torch.no_grad():
        _, s1 = wrapper(x, s0)
        o2, s2 = wrapper(step, s1)
    problems = [check.close("y", got["y0"], o2),
                check.close("state", got["y1"], s2.transpose(-1, -2))]
    return "; ".join(p for p in problems if p) or None


check.case("Stateful GLA decode: T 1 from the previous call's state",
           decode_step)


class StatefulBlock(nn.Module):
    """A pre-norm residual block carrying its GLA state."""

    def __init__(self, d, heads):
        super().__init__()
        self.norm = nn.RMSNorm(d, eps=1e-6)
        self.attn = Stateful(GatedLinearAttention(
            hidden_size=d, num_heads=heads, gate_low_rank_dim=4, layer_idx=3))

    def forward(self, x, state):
        o, state = self.attn(self.norm(x), state)
        return x + o, state


numeric(check, "Stateful GLA in a residual block, T 20, 67",
        randomize(StatefulBlock(16, 2).float(), scale=0.3, seed=9),
        (torch.randn(2, 20, 16), state()),
        more_inputs=((torch.randn(1, 67, 16), state(1)),))


# -- refusals -----------------------------------------------------------------


class Wrap(nn.Module):
    """An fla layer at path 'block.attn', called as `call` says."""

    def __init__(self, attn, call=None):
        super().__init__()
        self.block = nn.Module()
        self.block.attn = attn
        self.call = call

    def forward(self, x, mask=None):
        if self.call == "mask":
            return self.block.attn(x, attention_mask=mask)[0]
        if self.call == "cache":
            return self.block.attn(x, use_cache=True)[0]
        if self.call == "computed state":      # Stateful, mask a state
            return self.block.attn(x, mask + mask)
        if self.call == "read state":
            return self.block.attn(x, mask)[0], mask + mask
        if self.call == "state out":
            state = self.block.attn(x, mask)[1]
            return state + state
        return self.block.attn(x)[0]


class SubGLA(GatedLinearAttention):
    pass


x16 = torch.randn(2, 6, 16)
check.refuses("use_short_conv (q/k/v short convolutions)",
              Wrap(GatedLinearAttention(hidden_size=16, num_heads=2,
                                        use_short_conv=True)), (x16,),
              "block.attn", "use_short_conv=True", "short convolution")
check.refuses("use_short_conv on the layer exported alone",
              GatedLinearAttention(hidden_size=16, num_heads=2,
                                   use_short_conv=True, conv_size=3,
                                   conv_bias=True), (x16,),
              "<root>", "GatedLinearAttention", "use_short_conv=True")
check.refuses("use_output_gate=False",
              Wrap(GatedLinearAttention(hidden_size=16, num_heads=2,
                                        use_output_gate=False)), (x16,),
              "block.attn", "use_output_gate=False")
check.refuses("gate_fn sigmoid",
              Wrap(GatedLinearAttention(hidden_size=16, num_heads=2,
                                        gate_fn="sigmoid")), (x16,),
              "block.attn", "gate_fn=sigmoid")
check.refuses("feature_map relu",
              Wrap(GatedLinearAttention(hidden_size=16, num_heads=2,
                                        feature_map="relu")), (x16,),
              "block.attn", "feature_map=relu")
check.refuses("clamp_min",
              Wrap(GatedLinearAttention(hidden_size=16, num_heads=2,
                                        clamp_min=-0.05)), (x16,),
              "block.attn", "clamp_min=-0.05")
check.refuses("gate_logit_normalizer -4",
              Wrap(GatedLinearAttention(hidden_size=16, num_heads=2,
                                        gate_logit_normalizer=-4)), (x16,),
              "block.attn", "gate_logit_normalizer=-4")
check.refuses("attention_mask",
              Wrap(GatedLinearAttention(hidden_size=16, num_heads=2),
                   call="mask"),
              (x16, torch.ones(2, 6, dtype=torch.long)),
              "block.attn", "attention_mask")
check.refuses("use_cache (fla's cached state)",
              Wrap(GatedLinearAttention(hidden_size=16, num_heads=2,
                                        layer_idx=0), call="cache"), (x16,),
              "block.attn", "use_cache", "Stateful")
s16 = state()
check.refuses("Stateful with a state computed in the model",
              Wrap(stateful(0), call="computed state"), (x16, s16),
              "block.attn", "state", "model input")
check.refuses("Stateful's state input read by another op",
              Wrap(stateful(0), call="read state"), (x16, s16),
              "<root>", "reads mask", "[B, H, V, K]")
check.refuses("Stateful's final state read by another op",
              Wrap(stateful(0), call="state out"), (x16, s16),
              "<root>", "reads block_attn:1", "model output")
check.refuses("Stateful of a GatedLinearAttention with use_short_conv",
              Wrap(Stateful(GatedLinearAttention(
                  hidden_size=16, num_heads=2, use_short_conv=True,
                  layer_idx=0))), (x16,),
              "block.attn", "Stateful", "use_short_conv=True")
check.refuses("Stateful of a subclass of GatedLinearAttention",
              Wrap(Stateful(SubGLA(hidden_size=16, num_heads=2,
                                   layer_idx=0))), (x16,),
              "block.attn", "SubGLA")
check.refuses("a subclass of GatedLinearAttention",
              Wrap(SubGLA(hidden_size=16, num_heads=2)), (x16,),
              "block.attn", "SubGLA", "subclass")

check.finish()
