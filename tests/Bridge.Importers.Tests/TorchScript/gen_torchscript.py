"""Generates TorchScript archives (torch 1.13) and the exact bytes of their tensors for Bridge's TorchScript reader tests.

Usage: gen_torchscript.py OUTDIR. Writes OUTDIR/<name>.pt plus OUTDIR/<name>.tensors/<dotted.name>.bin (raw contiguous
little-endian bytes) and OUTDIR/<name>.tensors/index.txt (name dtype shape), and malicious pickles under OUTDIR/evil/.
"""
import os, sys, pickle, zipfile, io
import torch
import torch.nn as nn

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
torch.manual_seed(0)


def dump_tensors(name, pairs):
    d = os.path.join(out, name + ".tensors")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "index.txt"), "w") as idx:
        for k, t in pairs:
            t = t.detach().contiguous()
            with open(os.path.join(d, k + ".bin"), "wb") as f:
                f.write(t.reshape(-1).view(torch.uint8).numpy().tobytes() if t.numel() else b"")
            idx.write("%s %s %s\n" % (k, str(t.dtype).replace("torch.", ""), ",".join(str(s) for s in t.shape)))


def save(name, m, dump=True):
    p = os.path.join(out, name + ".pt")
    torch.jit.save(m, p)
    if dump:
        pairs = list(m.named_parameters()) + list(m.named_buffers())
        dump_tensors(name, pairs)
    return p


class Small(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3, padding=1)
        self.bn = nn.BatchNorm2d(8)
        self.fc = nn.Linear(8, 4)

    def forward(self, x):
        y = torch.relu(self.bn(self.conv(x)))
        y = torch.nn.functional.adaptive_avg_pool2d(y, 1).flatten(1)
        return self.fc(y)


m = Small().eval()
with torch.no_grad():
    m.bn.running_mean.uniform_(-1, 1)
    m.bn.running_var.uniform_(0.5, 2)
save("small_traced", torch.jit.trace(m, torch.randn(1, 3, 8, 8)))
save("small_scripted", torch.jit.script(m))


class Inner(nn.Module):
    def __init__(self):
        super().__init__()
        self.lin = nn.Linear(4, 4)
        self.register_buffer("scale", torch.arange(4, dtype=torch.float32))
        self.k = 3

    def forward(self, x):
        return self.lin(x) * self.scale


class Nested(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = Inner()
        self.seq = nn.Sequential(nn.Linear(4, 4), nn.ReLU(), Inner())
        self.register_buffer("steps", torch.tensor([1, 2, 3], dtype=torch.int64))

    def forward(self, x):
        return self.seq(self.a(x))


save("nested_traced", torch.jit.trace(Nested().eval(), torch.randn(2, 4)))


class Strided(nn.Module):
    def __init__(self):
        super().__init__()
        base = torch.arange(24, dtype=torch.float32).reshape(4, 6)
        self.register_buffer("t", base.t())                     # non-contiguous (transposed)
        self.register_buffer("sl", base[1:3, ::2])               # offset + step
        self.register_buffer("full", base)                       # shares storage with the two above
        self.register_buffer("empty", torch.zeros(0, 3))
        self.register_buffer("scalar", torch.tensor(2.5, dtype=torch.float64))

    def forward(self, x):
        return x + self.full.sum()


save("strided", torch.jit.script(Strided()))


class AllTypes(nn.Module):
    def __init__(self):
        super().__init__()
        g = torch.Generator().manual_seed(1)
        for dt in [torch.float32, torch.float64, torch.float16, torch.bfloat16, torch.int64, torch.int32, torch.int16,
                   torch.int8, torch.uint8, torch.bool]:
            if dt.is_floating_point:
                t = torch.randn(2, 3, generator=g).to(dt)
            elif dt == torch.bool:
                t = torch.randn(2, 3, generator=g) > 0
            else:
                t = torch.randint(-100 if dt != torch.uint8 else 0, 100, (2, 3), generator=g).to(dt)
            self.register_buffer("b_" + str(dt).replace("torch.", ""), t)

    def forward(self, x):
        return x


save("alltypes", torch.jit.script(AllTypes()))


class Control(nn.Module):
    def __init__(self):
        super().__init__()
        self.n: int = 3

    def forward(self, x, flag: bool):
        if flag:
            y = x * 2.0
        else:
            y = x - 1.0
        for i in range(self.n):
            y = y + float(i)
        while y.sum() > 100.0:
            y = y / 2.0
        a, b = y.chunk(2, 0)
        return torch.cat([a, b], 0)


save("control_scripted", torch.jit.script(Control()))

import torchvision
r = torchvision.models.resnet18().eval()
save("resnet18_traced", torch.jit.trace(r, torch.randn(1, 3, 64, 64)), dump=False)
enc = nn.TransformerEncoder(nn.TransformerEncoderLayer(16, 2, 32, batch_first=True), 1).eval()
save("transformer_traced", torch.jit.trace(enc, torch.randn(1, 5, 16), check_trace=False), dump=False)
save("mobilenet_traced", torch.jit.trace(torchvision.models.mobilenet_v2(width_mult=0.25).eval(), torch.randn(1, 3, 32, 32)), dump=False)

# ---- malicious archives: a valid archive whose data.pkl is replaced; each would create MARKER if executed ----------------
evil = os.path.join(out, "evil")
os.makedirs(evil, exist_ok=True)
marker = os.path.join(out, "PWNED")
base = os.path.join(out, "small_traced.pt")


def with_data_pkl(name, payload):
    dst = os.path.join(evil, name + ".pt")
    with zipfile.ZipFile(base) as zin, zipfile.ZipFile(dst, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename.endswith("/data.pkl"):
                data = payload
            zout.writestr(item, data)


cmd = "touch " + marker
arg = pickle.dumps(cmd, protocol=2)[2:-1]  # the string opcode(s)
def glob(mod, name):
    return b"c" + mod.encode() + b"\n" + name.encode() + b"\n"
with_data_pkl("os_system", b"\x80\x02" + glob("os", "system") + arg + b"\x85R.")
with_data_pkl("posix_system", b"\x80\x02" + glob("posix", "system") + arg + b"\x85R.")
with_data_pkl("subprocess", b"\x80\x02" + glob("subprocess", "check_call") + b"]" + arg + b"a\x85R.")
with_data_pkl("eval", b"\x80\x02" + glob("builtins", "eval") +
              pickle.dumps("__import__('os').system('%s')" % cmd, protocol=2)[2:-1] + b"\x85R.")
with_data_pkl("getattr", b"\x80\x02" + glob("builtins", "getattr") + glob("os", "path") + b"X\x04\x00\x00\x00join\x86R.")
# STACK_GLOBAL form (protocol 4)
with_data_pkl("stack_global", b"\x80\x04\x8c\x02os\x8c\x06system\x93" + arg + b"\x85R.")
# REDUCE on a whitelisted-looking but non-callable global (a storage type), and on a __torch__ class via INST/OBJ
with_data_pkl("reduce_storage", b"\x80\x02" + glob("torch", "FloatStorage") + arg + b"\x85R.")
# BUILD on a non-object after a refused global never reached: use a real pickle of an os.system reduce
class E:
    def __reduce__(self):
        return (os.system, (cmd,))
with_data_pkl("reduce_class", pickle.dumps(E(), protocol=2))
print("ok")
