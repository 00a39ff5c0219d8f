#!/usr/bin/env python3
"""Writes reference tensor files with numpy (and .params bytes hand-built with struct.pack per relay-formats.md §3)
into the directory given as argv[1]. The C# tests build the same tensors from the same value formula and compare bytes.

Value formula for flat index i (row-major):
  bool: i % 3 == 0;  int/uint: (i*7 - 11) wrapped to the width;  float: i*0.37 - 3.1 (float64, then cast);
  bfloat16: float32(i*0.37 - 3.1) rounded to nearest even on the upper 16 bits.
"""
import os
import struct
import sys

import numpy as np

OUT = sys.argv[1]
DTYPES = ["float16", "float32", "float64", "bfloat16", "int8", "int16", "int32", "int64",
          "uint8", "uint16", "uint32", "uint64", "bool"]
SHAPES = {"2x3": (2, 3), "scalar": (), "empty": (0,), "4x1x2": (4, 1, 2), "3x0x2": (3, 0, 2)}


def bf16_bits(f32):
    u = f32.view(np.uint32).astype(np.uint64)
    rounding = 0x7FFF + ((u >> 16) & 1)
    return ((u + rounding) >> 16).astype(np.uint16)


def values(dtype, shape):
    n = int(np.prod(shape)) if len(shape) else 1
    i = np.arange(n, dtype=np.int64)
    if dtype == "bool":
        v = (i % 3) == 0
    elif dtype.startswith("int") or dtype.startswith("uint"):
        v = (i * 7 - 11).astype(dtype)
    elif dtype == "bfloat16":
        v = bf16_bits((i * 0.37 - 3.1).astype(np.float32))
    else:
        v = (i * 0.37 - 3.1).astype(dtype)
    return v.reshape(shape)


def save_bf16(path, arr_bits):
    # NumPy has no bfloat16; write what ml_dtypes' bfloat16 produces (descr '<V2') with numpy's own header writer.
    with open(path, "wb") as f:
        np.lib.format._write_array_header(f, {"descr": "<V2", "fortran_order": False, "shape": arr_bits.shape}, None)
        f.write(arr_bits.tobytes())


for dt in DTYPES:
    for tag, shape in SHAPES.items():
        p = os.path.join(OUT, f"npy_{dt}_{tag}.npy")
        if dt == "bfloat16":
            save_bf16(p, values(dt, shape))
        else:
            np.save(p, values(dt, shape))

# Big-endian data (read + swap), other header versions, and the rejected kinds.
np.save(os.path.join(OUT, "be_int32.npy"), values("int32", (2, 3)).astype(">i4"))
np.save(os.path.join(OUT, "be_float64.npy"), values("float64", (2, 3)).astype(">f8"))
with open(os.path.join(OUT, "v2_float32.npy"), "wb") as f:
    np.lib.format.write_array(f, values("float32", (2, 3)), version=(2, 0))
with open(os.path.join(OUT, "v3_float32.npy"), "wb") as f:
    np.lib.format.write_array(f, values("float32", (2, 3)), version=(3, 0))
np.save(os.path.join(OUT, "fortran.npy"), np.asfortranarray(values("float32", (2, 3))))
np.save(os.path.join(OUT, "object.npy"), np.array([1, "a"], dtype=object), allow_pickle=True)
np.save(os.path.join(OUT, "structured.npy"), np.zeros(2, dtype=[("a", "<i4"), ("b", "<f4")]))

# npz: names in a non-sorted order; stored and deflated.
arrs = {"c": values("float32", (2, 3)), "a": values("int64", ()), "b": values("bool", (0,))}
np.savez(os.path.join(OUT, "savez.npz"), **arrs)
np.savez_compressed(os.path.join(OUT, "savez_compressed.npz"), **arrs)

# .params, hand-built per spec §3 (TVM is not available): magic, reserved, names, count, SaveDLTensor blobs.
DL = {"bool": (1, 1), "bfloat16": (4, 16), "float16": (2, 16), "float32": (2, 32), "float64": (2, 64),
      "int8": (0, 8), "int16": (0, 16), "int32": (0, 32), "int64": (0, 64),
      "uint8": (1, 8), "uint16": (1, 16), "uint32": (1, 32), "uint64": (1, 64)}
PARAMS = [("conv1.weight", "float32", (2, 3)), ("flag", "bool", (4, 1, 2)), ("bf", "bfloat16", (2, 3)),
          ("idx", "int64", ()), ("empty", "float16", (3, 0, 2)), ("u", "uint8", (2, 3)), ("d", "float64", (2, 3))]


def blob(dt, shape):
    code, bits = DL[dt]
    data = values(dt, shape).tobytes()
    b = struct.pack("<QQiii", 0xDD5E40F096B4A13F, 0, 1, 0, len(shape))
    b += struct.pack("<BBH", code, bits, 1)
    b += b"".join(struct.pack("<q", d) for d in shape)
    b += struct.pack("<q", len(data)) + data
    return b


out = struct.pack("<QQQ", 0xF7E58D4F05049CB7, 0, len(PARAMS))
for name, _, _ in PARAMS:
    nb = name.encode("utf-8")
    out += struct.pack("<Q", len(nb)) + nb
out += struct.pack("<Q", len(PARAMS))
for _, dt, shape in PARAMS:
    out += blob(dt, shape)
with open(os.path.join(OUT, "ref.params"), "wb") as f:
    f.write(out)
print("ok")
