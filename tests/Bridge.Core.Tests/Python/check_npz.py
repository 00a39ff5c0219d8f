#!/usr/bin/env python3
"""Loads an .npz written by Bridge with numpy and prints 'name dtype shape sum' per member, in archive order."""
import sys
import numpy as np

with np.load(sys.argv[1]) as z:
    for k in z.files:
        a = z[k]
        print(k, a.dtype, list(a.shape), repr(float(a.astype(np.float64).sum())) if a.size else "0.0")
