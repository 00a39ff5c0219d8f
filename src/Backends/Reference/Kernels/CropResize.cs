using static Bridge.Backends.Reference.KernelCommon;

namespace Bridge.Backends.Reference;

/// <summary>image.crop_and_resize (TF CropAndResize as topi's _resize_2d with boxes computes it).</summary>
public static class CropResize
{
    /// <summary>
    /// Crops box k = [y1, x1, y2, x2] (normalised: 0 → pixel 0, 1 → pixel H−1) from image box_indices[k] and resamples it to
    /// <paramref name="cropSize"/> = [crop_h, crop_w]: in_y = y1·(H−1) + y·(y2−y1)·(H−1)/(crop_h−1), or (y1+y2)/2·(H−1) when
    /// crop_h = 1 (TF; topi divides by zero there). A sample with in_y or in_x outside [0, H−1] / [0, W−1] is
    /// <paramref name="extrapolationValue"/>. Method "bilinear" lerps the clamped neighbours; "nearest_neighbor" rounds halves away
    /// from zero (TF's roundf; topi's te.round lowers to nearbyint, half to even, which differs only on exact .5 coordinates). Layout NCHW or NHWC; output [num_boxes, C, crop_h, crop_w]
    /// (NCHW) in <paramref name="outDType"/> (default: the data dtype), computed in double.
    /// </summary>
    public static Tensor CropAndResize(Tensor data, Tensor boxes, Tensor boxIndices, long[] cropSize, string layout = "NCHW",
        string method = "bilinear", double extrapolationValue = 0, DataType? outDType = null)
    {
        const string op = "image.crop_and_resize";
        RequireRank(op, "data", data, 4);
        RequireRank(op, "boxes", boxes, 2);
        RequireRank(op, "box_indices", boxIndices, 1);
        if (layout is not ("NCHW" or "NHWC")) throw Fail(KernelDiagnosticIds.UnsupportedMode, op, $"layout '{layout}' (expected NCHW or NHWC)");
        var nearest = method switch
        {
            "bilinear" or "linear" => false,
            "nearest_neighbor" or "nearest" => true,
            _ => throw Fail(KernelDiagnosticIds.UnsupportedMode, op, $"method '{method}' (expected bilinear or nearest_neighbor)"),
        };
        if (cropSize.Length != 2 || cropSize[0] < 1 || cropSize[1] < 1)
            throw Fail(KernelDiagnosticIds.BadParameter, op, $"crop_size must be two positive sizes, got [{string.Join(", ", cropSize)}]");
        var nboxes = boxes.Shape[0];
        if (boxes.Shape[1] != 4 || boxIndices.Shape[0] != nboxes)
            throw Fail(KernelDiagnosticIds.ShapeMismatch, op, $"boxes {Fmt(boxes.Shape)} must be [num_boxes, 4] and box_indices {Fmt(boxIndices.Shape)} [num_boxes]");
        var nhwc = layout == "NHWC";
        long nb = data.Shape[0], c = data.Shape[nhwc ? 3 : 1], h = data.Shape[nhwc ? 1 : 2], w = data.Shape[nhwc ? 2 : 3];
        long ch = cropSize[0], cw = cropSize[1];
        var x = ToDouble(data);
        var bx = ToDouble(boxes);
        var bi = ToLong(boxIndices);
        var outShape = nhwc ? new[] { nboxes, ch, cw, c } : new[] { nboxes, c, ch, cw };
        var r = new double[Product(outShape)];
        long At(long b, long ci, long yi, long xi) => nhwc ? ((b * h + yi) * w + xi) * c + ci : ((b * c + ci) * h + yi) * w + xi;
        for (long k = 0; k < nboxes; k++)
        {
            var b = bi[k];
            if (b < 0 || b >= nb) throw Fail(KernelDiagnosticIds.IndexOutOfRange, op, $"box_indices[{k}] = {b} is out of range for batch {nb}");
            double y1 = bx[k * 4], x1 = bx[k * 4 + 1], y2 = bx[k * 4 + 2], x2 = bx[k * 4 + 3];
            for (long oy = 0; oy < ch; oy++)
            {
                var iny = ch > 1 ? y1 * (h - 1) + oy * (y2 - y1) * (h - 1) / (ch - 1) : 0.5 * (y1 + y2) * (h - 1);
                for (long ox = 0; ox < cw; ox++)
                {
                    var inx = cw > 1 ? x1 * (w - 1) + ox * (x2 - x1) * (w - 1) / (cw - 1) : 0.5 * (x1 + x2) * (w - 1);
                    var outside = iny < 0 || iny > h - 1 || inx < 0 || inx > w - 1;
                    for (long ci = 0; ci < c; ci++)
                    {
                        double v;
                        if (outside) v = extrapolationValue;
                        else if (nearest)
                            v = x[At(b, ci, Clamp((long)Math.Round(iny, MidpointRounding.AwayFromZero), h), Clamp((long)Math.Round(inx, MidpointRounding.AwayFromZero), w))];
                        else
                        {
                            double fy = Math.Floor(iny), fx = Math.Floor(inx);
                            double ty = iny - fy, tx = inx - fx;
                            long y0 = Clamp((long)fy, h), y1i = Clamp((long)fy + 1, h), x0 = Clamp((long)fx, w), x1i = Clamp((long)fx + 1, w);
                            var top = x[At(b, ci, y0, x0)] * (1 - tx) + x[At(b, ci, y0, x1i)] * tx;
                            var bottom = x[At(b, ci, y1i, x0)] * (1 - tx) + x[At(b, ci, y1i, x1i)] * tx;
                            v = top * (1 - ty) + bottom * ty;
                        }
                        var o = nhwc ? ((k * ch + oy) * cw + ox) * c + ci : ((k * c + ci) * ch + oy) * cw + ox;
                        r[o] = v;
                    }
                }
            }
        }
        return FromDouble(outDType ?? data.DType, outShape, r);
    }

    private static long Clamp(long i, long n) => Math.Clamp(i, 0, n - 1);
}
