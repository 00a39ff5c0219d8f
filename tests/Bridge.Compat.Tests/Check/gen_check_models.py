"""Small ONNX models for the check/run semantics tests (dims, NaN rule, failing paths). Usage: gen_check_models.py OUTDIR"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def save(graph, path, opset=13, extra_opsets=()):
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset), *extra_opsets], producer_name="gen_check_models")
    model.ir_version = 8
    onnx.save(model, path)


def main(out):
    os.makedirs(out, exist_ok=True)
    rng = np.random.default_rng(0)

    # Two inputs sharing the named dim "batch": a [batch, 4] + b [batch, 4].
    g = helper.make_graph(
        [helper.make_node("Add", ["a", "b"], ["y"])], "two_inputs",
        [helper.make_tensor_value_info("a", TensorProto.FLOAT, ["batch", 4]), helper.make_tensor_value_info("b", TensorProto.FLOAT, ["batch", 4])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["batch", 4])])
    save(g, os.path.join(out, "two_inputs.onnx"))

    # Windows: x [batch, 2, h, ?] -> Conv k3 s2 -> Conv k3 s2 -> MaxPool k5: the anonymous axis 3 needs >= 23.
    w1 = numpy_helper.from_array(rng.standard_normal((4, 2, 3, 3)).astype(np.float32) * 0.3, "w1")
    w2 = numpy_helper.from_array(rng.standard_normal((4, 4, 3, 3)).astype(np.float32) * 0.3, "w2")
    g = helper.make_graph(
        [helper.make_node("Conv", ["x", "w1"], ["c1"], strides=[2, 2]),
         helper.make_node("Relu", ["c1"], ["r1"]),
         helper.make_node("Conv", ["r1", "w2"], ["c2"], strides=[2, 2]),
         helper.make_node("MaxPool", ["c2"], ["y"], kernel_shape=[5, 5])],
        "windows",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", 2, "h", None])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)], initializer=[w1, w2])
    save(g, os.path.join(out, "windows.onnx"))

    # NaN at the same positions on every path: sqrt(x - 0.5) with x uniform in [0, 1).
    half = numpy_helper.from_array(np.array(0.5, dtype=np.float32), "half")
    g = helper.make_graph(
        [helper.make_node("Sub", ["x", "half"], ["d"]), helper.make_node("Sqrt", ["d"], ["y"])], "nan_sqrt",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 8])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2, 8])], initializer=[half])
    save(g, os.path.join(out, "nan_sqrt.onnx"))

    # An op ONNX Runtime runs and Bridge does not translate (com.microsoft.Inverse): the Bridge paths fail, ORT runs.
    g = helper.make_graph(
        [helper.make_node("Inverse", ["x"], ["y"], domain="com.microsoft")], "ort_only",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 3, 3])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2, 3, 3])])
    save(g, os.path.join(out, "ort_only.onnx"), extra_opsets=[helper.make_opsetid("com.microsoft", 1)])

    # No path runs: an op in a domain nobody knows.
    g = helper.make_graph(
        [helper.make_node("Nonesuch", ["x"], ["y"], domain="org.example")], "no_path",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2])])
    save(g, os.path.join(out, "no_path.onnx"), extra_opsets=[helper.make_opsetid("org.example", 1)])

    # fp16 inside, fp32 outside: x -> Cast(fp16) -> MatMul(fp16 weights) -> Cast(fp32).
    w = numpy_helper.from_array((rng.standard_normal((64, 64)) * 0.125).astype(np.float16), "w")
    g = helper.make_graph(
        [helper.make_node("Cast", ["x"], ["h"], to=TensorProto.FLOAT16),
         helper.make_node("MatMul", ["h", "w"], ["m1"]),
         helper.make_node("MatMul", ["m1", "w"], ["m2"]),
         helper.make_node("Cast", ["m2"], ["y"], to=TensorProto.FLOAT)],
        "fp16_inside",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [4, 64])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [4, 64])], initializer=[w])
    save(g, os.path.join(out, "fp16_inside.onnx"))


if __name__ == "__main__":
    main(sys.argv[1])
