"""Model definitions for the Bridge corpus generator.

Each entry is declared as data: how to build the module (random weights, fixed seed, nothing downloaded), its inputs
(name, dtype, shape with the symbolic batch dim named "batch"), the outputs it must produce (checked after running torch),
and which TorchScript flavours torch can make of it. The manifest is written from these declarations, so it does not
depend on what is in the cache.
"""
import torch
import torch.nn as nn


class LstmSeq(nn.Module):
    """A 2-layer LSTM sequence classifier (batch_first), returning per-step logits."""

    def __init__(self):
        super().__init__()
        self.embed = nn.Linear(32, 64)
        self.lstm = nn.LSTM(64, 128, num_layers=2, batch_first=True)
        self.head = nn.Linear(128, 10)

    def forward(self, x):
        h = torch.relu(self.embed(x))
        y, _ = self.lstm(h)
        return self.head(y)


class Transformer4(nn.Module):
    """A 4-layer nn.TransformerEncoder, d_model 256, 4 heads, seq 128 (batch_first)."""

    def __init__(self):
        super().__init__()
        layer = nn.TransformerEncoderLayer(d_model=256, nhead=4, dim_feedforward=512, dropout=0.0, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, num_layers=4, enable_nested_tensor=False)

    def forward(self, x):
        return self.encoder(x)


class ControlFlow(nn.Module):
    """Data-dependent control flow: a branch on the input's sum and a loop whose trip count depends on the data."""

    def __init__(self):
        super().__init__()
        self.lin = nn.Linear(16, 16)

    def forward(self, x):
        y = self.lin(x)
        if bool(y.sum() > 0):
            y = y * 2.0
        else:
            y = y - 1.0
        n = int((x.abs().sum() * 3.0).floor()) % 5 + 1
        for _ in range(n):
            y = torch.tanh(self.lin(y))
        return y


def _tv(name):
    def build():
        import torchvision.models as m
        return getattr(m, name)(weights=None)  # random init: nothing is downloaded
    return build


def image_model(name, out=1000, size=224):
    return dict(
        name=name,
        build=_tv(name),
        inputs=[("input", "float32", ["batch", 3, size, size])],
        outputs=[("output", "float32", ["batch", out])],
        sample_batch=1,
        traced=True,
        scripted=True,
    )


MODELS = [
    image_model("resnet18"),
    image_model("resnet50"),
    image_model("mobilenet_v2"),
    image_model("squeezenet1_1"),
    image_model("densenet121"),
    image_model("shufflenet_v2_x1_0"),
    image_model("efficientnet_b0"),
    image_model("vit_b_16"),
    dict(
        name="transformer_encoder",
        build=Transformer4,
        inputs=[("src", "float32", ["batch", 128, 256])],
        outputs=[("output", "float32", ["batch", 128, 256])],
        sample_batch=2,
        traced=True,
        scripted=True,
    ),
    dict(
        name="lstm_seq",
        build=LstmSeq,
        inputs=[("x", "float32", ["batch", 20, 32])],
        outputs=[("logits", "float32", ["batch", 20, 10])],
        sample_batch=2,
        traced=True,
        scripted=True,
    ),
    dict(
        name="control_flow",
        build=ControlFlow,
        inputs=[("x", "float32", ["batch", 16])],
        outputs=[("y", "float32", ["batch", 16])],
        sample_batch=3,
        # Tracing would bake in one branch and one trip count; only the scripted form keeps the semantics.
        traced=False,
        scripted=True,
    ),
]
