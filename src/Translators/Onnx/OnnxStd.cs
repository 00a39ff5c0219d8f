using Bridge.Importers.Onnx.Ops;

namespace Bridge.Translators.Onnx;

/// <summary>Dialect-independent pieces of the standard-domain op rules (shared by the Relay and Relax emitters).</summary>
internal static class OnnxStd
{
    /// <summary>ONNX Range: ⌈(limit − start) / delta⌉ elements (at least 0), computed in the input dtype.</summary>
    internal static Tensor RangeTensor(DataType dt, Tensor start, Tensor limit, Tensor delta)
    {
        if (dt.IsInt)
        {
            long s = start.GetInt64(0), l = limit.GetInt64(0), d = delta.GetInt64(0);
            if (d == 0) return Tensor.Zeros(dt, 0);
            var cnt = Math.Max((long)Math.Ceiling((double)(l - s) / d), 0);
            var r = Tensor.Zeros(dt, cnt);
            for (long i = 0; i < cnt; i++) r.SetInt64(i, s + i * d);
            return r;
        }
        double st = start.GetDouble(0), lim = limit.GetDouble(0), dl = delta.GetDouble(0);
        var count = dl == 0 ? 0 : Math.Max((long)Math.Ceiling((lim - st) / dl), 0);
        var tt = Tensor.Zeros(dt, count);
        for (long i = 0; i < count; i++) tt.SetDouble(i, st + i * dl);
        return tt;
    }

    /// <summary>
    /// The output dims of an ONNX Resize (shared by both emitters): from <c>sizes</c> (with <c>axes</c> and
    /// keep_aspect_ratio_policy) or from constant <c>scales</c> (floor(in·scale)); N and C must keep their size.
    /// </summary>
    internal static SymExpr[] ResizeOutput(CanonicalNode n, ResizeAttrs a, IReadOnlyList<SymExpr> s, Tensor? scales, KnownInts? sizes,
        Func<CanonicalNode, string, Exception> unsupported)
    {
        var r = s.Count;
        if (a.Antialias) throw unsupported(n, "antialias=1");
        var axes = a.Axes is { } ax ? ax.Select(v => v < 0 ? v + r : v).ToArray() : [.. Enumerable.Range(0, r).Select(i => (long)i)];
        var dims = s.ToArray();
        if (sizes is { Length: > 0 } k)
        {
            if (k.Length != axes.Length) throw unsupported(n, $"sizes of length {k.Length} for {axes.Length} axes");
            if (a.KeepAspectRatioPolicy != "stretch")
            {
                double sc = a.KeepAspectRatioPolicy == "not_larger" ? double.MaxValue : double.MinValue;
                for (var i = 0; i < axes.Length; i++)
                {
                    if (k.Values[i].AsConst is not { } want || s[(int)axes[i]].AsConst is not { } have) throw unsupported(n, "keep_aspect_ratio_policy with symbolic dims");
                    var ratio = (double)want / have;
                    sc = a.KeepAspectRatioPolicy == "not_larger" ? Math.Min(sc, ratio) : Math.Max(sc, ratio);
                }
                foreach (var i in axes) dims[i] = (long)Math.Round(s[(int)i].AsConst!.Value * sc, MidpointRounding.ToEven);
            }
            else for (var i = 0; i < axes.Length; i++) dims[axes[i]] = k.Values[i];
        }
        else if (scales is { Length: > 0 } sc)
        {
            if (sc.Length != axes.Length) throw unsupported(n, $"scales of length {sc.Length} for {axes.Length} axes");
            for (var i = 0; i < axes.Length; i++)
            {
                var f = sc.GetDouble(i);
                if (f == 1) continue;
                if (s[(int)axes[i]].AsConst is { } d) { dims[axes[i]] = (long)Math.Floor(d * f); continue; }
                // A symbolic dim: floor(d · p / q) for the exact rational p / q of the scale (2.0, 0.5, 1.5…), so the output
                // size stays a symbolic expression of the input dim.
                var q = Enumerable.Range(1, 64).FirstOrDefault(q => Math.Floor(f * q) == f * q && f * q / q == f);
                if (q == 0) throw unsupported(n, $"scale {f} on a symbolic dim (not a ratio of small integers)");
                dims[axes[i]] = SymExpr.FloorDiv(s[(int)axes[i]] * (long)(f * q), q);
            }
        }
        else throw unsupported(n, "scales/sizes must be known at import");
        for (var i = 0; i < Math.Min(2, r); i++)
            if (!ReferenceEquals(dims[i], s[i]) && SymExpr.ProveEqual(dims[i], s[i]) != Tri.Proven) throw unsupported(n, "resizing the batch or channel axis");
        return dims;
    }

    /// <summary>EyeLike: ones on diagonal <paramref name="k"/> of a static 2-D shape; null when the shape is not static 2-D.</summary>
    internal static Tensor? Eye(IReadOnlyList<SymExpr> shape, DataType dt, long k)
    {
        if (shape.Count != 2 || shape[0].AsConst is not { } rows || shape[1].AsConst is not { } cols) return null;
        var t = Tensor.Zeros(dt, rows, cols);
        for (long i = 0; i < rows; i++)
            if (i + k >= 0 && i + k < cols) t.SetDouble(i * cols + i + k, 1);
        return t;
    }

    /// <summary>
    /// MaxUnpool's output shape: the constant <c>output_shape</c> input, else per spatial dim
    /// (in − 1)·stride − pad_begin − pad_end + kernel (the inverse of MaxPool's size rule); static dims only.
    /// </summary>
    internal static long[] UnpoolShape(CanonicalNode n, WindowAttrs w, IReadOnlyList<SymExpr> s, long[]? given, bool hasGiven,
        Func<CanonicalNode, string, Exception> unsupported)
    {
        if (hasGiven) return given ?? throw unsupported(n, "an output_shape that is not a constant");
        var r = w.ResolvedKernel.Count;
        var dims = s.Select(d => d.AsConst ?? throw unsupported(n, "a symbolic input shape")).ToArray();
        var pads = w.ExplicitPads.Select(p => p.AsConst ?? throw unsupported(n, "symbolic pads")).ToArray();
        for (var i = 0; i < r; i++)
            dims[2 + i] = (dims[2 + i] - 1) * w.ResolvedStrides[i] - pads[i] - pads[r + i] + (w.ResolvedKernel[i].AsConst ?? throw unsupported(n, "a symbolic kernel"));
        return dims;
    }

    /// <summary>
    /// AffineGrid's base grid for spatial <paramref name="dims"/> (H, W or D, H, W): one row (x, y[, z], 1) per output point in
    /// row-major (D, H, W) order; coordinates span [−1, 1] at pixel centres (align_corners=0) or at the corner pixels (1).
    /// </summary>
    internal static Tensor AffineBase(long[] dims, bool alignCorners, DataType dt)
    {
        var nd = dims.Length;
        var points = dims.Aggregate(1L, (a, b) => a * b);
        var t = Tensor.Zeros(dt, points, nd + 1);
        double Coord(long i, long n) => alignCorners ? (n > 1 ? -1 + 2.0 * i / (n - 1) : 0) : (2.0 * i + 1) / n - 1;
        var idx = new long[nd];
        for (long p = 0; p < points; p++)
        {
            var rem = p;
            for (var d = nd - 1; d >= 0; d--) { idx[d] = rem % dims[d]; rem /= dims[d]; }
            // Columns are x (the last spatial dim), then y, then z.
            for (var c = 0; c < nd; c++) t.SetDouble(p * (nd + 1) + c, Coord(idx[nd - 1 - c], dims[nd - 1 - c]));
            t.SetDouble(p * (nd + 1) + nd, 1);
        }
        return t;
    }
}
