"""Shared writer of the golden file pairs read by GoldenSet.cs: raw little-endian arrays (STEM.bin) plus a JSON index (STEM.json:
per case the op, its kernel-level attrs, tolerances, and each array's dtype, shape, offset and byte length)."""
import json, os
import numpy as np
import torch

_DTYPES = {np.float32: "float32", np.float64: "float64", np.float16: "float16", np.int8: "int8", np.int16: "int16",
           np.int32: "int32", np.int64: "int64", np.uint8: "uint8", np.bool_: "bool"}


class Goldens:
    def __init__(self, seed):
        self.rng = np.random.default_rng(seed)
        self.cases = []
        self.blob = bytearray()

    def arr(self, a):
        a = np.array(a, order="C")  # np.ascontiguousarray would turn 0-d arrays into 1-d
        b = a.astype(a.dtype.newbyteorder("<")).tobytes()
        ent = {"dtype": _DTYPES[a.dtype.type], "shape": list(a.shape), "offset": len(self.blob), "nbytes": len(b)}
        self.blob += b
        return ent

    def case(self, name, op, attrs, inputs, outputs, rtol=1e-5, atol=1e-6):
        self.cases.append({"name": name, "op": op, "attrs": attrs, "rtol": rtol, "atol": atol,
                           "inputs": [self.arr(x) for x in inputs], "outputs": [self.arr(y) for y in outputs]})

    def r(self, *shape, dtype=np.float32):
        return self.rng.standard_normal(shape).astype(dtype)

    def write(self, stem, generator):
        here = os.path.dirname(os.path.abspath(__file__))
        with open(os.path.join(here, stem + ".bin"), "wb") as f:
            f.write(bytes(self.blob))
        with open(os.path.join(here, stem + ".json"), "w") as f:
            json.dump({"generator": generator, "numpy": np.__version__, "torch": torch.__version__, "cases": self.cases}, f, indent=0)
        print(len(self.cases), "cases,", len(self.blob), "bytes")


def t(x):
    return torch.from_numpy(np.ascontiguousarray(x))
