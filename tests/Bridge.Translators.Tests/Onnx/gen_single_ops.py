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

# --- quant ---
# Quantization (QDQ, QLinear*, integer ops) and com.microsoft contrib ops. Cases carry "group": "quant": the numeric test
# (OnnxQuantContribNumericTests) runs ONNX Runtime and both interpreters on them. Integer graph inputs are fed the dtype's
# range by that test; index/mask inputs are initializers so every value is valid.
MS = "com.microsoft"


quant_cases = []


def save_model(name, nodes, ins, outs, init_list, opset, domain):
    imports = [h.make_opsetid("", opset)] + ([h.make_opsetid(MS, 1)] if domain == MS else [])
    m = h.make_model(h.make_graph(nodes, name, ins, outs, init_list), opset_imports=imports, producer_name="bridge-tests")
    m.ir_version = 8
    onnx.save(m, os.path.join(OUT, name + ".onnx"))


def qcase(name, op, inputs, outputs, attrs=None, inits=None, opset=13, domain="", input_names=None, ref_nodes=None, unsupported=None):
    """Like case(); inputs are graph inputs, then initializers in dict order, unless input_names gives the node's inputs.

    ref_nodes: for an op ONNX Runtime's CPU provider lacks, the same computation in standard ops; it is saved as <name>_ref
    and the case is listed only in quant_cases.json (the numeric test runs ORT on the reference model).
    unsupported: dialects ("relay", "relax") that must reject the node with BRG4301; such cases are listed only in
    quant_cases.json."""
    ins = [h.make_tensor_value_info(n, e, s) for n, e, s in inputs]
    outs = [h.make_tensor_value_info(n, e, s) for n, e, s in outputs if n]  # "" = an omitted optional output
    init_list = [nh.from_array(v, k) for k, v in (inits or {}).items()]
    names = input_names if input_names is not None else [n for n, _, _ in inputs] + [i.name for i in init_list]
    node = h.make_node(op, names, [n for n, _, _ in outputs], domain=domain, **(attrs or {}))
    save_model(name, [node], ins, outs, init_list, opset, domain)
    entry = {"name": name, "op": op, "opset": opset, "domain": domain, "group": "quant"}
    if ref_nodes is not None:
        save_model(name + "_ref", ref_nodes, ins, outs, init_list, opset, "")
        entry["ref"] = name + "_ref"
    if unsupported:
        entry["unsupported"] = unsupported
    if ref_nodes is None and not unsupported:
        cases.append(entry)
    quant_cases.append(entry)


U8, I8, I16, I32 = TP.UINT8, TP.INT8, TP.INT16, TP.INT32
f = np.float32
qr = np.random.RandomState(11)


def u8(*s):
    return qr.randint(0, 256, s).astype(np.uint8)


def i8(*s):
    return qr.randint(-128, 128, s).astype(np.int8)


# QuantizeLinear / DequantizeLinear: per tensor, per axis (13+), no zero point (uint8 default), int16 (21).
qcase("QuantizeLinear_u8", "QuantizeLinear", [("x", F, [2, 3, 4])], [("y", U8, None)], inits={"s": f(0.02), "z": np.uint8(128)})
qcase("QuantizeLinear_axis_i8", "QuantizeLinear", [("x", F, [2, 3, 4])], [("y", I8, None)], {"axis": 1},
      inits={"s": np.array([0.01, 0.02, 0.005], f), "z": np.array([0, 5, -3], np.int8)})
qcase("QuantizeLinear_10_nozp", "QuantizeLinear", [("x", F, [2, 5])], [("y", U8, None)], inits={"s": f(0.01)}, opset=10)
qcase("QuantizeLinear_21_i16", "QuantizeLinear", [("x", F, [2, 5])], [("y", I16, None)], inits={"s": f(0.0001), "z": np.int16(7)}, opset=21)
qcase("DequantizeLinear_u8", "DequantizeLinear", [("x", U8, [2, 3, 4])], [("y", F, None)], inits={"s": f(0.05), "z": np.uint8(120)})
qcase("DequantizeLinear_axis_i8", "DequantizeLinear", [("x", I8, [2, 3, 4])], [("y", F, None)], {"axis": -2},
      inits={"s": np.array([0.1, 0.2, 0.3], f), "z": np.array([1, 0, -1], np.int8)})
qcase("DequantizeLinear_i32", "DequantizeLinear", [("x", I32, [6])], [("y", F, None)], inits={"s": f(0.001)})
qcase("DynamicQuantizeLinear", "DynamicQuantizeLinear", [("x", F, [3, 5])], [("y", U8, None), ("ys", F, None), ("yz", U8, None)], opset=11)
# QDQ round trip (the pattern of QDQ-format models).
g = h.make_graph([h.make_node("QuantizeLinear", ["x", "s", "z"], ["q"]), h.make_node("DequantizeLinear", ["q", "s", "z"], ["y"])], "QDQ_roundtrip",
                 [h.make_tensor_value_info("x", F, [2, 6])], [h.make_tensor_value_info("y", F, None)],
                 [nh.from_array(f(0.03), "s"), nh.from_array(np.int8(-2), "z")])
m = h.make_model(g, opset_imports=[h.make_opsetid("", 13)]); m.ir_version = 8
onnx.save(m, os.path.join(OUT, "QDQ_roundtrip.onnx")); cases.append({"name": "QDQ_roundtrip", "op": "DequantizeLinear", "opset": 13, "domain": "", "group": "quant"})
quant_cases.append(cases[-1])
# Integer conv / matmul.
qcase("QLinearConv_perchannel", "QLinearConv", [("x", U8, [1, 3, 7, 7])], [("y", U8, None)], {"pads": [1, 1, 1, 1], "strides": [2, 2]},
      inits={"xs": f(0.02), "xz": np.uint8(128), "w": i8(4, 3, 3, 3), "ws": np.array([0.01, 0.02, 0.015, 0.005], f), "wz": np.zeros(4, np.int8),
             "ys": f(0.3), "yz": np.uint8(100), "b": qr.randint(-500, 500, 4).astype(np.int32)})
qcase("QLinearConv_u8", "QLinearConv", [("x", U8, [1, 2, 5, 5])], [("y", U8, None)], {"group": 2},
      inits={"xs": f(0.05), "xz": np.uint8(10), "w": u8(4, 1, 3, 3), "ws": f(0.01), "wz": np.uint8(120), "ys": f(0.2), "yz": np.uint8(128)})
qcase("ConvInteger", "ConvInteger", [("x", U8, [1, 2, 5, 5])], [("y", I32, None)], {"pads": [1, 1, 1, 1]},
      inits={"w": u8(3, 2, 3, 3), "xz": np.uint8(100), "wz": np.uint8(128)}, opset=10)
qcase("QLinearMatMul_2d", "QLinearMatMul", [("a", U8, [3, 5])], [("y", U8, None)],
      inits={"as": f(0.02), "az": np.uint8(128), "b": u8(5, 4), "bs": f(0.03), "bz": np.uint8(100), "ys": f(0.5), "yz": np.uint8(120)},
      input_names=["a", "as", "az", "b", "bs", "bz", "ys", "yz"])
qcase("QLinearMatMul_3d_i8", "QLinearMatMul", [("a", I8, [2, 3, 5])], [("y", I8, None)],
      inits={"as": f(0.02), "az": np.int8(3), "b": i8(2, 5, 4), "bs": f(0.01), "bz": np.int8(0), "ys": f(0.4), "yz": np.int8(-5)},
      input_names=["a", "as", "az", "b", "bs", "bz", "ys", "yz"])
qcase("MatMulInteger", "MatMulInteger", [("a", U8, [3, 5])], [("y", I32, None)], inits={"b": i8(5, 4), "az": np.uint8(128), "bz": np.int8(2)}, opset=10)
qcase("MatMulInteger_percol", "MatMulInteger", [("a", U8, [2, 3, 5])], [("y", I32, None)], inits={"b": u8(5, 4), "az": np.uint8(7), "bz": u8(4)}, opset=10)
# com.microsoft QLinear ops.
qin = {"as": f(0.02), "az": np.uint8(128), "bs": f(0.03), "bz": np.uint8(100), "cs": f(0.05), "cz": np.uint8(110)}
qcase("QLinearAdd", "QLinearAdd", [("a", U8, [2, 3, 4]), ("b", U8, [3, 4])], [("y", U8, None)], inits=qin, domain=MS,
      input_names=["a", "as", "az", "b", "bs", "bz", "cs", "cz"])
qcase("QLinearMul_i8", "QLinearMul", [("a", I8, [3, 4]), ("b", I8, [3, 4])], [("y", I8, None)], domain=MS,
      inits={"as": f(0.02), "az": np.int8(1), "bs": f(0.03), "bz": np.int8(-2), "cs": f(0.05), "cz": np.int8(0)},
      input_names=["a", "as", "az", "b", "bs", "bz", "cs", "cz"])
uq = {"xs": f(0.05), "xz": np.uint8(128), "ys": f(1 / 256), "yz": np.uint8(0)}
qcase("QLinearSigmoid", "QLinearSigmoid", [("x", U8, [2, 8])], [("y", U8, None)], inits=uq, domain=MS)
qcase("QLinearLeakyRelu_i8", "QLinearLeakyRelu", [("x", I8, [2, 8])], [("y", I8, None)], {"alpha": 0.1}, domain=MS,
      inits={"xs": f(0.05), "xz": np.int8(3), "ys": f(0.04), "yz": np.int8(-1)})
qcase("QLinearSoftmax", "QLinearSoftmax", [("x", U8, [2, 3, 6])], [("y", U8, None)], {"axis": -1, "opset": 13}, inits=uq, domain=MS)
qcase("QLinearAveragePool", "QLinearAveragePool", [("x", U8, [1, 2, 6, 6])], [("y", U8, None)], {"kernel_shape": [2, 2], "strides": [2, 2]},
      inits={"xs": f(0.05), "xz": np.uint8(128), "ys": f(0.04), "yz": np.uint8(120)}, domain=MS)
qcase("QLinearGlobalAveragePool", "QLinearGlobalAveragePool", [("x", U8, [1, 3, 4, 4])], [("y", U8, None)],
      inits={"xs": f(0.05), "xz": np.uint8(128), "ys": f(0.02), "yz": np.uint8(130)}, domain=MS)
qcase("QLinearConcat", "QLinearConcat", [("a", U8, [2, 3]), ("b", U8, [2, 2])], [("y", U8, None)], {"axis": 1}, domain=MS,
      inits={"ys": f(0.05), "yz": np.uint8(128), "as": f(0.03), "az": np.uint8(120), "bs": f(0.07), "bz": np.uint8(130)},
      input_names=["ys", "yz", "a", "as", "az", "b", "bs", "bz"])
qcase("QGemm", "QGemm", [("a", U8, [3, 5])], [("y", U8, None)], domain=MS,
      inits={"as": f(0.02), "az": np.uint8(128), "b": i8(5, 4), "bs": f(0.01), "bz": np.int8(0), "c": qr.randint(-300, 300, 4).astype(np.int32),
             "ys": f(0.2), "yz": np.uint8(125)})
qcase("QGemm_float_transB", "QGemm", [("a", U8, [3, 5])], [("y", F, None)], {"transB": 1, "alpha": 0.5}, domain=MS,
      inits={"as": f(0.02), "az": np.uint8(128), "b": i8(4, 5), "bs": f(0.01), "bz": np.int8(0)})
qcase("MatMulInteger16", "MatMulInteger16", [("a", I16, [3, 4])], [("y", I32, None)], inits={"b": qr.randint(-300, 300, (4, 2)).astype(np.int16)}, domain=MS)
qcase("MatMulIntegerToFloat", "MatMulIntegerToFloat", [("a", U8, [3, 5])], [("y", F, None)], domain=MS,
      inits={"b": i8(5, 4), "as": f(0.02), "bs": np.array([0.01, 0.02, 0.03, 0.04], f), "az": np.uint8(128), "bz": np.zeros(4, np.int8), "bias": f32(4)})
qcase("DynamicQuantizeMatMul", "DynamicQuantizeMatMul", [("a", F, [3, 5])], [("y", F, None)], domain=MS,
      inits={"b": i8(5, 4), "bs": f(0.01), "bz": np.int8(0), "bias": f32(4)})
# com.microsoft contrib ops of transformer exports.
qcase("MsGelu", "Gelu", [("x", F, [2, 6])], [("y", F, None)], domain=MS)
qcase("BiasGelu", "BiasGelu", [("x", F, [2, 3, 6])], [("y", F, None)], inits={"b": f32(6)}, domain=MS)
qcase("FastGelu", "FastGelu", [("x", F, [2, 3, 6])], [("y", F, None)], inits={"b": f32(6)}, domain=MS)
qcase("QuickGelu", "QuickGelu", [("x", F, [2, 6])], [("y", F, None)], {"alpha": 1.702}, domain=MS)
# BiasAdd and BiasSoftmax have CUDA kernels only in ORT: their reference is the same computation in standard ops.
qcase("BiasAdd", "BiasAdd", [("x", F, [2, 3, 8]), ("skip", F, [2, 3, 8])], [("y", F, None)], inits={"b": f32(8)}, domain=MS, input_names=["x", "b", "skip"],
      ref_nodes=[h.make_node("Add", ["x", "b"], ["xb"]), h.make_node("Add", ["xb", "skip"], ["y"])])
qcase("BiasSoftmax", "BiasSoftmax", [("x", F, [2, 4, 5, 5])], [("y", F, None)], {"axis": 3, "is_inner_broadcast": 1}, inits={"b": f32(2, 1, 5, 5)}, domain=MS,
      ref_nodes=[h.make_node("Add", ["x", "b"], ["xb"]), h.make_node("Softmax", ["xb"], ["y"], axis=3)])
qcase("BiasSoftmax_axis1", "BiasSoftmax", [("x", F, [2, 3, 4])], [("y", F, None)], {"axis": 1, "is_inner_broadcast": 0}, domain=MS,
      inits={"b": f32(1, 3, 4), "s2": np.array([2, 12], np.int64), "s3": np.array([2, 3, 4], np.int64)}, input_names=["x", "b"],
      ref_nodes=[h.make_node("Add", ["x", "b"], ["xb"]), h.make_node("Reshape", ["xb", "s2"], ["x2"]), h.make_node("Softmax", ["x2"], ["y2"], axis=1),
                 h.make_node("Reshape", ["y2", "s3"], ["y"])])
qcase("FusedMatMul", "FusedMatMul", [("a", F, [2, 3, 5]), ("b", F, [2, 4, 5])], [("y", F, None)], {"transB": 1, "alpha": 0.5}, domain=MS)
qcase("SkipLayerNormalization", "SkipLayerNormalization", [("x", F, [2, 3, 8]), ("skip", F, [2, 3, 8])], [("y", F, None), ("m", F, None), ("iv", F, None), ("sum", F, None)],
      {"epsilon": 1e-5}, inits={"g": f32(8), "beta": f32(8), "bias": f32(8)}, domain=MS)
qcase("SkipSimplifiedLayerNormalization", "SkipSimplifiedLayerNormalization", [("x", F, [2, 3, 8]), ("skip", F, [2, 3, 8])], [("y", F, None)],
      {"epsilon": 1e-5}, inits={"g": f32(8)}, domain=MS)
qcase("EmbedLayerNormalization", "EmbedLayerNormalization", [], [("y", F, None), ("mi", I32, None)], {"epsilon": 1e-5}, domain=MS,
      inits={"ids": qr.randint(0, 10, (2, 4)).astype(np.int32), "seg": qr.randint(0, 2, (2, 4)).astype(np.int32), "we": f32(10, 8), "pe": f32(6, 8),
             "se": f32(2, 8), "g": f32(8), "beta": f32(8), "mask": np.array([[1, 1, 1, 0], [1, 1, 0, 0]], np.int32)})
W = f32(8, 24) * 0.3
qcase("Attention_mask", "Attention", [("x", F, [2, 4, 8])], [("y", F, None)], {"num_heads": 2}, domain=MS,
      inits={"w": W, "b": f32(24), "mask": np.array([[1, 1, 1, 0], [1, 1, 1, 1]], np.int32)})
qcase("Attention_causal", "Attention", [("x", F, [2, 4, 8])], [("y", F, None)], {"num_heads": 2, "unidirectional": 1}, domain=MS, inits={"w": W, "b": f32(24)})
qcase("MultiHeadAttention", "MultiHeadAttention", [("q", F, [2, 4, 8]), ("k", F, [2, 5, 8]), ("v", F, [2, 5, 8])], [("y", F, None)], {"num_heads": 2}, domain=MS,
      inits={"bias": f32(24), "kpm": np.array([[1, 1, 1, 1, 0], [1, 1, 1, 0, 0]], np.int32)})
qcase("QAttention", "QAttention", [("x", U8, [2, 4, 8])], [("y", F, None)], {"num_heads": 2}, domain=MS,
      inits={"w": u8(8, 24), "b": f32(24), "xs": f(0.01), "ws": f(0.005), "mask": np.array([[1, 1, 1, 1], [1, 1, 0, 0]], np.int32),
             "xz": np.uint8(128), "wz": np.uint8(128)})
pos = np.array([[0, 1, 2, 3], [2, 3, 4, 5]], np.int64)
ang = np.arange(16)[:, None] * (1.0 / 10000 ** (np.arange(2) / 2))[None, :]
qcase("RotaryEmbedding", "RotaryEmbedding", [("x", F, [2, 4, 8])], [("y", F, None)], {"num_heads": 2}, domain=MS,
      inits={"pos": pos, "cos": np.cos(ang).astype(f), "sin": np.sin(ang).astype(f)})
qcase("RotaryEmbedding_interleaved", "RotaryEmbedding", [("x", F, [2, 4, 8])], [("y", F, None)], {"num_heads": 2, "interleaved": 1}, domain=MS,
      inits={"pos": pos, "cos": np.cos(ang).astype(f), "sin": np.sin(ang).astype(f)})
# More forms: blocked (21), com.microsoft Q/DQ, dynamic batch, opset-11 QLinearSoftmax, pads, partial rotary, 1-D masks.
qcase("QuantizeLinear_21_blocked", "QuantizeLinear", [("x", F, [3, 6])], [("y", I8, None)], {"axis": 1, "block_size": 2}, opset=21,
      inits={"s": (np.abs(f32(3, 3)) * 0.02 + 0.005).astype(f), "z": i8(3, 3) // 16})
qcase("DequantizeLinear_21_blocked", "DequantizeLinear", [("x", U8, [5, 2])], [("y", F, None)], {"axis": 0, "block_size": 2}, opset=21,
      inits={"s": (np.abs(f32(3, 2)) * 0.1 + 0.01).astype(f), "z": u8(3, 2)})
qcase("MsQuantizeLinear", "QuantizeLinear", [("x", F, [2, 5])], [("y", U8, None)], inits={"s": f(0.01), "z": np.uint8(3)}, domain=MS)
qcase("MsDequantizeLinear", "DequantizeLinear", [("x", I8, [2, 5])], [("y", F, None)], inits={"s": f(0.03), "z": np.int8(-4)}, domain=MS)
qcase("QuantizeLinear_batch", "QuantizeLinear", [("x", F, ["batch", 3, 4])], [("y", I8, None)], {"axis": 1},
      inits={"s": np.array([0.01, 0.02, 0.005], f), "z": np.array([0, 5, -3], np.int8)})
qcase("QLinearConv_batch", "QLinearConv", [("x", I8, ["batch", 2, 5, 5])], [("y", I8, None)], {"auto_pad": "SAME_UPPER", "kernel_shape": [3, 3]},
      inits={"xs": f(0.02), "xz": np.int8(1), "w": i8(3, 2, 3, 3), "ws": f(0.01), "wz": np.int8(0), "ys": f(0.3), "yz": np.int8(-2)})
qcase("QLinearMatMul_batch", "QLinearMatMul", [("a", U8, ["batch", 4, 5])], [("y", U8, None)],
      inits={"as": f(0.02), "az": np.uint8(128), "b": u8(5, 3), "bs": np.array([0.01, 0.02, 0.03], f), "bz": np.array([100, 110, 120], np.uint8),
             "ys": f(0.6), "yz": np.uint8(120)}, input_names=["a", "as", "az", "b", "bs", "bz", "ys", "yz"], opset=13)
qcase("QLinearSoftmax_11", "QLinearSoftmax", [("x", U8, [2, 3, 4])], [("y", U8, None)], {"axis": 1, "opset": 11}, inits=uq, domain=MS)
qcase("QLinearAveragePool_pads", "QLinearAveragePool", [("x", U8, [1, 2, 5, 5])], [("y", U8, None)],
      {"kernel_shape": [3, 3], "pads": [1, 1, 1, 1], "count_include_pad": 1}, inits={"xs": f(0.05), "xz": np.uint8(128), "ys": f(0.04), "yz": np.uint8(120)}, domain=MS)
qcase("FusedMatMul_transA", "FusedMatMul", [("a", F, [5, 3]), ("b", F, [5, 4])], [("y", F, None)], {"transA": 1}, domain=MS)
qcase("SkipSimplifiedLayerNormalization_bias", "SkipSimplifiedLayerNormalization", [("x", F, [2, 3, 8]), ("skip", F, [2, 3, 8])],
      [("y", F, None), ("", F, None), ("iv", F, None), ("sum", F, None)], {"epsilon": 1e-5}, inits={"g": f32(8), "bias": f32(8)}, domain=MS)
qcase("EmbedLayerNormalization_posids", "EmbedLayerNormalization", [], [("y", F, None), ("mi", I32, None), ("es", F, None)], {"epsilon": 1e-5}, domain=MS,
      inits={"ids": qr.randint(0, 10, (2, 3)).astype(np.int32), "we": f32(10, 8), "pe": f32(6, 8), "g": f32(8), "beta": f32(8),
             "pid": np.array([[2, 3, 4], [0, 1, 2]], np.int32)},
      input_names=["ids", "", "we", "pe", "", "g", "beta", "", "pid"])
qcase("Attention_batch_1dmask", "Attention", [("x", F, ["batch", 4, 8])], [("y", F, None)], {"num_heads": 2}, domain=MS,
      inits={"w": W, "b": f32(24), "mask": np.array([3, 4, 2], np.int32)})
qcase("Attention_qkv_sizes", "Attention", [("x", F, [2, 3, 8])], [("y", F, None)], {"num_heads": 2, "qkv_hidden_sizes": [8, 8, 4], "scale": 0.25}, domain=MS,
      inits={"w": f32(8, 20) * 0.3, "b": f32(20)})
qcase("MultiHeadAttention_bias_attn", "MultiHeadAttention", [("q", F, [2, 3, 8]), ("k", F, [2, 3, 8]), ("v", F, [2, 3, 8])], [("y", F, None)],
      {"num_heads": 4}, domain=MS, inits={"ab": f32(1, 4, 3, 3)}, input_names=["q", "k", "v", "", "", "ab"])
qcase("RotaryEmbedding_4d_offset", "RotaryEmbedding", [("x", F, [2, 2, 4, 4])], [("y", F, None)], {}, domain=MS,
      inits={"pos": np.array([3], np.int64), "cos": np.cos(ang).astype(f), "sin": np.sin(ang).astype(f)})
qcase("RotaryEmbedding_partial", "RotaryEmbedding", [("x", F, [2, 3, 12])], [("y", F, None)], {"num_heads": 2, "rotary_embedding_dim": 4}, domain=MS,
      inits={"pos": np.array([[0, 1, 2], [5, 6, 7]], np.int64), "cos": np.cos(ang).astype(f), "sin": np.sin(ang).astype(f)})
qcase("QLinearAveragePool_1d", "QLinearAveragePool", [("x", U8, [1, 2, 9])], [("y", U8, None)], {"kernel_shape": [3], "strides": [2]},
      inits={"xs": f(0.05), "xz": np.uint8(128), "ys": f(0.04), "yz": np.uint8(120)}, domain=MS)
qcase("QLinearAveragePool_nhwc", "QLinearAveragePool", [("x", U8, [1, 6, 6, 3])], [("y", U8, None)], {"kernel_shape": [2, 2], "strides": [2, 2], "channels_last": 1},
      inits={"xs": f(0.05), "xz": np.uint8(128), "ys": f(0.04), "yz": np.uint8(120)}, domain=MS)
qcase("QLinearConv_1d", "QLinearConv", [("x", U8, [2, 2, 9])], [("y", U8, None)], {"pads": [1, 2], "strides": [2]},
      inits={"xs": f(0.02), "xz": np.uint8(128), "w": i8(3, 2, 3), "ws": f(0.01), "wz": np.int8(0), "ys": f(0.2), "yz": np.uint8(120),
             "b": qr.randint(-100, 100, 3).astype(np.int32)})
# Forms an emitter rejects with BRG4301 (the other dialect, where it maps them, is still checked against ORT).
qcase("QLinearConv_3d", "QLinearConv", [("x", U8, [1, 2, 4, 4, 4])], [("y", U8, None)], {"pads": [1, 1, 1, 1, 1, 1]},
      inits={"xs": f(0.02), "xz": np.uint8(128), "w": i8(2, 2, 3, 3, 3), "ws": f(0.01), "wz": np.int8(0), "ys": f(0.3), "yz": np.uint8(120)},
      unsupported=["relay"])
qcase("MultiHeadAttention_packed_kv", "MultiHeadAttention", [("q", F, [2, 3, 8]), ("kv", F, [2, 3, 2, 2, 4])], [("y", F, None)], {"num_heads": 2}, domain=MS,
      unsupported=["relay", "relax"])
# Incremental decoding: past / present (GPT-2 style Attention; decoder MultiHeadAttention).
qcase("Attention_past_causal", "Attention", [("x", F, [2, 2, 8]), ("past", F, [2, 2, 2, 3, 4])], [("y", F, None), ("present", F, None)],
      {"num_heads": 2, "unidirectional": 1}, domain=MS, inits={"w": W, "b": f32(24), "mask": np.array([[1, 1, 1, 1, 1], [0, 1, 1, 1, 1]], np.int32)},
      input_names=["x", "w", "b", "mask", "past"])
qcase("MultiHeadAttention_past", "MultiHeadAttention", [("q", F, [2, 2, 8]), ("k", F, [2, 2, 8]), ("v", F, [2, 2, 8]), ("pk", F, [2, 2, 3, 4]), ("pv", F, [2, 2, 3, 4])],
      [("y", F, None), ("prk", F, None), ("prv", F, None)], {"num_heads": 2}, domain=MS, input_names=["q", "k", "v", "", "", "", "pk", "pv"])
with open(os.path.join(OUT, "quant_cases.json"), "w") as fh:
    json.dump(quant_cases, fh, indent=1)
# --- end quant ---

with open(os.path.join(OUT, "cases.json"), "w") as fh:
    json.dump(cases, fh, indent=1)
print(len(cases))
