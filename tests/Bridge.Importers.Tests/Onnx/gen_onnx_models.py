#!/usr/bin/python3
"""Builds the ONNX test models for Bridge's loader, canonicalizer and ONNX Runtime tests (onnx 1.12, numpy).

Usage: gen_onnx_models.py OUT_DIR
Writes OUT_DIR/good/*.onnx (single-op models over opset variants and a few structural ones), OUT_DIR/bad/*.onnx
(malformed on purpose), and OUT_DIR/numeric.json (inputs and numpy reference outputs for a handful of models, to check
the ONNX Runtime runner). Deterministic: same output for the same onnx/numpy versions.
"""
import json
import os
import sys

import numpy as np
import onnx
from onnx import AttributeProto, TensorProto, helper, numpy_helper

OUT = sys.argv[1]
GOOD = os.path.join(OUT, "good")
BAD = os.path.join(OUT, "bad")
os.makedirs(GOOD, exist_ok=True)
os.makedirs(BAD, exist_ok=True)
F = TensorProto.FLOAT
I64 = TensorProto.INT64


def vi(name, dtype, shape):
    return helper.make_tensor_value_info(name, dtype, shape)


def model(name, nodes, inputs, outputs, opset, inits=(), folder=GOOD, extra_opsets=(), functions=None, value_info=(), ir=8):
    g = helper.make_graph(nodes, name, inputs, outputs, initializer=list(inits), value_info=list(value_info))
    ops = [helper.make_opsetid("", opset)] + [helper.make_opsetid(d, v) for d, v in extra_opsets]
    kw = {"functions": functions} if functions else {}
    m = helper.make_model(g, opset_imports=ops, producer_name="bridge-tests", producer_version="1.0", **kw)
    m.ir_version = ir
    path = os.path.join(folder, name + ".onnx")
    onnx.save(m, path)
    return m


def init(name, arr):
    return numpy_helper.from_array(np.asarray(arr), name)


# ---------------------------------------------------------------- good: single ops, opset variants
x4 = vi("X", F, [1, 3, 5, 5])
y = vi("Y", F, None)
w4 = init("W", np.arange(2 * 3 * 4 * 4, dtype=np.float32).reshape(2, 3, 4, 4) / 100)
for mode in ["SAME_UPPER", "SAME_LOWER", "VALID", "NOTSET"]:
    attrs = {"strides": [2, 2], "auto_pad": mode}
    if mode == "NOTSET":
        attrs["pads"] = [0, 1, 2, 3]
    n = helper.make_node("Conv", ["X", "W"], ["Y"], name="conv", **attrs)
    model(f"conv_{mode.lower()}_v11", [n], [x4], [y], 11, [w4])
n = helper.make_node("Conv", ["X", "W3"], ["Y"], name="conv", strides=[2, 2], auto_pad="SAME_UPPER")
model("conv_symbolic_v13", [n], [vi("X", F, ["N", 3, "H", "W"])], [y], 13, [init("W3", np.ones((2, 3, 3, 3), np.float32))])
n = helper.make_node("ConvTranspose", ["X", "W"], ["Y"], name="convt", strides=[2, 2], output_shape=[10, 10])
model("convtranspose_outshape_v11", [n], [vi("X", F, [1, 2, 5, 5])], [y], 11, [init("W", np.ones((2, 1, 3, 3), np.float32))])
n = helper.make_node("MaxPool", ["X"], ["Y"], name="pool", kernel_shape=[2, 2])
model("maxpool_v8", [n], [x4], [y], 8)
n = helper.make_node("AveragePool", ["X"], ["Y"], name="pool", kernel_shape=[3, 3], strides=[2, 2], ceil_mode=1, count_include_pad=1, pads=[1, 1, 1, 1])
model("avgpool_v11", [n], [x4], [y], 11)

xs = vi("X", F, [2, 3, 4])
n = helper.make_node("Reshape", ["X", "shape"], ["Y"], name="r")
model("reshape_v13", [n], [xs], [y], 13, [init("shape", np.array([6, -1], np.int64))])
n = helper.make_node("Slice", ["X"], ["Y"], name="s", starts=[0, 1], ends=[2, 3], axes=[0, 2])
model("slice_v9", [n], [xs], [y], 9)
n = helper.make_node("Slice", ["X", "starts", "ends", "axes"], ["Y"], name="s")
model("slice_v13", [n], [xs], [y], 13, [init("starts", np.array([0, 1], np.int64)), init("ends", np.array([2, 3], np.int64)), init("axes", np.array([0, 2], np.int64))])
n = helper.make_node("Pad", ["X"], ["Y"], name="p", pads=[0, 1, 0, 0, 1, 0], value=2.5, mode="constant")
model("pad_v10", [n], [xs], [y], 10)
n = helper.make_node("Pad", ["X", "pads", "cv"], ["Y"], name="p", mode="reflect")
model("pad_v13", [n], [xs], [y], 13, [init("pads", np.array([0, 1, 0, 0, 1, 0], np.int64)), init("cv", np.array(0, np.float32))])
n = helper.make_node("Clip", ["X"], ["Y"], name="c", min=-1.0, max=1.0)
model("clip_v10", [n], [xs], [y], 10)
n = helper.make_node("Clip", ["X", "", "mx"], ["Y"], name="c")
model("clip_v13", [n], [xs], [y], 13, [init("mx", np.array(0.5, np.float32))])
x4b = vi("X", F, [1, 1, 2, 2])
n = helper.make_node("Upsample", ["X"], ["Y"], name="u", scales=[1.0, 1.0, 2.0, 2.0], mode="nearest")
model("upsample_v8", [n], [x4b], [y], 8)
n = helper.make_node("Upsample", ["X", "scales"], ["Y"], name="u", mode="linear")
model("upsample_v9", [n], [x4b], [y], 9, [init("scales", np.array([1, 1, 2, 2], np.float32))])
n = helper.make_node("Resize", ["X", "scales"], ["Y"], name="r", mode="nearest")
model("resize_v10", [n], [x4b], [y], 10, [init("scales", np.array([1, 1, 2, 2], np.float32))])
n = helper.make_node("Resize", ["X", "", "", "sizes"], ["Y"], name="r", mode="cubic", coordinate_transformation_mode="align_corners")
model("resize_v13", [n], [x4b], [y], 13, [init("sizes", np.array([1, 1, 4, 4], np.int64))])
n = helper.make_node("Split", ["X"], ["A", "B"], name="s", axis=2, split=[1, 3])
model("split_v10", [n], [xs], [vi("A", F, None), vi("B", F, None)], 10)
n = helper.make_node("Split", ["X", "split"], ["A", "B"], name="s", axis=2)
model("split_v13", [n], [xs], [vi("A", F, None), vi("B", F, None)], 13, [init("split", np.array([1, 3], np.int64))])
n = helper.make_node("Split", ["X"], ["A", "B"], name="s", axis=2, num_outputs=2)
model("split_v18", [n], [xs], [vi("A", F, None), vi("B", F, None)], 18)
xsq = vi("X", F, [2, 1, 4])
n = helper.make_node("Squeeze", ["X"], ["Y"], name="s", axes=[1])
model("squeeze_v10", [n], [xsq], [y], 10)
n = helper.make_node("Unsqueeze", ["X", "axes"], ["Y"], name="s")
model("unsqueeze_v13", [n], [xsq], [y], 13, [init("axes", np.array([0], np.int64))])
n = helper.make_node("ReduceSum", ["X"], ["Y"], name="r", axes=[1], keepdims=0)
model("reducesum_v10", [n], [xs], [y], 10)
n = helper.make_node("ReduceSum", ["X", "axes"], ["Y"], name="r", keepdims=0)
model("reducesum_v13", [n], [xs], [y], 13, [init("axes", np.array([1], np.int64))])
n = helper.make_node("ReduceMean", ["X"], ["Y"], name="r", axes=[-1])
model("reducemean_v17", [n], [xs], [y], 17)
n = helper.make_node("TopK", ["X"], ["V", "I"], name="t", k=2, axis=-1)
model("topk_v9", [n], [xs], [vi("V", F, None), vi("I", I64, None)], 9)
n = helper.make_node("TopK", ["X", "k"], ["V", "I"], name="t", largest=0)
model("topk_v11", [n], [xs], [vi("V", F, None), vi("I", I64, None)], 11, [init("k", np.array([2], np.int64))])
n = helper.make_node("Softmax", ["X"], ["Y"], name="sm")
model("softmax_v11", [n], [xs], [y], 11)
model("softmax_v13", [helper.make_node("Softmax", ["X"], ["Y"], name="sm")], [xs], [y], 13)
n = helper.make_node("Dropout", ["X"], ["Y"], name="d", ratio=0.25)
model("dropout_v10", [n], [xs], [y], 10)
bn_in = [init(k, np.ones(3, np.float32)) for k in ["s", "b", "m", "v"]]
n = helper.make_node("BatchNormalization", ["X", "s", "b", "m", "v"], ["Y"], name="bn", epsilon=1e-3)
model("batchnorm_v15", [n], [x4], [y], 15, bn_in)
n = helper.make_node("Cast", ["X"], ["Y"], name="c", to=TensorProto.FLOAT16)
model("cast_v13", [n], [xs], [vi("Y", TensorProto.FLOAT16, None)], 13)
n = helper.make_node("Constant", [], ["Y"], name="k", value_floats=[1.5, 2.5])
model("constant_v13", [n], [], [y], 13)
n = helper.make_node("Gemm", ["A", "B"], ["Y"], name="g", transB=1, alpha=2.0)
model("gemm_v13", [n], [vi("A", F, [2, 3])], [y], 13, [init("B", np.ones((4, 3), np.float32))])
n = helper.make_node("LSTM", ["X", "W", "R"], ["Y", "Yh"], name="lstm", hidden_size=4, direction="bidirectional")
model("lstm_v14", [n], [vi("X", F, [5, 1, 3])], [vi("Y", F, None), vi("Yh", F, None)], 14,
      [init("W", np.zeros((2, 16, 3), np.float32)), init("R", np.zeros((2, 16, 4), np.float32))])
n = helper.make_node("GRU", ["X", "W", "R"], ["Y"], name="gru", hidden_size=4, linear_before_reset=1)
model("gru_v7", [n], [vi("X", F, [5, 1, 3])], [y], 7, [init("W", np.zeros((1, 12, 3), np.float32)), init("R", np.zeros((1, 12, 4), np.float32))])
n = helper.make_node("Einsum", ["A", "B"], ["Y"], name="e", equation="ij,jk->ik")
model("einsum_v12", [n], [vi("A", F, [2, 3]), vi("B", F, [3, 4])], [y], 12)
n = helper.make_node("LayerNormalization", ["X", "sc"], ["Y"], name="ln", epsilon=1e-6)
model("layernorm_v17", [n], [xs], [y], 17, [init("sc", np.ones(4, np.float32))])
n = helper.make_node("Gelu", ["X"], ["Y"], name="gelu", domain="com.microsoft")
model("ms_gelu", [n], [xs], [y], 13, extra_opsets=[("com.microsoft", 1)])
n = helper.make_node("QuantizeLinear", ["X", "sc", "zp"], ["Y"], name="q", axis=1)
model("quantize_v13", [n], [xs], [vi("Y", TensorProto.UINT8, None)], 13, [init("sc", np.array(0.1, np.float32)), init("zp", np.array(3, np.uint8))])
n = helper.make_node("NonMaxSuppression", ["boxes", "scores"], ["Y"], name="nms", center_point_box=1)
model("nms_v11", [n], [vi("boxes", F, [1, 4, 4]), vi("scores", F, [1, 1, 4])], [vi("Y", I64, None)], 11)

# If with outer-scope reads, Loop, a model-local function with an attribute reference, external data.
then_g = helper.make_graph([helper.make_node("Add", ["X", "X"], ["t"], name="then_add")], "then", [], [vi("t", F, None)])
else_g = helper.make_graph([helper.make_node("Neg", ["X"], ["e"], name="else_neg")], "else", [], [vi("e", F, None)])
n = helper.make_node("If", ["cond"], ["Y"], name="if", then_branch=then_g, else_branch=else_g)
model("if_v13", [n], [vi("cond", TensorProto.BOOL, []), vi("X", F, [2])], [y], 13)
body = helper.make_graph([helper.make_node("Add", ["acc_in", "X"], ["acc_out"], name="body_add"),
                          helper.make_node("Identity", ["c_in"], ["c_out"], name="body_id")], "body",
                         [vi("i", I64, []), vi("c_in", TensorProto.BOOL, []), vi("acc_in", F, [2])],
                         [vi("c_out", TensorProto.BOOL, []), vi("acc_out", F, [2])])
n = helper.make_node("Loop", ["M", "", "acc0"], ["Y"], name="loop", body=body)
model("loop_v13", [n], [vi("X", F, [2]), vi("acc0", F, [2])], [y], 13, [init("M", np.array(3, np.int64))])

ref = AttributeProto()
ref.name = "alpha"
ref.ref_attr_name = "a"
ref.type = AttributeProto.FLOAT
fn_node = helper.make_node("LeakyRelu", ["x"], ["t"], name="lr")
fn_node.attribute.append(ref)
fn = helper.make_function("local.fns", "ScaledLeaky", ["x"], ["y"],
                          [fn_node, helper.make_node("Add", ["t", "x"], ["y"], name="add")], [helper.make_opsetid("", 13)], ["a"])
n = helper.make_node("ScaledLeaky", ["X"], ["Y"], name="call", domain="local.fns", a=0.5)
model("function_v13", [n], [vi("X", F, [3])], [y], 13, extra_opsets=[("local.fns", 1)], functions=[fn])

ext = numpy_helper.from_array(np.arange(6, dtype=np.float32).reshape(2, 3), "W")
with open(os.path.join(GOOD, "weights.bin"), "wb") as f:
    f.write(b"\0" * 16 + ext.raw_data)
ext.ClearField("raw_data")
ext.data_location = TensorProto.EXTERNAL
for k, v in [("location", "weights.bin"), ("offset", "16"), ("length", "24")]:
    e = ext.external_data.add(); e.key = k; e.value = v
n = helper.make_node("Add", ["X", "W"], ["Y"], name="add")
model("external_v13", [n], [vi("X", F, [2, 3])], [y], 13, [ext])

# An initializer that is also a graph input (IR < 4 style), and an unsorted (but acyclic) graph.
n = helper.make_node("Mul", ["X", "S"], ["Y"], name="mul")
model("init_as_input_v13", [n], [vi("X", F, [2]), vi("S", F, [2])], [y], 13, [init("S", np.array([2, 3], np.float32))], ir=3)
model("unsorted_v13", [helper.make_node("Neg", ["T"], ["Y"], name="second"), helper.make_node("Abs", ["X"], ["T"], name="first")],
      [vi("X", F, [2])], [y], 13)

# Unsupported ops everywhere (top level and inside a subgraph), for the one-diagnostic report.
sub = helper.make_graph([helper.make_node("FrobnicateInner", ["X"], ["s"], name="inner", domain="com.example")], "then2", [], [vi("s", F, None)])
nodes = [helper.make_node("Frobnicate", ["X"], ["a"], name="f1", domain="com.example"),
         helper.make_node("Frobnicate", ["a"], ["b"], name="f2", domain="com.example"),
         helper.make_node("ZipMap", ["b"], ["c"], name="zm", domain="ai.onnx.ml"),
         helper.make_node("If", ["cond"], ["Y"], name="if2", then_branch=sub, else_branch=sub)]
model("unsupported_v13", nodes, [vi("X", F, [2]), vi("cond", TensorProto.BOOL, [])], [y], 13, extra_opsets=[("com.example", 1), ("ai.onnx.ml", 3)])

# ---------------------------------------------------------------- bad
model("cycle", [helper.make_node("Abs", ["B"], ["A"], name="a"), helper.make_node("Neg", ["A"], ["B"], name="b"),
                helper.make_node("Add", ["A", "X"], ["Y"], name="c")], [vi("X", F, [2])], [y], 13, folder=BAD)
model("missing_initializer", [helper.make_node("Add", ["X", "Wmissing"], ["Y"], name="add")], [vi("X", F, [2])], [y], 13, folder=BAD)
big = TensorProto(); big.name = "Big"; big.data_type = F; big.dims.extend([1 << 32])
model("dim_over_2_31", [helper.make_node("Add", ["X", "Big"], ["Y"], name="add")], [vi("X", F, [2])], [y], 13, [big], folder=BAD)
model("valueinfo_dim_over_2_31", [helper.make_node("Abs", ["X"], ["Y"], name="abs")], [vi("X", F, [3000000000])], [y], 13, folder=BAD)
absurd = TensorProto(); absurd.name = "Huge"; absurd.data_type = F; absurd.dims.extend([65536, 65536])
model("absurd_size", [helper.make_node("Add", ["X", "Huge"], ["Y"], name="add")], [vi("X", F, [2])], [y], 13, [absurd], folder=BAD)
short = numpy_helper.from_array(np.ones(4, np.float32), "S"); short.dims[0] = 5
model("raw_data_mismatch", [helper.make_node("Add", ["X", "S"], ["Y"], name="add")], [vi("X", F, [5])], [y], 13, [short], folder=BAD)
odd = TensorProto(); odd.name = "U"; odd.data_type = 99; odd.dims.extend([1]); odd.raw_data = b"\0\0\0\0"
model("unknown_dtype", [helper.make_node("Add", ["X", "U"], ["Y"], name="add")], [vi("X", F, [1])], [y], 13, [odd], folder=BAD)
for nm, loc in [("external_escape", "../outside.bin"), ("external_absolute", "/etc/passwd"), ("external_missing", "nothere.bin"), ("external_range", "ext_small.bin")]:
    t = TensorProto(); t.name = "E"; t.data_type = F; t.dims.extend([4]); t.data_location = TensorProto.EXTERNAL
    e = t.external_data.add(); e.key = "location"; e.value = loc
    if nm == "external_range":
        e = t.external_data.add(); e.key = "offset"; e.value = "8"
    model(nm, [helper.make_node("Add", ["X", "E"], ["Y"], name="add")], [vi("X", F, [4])], [y], 13, [t], folder=BAD)
with open(os.path.join(BAD, "ext_small.bin"), "wb") as f:
    f.write(b"\0" * 16)
with open(os.path.join(OUT, "outside.bin"), "wb") as f:
    f.write(b"\0" * 16)
n = helper.make_node("Conv", ["X", "W"], ["Y"], name="conv_bad_type")
n.attribute.append(helper.make_attribute("strides", [1.0, 1.0]))
model("attr_wrong_type", [n], [x4], [y], 11, [w4], folder=BAD)
model("attr_bad_value", [helper.make_node("Conv", ["X", "W"], ["Y"], name="conv_bad_pad", auto_pad="SAME_MIDDLE")], [x4], [y], 11, [w4], folder=BAD)
model("opset_too_old", [helper.make_node("Abs", ["X"], ["Y"], name="abs")], [vi("X", F, [2])], [y], 5, folder=BAD)
model("cast_missing_to", [helper.make_node("Cast", ["X"], ["Y"], name="cast")], [vi("X", F, [2])], [y], 13, folder=BAD)

# ---------------------------------------------------------------- numeric references for the ORT runner
rng = np.random.RandomState(7)
numeric = {}


def record(name, feeds, outputs):
    numeric[name] = {
        "inputs": {k: {"dtype": str(v.dtype), "shape": list(v.shape), "data": v.ravel().astype(np.float64).tolist()} for k, v in feeds.items()},
        "outputs": {k: {"dtype": str(v.dtype), "shape": list(v.shape), "data": v.ravel().astype(np.float64).tolist()} for k, v in outputs.items()},
    }


a = rng.rand(2, 3).astype(np.float32); b = rng.rand(3).astype(np.float32)
model("num_add_v13", [helper.make_node("Add", ["A", "B"], ["Y"], name="add")], [vi("A", F, ["batch", 3]), vi("B", F, [3])], [y], 13)
record("num_add_v13", {"A": a, "B": b}, {"Y": a + b})
x = rng.rand(2, 5).astype(np.float32)
model("num_softmax_v13", [helper.make_node("Softmax", ["X"], ["Y"], name="sm")], [vi("X", F, [2, 5])], [y], 13)
e = np.exp(x - x.max(-1, keepdims=True)); record("num_softmax_v13", {"X": x}, {"Y": e / e.sum(-1, keepdims=True)})
x = rng.rand(1, 1, 4, 4).astype(np.float32); wc = np.ones((1, 1, 3, 3), np.float32)
model("num_conv_v11", [helper.make_node("Conv", ["X", "W"], ["Y"], name="conv", pads=[1, 1, 1, 1])], [vi("X", F, [1, 1, 4, 4])], [y], 11, [init("W", wc)])
xp = np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)))
conv = np.array([[xp[0, 0, i:i + 3, j:j + 3].sum() for j in range(4)] for i in range(4)], np.float32).reshape(1, 1, 4, 4)
record("num_conv_v11", {"X": x}, {"Y": conv})
xi = rng.randint(-5, 5, size=(3, 4)).astype(np.int64)
model("num_topk_v11", [helper.make_node("TopK", ["X", "k"], ["V", "I"], name="t")], [vi("X", I64, [3, 4])], [vi("V", I64, None), vi("I", I64, None)], 11, [init("k", np.array([1], np.int64))])
record("num_topk_v11", {"X": xi}, {"V": xi.max(-1, keepdims=True), "I": xi.argmax(-1).reshape(3, 1).astype(np.int64)})
xh = rng.rand(4).astype(np.float16)
model("num_cast_fp16_v13", [helper.make_node("Cast", ["X"], ["Y"], name="c", to=F)], [vi("X", TensorProto.FLOAT16, [4])], [vi("Y", F, None)], 13)
record("num_cast_fp16_v13", {"X": xh}, {"Y": xh.astype(np.float32)})
xb = np.array([True, False, True]); yb = np.array([True, True, False])
model("num_and_v13", [helper.make_node("And", ["A", "B"], ["Y"], name="and")], [vi("A", TensorProto.BOOL, [3]), vi("B", TensorProto.BOOL, [3])], [vi("Y", TensorProto.BOOL, None)], 13)
record("num_and_v13", {"A": xb, "B": yb}, {"Y": xb & yb})
x = rng.rand(3).astype(np.float32)
record("function_v13", {"X": x - 0.5}, {"Y": np.where(x - 0.5 >= 0, x - 0.5, 0.5 * (x - 0.5)) + (x - 0.5)})
xe = rng.rand(2, 3).astype(np.float32)
record("external_v13", {"X": xe}, {"Y": xe + np.arange(6, dtype=np.float32).reshape(2, 3)})
xl = rng.rand(2).astype(np.float32); acc = rng.rand(2).astype(np.float32)
record("loop_v13", {"X": xl, "acc0": acc}, {"Y": acc + 3 * xl})

with open(os.path.join(OUT, "numeric.json"), "w") as f:
    json.dump(numeric, f, indent=1, sort_keys=True)
print("ok")
