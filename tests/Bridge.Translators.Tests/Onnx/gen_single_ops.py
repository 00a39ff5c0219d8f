#!/usr/bin/env python3
"""Single-op ONNX models for the emitter tests (one per support-matrix row the emitters map, plus opset variants).

Usage: gen_single_ops.py OUT_DIR  -> writes OUT_DIR/<case>.onnx, OUT_DIR/cases.json and OUT_DIR/unrunnable.json.

cases.json: [{name, op, domain, opset, ranges?, tol?, ignore?, unsupported?, random?}]
  op/domain  the op the case is about (the support-matrix row it covers; the model may hold helper nodes too)
  opset      the opset of that domain (the test resolves it to the op's since-version for the version coverage check)
  ranges     {input: [lo, hi]} value range of a graph input's random feed (default floats [-1, 1), ints [-5, 5], bools 0/1):
             positive-only ops, valid index ranges. Index/shape/axes operands are initializers, never random.
  tol        {rtol, atol, why}: a looser tolerance than the per-dtype default, with the reason. Never to hide a bug.
  ignore     reason the case is skipped (a known bug listed in docs/onnx-translation.md "Known issues").
  unsupported {"relay"|"relax": text}: a form that path rejects on purpose: it must fail with BRG4301 whose message contains
             the text (listed in docs/onnx-translation.md "Known issues"; the case starts failing once the form is implemented).
  random     {"kind": ...}: a random op's output: compared with ORT on shape/dtype, its values checked statistically against
             the declared distribution (section "random" below, OnnxRandomChecks.cs).
unrunnable.json: {"Op-version": reason} since-versions no case can exercise because ONNX Runtime has no kernel for them;
  the C# version coverage test exempts exactly these.
Graph inputs are fed with seeded random data (dim_param `batch` = 3); weights are initializers.
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
unrunnable = {}

F = TP.FLOAT
I64 = TP.INT64
I32 = TP.INT32
B = TP.BOOL
MS = "com.microsoft"


def f32(*s):
    return rng.standard_normal(s).astype(np.float32)


def i64(*v):
    return np.array(v, np.int64)


def s64(v):
    return np.array(v, np.int64)


def sf(v):
    return np.array(v, np.float32)


def save(name, op, graph, opset, domain="", ranges=None, tol=None, ignore=None, unsupported=None, extra_imports=None):
    imports = [h.make_opsetid("", opset if domain == "" else 17)]
    if domain:
        imports.append(h.make_opsetid(domain, opset))
    for d, v in (extra_imports or {}).items():
        imports.append(h.make_opsetid(d, v))
    m = h.make_model(graph, opset_imports=imports, producer_name="bridge-tests")
    m.ir_version = 7 if opset <= 15 or domain else 9
    onnx.save(m, os.path.join(OUT, name + ".onnx"))
    c = {"name": name, "op": op, "domain": domain, "opset": opset}
    if ranges:
        c["ranges"] = ranges
    if tol:
        c["tol"] = tol
    if ignore:
        c["ignore"] = ignore
    if unsupported:
        c["unsupported"] = unsupported
    assert all(x["name"] != name for x in cases), name
    cases.append(c)


def case(name, op, inputs, outputs, attrs=None, inits=None, opset=14, nodes=None, domain="", node_inputs=None, **meta):
    """inputs: [(name, elem, shape)], outputs: [(name, elem, shape-or-None)], inits: {name: ndarray} (node inputs after the
    graph inputs, in order, unless node_inputs lists the node's inputs explicitly, "" for an omitted optional input)."""
    ins = [h.make_tensor_value_info(n, e, s) for n, e, s in inputs]
    outs = [h.make_tensor_value_info(n, e, s) for n, e, s in outputs]
    inits = [nh.from_array(v, k) for k, v in (inits or {}).items()]
    if node_inputs is None:
        node_inputs = [n for n, _, _ in inputs] + [i.name for i in inits]
    node_list = nodes or [h.make_node(op, node_inputs, [n for n, _, _ in outputs], domain=domain or None, **(attrs or {}))]
    save(name, op, h.make_graph(node_list, name, ins, outs, inits), opset, domain, **meta)


x4 = [("x", F, [2, 3, 8, 8])]
x25 = [("x", F, [2, 5])]
y = [("y", F, None)]
POS = {"x": [0.1, 2.0]}

# --- elementwise ---------------------------------------------------------------------------------------------------------
for op in ["Relu", "Sigmoid", "Tanh", "Exp", "Erf", "Sqrt", "Abs", "Neg", "Floor", "Ceil", "Softsign", "Softplus", "HardSwish", "Reciprocal", "Sin", "Cos"]:
    rng_ = {"Sqrt": POS, "Reciprocal": {"x": [0.5, 2.0]}}.get(op)
    case(f"{op}_13" if op not in ("Softsign", "Softplus", "HardSwish", "Sin", "Cos") else op, op, x25, y, opset=14, ranges=rng_)
for op, r in [("Log", POS), ("Tan", None), ("Acos", {"x": [-0.9, 0.9]}), ("Asin", {"x": [-0.9, 0.9]}), ("Atan", None), ("Acosh", {"x": [1.1, 3.0]}),
              ("Asinh", None), ("Atanh", {"x": [-0.9, 0.9]}), ("Sinh", None), ("Cosh", None), ("Sign", None), ("Round", {"x": [-3.0, 3.0]}),
              ("Identity", None), ("Mish", None)]:
    case(op, op, x25, y, opset=18 if op == "Mish" else 14, ranges=r)
for op in ["Add", "Sub", "Mul", "Div", "Pow", "Max", "Min", "Sum", "Mean"]:
    r = {"b": [0.5, 2.0]} if op == "Div" else {"a": [0.5, 2.0]} if op == "Pow" else None
    case(f"{op}_bcast", op, [("a", F, [2, 3, 4]), ("b", F, [3, 1])], y, ranges=r)
case("Add_int64", "Add", [("a", I64, [2, 3]), ("b", I64, [3])], [("y", I64, None)])
case("Div_int32", "Div", [("a", I32, [2, 3]), ("b", I32, [2, 3])], [("y", I32, None)], ranges={"a": [-20, 20], "b": [1, 5]})
case("Mod_int", "Mod", [("a", I64, [2, 3]), ("b", I64, [2, 3])], [("y", I64, None)], ranges={"a": [-20, 20], "b": [1, 5]})
case("Mod_fmod", "Mod", [("a", F, [2, 3]), ("b", F, [2, 3])], y, {"fmod": 1}, ranges={"a": [-5, 5], "b": [0.5, 2]})
for op in ["Equal", "Greater", "Less", "GreaterOrEqual", "LessOrEqual"]:
    case(op, op, [("a", F, [2, 3]), ("b", F, [2, 3])], [("y", B, None)], opset=16)
case("Equal_int", "Equal", [("a", I64, [2, 3]), ("b", I64, [2, 3])], [("y", B, None)], ranges={"a": [0, 2], "b": [0, 2]})
for op in ["And", "Or", "Xor"]:
    case(op, op, [("a", B, [2, 3]), ("b", B, [3])], [("y", B, None)])
case("Not", "Not", [("a", B, [2, 3])], [("y", B, None)])
for op in ["BitwiseAnd", "BitwiseOr", "BitwiseXor"]:
    case(op, op, [("a", I32, [2, 3]), ("b", I32, [2, 3])], [("y", I32, None)], opset=18, ranges={"a": [-100, 100], "b": [-100, 100]})
case("BitwiseNot", "BitwiseNot", [("a", I32, [2, 3])], [("y", I32, None)], opset=18, ranges={"a": [-100, 100]})
# IsNaN / IsInf: the input is added to a constant holding NaN and ±inf, so both outcomes occur.
special = np.array([[np.nan, np.inf, -np.inf, 0, 1]], np.float32)
for op, attrs in [("IsNaN", {}), ("IsInf", {}), ("IsInf", {"detect_negative": 0})]:
    nm = op + ("_posonly" if attrs else "")
    case(nm, op, x25, [("y", B, None)], inits={"sp": special},
         nodes=[h.make_node("Add", ["x", "sp"], ["s"]), h.make_node(op, ["s"], ["y"], **attrs)])
case("Where", "Where", [("c", B, [2, 3]), ("a", F, [2, 3]), ("b", F, [1, 3])], y)
case("LeakyRelu", "LeakyRelu", x25, y, {"alpha": 0.2})
case("Elu", "Elu", x25, y, {"alpha": 0.5})
case("Selu", "Selu", x25, y)
case("Celu", "Celu", x25, y, {"alpha": 0.7}, opset=12)
case("ThresholdedRelu", "ThresholdedRelu", x25, y, {"alpha": 0.3}, opset=10)
case("HardSigmoid", "HardSigmoid", x25, y)
case("PRelu", "PRelu", [("x", F, [2, 3, 4])], y, inits={"slope": f32(3, 1)}, opset=16)
case("Gelu_20", "Gelu", x25, y, opset=20)
case("Gelu_20_tanh", "Gelu", x25, y, {"approximate": "tanh"}, opset=20)
case("Gelu_ms", "Gelu", x25, y, opset=1, domain=MS)
# Clip: attributes before 11, optional inputs since.
case("Clip_6_attrs", "Clip", x25, y, {"min": -0.5, "max": 0.5}, opset=9)
case("Clip_11_inputs", "Clip", x25, y, inits={"lo": np.array(-0.5, np.float32), "hi": np.array(0.5, np.float32)})
case("Clip_11", "Clip", x25, y, inits={"lo": np.array(-0.5, np.float32)}, opset=11)
case("Clip_12_int", "Clip", [("x", I64, [2, 5])], [("y", I64, None)], inits={"lo": s64(-2), "hi": s64(3)}, opset=12)
case("Clip_13_max_only", "Clip", x25, y, node_inputs=["x", "", "hi"], inits={"hi": np.array(0.25, np.float32)}, opset=13)
case("Cast", "Cast", [("x", F, [2, 3])], [("y", I64, None)], {"to": I64}, ranges={"x": [-10, 10]})
case("Cast_6", "Cast", [("x", F, [2, 3])], [("y", I32, None)], {"to": I32}, opset=7, ranges={"x": [-10, 10]})
case("Cast_9_bool", "Cast", [("x", F, [2, 3])], [("y", B, None)], {"to": B}, opset=9, ranges={"x": [-1, 1]})
case("Cast_13_f64", "Cast", [("x", F, [2, 3])], [("y", TP.DOUBLE, None)], {"to": TP.DOUBLE}, opset=13)
case("Cast_19", "Cast", [("x", I64, [2, 3])], [("y", F, None)], {"to": F}, opset=19)
case("Cast_21", "Cast", [("x", I32, [2, 3])], [("y", I64, None)], {"to": I64}, opset=21)
case("CastLike", "CastLike", [("x", F, [2, 3])], [("y", I64, None)], inits={"t": s64(0)}, opset=15, ranges={"x": [-10, 10]})

# --- nn ------------------------------------------------------------------------------------------------------------------
case("Conv_pads", "Conv", x4, y, {"pads": [1, 1, 1, 1], "strides": [2, 2]}, inits={"w": f32(4, 3, 3, 3), "b": f32(4)})
case("Conv_same_upper", "Conv", x4, y, {"auto_pad": "SAME_UPPER", "kernel_shape": [3, 3]}, inits={"w": f32(4, 3, 3, 3)})
case("Conv_group_dil", "Conv", [("x", F, [1, 4, 9, 9])], y, {"group": 2, "dilations": [2, 2]}, inits={"w": f32(6, 2, 3, 3)})
case("Conv1d", "Conv", [("x", F, [1, 3, 10])], y, {"pads": [1, 1]}, inits={"w": f32(2, 3, 3)})
case("Conv_batch", "Conv", [("x", F, ["batch", 3, 6, 6])], y, {"pads": [1, 1, 1, 1]}, inits={"w": f32(2, 3, 3, 3)})
case("ConvTranspose", "ConvTranspose", x4, y, {"strides": [2, 2], "pads": [1, 1, 1, 1], "output_padding": [1, 1]}, inits={"w": f32(3, 2, 3, 3)})
case("MaxPool_ceil", "MaxPool", x4, y, {"kernel_shape": [3, 3], "strides": [2, 2], "ceil_mode": 1})
case("MaxPool_8", "MaxPool", x4, y, {"kernel_shape": [2, 2], "strides": [2, 2]}, opset=8)
case("AveragePool_pads", "AveragePool", x4, y, {"kernel_shape": [3, 3], "pads": [1, 1, 1, 1], "count_include_pad": 1})
case("AveragePool_excl", "AveragePool", x4, y, {"kernel_shape": [3, 3], "pads": [1, 1, 1, 1], "strides": [2, 2]})
case("MaxPool_1", "MaxPool", x4, y, {"kernel_shape": [3, 3], "pads": [1, 1, 1, 1]}, opset=7)
case("MaxPool_10_dil", "MaxPool", x4, y, {"kernel_shape": [2, 2], "dilations": [2, 2], "ceil_mode": 1}, opset=10)
case("MaxPool_11_same_lower", "MaxPool", x4, y, {"kernel_shape": [3, 3], "strides": [2, 2], "auto_pad": "SAME_LOWER"}, opset=11)
case("AveragePool_7", "AveragePool", x4, y, {"kernel_shape": [2, 2], "strides": [2, 2]}, opset=7)
case("AveragePool_10_ceil", "AveragePool", x4, y, {"kernel_shape": [3, 3], "strides": [2, 2], "ceil_mode": 1}, opset=10)
case("AveragePool_19_dil", "AveragePool", x4, y, {"kernel_shape": [2, 2], "dilations": [2, 2]}, opset=19)
case("Conv_1", "Conv", x4, y, {"kernel_shape": [3, 3]}, inits={"w": f32(2, 3, 3, 3), "b": f32(2)}, opset=9)
case("ConvTranspose_1", "ConvTranspose", x4, y, {"strides": [2, 2]}, inits={"w": f32(3, 2, 2, 2)}, opset=9)
case("ConvTranspose_group", "ConvTranspose", [("x", F, [1, 4, 5, 5])], y, {"group": 2, "pads": [1, 1, 1, 1]}, inits={"w": f32(4, 3, 3, 3), "b": f32(6)})
case("GlobalAveragePool", "GlobalAveragePool", x4, y)
case("GlobalMaxPool", "GlobalMaxPool", x4, y)
bn = {"s": f32(3), "b": f32(3), "m": f32(3), "v": np.abs(f32(3)) + 0.5}
case("BatchNormalization_15", "BatchNormalization", x4, y, {"epsilon": 1e-3}, inits=bn, opset=15)
case("BatchNormalization_14", "BatchNormalization", x4, y, inits=bn, opset=14)
case("BatchNormalization_9", "BatchNormalization", x4, y, inits=bn, opset=9)
case("BatchNormalization_7", "BatchNormalization", x4, y, {"spatial": 1}, inits=bn, opset=7)
case("InstanceNormalization", "InstanceNormalization", x4, y, inits={"s": f32(3), "b": f32(3)})
case("LayerNormalization_17", "LayerNormalization", [("x", F, [2, 4, 6])], y, {"axis": -1}, inits={"s": f32(6), "b": f32(6)}, opset=17)
case("Gemm_transB", "Gemm", [("a", F, [3, 5])], y, {"transB": 1, "alpha": 0.5, "beta": 2.0}, inits={"w": f32(4, 5), "c": f32(4)})
case("Gemm_plain", "Gemm", [("a", F, [3, 5])], y, inits={"w": f32(5, 4)})
case("Gemm_transA", "Gemm", [("a", F, [5, 3])], y, {"transA": 1}, inits={"w": f32(5, 4), "c": f32(3, 1)})
case("MatMul_2d", "MatMul", [("a", F, [3, 5])], y, inits={"w": f32(5, 4)})
case("MatMul_3d_2d", "MatMul", [("a", F, [2, 3, 5])], y, inits={"w": f32(5, 4)})
case("MatMul_4d", "MatMul", [("a", F, [2, 2, 3, 5]), ("b", F, [2, 2, 5, 4])], y)
case("Einsum", "Einsum", [("a", F, [2, 3, 4]), ("b", F, [2, 4, 5])], y, {"equation": "bij,bjk->bik"}, opset=12)
case("Softmax_11_coerce", "Softmax", [("x", F, [2, 3, 4])], y, {"axis": 1}, opset=11)
case("Softmax_13", "Softmax", [("x", F, [2, 3, 4])], y, {"axis": 1})
case("Softmax_1", "Softmax", [("x", F, [2, 3, 4])], y, opset=7)
case("LogSoftmax_13", "LogSoftmax", [("x", F, [2, 3, 4])], y)
case("LogSoftmax_11", "LogSoftmax", [("x", F, [2, 3, 4])], y, {"axis": 2}, opset=11)
case("LogSoftmax_1", "LogSoftmax", [("x", F, [2, 3, 4])], y, opset=7)
for v, attrs, ins_ in [(7, {"ratio": 0.3}, ["x"]), (10, {"ratio": 0.3}, ["x"]), (12, {}, ["x", "r"]), (13, {}, ["x", "r"]),
                       ]:
    case(f"Dropout_{v}", "Dropout", x25, y, attrs, inits={"r": np.array(0.5, np.float32)} if "r" in ins_ else None, opset=v)
H = 4
case("LSTM_fwd", "LSTM", [("x", F, [5, 2, 3])], [("y", F, None), ("yh", F, None), ("yc", F, None)], {"hidden_size": H},
     inits={"w": f32(1, 4 * H, 3), "r": f32(1, 4 * H, H), "b": f32(1, 8 * H)})
case("LSTM_bidi", "LSTM", [("x", F, [4, 2, 3])], [("y", F, None), ("yh", F, None)], {"hidden_size": H, "direction": "bidirectional"},
     inits={"w": f32(2, 4 * H, 3), "r": f32(2, 4 * H, H)})
case("LSTM_7_reverse", "LSTM", [("x", F, [4, 2, 3])], [("y", F, None), ("yh", F, None)], {"hidden_size": H, "direction": "reverse"},
     inits={"w": f32(1, 4 * H, 3), "r": f32(1, 4 * H, H)}, opset=7)
case("GRU", "GRU", [("x", F, [5, 2, 3])], [("y", F, None), ("yh", F, None)], {"hidden_size": H},
     inits={"w": f32(1, 3 * H, 3), "r": f32(1, 3 * H, H), "b": f32(1, 6 * H)})
case("GRU_lbr", "GRU", [("x", F, [5, 2, 3])], [("y", F, None), ("yh", F, None)], {"hidden_size": H, "linear_before_reset": 1},
     inits={"w": f32(1, 3 * H, 3), "r": f32(1, 3 * H, H), "b": f32(1, 6 * H)})
case("GRU_7", "GRU", [("x", F, [5, 2, 3])], [("y", F, None), ("yh", F, None)], {"hidden_size": H},
     inits={"w": f32(1, 3 * H, 3), "r": f32(1, 3 * H, H), "b": f32(1, 6 * H)}, opset=7)
case("RNN", "RNN", [("x", F, [5, 2, 3])], [("y", F, None), ("yh", F, None)], {"hidden_size": H},
     inits={"w": f32(1, H, 3), "r": f32(1, H, H), "b": f32(1, 2 * H)})
case("RNN_7", "RNN", [("x", F, [5, 2, 3])], [("y", F, None), ("yh", F, None)], {"hidden_size": H},
     inits={"w": f32(1, H, 3), "r": f32(1, H, H), "b": f32(1, 2 * H)}, opset=7)

# --- tensor --------------------------------------------------------------------------------------------------------------
case("Flatten", "Flatten", x4, y, {"axis": 2})
case("Reshape_5", "Reshape", x4, y, inits={"s": i64(0, -1, 8)}, opset=7)
case("Reshape_13", "Reshape", x4, y, inits={"s": i64(6, -1)}, opset=13)
case("Reshape_14", "Reshape", x4, y, inits={"s": i64(2, 3, 64)})
case("Reshape_19_allowzero", "Reshape", x4, y, {"allowzero": 1}, inits={"s": i64(2, 3, 64)}, opset=19)
case("Reshape_21", "Reshape", x4, y, inits={"s": i64(-1, 8)}, opset=21)
case("Concat", "Concat", [("a", F, [2, 3]), ("b", F, [2, 4])], y, {"axis": 1})
case("Transpose", "Transpose", x4, y, {"perm": [0, 2, 3, 1]})
case("Transpose_default", "Transpose", [("x", F, [2, 3, 4])], y)
case("Unsqueeze_1", "Unsqueeze", [("x", F, [3, 4])], y, {"axes": [0]}, opset=7)
case("Unsqueeze_11", "Unsqueeze", [("x", F, [3, 4])], y, {"axes": [0, 3]}, opset=11)
case("Unsqueeze_13", "Unsqueeze", [("x", F, [3, 4])], y, inits={"ax": i64(1)})
case("Unsqueeze_21", "Unsqueeze", [("x", F, [3, 4])], y, inits={"ax": i64(-1, 0)}, opset=21)
case("Squeeze_1", "Squeeze", [("x", F, [3, 1, 4])], y, {"axes": [1]}, opset=7)
case("Squeeze_11", "Squeeze", [("x", F, [3, 1, 4])], y, {"axes": [1]}, opset=11)
case("Squeeze_13", "Squeeze", [("x", F, [3, 1, 4])], y, inits={"ax": i64(-2)})
case("Squeeze_13_all", "Squeeze", [("x", F, [1, 3, 1, 4])], y, opset=13)
case("Squeeze_21", "Squeeze", [("x", F, [3, 1, 4])], y, inits={"ax": i64(1)}, opset=21)
case("Gather", "Gather", [("x", F, [5, 4])], y, {"axis": 0}, inits={"i": np.array([[0, -1], [2, 3]], np.int64)})
case("Gather_axis1", "Gather", [("x", F, [5, 4])], y, {"axis": 1}, inits={"i": i64(2)})
case("Gather_input_idx", "Gather", [("x", F, [5, 4]), ("i", I64, [3])], y, {"axis": 0}, ranges={"i": [-5, 4]})
case("GatherElements", "GatherElements", [("x", F, [3, 4])], y, {"axis": 1}, inits={"i": np.array([[0, 1], [2, 3], [1, 0]], np.int64)})
case("GatherND", "GatherND", [("x", F, [2, 3, 4])], y, inits={"i": np.array([[0, 1], [1, 2]], np.int64)}, opset=13)
case("GatherND_batch", "GatherND", [("x", F, [2, 3, 4])], y, {"batch_dims": 1}, inits={"i": np.array([[2], [0]], np.int64)}, opset=13)
case("Slice_1", "Slice", x4, y, {"starts": [1, 2], "ends": [3, 7], "axes": [1, 3]}, opset=7)
case("Slice_10", "Slice", x4, y, inits={"st": i64(1, -3), "en": i64(2**62, 100), "ax": i64(1, 3)}, opset=10)
case("Slice_11_neg_step", "Slice", x4, y, inits={"st": i64(-1), "en": i64(-2**62), "ax": i64(2), "sp": i64(-2)}, opset=11)
case("Slice_13_step", "Slice", x4, y, inits={"st": i64(0), "en": i64(8), "ax": i64(2), "sp": i64(2)})
case("Split_2_attr", "Split", [("x", F, [6, 4])], [("y0", F, None), ("y1", F, None)], {"axis": 1, "split": [1, 3]}, opset=7)
case("Split_11_attr", "Split", [("x", F, [6, 4])], [("y0", F, None), ("y1", F, None)], {"axis": 0, "split": [2, 4]}, opset=11)
case("Split_13_input", "Split", [("x", F, [6, 4])], [("y0", F, None), ("y1", F, None)], {"axis": 0}, inits={"s": i64(1, 5)})
case("Split_equal", "Split", [("x", F, [6, 4])], [("y0", F, None), ("y1", F, None), ("y2", F, None)], {"axis": 0})
case("Split_18_num_outputs", "Split", [("x", F, [7, 4])], [("y0", F, None), ("y1", F, None)], {"axis": 0, "num_outputs": 2}, opset=18)
case("Expand", "Expand", [("x", F, [3, 1])], y, inits={"s": i64(2, 1, 4)})
case("Expand_8", "Expand", [("x", F, [3, 1])], y, inits={"s": i64(3, 4)}, opset=8)
case("Tile", "Tile", [("x", F, [2, 3])], y, inits={"r": i64(2, 2)})
case("Pad_11", "Pad", x4, y, inits={"p": i64(0, 0, 1, 2, 0, 0, 2, 1)}, opset=11)
case("Pad_2_attr", "Pad", x4, y, {"pads": [0, 0, 1, 1, 0, 0, 1, 1], "value": 1.5}, opset=9)
case("Pad_2_reflect", "Pad", x4, y, {"pads": [0, 0, 1, 2, 0, 0, 2, 1], "mode": "reflect"}, opset=7)
case("Pad_13_edge", "Pad", x4, y, {"mode": "edge"}, inits={"p": i64(0, 0, 1, 2, 0, 0, 2, 1)}, opset=13)
case("Pad_13_value", "Pad", x4, y, inits={"p": i64(0, 0, 1, 1, 0, 0, 1, 1), "v": np.array(-2.0, np.float32)}, opset=13)
case("Pad_18_axes", "Pad", x4, y, node_inputs=["x", "p", "", "ax"], inits={"p": i64(1, 2, 2, 1), "ax": i64(2, 3)}, opset=18)
case("Pad_19_wrap", "Pad", x4, y, {"mode": "wrap"}, inits={"p": i64(0, 0, 1, 2, 0, 0, 2, 1)}, opset=19)
# wrap with pads longer than the axis (the indices wrap more than once) and a negative (cropping) end.
case("Pad_19_wrap_long", "Pad", [("x", F, [2, 3])], y, {"mode": "wrap"}, inits={"p": i64(4, 1, 0, -1)}, opset=19)
# Negative pads crop (constant and reflect modes), mixed with positive ones on other axes and on the same axis.
case("Pad_13_negative", "Pad", x4, y, inits={"p": i64(0, 0, -1, 2, 0, 0, 1, -2)}, opset=13)
case("Pad_18_negative_reflect", "Pad", x4, y, {"mode": "reflect"}, node_inputs=["x", "p", "", "ax"], inits={"p": i64(-1, 2, 1, -1), "ax": i64(2, 3)}, opset=18)
case("Pad_21", "Pad", x4, y, inits={"p": i64(0, 0, 1, 2, 0, 0, 2, 1)}, opset=21)
case("CumSum", "CumSum", [("x", F, [3, 5])], y, inits={"a": s64(1)})
case("CumSum_excl_rev", "CumSum", [("x", F, [3, 5])], y, {"exclusive": 1, "reverse": 1}, inits={"a": s64(0)}, opset=11)
case("CumSum_rev", "CumSum", [("x", F, [3, 5])], y, {"reverse": 1}, inits={"a": s64(-1)}, opset=14)
case("CumSum_excl", "CumSum", [("x", F, [3, 5])], y, {"exclusive": 1}, inits={"a": s64(0)}, opset=11)
case("DepthToSpace", "DepthToSpace", [("x", F, [1, 8, 2, 3])], y, {"blocksize": 2})
case("DepthToSpace_CRD", "DepthToSpace", [("x", F, [1, 8, 2, 3])], y, {"blocksize": 2, "mode": "CRD"})
case("SpaceToDepth", "SpaceToDepth", [("x", F, [1, 2, 4, 6])], y, {"blocksize": 2})
case("Trilu_upper", "Trilu", [("x", F, [2, 4, 5])], y, inits={"k": s64(1)})
case("Trilu_lower", "Trilu", [("x", F, [4, 5])], y, {"upper": 0})
case("Range", "Range", [], [("y", I64, None)], inits={"s": s64(1), "l": s64(10), "d": s64(2)}, opset=11)
case("Range_float", "Range", [], y, inits={"s": np.array(0.5, np.float32), "l": np.array(-2.0, np.float32), "d": np.array(-0.75, np.float32)}, opset=11)
case("ScatterElements", "ScatterElements", [("x", F, [3, 4]), ("u", F, [2, 4])], y, {"axis": 0}, inits={"i": np.array([[1, 0, 2, 1], [0, 2, 1, 0]], np.int64)}, node_inputs=["x", "i", "u"], opset=13)
case("ScatterElements_11", "ScatterElements", [("x", F, [3, 4]), ("u", F, [3, 2])], y, {"axis": 1}, inits={"i": np.array([[1, 3], [0, 2], [-1, 0]], np.int64)}, node_inputs=["x", "i", "u"], opset=11)
case("ScatterElements_16_add", "ScatterElements", [("x", F, [3, 4]), ("u", F, [2, 4])], y, {"axis": 0, "reduction": "add"},
     inits={"i": np.array([[1, 1, 2, 1], [1, 2, 1, 1]], np.int64)}, node_inputs=["x", "i", "u"], opset=16)
case("ScatterElements_18_max", "ScatterElements", [("x", F, [3, 4]), ("u", F, [2, 4])], y, {"axis": 0, "reduction": "max"},
     inits={"i": np.array([[1, 1, 2, 1], [1, 2, 1, 1]], np.int64)}, node_inputs=["x", "i", "u"], opset=18)
case("Scatter_9", "Scatter", [("x", F, [3, 4]), ("u", F, [2, 4])], y, {"axis": 0}, inits={"i": np.array([[1, 0, 2, 1], [0, 2, 1, 0]], np.int64)}, node_inputs=["x", "i", "u"], opset=9)
case("ScatterND", "ScatterND", [("x", F, [4, 3]), ("u", F, [2, 3])], y, inits={"i": np.array([[2], [0]], np.int64)}, node_inputs=["x", "i", "u"], opset=13)
case("ScatterND_11", "ScatterND", [("x", F, [2, 3, 4]), ("u", F, [2])], y, inits={"i": np.array([[0, 1, 2], [1, 2, 3]], np.int64)}, node_inputs=["x", "i", "u"], opset=11)
case("ScatterND_16_mul", "ScatterND", [("x", F, [4, 3]), ("u", F, [2, 3])], y, {"reduction": "mul"}, inits={"i": np.array([[2], [2]], np.int64)}, node_inputs=["x", "i", "u"], opset=16)
case("ScatterND_18_min", "ScatterND", [("x", F, [4, 3]), ("u", F, [2, 3])], y, {"reduction": "min"}, inits={"i": np.array([[1], [1]], np.int64)}, node_inputs=["x", "i", "u"], opset=18)
case("TopK_1", "TopK", [("x", F, [3, 6])], [("v", F, None), ("i", I64, None)], {"k": 2}, opset=9)
case("TopK_10", "TopK", [("x", F, [3, 6])], [("v", F, None), ("i", I64, None)], {"axis": 0}, inits={"k": i64(2)}, opset=10)
case("TopK_11_smallest", "TopK", [("x", F, [3, 6])], [("v", F, None), ("i", I64, None)], {"largest": 0}, inits={"k": i64(3)}, opset=11)
case("ArgMax", "ArgMax", [("x", F, [3, 5])], [("y", I64, None)], {"axis": 1, "keepdims": 0})
case("ArgMin", "ArgMin", [("x", F, [3, 5])], [("y", I64, None)], {"axis": 0})
case("ArgMax_last", "ArgMax", [("x", I64, [3, 5])], [("y", I64, None)], {"axis": 1, "select_last_index": 1}, ranges={"x": [0, 2]})
case("ArgMin_last_keep", "ArgMin", [("x", I64, [3, 5])], [("y", I64, None)], {"axis": 0, "select_last_index": 1}, ranges={"x": [0, 2]})

# --- reductions: every since-version (axes attribute before 13 (ReduceSum) / 18 (the others), input after) ---------------
REDUCE = {"ReduceMax": [1, 11, 12, 13, 18, 20], "ReduceMin": [1, 11, 12, 13, 18, 20], "ReduceSum": [1, 11, 13]}
for op in ["ReduceMean", "ReduceProd", "ReduceL1", "ReduceL2", "ReduceLogSum", "ReduceLogSumExp", "ReduceSumSquare"]:
    REDUCE[op] = [1, 11, 13, 18]
for op, versions in REDUCE.items():
    as_input_from = 13 if op == "ReduceSum" else 18
    for v in versions:
        opset = max(v, 7)
        keep = v % 2
        axes = [1, 3] if v < 11 else [-1]
        r = {"x": [0.1, 1.0]} if op in ("ReduceLogSum", "ReduceProd") else None
        if v >= as_input_from:
            case(f"{op}_{v}", op, x4, y, {"keepdims": keep}, inits={"ax": np.array(axes, np.int64)}, opset=opset, ranges=r)
        else:
            case(f"{op}_{v}", op, x4, y, {"axes": axes, "keepdims": keep}, opset=opset, ranges=r)
case("ReduceSum_all", "ReduceSum", x4, y, {"keepdims": 0}, opset=13)
case("ReduceMean_18_noop", "ReduceMean", x4, y, {"noop_with_empty_axes": 1}, opset=18)

# --- resize --------------------------------------------------------------------------------------------------------------
case("Resize_nearest_sizes", "Resize", x4, y, {"mode": "nearest"}, node_inputs=["x", "", "", "sz"], inits={"sz": i64(2, 3, 16, 12)})
case("Resize_10_nearest", "Resize", x4, y, {"mode": "nearest"}, inits={"sc": np.array([1, 1, 2, 2], np.float32)}, opset=10)
case("Resize_11_linear_align", "Resize", x4, y, {"mode": "linear", "coordinate_transformation_mode": "align_corners"},
     inits={"roi": np.array([], np.float32), "sc": np.array([1, 1, 1.5, 2], np.float32)}, opset=11)
case("Resize_13_linear_half_pixel", "Resize", x4, y, {"mode": "linear"}, node_inputs=["x", "", "sc"],
     inits={"sc": np.array([1, 1, 0.5, 2], np.float32)}, opset=13)
case("Resize_13_cubic", "Resize", x4, y, {"mode": "cubic"}, node_inputs=["x", "", "", "sz"], inits={"sz": i64(2, 3, 12, 10)}, opset=13)
case("Resize_18_nearest_floor", "Resize", x4, y, {"mode": "nearest", "nearest_mode": "floor", "coordinate_transformation_mode": "asymmetric"},
     node_inputs=["x", "", "sc"], inits={"sc": np.array([1, 1, 2, 3], np.float32)}, opset=18)
case("Resize_19_half_pixel_symmetric", "Resize", x4, y, {"mode": "linear", "coordinate_transformation_mode": "half_pixel_symmetric"},
     node_inputs=["x", "", "sc"], inits={"sc": np.array([1, 1, 1.5, 1.5], np.float32)}, opset=19,
     unsupported={"relay": "half_pixel_symmetric", "relax": "half_pixel_symmetric"})  # TVM's resize has no such mode
case("Upsample_7", "Upsample", x4, y, {"mode": "nearest", "scales": [1.0, 1.0, 2.0, 2.0]}, opset=7)
case("Upsample_9", "Upsample", x4, y, {"mode": "linear"}, inits={"sc": np.array([1, 1, 2, 2], np.float32)}, opset=9)

# --- constants, shapes, control flow -------------------------------------------------------------------------------------
for v, attrs in [(1, {"value": nh.from_array(f32(2, 5), "c")}), (9, {"value": nh.from_array(f32(2, 5), "c")}),
                 (11, {"value": nh.from_array(f32(2, 5), "c")}), (12, {"value_float": 0.75}), (13, {"value_floats": [0.5, -1, 2, 3, 4]}),
                 (19, {"value": nh.from_array(f32(1, 5), "c")}), (21, {"value": nh.from_array(f32(2, 5), "c")})]:
    case(f"Constant_{v}", "Constant", x25, y, opset=max(v, 7),
         nodes=[h.make_node("Constant", [], ["c"], **attrs), h.make_node("Add", ["x", "c"], ["y"])])
# ShapeChain with a symbolic batch: Shape → Gather → Unsqueeze → Concat → Reshape (folded into R.shape in Relax).
nodes = [
    h.make_node("Shape", ["x"], ["s"]),
    h.make_node("Gather", ["s", "i0"], ["b"], axis=0),
    h.make_node("Unsqueeze", ["b", "ax0"], ["bu"]),
    h.make_node("Concat", ["bu", "rest"], ["ns"], axis=0),
    h.make_node("Reshape", ["x", "ns"], ["y"]),
]
case("ShapeChain", "Shape", [("x", F, ["batch", 3, 4])], y, nodes=nodes, inits={"i0": s64(0), "ax0": i64(0), "rest": i64(12)})
case("Shape", "Shape", [("x", F, [2, 3, 4])], [("y", I64, None)])
case("Shape_15_slice", "Shape", [("x", F, [2, 3, 4])], [("y", I64, None)], {"start": 1, "end": -1}, opset=15)
case("Size", "Size", [("x", F, [2, 3, 4])], [("y", I64, None)])
for v, val in [(9, np.array([1.5], np.float32)), (20, np.array([3], np.int64)), (21, np.array([-2.5], np.float32))]:
    case(f"ConstantOfShape_{v}", "ConstantOfShape", [("x", F, [2, 3])], [("y", F if val.dtype == np.float32 else I64, None)], opset=v,
         nodes=[h.make_node("Shape", ["x"], ["s"]), h.make_node("ConstantOfShape", ["s"], ["y"], value=nh.from_array(val))])
# If on a data-dependent condition.
then_g = h.make_graph([h.make_node("Mul", ["x", "two"], ["t"])], "then", [], [h.make_tensor_value_info("t", F, [2, 3])])
else_g = h.make_graph([h.make_node("Sub", ["x", "two"], ["e"])], "else", [], [h.make_tensor_value_info("e", F, [2, 3])])
case("If", "If", [("x", F, [2, 3])], y, inits={"two": np.array(2.0, np.float32), "zero": np.array(0.0, np.float32)},
     nodes=[h.make_node("ReduceSum", ["x"], ["s"], keepdims=0), h.make_node("Greater", ["s", "zero"], ["c"]),
            h.make_node("If", ["c"], ["y"], then_branch=then_g, else_branch=else_g)])
# Loop: a fixed trip count with a data-dependent early exit (the sum of the accumulator stays below a bound).
body = h.make_graph(
    [h.make_node("Add", ["acc", "x"], ["acc2"]), h.make_node("ReduceSum", ["acc2"], ["s"], keepdims=0),
     h.make_node("Less", ["s", "bound"], ["cond_out"])],
    "body", [h.make_tensor_value_info("i", I64, []), h.make_tensor_value_info("cond_in", B, []), h.make_tensor_value_info("acc", F, [2, 3])],
    [h.make_tensor_value_info("cond_out", B, []), h.make_tensor_value_info("acc2", F, [2, 3])])
case("Loop", "Loop", [("x", F, [2, 3])], y, ranges={"x": [0.0, 1.0]},
     inits={"M": i64(5), "c0": np.array(True), "a0": np.zeros((2, 3), np.float32), "bound": np.array(10.0, np.float32)},
     nodes=[h.make_node("Loop", ["M", "c0", "a0"], ["y"], body=body)])

# --- opnum ---------------------------------------------------------------------------------------------------------------
# Data-dependent target shapes (dim_param `batch`): Relay emits dyn.broadcast_to / dyn.full / dyn.reshape / dyn.tile, Relax
# keeps the symbolic shape. The shapes are computed from Shape(x), so they are run-time tensors in Relay.
shape_b = [h.make_node("Shape", ["x"], ["s"]), h.make_node("Gather", ["s", "i0"], ["b"], axis=0), h.make_node("Unsqueeze", ["b", "ax0"], ["bu"])]
case("Expand_dynamic", "Expand", [("x", F, ["batch", 4]), ("p", F, [1, 1, 4])], y, inits={"i0": s64(0), "ax0": i64(0), "rest": i64(1, 4)},
     nodes=shape_b + [h.make_node("Concat", ["bu", "rest"], ["t"], axis=0), h.make_node("Expand", ["p", "t"], ["y"])])
case("Expand_dynamic_bidir", "Expand", [("x", F, ["batch", 4]), ("p", F, [1, 2, 4])], y, inits={"i0": s64(0), "ax0": i64(0), "rest": i64(1, 1)},
     nodes=shape_b + [h.make_node("Concat", ["bu", "rest"], ["t"], axis=0), h.make_node("Expand", ["p", "t"], ["y"])])
case("ConstantOfShape_dynamic", "ConstantOfShape", [("x", F, ["batch", 4])], y, inits={"i0": s64(0), "ax0": i64(0), "two": i64(2), "h": i64(5)},
     nodes=shape_b + [h.make_node("Concat", ["two", "bu", "h"], ["t"], axis=0),
                      h.make_node("ConstantOfShape", ["t"], ["y"], value=nh.from_array(np.array([0.5], np.float32)))])
case("Reshape_dynamic", "Reshape", [("x", F, ["batch", 6, 4]), ("q", F, [3, 2, 4])], y, inits={"i0": s64(0), "ax0": i64(0), "rest": i64(-1, 2)},
     nodes=shape_b + [h.make_node("Concat", ["bu", "rest"], ["t"], axis=0), h.make_node("Reshape", ["q", "t"], ["y"])])
case("Tile_dynamic", "Tile", [("x", F, ["batch", 2]), ("p", F, [2, 3])], y, inits={"i0": s64(0), "ax0": i64(0), "one": i64(1)},
     nodes=shape_b + [h.make_node("Concat", ["one", "bu"], ["t"], axis=0), h.make_node("Tile", ["p", "t"], ["y"])])
# Resize coordinate / rounding / cubic variants (Relax image.resize2d and the reference kernel).
for nm, attrs, sc in [
    ("pytorch_half_pixel", {"mode": "linear", "coordinate_transformation_mode": "pytorch_half_pixel"}, [1, 1, 0.5, 1.5]),
    ("tf_half_pixel_for_nn", {"mode": "nearest", "coordinate_transformation_mode": "tf_half_pixel_for_nn"}, [1, 1, 1.5, 2]),
    ("nearest_ceil", {"mode": "nearest", "nearest_mode": "ceil", "coordinate_transformation_mode": "half_pixel"}, [1, 1, 1.5, 2]),
    ("nearest_round_prefer_ceil", {"mode": "nearest", "nearest_mode": "round_prefer_ceil", "coordinate_transformation_mode": "asymmetric"}, [1, 1, 1.5, 2]),
    ("nearest_align_corners", {"mode": "nearest", "coordinate_transformation_mode": "align_corners"}, [1, 1, 1.5, 2]),
    ("cubic_exclude_outside", {"mode": "cubic", "cubic_coeff_a": -0.5, "exclude_outside": 1}, [1, 1, 1.5, 2]),
    ("cubic_a075_asymmetric", {"mode": "cubic", "coordinate_transformation_mode": "asymmetric"}, [1, 1, 2, 0.5]),
]:
    case(f"Resize_{nm}", "Resize", x4, y, attrs, node_inputs=["x", "", "sc"], inits={"sc": np.array(sc, np.float32)}, opset=13)
case("Resize_tf_crop_and_resize", "Resize", x4, y, {"mode": "linear", "coordinate_transformation_mode": "tf_crop_and_resize", "extrapolation_value": 0.5},
     node_inputs=["x", "roi", "", "sz"], inits={"roi": np.array([0, 0, -0.2, 0.1, 1, 1, 0.9, 1.3], np.float32), "sz": i64(2, 3, 6, 7)}, opset=13)
# dtype variety: the same ops through other element types (per-dtype default tolerances).
D = TP.DOUBLE
H16 = TP.FLOAT16
case("Add_f64", "Add", [("a", D, [2, 3]), ("b", D, [3])], [("y", D, None)])
case("MatMul_f64", "MatMul", [("a", D, [3, 5]), ("b", D, [5, 4])], [("y", D, None)])
case("Mul_f16", "Mul", [("a", H16, [2, 3]), ("b", H16, [2, 3])], [("y", H16, None)])
case("Relu_f16", "Relu", [("x", H16, [2, 5])], [("y", H16, None)])
case("Abs_int32", "Abs", [("x", I32, [2, 5])], [("y", I32, None)])
case("Neg_int64", "Neg", [("x", I64, [2, 5])], [("y", I64, None)])
case("Max_int32", "Max", [("a", I32, [2, 3]), ("b", I32, [3])], [("y", I32, None)])
case("Where_int64", "Where", [("c", B, [2, 3]), ("a", I64, [2, 3]), ("b", I64, [3])], [("y", I64, None)])
case("Gather_int32_idx", "Gather", [("x", I64, [5, 4])], [("y", I64, None)], {"axis": 1}, inits={"i": np.array([3, 0, -1], np.int32)})
case("ReduceSum_int64", "ReduceSum", [("x", I64, [3, 4])], [("y", I64, None)], {"keepdims": 0}, inits={"ax": i64(1)}, opset=13)
case("Cast_f16", "Cast", [("x", F, [2, 3])], [("y", H16, None)], {"to": H16})
case("Transpose_bool", "Transpose", [("x", B, [2, 3])], [("y", B, None)])
case("Concat_int64", "Concat", [("a", I64, [2]), ("b", I64, [3])], [("y", I64, None)], {"axis": 0})
case("Softmax_f64", "Softmax", [("x", D, [2, 5])], [("y", D, None)])
case("Sqrt_f16", "Sqrt", [("x", H16, [2, 5])], [("y", H16, None)], ranges={"x": [0.1, 2.0]})
# Forms seen in real exports.
case("Gemm_transAB_scalarC", "Gemm", [("a", F, [5, 3])], y, {"transA": 1, "transB": 1, "beta": 0.5}, inits={"w": f32(4, 5), "c": sf(0.25)})
case("Conv_asym_pads", "Conv", x4, y, {"pads": [0, 1, 2, 0]}, inits={"w": f32(2, 3, 3, 3)})
case("Conv3d", "Conv", [("x", F, [1, 2, 4, 5, 5])], y, {"pads": [1, 0, 1, 0, 1, 0]}, inits={"w": f32(3, 2, 3, 2, 3)})
case("ConvTranspose_output_shape", "ConvTranspose", x4, y, {"strides": [2, 2], "output_shape": [17, 17]}, inits={"w": f32(3, 2, 3, 3)})
case("ConvTranspose_dil", "ConvTranspose", x4, y, {"dilations": [2, 2], "pads": [1, 0, 1, 0]}, inits={"w": f32(3, 2, 3, 3)})
case("ConvTranspose1d", "ConvTranspose", [("x", F, [1, 3, 6])], y, {"strides": [3]}, inits={"w": f32(3, 2, 4), "b": f32(2)})
case("MaxPool_1d", "MaxPool", [("x", F, [2, 3, 9])], y, {"kernel_shape": [3], "strides": [2]})
case("AveragePool_1d_pads", "AveragePool", [("x", F, [2, 3, 9])], y, {"kernel_shape": [3], "pads": [1, 1], "count_include_pad": 1})
case("MaxPool_3d", "MaxPool", [("x", F, [1, 2, 5, 6, 6])], y, {"kernel_shape": [2, 3, 3], "strides": [1, 2, 2], "pads": [0, 1, 1, 0, 1, 1]})
case("AveragePool_3d_ceil", "AveragePool", [("x", F, [1, 2, 5, 6, 6])], y, {"kernel_shape": [2, 2, 2], "strides": [2, 2, 2], "ceil_mode": 1}, opset=11)
case("AveragePool_ceil_incl", "AveragePool", x4, y, {"kernel_shape": [3, 3], "strides": [2, 2], "pads": [1, 1, 1, 1], "ceil_mode": 1, "count_include_pad": 1}, opset=11)
case("GlobalAveragePool_1d", "GlobalAveragePool", [("x", F, [2, 3, 7])], y)
case("LayerNormalization_axis1", "LayerNormalization", [("x", F, [2, 3, 4])], y, {"axis": 1, "epsilon": 1e-3}, inits={"s": f32(3, 4)}, opset=17,
     unsupported={"relay": "normalisation over more than the last axis"})
case("InstanceNormalization_1d", "InstanceNormalization", [("x", F, [2, 3, 7])], y, inits={"s": f32(3), "b": f32(3)})
case("BatchNormalization_2d", "BatchNormalization", [("x", F, [4, 3])], y, inits=bn, opset=15)
case("Softmax_axis0", "Softmax", [("x", F, [3, 4])], y, {"axis": 0})
case("Softmax_11_axis_neg", "Softmax", [("x", F, [2, 3, 4])], y, {"axis": -2}, opset=11)
case("Pow_int_exp", "Pow", [("a", F, [2, 3])], y, inits={"e": sf(3.0)})
case("Pow_int64", "Pow", [("a", I64, [2, 3]), ("b", I64, [2, 3])], [("y", I64, None)], ranges={"a": [-3, 3], "b": [0, 3]})
case("Slice_neg_axis_default_steps", "Slice", x4, y, inits={"st": i64(-5, 1), "en": i64(-1, 3), "ax": i64(-1, -3)})
case("Gather_neg_axis", "Gather", [("x", F, [3, 4, 5])], y, {"axis": -1}, inits={"i": np.array([[4, 0], [1, -2]], np.int64)})
case("Split_neg_axis", "Split", [("x", F, [2, 6])], [("y0", F, None), ("y1", F, None)], {"axis": -1}, inits={"s": i64(4, 2)})
case("Flatten_0", "Flatten", x4, y, {"axis": 0})
case("Einsum_transpose", "Einsum", [("a", F, [3, 4])], y, {"equation": "ij->ji"}, opset=12)
case("Einsum_contract3", "Einsum", [("a", F, [2, 3]), ("b", F, [3, 4]), ("c", F, [4])], y, {"equation": "ij,jk,k->i"}, opset=12)
case("Where_bcast3", "Where", [("c", B, [3, 1]), ("a", F, [1, 4]), ("b", F, [])], y)
case("MatMul_vec_mat", "MatMul", [("a", F, [5]), ("b", F, [5, 4])], y)
case("MatMul_mat_vec", "MatMul", [("a", F, [3, 5]), ("b", F, [5])], y)
case("MatMul_bcast_batch", "MatMul", [("a", F, [2, 3, 5]), ("b", F, [1, 5, 4])], y)
case("MatMul_3d_3d", "MatMul", [("a", F, [2, 3, 5]), ("b", F, [2, 5, 4])], y)
case("MatMul_batch_sym", "MatMul", [("a", F, ["batch", 3, 5])], y, inits={"w": f32(5, 4)})
case("LSTM_init_states", "LSTM", [("x", F, [3, 2, 3])], [("y", F, None), ("yh", F, None), ("yc", F, None)], {"hidden_size": H},
     node_inputs=["x", "w", "r", "b", "", "h0", "c0"], inits={"w": f32(1, 4 * H, 3), "r": f32(1, 4 * H, H), "b": f32(1, 8 * H), "h0": f32(1, 2, H), "c0": f32(1, 2, H)})
# LSTM layout=1 has no ONNX Runtime CPU kernel ("Batchwise recurrent operations (layout == 1) are not supported").
case("GRU_bidi", "GRU", [("x", F, [4, 2, 3])], [("y", F, None), ("yh", F, None)], {"hidden_size": H, "direction": "bidirectional"},
     inits={"w": f32(2, 3 * H, 3), "r": f32(2, 3 * H, H), "b": f32(2, 6 * H)})
case("Dropout_mask", "Dropout", x25, [("y", F, None), ("m", B, None)], opset=13,
     unsupported={"relay": "the mask output", "relax": "the mask output"})
case("MaxPool_indices", "MaxPool", x4, [("y", F, None), ("i", I64, None)], {"kernel_shape": [2, 2], "strides": [2, 2]},
     unsupported={"relay": "the Indices output", "relax": "the Indices output"})
case("Reshape_zero_copy", "Reshape", [("x", F, ["batch", 3, 4])], y, inits={"s": i64(0, 0, 2, 2)})
case("Unsqueeze_scalar", "Unsqueeze", [("x", F, [])], y, inits={"ax": i64(0)})

# (branch opnum's section ends here; other branches append their own sections below)

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
    # int8 operands stay in [-64, 64): ORT's x86 U8S8 kernels without VNNI (AVX2 hosts) multiply with vpmaddubsw, which
    # saturates each pair of u8·s8 products to int16; with |s8| ≤ 64 a pair is at most 2·255·64 = 32640, so ORT computes
    # the exact integer result on every host (docs/onnx-translation.md, "ORT's u8s8 saturation").
    return qr.randint(-64, 64, s).astype(np.int8)


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

# --- opstd ---
# Standard-domain ops of branch opstd; each is also checked numerically (ORT vs both interpreters) by OnnxStdOpNumericTests.
opstd_only = []  # cases the shape tests cannot take (an emitter rejects them with BRG4301, or data-dependent output shapes)


def std(name, op, inputs, outputs, attrs=None, inits=None, opset=14, nodes=None, lo=-1.0, hi=1.0, expect=None, dynamic=False):
    """expect: {"relay"|"relax": "BRG4301"} when that emitter is meant to reject the case; dynamic: data-dependent output
    shape. Both kinds go to cases_opstd.json (numeric tests only) instead of cases.json. A name another section already
    uses gets the suffix "_std" (the two sections test the same op form from different angles)."""
    if any(x["name"] == name for x in cases):
        name += "_std"
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
    inits={"roi": np.zeros(0, np.float32), "scales": np.array([1, 1, 2], np.float32)}, opset=13)
std("Resize_13_1d_nearest_crop", "Resize", [("x", F, [2, 3, 6])], [("y", F, None)], {"mode": "nearest", "coordinate_transformation_mode": "tf_crop_and_resize"},
    nodes=[h.make_node("Resize", ["x", "roi", "", "sizes"], ["y"], mode="nearest", coordinate_transformation_mode="tf_crop_and_resize", extrapolation_value=0.25)],
    inits={"roi": np.array([0, 0, 0.15, 1, 1, 0.85], np.float32), "sizes": i64(2, 3, 4)}, opset=13)
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
std("Hardmax_1_coerce", "Hardmax", [("x", F, [2, 3, 4])], [("y", F, None)], {"axis": 1}, opset=10)
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
std("MaxUnpool_9", "MaxUnpool", [("x", F, [2, 3, 2, 3])], [("y", F, None)], {"kernel_shape": [2, 2], "strides": [2, 2]}, inits={"i": perm}, opset=10)
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
for ov in (9, 19, 21):
    std(f"Scan_{ov}", "Scan", [("s0", F, [3]), ("xs", F, [4, 3])], [("s", F, None), ("ys", F, None)], opset=ov,
        nodes=[h.make_node("Scan", ["s0", "xs"], ["s", "ys"], body=sb, num_scan_inputs=1)])
unrunnable["Scan-8"] = "Scan-8 (batched, with sequence_lens) is refused by the canonicaliser; Bridge supports Scan-9 and later"
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
cases.append({"name": "LinearRegressor_1", "op": "LinearRegressor", "domain": "ai.onnx.ml", "opset": 14, "numeric": True, "lo": -1.0, "hi": 1.0})
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

# --- sequences ---------------------------------------------------------------------------------------------------------
# Static sequences and optionals (OnnxEmitterBase.Sequences.cs): each case wraps the op in a graph that ends in tensors.
ab = [("a", F, [2, 3]), ("b", F, [2, 3])]
pos = lambda v: np.array(v, np.int64)
case("SequenceConstruct_at", "SequenceConstruct", ab, y, inits={"p": pos(1)}, opset=11,
     nodes=[h.make_node("SequenceConstruct", ["a", "b"], ["s"]), h.make_node("SequenceAt", ["s", "p"], ["y"])])
case("SequenceAt_negative", "SequenceAt", ab, y, inits={"p": pos(-2)}, opset=11,
     nodes=[h.make_node("SequenceConstruct", ["a", "b"], ["s"]), h.make_node("SequenceAt", ["s", "p"], ["y"])])
case("SequenceInsert_front", "SequenceInsert", ab, y, inits={"p": pos(0)}, opset=11,
     nodes=[h.make_node("SequenceConstruct", ["a"], ["s"]), h.make_node("SequenceInsert", ["s", "b", "p"], ["t"]),
            h.make_node("ConcatFromSequence", ["t"], ["y"], axis=0)])
case("SequenceErase_middle", "SequenceErase", ab, y, inits={"p": pos(1)}, opset=11,
     nodes=[h.make_node("SequenceConstruct", ["a", "b", "a"], ["s"]), h.make_node("SequenceErase", ["s", "p"], ["t"]),
            h.make_node("ConcatFromSequence", ["t"], ["y"], axis=1)])
case("SequenceLength", "SequenceLength", ab, [("y", I64, None)], opset=11,
     nodes=[h.make_node("SequenceConstruct", ["a", "b", "a"], ["s"]), h.make_node("SequenceLength", ["s"], ["y"])])
case("SequenceEmpty_insert", "SequenceEmpty", ab, y, inits={"p": pos(0)}, opset=11,
     nodes=[h.make_node("SequenceEmpty", [], ["e"], dtype=F), h.make_node("SequenceInsert", ["e", "a"], ["s"]),
            h.make_node("SequenceInsert", ["s", "b"], ["t"]), h.make_node("SequenceAt", ["t", "p"], ["y"])])
case("ConcatFromSequence_new_axis", "ConcatFromSequence", ab, y, opset=11,
     nodes=[h.make_node("SequenceConstruct", ["a", "b"], ["s"]), h.make_node("ConcatFromSequence", ["s"], ["y"], axis=-1, new_axis=1)])
case("SplitToSequence_sizes", "SplitToSequence", [("x", F, [4, 3])], y, inits={"sp": np.array([1, 3], np.int64), "p": pos(1)}, opset=11,
     nodes=[h.make_node("SplitToSequence", ["x", "sp"], ["s"], axis=0), h.make_node("SequenceAt", ["s", "p"], ["y"])])
case("SplitToSequence_scalar_split", "SplitToSequence", [("x", F, [2, 5])], y, inits={"sp": np.array(2, np.int64), "p": pos(-1)}, opset=11,
     nodes=[h.make_node("SplitToSequence", ["x", "sp"], ["s"], axis=1), h.make_node("SequenceAt", ["s", "p"], ["y"])])
case("SplitToSequence_no_keepdims", "SplitToSequence", [("x", F, [3, 4])], y, opset=11,
     nodes=[h.make_node("SplitToSequence", ["x"], ["s"], axis=1, keepdims=0), h.make_node("ConcatFromSequence", ["s"], ["y"], axis=0, new_axis=1)])
case("Optional_get", "Optional", [("a", F, [2, 3])], y, opset=15,
     nodes=[h.make_node("Optional", ["a"], ["o"]), h.make_node("OptionalGetElement", ["o"], ["y"])])
case("OptionalHasElement", "OptionalHasElement", [("a", F, [2, 3])], [("y", B, None)], opset=15,
     nodes=[h.make_node("Optional", ["a"], ["o"]), h.make_node("OptionalHasElement", ["o"], ["y"])])
case("OptionalGetElement_tensor_18", "OptionalGetElement", [("a", F, [2, 3])], y, opset=18,
     nodes=[h.make_node("OptionalGetElement", ["a"], ["y"])])
# --- end sequences ---

# --- random ------------------------------------------------------------------------------------------------------------
# Random ops (OnnxEmitterBase.Random.cs, docs/onnx-translation.md "Random ops"). Their values cannot match ONNX Runtime's, so
# each case declares "random": the distribution its (large) output must follow; ONNX Runtime, Relay and Relax are each checked
# for the exact shape and dtype and statistically for the values (OnnxRandomChecks.cs):
#   {"kind": "uniform", "low", "high"}   all in [low, high), mean and variance within 5 sigma
#   {"kind": "normal", "mean", "scale"}  mean and variance within 5 sigma
#   {"kind": "bernoulli", "rows": [p...]}          row i (axis 0) of the output draws with probability p[i]: 0 and 1 exact
#   {"kind": "multinomial", "rows": [[p...]...]}   row i samples class c with probability p[i][c]: 0 never, 1 always
#   "ort": {<the same fields>, "why"}    the distribution ONNX Runtime's sample follows instead, where ORT departs from the
#                                        spec (docs/onnx-translation.md "Known issues"); Relay and Relax follow the spec.
def rcase(name, op, inputs, outputs, random, **kw):
    case(name, op, inputs, outputs, **kw)
    cases[-1]["random"] = random


D = TP.DOUBLE
rcase("RandomUniform", "RandomUniform", [], [("y", F, [64, 64])], {"kind": "uniform", "low": -2.0, "high": 3.0},
      attrs={"low": -2.0, "high": 3.0, "shape": [64, 64], "seed": 5.0})
rcase("RandomUniform_f64_noseed", "RandomUniform", [], [("y", D, [50, 40])], {"kind": "uniform", "low": 0.0, "high": 1.0},
      attrs={"dtype": D, "shape": [50, 40]})
rcase("RandomNormal", "RandomNormal", [], [("y", F, [64, 64])], {"kind": "normal", "mean": 1.5, "scale": 0.5},
      attrs={"mean": 1.5, "scale": 0.5, "shape": [64, 64], "seed": 3.0})
rcase("RandomUniformLike", "RandomUniformLike", [("x", F, [40, 50])], [("y", F, None)], {"kind": "uniform", "low": 10.0, "high": 12.0},
      attrs={"low": 10.0, "high": 12.0, "seed": 1.0})
rcase("RandomNormalLike_f64", "RandomNormalLike", [("x", F, [40, 50])], [("y", D, None)], {"kind": "normal", "mean": -1.0, "scale": 2.0},
      attrs={"dtype": D, "mean": -1.0, "scale": 2.0})
bern_p = np.repeat(np.array([[0.0], [1.0], [0.3]], np.float32), 3000, axis=1)
rcase("Bernoulli", "Bernoulli", [], [("y", F, None)], {"kind": "bernoulli", "rows": [0.0, 1.0, 0.3], "ort": {"rows": [1.0, 0.0, 0.7], "why": "ONNX Runtime's CPU Bernoulli draws 1 with probability 1 - p"}}, inits={"p": bern_p}, opset=15,
      attrs={"seed": 2.0})
rcase("Bernoulli_int32", "Bernoulli", [], [("y", I32, None)], {"kind": "bernoulli", "rows": [0.0, 1.0, 0.3], "ort": {"rows": [1.0, 0.0, 0.7], "why": "ONNX Runtime's CPU Bernoulli draws 1 with probability 1 - p"}}, inits={"p": bern_p}, opset=15,
      attrs={"dtype": I32})
# Multinomial's input is unnormalised log-probabilities: row 0 puts all mass on class 1 (exp(-1e4) is 0 in float32).
logp = np.array([[-1e4, 0.0], [np.log(0.3), np.log(0.7)]], np.float32)
rcase("Multinomial", "Multinomial", [], [("y", I32, None)], {"kind": "multinomial", "rows": [[0.0, 1.0], [0.3, 0.7]]},
      inits={"logp": logp}, attrs={"sample_size": 3000, "seed": 4.0})
rcase("Multinomial_int64", "Multinomial", [], [("y", I64, None)], {"kind": "multinomial", "rows": [[0.0, 1.0], [0.3, 0.7]]},
      inits={"logp": logp}, attrs={"sample_size": 3000, "dtype": I64})
# --- end random ---

# --- windows: standard ops in neither TVM frontend (LpNormalization, window functions) -----------------------------------
for p_ in (1, 2):
    case(f"LpNormalization_p{p_}", "LpNormalization", [("x", F, [2, 3, 4])], [("y", F, None)], {"axis": 1, "p": p_}, opset=14)
case("LpNormalization_default", "LpNormalization", [("x", F, ["batch", 5])], [("y", F, None)], opset=14)
for w_ in ("HannWindow", "HammingWindow", "BlackmanWindow"):
    case(f"{w_}_periodic", w_, [], [("y", F, None)], inits={"size": s64(10)}, opset=17)
    case(f"{w_}_symmetric_f64", w_, [], [("y", TP.DOUBLE, None)], {"periodic": 0, "output_datatype": TP.DOUBLE}, inits={"size": s64(7)}, opset=17)
for n_ in (1, 2, 3, 4):
    case(f"Det_{n_}x{n_}", "Det", [("x", F, [2, 3, n_, n_])], [("y", F, None)], opset=11)
case("Det_batch", "Det", [("x", F, ["batch", 3, 3])], [("y", F, None)], opset=11)
# --- end windows ---

with open(os.path.join(OUT, "cases.json"), "w") as fh:
    json.dump(cases, fh, indent=1)
with open(os.path.join(OUT, "unrunnable.json"), "w") as fh:
    json.dump(unrunnable, fh, indent=1)
print(len(cases))

# --- legacy ------------------------------------------------------------------------------------------------------------
# Branch `legacy`: DFT (ONNX Runtime is the reference: cases.json), and the ops ONNX Runtime has no kernel for (caffe2 FC /
# SpatialBN, TVM's AllClassNMS, org.pytorch.aten ATen, the ai.onnx.preview.training optimisers). Those go to
# cases_ref.json with "reference": "numpy": fixed feeds and the numpy-computed expected outputs are saved beside the model
# as <name>.ref.npz ("in.<input>", "out.<output>"), checked by OnnxReferenceCaseTests (Relay and Relax interpreters).
# "unsupported": {"relay"|"relax": text} marks a form that path must reject with BRG4301 whose message contains the text.
ref_cases = []
lrng = np.random.RandomState(23)


def lf32(*s):
    return lrng.standard_normal(s).astype(np.float32)


def ref_case(name, op, inputs, outputs, feeds, expected, attrs=None, inits=None, opset=14, domain="", nodes=None, node_inputs=None,
             unsupported=None):
    case(name, op, inputs, outputs, attrs, inits, opset, nodes, domain, node_inputs)
    c = cases.pop()
    c["reference"] = "numpy"
    if unsupported:
        c["unsupported"] = unsupported
    arrays = {"in." + k: v for k, v in feeds.items()}
    arrays.update({"out." + k: v for k, v in expected.items()})
    np.savez(os.path.join(OUT, name + ".ref.npz"), **arrays)
    ref_cases.append(c)


# DFT-17 (axis attribute) and DFT-20 (axis input): real and complex signals, inverse, onesided, dft_length pad and crop.
case("DFT_17_real", "DFT", [("x", F, [2, 8, 1])], y, {"axis": 1}, opset=17)
case("DFT_17_complex_inverse", "DFT", [("x", F, [2, 6, 2])], y, {"inverse": 1}, opset=17)
case("DFT_17_onesided_pad", "DFT", [("x", F, [3, 5, 1])], y, {"onesided": 1}, inits={"len": s64(8)}, opset=17)
case("DFT_17_axis2_crop", "DFT", [("x", F, [2, 3, 7, 2])], y, {"axis": 2}, inits={"len": s64(5)}, opset=17)
case("DFT_20_axis_input", "DFT", [("x", F, [2, 6, 4, 1])], y, inits={"axis": s64(1)}, node_inputs=["x", "", "axis"], opset=20)
case("DFT_20_default_axis_inverse", "DFT", [("x", F, [2, 3, 6, 2])], y, {"inverse": 1}, opset=20)
case("DFT_17_batch_symbolic", "DFT", [("x", F, ["batch", 6, 2])], y, {"axis": 1}, opset=17)
case("Unique_11_axis_2d", "Unique", [("x", F, [2, 3])], [("y", F, None)], {"axis": 1}, opset=11,
     unsupported={"relay": "an axis on data of rank > 1", "relax": "an axis"})
case("DFT_17_symbolic_length", "DFT", [("x", F, ["batch", 4, 1])], y, {"axis": 0}, opset=17,
     unsupported={"relay": "a symbolic signal length", "relax": "a symbolic signal length"})
case("DFT_17_onesided_inverse", "DFT", [("x", F, [2, 6, 2])], y, {"onesided": 1, "inverse": 1}, opset=17,
     unsupported={"relay": "onesided with inverse", "relax": "onesided with inverse"})

# caffe2 FC: Y = flatten(X, axis) · flatten(W, axis_w)ᵀ + b.
fx, fw, fb = lf32(3, 5), lf32(4, 5), lf32(4)
ref_case("FC", "FC", [("x", F, [3, 5])], y, {"x": fx}, {"y": fx @ fw.T + fb}, inits={"w": fw, "b": fb})
ref_case("FC_nobias", "FC", [("x", F, [3, 5])], y, {"x": fx}, {"y": fx @ fw.T}, inits={"w": fw})
fx3, fw2, fb2 = lf32(2, 3, 4), lf32(5, 4), lf32(5)
ref_case("FC_axis2", "FC", [("x", F, [2, 3, 4])], y, {"x": fx3}, {"y": (fx3.reshape(6, 4) @ fw2.T + fb2).reshape(2, 3, 5)},
         {"axis": 2}, inits={"w": fw2, "b": fb2})
# caffe2 SpatialBN (inference): (x − mean) / √(var + ε) · scale + bias over axis 1.
bx = lf32(2, 3, 4, 4)
bs, bb, bm, bv = lf32(3), lf32(3), lf32(3), (np.abs(lf32(3)) + 0.5).astype(np.float32)
bshape = (1, 3, 1, 1)
ref_case("SpatialBN", "SpatialBN", [("x", F, [2, 3, 4, 4])], y, {"x": bx},
         {"y": ((bx - bm.reshape(bshape)) / np.sqrt(bv.reshape(bshape) + 1e-3) * bs.reshape(bshape) + bb.reshape(bshape)).astype(np.float32)},
         {"epsilon": 1e-3, "is_test": 1}, inits={"s": bs, "b": bb, "m": bm, "v": bv})
ref_case("SpatialBN_nhwc", "SpatialBN", [("x", F, [2, 4, 4, 3])], y, {}, {}, {"order": "NHWC"}, inits={"s": bs, "b": bb, "m": bm, "v": bv},
         unsupported={"relay": "order 'NHWC'", "relax": "order 'NHWC'"})


def nms_ref(boxes, scores, max_out, iou_thr, score_thr):
    """ONNX NonMaxSuppression (corner boxes): per batch and class, greedy in descending score, IoU > threshold suppresses."""
    def iou(a, b):
        ay1, ay2 = min(a[0], a[2]), max(a[0], a[2])
        ax1, ax2 = min(a[1], a[3]), max(a[1], a[3])
        by1, by2 = min(b[0], b[2]), max(b[0], b[2])
        bx1, bx2 = min(b[1], b[3]), max(b[1], b[3])
        inter = max(0.0, min(ay2, by2) - max(ay1, by1)) * max(0.0, min(ax2, bx2) - max(ax1, bx1))
        union = (ay2 - ay1) * (ax2 - ax1) + (by2 - by1) * (bx2 - bx1) - inter
        return inter / union if union > 0 else 0.0
    sel = []
    for b in range(boxes.shape[0]):
        for c in range(scores.shape[1]):
            sc = scores[b, c].astype(np.float64)
            keep = []
            for i in np.argsort(-sc, kind="stable"):
                if sc[i] <= score_thr or len(keep) >= max_out:
                    continue
                if all(iou(boxes[b, i].astype(np.float64), boxes[b, j].astype(np.float64)) <= iou_thr for j in keep):
                    keep.append(i)
            sel += [[b, c, i] for i in keep]
    return np.array(sel, np.int64).reshape(-1, 3)


# TVM's AllClassNMS (Relax frontend): NonMaxSuppression's inputs; outputs the selected rows padded to batch·classes·boxes
# (rows past the count are 0 here; TVM leaves them unspecified) and the count. Absent inputs: max 0, iou 0.5, score 0.
acn_boxes = np.concatenate([nms_boxes, nms_boxes[:, ::-1] * 1.5], axis=0).astype(np.float32)
acn_scores = np.concatenate([nms_scores, nms_scores[:, ::-1, ::-1]], axis=0).astype(np.float32)


def acn_outputs(sel, rows):
    padded = np.zeros((rows, 3), np.int64)
    padded[:len(sel)] = sel
    return {"sel": padded, "cnt": np.array([len(sel)], np.int64)}


acn_out = [("sel", I64, None), ("cnt", I64, None)]
ref_case("AllClassNMS", "AllClassNMS", [("b", F, [2, 6, 4]), ("s", F, [2, 2, 6])], acn_out, {"b": acn_boxes, "s": acn_scores},
         acn_outputs(nms_ref(acn_boxes, acn_scores, 2, 0.4, 0.25), 24),
         inits={"m": i64(2), "iou": np.array(0.4, np.float32), "st": np.array(0.25, np.float32)})
# center_point_box=1 and only max_output_boxes_per_class given: TVM's defaults iou 0.5 and score 0 apply.
ccorners = np.stack([cboxes[..., 1] - cboxes[..., 3] / 2, cboxes[..., 0] - cboxes[..., 2] / 2,
                     cboxes[..., 1] + cboxes[..., 3] / 2, cboxes[..., 0] + cboxes[..., 2] / 2], axis=-1).astype(np.float32)
ref_case("AllClassNMS_center_defaults", "AllClassNMS", [("b", F, [1, 6, 4]), ("s", F, [1, 2, 6])], acn_out, {"b": cboxes, "s": nms_scores},
         acn_outputs(nms_ref(ccorners, nms_scores, 3, 0.5, 0.0), 12), {"center_point_box": 1}, inits={"m": i64(3)})

# org.pytorch.aten ATen: the operators TVM's Relay frontend dispatched (size, arange, index_put, reshape, embedding_bag).
AT = "org.pytorch.aten"
ax_ = lf32(2, 3, 5)
ref_case("ATen_size", "ATen", [("x", F, [2, 3, 5])], [("y", I64, None)], {"x": ax_}, {"y": np.array(3, np.int64)},
         {"operator": "size"}, inits={"dim": s64(1)}, opset=1, domain=AT)
ref_case("ATen_size_last", "ATen", [("x", F, [2, 3, 5])], [("y", I64, None)], {"x": ax_}, {"y": np.array(5, np.int64)},
         {"operator": "size"}, opset=1, domain=AT)
ref_case("ATen_arange", "ATen", [], [("y", I64, None)], {}, {"y": np.arange(2, 11, 3, dtype=np.int64)},
         {"operator": "arange"}, inits={"a": s64(2), "e": s64(11), "st": s64(3)}, opset=1, domain=AT)
ax2 = lf32(2, 6)
ref_case("ATen_reshape", "ATen", [("x", F, [2, 6])], y, {"x": ax2}, {"y": ax2.reshape(3, 4)}, {"operator": "reshape"},
         inits={"shape": i64(3, 4)}, opset=1, domain=AT)
px, pv = lf32(4, 3), lf32(3)
pi0, pi1 = i64(0, 2, 3), i64(1, 0, 2)
put = px.copy()
put[pi0, pi1] = pv
ref_case("ATen_index_put", "ATen", [("x", F, [4, 3]), ("v", F, [3])], y, {"x": px, "v": pv}, {"y": put}, {"operator": "index_put"},
         inits={"i0": pi0, "i1": pi1, "acc": np.array(False)}, node_inputs=["x", "i0", "i1", "v", "acc"], opset=1, domain=AT)
qi0, qi1 = i64(1, 1, 3), i64(2, 2, 0)
acc_ = px.copy()
np.add.at(acc_, (qi0, qi1), pv)
ref_case("ATen_index_put_accumulate", "ATen", [("x", F, [4, 3]), ("v", F, [3])], y, {"x": px, "v": pv}, {"y": acc_}, {"operator": "index_put"},
         inits={"i0": qi0, "i1": qi1, "acc": np.array(True)}, node_inputs=["x", "i0", "i1", "v", "acc"], opset=1, domain=AT)
# Values of rank 2: TVM's unfolding puts them at the outer product of the indices (self[ix_(i0, i1)] = values).
ui0, ui1, uv = i64(0, 2), i64(2, 0, 1), lf32(2, 3)
unf = px.copy()
unf[np.ix_(ui0, ui1)] = uv
ref_case("ATen_index_put_unfold", "ATen", [("x", F, [4, 3]), ("v", F, [2, 3])], y, {"x": px, "v": uv}, {"y": unf}, {"operator": "index_put"},
         inits={"i0": ui0, "i1": ui1, "acc": np.array(False)}, node_inputs=["x", "i0", "i1", "v", "acc"], opset=1, domain=AT)
ew, eidx, eoff = lf32(10, 4), i64(1, 7, 3, 3, 9, 0), i64(0, 2, 4)
bags = ew[eidx].reshape(3, 2, 4)
for mode, red in [(0, bags.sum(1)), (1, bags.mean(1)), (2, bags.max(1))]:
    ref_case(f"ATen_embedding_bag_mode{mode}", "ATen", [], y, {}, {"y": red.astype(np.float32)}, {"operator": "embedding_bag", "mode": mode},
             inits={"w": ew, "i": eidx, "o": eoff}, opset=1, domain=AT)
ref_case("ATen_embedding_bag_unequal", "ATen", [], y, {}, {}, {"operator": "embedding_bag", "mode": 0},
         inits={"w": ew, "i": eidx, "o": i64(0, 1, 4)}, opset=1, domain=AT,
         unsupported={"relay": "bags of unequal size", "relax": "bags of unequal size"})
ref_case("ATen_embedding_bag_padding_idx", "ATen", [], y, {}, {}, {"operator": "embedding_bag", "mode": 0, "padding_idx": 3},
         inits={"w": ew, "i": eidx, "o": eoff}, opset=1, domain=AT,
         unsupported={"relay": "padding_idx", "relax": "padding_idx"})
ref_case("ATen_index_put_slice", "ATen", [("x", F, [4, 3]), ("v", F, [2, 3])], y, {}, {}, {"operator": "index_put"},
         inits={"i0": ui0, "acc": np.array(False)}, node_inputs=["x", "i0", "v", "acc"], opset=1, domain=AT,
         unsupported={"relay": "whole-slice puts", "relax": "whole-slice puts"})
ref_case("ATen_unsupported_op", "ATen", [("x", F, [2, 3])], y, {}, {}, {"operator": "mul"}, opset=1, domain=AT, node_inputs=["x", "x"],
         unsupported={"relay": "aten operator 'mul'", "relax": "aten operator 'mul'"})

# ai.onnx.preview.training optimisers: two tensors per node, the spec's update formulas in float64, compared in float32.
TR = "ai.onnx.preview.training"
tx1, tx2, tg1, tg2 = lf32(2, 3), lf32(4), lf32(2, 3), lf32(4)
th1, th2 = (np.abs(lf32(2, 3)) + 0.1).astype(np.float32), (np.abs(lf32(4)) + 0.1).astype(np.float32)
tv1, tv2 = lf32(2, 3), lf32(4)
txs = [("x1", F, [2, 3]), ("x2", F, [4]), ("g1", F, [2, 3]), ("g2", F, [4])]
tfeeds = {"x1": tx1, "x2": tx2, "g1": tg1, "g2": tg2}
R_ = 0.1


def d64(*a):
    return [np.asarray(v, np.float64) for v in a]


def out32(d):
    return {k: np.asarray(v, np.float32) for k, v in d.items()}


# Adagrad: r = R / (1 + T·decay); G' = norm·X + G; H' = H + G'²; X' = X − r·G' / (√H' + ε).
ad = {"decay_factor": 0.1, "epsilon": 1e-5, "norm_coefficient": 0.01}
T_ = 3
exp = {}
for i, (x, g, hh) in enumerate(zip(d64(tx1, tx2), d64(tg1, tg2), d64(th1, th2)), 1):
    r = R_ / (1 + T_ * ad["decay_factor"])
    gr = ad["norm_coefficient"] * x + g
    hn = hh + gr * gr
    exp[f"x{i}n"] = x - r * gr / (np.sqrt(hn) + ad["epsilon"])
    exp[f"h{i}n"] = hn
ref_case("Adagrad", "Adagrad", txs + [("h1", F, [2, 3]), ("h2", F, [4])], [(k, F, None) for k in ["x1n", "x2n", "h1n", "h2n"]],
         {**tfeeds, "h1": th1, "h2": th2}, out32(exp), ad, inits={"R": np.array(R_, np.float32), "T": s64(T_)}, opset=1, domain=TR,
         node_inputs=["R", "T", "x1", "x2", "g1", "g2", "h1", "h2"])

# Momentum: G' = norm·X + G; β' = T > 0 ? β : 1; V' = α·V + β'·G'; X' = X − R·V' (standard) or X − R·(G' + α·V') (nesterov).
for mode, T_ in [("standard", 2), ("nesterov", 0), ("nesterov", 5)]:
    mo = {"alpha": 0.9, "beta": 0.5, "mode": mode, "norm_coefficient": 0.02}
    exp = {}
    for i, (x, g, v) in enumerate(zip(d64(tx1, tx2), d64(tg1, tg2), d64(tv1, tv2)), 1):
        gr = mo["norm_coefficient"] * x + g
        vn = mo["alpha"] * v + (mo["beta"] if T_ > 0 else 1.0) * gr
        exp[f"x{i}n"] = x - R_ * (vn if mode == "standard" else gr + mo["alpha"] * vn)
        exp[f"v{i}n"] = vn
    ref_case(f"Momentum_{mode}_T{T_}", "Momentum", txs + [("v1", F, [2, 3]), ("v2", F, [4])], [(k, F, None) for k in ["x1n", "x2n", "v1n", "v2n"]],
             {**tfeeds, "v1": tv1, "v2": tv2}, out32(exp), mo, inits={"R": np.array(R_, np.float32), "T": s64(T_)}, opset=1, domain=TR,
             node_inputs=["R", "T", "x1", "x2", "g1", "g2", "v1", "v2"])

# Adam: V' = α·V + (1 − α)·G'; H' = β·H + (1 − β)·G'²; R' = T > 0 ? R·√(1 − β^T) / (1 − α^T) : R;
# X' = (1 − norm_post)·(X − R'·V' / (√H' + ε)).
for T_, post in [(3, 0.1), (0, 0.0)]:
    am = {"alpha": 0.8, "beta": 0.95, "epsilon": 1e-4, "norm_coefficient": 0.05, "norm_coefficient_post": post}
    exp = {}
    for i, (x, g, v, hh) in enumerate(zip(d64(tx1, tx2), d64(tg1, tg2), d64(tv1, tv2), d64(th1, th2)), 1):
        a32, b32 = float(np.float32(am["alpha"])), float(np.float32(am["beta"]))
        gr = float(np.float32(am["norm_coefficient"])) * x + g
        vn = a32 * v + (1 - a32) * gr
        hn = b32 * hh + (1 - b32) * gr * gr
        rr = R_ * np.sqrt(1 - b32 ** T_) / (1 - a32 ** T_) if T_ > 0 else R_
        exp[f"x{i}n"] = (1 - float(np.float32(post))) * (x - rr * vn / (np.sqrt(hn) + float(np.float32(am["epsilon"]))))
        exp[f"v{i}n"] = vn
        exp[f"h{i}n"] = hn
    ref_case(f"Adam_T{T_}", "Adam", txs + [("v1", F, [2, 3]), ("v2", F, [4]), ("h1", F, [2, 3]), ("h2", F, [4])],
             [(k, F, None) for k in ["x1n", "x2n", "v1n", "v2n", "h1n", "h2n"]], {**tfeeds, "v1": tv1, "v2": tv2, "h1": th1, "h2": th2},
             out32(exp), am, inits={"R": np.array(R_, np.float32), "T": s64(T_)}, opset=1, domain=TR,
             node_inputs=["R", "T", "x1", "x2", "g1", "g2", "v1", "v2", "h1", "h2"])

# Malformed: an optimiser node whose inputs are not R, T and equal groups (OnnxLegacyLoweringTests expects BRG4304).
bad = h.make_graph([h.make_node("Adagrad", ["R", "T", "x1", "g1"], ["x1n", "h1n"], domain=TR)], "Adagrad_bad_arity",
                   [h.make_tensor_value_info(n_, F, [2, 3]) for n_ in ["x1", "g1"]], [h.make_tensor_value_info("x1n", F, None)],
                   [nh.from_array(np.array(R_, np.float32), "R"), nh.from_array(s64(1), "T")])
bm = h.make_model(bad, opset_imports=[h.make_opsetid("", 17), h.make_opsetid(TR, 1)], producer_name="bridge-tests")
bm.ir_version = 7
onnx.save(bm, os.path.join(OUT, "Adagrad_bad_arity.onnx"))

with open(os.path.join(OUT, "cases_ref.json"), "w") as fh:
    json.dump(ref_cases, fh, indent=1)
with open(os.path.join(OUT, "cases.json"), "w") as fh:
    json.dump(cases, fh, indent=1)
# --- end legacy ---

# --- more ----------------------------------------------------------------------------------------------------------------
# Standard ops in neither TVM frontend (OnnxEmitterBase.SignalCropConv.cs). cases.json is written again at the end of this section.
# CenterCropPad: an odd crop, an odd pad and an unchanged axis; then a negative axis list in non-ascending order.
case("CenterCropPad_18", "CenterCropPad", [("x", F, [3, 7, 4])], y, inits={"shape": s64([2, 10, 4])}, opset=18)
case("CenterCropPad_18_axes", "CenterCropPad", [("x", F, [2, 6, 9])], y, {"axes": [-1, 1]}, inits={"shape": s64([7, 3])}, opset=18)
# STFT: a real signal with a window and frame_length (onesided); a complex signal without window (two-sided).
hann8 = (0.5 - 0.5 * np.cos(2 * np.pi * np.arange(8) / 8)).astype(np.float32)
case("STFT_17", "STFT", [("x", F, [2, 16, 1])], y, inits={"step": s64(4), "win": hann8, "flen": s64(8)}, opset=17)
case("STFT_17_complex_twosided", "STFT", [("x", F, [1, 10, 2])], y, {"onesided": 0}, inits={"step": s64(3), "flen": s64(4)}, opset=17,
     node_inputs=["x", "step", "", "flen"])
# MelWeightMatrix: a constant matrix (added to a graph input so the model has one), float and double outputs.
for nm, args, dt_code, npdt, shape in [("MelWeightMatrix_17", (8, 16, 8192, 0.0, 4096.0), F, np.float32, [9, 8]),
                                       ("MelWeightMatrix_17_double", (10, 64, 16000, 100.0, 7000.0), TP.DOUBLE, np.float64, [33, 10])]:
    mels_, dftl_, rate_, lo_, hi_ = args
    case(nm, "MelWeightMatrix", [("x", dt_code, shape)], [("y", dt_code, None)], opset=17,
         inits={"nm": s64(mels_), "dl": s64(dftl_), "sr": s64(rate_), "lo": sf(lo_), "hi": sf(hi_)},
         nodes=[h.make_node("MelWeightMatrix", ["nm", "dl", "sr", "lo", "hi"], ["m"], output_datatype=dt_code), h.make_node("Add", ["m", "x"], ["y"])])
# SequenceMap: two sequences and a tensor in, two sequences out (the body also reads an outer initializer).
smap_body = h.make_graph(
    [h.make_node("Add", ["e", "f"], ["s0"]), h.make_node("Mul", ["s0", "b"], ["s1"]), h.make_node("Mul", ["e", "outer"], ["o2"]),
     h.make_node("Add", ["s1", "o2"], ["r1"]), h.make_node("ReduceSum", ["f"], ["r2"], keepdims=1)],
    "smap_body", [h.make_tensor_value_info("e", F, None), h.make_tensor_value_info("f", F, None), h.make_tensor_value_info("b", F, None)],
    [h.make_tensor_value_info("r1", F, None), h.make_tensor_value_info("r2", F, None)])
case("SequenceMap_17", "SequenceMap", [("x", F, [4, 3]), ("w", F, [4, 3]), ("b", F, [3])], [("y", F, None), ("z", F, None)],
     inits={"outer": sf([1.5, -2.0, 0.5])}, opset=17,
     nodes=[h.make_node("SplitToSequence", ["x"], ["sx"], axis=0, keepdims=0), h.make_node("SplitToSequence", ["w"], ["sw"], axis=0, keepdims=0),
            h.make_node("SequenceMap", ["sx", "sw", "b"], ["m1", "m2"], body=smap_body),
            h.make_node("ConcatFromSequence", ["m1"], ["y"], axis=0, new_axis=1), h.make_node("ConcatFromSequence", ["m2"], ["z"], axis=0)])
# Col2Im: overlapping 2x2 blocks; then strides, dilations, asymmetric pads and image rows no block reaches.
case("Col2Im_18", "Col2Im", [("x", F, [2, 12, 16])], y, inits={"img": s64([5, 5]), "blk": s64([2, 2])}, opset=18)
case("Col2Im_18_strided", "Col2Im", [("x", F, [1, 12, 6])], y, {"strides": [2, 3], "dilations": [1, 2], "pads": [1, 0, 0, 1]},
     inits={"img": s64([6, 7]), "blk": s64([3, 2])}, opset=18)
# DeformConv: offsets of up to ±2 pixels push samples across every border (the (−1, 0) fade-in is where TVM's op differs).
case("DeformConv_19", "DeformConv", [("x", F, [2, 4, 6, 6]), ("off", F, [2, 36, 6, 6])], y, {"group": 2, "offset_group": 2, "pads": [1, 1, 1, 1]},
     inits={"w": f32(6, 2, 3, 3), "b": f32(6)}, opset=19, node_inputs=["x", "w", "off", "b"], ranges={"off": [-2.0, 2.0]})
case("DeformConv_19_mask_strided", "DeformConv", [("x", F, [1, 3, 7, 5]), ("off", F, [1, 8, 4, 4]), ("m", F, [1, 4, 4, 4])], y,
     {"strides": [2, 1], "dilations": [1, 2], "pads": [0, 1, 1, 0], "kernel_shape": [2, 2]}, inits={"w": f32(4, 3, 2, 2)}, opset=19,
     node_inputs=["x", "w", "off", "", "m"], ranges={"off": [-1.5, 1.5], "m": [0.0, 1.0]})
# Further forms: a window without frame_length on a symbolic batch; an int64 mel matrix (ORT divides in the output type, so
# only the exact 1s survive); a symbolic batch through DeformConv (the reshapes copy dim 0).
hann5 = (0.5 - 0.5 * np.cos(2 * np.pi * np.arange(5) / 5)).astype(np.float32)
case("STFT_17_window_only", "STFT", [("x", F, ["batch", 12, 1])], y, inits={"step": s64(2), "win": hann5}, opset=17)
case("MelWeightMatrix_17_int64", "MelWeightMatrix", [("x", I64, [9, 8])], [("y", I64, None)], opset=17,
     inits={"nm": s64(8), "dl": s64(16), "sr": s64(8192), "lo": sf(0.0), "hi": sf(4096.0)},
     nodes=[h.make_node("MelWeightMatrix", ["nm", "dl", "sr", "lo", "hi"], ["m"], output_datatype=I64), h.make_node("Add", ["m", "x"], ["y"])])
case("DeformConv_19_batch", "DeformConv", [("x", F, ["batch", 2, 5, 5]), ("off", F, ["batch", 18, 3, 3])], y, {},
     inits={"w": f32(3, 2, 3, 3)}, opset=19, node_inputs=["x", "w", "off"], ranges={"off": [-3.0, 3.0]})
# Forms refused on purpose (BRG4301; docs/onnx-translation.md "Beyond TVM's frontends").
both = lambda t: {"relay": t, "relax": t}
case("CenterCropPad_18_symbolic_dim", "CenterCropPad", [("x", F, ["batch", 5])], y, inits={"shape": s64([2, 3])}, opset=18,
     unsupported=both("symbolic input dim on axis 0"))
case("STFT_17_complex_onesided", "STFT", [("x", F, [1, 10, 2])], y, inits={"step": s64(3), "flen": s64(4)}, opset=17,
     node_inputs=["x", "step", "", "flen"], unsupported=both("onesided with a complex signal"))
case("MelWeightMatrix_17_dynamic_rate", "MelWeightMatrix", [("sr", I64, [])], y, opset=17,
     inits={"nm": s64(8), "dl": s64(16), "lo": sf(0.0), "hi": sf(4096.0)}, node_inputs=["nm", "dl", "sr", "lo", "hi"],
     unsupported=both("sample_rate that is not a constant"))
# Malformed nodes (no cases.json entry; OnnxMoreLoweringTests expects BRG4304 naming the problem).
def more_bad(name, nodes, ins, inits, opset):
    g = h.make_graph(nodes, name, [h.make_tensor_value_info(n_, e_, s_) for n_, e_, s_ in ins], [h.make_tensor_value_info("y", F, None)],
                     [nh.from_array(v, k) for k, v in inits.items()])
    mm = h.make_model(g, opset_imports=[h.make_opsetid("", opset)], producer_name="bridge-tests")
    mm.ir_version = 9
    onnx.save(mm, os.path.join(OUT, name + ".onnx"))


more_bad("CenterCropPad_bad_repeated_axes", [h.make_node("CenterCropPad", ["x", "shape"], ["y"], axes=[1, -1])],
         [("x", F, [2, 5])], {"shape": s64([3, 3])}, 18)
more_bad("Col2Im_bad_block_count", [h.make_node("Col2Im", ["x", "img", "blk"], ["y"])],
         [("x", F, [1, 4, 15])], {"img": s64([5, 5]), "blk": s64([2, 2])}, 18)
more_bad("STFT_bad_frame_length", [h.make_node("STFT", ["x", "step", "win", "flen"], ["y"])],
         [("x", F, [1, 16, 1])], {"step": s64(4), "win": hann8, "flen": s64(6)}, 17)
more_bad("SequenceMap_bad_lengths", [h.make_node("SplitToSequence", ["x"], ["sx"], axis=0), h.make_node("SplitToSequence", ["w"], ["sw"], axis=0),
                                     h.make_node("SequenceMap", ["sx", "sw"], ["m"], body=h.make_graph(
                                         [h.make_node("Add", ["e", "f"], ["r"])], "b", [h.make_tensor_value_info("e", F, None), h.make_tensor_value_info("f", F, None)],
                                         [h.make_tensor_value_info("r", F, None)])),
                                     h.make_node("ConcatFromSequence", ["m"], ["y"], axis=0)],
         [("x", F, [3, 2]), ("w", F, [4, 2])], {}, 17)
more_bad("MelWeightMatrix_bad_edge", [h.make_node("MelWeightMatrix", ["nm", "dl", "sr", "lo", "hi"], ["y"])], [],
         {"nm": s64(8), "dl": s64(16), "sr": s64(8192), "lo": sf(0.0), "hi": sf(8000.0)}, 17)
with open(os.path.join(OUT, "cases.json"), "w") as fh:
    json.dump(cases, fh, indent=1)
# --- end more ---

# --- ml ------------------------------------------------------------------------------------------------------------------
# ai.onnx.ml classical-ML ops lowered once for both dialects (OnnxEmitterBase.Ml.cs), checked against ONNX Runtime.
ML = "ai.onnx.ml"
xm = [("x", F, ["batch", 4])]
case("Binarizer_1", "Binarizer", xm, y, {"threshold": 0.25}, opset=1, domain=ML)
case("Scaler_1", "Scaler", xm, y, {"offset": [0.5, -0.25, 0.0, 1.0], "scale": [2.0, 0.5, -1.0, 3.0]}, opset=1, domain=ML)
case("Scaler_1_scalar_int64", "Scaler", [("x", I64, ["batch", 4])], y, {"offset": [1.5], "scale": [0.25]}, opset=1, domain=ML)
case("Normalizer_1_max", "Normalizer", [("x", F, ["batch", 5])], y, {"norm": "MAX"}, opset=1, domain=ML, ranges={"x": [0.1, 2.0]})
case("Normalizer_1_l1", "Normalizer", [("x", F, ["batch", 5])], y, {"norm": "L1"}, opset=1, domain=ML)
case("Normalizer_1_l2", "Normalizer", [("x", F, [5])], y, {"norm": "L2"}, opset=1, domain=ML)
# Imputer: Round makes exact zeros to replace; Sqrt of negatives makes NaNs to replace.
case("Imputer_1", "Imputer", xm, y, opset=1, domain=ML, ranges={"x": [-2.0, 2.0]},
     nodes=[h.make_node("Round", ["x"], ["r"]),
            h.make_node("Imputer", ["r"], ["y"], domain=ML, imputed_value_floats=[9.0, 8.0, 7.0, 6.0], replaced_value_float=0.0)])
case("Imputer_1_nan", "Imputer", xm, y, opset=1, domain=ML,
     nodes=[h.make_node("Sqrt", ["x"], ["r"]),
            h.make_node("Imputer", ["r"], ["y"], domain=ML, imputed_value_floats=[-1.0], replaced_value_float=float("nan"))])
case("Imputer_1_int64", "Imputer", [("x", I64, ["batch", 4])], [("y", I64, None)],
     {"imputed_value_int64s": [10, 20, 30, 40], "replaced_value_int64": 1}, opset=1, domain=ML, ranges={"x": [-2, 2]})
case("ArrayFeatureExtractor_1", "ArrayFeatureExtractor", xm, y, inits={"idx": s64([3, 0, 3])}, opset=1, domain=ML)
case("ArrayFeatureExtractor_1_1d", "ArrayFeatureExtractor", [("x", F, [5])], y, inits={"idx": s64([[4], [1]])}, opset=1, domain=ML)
case("FeatureVectorizer_1", "FeatureVectorizer", [("a", F, ["batch", 2]), ("b", F, ["batch", 3]), ("c", F, ["batch", 4])], y,
     {"inputdimensions": [2, 3, 2]}, opset=1, domain=ML)
case("FeatureVectorizer_1_padded", "FeatureVectorizer", [("a", F, ["batch", 2]), ("b", F, ["batch", 3])], y,
     {"inputdimensions": [4, 1]}, opset=1, domain=ML)
case("FeatureVectorizer_1_int64", "FeatureVectorizer", [("a", I64, ["batch", 2]), ("b", I64, ["batch", 1, 3])], y,
     {"inputdimensions": [2, 3]}, opset=1, domain=ML)
lc_coef = [0.5, -1.0, 2.0, 1.5, 0.25, -0.75, -0.5, 1.0, 0.3]
lc_out = [("label", I64, None), ("scores", F, None)]
for pt in ["NONE", "SOFTMAX", "LOGISTIC", "SOFTMAX_ZERO"]:
    case(f"LinearClassifier_1_{pt.lower()}", "LinearClassifier", [("x", F, ["batch", 3])], lc_out,
         {"coefficients": lc_coef, "intercepts": [0.1, -0.3, 0.05], "classlabels_ints": [7, 3, 5], "post_transform": pt},
         opset=1, domain=ML)
case("LinearClassifier_1_binary", "LinearClassifier", [("x", F, ["batch", 3])], lc_out,
     {"coefficients": lc_coef[:3], "intercepts": [0.1], "classlabels_ints": [2, 9], "post_transform": "LOGISTIC"}, opset=1, domain=ML)
for pt in ["NONE", "SOFTMAX", "SOFTMAX_ZERO"]:
    case(f"LinearClassifier_1_binary_{pt.lower()}", "LinearClassifier", [("x", F, ["batch", 3])], lc_out,
         {"coefficients": lc_coef[3:6], "intercepts": [-0.1], "classlabels_ints": [4, 1], "post_transform": pt}, opset=1, domain=ML)
case("LinearClassifier_1_single_1d", "LinearClassifier", [("x", F, [3])], lc_out,
     {"coefficients": lc_coef[:3], "intercepts": [-0.2]}, opset=1, domain=ML)
case("LinearClassifier_1_probit", "LinearClassifier", [("x", F, ["batch", 3])], lc_out,
     {"coefficients": lc_coef, "intercepts": [0.1, -0.3, 0.05], "classlabels_ints": [7, 3, 5], "post_transform": "PROBIT"},
     opset=1, domain=ML, unsupported=both("post_transform 'PROBIT'"))
sv_attrs = {"n_supports": 4, "support_vectors": [0.5, -0.2, 0.1, -0.7, 0.3, 0.9, 0.05, 0.6, -0.4, -0.3, -0.8, 0.2],
            "coefficients": [0.8, -1.2, 0.5, 0.3], "rho": [0.15], "kernel_params": [0.7, 0.4, 3.0]}
for kt in ["LINEAR", "POLY", "RBF", "SIGMOID"]:
    case(f"SVMRegressor_1_{kt.lower()}", "SVMRegressor", [("x", F, ["batch", 3])], y, dict(sv_attrs, kernel_type=kt), opset=1, domain=ML)
case("SVMRegressor_1_linear_model_1d", "SVMRegressor", [("x", F, [3])], y, {"coefficients": [0.4, -0.6, 1.1], "rho": [-0.25], "kernel_params": [0.0, 0.0, 0.0], "n_supports": 0},
     opset=1, domain=ML)
case("SVMRegressor_1_one_class", "SVMRegressor", [("x", F, ["batch", 3])], y, dict(sv_attrs, kernel_type="RBF", one_class=1),
     opset=1, domain=ML, unsupported=both("one_class 1"))
# Malformed ml nodes (no cases.json entry; OnnxMlLoweringTests expects BRG4304 naming the problem).
def ml_bad(name, node, ins, inits=None):
    g = h.make_graph([node], name, [h.make_tensor_value_info(n_, e_, s_) for n_, e_, s_ in ins], [h.make_tensor_value_info("y", F, None)],
                     [nh.from_array(v, k) for k, v in (inits or {}).items()])
    mm = h.make_model(g, opset_imports=[h.make_opsetid("", 17), h.make_opsetid(ML, 1)], producer_name="bridge-tests")
    mm.ir_version = 7
    onnx.save(mm, os.path.join(OUT, name + ".onnx"))


ml_bad("Scaler_bad_scale_length", h.make_node("Scaler", ["x"], ["y"], domain=ML, offset=[0.0], scale=[1.0, 2.0, 3.0]), [("x", F, [2, 4])])
ml_bad("ArrayFeatureExtractor_bad_index", h.make_node("ArrayFeatureExtractor", ["x", "i"], ["y"], domain=ML),
       [("x", F, [2, 4])], {"i": s64([1, 4])})
ml_bad("LinearClassifier_bad_coefficients", h.make_node("LinearClassifier", ["x"], ["l", "y"], domain=ML, coefficients=[1.0, 2.0, 3.0],
                                                         intercepts=[0.0, 0.0], classlabels_ints=[0, 1]), [("x", F, [2, 2])])
ml_bad("SVMRegressor_bad_support_vectors", h.make_node("SVMRegressor", ["x"], ["y"], domain=ML, n_supports=2, support_vectors=[1.0, 2.0, 3.0],
                                                        coefficients=[1.0, 1.0], rho=[0.0], kernel_type="RBF"), [("x", F, [2, 2])])
with open(os.path.join(OUT, "cases.json"), "w") as fh:
    json.dump(cases, fh, indent=1)
# --- end ml ---
