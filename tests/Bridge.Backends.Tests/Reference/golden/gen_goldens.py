#!/usr/bin/python3
"""Writes the reference-kernel goldens: inputs and numpy/torch outputs as raw little-endian bytes (goldens.bin) plus a JSON
index (goldens.json: per case the op, its kernel-level attrs, and each array's name, dtype, shape, offset, byte length).

Run:  /usr/bin/python3 tests/Bridge.Backends.Tests/Reference/golden/gen_goldens.py
The references are independent of Bridge: numpy and torch 1.13 compute every expected output."""
import json, os
import numpy as np
import torch
import torch.nn.functional as F

from golden_io import Goldens, t

_g = Goldens(1234)
rng, arr, case, r = _g.rng, _g.arr, _g.case, _g.r


# ---------------- convolutions ----------------
x = r(2, 4, 7, 6); w = r(6, 2, 3, 2)
y = F.conv2d(t(x), t(w), stride=(2, 1), padding=(1, 1), dilation=(1, 2), groups=2).numpy()
case("conv2d_groups_stride_dilation", "conv", {"strides": [2, 1], "padding": [1, 1], "dilation": [1, 2], "groups": 2}, [x, w], [y])
# asymmetric padding: (top, left, bottom, right) = (1, 0, 2, 1); torch: pad then conv
x = r(1, 3, 5, 5); w = r(4, 3, 3, 3)
y = F.conv2d(F.pad(t(x), (0, 1, 1, 2)), t(w)).numpy()
case("conv2d_asymmetric_padding", "conv", {"strides": [1, 1], "padding": [1, 0, 2, 1], "dilation": [1, 1], "groups": 1}, [x, w], [y])
# NHWC / HWIO
x = r(1, 6, 5, 3); w = r(3, 3, 3, 8)
y = F.conv2d(t(x.transpose(0, 3, 1, 2)), t(w.transpose(3, 2, 0, 1)), padding=1).numpy().transpose(0, 2, 3, 1)
case("conv2d_nhwc_hwio", "conv", {"strides": [1, 1], "padding": [1, 1], "dilation": [1, 1], "groups": 1, "data_layout": "NHWC", "kernel_layout": "HWIO"}, [x, w], [y])
x = r(2, 8, 9, 9); w = r(8, 1, 3, 3)
y = F.conv2d(t(x), t(w), stride=2, padding=1, groups=8).numpy()
case("conv2d_depthwise", "conv", {"strides": [2, 2], "padding": [1, 1], "dilation": [1, 1], "groups": 8}, [x, w], [y])
x = r(1, 64, 14, 14); w = r(40, 64, 1, 1)
y = F.conv2d(t(x), t(w)).numpy()
case("conv2d_pointwise_gemm", "conv", {"strides": [1, 1], "padding": [0, 0], "dilation": [1, 1], "groups": 1}, [x, w], [y], rtol=1e-4, atol=1e-4)
x = r(2, 3, 11); w = r(5, 3, 4)
y = F.conv1d(t(x), t(w), stride=2, padding=2, dilation=1).numpy()
case("conv1d", "conv", {"strides": [2], "padding": [2], "dilation": [1], "groups": 1, "data_layout": "NCW", "kernel_layout": "OIW"}, [x, w], [y])
x = r(1, 2, 4, 5, 5); w = r(3, 2, 2, 3, 3)
y = F.conv3d(t(x), t(w), stride=1, padding=(0, 1, 1)).numpy()
case("conv3d", "conv", {"strides": [1, 1, 1], "padding": [0, 1, 1], "dilation": [1, 1, 1], "groups": 1, "data_layout": "NCDHW", "kernel_layout": "OIDHW"}, [x, w], [y])
x = r(1, 2, 4, 4).astype(np.float64); w = r(3, 2, 3, 3).astype(np.float64)
y = F.conv2d(t(x), t(w), padding=1).numpy()
case("conv2d_float64", "conv", {"strides": [1, 1], "padding": [1, 1], "dilation": [1, 1], "groups": 1}, [x, w], [y], rtol=1e-12, atol=1e-12)
x = rng.integers(-128, 127, (1, 2, 5, 5)).astype(np.int8); w = rng.integers(-128, 127, (2, 2, 3, 3)).astype(np.int8)
y = F.conv2d(t(x.astype(np.float64)), t(w.astype(np.float64))).numpy().astype(np.int32)
case("conv2d_int8_to_int32", "conv", {"strides": [1, 1], "padding": [0, 0], "dilation": [1, 1], "groups": 1, "out_dtype": "int32"}, [x, w], [y], rtol=0, atol=0)
# transposed
x = r(1, 4, 5, 4); w = r(4, 3, 3, 3)
y = F.conv_transpose2d(t(x), t(w), stride=2, padding=1, output_padding=1, groups=2).numpy()
case("conv2d_transpose_groups_outpad", "conv_transpose", {"strides": [2, 2], "padding": [1, 1], "dilation": [1, 1], "groups": 2, "output_padding": [1, 1], "kernel_layout": "IOHW"}, [x, w], [y])
x = r(2, 3, 6); w = r(3, 2, 3)
y = F.conv_transpose1d(t(x), t(w), stride=3, padding=0, dilation=2).numpy()
case("conv1d_transpose", "conv_transpose", {"strides": [3], "padding": [0], "dilation": [2], "groups": 1, "data_layout": "NCW", "kernel_layout": "IOW"}, [x, w], [y])
x = r(1, 2, 2, 3, 3); w = r(2, 2, 2, 2, 2)
y = F.conv_transpose3d(t(x), t(w), stride=2, padding=1).numpy()
case("conv3d_transpose", "conv_transpose", {"strides": [2, 2, 2], "padding": [1, 1, 1], "dilation": [1, 1, 1], "groups": 1, "data_layout": "NCDHW", "kernel_layout": "IODHW"}, [x, w], [y])

# ---------------- pools ----------------
x = r(1, 2, 7, 7)
y = F.max_pool2d(t(x), 3, stride=2, padding=1, ceil_mode=True).numpy()
case("max_pool2d_ceil", "pool", {"kind": "max", "pool_size": [3, 3], "strides": [2, 2], "padding": [1, 1], "ceil_mode": True}, [x], [y])
x = r(1, 2, 6, 6)
y = F.max_pool2d(t(x), 2, stride=2, padding=0, dilation=2).numpy()
case("max_pool2d_dilation", "pool", {"kind": "max", "pool_size": [2, 2], "strides": [2, 2], "padding": [0, 0], "dilation": [2, 2]}, [x], [y])
x = r(2, 3, 6, 5)
y = F.avg_pool2d(t(x), 3, stride=2, padding=1, count_include_pad=True).numpy()
case("avg_pool2d_include_pad", "pool", {"kind": "avg", "pool_size": [3, 3], "strides": [2, 2], "padding": [1, 1], "count_include_pad": True}, [x], [y])
y = F.avg_pool2d(t(x), 3, stride=2, padding=1, count_include_pad=False).numpy()
case("avg_pool2d_exclude_pad", "pool", {"kind": "avg", "pool_size": [3, 3], "strides": [2, 2], "padding": [1, 1], "count_include_pad": False}, [x], [y])
x = r(1, 3, 9)
y = F.avg_pool1d(t(x), 2, stride=2, ceil_mode=True).numpy()
case("avg_pool1d_ceil", "pool", {"kind": "avg", "pool_size": [2], "strides": [2], "padding": [0], "ceil_mode": True, "layout": "NCW"}, [x], [y])
x = r(1, 2, 4, 6, 6)
y = F.max_pool3d(t(x), 2, stride=2).numpy()
case("max_pool3d", "pool", {"kind": "max", "pool_size": [2, 2, 2], "strides": [2, 2, 2], "padding": [0, 0, 0], "layout": "NCDHW"}, [x], [y])
x = np.abs(r(1, 2, 6, 6))
y = F.lp_pool2d(t(x), 2.0, 2, stride=2).numpy()
case("lp_pool2d", "pool", {"kind": "lp", "pool_size": [2, 2], "strides": [2, 2], "padding": [0, 0], "p": 2.0}, [x], [y])
x = r(2, 3, 7, 5)
y = F.adaptive_avg_pool2d(t(x), (3, 2)).numpy()
case("adaptive_avg_pool2d", "adaptive_pool", {"kind": "avg", "output_size": [3, 2]}, [x], [y])
y = F.adaptive_max_pool2d(t(x), (4, 3)).numpy()
case("adaptive_max_pool2d", "adaptive_pool", {"kind": "max", "output_size": [4, 3]}, [x], [y])
y = x.mean(axis=(2, 3), keepdims=True)
case("global_avg_pool2d", "adaptive_pool", {"kind": "avg", "output_size": [1, 1]}, [x], [y])

# ---------------- norms, softmax ----------------
x = r(2, 4, 3, 3); g = r(4); b = r(4); m = r(4); v = np.abs(r(4)) + 0.1
y = F.batch_norm(t(x), t(m), t(v), t(g), t(b), training=False, eps=1e-5).numpy()
case("batch_norm", "batch_norm", {"axis": 1, "epsilon": 1e-5}, [x, g, b, m, v], [y])
x = r(2, 3, 8); g = r(8); b = r(8)
y = F.layer_norm(t(x), (8,), t(g), t(b), eps=1e-5).numpy()
case("layer_norm", "layer_norm", {"axes": [-1], "epsilon": 1e-5}, [x, g, b], [y])
x = r(2, 6, 4, 3); g = r(6); b = r(6)
y = F.group_norm(t(x), 3, t(g), t(b), eps=1e-5).numpy()
case("group_norm", "group_norm", {"num_groups": 3, "epsilon": 1e-5}, [x, g, b], [y])
y = F.instance_norm(t(x), weight=t(g), bias=t(b), eps=1e-5).numpy()
case("instance_norm", "instance_norm", {"epsilon": 1e-5}, [x, g, b], [y])
x = r(3, 10)
y = F.local_response_norm(t(x.reshape(1, 3, 10)), 3, alpha=1e-2, beta=0.75, k=2.0).numpy().reshape(3, 10)
case("lrn", "lrn", {"size": 3, "axis": 0, "bias": 2.0, "alpha": 1e-2, "beta": 0.75}, [x], [y])
x = r(2, 5); wt = r(5)
y = (x / np.sqrt((x.astype(np.float64) ** 2).mean(-1, keepdims=True) + 1e-6) * wt).astype(np.float32)
case("rms_norm", "rms_norm", {"axes": [-1], "epsilon": 1e-6}, [x, wt], [y])
x = r(2, 3, 4)
y = (x / np.sqrt(np.maximum((x.astype(np.float64) ** 2).sum(axis=(1, 2), keepdims=True), 1e-12))).astype(np.float32)
case("l2_normalize", "l2_normalize", {"axes": [1, 2], "eps": 1e-12}, [x], [y])
x = r(3, 7) * 30; x[0, 2] = 1000.0
case("softmax_large", "softmax", {"axis": 1}, [x], [torch.softmax(t(x), 1).numpy()])
case("log_softmax_axis0", "log_softmax", {"axis": 0}, [x], [torch.log_softmax(t(x), 0).numpy()])

# ---------------- elementwise ----------------
base = np.array([-3.5, -2.5, -1.0, -0.5, -0.0, 0.0, 0.5, 1.5, 2.5, 3.7, np.inf, -np.inf, np.nan], dtype=np.float32)
pos = np.array([0.0, 1e-30, 0.5, 1.0, 2.0, 100.0, np.inf, np.nan], dtype=np.float32)
tx = t(base)
un = {
    "exp": np.exp(base), "tanh": np.tanh(base), "sigmoid": torch.sigmoid(tx).numpy(), "erf": torch.erf(tx).numpy(),
    "gelu_erf": F.gelu(tx).numpy(), "gelu_tanh": F.gelu(tx, approximate="tanh").numpy(), "relu": F.relu(tx).numpy(),
    "softplus": np.logaddexp(0, base.astype(np.float64)).astype(np.float32), "silu": F.silu(tx).numpy(),
    "elu": F.elu(tx, 0.7).numpy(), "selu": F.selu(tx).numpy(), "hard_swish": F.hardswish(tx).numpy(),
    "hard_sigmoid": F.hardsigmoid(tx).numpy(), "abs": np.abs(base), "neg": -base, "sign": np.sign(base),
    "floor": np.floor(base), "ceil": np.ceil(base), "round": np.round(base), "trunc": np.trunc(base),
    "sin": np.sin(base), "cos": np.cos(base), "atan": np.arctan(base), "leaky_relu": F.leaky_relu(tx, 0.1).numpy(),
    "isnan": np.isnan(base), "isinf": np.isinf(base), "isfinite": np.isfinite(base), "logical_not": np.logical_not(base),
}
attrs = {"elu": {"alpha": 0.7}, "leaky_relu": {"alpha": 0.1}, "hard_sigmoid": {"alpha": 1 / 6, "beta": 0.5}}
with np.errstate(all="ignore"):
    for k, v in un.items():
        case("unary_" + k, "unary", {"fn": k, **attrs.get(k, {})}, [base], [v], rtol=2e-6, atol=1e-6)
    for k, v in {"log": np.log(pos), "sqrt": np.sqrt(pos), "rsqrt": (1 / np.sqrt(pos.astype(np.float64))).astype(np.float32)}.items():
        case("unary_" + k + "_pos", "unary", {"fn": k}, [pos], [v], rtol=2e-6, atol=1e-6)
i8 = np.array([-128, -5, 0, 7, 127], dtype=np.int8)
case("unary_abs_neg_int8_wrap", "unary", {"fn": "abs"}, [i8], [np.abs(i8)], rtol=0, atol=0)
case("unary_bitwise_not_int8", "unary", {"fn": "bitwise_not"}, [i8], [np.invert(i8)], rtol=0, atol=0)
xf = np.array([-2.5, 0.5, 1.5, 2.5, 3.5, -0.5], dtype=np.float64)
case("unary_round_half_even_f64", "unary", {"fn": "round"}, [xf], [np.round(xf)], rtol=0, atol=0)
h = np.array([0.1, 1.5, -2.25, 60000, 1e-5], dtype=np.float16)
case("unary_exp_float16", "unary", {"fn": "exp"}, [h[:3]], [np.exp(h[:3].astype(np.float32)).astype(np.float16)], rtol=1e-3, atol=0)

a = r(3, 1, 4); b = r(1, 5, 1)
case("binary_add_broadcast", "binary", {"fn": "add"}, [a, b], [a + b])
case("binary_sub_broadcast", "binary", {"fn": "subtract"}, [a, b], [a - b])
case("binary_mul_rank_promote", "binary", {"fn": "multiply"}, [a, b[0, :, 0]], [a * b[0, :, 0]]) if False else None
z = np.zeros((0, 3), np.float32); o = r(1, 3)
case("binary_add_zero_dim", "binary", {"fn": "add"}, [z, o], [z + o])
ai = np.array([7, -7, 7, -7, 0, 5, -128, 100], dtype=np.int32); bi = np.array([2, 2, -2, -2, 3, 5, -1, 7], dtype=np.int32)
case("binary_floor_divide_int32", "binary", {"fn": "floor_divide"}, [ai, bi], [np.floor_divide(ai, bi)], rtol=0, atol=0)
case("binary_floor_mod_int32", "binary", {"fn": "floor_mod"}, [ai, bi], [np.mod(ai, bi)], rtol=0, atol=0)
case("binary_trunc_divide_int32", "binary", {"fn": "divide"}, [ai, bi], [(np.trunc(ai / bi)).astype(np.int32)], rtol=0, atol=0)
case("binary_trunc_mod_int32", "binary", {"fn": "trunc_mod"}, [ai, bi], [np.fmod(ai, bi)], rtol=0, atol=0)
af = np.array([7.5, -7.5, 7.5, -7.5, 0.0, 1.0, np.inf, np.nan], dtype=np.float32); bf = np.array([2, 2, -2, -2, 3, 0, 2, 1], dtype=np.float32)
with np.errstate(all="ignore"):
    case("binary_floor_mod_f32", "binary", {"fn": "floor_mod"}, [af, bf], [np.mod(af, bf)])
    case("binary_floor_divide_f32", "binary", {"fn": "floor_divide"}, [af, bf], [np.floor_divide(af, bf)])
    case("binary_power_f32", "binary", {"fn": "power"}, [np.abs(af), bf], [np.power(np.abs(af), bf)])
case("binary_maximum_nan", "binary", {"fn": "maximum"}, [af, bf], [np.maximum(af, bf)])
case("binary_minimum_nan", "binary", {"fn": "minimum"}, [af, bf], [np.minimum(af, bf)])
case("binary_less_nan", "binary", {"fn": "less"}, [af, bf], [np.less(af, bf)])
case("binary_not_equal_nan", "binary", {"fn": "not_equal"}, [af, af], [np.not_equal(af, af)])
a8 = np.array([100, -100, 127, 1, -1], dtype=np.int8); b8 = np.array([100, -100, 1, 7, 1], dtype=np.int8)
case("binary_add_int8_wrap", "binary", {"fn": "add"}, [a8, b8], [(a8.astype(np.int64) + b8).astype(np.int8)], rtol=0, atol=0)
case("binary_mul_int8_wrap", "binary", {"fn": "multiply"}, [a8, b8], [(a8.astype(np.int64) * b8).astype(np.int8)], rtol=0, atol=0)
case("binary_left_shift_int8", "binary", {"fn": "left_shift"}, [a8, np.array([1, 1, 1, 7, 3], np.int8)], [np.left_shift(a8, np.array([1, 1, 1, 7, 3], np.int8))], rtol=0, atol=0)
case("binary_right_shift_int8", "binary", {"fn": "right_shift"}, [a8, np.array([1, 1, 1, 7, 3], np.int8)], [np.right_shift(a8, np.array([1, 1, 1, 7, 3], np.int8))], rtol=0, atol=0)
u8 = np.array([200, 3, 255], np.uint8)
case("binary_sub_uint8_wrap", "binary", {"fn": "subtract"}, [np.array([1, 3, 0], np.uint8), u8], [np.array([1, 3, 0], np.uint8) - u8], rtol=0, atol=0)
bl = np.array([True, False, True, False]); br = np.array([True, True, False, False])
case("binary_logical_xor", "binary", {"fn": "logical_xor"}, [bl, br], [np.logical_xor(bl, br)], rtol=0, atol=0)
case("binary_bitwise_and_int64", "binary", {"fn": "bitwise_and"}, [np.array([2**40 + 5, -1], np.int64), np.array([2**40 + 4, 2**62], np.int64)], [np.array([2**40 + 4, 2**62], np.int64)], rtol=0, atol=0)
ya = r(4, 3); xb = r(4, 3) + 0.5
case("binary_atan2", "binary", {"fn": "atan2"}, [ya, xb], [np.arctan2(ya, xb)])
c = rng.standard_normal((2, 1, 3)) > 0; wx = r(1, 4, 1); wy = r(2, 4, 3)
case("where_3way", "where", {}, [c, wx, wy], [np.where(c, wx, wy)])
case("clip_nan", "clip", {"a_min": -1.0, "a_max": 2.0}, [base], [np.clip(base, -1, 2)])
x = r(2, 3, 2); al = r(3)
case("prelu", "prelu", {"axis": 1}, [x, al], [F.prelu(t(x), t(al)).numpy()])

# ---------------- reductions, scans, sorting ----------------
x = r(3, 4, 5)
case("sum_axis1_keepdims", "reduce", {"fn": "sum", "axes": [1], "keepdims": True}, [x], [x.astype(np.float64).sum(1, keepdims=True).astype(np.float32)])
case("mean_negative_axes", "reduce", {"fn": "mean", "axes": [-1, 0]}, [x], [x.astype(np.float64).mean((0, 2)).astype(np.float32)])
case("sum_exclude", "reduce", {"fn": "sum", "axes": [1], "exclude": True}, [x], [x.astype(np.float64).sum((0, 2)).astype(np.float32)])
case("sum_all", "reduce", {"fn": "sum"}, [x], [np.array(x.astype(np.float64).sum(), np.float32)])
case("variance", "reduce", {"fn": "variance", "axes": [2]}, [x], [x.astype(np.float64).var(2).astype(np.float32)])
case("std_unbiased", "reduce", {"fn": "std", "axes": [0, 2], "unbiased": True}, [x], [x.astype(np.float64).std((0, 2), ddof=1).astype(np.float32)])
case("prod", "reduce", {"fn": "prod", "axes": [1]}, [x], [x.astype(np.float64).prod(1).astype(np.float32)])
case("logsumexp", "reduce", {"fn": "logsumexp", "axes": [1]}, [x * 100], [torch.logsumexp(t(x * 100), 1).numpy()])
xn = x.copy(); xn[1, 2, 3] = np.nan
case("max_nan", "reduce", {"fn": "max", "axes": [2]}, [xn], [np.max(xn, 2)])
case("min_all_keepdims", "reduce", {"fn": "min", "keepdims": True}, [x], [np.min(x, keepdims=True)])
case("argmax_nan", "reduce", {"fn": "argmax", "axes": [2]}, [xn], [np.argmax(xn, 2).astype(np.int32)], rtol=0, atol=0)
xt = np.array([[1, 3, 3, 0], [2, 2, 1, 2]], np.float32)
case("argmin_ties_first", "reduce", {"fn": "argmin", "axes": [1]}, [xt], [np.argmin(xt, 1).astype(np.int32)], rtol=0, atol=0)
case("argmax_ties_first", "reduce", {"fn": "argmax", "axes": [1]}, [xt], [np.argmax(xt, 1).astype(np.int32)], rtol=0, atol=0)
xi = np.array([[2**20, 2**12, 3], [7, -1, 5]], np.int32)
case("prod_int32_wrap", "reduce", {"fn": "prod", "axes": [1]}, [xi], [np.prod(xi, 1, dtype=np.int32)], rtol=0, atol=0)
case("sum_empty_axis", "reduce", {"fn": "sum", "axes": [1]}, [np.zeros((3, 0), np.float32)], [np.zeros(3, np.float32)])
case("all_any", "reduce", {"fn": "any", "axes": [0]}, [bl.reshape(2, 2)], [np.any(bl.reshape(2, 2), 0)], rtol=0, atol=0)
x = r(3, 5)
cs = np.cumsum(x.astype(np.float64)[:, ::-1], 1)[:, ::-1]
excl_rev = np.concatenate([cs[:, 1:], np.zeros((3, 1))], 1).astype(np.float32)
case("cumsum_exclusive_reverse", "cumsum", {"axis": 1, "exclusive": True, "reverse": True}, [x], [excl_rev])
case("cumsum_axis0", "cumsum", {"axis": 0}, [x], [np.cumsum(x.astype(np.float64), 0).astype(np.float32)])
ci = np.array([1, 2, 3, 4, 5], np.int32)
case("cumprod_int32", "cumprod", {"axis": 0}, [ci], [np.cumprod(ci).astype(np.int32)], rtol=0, atol=0)
x = np.array([[3, 1, 2, 1, np.nan, -np.inf, 2], [0, 0, 5, -1, 7, 7, 1]], np.float32)
case("sort_nan_last", "sort", {"axis": 1}, [x], [np.sort(x, 1)])
case("argsort_stable", "argsort", {"axis": 1}, [x], [np.argsort(x, 1, kind="stable").astype(np.int32)], rtol=0, atol=0)
xs = np.array([[3, 1, 2, 1, 9, 4, 2], [0, 0, 5, -1, 7, 7, 1]], np.float32)
v_, i_ = torch.topk(t(xs), 3, dim=1)
case("topk_largest", "topk", {"k": 3, "axis": 1, "largest": True}, [xs], [v_.numpy(), i_.numpy()], rtol=0, atol=0)
v_, i_ = torch.topk(t(xs), 2, dim=0, largest=False)
case("topk_smallest_axis0", "topk", {"k": 2, "axis": 0, "largest": False}, [xs], [v_.numpy(), i_.numpy()], rtol=0, atol=0)

# ---------------- data movement ----------------
x = r(2, 3, 4)
case("transpose", "transpose", {"axes": [2, 0, 1]}, [x], [x.transpose(2, 0, 1)])
xi = np.arange(60, dtype=np.int64).reshape(3, 4, 5) + 2**40
case("strided_slice_negative", "strided_slice", {"begin": [-1, 10, 0], "end": [-100, -10, 5], "strides": [-1, -2, 2]}, [xi], [xi[-1:-100:-1, 10:-10:-2, 0:5:2]], rtol=0, atol=0)
case("strided_slice_axes", "strided_slice", {"begin": [1], "end": [2**31], "strides": [2], "axes": [2]}, [xi], [xi[:, :, 1::2]], rtol=0, atol=0)
case("concat", "concat", {"axis": -1}, [x, x[:, :, :2]], [np.concatenate([x, x[:, :, :2]], -1)])
case("stack", "stack", {"axis": 1}, [x, x * 2], [np.stack([x, x * 2], 1)])
parts = np.split(x, [1, 3], axis=2)
case("split_indices", "split", {"indices": [1, 3], "axis": 2}, [x], parts)
case("split_sections", "split", {"sections": 3, "axis": 1}, [x], np.split(x, 3, 1))
idx = np.array([[0, 4], [-1, 9]], np.int64)
d = r(3, 5)
case("take_clip", "take", {"axis": 1, "mode": "clip"}, [d, idx], [np.take(d, idx, 1, mode="clip")])
case("take_wrap", "take", {"axis": 1, "mode": "wrap"}, [d, idx], [np.take(d, idx, 1, mode="wrap")])
case("take_flat", "take", {"mode": "clip"}, [d, idx], [np.take(d, idx, mode="clip")])
bidx = np.array([[0, 2], [1, 1], [4, 0]], np.int32)
case("take_batch_dims", "take", {"axis": 1, "batch_dims": 1, "mode": "fast"}, [d, bidx], [np.stack([d[i][bidx[i]] for i in range(3)])])
gi = rng.integers(0, 3, (3, 4)).astype(np.int64)
gd = r(3, 4)
case("gather_elements", "gather", {"axis": 0}, [gd, gi], [torch.gather(t(gd), 0, t(gi)).numpy()])
nd_idx = np.array([[[0, 1], [2, 3]], [[1, 0], [0, 0]]], np.int64)
ndd = r(3, 4, 2)
case("gather_nd", "gather_nd", {"batch_dims": 0}, [ndd, nd_idx], [ndd[nd_idx[..., 0], nd_idx[..., 1]]])
su = r(3, 4)
sdata = r(3, 4)
si = np.array([[0, 1, 2, 0], [2, 2, 1, 1], [1, 0, 0, 2]], np.int64)
case("scatter_elements_add", "scatter_elements", {"axis": 0, "reduction": "add"}, [sdata, si, su], [torch.scatter_add(t(sdata), 0, t(si), t(su)).numpy()])
si2 = np.array([[0, 1, 2, 3], [3, 2, 1, 0], [1, 1, 2, 2]], np.int64)
case("scatter_elements_none", "scatter_elements", {"axis": 1, "reduction": "none"}, [sdata, si2, su], [torch.scatter(t(sdata), 1, t(si2), t(su)).numpy()])
sn = r(4, 3); snu = r(2, 3); sni = np.array([[3], [1]], np.int64)
exp_ = sn.copy(); exp_[3] = snu[0]; exp_[1] = snu[1]
case("scatter_nd", "scatter_nd", {"reduction": "none"}, [sn, sni, snu], [exp_])
px = r(2, 3, 4)
case("pad_reflect", "pad", {"pad_width": [0, 0, 2, 1, 1, 3], "mode": "reflect"}, [px], [np.pad(px, ((0, 0), (2, 1), (1, 3)), mode="reflect")])
case("pad_edge", "pad", {"pad_width": [1, 0, 0, 2, 1, 1], "mode": "edge"}, [px], [np.pad(px, ((1, 0), (0, 2), (1, 1)), mode="edge")])
case("pad_constant", "pad", {"pad_width": [0, 1, 1, 0, 0, 2], "mode": "constant", "value": 1.5}, [px], [np.pad(px, ((0, 1), (1, 0), (0, 2)), constant_values=1.5)])
case("tile", "tile", {"reps": [2, 1, 1, 2]}, [px], [np.tile(px, (2, 1, 1, 2))])
case("repeat", "repeat", {"repeats": 3, "axis": -2}, [px], [np.repeat(px, 3, -2)])
case("reverse", "reverse", {"axis": 1}, [px], [px[:, ::-1]])
oh = np.array([[0, 2], [5, -1]], np.int32)
case("one_hot", "one_hot", {"depth": 4, "axis": -1, "on_value": 3.0, "off_value": -1.0, "dtype": "float32"}, [oh], [np.where(np.arange(4) == oh[..., None], 3.0, -1.0).astype(np.float32)])
lt = r(1, 8, 3, 2)
case("layout_nchw_to_nchw4c", "layout_transform", {"src": "NCHW", "dst": "NCHW4c"}, [lt], [lt.reshape(1, 2, 4, 3, 2).transpose(0, 1, 3, 4, 2)])
case("layout_nchw_to_nhwc", "layout_transform", {"src": "NCHW", "dst": "NHWC"}, [lt], [lt.transpose(0, 2, 3, 1)])
case("layout_nchw4c_to_nchw", "layout_transform", {"src": "NCHW4c", "dst": "NCHW"}, [lt.reshape(1, 2, 4, 3, 2).transpose(0, 1, 3, 4, 2)], [lt])
dx = r(1, 8, 2, 3)
case("depth_to_space_crd", "depth_to_space", {"block": 2, "mode": "CRD"}, [dx], [F.pixel_shuffle(t(dx), 2).numpy()])
dcr = dx.reshape(1, 2, 2, 2, 2, 3).transpose(0, 3, 4, 1, 5, 2).reshape(1, 2, 4, 6)
case("depth_to_space_dcr", "depth_to_space", {"block": 2, "mode": "DCR"}, [dx], [dcr])
case("space_to_depth", "space_to_depth", {"block": 2}, [dcr], [dx])
cf = np.array([-2.7, -0.5, 0.0, 2.9, 127.9, -128.9, 1e3], np.float32)
case("cast_f32_int32_trunc", "cast", {"dtype": "int32"}, [cf], [cf.astype(np.int32)], rtol=0, atol=0)
ci32 = np.array([300, -129, 255, 2**31 - 1], np.int32)
case("cast_int32_int8_wrap", "cast", {"dtype": "int8"}, [ci32], [ci32.astype(np.int8)], rtol=0, atol=0)
case("cast_f32_bool", "cast", {"dtype": "bool"}, [base], [base.astype(bool)], rtol=0, atol=0)
case("cast_f32_f16", "cast", {"dtype": "float16"}, [np.array([1 / 3, 65519, 70000, 1e-8], np.float32)], [np.array([1 / 3, 65519, 70000, 1e-8], np.float32).astype(np.float16)], rtol=0, atol=0)
case("arange", "arange", {"start": 1.0, "stop": 2.0, "step": 0.3, "dtype": "float32"}, [], [np.arange(1.0, 2.0, 0.3, dtype=np.float32)])
case("arange_int", "arange", {"start": 10.0, "stop": -3.0, "step": -4.0, "dtype": "int64"}, [], [np.arange(10, -3, -4, dtype=np.int64)], rtol=0, atol=0)
bx = r(3, 1)
case("broadcast_to", "broadcast_to", {"shape": [2, 3, 4]}, [bx], [np.broadcast_to(bx, (2, 3, 4))])

# ---------------- linear algebra ----------------
a = r(2, 1, 3, 4); b = r(5, 4, 2)
case("matmul_broadcast", "matmul", {}, [a, b], [np.matmul(a.astype(np.float64), b).astype(np.float32)])
case("matmul_vec", "matmul", {}, [r(4), r(3, 4, 2)], None) if False else None
v1 = r(4); m2 = r(3, 4, 2)
case("matmul_1d_left", "matmul", {}, [v1, m2], [np.matmul(v1.astype(np.float64), m2).astype(np.float32)])
a = r(3, 5, 70); b = r(1, 33, 70)
case("batch_matmul_transb", "batch_matmul", {"transpose_a": False, "transpose_b": True}, [a, b], [np.matmul(a.astype(np.float64), b.transpose(0, 2, 1)).astype(np.float32)], rtol=1e-5, atol=1e-5)
a = r(2, 6, 3); b = r(2, 6, 4)
case("batch_matmul_transa", "batch_matmul", {"transpose_a": True, "transpose_b": False}, [a, b], [np.matmul(a.transpose(0, 2, 1).astype(np.float64), b).astype(np.float32)], rtol=1e-5, atol=1e-5)
x = r(2, 3, 40); w = r(17, 40)
case("dense", "dense", {}, [x, w], [(x.astype(np.float64) @ w.T).astype(np.float32)], rtol=1e-5, atol=1e-5)
ai = rng.integers(-100, 100, (3, 4)).astype(np.int32); bi = rng.integers(-100, 100, (4, 2)).astype(np.int32)
case("matmul_int32", "matmul", {}, [ai, bi], [ai @ bi], rtol=0, atol=0)
a = r(2, 3, 4); b = r(2, 4, 5)
case("einsum_bmm", "einsum", {"equation": "bij,bjk->bik"}, [a, b], [np.einsum("bij,bjk->bik", a.astype(np.float64), b).astype(np.float32)])
sq = r(4, 4)
case("einsum_diag", "einsum", {"equation": "ii->i"}, [sq], [np.einsum("ii->i", sq)])
case("einsum_implicit_ellipsis", "einsum", {"equation": "...ij,jk"}, [a, b[0]], [np.einsum("...ij,jk", a.astype(np.float64), b[0]).astype(np.float32)])

# ---------------- resize ----------------
x = r(1, 2, 4, 5)
case("resize_nearest_asymmetric_floor", "resize", {"size": [7, 9], "method": "nearest_neighbor", "coordinate_transformation_mode": "asymmetric", "rounding_method": "floor"}, [x], [F.interpolate(t(x), size=(7, 9), mode="nearest").numpy()])
case("resize_linear_half_pixel", "resize", {"size": [7, 3], "method": "linear", "coordinate_transformation_mode": "half_pixel"}, [x], [F.interpolate(t(x), size=(7, 3), mode="bilinear", align_corners=False).numpy()])
case("resize_linear_align_corners", "resize", {"size": [8, 8], "method": "linear", "coordinate_transformation_mode": "align_corners"}, [x], [F.interpolate(t(x), size=(8, 8), mode="bilinear", align_corners=True).numpy()])
case("resize_cubic_half_pixel", "resize", {"size": [6, 7], "method": "cubic", "coordinate_transformation_mode": "half_pixel", "cubic_alpha": -0.75}, [x], [F.interpolate(t(x), size=(6, 7), mode="bicubic", align_corners=False).numpy()], rtol=1e-4, atol=1e-5)
x1 = r(1, 2, 5)
case("resize1d_linear_align", "resize", {"size": [9], "method": "linear", "coordinate_transformation_mode": "align_corners", "layout": "NCW"}, [x1], [F.interpolate(t(x1), size=9, mode="linear", align_corners=True).numpy()])
x3 = r(1, 1, 2, 3, 3)
case("resize3d_trilinear", "resize", {"size": [4, 5, 2], "method": "linear", "coordinate_transformation_mode": "half_pixel", "layout": "NCDHW"}, [x3], [F.interpolate(t(x3), size=(4, 5, 2), mode="trilinear", align_corners=False).numpy()])

# ---------------- roi_align (torchvision) ----------------
import torchvision
x = r(2, 3, 8, 9)
rois = np.array([[0, 1.0, 1.5, 6.0, 5.0], [1, 0.0, 0.0, 8.5, 7.9], [1, 3.2, 2.1, 3.4, 2.2], [0, -2.0, -1.0, 3.0, 4.0]], np.float32)
for aligned in (False, True):
    for sr in (2, -1):
        y = torchvision.ops.roi_align(t(x), t(rois), (3, 2), spatial_scale=0.5, sampling_ratio=sr, aligned=aligned).numpy()
        case(f"roi_align_aligned{int(aligned)}_sr{sr}", "roi_align", {"pooled_size": [3, 2], "spatial_scale": 0.5, "sample_ratio": sr, "aligned": aligned}, [x, rois], [y], rtol=1e-5, atol=1e-5)

_g.write("goldens", "gen_goldens.py")
