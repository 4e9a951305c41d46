"""seqc.export on PyTorch Geometric layers (SPEC §4.6, §7): RGCNConv
(dense, basis and block decompositions expanded, aggr mean/add/max, without
root or bias, stacked), RGATConv (1 and 3 heads, concat or the heads' mean,
without bias, bases and blocks expanded, negative_slope; empty graphs and
isolated nodes) and HGTConv (2 and 3 node types, 3 edge types, in
== out with the skip gate and in != out, stacked), exported, compiled and
run by seqc, compared with PyG's own forward within SPEC §5, at the
example's graph and at other sizes (the model's symbolic N and E); every
option seqc cannot express raises seqc.ExportError naming it.

usage: test_export_pyg.py [--perturb] [-k NAME]
"""
import os
import sys

import torch
import torch.nn as nn
import torch_geometric
from torch_geometric.nn import HGTConv, RGATConv, RGCNConv

import seqc
from seqc.export import pyg

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from export_check import Checker, numeric, randomize  # noqa: E402

torch.manual_seed(2)
check = Checker(__doc__)


def graph(n, e, relations, isolated=0):
    """x [n, F] is made by the caller; edges among the first n - isolated
    nodes (so that some nodes receive nothing), with repeated edges."""
    live = n - isolated
    src = torch.randint(0, live, (e,))
    dst = torch.randint(0, live, (e,))
    edge_index = torch.stack([src, dst])
    edge_index[:, -1] = edge_index[:, 0]          # a multi-edge
    edge_type = torch.randint(0, relations, (e,))
    edge_type[-1] = edge_type[0]
    return edge_index, edge_type


def rgcn_case(name, conv, f_in, n=11, e=40, relations=None, more=True):
    relations = relations or conv.num_relations
    randomize(conv, scale=0.5, seed=len(name))
    x = torch.randn(n, f_in)
    ei, et = graph(n, e, relations, isolated=2)
    others = []
    if more:
        ei2, et2 = graph(5, 3, relations)
        others.append((torch.randn(5, f_in), ei2, et2))
    numeric(check, name, conv, (x, ei, et), more_inputs=others)


rgcn_case("RGCN dense mean", RGCNConv(7, 5, 3), 7)
rgcn_case("RGCN bases", RGCNConv(6, 9, 4, num_bases=2), 6)
rgcn_case("RGCN blocks", RGCNConv(6, 9, 2, num_blocks=3), 6)
rgcn_case("RGCN aggr add", RGCNConv(5, 4, 3, aggr="add"), 5)
rgcn_case("RGCN aggr 'sum'", RGCNConv(5, 4, 2, aggr="sum"), 5)
rgcn_case("RGCN aggr max", RGCNConv(5, 4, 3, aggr="max"), 5)
rgcn_case("RGCN blocks aggr max no root", RGCNConv(6, 9, 2, num_blocks=3,
                                                    aggr="max",
                                                    root_weight=False), 6)
rgcn_case("RGCN no root no bias", RGCNConv(4, 6, 3, root_weight=False,
                                           bias=False), 4)
rgcn_case("RGCN bases add no root", RGCNConv(8, 3, 5, num_bases=3,
                                             aggr="add", root_weight=False),
          8, e=60)
rgcn_case("RGCN blocks no bias, one relation", RGCNConv(4, 4, 1, num_blocks=2,
                                                        bias=False), 4)


class TwoLayerRGCN(nn.Module):
    def __init__(self, f, h, out, relations):
        super().__init__()
        self.conv1 = RGCNConv(f, h, relations, num_bases=2)
        self.conv2 = RGCNConv(h, out, relations, aggr="add")

    def forward(self, x, edge_index, edge_type):
        h = torch.relu(self.conv1(x, edge_index, edge_type))
        return self.conv2(h, edge_index, edge_type)


def node_and_edge_symbols(model):
    inputs = model.description["inputs"]
    want = {"x": ["N", 6], "edge_index": [2, "E"], "edge_type": ["E"]}
    got = {k: v["shape"] for k, v in inputs.items()}
    return None if got == want else "inputs %s" % got


numeric(check, "two RGCN layers with relu (symbolic N, E)",
        randomize(TwoLayerRGCN(6, 10, 3, 3), 0.5),
        (torch.randn(9, 6),) + graph(9, 25, 3),
        more_inputs=[(torch.randn(20, 6),) + graph(20, 70, 3)],
        expect=node_and_edge_symbols)


# -- RGATConv -------------------------------------------------------------------


def rgat_case(name, conv, f_in, n=11, e=40):
    """At n nodes (two isolated), at 5 nodes / 3 edges and at 4 nodes
    without edges (E = 0: the output is the bias)."""
    randomize(conv, scale=0.5, seed=len(name))
    relations = conv.num_relations
    empty = (torch.randn(4, f_in), torch.zeros(2, 0, dtype=torch.int64),
             torch.zeros(0, dtype=torch.int64))
    numeric(check, name, conv, (torch.randn(n, f_in),) +
            graph(n, e, relations, isolated=2),
            more_inputs=[(torch.randn(5, f_in),) + graph(5, 3, relations),
                         empty])


rgat_case("RGAT 1 head", RGATConv(6, 5, 3), 6)
rgat_case("RGAT 3 heads", RGATConv(6, 4, 3, heads=3), 6)
rgat_case("RGAT 3 heads concat=False", RGATConv(5, 4, 2, heads=3,
                                                concat=False), 5)
rgat_case("RGAT 1 head concat=False no bias", RGATConv(4, 6, 3, concat=False,
                                                       bias=False), 4)
rgat_case("RGAT 3 heads no bias", RGATConv(5, 2, 2, heads=3, bias=False), 5)
rgat_case("RGAT bases, 2 heads", RGATConv(6, 4, 4, num_bases=2, heads=2), 6,
          e=60)
rgat_case("RGAT blocks, 2 heads", RGATConv(6, 3, 2, num_blocks=3, heads=2), 6)
rgat_case("RGAT negative_slope 0.1, 3 heads concat=False",
          RGATConv(4, 3, 3, heads=3, concat=False, negative_slope=0.1), 4)


class RGATThenRGCN(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = RGATConv(5, 4, 3, heads=2)
        self.conv2 = RGCNConv(8, 3, 3, aggr="add")

    def forward(self, x, edge_index, edge_type):
        h = torch.relu(self.conv1(x, edge_index, edge_type))
        return self.conv2(h, edge_index, edge_type)


numeric(check, "RGAT then RGCN with relu",
        randomize(RGATThenRGCN(), 0.5), (torch.randn(9, 5),) + graph(9, 25, 3),
        more_inputs=[(torch.randn(20, 5),) + graph(20, 70, 3)])


# -- HGTConv --------------------------------------------------------------------


def hetero_graph(sizes, edge_types, edges_per_type, f):
    x_dict = {t: torch.randn(n, f) for t, n in sizes.items()}
    ei_dict = {}
    for (s, r, d), e in zip(edge_types, edges_per_type):
        ei_dict[(s, r, d)] = torch.stack([torch.randint(0, sizes[s], (e,)),
                                          torch.randint(0, sizes[d], (e,))])
    return x_dict, ei_dict


def hetero_case(name, module, graphs):
    """Exports on graphs[0]; compares on every graph (sizes differ)."""
    def run():
        module.eval()
        x_dict, ei_dict = graphs[0]
        model = seqc.export(module, (x_dict, ei_dict))
        compiled = seqc.compile(model)
        for x_dict, ei_dict in graphs:
            out = compiled(**pyg.hetero_inputs(model, x_dict, ei_dict))
            got = pyg.hetero_outputs(model, out, x_dict)
            with torch.no_grad():
                ref = module(x_dict, ei_dict)
            if sorted(got) != sorted(ref):
                return "node types %s, expected %s" % (sorted(got),
                                                       sorted(ref))
            for t in ref:
                problem = check.close(t, got[t], ref[t])
                if problem:
                    return problem
        return None
    check.case(name, run)


META2 = (["paper", "author"],
         [("author", "writes", "paper"), ("paper", "rev_writes", "author"),
          ("paper", "cites", "paper")])
META3 = (["a", "b", "c"],
         [("a", "to", "b"), ("b", "to", "a"), ("c", "to", "a")])

hetero_case("HGT 2 node types 3 edge types, in == out (skip), 2 heads",
            randomize(HGTConv(8, 8, META2, heads=2), 0.5),
            [hetero_graph({"paper": 7, "author": 5}, META2[1], [9, 6, 12], 8),
             hetero_graph({"paper": 3, "author": 11}, META2[1], [4, 20, 2],
                          8)])
hetero_case("HGT 3 node types (one receives nothing), in != out, 3 heads",
            randomize(HGTConv(5, 9, META3, heads=3), 0.5),
            [hetero_graph({"a": 6, "b": 4, "c": 3}, META3[1], [8, 7, 5], 5)])
hetero_case("HGT 1 head, an edge type without edges",
            randomize(HGTConv(4, 4, META2, heads=1), 0.5),
            [hetero_graph({"paper": 5, "author": 4}, META2[1][:2], [6, 6], 4)])


class TwoHGT(nn.Module):
    def __init__(self, f, h, meta):
        super().__init__()
        self.conv1 = HGTConv(f, h, meta, heads=2)
        self.conv2 = HGTConv(h, h, meta, heads=4)

    def forward(self, x_dict, edge_index_dict):
        return self.conv2(self.conv1(x_dict, edge_index_dict),
                          edge_index_dict)


hetero_case("two stacked HGT layers", randomize(TwoHGT(6, 8, META2), 0.4),
            [hetero_graph({"paper": 6, "author": 4}, META2[1], [10, 7, 8], 6)])


def hetero_meta():
    conv = HGTConv(4, 4, META3, heads=2)
    model = seqc.export(conv, hetero_graph({"a": 2, "b": 3, "c": 4},
                                           META3[1], [3, 3, 3], 4))
    meta = model.meta["hetero"]
    want = {"node_types": ["a", "b", "c"],
            "edge_types": [list(e) for e in META3[1]],
            "inputs": {"x": "x", "node_type": "node_type",
                       "edge_index": "edge_index", "edge_type": "edge_type"},
            "outputs": {"y": ["a", "b"]}}
    return None if meta == want else "meta %s" % meta


check.case("hetero type order recorded in model.meta", hetero_meta,
           refusal=True)


# -- refusals -----------------------------------------------------------------

x, (ei, et) = torch.randn(6, 4), graph(6, 10, 2)
check.refuses("RGCN aggr min", RGCNConv(4, 3, 2, aggr="min"), (x, ei, et),
              "aggr='min'")
check.refuses("RGCN flow target_to_source",
              RGCNConv(4, 3, 2, flow="target_to_source"), (x, ei, et),
              "flow='target_to_source'")
class Bipartite(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = RGCNConv((4, 4), 3, 2)

    def forward(self, x, edge_index, edge_type):
        return self.conv((x, x), edge_index, edge_type)


check.refuses("RGCN bipartite x", Bipartite(), (x, ei, et), "conv",
              "bipartite")


check.refuses("RGCN node-index x (featureless)", RGCNConv(6, 3, 2),
              (torch.arange(6), ei, et), "x", "featureless")


def segmm_mean():
    """With pyg-lib's segment_matmul RGCNConv's mean spans all relations:
    refused unless the user turns that path off."""
    saved = torch_geometric.typing.WITH_SEGMM
    torch_geometric.typing.WITH_SEGMM = True
    try:
        torch_geometric.backend.use_segment_matmul = False
        seqc.export(RGCNConv(4, 3, 2), (x, ei, et))   # off: fine
        try:
            torch_geometric.backend.use_segment_matmul = None
            # (the heuristic keeps the loop for this small graph, so the
            # forward runs without pyg-lib)
            seqc.export(RGCNConv(4, 3, 2), (x, ei, et))
        except seqc.ExportError as e:
            print("  refused:", e)
            return None if "segment_matmul" in str(e) else str(e)
        return "exported without an ExportError"
    finally:
        torch_geometric.typing.WITH_SEGMM = saved
        torch_geometric.backend.use_segment_matmul = None


check.case("refuses RGCN mean with pyg-lib segment_matmul", segmm_mean,
           refusal=True)

check.refuses("RGAT within-relation",
              RGATConv(4, 3, 2, attention_mechanism="within-relation"),
              (x, ei, et), "attention_mechanism='within-relation'")
check.refuses("RGAT multiplicative attention",
              RGATConv(4, 3, 2,
                       attention_mode="multiplicative-self-attention"),
              (x, ei, et), "attention_mode='multiplicative-self-attention'")
check.refuses("RGAT dim=2",
              RGATConv(4, 3, 2, dim=2,
                       attention_mode="multiplicative-self-attention"),
              (x, ei, et), "dim=2")
check.refuses("RGAT mod additive", RGATConv(4, 3, 2, mod="additive"),
              (x, ei, et), "mod='additive'")
check.refuses("RGAT edge_dim", RGATConv(4, 3, 2, edge_dim=2),
              (x, ei, et, torch.randn(ei.shape[1], 2)), "edge_dim=2",
              "edge features")
check.refuses("RGAT aggr mean", RGATConv(4, 3, 2, aggr="mean"), (x, ei, et),
              "aggr='mean'")
check.refuses("RGAT flow target_to_source",
              RGATConv(4, 3, 2, flow="target_to_source"), (x, ei, et),
              "flow='target_to_source'")


class BipartiteRGAT(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = RGATConv(4, 3, 2)

    def forward(self, x, edge_index, edge_type):
        return self.conv((x, x), edge_index, edge_type)


class RGATAttention(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = RGATConv(4, 3, 2)

    def forward(self, x, edge_index, edge_type):
        return self.conv(x, edge_index, edge_type,
                         return_attention_weights=True)[0]


check.refuses("RGAT bipartite x", BipartiteRGAT(), (x, ei, et), "conv",
              "bipartite")
check.refuses("RGAT return_attention_weights", RGATAttention(), (x, ei, et),
              "return_attention_weights")

xd, eid = hetero_graph({"paper": 4, "author": 3}, META2[1], [5, 5, 5], 6)
check.refuses("HGT different input sizes per node type",
              HGTConv({"paper": 6, "author": 5}, 6, META2),
              ({"paper": xd["paper"], "author": torch.randn(3, 5)}, eid),
              "in_channels")
check.refuses("HGT edge_index_dict in another order than metadata",
              HGTConv(6, 6, META2),
              (xd, dict(reversed(list(eid.items())))), "order")


class PickPaper(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = HGTConv(6, 6, META2)

    def forward(self, x_dict, edge_index_dict):
        return self.conv(x_dict, edge_index_dict)["paper"]


META2_REORDERED = (META2[0], [META2[1][1], META2[1][0], META2[1][2]])


class DifferentMetadata(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = HGTConv(6, 6, META2)
        self.conv2 = HGTConv(6, 6, META2_REORDERED)

    def forward(self, x_dict, edge_index_dict):
        return self.conv2(self.conv1(x_dict, edge_index_dict),
                          edge_index_dict)


check.refuses("stacked HGT layers with differently ordered metadata",
              DifferentMetadata(), (xd, eid), "conv2", "metadata")
check.refuses("one node type of an HGT output", PickPaper(), (xd, eid),
              "'paper'", "slicing")
check.finish()
