"""Writes TorchScript archives for the symbolic-shape tests (`--shape x=n,3,8,8`, torch 1.13).

usage: gen_symbolic_shapes.py OUT_DIR

flat.traced.pt      traced at batch 2: conv, pool, x.view(x.size(0), -1), linear; shape code from size(0)
flat.scripted.pt    scripted: the same layers, then flatten, reshape(n, -1), arange(n), zeros(n, 5), a slice to a size computed in a helper
seq.scripted.pt     scripted, x (b, t, 4) with b and t symbolic: reshape(b * t, 4), linear, reshape back, mean over t
chunk.scripted.pt   scripted: x.chunk(2, dim=0) (split sizes depend on the batch: cannot stay symbolic)
NAME.bB.npz         generated inputs (numpy seed 0) at batch B = 2 and 5 (seq: NAME.bBtT.npz, b2t3 and b5t7), key x
NAME.bB.out.npz     torch's outputs for them, key output
"""
import os
import sys

import numpy as np
import torch


class Features(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv2d(3, 4, 3, padding=1)
        self.pool = torch.nn.MaxPool2d(2)
        self.fc = torch.nn.Linear(4 * 4 * 4, 5)


class FlatTraced(Features):
    def forward(self, x):
        y = self.pool(torch.relu(self.conv(x)))
        y = y.view(y.size(0), -1)
        return self.fc(y)


class FlatScripted(Features):
    def forward(self, x):
        y = self.pool(torch.relu(self.conv(x)))
        n = y.size(0)
        z = self.fc(torch.flatten(y, 1))
        w = y.reshape(n, -1)[:, : w_half(y)]
        pos = torch.arange(n).to(torch.float32).unsqueeze(1)
        bias = torch.zeros(n, 5) + pos
        return torch.cat([z + bias, w], dim=1)


def w_half(y: torch.Tensor) -> int:
    return y.size(1) * y.size(2) * y.size(3) // 2


class Seq(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.lin = torch.nn.Linear(4, 6)

    def forward(self, x):
        b, t = x.size(0), x.size(1)
        h = self.lin(x.reshape(b * t, 4)).reshape(b, t, 6)
        return torch.relu(h).mean(dim=1)


class Chunk(torch.nn.Module):
    def forward(self, x):
        a, b = x.chunk(2, dim=0)
        return a * 2.0 + b.sum()


def save(out, stem, m, shapes):
    rng = np.random.RandomState(0)
    for shape in shapes:
        x = rng.standard_normal(shape).astype(np.float32)
        tag = ".b%dt%d" % shape[:2] if stem.startswith("seq") else ".b%d" % shape[0]
        np.savez(os.path.join(out, stem + tag + ".npz"), x=x)
        with torch.no_grad():
            np.savez(os.path.join(out, stem + tag + ".out.npz"), output=m(torch.from_numpy(x)).numpy())


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(0)
    example = torch.zeros(2, 3, 8, 8)
    t = torch.jit.trace(FlatTraced().eval(), (example,))
    torch.jit.save(t, os.path.join(out, "flat.traced.pt"))
    save(out, "flat.traced", t, [(2, 3, 8, 8), (5, 3, 8, 8)])
    s = torch.jit.script(FlatScripted().eval())
    torch.jit.save(s, os.path.join(out, "flat.scripted.pt"))
    save(out, "flat.scripted", s, [(2, 3, 8, 8), (5, 3, 8, 8)])
    q = torch.jit.script(Seq().eval())
    torch.jit.save(q, os.path.join(out, "seq.scripted.pt"))
    save(out, "seq.scripted", q, [(2, 3, 4), (5, 7, 4)])
    c = torch.jit.script(Chunk().eval())
    torch.jit.save(c, os.path.join(out, "chunk.scripted.pt"))


if __name__ == "__main__":
    main()
