"""Writes the small models of the `--backend cpu` / `compile` CLI tests (torch 1.13, onnx 1.12).

usage: gen_cpu_cli.py OUT_DIR

mlp.traced.pt      traced: Linear(4, 3) -> ReLU -> * 2; x (2, 4) float32 (no control flow: every op compiles)
mlp.inputs.npz     x, numpy seed 0
mlp.outputs.npz    torch's output for mlp.inputs.npz
"""
import os
import sys

import numpy as np
import torch


class Mlp(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.lin = torch.nn.Linear(4, 3)

    def forward(self, x):
        return torch.relu(self.lin(x)) * 2.0


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(0)
    x = np.random.RandomState(0).standard_normal((2, 4)).astype(np.float32)
    m = torch.jit.trace(Mlp().eval(), torch.from_numpy(x))
    torch.jit.save(m, os.path.join(out, "mlp.traced.pt"))
    np.savez(os.path.join(out, "mlp.inputs.npz"), x=x)
    np.savez(os.path.join(out, "mlp.outputs.npz"), output=m(torch.from_numpy(x)).detach().numpy())


if __name__ == "__main__":
    main()
