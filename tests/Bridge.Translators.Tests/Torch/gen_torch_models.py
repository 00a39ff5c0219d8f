"""Traced models for the TorchScript -> Relax translator tests (torch 1.13). Usage: gen_torch_models.py OUTDIR."""
import os, sys
import torch, torch.nn as nn, torchvision

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
torch.manual_seed(0)
torch.jit.save(torch.jit.trace(torchvision.models.resnet18().eval(), torch.randn(1, 3, 32, 32)), os.path.join(out, "resnet18.pt"))


class Head(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(6, 4)

    def forward(self, x):
        y = torch.cat([x, x.transpose(1, 2)], 1).reshape(2, -1, 6).mean([1])
        return torch.softmax(self.fc(torch.sigmoid(y)), -1)


torch.jit.save(torch.jit.trace(Head().eval(), torch.randn(2, 6, 6)), os.path.join(out, "head.pt"))


class Odd(nn.Module):
    def forward(self, x):
        return torch.erf(x) + torch.erf(x) + torch.cumsum(x, 0)


torch.jit.save(torch.jit.trace(Odd(), torch.randn(3)), os.path.join(out, "odd.pt"))
print("ok")
