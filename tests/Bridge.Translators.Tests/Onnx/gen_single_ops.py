#!/usr/bin/env python3
"""Single-op ONNX models for the emitter tests (one per support-matrix row the emitters claim, plus opset variants).

Usage: gen_single_ops.py OUT_DIR  -> writes OUT_DIR/<case>.onnx and OUT_DIR/cases.json ([{name, op, opset}]).
Inputs are graph inputs with static shapes (the C# test feeds random data to ONNX Runtime and compares output shapes and
dtypes with the emitted Relay types / Relax struct info); weights are initializers.
"""
import json
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto as TP, helper as h, numpy_helper as nh

OUT = sys.argv[1]
os.makedirs(OUT, exist_ok=True)
rng = np.random.RandomState(7)
cases = []


def f32(*s):
    return rng.standard_normal(s).astype(np.float32)


def case(name, op, inputs, outputs, attrs=None, inits=None, opset=14, nodes=None, domain=""):
    """inputs: [(name, elem, shape)], outputs: [(name, elem, shape-or-None)], inits: {name: ndarray}."""
    ins = [h.make_tensor_value_info(n, e, s) for n, e, s in inputs]
    outs = [h.make_tensor_value_info(n, e, s) for n, e, s in outputs]
    inits = [nh.from_array(v, k) for k, v in (inits or {}).items()]
    node_list = nodes or [h.make_node(op, [n for n, _, _ in inputs] + [i.name for i in inits], [n for n, _, _ in outputs], **(attrs or {}))]
    g = h.make_graph(node_list, name, ins, outs, inits)
    m = h.make_model(g, opset_imports=[h.make_opsetid("", opset)], producer_name="bridge-tests")
    m.ir_version = 7
    onnx.save(m, os.path.join(OUT, name + ".onnx"))
    cases.append({"name": name, "op": op, "opset": opset})


F = TP.FLOAT
I64 = TP.INT64
x4 = [("x", F, [2, 3, 8, 8])]
for op in ["Relu", "Sigmoid", "Tanh", "Exp", "Erf", "Sqrt", "Abs", "Neg", "Floor", "Ceil", "Softsign", "Softplus", "HardSwish", "Reciprocal", "Sin", "Cos"]:
    case(f"{op}_13" if op not in ("Softsign", "Softplus", "HardSwish", "Sin", "Cos") else op, op, [("x", F, [2, 5])], [("y", F, None)], opset=14)
for op in ["Add", "Sub", "Mul", "Div", "Pow", "Max", "Min", "Sum", "Mean"]:
    case(f"{op}_bcast", op, [("a", F, [2, 3, 4]), ("b", F, [3, 1])], [("y", F, None)])
for op in ["Equal", "Greater", "Less", "GreaterOrEqual", "LessOrEqual"]:
    case(op, op, [("a", F, [2, 3]), ("b", F, [2, 3])], [("y", TP.BOOL, None)], opset=16)
case("Where", "Where", [("c", TP.BOOL, [2, 3]), ("a", F, [2, 3]), ("b", F, [1, 3])], [("y", F, None)])
case("LeakyRelu", "LeakyRelu", [("x", F, [2, 5])], [("y", F, None)], {"alpha": 0.2})
case("Elu", "Elu", [("x", F, [2, 5])], [("y", F, None)], {"alpha": 0.5})
case("Selu", "Selu", [("x", F, [2, 5])], [("y", F, None)])
case("HardSigmoid", "HardSigmoid", [("x", F, [2, 5])], [("y", F, None)])
case("Clip_6_attrs", "Clip", [("x", F, [2, 5])], [("y", F, None)], {"min": -0.5, "max": 0.5}, opset=9)
case("Clip_11_inputs", "Clip", [("x", F, [2, 5])], [("y", F, None)], inits={"lo": np.array(-0.5, np.float32), "hi": np.array(0.5, np.float32)})
case("Conv_pads", "Conv", x4, [("y", F, None)], {"pads": [1, 1, 1, 1], "strides": [2, 2]}, inits={"w": f32(4, 3, 3, 3), "b": f32(4)})
case("Conv_same_upper", "Conv", x4, [("y", F, None)], {"auto_pad": "SAME_UPPER", "kernel_shape": [3, 3]}, inits={"w": f32(4, 3, 3, 3)})
case("Conv_group_dil", "Conv", [("x", F, [1, 4, 9, 9])], [("y", F, None)], {"group": 2, "dilations": [2, 2]}, inits={"w": f32(6, 2, 3, 3)})
case("Conv1d", "Conv", [("x", F, [1, 3, 10])], [("y", F, None)], {"pads": [1, 1]}, inits={"w": f32(2, 3, 3)})
case("ConvTranspose", "ConvTranspose", x4, [("y", F, None)], {"strides": [2, 2], "pads": [1, 1, 1, 1], "output_padding": [1, 1]}, inits={"w": f32(3, 2, 3, 3)})
case("MaxPool_ceil", "MaxPool", x4, [("y", F, None)], {"kernel_shape": [3, 3], "strides": [2, 2], "ceil_mode": 1})
case("MaxPool_8", "MaxPool", x4, [("y", F, None)], {"kernel_shape": [2, 2], "strides": [2, 2]}, opset=8)
case("AveragePool_pads", "AveragePool", x4, [("y", F, None)], {"kernel_shape": [3, 3], "pads": [1, 1, 1, 1], "count_include_pad": 1})
case("GlobalAveragePool", "GlobalAveragePool", x4, [("y", F, None)])
case("GlobalMaxPool", "GlobalMaxPool", x4, [("y", F, None)])
case("BatchNormalization_15", "BatchNormalization", x4, [("y", F, None)], {"epsilon": 1e-3},
     inits={"s": f32(3), "b": f32(3), "m": f32(3), "v": np.abs(f32(3)) + 0.5}, opset=15)
case("BatchNormalization_9", "BatchNormalization", x4, [("y", F, None)], inits={"s": f32(3), "b": f32(3), "m": f32(3), "v": np.abs(f32(3)) + 0.5}, opset=9)
case("InstanceNormalization", "InstanceNormalization", x4, [("y", F, None)], inits={"s": f32(3), "b": f32(3)})
case("LayerNormalization_17", "LayerNormalization", [("x", F, [2, 4, 6])], [("y", F, None)], {"axis": -1}, inits={"s": f32(6), "b": f32(6)}, opset=17)
case("Gemm_transB", "Gemm", [("a", F, [3, 5])], [("y", F, None)], {"transB": 1, "alpha": 0.5, "beta": 2.0}, inits={"w": f32(4, 5), "c": f32(4)})
case("Gemm_plain", "Gemm", [("a", F, [3, 5])], [("y", F, None)], inits={"w": f32(5, 4)})
case("MatMul_2d", "MatMul", [("a", F, [3, 5])], [("y", F, None)], inits={"w": f32(5, 4)})
case("MatMul_3d_2d", "MatMul", [("a", F, [2, 3, 5])], [("y", F, None)], inits={"w": f32(5, 4)})
case("MatMul_4d", "MatMul", [("a", F, [2, 2, 3, 5]), ("b", F, [2, 2, 5, 4])], [("y", F, None)])
case("Flatten", "Flatten", x4, [("y", F, None)], {"axis": 2})
case("Reshape_5", "Reshape", x4, [("y", F, None)], inits={"s": np.array([0, -1, 8], np.int64)}, opset=7)
case("Reshape_14", "Reshape", x4, [("y", F, None)], inits={"s": np.array([2, 3, 64], np.int64)})
case("Concat", "Concat", [("a", F, [2, 3]), ("b", F, [2, 4])], [("y", F, None)], {"axis": 1})
case("Transpose", "Transpose", x4, [("y", F, None)], {"perm": [0, 2, 3, 1]})
case("Unsqueeze_11", "Unsqueeze", [("x", F, [3, 4])], [("y", F, None)], {"axes": [0, 3]}, opset=11)
case("Unsqueeze_13", "Unsqueeze", [("x", F, [3, 4])], [("y", F, None)], inits={"ax": np.array([1], np.int64)})
case("Squeeze_11", "Squeeze", [("x", F, [3, 1, 4])], [("y", F, None)], {"axes": [1]}, opset=11)
case("Squeeze_13", "Squeeze", [("x", F, [3, 1, 4])], [("y", F, None)], inits={"ax": np.array([-2], np.int64)})
case("Gather", "Gather", [("x", F, [5, 4])], [("y", F, None)], {"axis": 0}, inits={"i": np.array([[0, -1], [2, 3]], np.int64)})
case("Gather_axis1", "Gather", [("x", F, [5, 4])], [("y", F, None)], {"axis": 1}, inits={"i": np.array(2, np.int64)})
case("GatherElements", "GatherElements", [("x", F, [3, 4])], [("y", F, None)], {"axis": 1}, inits={"i": np.array([[0, 1], [2, 3], [1, 0]], np.int64)})
case("Slice_10", "Slice", x4, [("y", F, None)], inits={"st": np.array([1, -3], np.int64), "en": np.array([2**62, 100], np.int64), "ax": np.array([1, 3], np.int64)}, opset=10)
case("Slice_13_step", "Slice", x4, [("y", F, None)], inits={"st": np.array([0], np.int64), "en": np.array([8], np.int64), "ax": np.array([2], np.int64), "sp": np.array([2], np.int64)})
case("Split_11_attr", "Split", [("x", F, [6, 4])], [("y0", F, None), ("y1", F, None)], {"axis": 0, "split": [2, 4]}, opset=11)
case("Split_13_input", "Split", [("x", F, [6, 4])], [("y0", F, None), ("y1", F, None)], {"axis": 0}, inits={"s": np.array([1, 5], np.int64)})
case("Split_equal", "Split", [("x", F, [6, 4])], [("y0", F, None), ("y1", F, None), ("y2", F, None)], {"axis": 0})
case("Softmax_11_coerce", "Softmax", [("x", F, [2, 3, 4])], [("y", F, None)], {"axis": 1}, opset=11)
case("Softmax_13", "Softmax", [("x", F, [2, 3, 4])], [("y", F, None)], {"axis": 1})
case("LogSoftmax_13", "LogSoftmax", [("x", F, [2, 3, 4])], [("y", F, None)])
case("Cast", "Cast", [("x", F, [2, 3])], [("y", I64, None)], {"to": I64})
case("Expand", "Expand", [("x", F, [3, 1])], [("y", F, None)], inits={"s": np.array([2, 1, 4], np.int64)})
case("Tile", "Tile", [("x", F, [2, 3])], [("y", F, None)], inits={"r": np.array([2, 2], np.int64)})
case("Pad_11", "Pad", x4, [("y", F, None)], inits={"p": np.array([0, 0, 1, 2, 0, 0, 2, 1], np.int64)}, opset=11)
case("Pad_2_attr", "Pad", x4, [("y", F, None)], {"pads": [0, 0, 1, 1, 0, 0, 1, 1], "value": 1.5}, opset=9)
case("ReduceMean_13_attr", "ReduceMean", x4, [("y", F, None)], {"axes": [2, 3], "keepdims": 1})
case("ReduceSum_13_input", "ReduceSum", x4, [("y", F, None)], {"keepdims": 0}, inits={"ax": np.array([1], np.int64)}, opset=13)
case("ReduceMax", "ReduceMax", x4, [("y", F, None)], {"axes": [1]})
case("ReduceL2", "ReduceL2", x4, [("y", F, None)], {"axes": [3], "keepdims": 0})
case("ArgMax", "ArgMax", [("x", F, [3, 5])], [("y", I64, None)], {"axis": 1, "keepdims": 0})
case("CumSum", "CumSum", [("x", F, [3, 5])], [("y", F, None)], inits={"a": np.array(1, np.int64)})
case("DepthToSpace", "DepthToSpace", [("x", F, [1, 8, 2, 3])], [("y", F, None)], {"blocksize": 2})
case("Resize_nearest_sizes", "Resize", x4, [("y", F, None)], {"mode": "nearest"},
     nodes=[h.make_node("Resize", ["x", "", "", "sz"], ["y"], mode="nearest")])
cases[-1]["op"] = "Resize"
# the Resize case above needs its sizes initializer: rebuild with it
cases.pop()
g = h.make_graph([h.make_node("Resize", ["x", "", "", "sz"], ["y"], mode="nearest")], "Resize_nearest_sizes",
                 [h.make_tensor_value_info("x", F, [2, 3, 8, 8])], [h.make_tensor_value_info("y", F, None)],
                 [nh.from_array(np.array([2, 3, 16, 12], np.int64), "sz")])
m = h.make_model(g, opset_imports=[h.make_opsetid("", 14)]); m.ir_version = 7
onnx.save(m, os.path.join(OUT, "Resize_nearest_sizes.onnx")); cases.append({"name": "Resize_nearest_sizes", "op": "Resize", "opset": 14})
H = 4
case("LSTM_fwd", "LSTM", [("x", F, [5, 2, 3])], [("y", F, None), ("yh", F, None), ("yc", F, None)], {"hidden_size": H},
     inits={"w": f32(1, 4 * H, 3), "r": f32(1, 4 * H, H), "b": f32(1, 8 * H)})
case("LSTM_bidi", "LSTM", [("x", F, [4, 2, 3])], [("y", F, None), ("yh", F, None)], {"hidden_size": H, "direction": "bidirectional"},
     inits={"w": f32(2, 4 * H, 3), "r": f32(2, 4 * H, H)})
case("GRU", "GRU", [("x", F, [5, 2, 3])], [("y", F, None), ("yh", F, None)], {"hidden_size": H},
     inits={"w": f32(1, 3 * H, 3), "r": f32(1, 3 * H, H), "b": f32(1, 6 * H)})
case("GRU_lbr", "GRU", [("x", F, [5, 2, 3])], [("y", F, None), ("yh", F, None)], {"hidden_size": H, "linear_before_reset": 1},
     inits={"w": f32(1, 3 * H, 3), "r": f32(1, 3 * H, H), "b": f32(1, 6 * H)})
case("RNN", "RNN", [("x", F, [5, 2, 3])], [("y", F, None), ("yh", F, None)], {"hidden_size": H},
     inits={"w": f32(1, H, 3), "r": f32(1, H, H), "b": f32(1, 2 * H)})
# Shape chain with a symbolic batch: Shape → Gather → Unsqueeze → Concat → Reshape (folded into R.shape in Relax).
nodes = [
    h.make_node("Shape", ["x"], ["s"]),
    h.make_node("Gather", ["s", "i0"], ["b"], axis=0),
    h.make_node("Unsqueeze", ["b", "ax0"], ["bu"]),
    h.make_node("Concat", ["bu", "rest"], ["ns"], axis=0),
    h.make_node("Reshape", ["x", "ns"], ["y"]),
]
g = h.make_graph(nodes, "ShapeChain", [h.make_tensor_value_info("x", F, ["batch", 3, 4])], [h.make_tensor_value_info("y", F, None)],
                 [nh.from_array(np.array(0, np.int64), "i0"), nh.from_array(np.array([0], np.int64), "ax0"), nh.from_array(np.array([12], np.int64), "rest")])
m = h.make_model(g, opset_imports=[h.make_opsetid("", 14)]); m.ir_version = 7
onnx.save(m, os.path.join(OUT, "ShapeChain.onnx")); cases.append({"name": "ShapeChain", "op": "Reshape", "opset": 14})
# ConstantOfShape from a Shape value.
nodes = [h.make_node("Shape", ["x"], ["s"]), h.make_node("ConstantOfShape", ["s"], ["y"], value=nh.from_array(np.array([1.5], np.float32)))]
g = h.make_graph(nodes, "ConstantOfShape", [h.make_tensor_value_info("x", F, [2, 3])], [h.make_tensor_value_info("y", F, None)])
m = h.make_model(g, opset_imports=[h.make_opsetid("", 14)]); m.ir_version = 7
onnx.save(m, os.path.join(OUT, "ConstantOfShape.onnx")); cases.append({"name": "ConstantOfShape", "op": "ConstantOfShape", "opset": 14})
# If on a data-dependent condition.
then_g = h.make_graph([h.make_node("Mul", ["x", "two"], ["t"])], "then", [], [h.make_tensor_value_info("t", F, [2, 3])])
else_g = h.make_graph([h.make_node("Sub", ["x", "two"], ["e"])], "else", [], [h.make_tensor_value_info("e", F, [2, 3])])
nodes = [h.make_node("ReduceSum", ["x"], ["s"], keepdims=0), h.make_node("Greater", ["s", "zero"], ["c"]),
         h.make_node("If", ["c"], ["y"], then_branch=then_g, else_branch=else_g)]
g = h.make_graph(nodes, "If", [h.make_tensor_value_info("x", F, [2, 3])], [h.make_tensor_value_info("y", F, None)],
                 [nh.from_array(np.array(2.0, np.float32), "two"), nh.from_array(np.array(0.0, np.float32), "zero")])
m = h.make_model(g, opset_imports=[h.make_opsetid("", 14)]); m.ir_version = 7
onnx.save(m, os.path.join(OUT, "If.onnx")); cases.append({"name": "If", "op": "If", "opset": 14})

# --- opstd ---
# Standard-domain ops of branch opstd; each is also checked numerically (ORT vs both interpreters) by OnnxStdOpNumericTests.
opstd_only = []  # cases the shape tests cannot take (an emitter rejects them with BRG4301, or data-dependent output shapes)


def std(name, op, inputs, outputs, attrs=None, inits=None, opset=14, nodes=None, lo=-1.0, hi=1.0, expect=None, dynamic=False):
    """expect: {"relay"|"relax": "BRG4301"} when that emitter is meant to reject the case; dynamic: data-dependent output
    shape. Both kinds go to cases_opstd.json (numeric tests only) instead of cases.json."""
    case(name, op, inputs, outputs, attrs, inits, opset, nodes)
    cases[-1].update({"numeric": True, "lo": lo, "hi": hi})
    if expect or dynamic:
        cases[-1]["expect"] = expect or {}
        opstd_only.append(cases.pop())


def i64(*v):
    return np.array(v, np.int64)


x25 = [("x", F, [2, 5])]
std("CastLike_15_i32", "CastLike", x25, [("y", TP.INT32, None)], inits={"like": np.zeros(1, np.int32)}, opset=15, lo=-3, hi=3)
std("CastLike_15_f64", "CastLike", x25, [("y", TP.DOUBLE, None)], inits={"like": np.zeros(1, np.float64)}, opset=15)
std("Celu_12", "Celu", x25, [("y", F, None)], {"alpha": 0.7}, opset=12, lo=-3, hi=3)
std("Elu_6", "Elu", x25, [("y", F, None)], {"alpha": 0.5}, opset=7, lo=-3, hi=3)
std("Selu_6", "Selu", x25, [("y", F, None)], {"alpha": 1.5, "gamma": 1.1}, opset=7, lo=-3, hi=3)
std("Gelu_20", "Gelu", x25, [("y", F, None)], opset=20, lo=-3, hi=3)
std("Gelu_20_tanh", "Gelu", x25, [("y", F, None)], {"approximate": "tanh"}, opset=20, lo=-3, hi=3)
std("Mish_18", "Mish", x25, [("y", F, None)], opset=18, lo=-4, hi=4)
std("Softplus_1", "Softplus", x25, [("y", F, None)], opset=13, lo=-30, hi=30)
std("Softsign_1", "Softsign", x25, [("y", F, None)], opset=13, lo=-5, hi=5)
std("ThresholdedRelu_10", "ThresholdedRelu", x25, [("y", F, None)], {"alpha": 0.3}, opset=10)
std("PRelu_16", "PRelu", [("x", F, [2, 3, 4, 4])], [("y", F, None)], inits={"slope": np.array([[[0.1]], [[0.2]], [[-0.5]]], np.float32)}, opset=16)
std("PRelu_9_scalar", "PRelu", x25, [("y", F, None)], inits={"slope": np.array([0.25], np.float32)}, opset=9)
for det in [(1, 1), (1, 0), (0, 1)]:
    std(f"IsInf_10_{det[0]}{det[1]}", "IsInf", [("x", F, [2, 4])], [("y", TP.BOOL, None)], opset=10,
        nodes=[h.make_node("Div", ["x", "z"], ["q"]), h.make_node("IsInf", ["q"], ["y"], detect_negative=det[0], detect_positive=det[1])],
        inits={"z": np.array([[0, 1, 0, 2], [1, 0, 3, 0]], np.float32)})
std("DepthToSpace_13_DCR", "DepthToSpace", [("x", F, [1, 8, 2, 3])], [("y", F, None)], {"blocksize": 2}, opset=13)
std("DepthToSpace_13_CRD", "DepthToSpace", [("x", F, [1, 8, 2, 3])], [("y", F, None)], {"blocksize": 2, "mode": "CRD"}, opset=13)
std("SpaceToDepth_13", "SpaceToDepth", [("x", F, [1, 2, 4, 6])], [("y", F, None)], {"blocksize": 2}, opset=13)
std("Einsum_12_bmm", "Einsum", [("a", F, [2, 3, 4]), ("b", F, [2, 4, 5])], [("y", F, None)], {"equation": "bij,bjk->bik"}, opset=12)
std("Einsum_12_mv", "Einsum", [("a", F, [3, 4]), ("b", F, [4])], [("y", F, None)], {"equation": "ij,j->i"}, opset=12)
std("GatherND_13", "GatherND", [("x", F, [3, 4, 2])], [("y", F, None)], inits={"idx": i64([0, 1], [2, 3], [1, 0])}, opset=13)
std("GatherND_13_batch", "GatherND", [("x", F, [2, 3, 4])], [("y", F, None)], {"batch_dims": 1}, inits={"idx": i64([[1], [2]], [[0], [1]])}, opset=13)
std("Range_11_int", "Range", [], [("y", I64, None)], inits={"s": np.array(2, np.int64), "l": np.array(11, np.int64), "d": np.array(3, np.int64)}, opset=11)
std("Range_11_float", "Range", [], [("y", F, None)], inits={"s": np.array(1.0, np.float32), "l": np.array(-2.0, np.float32), "d": np.array(-0.75, np.float32)}, opset=11)
x4r = [("x", F, [1, 2, 4, 6])]
std("Resize_13_nearest_scales", "Resize", x4r, [("y", F, None)], {"mode": "nearest", "coordinate_transformation_mode": "asymmetric", "nearest_mode": "floor"},
    inits={"roi": np.zeros(0, np.float32), "scales": np.array([1, 1, 2, 2], np.float32)}, opset=13)
std("Resize_13_nearest_half", "Resize", x4r, [("y", F, None)], {"mode": "nearest"},
    inits={"roi": np.zeros(0, np.float32), "scales": np.array([1, 1, 1.5, 0.5], np.float32)}, opset=13)
std("Resize_13_linear_sizes", "Resize", x4r, [("y", F, None)], {"mode": "linear"},
    nodes=[h.make_node("Resize", ["x", "", "", "sizes"], ["y"], mode="linear")], inits={"sizes": i64(1, 2, 7, 3)}, opset=13)
std("Resize_13_cubic_align", "Resize", x4r, [("y", F, None)], {"mode": "cubic", "coordinate_transformation_mode": "align_corners"},
    nodes=[h.make_node("Resize", ["x", "", "", "sizes"], ["y"], mode="cubic", coordinate_transformation_mode="align_corners")], inits={"sizes": i64(1, 2, 8, 9)}, opset=13)
std("Resize_13_linear_pytorch", "Resize", x4r, [("y", F, None)], {"mode": "linear", "coordinate_transformation_mode": "pytorch_half_pixel"},
    inits={"roi": np.zeros(0, np.float32), "scales": np.array([1, 1, 0.5, 0.5], np.float32)}, opset=13)
std("Resize_13_crop", "Resize", x4r, [("y", F, None)], {"mode": "linear", "coordinate_transformation_mode": "tf_crop_and_resize", "extrapolation_value": 0.5},
    nodes=[h.make_node("Resize", ["x", "roi", "", "sizes"], ["y"], mode="linear", coordinate_transformation_mode="tf_crop_and_resize", extrapolation_value=0.5)],
    inits={"roi": np.array([0, 0, -0.1, 0.2, 1, 1, 0.9, 1.2], np.float32), "sizes": i64(1, 2, 5, 5)}, opset=13)
std("Resize_18_axes", "Resize", x4r, [("y", F, None)], {"mode": "nearest", "axes": [2, 3], "keep_aspect_ratio_policy": "not_larger"},
    nodes=[h.make_node("Resize", ["x", "", "", "sizes"], ["y"], mode="nearest", axes=[2, 3], keep_aspect_ratio_policy="not_larger")], inits={"sizes": i64(8, 8)}, opset=18)
std("Resize_13_1d_linear", "Resize", [("x", F, [2, 3, 5])], [("y", F, None)], {"mode": "linear"},
    inits={"roi": np.zeros(0, np.float32), "scales": np.array([1, 1, 2], np.float32)}, opset=13, expect={"relax": "BRG4301"})
std("Resize_13_3d_nearest", "Resize", [("x", F, [1, 2, 2, 3, 4])], [("y", F, None)], {"mode": "nearest"},
    inits={"roi": np.zeros(0, np.float32), "scales": np.array([1, 1, 2, 2, 0.5], np.float32)}, opset=13, expect={"relax": "BRG4301"})
std("Resize_10", "Resize", x4r, [("y", F, None)], {"mode": "linear"}, inits={"scales": np.array([1, 1, 2, 2], np.float32)}, opset=10)
std("Upsample_9", "Upsample", x4r, [("y", F, None)], {"mode": "nearest"}, inits={"scales": np.array([1, 1, 2, 3], np.float32)}, opset=9)
std("Upsample_7", "Upsample", x4r, [("y", F, None)], {"mode": "linear", "scales": [1.0, 1.0, 2.0, 2.0]}, opset=7)
sidx = i64([1, 0, 2], [0, 2, 1])
std("ScatterElements_11", "ScatterElements", [("x", F, [2, 3])], [("y", F, None)], {"axis": 1}, inits={"i": sidx, "u": f32(2, 3)}, opset=11)
std("ScatterElements_16_add", "ScatterElements", [("x", F, [3, 3])], [("y", F, None)], {"axis": 0, "reduction": "add"}, inits={"i": i64([1, 0, 2], [1, 2, 1]), "u": f32(2, 3)}, opset=16)
std("ScatterElements_18_max", "ScatterElements", [("x", F, [3, 3])], [("y", F, None)], {"axis": -1, "reduction": "max"}, inits={"i": i64([1, 1, 2], [0, 0, 1]), "u": f32(2, 3)}, opset=18)
std("Scatter_9", "Scatter", [("x", F, [2, 3])], [("y", F, None)], {"axis": 1}, inits={"i": sidx, "u": f32(2, 3)}, opset=9)
std("ScatterND_11", "ScatterND", [("x", F, [4, 3])], [("y", F, None)], inits={"i": i64([1], [3]), "u": f32(2, 3)}, opset=11)
std("ScatterND_16_add", "ScatterND", [("x", F, [4, 3])], [("y", F, None)], {"reduction": "add"}, inits={"i": i64([1, 2], [1, 2], [0, 0]), "u": f32(3)}, opset=16)
std("TopK_10", "TopK", [("x", F, [3, 6])], [("v", F, None), ("i", I64, None)], inits={"k": i64(2)}, opset=10)
std("TopK_11_smallest", "TopK", [("x", F, [3, 6])], [("v", F, None), ("i", I64, None)], {"axis": 0, "largest": 0}, inits={"k": i64(2)}, opset=11)
std("Trilu_14_upper", "Trilu", [("x", F, [2, 4, 5])], [("y", F, None)], inits={"k": np.array(1, np.int64)}, opset=14)
std("Trilu_14_lower", "Trilu", [("x", F, [4, 5])], [("y", F, None)], {"upper": 0}, inits={"k": np.array(-1, np.int64)}, opset=14)
std("Trilu_14_nok", "Trilu", [("x", F, [4, 4])], [("y", F, None)], opset=14)
std("Shrink_9", "Shrink", x25, [("y", F, None)], {"lambd": 0.3, "bias": 0.1}, opset=9)
std("BitShift_11_left", "BitShift", [("x", TP.UINT32, [2, 3])], [("y", TP.UINT32, None)], {"direction": "LEFT"}, inits={"s": np.array([1, 2, 3], np.uint32)}, opset=11, lo=0, hi=100)
std("BitShift_11_right", "BitShift", [("x", TP.UINT8, [2, 3])], [("y", TP.UINT8, None)], {"direction": "RIGHT"}, inits={"s": np.array([1, 2, 7], np.uint8)}, opset=11, lo=0, hi=255)
std("Hardmax_13", "Hardmax", [("x", F, [2, 3, 4])], [("y", F, None)], {"axis": 1}, opset=13)
std("Hardmax_11_coerce", "Hardmax", [("x", F, [2, 3, 4])], [("y", F, None)], {"axis": 1}, opset=11)
std("OneHot_11", "OneHot", [], [("y", F, None)], {"axis": -1}, inits={"i": i64([1, -1], [0, 3]), "d": np.array(4, np.int64), "v": np.array([0, 5], np.float32)}, opset=11)
std("OneHot_11_axis0", "OneHot", [], [("y", F, None)], {"axis": 0}, inits={"i": np.array([2.0, -3.0, 0.0], np.float32), "d": np.array([3], np.float32), "v": np.array([-1, 1], np.float32)}, opset=11)
std("EyeLike_9", "EyeLike", [("x", F, [3, 4])], [("y", F, None)], {"k": 1}, opset=9)
std("EyeLike_9_dtype", "EyeLike", [("x", F, [4, 3])], [("y", TP.INT32, None)], {"k": -2, "dtype": TP.INT32}, opset=9)
std("LRN_13_odd", "LRN", [("x", F, [1, 5, 3, 3])], [("y", F, None)], {"size": 3, "alpha": 0.01, "beta": 0.75, "bias": 1.0}, opset=13)
# (ORT rejects even LRN sizes, so there is no even-size case; the avg-pool window form is exercised by Relax on the odd case.)
std("GlobalLpPool_2", "GlobalLpPool", [("x", F, [2, 3, 4, 5])], [("y", F, None)], opset=7)
std("GlobalLpPool_2_p3", "GlobalLpPool", [("x", F, [2, 3, 5])], [("y", F, None)], {"p": 3}, opset=7)
std("LpPool_18", "LpPool", [("x", F, [1, 2, 5, 5])], [("y", F, None)], {"kernel_shape": [2, 2], "pads": [1, 1, 1, 1], "strides": [2, 2]}, opset=18)
std("LpPool_11_p1_1d", "LpPool", [("x", F, [1, 2, 7])], [("y", F, None)], {"kernel_shape": [3], "p": 1}, opset=11)
std("LpPool_2_p3_dil", "LpPool", [("x", F, [1, 1, 6, 6])], [("y", F, None)], {"kernel_shape": [2, 2], "p": 3, "auto_pad": "SAME_UPPER"}, opset=7)
std("MeanVarianceNormalization_13", "MeanVarianceNormalization", [("x", F, [2, 3, 4, 4])], [("y", F, None)], opset=13)
std("MeanVarianceNormalization_9_axes", "MeanVarianceNormalization", [("x", F, [2, 3, 4])], [("y", F, None)], {"axes": [1]}, opset=9)
std("GroupNormalization_18", "GroupNormalization", [("x", F, [2, 4, 3, 3])], [("y", F, None)], {"num_groups": 2, "epsilon": 1e-3},
    inits={"s": np.array([0.5, 2.0], np.float32), "b": np.array([0.1, -0.2], np.float32)}, opset=18)
std("GroupNormalization_21", "GroupNormalization", [("x", F, [2, 4, 3, 3])], [("y", F, None)], {"num_groups": 2},
    inits={"s": f32(4), "b": f32(4)}, opset=21)
# (No RMSNormalization case: it is opset 23 and the loader's ai.onnx range ends at 21.)
std("Size_13", "Size", [("x", F, [2, 3, 4])], [("y", I64, None)], opset=13)
perm = np.random.RandomState(3).permutation(2 * 3 * 4 * 6)[:2 * 3 * 2 * 3].reshape(2, 3, 2, 3).astype(np.int64)
std("MaxUnpool_11", "MaxUnpool", [("x", F, [2, 3, 2, 3])], [("y", F, None)], {"kernel_shape": [2, 2], "strides": [2, 2]}, inits={"i": perm}, opset=11)
std("MaxUnpool_11_shape", "MaxUnpool", [("x", F, [2, 3, 2, 3])], [("y", F, None)], {"kernel_shape": [2, 2], "strides": [2, 2]},
    inits={"i": perm, "os": i64(2, 3, 5, 6)}, opset=11)
std("ReverseSequence_10_tb", "ReverseSequence", [("x", F, [4, 3, 2])], [("y", F, None)], {"time_axis": 0, "batch_axis": 1}, inits={"l": i64(4, 1, 3)}, opset=10)
std("ReverseSequence_10_bt", "ReverseSequence", [("x", F, [3, 5])], [("y", F, None)], {"time_axis": 1, "batch_axis": 0}, inits={"l": i64(2, 5, 0)}, opset=10)
# Scan: a running sum (state) and per-step outputs; the second case scans axis 1 in reverse and stacks the output reversed on axis 1.
sb = h.make_graph([h.make_node("Add", ["s_in", "x_t"], ["s_out"]), h.make_node("Mul", ["s_out", "x_t"], ["y_t"])], "scan_body",
                  [h.make_tensor_value_info("s_in", F, [3]), h.make_tensor_value_info("x_t", F, [3])],
                  [h.make_tensor_value_info("s_out", F, [3]), h.make_tensor_value_info("y_t", F, [3])])
std("Scan_11", "Scan", [("s0", F, [3]), ("xs", F, [4, 3])], [("s", F, None), ("ys", F, None)], opset=11,
    nodes=[h.make_node("Scan", ["s0", "xs"], ["s", "ys"], body=sb, num_scan_inputs=1)])
std("Scan_16_axes_rev", "Scan", [("s0", F, [3]), ("xs", F, [3, 5])], [("s", F, None), ("ys", F, None)], opset=16,
    nodes=[h.make_node("Scan", ["s0", "xs"], ["s", "ys"], body=sb, num_scan_inputs=1, scan_input_axes=[1], scan_input_directions=[1],
                       scan_output_axes=[1], scan_output_directions=[1])])
std("AffineGrid_20", "AffineGrid", [("theta", F, [2, 2, 3])], [("y", F, None)], inits={"size": i64(2, 3, 4, 5)}, opset=20)
std("AffineGrid_20_align", "AffineGrid", [("theta", F, [2, 2, 3])], [("y", F, None)], {"align_corners": 1}, inits={"size": i64(2, 1, 3, 4)}, opset=20)
std("AffineGrid_20_3d", "AffineGrid", [("theta", F, [1, 3, 4])], [("y", F, None)], inits={"size": i64(1, 1, 2, 3, 4)}, opset=20)
for gm, pm, ac in [("bilinear", "zeros", 0), ("nearest", "border", 1), ("bicubic", "reflection", 0), ("bilinear", "reflection", 1), ("bicubic", "zeros", 1)]:
    std(f"GridSample_16_{gm}_{pm}_{ac}", "GridSample", [("x", F, [2, 3, 4, 5]), ("g", F, [2, 3, 6, 2])], [("y", F, None)],
        {"mode": gm, "padding_mode": pm, "align_corners": ac}, opset=16, lo=-1.3, hi=1.3)
std("GridSample_20_linear", "GridSample", [("x", F, [1, 2, 5, 5]), ("g", F, [1, 4, 4, 2])], [("y", F, None)], {"mode": "linear"}, opset=20, lo=-1.1, hi=1.1)
rois = np.array([[0.5, 1.0, 6.0, 5.5], [2.0, 0.0, 7.5, 7.0], [1.0, 2.0, 4.0, 6.5]], np.float32)
std("RoiAlign_10", "RoiAlign", [("x", F, [2, 3, 8, 8])], [("y", F, None)], {"output_height": 2, "output_width": 3, "sampling_ratio": 2},
    inits={"rois": rois, "bi": i64(0, 1, 1)}, opset=10)
std("RoiAlign_16_half_pixel", "RoiAlign", [("x", F, [2, 3, 8, 8])], [("y", F, None)], {"output_height": 3, "output_width": 2, "spatial_scale": 0.5},
    inits={"rois": rois * 2, "bi": i64(1, 0, 1)}, opset=16)
std("Affine_1", "Affine", x25, [("y", F, None)], {"alpha": 2.0, "beta": -0.5}, opset=9)
std("Scale_1", "Scale", x25, [("y", F, None)], {"scale": 3.0}, opset=9)
std("ScaledTanh_1", "ScaledTanh", x25, [("y", F, None)], {"alpha": 1.5, "beta": 0.7}, opset=9)
std("ParametricSoftplus_1", "ParametricSoftplus", x25, [("y", F, None)], {"alpha": 0.5, "beta": 2.0}, opset=9)
std("ImageScaler_1", "ImageScaler", [("x", F, [1, 3, 2, 2])], [("y", F, None)], {"scale": 2.0, "bias": [0.1, -0.2, 0.3]}, opset=9)
# LinearRegressor (ai.onnx.ml): two targets over three features.
lr = h.make_node("LinearRegressor", ["x"], ["y"], domain="ai.onnx.ml", coefficients=[0.5, -1.0, 2.0, 1.5, 0.25, -0.75], intercepts=[0.1, -0.3], targets=2)
g = h.make_graph([lr], "LinearRegressor_1", [h.make_tensor_value_info("x", F, [4, 3])], [h.make_tensor_value_info("y", F, None)])
m = h.make_model(g, opset_imports=[h.make_opsetid("", 14), h.make_opsetid("ai.onnx.ml", 1)]); m.ir_version = 7
onnx.save(m, os.path.join(OUT, "LinearRegressor_1.onnx"))
cases.append({"name": "LinearRegressor_1", "op": "LinearRegressor", "opset": 14, "numeric": True, "lo": -1.0, "hi": 1.0})
nll_t = i64([1, 0, 2], [2, 2, 0])
for red in ["mean", "sum", "none"]:
    std(f"NegativeLogLikelihoodLoss_13_{red}", "NegativeLogLikelihoodLoss", [("x", F, [2, 3, 3])], [("y", F, None)], {"reduction": red},
        inits={"t": nll_t, "w": np.array([0.5, 1.0, 2.0], np.float32)}, opset=13)
std("NegativeLogLikelihoodLoss_12_ignore", "NegativeLogLikelihoodLoss", [("x", F, [3, 4])], [("y", F, None)], {"ignore_index": 2},
    inits={"t": i64(2, 0, 3)}, opset=12)
std("SoftmaxCrossEntropyLoss_13", "SoftmaxCrossEntropyLoss", [("x", F, [2, 3, 3])], [("y", F, None), ("logp", F, None)],
    inits={"t": nll_t, "w": np.array([0.5, 1.0, 2.0], np.float32)}, opset=13, lo=-3, hi=3)
std("SoftmaxCrossEntropyLoss_12_ignore_none", "SoftmaxCrossEntropyLoss", [("x", F, [4, 5])], [("y", F, None)], {"reduction": "none", "ignore_index": 1},
    inits={"t": i64(1, 4, 0, 1)}, opset=12, lo=-3, hi=3)
mrp_rois = np.array([[0, 0.4, 1.2, 6.6, 5.0], [1, 2.0, 0.0, 7.0, 7.0], [1, 3.0, 3.0, 3.4, 3.2]], np.float32)
std("MaxRoiPool_1", "MaxRoiPool", [("x", F, [2, 3, 8, 8])], [("y", F, None)], {"pooled_shape": [2, 3]}, inits={"rois": mrp_rois}, opset=9)
std("MaxRoiPool_1_scale", "MaxRoiPool", [("x", F, [2, 2, 6, 6])], [("y", F, None)], {"pooled_shape": [3, 2], "spatial_scale": 0.5},
    inits={"rois": mrp_rois * np.array([1, 1.5, 1.5, 1.5, 1.5], np.float32)}, opset=9)
std("NonZero_13", "NonZero", [("x", F, [3, 4])], [("y", I64, None)], opset=13, dynamic=True,
    nodes=[h.make_node("Greater", ["x", "z"], ["m"]), h.make_node("NonZero", ["m"], ["y"])], inits={"z": np.array(0.2, np.float32)})
std("Compress_11_axis", "Compress", [("x", F, [3, 4])], [("y", F, None)], {"axis": 1}, inits={"c": np.array([True, False, True, True])}, opset=11, dynamic=True)
std("Compress_11_flat", "Compress", [("x", F, [3, 2])], [("y", F, None)], inits={"c": np.array([False, True, True, False, True])}, opset=11, dynamic=True)
nms_boxes = np.array([[[0, 0, 1, 1], [0, 0.1, 1, 1.1], [0, -0.1, 1, 0.9], [0, 10, 1, 11], [0, 10.1, 1, 11.1], [0, 100, 1, 101]]], np.float32)
nms_scores = np.array([[[0.9, 0.75, 0.6, 0.95, 0.5, 0.3], [0.1, 0.8, 0.7, 0.2, 0.9, 0.4]]], np.float32)
std("NonMaxSuppression_11", "NonMaxSuppression", [], [("y", I64, None)], dynamic=True, opset=11,
    inits={"b": nms_boxes, "s": nms_scores, "m": i64(3), "iou": np.array([0.5], np.float32), "st": np.array([0.25], np.float32)})
cboxes = np.array([[[0.5, 0.5, 1, 1], [0.5, 0.6, 1, 1], [0.5, 0.4, 1, 1], [0.5, 10.5, 1, 1], [0.5, 10.6, 1, 1], [0.5, 100.5, 1, 1]]], np.float32)
std("NonMaxSuppression_10_center", "NonMaxSuppression", [], [("y", I64, None)], {"center_point_box": 1}, dynamic=True, opset=10,
    inits={"b": cboxes, "s": nms_scores, "m": i64(2), "iou": np.array([0.4], np.float32)})
uq = np.array([[2.0, 1.0, 1.0], [3.0, 4.0, 3.0]], np.float32)
for srt in [1, 0]:
    std(f"Unique_11_sorted{srt}", "Unique", [], [("y", F, None), ("i", I64, None), ("inv", I64, None), ("cnt", I64, None)], {"sorted": srt},
        inits={"x": uq}, opset=11, dynamic=True)
with open(os.path.join(OUT, "cases_opstd.json"), "w") as fh:
    json.dump(opstd_only, fh, indent=1)
# --- end opstd ---

with open(os.path.join(OUT, "cases.json"), "w") as fh:
    json.dump(cases, fh, indent=1)
print(len(cases))
