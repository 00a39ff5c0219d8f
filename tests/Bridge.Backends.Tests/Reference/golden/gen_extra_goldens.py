#!/usr/bin/python3
"""Writes the goldens of the issue-6 kernels (ExtraKernelTests.cs): inputs and numpy/torch outputs as raw little-endian bytes
(extra_goldens.bin) plus a JSON index (extra_goldens.json), in the layout of gen_goldens.py.

Run:  /usr/bin/python3 tests/Bridge.Backends.Tests/Reference/golden/gen_extra_goldens.py
Where numpy/torch has the op (meshgrid, argwhere, searchsorted, bucketize, advanced indexing, interpolate, median, fft, stft) it
computes the expected output; TF-only semantics (matrix_set_diag_v3, space_to_batch_nd, crop_and_resize) and TVM-only ones
(get_valid_counts, sequence_mask, nearest half_pixel resize) are written here from the TF/TVM documentation as plain loops or
numpy reshapes, independent of the C# kernels' index arithmetic."""
import json, math, os
import numpy as np
import torch
import torch.nn.functional as F

from golden_io import Goldens, t

_g = Goldens(4321)
rng, arr, case, r = _g.rng, _g.arr, _g.case, _g.r


# ---------------- slice_like ----------------
x = r(3, 4, 5); like = np.zeros((2, 3, 1), np.float32)
case("slice_like_all_axes", "slice_like", {}, [x, like], [x[:2, :3, :1]])
case("slice_like_neg_axis", "slice_like", {"axes": [-1, 1]}, [x, like], [x[:, :3, :1]])
xi = rng.integers(-2**62, 2**62, (4, 3), dtype=np.int64)
case("slice_like_int64_lower_rank_like", "slice_like", {}, [xi, np.zeros((2,), np.float32)], [xi[:2]])
case("slice_like_to_empty", "slice_like", {"axes": [0]}, [x, np.zeros((0, 9), np.float32)], [x[:0]])

# ---------------- sequence_mask ----------------
def seq_mask(d, vl, mask, axis):
    o = d.copy()
    L = d.shape[axis]
    for b in range(d.shape[1 - axis]):
        for s in range(L):
            if s >= vl[b]:  # topi: cast(t, valid_length.dtype) >= valid_length
                if axis == 0: o[s, b] = mask
                else: o[b, s] = mask
    return o
x = r(5, 3, 2); vl = np.array([1, 5, 3], np.int32)
case("sequence_mask_axis0", "sequence_mask", {"axis": 0, "mask_value": -7.5}, [x, vl], [seq_mask(x, vl, -7.5, 0)])
x = r(3, 4); vl = np.array([0, 2, 9], np.int64)
case("sequence_mask_axis1_over_length", "sequence_mask", {"axis": 1, "mask_value": 0.0}, [x, vl], [seq_mask(x, vl, 0.0, 1)])
xi = rng.integers(-100, 100, (2, 3, 4), dtype=np.int32); vl = np.array([1.5, 0.0], np.float32)
case("sequence_mask_neg_axis_int32_float_lengths", "sequence_mask", {"axis": -2, "mask_value": 42.0}, [xi, vl], [seq_mask(xi, vl, 42, 1)])

# ---------------- meshgrid ----------------
a = r(3); b = rng.integers(0, 9, (4,), dtype=np.int64); c = r(2).astype(np.float64)
case("meshgrid_ij_mixed_dtypes", "meshgrid", {"indexing": "ij"}, [a, b, c], list(np.meshgrid(a, b, c, indexing="ij")))
case("meshgrid_xy", "meshgrid", {"indexing": "xy"}, [a, b, c], list(np.meshgrid(a, b, c, indexing="xy")))
case("meshgrid_single_xy", "meshgrid", {"indexing": "xy"}, [a], list(np.meshgrid(a, indexing="xy")))
e = np.zeros((0,), np.float32)
case("meshgrid_empty_input", "meshgrid", {"indexing": "ij"}, [a, e], list(np.meshgrid(a, e, indexing="ij")))
s0 = np.array(5.0, np.float32)
case("meshgrid_scalar_counts_as_one", "meshgrid", {"indexing": "ij"}, [a, s0], [np.meshgrid(a, s0.reshape(1), indexing="ij")[0], np.meshgrid(a, s0.reshape(1), indexing="ij")[1]])

# ---------------- argwhere ----------------
x = (rng.random((3, 4, 2)) > 0.6)
case("argwhere_bool_3d", "argwhere", {}, [x], [np.argwhere(x).astype(np.int32)])
x = np.array([0.0, -1.5, 0.0, np.nan, 2.0], np.float32)
case("argwhere_float_nan_is_true", "argwhere", {}, [x], [np.argwhere(x).astype(np.int32)])
x = np.zeros((2, 3), np.int64)
case("argwhere_none", "argwhere", {}, [x], [np.argwhere(x).astype(np.int32).reshape(0, 2)])

# ---------------- searchsorted / bucketize ----------------
seq = np.sort(r(7)); v = r(3, 4); v[0, 0] = seq[2]; v[1, 1] = seq[6]
case("searchsorted_1d_left", "searchsorted", {"right": False, "dtype": "int32"}, [seq, v], [np.searchsorted(seq, v, side="left").astype(np.int32)])
case("searchsorted_1d_right_int64", "searchsorted", {"right": True, "dtype": "int64"}, [seq, v], [np.searchsorted(seq, v, side="right").astype(np.int64)])
seq = np.sort(rng.integers(-5, 5, (2, 3, 6)), axis=-1).astype(np.int64); v = rng.integers(-6, 6, (2, 3, 4)).astype(np.int64)
case("searchsorted_batched_int", "searchsorted", {"right": True, "dtype": "int32"}, [seq, v],
     [torch.searchsorted(t(seq), t(v), right=True).numpy().astype(np.int32)])
case("searchsorted_batched_int_left", "searchsorted", {"right": False, "dtype": "int32"}, [seq, v],
     [torch.searchsorted(t(seq), t(v), right=False).numpy().astype(np.int32)])
case("searchsorted_empty_values", "searchsorted", {"right": False, "dtype": "int32"}, [np.sort(r(4)), np.zeros((0, 2), np.float32)],
     [np.zeros((0, 2), np.int32)])
bnd = np.array([1.0, 3.0, 5.0, 7.0, 9.0], np.float32); x = np.array([[0.5, 1.0, 3.0], [6.0, 9.0, 11.0]], np.float32)
case("bucketize_left_int64", "bucketize", {"right": False, "out_int32": False}, [x, bnd], [torch.bucketize(t(x), t(bnd), right=False).numpy()])
case("bucketize_right_int32", "bucketize", {"right": True, "out_int32": True}, [x, bnd],
     [torch.bucketize(t(x), t(bnd), right=True, out_int32=True).numpy()])

# ---------------- adv_index ----------------
x = r(5, 4, 3); i0 = np.array([[0, 4], [-1, 2]], np.int64); i1 = np.array([3, -4], np.int32)
case("adv_index_broadcast_neg", "adv_index", {}, [x, i0, i1], [x[i0, i1]])
case("adv_index_one_index", "adv_index", {}, [x, i1], [x[i1]])
xi = rng.integers(-2**40, 2**40, (3, 3), dtype=np.int64); i0 = np.zeros((0,), np.int64)
case("adv_index_empty_index_int64", "adv_index", {}, [xi, i0], [xi[i0]])
i0 = np.array([[2], [0]], np.int64); i1 = np.array([0, 1, 2], np.int64)
case("adv_index_full_rank", "adv_index", {}, [xi, i0, i1], [xi[i0, i1]])

# ---------------- matrix_set_diag (TF MatrixSetDiagV3 documentation formula) ----------------
def set_diag(inp, diag, k1, k2, sup_right, sub_right):
    out = inp.copy()
    M, N = inp.shape[-2:]
    maxlen = min(M + min(k2, 0), N - max(k1, 0))
    for idx in np.ndindex(*inp.shape[:-2]):
        for m in range(M):
            for n in range(N):
                d = n - m
                if not (k1 <= d <= k2): continue
                dlen = min(M + min(d, 0), N - max(d, 0))
                right = sup_right if d >= 0 else sub_right
                off = maxlen - dlen if (right and k1 != k2) else 0
                if k1 == k2:
                    out[idx + (m, n)] = diag[idx + (n - max(d, 0) + off,)]
                else:
                    out[idx + (m, n)] = diag[idx + (k2 - d, n - max(d, 0) + off)]
    return out
inp = r(2, 3, 4); diag = r(2, 3)
case("matrix_set_diag_main", "matrix_set_diag", {"k1": 0, "k2": 0}, [inp, diag], [set_diag(inp, diag, 0, 0, True, False)])
diag = r(2, 2)
case("matrix_set_diag_single_super", "matrix_set_diag", {"k1": 2, "k2": 2}, [inp, diag], [set_diag(inp, diag, 2, 2, True, False)])
inp = r(4, 5); diag = r(4, 4)  # k = (-1, 2): maxlen = min(4 + 0, 5 - 0) = 4
for sr in (True, False):
    for sl in (True, False):
        case(f"matrix_set_diag_band_{'R' if sr else 'L'}{'R' if sl else 'L'}", "matrix_set_diag",
             {"k1": -1, "k2": 2, "super_diag_right_align": sr, "sub_diag_right_align": sl}, [inp, diag], [set_diag(inp, diag, -1, 2, sr, sl)])
inp = rng.integers(-2**50, 2**50, (2, 5, 3), dtype=np.int64); diag = rng.integers(-9, 9, (2, 3, 3), dtype=np.int64)  # k = (-3, -1)
case("matrix_set_diag_sub_band_int64", "matrix_set_diag", {"k1": -3, "k2": -1, "super_diag_right_align": False, "sub_diag_right_align": True},
     [inp, diag], [set_diag(inp, diag, -3, -1, False, True)])

# ---------------- space_to_batch_nd / batch_to_space_nd (TF algorithm as numpy reshapes) ----------------
def s2b(x, block, pads, value):
    M = len(block)
    padded = np.pad(x, [(0, 0)] + [tuple(p) for p in pads] + [(0, 0)] * (x.ndim - 1 - M), constant_values=value)
    B = x.shape[0]
    shp = [B]
    for i in range(M): shp += [padded.shape[1 + i] // block[i], block[i]]
    shp += list(x.shape[1 + M:])
    y = padded.reshape(shp)
    perm = [2 + 2 * i for i in range(M)] + [0] + [1 + 2 * i for i in range(M)] + list(range(1 + 2 * M, y.ndim))
    y = y.transpose(perm)
    return y.reshape([B * int(np.prod(block))] + [padded.shape[1 + i] // block[i] for i in range(M)] + list(x.shape[1 + M:]))

def b2s(x, block, crops):
    M = len(block)
    B = x.shape[0] // int(np.prod(block))
    y = x.reshape(list(block) + [B] + list(x.shape[1:]))
    perm = [M]
    for i in range(M): perm += [M + 1 + i, i]
    perm += list(range(2 * M + 1, y.ndim))
    y = y.transpose(perm)
    y = y.reshape([B] + [x.shape[1 + i] * block[i] for i in range(M)] + list(x.shape[1 + M:]))
    sl = [slice(None)] + [slice(crops[i][0], y.shape[1 + i] - crops[i][1]) for i in range(M)]
    return y[tuple(sl)]

x = r(2, 3, 5, 4)
case("space_to_batch_nd_2d_pad", "space_to_batch_nd", {"block_shape": [2, 3], "paddings": [[1, 0], [0, 1]], "pad_value": 0.5},
     [x], [s2b(x, [2, 3], [[1, 0], [0, 1]], 0.5)])
xi = rng.integers(-50, 50, (1, 6, 2), dtype=np.int32)
case("space_to_batch_nd_1d_int32", "space_to_batch_nd", {"block_shape": [4], "paddings": [[1, 1]], "pad_value": -1.0},
     [xi], [s2b(xi, [4], [[1, 1]], -1)])
x = r(12, 2, 3, 2)
case("batch_to_space_nd_2d_crop", "batch_to_space_nd", {"block_shape": [2, 3], "crops": [[1, 0], [2, 1]]}, [x], [b2s(x, [2, 3], [[1, 0], [2, 1]])])
y = s2b(xi, [4], [[1, 1]], -1)
case("batch_to_space_nd_roundtrip_int32", "batch_to_space_nd", {"block_shape": [4], "crops": [[1, 1]]}, [y], [xi])

# ---------------- upsampling3d ----------------
def nearest_tvm(x, size, mode):
    # TVM resize3d nearest: in = (o + 0.5)·in/out − 0.5 (half_pixel) or o·in/out (asymmetric); floor(in + 1e-5); clamp.
    out = x
    for ax, n_out in zip((2, 3, 4), size):
        n_in = out.shape[ax]
        idx = []
        for o in range(n_out):
            v = (o + 0.5) * n_in / n_out - 0.5 if mode == "half_pixel" else o * n_in / n_out
            idx.append(min(max(int(math.floor(v + 1e-5)), 0), n_in - 1))
        out = np.take(out, idx, axis=ax)
    return out
x = r(1, 2, 2, 3, 2)
case("upsampling3d_nearest_half_pixel", "upsampling3d", {"scale_d": 2.0, "scale_h": 1.5, "scale_w": 2.0, "method": "nearest_neighbor",
     "coordinate_transformation_mode": "half_pixel"}, [x], [nearest_tvm(x, (4, 4, 4), "half_pixel")])
case("upsampling3d_nearest_asymmetric_torch", "upsampling3d", {"scale_d": 2.0, "scale_h": 2.0, "scale_w": 3.0, "method": "nearest_neighbor",
     "coordinate_transformation_mode": "asymmetric"}, [x], [F.interpolate(t(x), size=(4, 6, 6), mode="nearest").numpy()])
case("upsampling3d_trilinear_half_pixel", "upsampling3d", {"scale_d": 2.0, "scale_h": 2.0, "scale_w": 2.0, "method": "trilinear",
     "coordinate_transformation_mode": "half_pixel"}, [x], [F.interpolate(t(x), size=(4, 6, 4), mode="trilinear", align_corners=False).numpy()])
case("upsampling3d_trilinear_align_corners", "upsampling3d", {"scale_d": 1.5, "scale_h": 2.0, "scale_w": 2.5, "method": "trilinear",
     "coordinate_transformation_mode": "align_corners"}, [x], [F.interpolate(t(x), size=(3, 6, 5), mode="trilinear", align_corners=True).numpy()])
xl = x.transpose(0, 2, 3, 4, 1).copy()
case("upsampling3d_trilinear_ndhwc", "upsampling3d", {"scale_d": 2.0, "scale_h": 2.0, "scale_w": 2.0, "method": "trilinear", "layout": "NDHWC",
     "coordinate_transformation_mode": "half_pixel"}, [xl], [F.interpolate(t(x), size=(4, 6, 4), mode="trilinear", align_corners=False).numpy().transpose(0, 2, 3, 4, 1)])

# ---------------- crop_and_resize (TF CropAndResize documentation) ----------------
def crop_resize(img, boxes, bidx, size, method, extrap):  # NHWC
    nb, (ch, cw) = boxes.shape[0], size
    H, W, C = img.shape[1:]
    out = np.zeros((nb, ch, cw, C), np.float64)
    for k in range(nb):
        y1, x1, y2, x2 = [float(v) for v in boxes[k]]
        b = int(bidx[k])
        for yy in range(ch):
            iy = y1 * (H - 1) + yy * (y2 - y1) * (H - 1) / (ch - 1) if ch > 1 else 0.5 * (y1 + y2) * (H - 1)
            for xx in range(cw):
                ix = x1 * (W - 1) + xx * (x2 - x1) * (W - 1) / (cw - 1) if cw > 1 else 0.5 * (x1 + x2) * (W - 1)
                if iy < 0 or iy > H - 1 or ix < 0 or ix > W - 1:
                    out[k, yy, xx] = extrap
                    continue
                if method == "nearest_neighbor":
                    out[k, yy, xx] = img[b, int(math.floor(iy + 0.5)), int(math.floor(ix + 0.5))]  # roundf (iy, ix >= 0 here)
                    continue
                ty, tx = math.floor(iy), math.floor(ix)
                by, bx = math.ceil(iy), math.ceil(ix)
                dy, dx = iy - ty, ix - tx
                top = img[b, ty, tx] + (img[b, ty, bx] - img[b, ty, tx]) * dx
                bot = img[b, by, tx] + (img[b, by, bx] - img[b, by, tx]) * dx
                out[k, yy, xx] = top + (bot - top) * dy
    return out
img = r(2, 5, 6, 3)
boxes = np.array([[0.0, 0.0, 1.0, 1.0], [0.1, 0.2, 0.7, 0.9], [0.8, 0.9, 0.2, 0.1], [-0.2, 0.3, 0.5, 1.3]], np.float32)
bidx = np.array([1, 0, 1, 0], np.int32)
case("crop_and_resize_bilinear_nhwc", "crop_and_resize", {"crop_size": [4, 3], "layout": "NHWC", "method": "bilinear", "extrapolation_value": -1.0},
     [img, boxes, bidx], [crop_resize(img, boxes, bidx, (4, 3), "bilinear", -1.0).astype(np.float32)])
case("crop_and_resize_bilinear_nchw", "crop_and_resize", {"crop_size": [3, 5], "layout": "NCHW", "method": "bilinear", "extrapolation_value": 0.0},
     [img.transpose(0, 3, 1, 2).copy(), boxes, bidx], [crop_resize(img, boxes, bidx, (3, 5), "bilinear", 0.0).astype(np.float32).transpose(0, 3, 1, 2)])
boxes_nn = np.array([[0.0, 0.0, 0.9, 0.9], [0.13, 0.27, 0.61, 0.77]], np.float32)  # no exact .5 ties
case("crop_and_resize_nearest", "crop_and_resize", {"crop_size": [3, 3], "layout": "NHWC", "method": "nearest_neighbor", "extrapolation_value": 0.0},
     [img, boxes_nn, np.array([0, 1], np.int32)], [crop_resize(img, boxes_nn, [0, 1], (3, 3), "nearest_neighbor", 0.0).astype(np.float32)])
img4 = r(1, 4, 6, 2)  # full-image box, crop 3x3: in_y = 0, 1.5, 3 and in_x = 0, 2.5, 5 -- exact halves round away from zero
case("crop_and_resize_nearest_ties", "crop_and_resize", {"crop_size": [3, 3], "layout": "NHWC", "method": "nearest_neighbor", "extrapolation_value": 0.0},
     [img4, np.array([[0, 0, 1, 1]], np.float32), np.array([0], np.int32)], [img4[:, [0, 2, 3]][:, :, [0, 3, 5]]])
case("crop_and_resize_crop_1x1_center", "crop_and_resize", {"crop_size": [1, 1], "layout": "NHWC", "method": "bilinear", "extrapolation_value": 0.0},
     [img, boxes[:2].copy(), bidx[:2].copy()], [crop_resize(img, boxes[:2], bidx[:2], (1, 1), "bilinear", 0.0).astype(np.float32)])
case("crop_and_resize_identity_float64", "crop_and_resize", {"crop_size": [5, 6], "layout": "NHWC", "method": "bilinear", "extrapolation_value": 0.0},
     [img.astype(np.float64), np.array([[0, 0, 1, 1]], np.float32), np.array([1], np.int32)], [img[1:2].astype(np.float64)])

# ---------------- get_valid_counts (topi hybrid_get_valid_counts) ----------------
def valid_counts(d, thr, id_index, score_index):
    B, N, K = d.shape
    cnt = np.zeros((B,), np.int32); out = np.full_like(d, -1); idx = np.full((B, N), -1, np.int32)
    for b in range(B):
        for j in range(N):
            if d[b, j, score_index] > thr and (id_index < 0 or d[b, j, id_index] >= 0):
                out[b, cnt[b]] = d[b, j]; idx[b, cnt[b]] = j; cnt[b] += 1
    return [cnt, out, idx]
d = r(2, 6, 6); d[:, :, 0] = rng.integers(-1, 3, (2, 6)); d[:, :, 1] = rng.random((2, 6))
case("get_valid_counts_default", "get_valid_counts", {"score_threshold": 0.4, "id_index": 0, "score_index": 1}, [d], valid_counts(d, 0.4, 0, 1))
case("get_valid_counts_no_id", "get_valid_counts", {"score_threshold": 0.0, "id_index": -1, "score_index": 1}, [d], valid_counts(d, 0.0, -1, 1))
d5 = r(1, 4, 5); d5[0, :, 4] = [0.9, 0.1, 0.95, 0.2]
case("get_valid_counts_score_last", "get_valid_counts", {"score_threshold": 0.5, "id_index": -1, "score_index": 4}, [d5], valid_counts(d5, 0.5, -1, 4))

# ---------------- median (torch.median: lower median, NaN propagates; with a dim also the int64 indices) ----------------
x = r(4, 6)
m = torch.median(t(x), dim=1)
case("median_axis1", "median", {"axis": [1], "keepdims": False}, [x], [m.values.numpy(), m.indices.numpy()])
m = torch.median(t(x), dim=-2, keepdim=True)
case("median_neg_axis_keepdims", "median", {"axis": [-2], "keepdims": True}, [x], [m.values.numpy(), m.indices.numpy()])
case("median_all", "median", {"keepdims": False}, [x], [torch.median(t(x)).numpy()])
case("median_all_keepdims", "median", {"keepdims": True}, [x], [torch.median(t(x)).numpy().reshape(1, 1)])
xn = r(3, 5); xn[1, 2] = np.nan; xn[1, 4] = np.nan
m = torch.median(t(xn), dim=1)
case("median_nan_propagates", "median", {"axis": [1], "keepdims": False}, [xn], [m.values.numpy(), m.indices.numpy()])
xi = rng.integers(-2**60, 2**60, (2, 3, 4), dtype=np.int64)
ref = torch.median(t(xi).permute(1, 0, 2).reshape(3, 8), dim=1).values.numpy()
case("median_values_two_axes_int64", "median_values", {"axis": [0, 2], "keepdims": False}, [xi], [ref])
xe = r(4, 3).astype(np.float64)
m = torch.median(t(xe), dim=0)
case("median_even_count_float64", "median", {"axis": [0], "keepdims": False}, [xe], [m.values.numpy(), m.indices.numpy()])

# ---------------- dft (numpy fft) ----------------
re = r(2, 8); im = r(2, 8)
y = np.fft.fft(re.astype(np.float64) + 1j * im.astype(np.float64), axis=-1)
case("dft_forward", "dft", {"inverse": False}, [re, im], [y.real.astype(np.float32), y.imag.astype(np.float32)], rtol=1e-4, atol=1e-4)
y = np.fft.ifft(re.astype(np.float64) + 1j * im.astype(np.float64), axis=-1)
case("dft_inverse", "dft", {"inverse": True}, [re, im], [y.real.astype(np.float32), y.imag.astype(np.float32)], rtol=1e-4, atol=1e-5)
re = r(3, 1, 7).astype(np.float64); im = np.zeros_like(re)
y = np.fft.fft(re, axis=-1)
case("dft_odd_length_real_float64", "dft", {"inverse": False}, [re, im], [y.real, y.imag], rtol=1e-9, atol=1e-10)

# ---------------- stft (torch.stft, center=False, win_length == n_fft) ----------------
def stft_ref(x, n_fft, hop, window, normalized, onesided):
    s = torch.stft(t(x), n_fft, hop_length=hop, win_length=n_fft, window=t(window), center=False, normalized=normalized,
                   onesided=onesided, return_complex=True)
    return torch.view_as_real(s).numpy()
x = r(2, 20); w = np.hanning(8).astype(np.float32)
case("stft_batched_onesided", "stft", {"n_fft": 8, "hop_length": 3, "win_length": 8, "normalized": False, "onesided": True}, [x, w],
     [stft_ref(x, 8, 3, w, False, True)], rtol=1e-4, atol=1e-5)
x1 = r(17)
case("stft_1d_twosided_normalized", "stft", {"n_fft": 6, "hop_length": 4, "win_length": 6, "normalized": True, "onesided": False}, [x1, np.ones(6, np.float32)],
     [stft_ref(x1, 6, 4, np.ones(6, np.float32), True, False)], rtol=1e-4, atol=1e-5)
# The shape of topi.stft's docstring example (n_fft = hop = win = 3, window [4, 3, 2]); its printed values do not match topi's own
# loop (frame 0, bin 0 is 4·1 + 3·2 + 2·3 = 16, not 15), so torch computes the expectation.
x6 = np.arange(1, 7, dtype=np.float32); w3 = np.array([4, 3, 2], np.float32)
case("stft_topi_docstring_shape", "stft", {"n_fft": 3, "hop_length": 3, "win_length": 3, "normalized": False, "onesided": True},
     [x6, w3], [stft_ref(x6, 3, 3, w3, False, True)], rtol=1e-5, atol=1e-5)

# ---------------- deformable_conv2d ----------------
# torchvision.ops.deform_conv2d where every sample lies inside [0, H-1] x [0, W-1] (there topi and torchvision agree); a plain loop
# of topi's formula (bilinear_sample_nchw, zero outside [0, H) x [0, W)) for samples that leave the image.
import torchvision.ops

def deform_tvm(x, off, w, stride, pad, dil, dg, groups):
    N, C, H, W = x.shape; O, CG, KH, KW = w.shape
    OH = (H + 2 * pad[0] - dil[0] * (KH - 1) - 1) // stride[0] + 1
    OW = (W + 2 * pad[1] - dil[1] * (KW - 1) - 1) // stride[1] + 1
    out = np.zeros((N, O, OH, OW), np.float64)
    def samp(n, c, py, px):
        if py < 0 or px < 0 or py >= H or px >= W: return 0.0
        y0, x0 = math.floor(py), math.floor(px)
        y1, x1 = min(math.ceil(py), H - 1), min(math.ceil(px), W - 1)
        ty, tx = py - y0, px - x0
        top = (1 - tx) * x[n, c, y0, x0] + tx * x[n, c, y0, x1]
        bot = (1 - tx) * x[n, c, y1, x0] + tx * x[n, c, y1, x1]
        return (1 - ty) * top + ty * bot
    for n in range(N):
        for f in range(O):
            g = f // (O // groups)
            for y in range(OH):
                for xx in range(OW):
                    acc = 0.0
                    for ci in range(CG):
                        c = g * CG + ci
                        dgi = c // (C // dg)
                        for i in range(KH):
                            for j in range(KW):
                                ch = (dgi * KH * KW + i * KW + j) * 2
                                py = y * stride[0] - pad[0] + i * dil[0] + off[n, ch, y, xx]
                                px = xx * stride[1] - pad[1] + j * dil[1] + off[n, ch + 1, y, xx]
                                acc += w[f, ci, i, j] * samp(n, c, float(py), float(px))
                    out[n, f, y, xx] = acc
    return out

x = r(1, 4, 7, 8); w = r(6, 4, 3, 3)
off = (rng.random((1, 2 * 2 * 9, 5, 6)) * 0.9).astype(np.float32)  # stride 1, no pad: y + i + [0, 0.9) <= 6.9 < 7 -- but the last
off[:, 0::2, -1, :] *= 0.0; off[:, 1::2, :, -1] *= 0.0              # row/col would pass H-1 = 6, so keep them on the grid
y = torchvision.ops.deform_conv2d(t(x), t(off), t(w)).numpy()
case("deformable_conv2d_interior_torchvision", "deformable_conv2d", {"strides": [1, 1], "padding": [0, 0], "dilation": [1, 1], "deformable_groups": 2, "groups": 1},
     [x, off, w], [y], rtol=1e-4, atol=1e-4)
x = r(2, 4, 6, 5); w = r(4, 2, 3, 2)
off = (rng.standard_normal((2, 1 * 3 * 2 * 2, 3, 3)) * 1.5).astype(np.float32)
y = deform_tvm(x, off, w, (2, 2), (1, 1), (1, 2), 1, 2).astype(np.float32)
case("deformable_conv2d_borders_groups_tvm_formula", "deformable_conv2d", {"strides": [2, 2], "padding": [1, 1], "dilation": [1, 2], "deformable_groups": 1, "groups": 2},
     [x, off, w], [y], rtol=1e-4, atol=1e-4)
x = r(1, 3, 5, 5); w = r(2, 3, 2, 2); off = (rng.standard_normal((1, 3 * 4 * 2, 6, 6)) * 2).astype(np.float32)
y = deform_tvm(x, off, w, (1, 1), (1, 1), (1, 1), 3, 1)
case("deformable_conv2d_nhwc_hwio", "deformable_conv2d", {"strides": [1, 1], "padding": [1, 1], "dilation": [1, 1], "deformable_groups": 3, "groups": 1,
     "data_layout": "NHWC", "kernel_layout": "HWIO"}, [x.transpose(0, 2, 3, 1).copy(), off.transpose(0, 2, 3, 1).copy(), w.transpose(2, 3, 1, 0).copy()],
     [y.transpose(0, 2, 3, 1).astype(np.float32)], rtol=1e-4, atol=1e-4)

# ---------------- empty extents ----------------
xe = np.zeros((0, 4, 2), np.float32)
case("empty_space_to_batch_nd_batch0", "space_to_batch_nd", {"block_shape": [2], "paddings": [[0, 0]], "pad_value": 0.0}, [xe], [s2b(xe, [2], [[0, 0]], 0.0)])
xe = np.zeros((0, 3), np.float32)
m = torch.median(t(xe), dim=1)
case("empty_median_outer0", "median", {"axis": [1], "keepdims": False}, [xe], [m.values.numpy(), m.indices.numpy()])
re = np.zeros((0, 4), np.float32)
case("empty_dft_rows0", "dft", {"inverse": False}, [re, re], [re, re])
de = np.zeros((2, 0, 6), np.float32)
case("empty_get_valid_counts_no_anchors", "get_valid_counts", {"score_threshold": 0.0, "id_index": 0, "score_index": 1}, [de], valid_counts(de, 0.0, 0, 1))
xe = np.zeros((0, 5), np.float32); vl = np.zeros((5,), np.int32)
case("empty_sequence_mask_len0", "sequence_mask", {"axis": 0, "mask_value": 1.0}, [xe, vl], [xe])

_g.write("extra_goldens", "gen_extra_goldens.py")
