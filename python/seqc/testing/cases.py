"""The e2e cases: GENERATORS, the table from op name to its case generator
(gen_<op>(rng, i) → Config, from the per-family modules), and SEED_ORDER,
which fixes each op's random seed so that adding an op keeps every other
op's configurations."""
from seqc.testing.attention import gen_gated_attention, gen_gla, gen_gla_core
from seqc.testing.building_blocks import (gen_act, gen_binary, gen_embedding,
                                          gen_glu_mlp, gen_linear, gen_norm)
from seqc.testing.recurrences import gen_causal_conv1d, gen_linear_recurrence
from seqc.testing.spiking import (gen_linear_into_neuron, gen_neuron,
                                  gen_spike_linear, gen_spiking_rwkv, gen_wkv)

# gen_<op>(rng, i) → Config. `i` is the case index; variants that must all be
# covered (bias on/off, id dtypes, activation kinds, optional inputs) cycle
# with it, sizes are random.
GENERATORS = {
    "linear": gen_linear,
    "embedding": gen_embedding,
    "rms_norm": gen_norm("rms_norm"),
    "layer_norm": gen_norm("layer_norm"),
    "add": gen_binary("add"),
    "mul": gen_binary("mul"),
    "act": gen_act,
    "glu_mlp": gen_glu_mlp,
    "gla_core": gen_gla_core,
    "gla": gen_gla,
    "gated_attention": gen_gated_attention,
    "linear_recurrence": gen_linear_recurrence,
    "causal_conv1d": gen_causal_conv1d,
    "lif": gen_neuron("lif"),
    "plif": gen_neuron("plif"),
    "if_neuron": gen_neuron("if_neuron"),
    "cuba_lif": gen_neuron("cuba_lif"),
    "linear_into_neuron": gen_linear_into_neuron,
    "spike_linear": gen_spike_linear,
    "wkv": gen_wkv,
    "spiking_rwkv": gen_spiking_rwkv,
}
# Seeds index this list, which only grows at the end, so that adding an op
# keeps every other op's configurations (ops not in it come after, sorted).
SEED_ORDER = ["act", "add", "causal_conv1d", "embedding", "gla", "gla_core",
              "glu_mlp", "layer_norm", "linear", "linear_recurrence",
              "mul", "rms_norm", "lif", "plif", "if_neuron",
              "linear_into_neuron", "spike_linear", "wkv", "spiking_rwkv",
              "gated_attention", "cuba_lif"]
