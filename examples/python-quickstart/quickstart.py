#!/usr/bin/env python3
"""seqc from Python in one page: a small PyTorch model (token embedding →
GRU → LayerNorm → GELU MLP with a residual → logits) exported with
seqc.export, compiled for this CPU, called on a batch, and compared with
PyTorch's own forward pass.

usage: quickstart.py [--tokens T] [--batch B]
"""
import argparse
import time

import numpy as np
import torch

import seqc


class TinyTagger(torch.nn.Module):
    def __init__(self, vocab=1000, dim=64, hidden=96, classes=12):
        super().__init__()
        self.embed = torch.nn.Embedding(vocab, dim)
        self.rnn = torch.nn.GRU(dim, hidden, num_layers=2, batch_first=True)
        self.norm = torch.nn.LayerNorm(hidden)
        self.up = torch.nn.Linear(hidden, 4 * hidden)
        self.act = torch.nn.GELU()
        self.down = torch.nn.Linear(4 * hidden, hidden)
        self.head = torch.nn.Linear(hidden, classes)

    def forward(self, ids):
        h, _ = self.rnn(self.embed(ids))
        h = h + self.down(self.act(self.up(self.norm(h))))
        return self.head(h)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tokens", type=int, default=256)
    ap.add_argument("--batch", type=int, default=4)
    args = ap.parse_args()

    torch.manual_seed(0)
    net = TinyTagger().eval()
    ids = torch.randint(0, 1000, (args.batch, args.tokens))

    model = seqc.export(net, (ids[:, :8],))        # traced on a small example
    print("exported:", ", ".join(n["op"] for n in model.description["nodes"]))
    start = time.perf_counter()
    module = seqc.compile(model)                    # any B and T
    print("compiled in %.1f s; inputs %s" % (time.perf_counter() - start,
                                            module.inputs))

    logits = module(ids)["y"]                       # torch in, torch out
    with torch.no_grad():
        want = net(ids)
    err = (logits - want).abs().max().item() / max(1.0, want.abs().max().item())
    print("B=%d T=%d: max |seqc - torch| / max(1, max|torch|) = %.2e"
          % (args.batch, args.tokens, err))

    runs = []
    for _ in range(5):
        start = time.perf_counter()
        module(ids)
        runs.append(time.perf_counter() - start)
    with torch.no_grad():
        torch_runs = []
        for _ in range(5):
            start = time.perf_counter()
            net(ids)
            torch_runs.append(time.perf_counter() - start)
    print("median of 5 runs: seqc %.2f ms, PyTorch eager %.2f ms"
          % (1e3 * np.median(runs), 1e3 * np.median(torch_runs)))
    ok = err <= 1e-4
    print("PASS" if ok else "FAIL", "quickstart: seqc matches PyTorch within SPEC §5")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
