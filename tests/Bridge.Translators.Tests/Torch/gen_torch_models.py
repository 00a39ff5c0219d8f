"""Traced models for the TorchScript -> Relax translator tests (torch 1.13). Usage: gen_torch_models.py OUTDIR."""
import os, sys
import torch, torch.nn as nn

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
torch.manual_seed(0)
from torchvision.models.resnet import BasicBlock


class TinyResNet(nn.Module):
    """resnet18's structure (stem, BasicBlocks with and without downsample, pool, fc) at small widths."""
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 8, 7, 2, 3, bias=False)
        self.bn1 = nn.BatchNorm2d(8)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(3, 2, 1)
        self.layer1 = nn.Sequential(BasicBlock(8, 8))
        down = nn.Sequential(nn.Conv2d(8, 16, 1, 2, bias=False), nn.BatchNorm2d(16))
        self.layer2 = nn.Sequential(BasicBlock(8, 16, 2, down), BasicBlock(16, 16))
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(16, 10)

    def forward(self, x):
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        x = self.layer2(self.layer1(x))
        return self.fc(torch.flatten(self.avgpool(x), 1))


torch.jit.save(torch.jit.trace(TinyResNet().eval(), torch.randn(1, 3, 32, 32)), os.path.join(out, "resnet18.pt"))


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
