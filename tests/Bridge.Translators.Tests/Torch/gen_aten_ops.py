"""One tiny TorchScript module per aten op (torch 1.13), for the aten layer's single-op tests.

Usage: gen_aten_ops.py OUT_DIR
Writes OUT_DIR/NAME.pt (traced, or scripted where marked), NAME.inputs.npz (the forward's inputs, by parameter name),
NAME.outputs.npz (torch's own outputs for them) and manifest.json (name -> aten/prim ops in the saved graph).
Inputs are seeded random values (labelled generated), never real data.
"""
import json, os, sys, zlib
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
CASES = []


def case(name, fn, *shapes, script=False, ints=None, module=None):
    CASES.append((name, fn, shapes, script, ints, module))


def rnd(*s):
    return torch.randn(*s)


# elementwise unary
for op in ["relu", "sigmoid", "tanh", "exp", "abs", "neg", "sin", "cos", "erf", "floor", "ceil", "round", "sign",
           "reciprocal", "rsqrt", "sqrt", "log", "log1p", "log2", "log10", "trunc", "square", "atan", "sinh", "cosh", "tan"]:
    pos = op in ("rsqrt", "sqrt", "log", "log1p", "log2", "log10", "reciprocal")
    case(op, (lambda f, pos: (lambda x: f(x.abs() + 0.5) if pos else f(x)))(getattr(torch, op), pos), (2, 3, 4))
for op in ["asin", "acos"]:
    case(op, (lambda f: lambda x: f(torch.tanh(x) * 0.9))(getattr(torch, op)), (2, 5))
for op, f in [("silu", F.silu), ("gelu", F.gelu), ("gelu_tanh", lambda x: F.gelu(x, approximate="tanh")), ("hardswish", F.hardswish),
              ("hardsigmoid", F.hardsigmoid), ("hardtanh", lambda x: F.hardtanh(x, -0.5, 0.7)), ("relu6", F.relu6),
              ("leaky_relu", lambda x: F.leaky_relu(x, 0.2)), ("elu", F.elu), ("selu", F.selu), ("celu", F.celu), ("softplus", F.softplus),
              ("softplus_beta", lambda x: F.softplus(x, beta=2.0)), ("mish", F.mish), ("log_sigmoid", F.logsigmoid), ("softsign", F.softsign),
              ("clamp", lambda x: torch.clamp(x, -0.3, 0.4)), ("clamp_min", lambda x: torch.clamp_min(x, 0.1)), ("clamp_max", lambda x: torch.clamp_max(x, 0.1)),
              ("relu_inplace", lambda x: torch.relu_(x * 1.0)), ("expm1", torch.expm1), ("isnan", lambda x: torch.isnan(torch.log(x)))]:
    case(op, f, (2, 3, 4))
# binary
for op, f in [("add", torch.add), ("sub", torch.sub), ("mul", torch.mul), ("div", torch.div), ("maximum", torch.maximum), ("minimum", torch.minimum),
              ("pow", lambda a, b: torch.pow(a.abs() + 0.1, b)), ("eq", lambda a, b: torch.eq(a.round(), b.round())), ("ne", lambda a, b: torch.ne(a.round(), b.round())),
              ("lt", torch.lt), ("gt", torch.gt), ("le", torch.le), ("ge", torch.ge), ("atan2_free_lerp", lambda a, b: torch.lerp(a, b, 0.3)),
              ("add_alpha", lambda a, b: torch.add(a, b, alpha=2)), ("sub_alpha", lambda a, b: torch.sub(a, b, alpha=0.5)),
              ("rsub", lambda a, b: torch.rsub(a, b)), ("floor_divide", lambda a, b: torch.floor_divide(a, b.abs() + 0.5)),
              ("remainder", lambda a, b: torch.remainder(a, b.abs() + 0.5)), ("fmod", lambda a, b: torch.fmod(a, b.abs() + 0.5)),
              ("div_floor", lambda a, b: torch.div(a, b.abs() + 0.5, rounding_mode="floor")), ("div_trunc", lambda a, b: torch.div(a, b.abs() + 0.5, rounding_mode="trunc")),
              ("where", lambda a, b: torch.where(a > 0, a, b)), ("logical_and", lambda a, b: torch.logical_and(a > 0, b > 0)),
              ("logical_or", lambda a, b: torch.logical_or(a > 0, b > 0)), ("logical_xor", lambda a, b: torch.logical_xor(a > 0, b > 0)),
              ("logical_not", lambda a, b: torch.logical_not(a > b)), ("addcmul", lambda a, b: torch.addcmul(a, a, b, value=0.5)),
              ("addcdiv", lambda a, b: torch.addcdiv(a, a, b.abs() + 1, value=0.5)), ("masked_fill", lambda a, b: a.masked_fill(b > 0, -1.5))]:
    case(op, f, (2, 3, 4), (2, 3, 4))
case("add_broadcast", lambda a, b: a + b, (2, 3, 4), (4,))
case("mul_scalar", lambda a: a * 2.5 - 1, (3, 4))
case("add_int", lambda a: a + 3, (3, 4), ints=(0, 5))
case("bitwise_not", lambda a: torch.bitwise_not(a > 0), (3, 4))
# reductions
for op, f in [("sum", lambda x: torch.sum(x)), ("sum_dim", lambda x: torch.sum(x, 1)), ("sum_keepdim", lambda x: torch.sum(x, [0, 2], keepdim=True)),
              ("mean", lambda x: torch.mean(x, -1)), ("mean_all", lambda x: torch.mean(x)), ("prod", lambda x: torch.prod(x, 1)),
              ("amax", lambda x: torch.amax(x, 1)), ("amin", lambda x: torch.amin(x, [1, 2])), ("max_all", lambda x: torch.max(x)),
              ("max_dim", lambda x: torch.max(x, 1)), ("min_dim", lambda x: torch.min(x, 2, keepdim=True)), ("min_all", lambda x: torch.min(x)),
              ("argmax", lambda x: torch.argmax(x, 1)), ("argmin", lambda x: torch.argmin(x, -1, keepdim=True)), ("argmax_all", lambda x: torch.argmax(x)),
              ("softmax", lambda x: torch.softmax(x, -1)), ("log_softmax", lambda x: torch.log_softmax(x, 1)), ("max_binary", lambda x: torch.max(x, x * 0.5))]:
    case(op, f, (2, 3, 4))
# shape
for op, f in [("view", lambda x: x.view(6, 4)), ("reshape", lambda x: x.reshape(-1, 2)), ("flatten", lambda x: torch.flatten(x, 1)),
              ("unsqueeze", lambda x: x.unsqueeze(1)), ("squeeze", lambda x: x.unsqueeze(0).squeeze(0)), ("squeeze_all", lambda x: x.view(1, 2, 1, 12).squeeze()),
              ("transpose", lambda x: x.transpose(0, 2)), ("t", lambda x: x[0].t()), ("permute", lambda x: x.permute(2, 0, 1)),
              ("contiguous", lambda x: x.transpose(1, 2).contiguous()), ("expand", lambda x: x[:, :1].expand(2, 5, 4)),
              ("repeat", lambda x: x.repeat(1, 2, 1)), ("cat", lambda x: torch.cat([x, x * 2], 1)), ("stack", lambda x: torch.stack([x, x + 1], 0)),
              ("chunk", lambda x: torch.chunk(x, 2, 2)), ("split", lambda x: torch.split(x, 1, 1)), ("split_sizes", lambda x: torch.split(x, [1, 2], 1)),
              ("unbind", lambda x: torch.unbind(x, 1)), ("select", lambda x: x.select(1, 2)), ("slice", lambda x: x[:, 1:3, ::2]),
              ("narrow", lambda x: torch.narrow(x, 2, 1, 2)), ("index_select", lambda x: torch.index_select(x, 1, torch.tensor([2, 0]))),
              ("to_double", lambda x: x.to(torch.float64)), ("float", lambda x: (x > 0).float()), ("type_as", lambda x: (x > 0).long().type_as(x)),
              ("zeros", lambda x: x + torch.zeros(2, 3, 4)), ("ones", lambda x: x + torch.ones(4)), ("zeros_like", lambda x: torch.zeros_like(x) + x),
              ("ones_like", lambda x: torch.ones_like(x) * x), ("full", lambda x: x + torch.full((3, 4), 0.5)), ("full_like", lambda x: torch.full_like(x, 2.0) * x),
              ("arange", lambda x: x + torch.arange(4)), ("size", lambda x: x.view(x.size(0), -1)), ("dim_numel", lambda x: x * x.dim() + x.numel()),
              ("expand_as", lambda x: x[:, :1].expand_as(x)), ("view_as", lambda x: x.reshape(4, 6).view_as(x)), ("gather", lambda x: torch.gather(x, 2, torch.tensor([[[0, 1], [1, 2], [3, 0]], [[0, 0], [1, 1], [2, 2]]]))),
              ("swapaxes", lambda x: torch.swapaxes(x, 0, 1)), ("clone_detach", lambda x: x.clone().detach() + 1)]:
    case(op, f, (2, 3, 4))
for op, f in [("tile", lambda x: torch.tile(x, (2, 1))), ("flip", lambda x: torch.flip(x, [0, 2])), ("cumsum", lambda x: torch.cumsum(x, 1)),
              ("tril", lambda x: torch.tril(x, 1)), ("triu", lambda x: torch.triu(x)), ("topk", lambda x: torch.topk(x, 2, 2)),
              ("topk_smallest", lambda x: torch.topk(x, 3, 1, largest=False)), ("sort", lambda x: torch.sort(x, 2, descending=True)),
              ("argsort", lambda x: torch.argsort(x, 1)), ("var", lambda x: torch.var(x, 1)), ("std", lambda x: torch.std(x, [1, 2], keepdim=True)),
              ("var_all", lambda x: torch.var(x)), ("var_mean", lambda x: torch.var_mean(x, 2)), ("std_biased", lambda x: torch.std(x, 0, unbiased=False)),
              ("logsumexp", lambda x: torch.logsumexp(x, 1)), ("any", lambda x: torch.any(x > 1.0, 2)), ("all", lambda x: torch.all(x > -1.0, 1)),
              ("isinf", lambda x: torch.isinf(x / (x > 0).float())), ("isfinite", lambda x: torch.isfinite(x / (x > 0).float())),
              ("glu", lambda x: F.glu(x, 2)), ("threshold", lambda x: F.threshold(x, 0.1, -2.0)), ("numpy_T", lambda x: x.permute(2, 1, 0) + x.numpy_T() * 0 if False else x.T),
              ("broadcast_to", lambda x: torch.broadcast_to(x[:, :1], (2, 3, 4))), ("new_full", lambda x: x + x.new_full((3, 4), 1.5)),
              ("new_zeros", lambda x: x + x.new_zeros((2, 3, 4))), ("new_ones", lambda x: x * x.new_ones((4,))), ("scalar_tensor", lambda x: x * torch.scalar_tensor(3.0)),
              ("unflatten", lambda x: x.unflatten(2, (2, 2))), ("roll", lambda x: torch.roll(x, 1, 2)), ("roll_flat", lambda x: torch.roll(x, 5)),
              ("repeat_interleave", lambda x: torch.repeat_interleave(x, 2, 1)), ("take", lambda x: torch.take(x, torch.tensor([0, 5, 23]))),
              ("norm", lambda x: torch.norm(x, dim=2)), ("norm_p1", lambda x: torch.norm(x, p=1, dim=1)), ("frobenius_norm", lambda x: torch.norm(x, dim=(1, 2))),
              ("rsub_scalar", lambda x: 1.0 - x), ("true_divide", lambda x: torch.true_divide(x, 3)), ("reshape_as", lambda x: x.reshape(4, 6).reshape_as(x)),
              ("log_softmax_dim0", lambda x: F.log_softmax(x, 0)), ("swapaxes2", lambda x: x.swapaxes(1, 2)),
              ("bitwise_and", lambda x: torch.bitwise_and(x > 0, x < 1)), ("bitwise_xor", lambda x: torch.bitwise_xor(x > 0, x < 1)),
              ("constant_pad_nd", lambda x: torch.constant_pad_nd(x, [1, 1], 0.5)), ("baddbmm", lambda x: torch.baddbmm(x, x, x.transpose(1, 2)[:, :, :4] if False else torch.ones(2, 4, 4)))]:
    case(op, f, (2, 3, 4))
case("one_hot", lambda x: F.one_hot(x, 6), (2, 5), ints=(0, 6))
case("meshgrid", lambda a, b: torch.meshgrid(a, b, indexing="ij"), (3,), (4,))
case("linspace", lambda x: x + torch.linspace(0, 1, 5), (2, 5))
case("prelu", None, (2, 3, 4, 4), module=lambda: nn.PReLU(3))
case("mv", lambda a, b: torch.mv(a, b), (3, 4), (4,))
case("mse_loss", lambda a, b: F.mse_loss(a, b), (3, 4), (3, 4))
case("l1_loss", lambda a, b: F.l1_loss(a, b, reduction="sum"), (3, 4), (3, 4))
# losses (reduction enum 0 none / 1 mean / 2 sum; targets derived from the generated inputs)
case("smooth_l1_loss", lambda a, b: F.smooth_l1_loss(a, b, beta=0.5), (3, 4), (3, 4))
case("smooth_l1_loss_none", lambda a, b: F.smooth_l1_loss(a, b, reduction="none"), (3, 4), (3, 4))
case("huber_loss", lambda a, b: F.huber_loss(a, b, delta=0.7, reduction="sum"), (3, 4), (3, 4))
case("kl_div_batchmean", lambda a, b: F.kl_div(F.log_softmax(a, 1), F.softmax(b, 1), reduction="batchmean"), (3, 5), (3, 5))
case("kl_div_log_target", lambda a, b: F.kl_div(F.log_softmax(a, 1), F.log_softmax(b, 1), reduction="sum", log_target=True), (3, 5), (3, 5))
case("kl_div_zero_target", lambda a, b: F.kl_div(F.log_softmax(a, 1), torch.relu(b), reduction="mean"), (3, 5), (3, 5))
case("binary_cross_entropy", lambda a, b: F.binary_cross_entropy(torch.sigmoid(a), torch.sigmoid(b)), (3, 4), (3, 4))
case("bce_with_logits", lambda a, b: F.binary_cross_entropy_with_logits(a * 4, torch.sigmoid(b)), (3, 4), (3, 4))
case("bce_with_logits_pos_weight", lambda a, b: F.binary_cross_entropy_with_logits(a * 4, (b > 0).float(), pos_weight=torch.tensor([1.0, 2.0, 0.5, 3.0]), reduction="none"), (3, 4), (3, 4))
case("nll_loss", lambda a, b: F.nll_loss(F.log_softmax(a, 1), (b[:, 0].abs() * 10).long() % 4), (5, 4), (5, 4))
case("nll_loss_weight_ignore", lambda a, b: F.nll_loss(F.log_softmax(a, 1), torch.where(b[:, 1] > 0.8, -100, (b[:, 0].abs() * 10).long() % 4),
                                                        weight=torch.tensor([0.5, 1.0, 2.0, 1.5])), (6, 4), (6, 4))
case("nll_loss2d", lambda a, b: F.nll_loss(F.log_softmax(a, 1), (b[:, 0].abs() * 10).long() % 3, reduction="sum"), (2, 3, 4, 5), (2, 3, 4, 5))
case("cross_entropy", lambda a, b: F.cross_entropy(a, (b[:, 0].abs() * 10).long() % 4), (5, 4), (5, 4))
case("cross_entropy_weight_none", lambda a, b: F.cross_entropy(a, (b[:, 0].abs() * 10).long() % 4, weight=torch.tensor([0.5, 1.0, 2.0, 1.5]), reduction="none"), (5, 4), (5, 4))
case("cross_entropy_probs", lambda a, b: F.cross_entropy(a, F.softmax(b, 1)), (5, 4), (5, 4))
case("losses_scripted", None, (5, 4), (5, 4), script=True, module=lambda: _Losses())
case("upsample_nearest3d", lambda x: F.interpolate(x, scale_factor=2, mode="nearest"), (1, 1, 2, 2, 2))
case("upsample_bicubic2d", lambda x: F.interpolate(x, size=(5, 6), mode="bicubic", align_corners=False), (1, 2, 3, 3))
case("upsample_bilinear2d_align", lambda x: F.interpolate(x, scale_factor=2, mode="bilinear", align_corners=True), (1, 2, 3, 3))
case("reflection_pad1d", lambda x: F.pad(x, (2, 1), mode="reflect"), (1, 2, 5))
case("replication_pad1d", lambda x: F.pad(x, (2, 1), mode="replicate"), (1, 2, 5))
case("adaptive_max_pool1d", None, (1, 3, 8), module=lambda: nn.AdaptiveMaxPool1d(4))
case("max_pool3d", None, (1, 1, 4, 4, 4), module=lambda: nn.MaxPool3d(2))
case("avg_pool3d", None, (1, 1, 4, 4, 4), module=lambda: nn.AvgPool3d(2))
case("adaptive_avg_pool3d", None, (1, 1, 4, 4, 4), module=lambda: nn.AdaptiveAvgPool3d(1))
case("sdpa", lambda q, k, v: F.scaled_dot_product_attention(q, k, v) if hasattr(F, "scaled_dot_product_attention") else torch.softmax(q @ k.transpose(-1, -2) / 2.0, -1) @ v, (2, 3, 4), (2, 5, 4), (2, 5, 4))
case("embedding", None, (3, 5), ints=(0, 10), module=lambda: nn.Embedding(10, 6))
# nn
case("conv2d", None, (1, 3, 8, 8), module=lambda: nn.Conv2d(3, 4, 3, padding=1))
case("conv2d_stride_groups", None, (1, 4, 9, 9), module=lambda: nn.Conv2d(4, 8, 3, stride=2, groups=2, bias=False))
case("conv2d_dilation", None, (1, 2, 10, 10), module=lambda: nn.Conv2d(2, 3, 3, dilation=2, padding=2))
case("conv1d", None, (2, 3, 12), module=lambda: nn.Conv1d(3, 5, 3, padding=1))
case("conv_transpose2d", None, (1, 4, 5, 5), module=lambda: nn.ConvTranspose2d(4, 2, 3, stride=2, padding=1, output_padding=1))
case("batch_norm", None, (2, 4, 5, 5), module=lambda: nn.BatchNorm2d(4))
case("layer_norm", None, (2, 5, 8), module=lambda: nn.LayerNorm(8))
case("group_norm", None, (2, 6, 4, 4), module=lambda: nn.GroupNorm(3, 6))
case("instance_norm", None, (2, 3, 5, 5), module=lambda: nn.InstanceNorm2d(3, affine=True))
case("linear", None, (3, 8), module=lambda: nn.Linear(8, 5))
case("linear_3d", None, (2, 3, 8), module=lambda: nn.Linear(8, 5, bias=False))
case("matmul", lambda a, b: torch.matmul(a, b), (2, 3, 4), (4, 5))
case("bmm", lambda a, b: torch.bmm(a, b), (2, 3, 4), (2, 4, 5))
case("mm", lambda a, b: torch.mm(a, b), (3, 4), (4, 5))
case("addmm", lambda c, a, b: torch.addmm(c, a, b, beta=0.5, alpha=2.0), (3, 5), (3, 4), (4, 5))
case("dot", lambda a, b: torch.dot(a, b), (6,), (6,))
case("max_pool2d", None, (1, 2, 9, 9), module=lambda: nn.MaxPool2d(3, 2, 1))
case("max_pool2d_ceil", None, (1, 2, 8, 8), module=lambda: nn.MaxPool2d(3, 2, ceil_mode=True))
case("max_pool1d", None, (1, 2, 9), module=lambda: nn.MaxPool1d(2))
case("avg_pool2d", None, (1, 2, 8, 8), module=lambda: nn.AvgPool2d(2))
case("avg_pool2d_pad", None, (1, 2, 7, 7), module=lambda: nn.AvgPool2d(3, 2, 1, count_include_pad=False))
case("avg_pool1d", None, (1, 2, 8), module=lambda: nn.AvgPool1d(2))
case("adaptive_avg_pool2d", None, (1, 3, 8, 8), module=lambda: nn.AdaptiveAvgPool2d(1))
case("adaptive_avg_pool2d_4", None, (1, 3, 8, 8), module=lambda: nn.AdaptiveAvgPool2d(4))
case("adaptive_avg_pool1d", None, (1, 3, 8), module=lambda: nn.AdaptiveAvgPool1d(2))
case("adaptive_max_pool2d", None, (1, 3, 8, 8), module=lambda: nn.AdaptiveMaxPool2d(2))
case("dropout", None, (2, 8), module=lambda: nn.Dropout(0.5))
case("pad", lambda x: F.pad(x, (1, 2, 0, 1)), (1, 2, 4, 4))
case("pad_reflect", lambda x: F.pad(x, (1, 1, 2, 0), mode="reflect"), (1, 2, 4, 4))
case("pad_replicate", lambda x: F.pad(x, (1, 1, 2, 0), mode="replicate"), (1, 2, 4, 4))
case("pixel_shuffle", None, (1, 8, 3, 3), module=lambda: nn.PixelShuffle(2))
case("upsample_nearest2d", lambda x: F.interpolate(x, scale_factor=2, mode="nearest"), (1, 2, 3, 3))
case("upsample_bilinear2d", lambda x: F.interpolate(x, size=(6, 5), mode="bilinear", align_corners=False), (1, 2, 3, 3))
case("lstm", None, (2, 5, 4), module=lambda: _Lstm())
# scripted control flow
case("script_if", None, (3, 4), script=True, module=lambda: _If())
case("script_loop", None, (3, 4), script=True, module=lambda: _Loop())
case("script_while", None, (3, 4), script=True, module=lambda: _While())
case("script_static", None, (2, 3), script=True, module=lambda: _Static())
# in-place ops (functionalised), writes through views, advanced indexing, scatter, einsum, gru
for scripted in (False, True):
    sfx = "_scripted" if scripted else ""
    case("inplace_add" + sfx, None, (2, 3), script=scripted, module=lambda: _InplaceArith())
    case("inplace_setitem" + sfx, None, (3, 4), script=scripted, module=lambda: _SetItem())
    case("inplace_masked_fill" + sfx, None, (3, 4), script=scripted, module=lambda: _MaskedFillInplace())
    case("index_put" + sfx, None, (4, 3), script=scripted, module=lambda: _IndexPut())
    case("index_put_mask" + sfx, None, (4, 3), script=scripted, module=lambda: _IndexPutMask())
    case("index" + sfx, None, (4, 3), script=scripted, module=lambda: _Index())
    case("inplace_view_alias" + sfx, None, (3, 4), script=scripted, module=lambda: _ViewAlias())
    case("inplace_slice_alias" + sfx, None, (3, 4), script=scripted, module=lambda: _SliceAlias())
    case("inplace_transpose_alias" + sfx, None, (3, 4), script=scripted, module=lambda: _TransposeAlias())
    case("inplace_reshape_copy" + sfx, None, (3, 4), script=scripted, module=lambda: _ReshapeCopy())
case("inplace_in_if", None, (3, 4), script=True, module=lambda: _InplaceIf())
case("inplace_in_loop", None, (3, 4), script=True, module=lambda: _InplaceLoop())
case("inplace_alias_arg", None, (3, 4), script=True, module=lambda: _InplaceCallee())
case("zero_fill", lambda x: torch.cat([x.clone().zero_(), x.clone().fill_(2.5)]), (2, 3))
case("scatter", lambda x: torch.zeros(3, 5).scatter(1, torch.tensor([[0, 1, 2], [2, 0, 4], [4, 3, 1]]), x), (3, 4))
case("scatter_value", lambda x: x.scatter(0, torch.tensor([[1, 0, 2, 1]]), 7.0), (3, 4))
case("scatter_add", lambda x: torch.ones(3, 5).scatter_add(1, torch.tensor([[0, 1, 1], [2, 2, 4], [4, 3, 4]]), x), (3, 4))
case("scatter_reduce_multiply", lambda x: torch.ones(3, 5).scatter(1, torch.tensor([[0, 1, 1], [2, 2, 4], [4, 3, 4]]), x, reduce="multiply"), (3, 4))
case("einsum_matmul", lambda a, b: torch.einsum("ij,jk->ik", a, b), (3, 4), (4, 5))
case("einsum_batched", lambda a, b: torch.einsum("bij,bjk->bik", a, b), (2, 3, 4), (2, 4, 5))
case("einsum_outer_implicit", lambda a, b: torch.einsum("i,j", a, b), (3,), (4,))
case("einsum_transpose_sum", lambda a: torch.einsum("ijk->kj", a), (2, 3, 4))
# scripted nn.MultiheadAttention / TransformerEncoderLayer: their code checks torch's fused fast paths (aten::find on the device
# string, requires_grad, is_grad_enabled) before the composite path
case("mha_scripted", None, (2, 5, 8), script=True, module=lambda: _Mha())
case("transformer_layer_scripted", None, (2, 5, 8), script=True, module=lambda: nn.TransformerEncoderLayer(8, 2, dim_feedforward=16, dropout=0.0, batch_first=True))
case("gru", None, (2, 5, 4), module=lambda: _Gru(False))
case("gru_bidirectional", None, (5, 2, 4), module=lambda: _Gru(True))
case("tensor_split_sections", lambda x: torch.tensor_split(x, 3, dim=1), (2, 7))
case("tensor_split_indices", lambda x: torch.tensor_split(x, [1, 4, 4, -1], dim=1), (2, 7))
case("scatter_reduce_sum", lambda x: torch.ones(3, 5).scatter_reduce(1, torch.tensor([[0, 1, 1], [2, 2, 4], [4, 3, 4]]), x, reduce="sum"), (3, 3))
case("scatter_reduce_prod", lambda x: torch.ones(3, 5).scatter_reduce(1, torch.tensor([[0, 1, 1], [2, 2, 4], [4, 3, 4]]), x, reduce="prod"), (3, 3))
case("weight_norm", None, (2, 4), module=lambda: nn.utils.weight_norm(nn.Linear(4, 3)))
case("rnn_tanh", None, (2, 5, 4), module=lambda: _Rnn("tanh", False))
case("rnn_relu_bidirectional", None, (5, 2, 4), module=lambda: _Rnn("relu", True))


class _InplaceArith(nn.Module):
    def forward(self, x):
        y = x * 1.0
        y.add_(1.0)
        y.mul_(x)
        y.sub_(0.5).div_(2.0)
        return y


class _ViewAlias(nn.Module):
    """Writes through view/reshape/unsqueeze/flatten aliases reach the base (and the base's writes reach a view held before)."""
    def forward(self, x):
        y = x * 1.0
        y.view(4, 3)[0] += 1.0
        y.reshape(2, 6)[:, 2:4].mul_(3.0)
        y.unsqueeze(0)[0, 2].fill_(-2.0)
        z = y.flatten()
        z[5] = 9.0
        return y, z


class _SliceAlias(nn.Module):
    def forward(self, x):
        y = x * 1.0
        c = y[:, 1]
        c.mul_(2.0)
        r = y[1:]
        r.add_(0.5)
        return y, c


class _TransposeAlias(nn.Module):
    def forward(self, x):
        y = x * 1.0
        y.t()[1].sub_(4.0)
        y.permute(1, 0)[:, 2].zero_()
        w = y.transpose(0, 1)
        w.mul_(2.0)
        return y, w


class _ReshapeCopy(nn.Module):
    """reshape of a non-contiguous tensor copies in torch: writing into the copy leaves the base alone."""
    def forward(self, x):
        y = x * 1.0
        r = y.t().reshape(12)
        r.add_(1.0)
        return y, r


class _SetItem(nn.Module):
    def forward(self, x):
        y = x.clone()
        y[:, 0] = 5.0
        y[1] = y[0] * 2.0
        y[0, 1:3] = x[2, :2]
        return y


class _MaskedFillInplace(nn.Module):
    def forward(self, x):
        y = x + 0.0
        y.masked_fill_(x > 0.2, -1.0)
        return y, x


class _IndexPut(nn.Module):
    def forward(self, x):
        y = x.clone()
        y[torch.tensor([2, 0])] = 1.5
        y[:, torch.tensor([1])] = -2.0
        y[torch.tensor([3, -1]), torch.tensor([0, 2])] = torch.tensor([7.0, 8.0])
        return y


class _IndexPutMask(nn.Module):
    def forward(self, x):
        y = x.clone()
        y[x < 0] = 0.0
        return y


class _Index(nn.Module):
    def forward(self, x):
        return x[torch.tensor([2, 0, -1])], x[:, torch.tensor([1, 0])], x[torch.tensor([0, 3]), torch.tensor([2, 1])]


class _InplaceIf(nn.Module):
    def forward(self, x):
        y = x.clone()
        if bool(x.sum() > 0):
            y.add_(1.0)
        else:
            y[0] = 0.0
        return y


class _InplaceLoop(nn.Module):
    def forward(self, x):
        y = x.clone()
        n = int(torch.floor(x.abs().sum())) % 3 + 1
        for _ in range(n):
            y.mul_(0.5)
        return y


def _bump(t: torch.Tensor) -> None:
    t.add_(3.0)


class _InplaceCallee(nn.Module):
    def forward(self, x):
        y = x * 2.0
        _bump(y)
        return y


class _Mha(nn.Module):
    def __init__(self):
        super().__init__()
        self.mha = nn.MultiheadAttention(8, 2, batch_first=True)

    def forward(self, x):
        y, w = self.mha(x, x, x)
        return y, w


class _Rnn(nn.Module):
    def __init__(self, nl, bidir):
        super().__init__()
        self.rnn = nn.RNN(4, 6, num_layers=2, nonlinearity=nl, batch_first=not bidir, bidirectional=bidir)

    def forward(self, x):
        y, h = self.rnn(x)
        return y, h


class _Gru(nn.Module):
    def __init__(self, bidir):
        super().__init__()
        self.gru = nn.GRU(4, 6, num_layers=2, batch_first=not bidir, bidirectional=bidir)

    def forward(self, x):
        y, h = self.gru(x)
        return y, h


class _Lstm(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(4, 6, num_layers=2, batch_first=True)

    def forward(self, x):
        y, (h, c) = self.lstm(x)
        return y, h, c


class _If(nn.Module):
    def forward(self, x):
        if bool(x.sum() > 0):
            y = x * 2.0
        else:
            y = x - 1.0
        return y


class _Loop(nn.Module):
    def forward(self, x):
        n = int(torch.floor(x.abs().sum())) % 4 + 1
        for _ in range(n):
            x = torch.tanh(x) + 0.5
        return x


class _While(nn.Module):
    def forward(self, x):
        y = x
        while bool(y.abs().max() < 10.0):
            y = y * 2.0 + 0.1
        return y


class _Static(nn.Module):
    def forward(self, x):
        s = x.size(1)
        acc = torch.zeros_like(x)
        for i in range(s):
            acc = acc + x * float(i)
        if x.dim() == 2:
            acc = acc.t()
        return acc


class _Losses(nn.Module):
    """The F.* loss wrappers as scripted code calls them (reduction strings turned into aten's enum by torch's own code)."""
    def forward(self, a, b):
        t = (b[:, 0].abs() * 10).long() % 4
        r = F.cross_entropy(a, t) + F.kl_div(F.log_softmax(a, 1), F.softmax(b, 1), reduction="batchmean")
        r = r + F.binary_cross_entropy_with_logits(a, torch.sigmoid(b)) + F.smooth_l1_loss(a, b) + F.huber_loss(a, b)
        return r + F.nll_loss(F.log_softmax(a, 1), t, ignore_index=2)


class _Fn(nn.Module):
    def __init__(self, fn):
        super().__init__()
        self.fn = fn

    def forward(self, *xs):
        return self.fn(*xs)


def ops_of(graph):
    kinds = set()
    for n in graph.nodes():
        k = n.kind()
        if k.startswith("aten::") or k in ("prim::NumToTensor", "prim::device", "prim::ImplicitTensorToNum"):
            kinds.add(k)
        for b in n.blocks():
            kinds |= ops_of(b)
    return kinds


def main(out):
    os.makedirs(out, exist_ok=True)
    manifest = {}
    for name, fn, shapes, script, ints, module in CASES:
        torch.manual_seed(zlib.crc32(name.encode()) % 1000)
        m = module() if module else _Fn(fn)
        m.eval()
        if ints:
            args = tuple(torch.randint(ints[0], ints[1], s) for s in shapes)
        else:
            args = tuple(torch.randn(*s) for s in shapes)
        with torch.no_grad():
            sm = torch.jit.script(m) if script else torch.jit.trace(m, args, check_trace=False)
            outs = sm(*args)
        if isinstance(outs, torch.Tensor):
            outs = (outs,)
        flat = []
        def walk(o):
            if isinstance(o, torch.Tensor): flat.append(o)
            else:
                for x in o: walk(x)
        walk(outs)
        path = os.path.join(out, name + ".pt")
        torch.jit.save(sm, path)
        params = [p for p in sm.forward.schema.arguments][1:] if script else None
        names = [a.name for a in sm.forward.schema.arguments][1:] if hasattr(sm.forward, "schema") else [f"x{i}" for i in range(len(args))]
        if len(names) != len(args) or len(set(names)) != len(names):  # traced F.* calls can name two inputs "input"
            names = [f"x{i}" for i in range(len(args))]
        np.savez(os.path.join(out, name + ".inputs.npz"), **{n: np.array(a.numpy(), order="C") for n, a in zip(names, args)})
        np.savez(os.path.join(out, name + ".outputs.npz"), **{f"output{i}": np.array(o.detach().numpy(), order="C") for i, o in enumerate(flat)})
        manifest[name] = sorted(ops_of(sm.inlined_graph))
    with open(os.path.join(out, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1, sort_keys=True)


if __name__ == "__main__":
    main(sys.argv[1])
