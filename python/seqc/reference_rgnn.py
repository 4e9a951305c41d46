"""float64 references of SPEC §4.6 (relational graph neural networks),
written edge by edge and node by node so that they are obviously right.

A graph is edge_index [2, E] (row 0 source j, row 1 destination i),
edge_type [E] in [0, R) and, for hgt, node_type [N] in [0, K); x is [N, F].
Multi-edges count with multiplicity; softmax over the edges into i spans all
relations and is max-subtracted; a node with no incoming edge aggregates 0.
`w` maps weight names without the node prefix ("weight", "k_lin.weight",
...) to arrays of the shapes in the SPEC table.
"""
import math

import numpy as np


def _f64(w):
    return {k: np.asarray(v, np.float64) for k, v in w.items()}


def _gelu(x):
    """Exact (erf) gelu: x/2 · (1 + erf(x/√2))."""
    erf = np.vectorize(math.erf, otypes=[np.float64])
    return 0.5 * x * (1.0 + erf(x / math.sqrt(2.0)))


def _edge_softmax(scores, dst, n):
    """scores [E, H]: softmax over the edges into each destination, per
    column, max-subtracted. Returns α [E, H]."""
    alpha = np.zeros_like(scores)
    for i in range(n):
        into = np.nonzero(dst == i)[0]
        if len(into):
            s = scores[into]
            e = np.exp(s - s.max(axis=0, keepdims=True))
            alpha[into] = e / e.sum(axis=0, keepdims=True)
    return alpha


def rgcn(x, edge_index, edge_type, w, out, relations, aggr="mean", root=True,
         bias=True):
    """PyG RGCNConv: x'_i = x_i·root + Σ_r (AGG_{j∈N_r(i)} x_j)·W_r + b
    with AGG the mean, sum (`add`) or elementwise max of the relation's
    source rows, as PyG aggregates them before W_r (for the mean and the
    sum the same as aggregating x_j·W_r; not for the max), an empty N_r(i)
    contributing 0;
    the root term only with `root`, b only with `bias`. w: weight
    [R,in,out], root [in,out], bias [out]. Returns [N, out]."""
    x = np.asarray(x, np.float64)
    f = _f64(w)
    src, dst = np.asarray(edge_index[0]), np.asarray(edge_index[1])
    edge_type = np.asarray(edge_type)
    n = x.shape[0]
    y = np.zeros((n, out))
    if root:
        y += x @ f["root"]
    if bias:
        y += f["bias"]
    for i in range(n):
        for r in range(relations):
            js = src[(dst == i) & (edge_type == r)]
            if len(js) == 0:
                continue
            rows = x[js]
            agg = {"mean": rows.mean(axis=0), "add": rows.sum(axis=0),
                   "max": rows.max(axis=0)}[aggr]
            y[i] += agg @ f["weight"][r]
    assert y.shape == (n, out)
    return y


def rgat(x, edge_index, edge_type, w, out, heads, relations, negative_slope=0.2,
         attention="per_relation", concat=True, bias=True):
    """rgat; `attention` shared is PyG's RGATConv (rgat_shared below)."""
    if attention == "shared":
        return rgat_shared(x, edge_index, edge_type, w, out, heads,
                           negative_slope, concat, bias)
    return rgat_per_relation(x, edge_index, edge_type, w, out, heads,
                             negative_slope, bias)


def rgat_shared(x, edge_index, edge_type, w, out, heads, negative_slope,
                concat, bias):
    """PyG RGATConv (across-relation, additive self-attention, dim 1): for
    edge e = (j→i) of type r, zs = x_j W_r, zd = x_i W_r ([out], all heads),
    s_{e,h} = LeakyReLU(zd·q[:,h] + zs·k[:,h]), α = softmax of s over the
    edges into i, out_{i,h} = Σ_e α_{e,h} zs[h·D:(h+1)·D]; x'_i = concat_h
    out_{i,h} (or their mean over h without concat) + bias. w: weight
    [R,in,out], q/k [out,H], bias [out] ([out/H] without concat)."""
    x = np.asarray(x, np.float64)
    f = _f64(w)
    src, dst = np.asarray(edge_index[0]), np.asarray(edge_index[1])
    n, e_count, d = x.shape[0], len(src), out // heads
    zs = np.zeros((e_count, out))
    scores = np.zeros((e_count, heads))
    for e in range(e_count):
        r = edge_type[e]
        zs[e] = x[src[e]] @ f["weight"][r]
        zd = x[dst[e]] @ f["weight"][r]
        s = zd @ f["q"] + zs[e] @ f["k"]
        scores[e] = np.where(s >= 0, s, negative_slope * s)
    alpha = _edge_softmax(scores, dst, n)
    agg = np.zeros((n, heads, d))
    for e in range(e_count):
        agg[dst[e]] += alpha[e][:, None] * zs[e].reshape(heads, d)
    y = agg.reshape(n, out) if concat else agg.mean(axis=1)
    return y + f["bias"] if bias else y


def rgat_per_relation(x, edge_index, edge_type, w, out, heads, negative_slope,
                      bias):
    """Pigeon RGAT: for edge e = (j→i) of type r and head h,
    zs = x_j W_{r,h}, zd = x_i W_{r,h},
    s_e = LeakyReLU(attn_l[r,h]·zs + attn_r[r,h]·zd), α = softmax of s over
    the edges into i; x'_i = concat_h Σ_e α zs + x_i·loop_weight + bias.
    w: weight [R,H,in,out/H], attn_l/attn_r [R,H,out/H], loop_weight
    [in,out], bias [out]. Returns [N, out]."""
    x = np.asarray(x, np.float64)
    f = _f64(w)
    src, dst = np.asarray(edge_index[0]), np.asarray(edge_index[1])
    n, e_count = x.shape[0], len(src)
    d = out // heads
    zs = np.zeros((e_count, heads, d))
    scores = np.zeros((e_count, heads))
    for e in range(e_count):
        j, i, r = src[e], dst[e], edge_type[e]
        for h in range(heads):
            zs[e, h] = x[j] @ f["weight"][r, h]
            zd = x[i] @ f["weight"][r, h]
            s = f["attn_l"][r, h] @ zs[e, h] + f["attn_r"][r, h] @ zd
            scores[e, h] = s if s >= 0 else negative_slope * s
    alpha = _edge_softmax(scores, dst, n)
    agg = np.zeros((n, heads, d))
    for e in range(e_count):
        agg[dst[e]] += alpha[e][:, None] * zs[e]
    y = agg.reshape(n, out) + x @ f["loop_weight"]
    return y + f["bias"] if bias else y


def hgt(x, edge_index, edge_type, node_type, w, out, heads, relations, node_types):
    """HGT (PyG HGTConv): k, q, v by the node type's linear (nn.Linear
    layout); per edge e = (j→i) of type r, head h: k' = k_{j,h}·rel_att[r,h],
    m = v_{j,h}·rel_msg[r,h], α = softmax over the edges into i of
    (q_{i,h}·k')·rel_pri[r,h]/√D, agg_{i,h} = Σ α m;
    o_i = a_lin_{τ(i)}(gelu(agg_i)); if in == out,
    x'_i = σ(skip_τ)·o_i + (1−σ(skip_τ))·x_i, else x'_i = o_i.
    Returns [N, out]."""
    x = np.asarray(x, np.float64)
    f = _f64(w)
    src, dst = np.asarray(edge_index[0]), np.asarray(edge_index[1])
    node_type = np.asarray(node_type)
    n, e_count = x.shape[0], len(src)
    d = out // heads

    def lin(name, t, v):
        return v @ f[name + ".weight"][t].T + f[name + ".bias"][t]

    k = np.stack([lin("k_lin", node_type[i], x[i]) for i in range(n)]).reshape(n, heads, d)
    q = np.stack([lin("q_lin", node_type[i], x[i]) for i in range(n)]).reshape(n, heads, d)
    v = np.stack([lin("v_lin", node_type[i], x[i]) for i in range(n)]).reshape(n, heads, d)
    msg = np.zeros((e_count, heads, d))
    scores = np.zeros((e_count, heads))
    for e in range(e_count):
        j, i, r = src[e], dst[e], edge_type[e]
        for h in range(heads):
            kr = k[j, h] @ f["rel_att"][r, h]
            msg[e, h] = v[j, h] @ f["rel_msg"][r, h]
            scores[e, h] = (q[i, h] @ kr) * f["rel_pri"][r, h] / math.sqrt(d)
    alpha = _edge_softmax(scores, dst, n)
    agg = np.zeros((n, heads, d))
    for e in range(e_count):
        agg[dst[e]] += alpha[e][:, None] * msg[e]
    g = _gelu(agg.reshape(n, out))
    y = np.stack([lin("a_lin", node_type[i], g[i]) for i in range(n)])
    if x.shape[1] == out:
        s = 1.0 / (1.0 + np.exp(-f["skip"][node_type]))[:, None]
        y = s * y + (1.0 - s) * x
    return y


def random_graph(rng, n, e, relations, node_types=None):
    """A random graph with the awkward parts: isolated nodes (when n ≥ 2),
    multi-edges (the same pair, also with the same type, when e ≥ 2), an
    empty relation (when relations > 1), and sometimes self-loops. Returns
    int64 edge_index [2, e], edge_type [e] and, given node_types, node_type
    [n]."""
    nodes = rng.permutation(n)
    # A quarter of the nodes (at least one when n ≥ 2) touch no edge.
    isolated = max(1, n // 4) if n >= 2 else 0
    active = nodes[isolated:]
    src = rng.choice(active, e)
    dst = rng.choice(active, e)
    used = np.arange(relations)
    if relations > 1:
        used = np.delete(used, rng.integers(relations))
    edge_type = rng.choice(used, e)
    if e and rng.random() < 0.5:
        loops = rng.choice(e, max(1, e // 10), replace=False)
        dst[loops] = src[loops]
    if e >= 2:
        # Duplicate pairs: some with their type, some with a fresh one.
        dup = rng.choice(e, max(1, e // 5), replace=False)
        into = rng.choice(e, len(dup), replace=False)
        keep = dup != into
        src[into[keep]], dst[into[keep]] = src[dup[keep]], dst[dup[keep]]
        edge_type[into[keep][::2]] = edge_type[dup[keep][::2]]
        src[1], dst[1], edge_type[1] = src[0], dst[0], edge_type[0]
    graph = (np.stack([src, dst]).astype(np.int64), edge_type.astype(np.int64))
    if node_types is None:
        return graph
    return graph + (rng.integers(0, node_types, n).astype(np.int64),)


def weight_shapes(op, f, out, heads=1, relations=1, node_types=1,
                  aggr="mean", root=True, bias=True, negative_slope=0.2,
                  attention="per_relation", concat=True):
    """The SPEC §4.6 weights of `op` with input width f: name → shape."""
    r, h, k, d = relations, heads, node_types, out // heads
    if op == "rgcn":
        shapes = {"weight": (r, f, out)}
        if root:
            shapes["root"] = (f, out)
        if bias:
            shapes["bias"] = (out,)
        return shapes
    if op == "rgat":
        if attention == "shared":
            shapes = {"weight": (r, f, out), "q": (out, h), "k": (out, h)}
        else:
            shapes = {"weight": (r, h, f, d), "attn_l": (r, h, d),
                      "attn_r": (r, h, d), "loop_weight": (f, out)}
        if bias:
            shapes["bias"] = (out if concat else d,)
        return shapes
    shapes = {}
    for lin in ("k_lin", "q_lin", "v_lin"):
        shapes[lin + ".weight"], shapes[lin + ".bias"] = (k, out, f), (k, out)
    shapes.update({"rel_att": (r, h, d, d), "rel_msg": (r, h, d, d),
                   "rel_pri": (r, h), "a_lin.weight": (k, out, out),
                   "a_lin.bias": (k, out), "skip": (k,)})
    return shapes


def model(op, f, attrs):
    """A one-node model description of `op` named `g` on x [N, f] and the
    graph inputs, with symbolic N and E (SPEC §2, §4.6)."""
    inputs = {"x": {"dtype": "f32", "shape": ["N", f]},
              "edge_index": {"dtype": "i64", "shape": [2, "E"]},
              "edge_type": {"dtype": "i64", "shape": ["E"]}}
    if op == "hgt":
        inputs["node_type"] = {"dtype": "i64", "shape": ["N"]}
    return {"seqc_model": 1, "name": op, "inputs": inputs,
            "nodes": [{"name": "g", "op": op, "inputs": list(inputs),
                       "attrs": attrs}],
            "outputs": {"y": "g"}}


def attrs(op, out, heads, relations, node_types, options=None):
    """The model attrs of `op` (SPEC §4.6): heads for rgat and hgt, node
    types for hgt, and `options` (rgcn's aggr/root/bias, rgat's attention/
    concat/bias) where given."""
    a = {"out": out, "relations": relations}
    a.update(options or {})
    if op != "rgcn":
        a["heads"] = heads
    if op == "hgt":
        a["node_types"] = node_types
    return a
