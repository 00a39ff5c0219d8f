#!/usr/bin/env python3
"""Evaluates Bridge-printed TVMScript shape expressions with Python's own eval (floor // and %, T.min/T.max).
Input lines: 'a,b,c,n<TAB>expression'. Prints one integer per line."""
import sys


class T:
    min = staticmethod(min)
    max = staticmethod(max)


for line in open(sys.argv[1]):
    env, expr = line.rstrip("\n").split("\t")
    a, b, c, n = (int(x) for x in env.split(","))
    print(eval(expr, {"T": T, "a": a, "b": b, "c": c, "n": n}))
