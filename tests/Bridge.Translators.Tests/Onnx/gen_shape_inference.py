#!/usr/bin/env python3
"""Models for OnnxShapeInferenceTests (issue 13 item 1): one small graph per op family with symbolic input dims.

Usage: gen_shape_inference.py OUT_DIR -> OUT_DIR/<case>.onnx and OUT_DIR/cases.json: [{name, family, env, values, hand,
contradiction?}].

values: what onnx.shape_inference.infer_shapes(model, data_prop=True) (onnx 1.12) records for every value of the graph and its
subgraphs, keyed "graph/value": {"dtype": elem type code or null, "dims": null (unknown rank) or a list of int (dim_value),
str (dim_param) or null (no value)}. Bridge's pass must agree with every dim ONNX determines (a dim_value, or a dim_param of an
input); it may know more where ONNX has no value.
hand: hand-written expectations where Bridge goes beyond onnx 1.12 (symbolic expressions ONNX cannot write as a dim): value ->
list of ints, each the dim evaluated at the case's env (the sizes bound to the input dim_params).
contradiction: the node whose output contradicts the value_info the file declares (BRG4307).
"""
import json
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto as TP, helper as h, numpy_helper as nh

OUT = sys.argv[1]
os.makedirs(OUT, exist_ok=True)
F, I64, B = TP.FLOAT, TP.INT64, TP.BOOL
cases = []


def vi(name, dt, shape):
    return h.make_tensor_value_info(name, dt, shape)


def c64(name, v):
    return nh.from_array(np.array(v, np.int64), name)


def cf(name, shape, seed=0):
    return nh.from_array(np.random.RandomState(seed).standard_normal(shape).astype(np.float32), name)


def dims_of(t):
    if not t.HasField("tensor_type") or not t.tensor_type.HasField("shape"):
        return None
    out = []
    for d in t.tensor_type.shape.dim:
        out.append(d.dim_value if d.HasField("dim_value") else d.dim_param if d.HasField("dim_param") else None)
    return out


def record(g, prefix, values):
    for v in list(g.value_info) + list(g.output):
        tt = v.type.tensor_type if v.type.HasField("tensor_type") else None
        values[prefix + v.name] = {"dtype": tt.elem_type if tt is not None and tt.elem_type else None, "dims": dims_of(v.type)}
    for n in g.node:
        for a in n.attribute:
            if a.type == onnx.AttributeProto.GRAPH:
                record(a.g, a.g.name + "/", values)


def save(name, family, nodes, inputs, outputs, env, inits=(), hand=None, opset=13, value_info=(), contradiction=None):
    g = h.make_graph(nodes, name, inputs, outputs, initializer=list(inits), value_info=list(value_info))
    m = h.make_model(g, opset_imports=[h.make_opsetid("", opset)], producer_name="bridge-tests")
    m.ir_version = 7
    onnx.save(m, os.path.join(OUT, name + ".onnx"))
    values = {}
    if contradiction is None:
        if all(o.type.tensor_type.HasField("shape") for o in outputs):
            onnx.checker.check_model(m)
        inferred = onnx.shape_inference.infer_shapes(m, data_prop=True)
        record(inferred.graph, "", values)
    else:
        # ONNX's strict mode refuses the contradiction too; record that it does.
        try:
            onnx.shape_inference.infer_shapes(m, strict_mode=True, data_prop=True)
            raise SystemExit(f"{name}: onnx accepted the contradiction")
        except onnx.shape_inference.InferenceError:
            pass
    c = {"name": name, "family": family, "env": env, "values": values, "hand": hand or {}}
    if contradiction:
        c["contradiction"] = contradiction
    cases.append(c)


X3 = vi("X", F, ["batch", "seq", 4])

# ---- elementwise: multidirectional broadcasting, bool results
save("broadcast", "elementwise",
     [h.make_node("Add", ["X", "Y"], ["sum"]), h.make_node("Greater", ["sum", "zero"], ["pos"]),
      h.make_node("Where", ["pos", "sum", "zero"], ["relu"]), h.make_node("Erf", ["relu"], ["erf"])],
     [X3, vi("Y", F, [1, "seq", 1])], [vi("erf", F, None), vi("pos", B, None)], {"batch": 3, "seq": 5},
     inits=[nh.from_array(np.array(0, np.float32), "zero")])

# ---- data propagation: Shape -> Gather -> Mul -> Concat -> Reshape (batch*seq rows)
save("shape_chain_reshape", "shape",
     [h.make_node("Shape", ["X"], ["s"]), h.make_node("Gather", ["s", "i0"], ["b"], axis=0),
      h.make_node("Gather", ["s", "i1"], ["q"], axis=0), h.make_node("Mul", ["b", "q"], ["bq"]),
      h.make_node("Unsqueeze", ["bq", "ax0"], ["bq1"]), h.make_node("Concat", ["bq1", "four"], ["shape"], axis=0),
      h.make_node("Reshape", ["X", "shape"], ["flat"])],
     [X3], [vi("flat", F, None)], {"batch": 3, "seq": 5},
     inits=[c64("i0", 0), c64("i1", 1), c64("ax0", [0]), c64("four", [4])], hand={"flat": [15, 4], "shape": [2]})

# ---- Reshape with -1 and 0
save("reshape_infer", "shape",
     [h.make_node("Reshape", ["X", "shp"], ["r"]), h.make_node("Flatten", ["X"], ["f"], axis=2)],
     [X3], [vi("r", F, None), vi("f", F, None)], {"batch": 3, "seq": 5}, inits=[c64("shp", [0, -1, 2])],
     hand={"r": [3, 10, 2], "f": [15, 4]})

# ---- Slice with ends from Shape (BERT position ids): min(seq, 512) rows
save("slice_from_shape", "shape",
     [h.make_node("Shape", ["ids"], ["s"]), h.make_node("Gather", ["s", "i1"], ["q"], axis=0),
      h.make_node("Unsqueeze", ["q", "ax0"], ["end"]), h.make_node("Slice", ["table", "st", "end", "ax0"], ["pos"]),
      h.make_node("Gather", ["emb", "ids"], ["e"], axis=0), h.make_node("Add", ["e", "pos"], ["sum"]),
      h.make_node("ReduceMean", ["sum"], ["mean"], axes=[-1])],
     [vi("ids", I64, ["batch", "seq"])], [vi("mean", F, None)], {"batch": 2, "seq": 7},
     inits=[c64("i1", 1), c64("ax0", [0]), c64("st", [0]), cf("table", [512, 8]), cf("emb", [30, 8], 1)],
     hand={"pos": [7, 8], "sum": [2, 7, 8], "mean": [2, 7, 1]})

# ---- Expand / ConstantOfShape / Range / Tile from computed shapes
save("expand_constofshape_range", "shape",
     [h.make_node("Shape", ["X"], ["s"]), h.make_node("Slice", ["s", "z", "two"], ["bs"]),
      h.make_node("Concat", ["bs", "four"], ["full"], axis=0),
      h.make_node("Expand", ["Y", "full"], ["ex"]), h.make_node("ConstantOfShape", ["full"], ["zeros"]),
      h.make_node("Gather", ["s", "i1"], ["q"], axis=0), h.make_node("Range", ["zs", "q", "one"], ["rng"]),
      h.make_node("Tile", ["Y", "rep"], ["tile"])],
     [X3, vi("Y", F, [1, 4])], [vi("ex", F, None), vi("zeros", F, None), vi("rng", I64, None), vi("tile", F, None)],
     {"batch": 3, "seq": 5},
     inits=[c64("z", [0]), c64("two", [2]), c64("four", [4]), c64("i1", 1), c64("zs", 0), c64("one", 1), c64("rep", [2, 3])],
     hand={"ex": [3, 5, 4], "zeros": [3, 5, 4], "rng": [5], "full": [3]})

# ---- reductions (axes attribute and axes input), ArgMax
save("reductions", "reduce",
     [h.make_node("ReduceMean", ["X"], ["m"], axes=[-1]), h.make_node("ReduceSum", ["X", "ax"], ["s"], keepdims=0),
      h.make_node("ReduceMax", ["X"], ["all"], keepdims=0), h.make_node("ArgMax", ["X"], ["am"], axis=1, keepdims=0)],
     [X3], [vi("m", F, None), vi("s", F, None), vi("all", F, None), vi("am", I64, None)], {"batch": 3, "seq": 5},
     inits=[c64("ax", [1])])

# ---- MatMul / Gemm / Transpose / Softmax
save("matmul_gemm", "matmul",
     [h.make_node("MatMul", ["X", "W"], ["mm"]), h.make_node("Transpose", ["mm"], ["t"], perm=[0, 2, 1]),
      h.make_node("MatMul", ["mm", "t"], ["att"]), h.make_node("Softmax", ["att"], ["sm"], axis=-1),
      h.make_node("Gemm", ["A", "G"], ["gm"], transB=1)],
     [X3, vi("A", F, ["n", 4])], [vi("sm", F, None), vi("gm", F, None)], {"batch": 3, "seq": 5, "n": 2},
     inits=[cf("W", [4, 6]), cf("G", [6, 4], 2)])

# ---- conv / pool windows: symbolic spatial dims, static ceil_mode
save("conv_pool", "nn",
     [h.make_node("Conv", ["I", "K"], ["c"], strides=[2, 2], pads=[1, 1, 1, 1]),
      h.make_node("MaxPool", ["c"], ["p"], kernel_shape=[2, 2], strides=[2, 2]),
      h.make_node("GlobalAveragePool", ["p"], ["g"]),
      h.make_node("AveragePool", ["S"], ["ap"], kernel_shape=[3, 3], strides=[2, 2], ceil_mode=1)],
     [vi("I", F, ["N", 3, "H", "W"]), vi("S", F, [1, 3, 10, 10])], [vi("g", F, None), vi("ap", F, None)],
     {"N": 2, "H": 17, "W": 12}, inits=[cf("K", [8, 3, 3, 3])], hand={"c": [2, 8, 9, 6], "p": [2, 8, 4, 3]})

# ---- Unsqueeze / Squeeze / Split / Concat / Gather with tensor indices / Cast / Pad
save("index_ops", "tensor",
     [h.make_node("Unsqueeze", ["X", "ax0"], ["u"]), h.make_node("Squeeze", ["u", "ax0"], ["sq"]),
      h.make_node("Split", ["sq", "sp"], ["a", "b"], axis=2), h.make_node("Concat", ["a", "b", "X"], ["cat"], axis=2),
      h.make_node("Gather", ["X", "idx"], ["gi"], axis=1), h.make_node("Cast", ["gi"], ["half"], to=TP.FLOAT16),
      h.make_node("Pad", ["X", "pads"], ["pd"])],
     [X3], [vi("cat", F, None), vi("half", TP.FLOAT16, None), vi("pd", F, None)], {"batch": 3, "seq": 5},
     inits=[c64("ax0", [0]), c64("sp", [1, 3]), c64("idx", [[0, 1], [1, 0]]), c64("pads", [0, 1, 0, 0, 2, 0])],
     hand={"cat": [3, 5, 8], "pd": [3, 8, 4]})

# ---- If: both branches give [batch, seq, 4]; the merge keeps every dim they agree on
then_g = h.make_graph([h.make_node("Relu", ["X"], ["t_out"])], "then", [], [vi("t_out", F, None)])
else_g = h.make_graph([h.make_node("Neg", ["X"], ["e_out"])], "else", [], [vi("e_out", F, None)])
save("if_branches", "control",
     [h.make_node("If", ["c"], ["y"], then_branch=then_g, else_branch=else_g)],
     [X3, vi("c", B, [])], [vi("y", F, None)], {"batch": 3, "seq": 5}, hand={"y": [3, 5, 4]})

# ---- Loop: carried value keeps its rank; scan output stacks along a new leading axis
body = h.make_graph(
    [h.make_node("Add", ["acc_in", "one_f"], ["acc_out"]), h.make_node("Identity", ["cond_in"], ["cond_out"]),
     h.make_node("Relu", ["acc_out"], ["scan_out"])],
    "body", [vi("i", I64, []), vi("cond_in", B, []), vi("acc_in", F, None)],
    [vi("cond_out", B, []), vi("acc_out", F, None), vi("scan_out", F, None)],
    initializer=[nh.from_array(np.array(1, np.float32), "one_f")])
save("loop_body", "control",
     [h.make_node("Loop", ["trip", "", "X"], ["final", "stacked"], body=body)],
     [X3], [vi("final", F, None), vi("stacked", F, None)], {"batch": 3, "seq": 5}, inits=[c64("trip", 3)])

# ---- value_info contradiction: declared [batch, seq, 5] where the Relu of X gives [batch, seq, 4]
save("valueinfo_contradiction", "value_info",
     [h.make_node("Relu", ["X"], ["r"]), h.make_node("Neg", ["r"], ["y"])],
     [X3], [vi("y", F, None)], {"batch": 3, "seq": 5}, value_info=[vi("r", F, ["batch", "seq", 5])],
     contradiction="r")

with open(os.path.join(OUT, "cases.json"), "w") as f:
    json.dump(cases, f, indent=1)
