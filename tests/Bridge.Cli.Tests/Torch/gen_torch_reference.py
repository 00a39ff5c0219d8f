"""Writes small TorchScript archives for the `--reference torch` / `run --path torch` CLI tests (torch 1.13).

usage: gen_torch_reference.py OUT_DIR

branchy.scripted.pt  scripted: a data-dependent if and a loop; x (2, 3, 4) float32
branchy.inputs.npz   generated inputs (numpy seed 0) whose sum is positive (then-branch)
branchy.neg.npz      the same inputs negated (else-branch)
branchy.outputs.npz  torch's outputs for branchy.inputs.npz;  branchy.neg.outputs.npz for branchy.neg.npz
pair.traced.pt       traced: returns a tuple (float32 softmax, int64 argmax); x (3, 5) float32, with pair.inputs/outputs.npz
"""
import os
import sys

import numpy as np
import torch


class Branchy(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.lin = torch.nn.Linear(4, 4)

    def forward(self, x):
        y = self.lin(x)
        if bool(torch.sum(x) > 0):
            y = torch.relu(y) * 2.0
        else:
            y = torch.tanh(y) - 1.0
        for i in range(int(x.shape[0])):
            y = y + float(i)
        return y


class Pair(torch.nn.Module):
    def forward(self, x):
        return torch.softmax(x, dim=1), torch.argmax(x, dim=1)


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(0)
    rng = np.random.RandomState(0)
    x = np.abs(rng.standard_normal((2, 3, 4))).astype(np.float32)
    m = torch.jit.script(Branchy().eval())
    torch.jit.save(m, os.path.join(out, "branchy.scripted.pt"))
    for stem, feed in (("branchy", x), ("branchy.neg", -x)):
        np.savez(os.path.join(out, stem + ".inputs.npz" if stem == "branchy" else stem + ".npz"), x=feed)
        np.savez(os.path.join(out, stem + ".outputs.npz"), output=m(torch.from_numpy(feed)).detach().numpy())
    p = rng.standard_normal((3, 5)).astype(np.float32)
    t = torch.jit.trace(Pair().eval(), (torch.from_numpy(p),))
    torch.jit.save(t, os.path.join(out, "pair.traced.pt"))
    np.savez(os.path.join(out, "pair.inputs.npz"), x=p)
    a, b = t(torch.from_numpy(p))
    np.savez(os.path.join(out, "pair.outputs.npz"), output_0=a.numpy(), output_1=b.numpy())


if __name__ == "__main__":
    main()
