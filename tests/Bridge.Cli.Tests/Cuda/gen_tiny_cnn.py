"""Writes tiny_cnn.onnx: a seeded 3-layer CNN with a symbolic batch (conv+bias+relu, depthwise conv, max pool, global
average pool, Gemm, softmax) for the CUDA backend's CLI tests and `scripts/gpu-check.sh --simulate`.
Run: /usr/bin/python3 tests/Bridge.Cli.Tests/Cuda/gen_tiny_cnn.py"""
import os
import numpy as np
import onnx
from onnx import helper, numpy_helper, TensorProto

rng = np.random.default_rng(18)
def w(name, *shape):
    return numpy_helper.from_array((rng.standard_normal(shape) * 0.3).astype(np.float32), name)

inits = [w("w1", 6, 3, 3, 3), w("b1", 6), w("w2", 6, 1, 3, 3), w("fc", 6, 5), w("fb", 5)]
nodes = [
    helper.make_node("Conv", ["x", "w1", "b1"], ["c1"], pads=[1, 1, 1, 1]),
    helper.make_node("Relu", ["c1"], ["r1"]),
    helper.make_node("Conv", ["r1", "w2"], ["c2"], group=6, strides=[2, 2], pads=[1, 1, 1, 1]),
    helper.make_node("MaxPool", ["c2"], ["p1"], kernel_shape=[2, 2], strides=[2, 2]),
    helper.make_node("GlobalAveragePool", ["p1"], ["g"]),
    helper.make_node("Flatten", ["g"], ["f"]),
    helper.make_node("Gemm", ["f", "fc", "fb"], ["logits"]),
    helper.make_node("Softmax", ["logits"], ["y"], axis=-1),
]
graph = helper.make_graph(nodes, "tiny_cnn",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", 3, 11, 9])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["batch", 5])], inits)
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)], producer_name="bridge-tests")
model.ir_version = 7
onnx.checker.check_model(model)
onnx.save(model, os.path.join(os.path.dirname(os.path.abspath(__file__)), "tiny_cnn.onnx"))
