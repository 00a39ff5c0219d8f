using System.Buffers;
using static Bridge.Backends.Reference.KernelCommon;

namespace Bridge.Backends.Reference;

/// <summary>
/// Convolution parameters at kernel level (both dialects adapt their attrs to this). <see cref="Padding"/> is TVM's: one value
/// (all sides), one per spatial dim (symmetric), or all "before" values followed by all "after" values (e.g. top, left, bottom,
/// right). Layouts are TVM layout strings over N/C (data) and O/I (kernel) plus D/H/W; <see cref="OutLayout"/> defaults to the data layout.
/// </summary>
public sealed record ConvParams(
    long[] Strides, long[] Padding, long[] Dilation, int Groups = 1,
    string DataLayout = "NCHW", string KernelLayout = "OIHW", string? OutLayout = null, DataType? OutDType = null)
{
    /// <summary>Transposed convolution only: extra size added at the end of each spatial output dim.</summary>
    public long[]? OutputPadding { get; init; }
}

/// <summary>Convolutions 1d/2d/3d and transposed convolutions, any NC*/N*C data layout and O/I kernel layout, groups, dilation, asymmetric padding.</summary>
public static partial class Conv
{
    /// <summary>
    /// Forward convolution. Float32 (and f16/bf16, computed in float32 and rounded once) uses im2col + the packed GEMM (1×1 stride-1
    /// unpadded convs skip im2col; depthwise convs run directly); float64 and integer dtypes use a direct loop accumulating in double.
    /// </summary>
    public static Tensor Forward(Tensor data, Tensor weight, ConvParams p)
    {
        const string op = "conv";
        var nd = p.DataLayout.Length - 2;
        if (nd is < 1 or > 3) throw Fail(KernelDiagnosticIds.BadParameter, op, $"data layout '{p.DataLayout}' is not a 1d/2d/3d layout");
        var g = Geometry.Create(op, data, weight, p, nd, transposed: false);
        var outDType = p.OutDType is { IsVoid: false } od ? od : data.DType;
        var x = Layouts.ToCanonical(op, data, p.DataLayout, "NC" + Layouts.Spatial(nd));
        var w = Layouts.ToCanonical(op, weight, p.KernelLayout, "OI" + Layouts.Spatial(nd));
        Tensor y;
        if (data.DType.IsFloat && data.DType.Bits <= 32 && weight.DType.IsFloat && weight.DType.Bits <= 32 && outDType.IsFloat)
        {
            var xs = x.DType == DataType.Float32 ? x : FromFloat(DataType.Float32, [.. x.Shape], ToFloat(x));
            var ws = w.DType == DataType.Float32 ? w : FromFloat(DataType.Float32, [.. w.Shape], ToFloat(w));
            // Every output element is written (GEMM without accumulate, or the depthwise loop): no zeroing pass needed.
            y = Tensor.Uninitialized(DataType.Float32, g.OutShape);
            // Packed weights are cached per weight tensor when it is already float32 in canonical layout (constants in a model):
            // kernels treat tensors as immutable, so a weight's packing never goes stale.
            var packed = ReferenceEquals(ws, weight) ? s_packed.GetValue(weight, _ => new PackCache()) : null;
            Float32(xs, ws, y, g, packed);
            if (outDType != DataType.Float32) y = FromFloat(outDType, g.OutShape, y.ReadOnlySpan<float>());
        }
        else
        {
            var xd = ToDouble(x);
            var wd = ToDouble(w);
            var r = IntegerThroughFloat32(xd, wd, g) ?? Direct(xd, wd, g);
            y = FromDouble(outDType, g.OutShape, r);
        }
        return Layouts.FromCanonical(y, "NC" + Layouts.Spatial(nd), p.OutLayout ?? p.DataLayout);
    }

    /// <summary>Transposed convolution (the gradient of <see cref="Forward"/> w.r.t. its input); kernel canonical layout is IO+spatial.</summary>
    public static Tensor Transpose(Tensor data, Tensor weight, ConvParams p)
    {
        const string op = "conv_transpose";
        var nd = p.DataLayout.Length - 2;
        if (nd is < 1 or > 3) throw Fail(KernelDiagnosticIds.BadParameter, op, $"data layout '{p.DataLayout}' is not a 1d/2d/3d layout");
        var g = Geometry.Create(op, data, weight, p, nd, transposed: true);
        var outDType = p.OutDType is { IsVoid: false } od ? od : data.DType;
        var x = ToDouble(Layouts.ToCanonical(op, data, p.DataLayout, "NC" + Layouts.Spatial(nd)));
        var w = ToDouble(Layouts.ToCanonical(op, weight, p.KernelLayout, "IO" + Layouts.Spatial(nd)));
        // Scatter form: every input element adds w·x into the output window it reaches. Accumulates in double.
        var y = new double[Product(g.OutShape)];
        var (co, ci) = (g.COutPerGroup, g.CInPerGroup);
        var inSp = g.ID * g.IH * g.IW;
        var outSp = g.OD * g.OH * g.OW;
        var kv = g.KD * g.KH * g.KW;
        Parallel.For(0, g.N * g.Groups * co, new ParallelOptions { MaxDegreeOfParallelism = Gemm.Threads }, job =>
        {
            var n = job / (g.Groups * co);
            var gr = job / co % g.Groups;
            var oc = job % co;
            var yb = ((long)n * g.COut + gr * co + oc) * outSp;
            for (var ic = 0; ic < ci; ic++)
            {
                var xb = ((long)n * g.CIn + gr * ci + ic) * inSp;
                var wb = ((long)(gr * ci + ic) * co + oc) * kv;
                for (var id = 0; id < g.ID; id++)
                for (var ih = 0; ih < g.IH; ih++)
                for (var iw = 0; iw < g.IW; iw++)
                {
                    var xv = x[xb + ((long)id * g.IH + ih) * g.IW + iw];
                    for (var kd = 0; kd < g.KD; kd++)
                    {
                        var od = id * g.SD - g.PD + kd * g.DD;
                        if (od < 0 || od >= g.OD) continue;
                        for (var kh = 0; kh < g.KH; kh++)
                        {
                            var oh = ih * g.SH - g.PH + kh * g.DH;
                            if (oh < 0 || oh >= g.OH) continue;
                            for (var kw = 0; kw < g.KW; kw++)
                            {
                                var ow = iw * g.SW - g.PW + kw * g.DW;
                                if (ow < 0 || ow >= g.OW) continue;
                                y[yb + ((long)od * g.OH + oh) * g.OW + ow] += xv * w[wb + ((long)kd * g.KH + kh) * g.KW + kw];
                            }
                        }
                    }
                }
            }
        });
        var t = FromDouble(outDType, g.OutShape, y);
        return Layouts.FromCanonical(t, "NC" + Layouts.Spatial(nd), p.OutLayout ?? p.DataLayout);
    }

    private sealed class PackCache
    {
        public PackedMatrix[]? Groups;
    }

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<Tensor, PackCache> s_packed = new();

    private static unsafe void Float32(Tensor x, Tensor w, Tensor y, Geometry g, PackCache? cache)
    {
        var (ci, co) = (g.CInPerGroup, g.COutPerGroup);
        var kv = g.KD * g.KH * g.KW;
        var kdim = ci * kv;
        var outSp = g.OD * g.OH * g.OW;
        var inSp = g.ID * g.IH * g.IW;
        var pointwise = kv == 1 && g.SD == 1 && g.SH == 1 && g.SW == 1 && g.PD == 0 && g.PH == 0 && g.PW == 0 && outSp == inSp;
        fixed (float* px = x.Span<float>(), pw = w.Span<float>(), py = y.Span<float>())
        {
            if (ci == 1 && co == 1 && g.Groups > 1)
            {
                Depthwise(px, pw, py, g);
                return;
            }
            var packs = cache?.Groups;
            if (packs is null || packs.Length != g.Groups || packs[0].M != co || packs[0].K != kdim)
            {
                packs = new PackedMatrix[g.Groups];
                for (var gr = 0; gr < g.Groups; gr++) packs[gr] = Gemm.PackLeft(co, kdim, pw + (long)gr * co * kdim, kdim);
                if (cache is not null) cache.Groups = packs;
            }
            float[]? col = pointwise ? null : ArrayPool<float>.Shared.Rent(checked(kdim * outSp));
            try
            {
                for (var n = 0; n < g.N; n++)
                for (var gr = 0; gr < g.Groups; gr++)
                {
                    var xin = px + ((long)n * g.CIn + gr * ci) * inSp;
                    var yout = py + ((long)n * g.COut + gr * co) * outSp;
                    if (pointwise)
                    {
                        Gemm.Run(packs[gr], outSp, xin, outSp, false, yout, outSp, false);
                        continue;
                    }
                    fixed (float* pc = col)
                    {
                        Im2Col(xin, pc, g, ci);
                        Gemm.Run(packs[gr], outSp, pc, outSp, false, yout, outSp, false);
                    }
                }
            }
            finally
            {
                if (col is not null) ArrayPool<float>.Shared.Return(col);
            }
        }
    }

    // col[(c, kd, kh, kw), (od, oh, ow)] = x[c, od*s - p + kd*d, …] or 0 in the padding.
    private static unsafe void Im2Col(float* x, float* col, Geometry g, int ci)
    {
        var kv = g.KD * g.KH * g.KW;
        var outSp = g.OD * g.OH * g.OW;
        var rows = ci * kv;
        nint px = (nint)x, pcol = (nint)col;
        Parallel.For(0, rows, new ParallelOptions { MaxDegreeOfParallelism = rows * outSp < 1 << 16 ? 1 : Gemm.Threads }, r =>
        {
            var c = r / kv;
            var kd = r / (g.KH * g.KW) % g.KD;
            var kh = r / g.KW % g.KH;
            var kw = r % g.KW;
            var src = (float*)px + (long)c * g.ID * g.IH * g.IW;
            var dst = (float*)pcol + (long)r * outSp;
            for (var od = 0; od < g.OD; od++)
            {
                var id = od * g.SD - g.PD + kd * g.DD;
                for (var oh = 0; oh < g.OH; oh++)
                {
                    var ih = oh * g.SH - g.PH + kh * g.DH;
                    var row = dst + ((long)od * g.OH + oh) * g.OW;
                    if (id < 0 || id >= g.ID || ih < 0 || ih >= g.IH)
                    {
                        new Span<float>(row, g.OW).Clear();
                        continue;
                    }
                    var srow = src + ((long)id * g.IH + ih) * g.IW;
                    var iw0 = -g.PW + kw * g.DW;
                    // Output columns whose input column iw0 + ow·s is inside the row: [lo, hi); the rest is padding.
                    int sw = g.SW, iwn = g.IW, own = g.OW;
                    var lo = iw0 >= 0 ? 0 : Math.Min(own, (-iw0 + sw - 1) / sw);
                    var hi = iw0 > iwn - 1 ? lo : Math.Max(lo, Math.Min(own, (iwn - 1 - iw0) / sw + 1));
                    if (lo > 0) new Span<float>(row, lo).Clear();
                    if (hi < own) new Span<float>(row + hi, own - hi).Clear();
                    if (sw == 1) new ReadOnlySpan<float>(srow + iw0 + lo, hi - lo).CopyTo(new Span<float>(row + lo, hi - lo));
                    else for (int ow = lo, iw = iw0 + lo * sw; ow < hi; ow++, iw += sw) row[ow] = srow[iw];
                }
            }
        });
    }

    private static unsafe void Depthwise(float* x, float* w, float* y, Geometry g)
    {
        nint px = (nint)x, pw = (nint)w, py = (nint)y;
        var inSp = g.ID * g.IH * g.IW;
        var outSp = g.OD * g.OH * g.OW;
        var kv = g.KD * g.KH * g.KW;
        Parallel.For(0, g.N * g.COut, new ParallelOptions { MaxDegreeOfParallelism = Gemm.Threads }, job =>
        {
            var n = job / g.COut;
            var c = job % g.COut;
            var src = (float*)px + ((long)n * g.CIn + c) * inSp;
            var ker = (float*)pw + (long)c * kv;
            var dst = (float*)py + ((long)n * g.COut + c) * outSp;
            for (var od = 0; od < g.OD; od++)
            for (var oh = 0; oh < g.OH; oh++)
            for (var ow = 0; ow < g.OW; ow++)
            {
                var acc = 0f;
                for (var kd = 0; kd < g.KD; kd++)
                {
                    var id = od * g.SD - g.PD + kd * g.DD;
                    if (id < 0 || id >= g.ID) continue;
                    for (var kh = 0; kh < g.KH; kh++)
                    {
                        var ih = oh * g.SH - g.PH + kh * g.DH;
                        if (ih < 0 || ih >= g.IH) continue;
                        for (var kw = 0; kw < g.KW; kw++)
                        {
                            var iw = ow * g.SW - g.PW + kw * g.DW;
                            if (iw < 0 || iw >= g.IW) continue;
                            acc = MathF.FusedMultiplyAdd(src[((long)id * g.IH + ih) * g.IW + iw], ker[(kd * g.KH + kh) * g.KW + kw], acc);
                        }
                    }
                }
                dst[((long)od * g.OH + oh) * g.OW + ow] = acc;
            }
        });
    }

    private static double[] Direct(double[] x, double[] w, Geometry g)
    {
        var y = new double[Product(g.OutShape)];
        var (ci, co) = (g.CInPerGroup, g.COutPerGroup);
        Parallel.For(0, g.N * g.COut, new ParallelOptions { MaxDegreeOfParallelism = Gemm.Threads }, job =>
        {
            var n = job / g.COut;
            var oc = job % g.COut;
            var gr = oc / co;
            for (var od = 0; od < g.OD; od++)
            for (var oh = 0; oh < g.OH; oh++)
            for (var ow = 0; ow < g.OW; ow++)
            {
                double acc = 0;
                for (var ic = 0; ic < ci; ic++)
                for (var kd = 0; kd < g.KD; kd++)
                {
                    var id = od * g.SD - g.PD + kd * g.DD;
                    if (id < 0 || id >= g.ID) continue;
                    for (var kh = 0; kh < g.KH; kh++)
                    {
                        var ih = oh * g.SH - g.PH + kh * g.DH;
                        if (ih < 0 || ih >= g.IH) continue;
                        for (var kw = 0; kw < g.KW; kw++)
                        {
                            var iw = ow * g.SW - g.PW + kw * g.DW;
                            if (iw < 0 || iw >= g.IW) continue;
                            acc += x[(((long)n * g.CIn + gr * ci + ic) * g.ID + id) * g.IH * g.IW + ih * g.IW + iw]
                                 * w[((((long)oc * ci + ic) * g.KD + kd) * g.KH + kh) * g.KW + kw];
                        }
                    }
                }
                y[(((long)n * g.COut + oc) * g.OD + od) * g.OH * g.OW + oh * g.OW + ow] = acc;
            }
        });
        return y;
    }

    /// <summary>Sizes of one convolution in canonical NCDHW form (1d and 2d are embedded with unit D/H).</summary>
    private sealed record Geometry
    {
        public int N, CIn, COut, Groups, CInPerGroup, COutPerGroup;
        public int ID, IH, IW, KD, KH, KW, OD, OH, OW;
        public int SD, SH, SW, DD, DH, DW, PD, PH, PW;
        public long[] OutShape = [];

        public static Geometry Create(string op, Tensor data, Tensor weight, ConvParams p, int nd, bool transposed)
        {
            var dl = p.DataLayout;
            var kl = p.KernelLayout;
            if (data.Rank != nd + 2) throw Fail(KernelDiagnosticIds.RankMismatch, op, $"data {Fmt(data.Shape)} does not match layout {dl}");
            if (weight.Rank != nd + 2) throw Fail(KernelDiagnosticIds.RankMismatch, op, $"weight {Fmt(weight.Shape)} does not match layout {kl}");
            var sp = Layouts.Spatial(nd);
            var x = Layouts.Permute(op, data.Shape, dl, "NC" + sp);
            var w = Layouts.Permute(op, weight.Shape, kl, (transposed ? "IO" : "OI") + sp);
            var strides = Expand(op, "strides", p.Strides, nd, 1);
            var dil = Expand(op, "dilation", p.Dilation, nd, 1);
            var pad = Pads(op, p.Padding, nd);
            var groups = p.Groups;
            if (groups < 1) throw Fail(KernelDiagnosticIds.BadParameter, op, $"groups must be >= 1, got {groups}");
            foreach (var s in strides) if (s < 1) throw Fail(KernelDiagnosticIds.BadParameter, op, $"strides must be >= 1, got [{string.Join(", ", strides)}]");
            foreach (var s in dil) if (s < 1) throw Fail(KernelDiagnosticIds.BadParameter, op, $"dilation must be >= 1, got [{string.Join(", ", dil)}]");
            var g = new Geometry { N = (int)x[0], CIn = (int)x[1], Groups = groups };
            if (g.CIn % groups != 0) throw Fail(KernelDiagnosticIds.ShapeMismatch, op, $"{g.CIn} input channels do not divide into {groups} groups");
            g.CInPerGroup = g.CIn / groups;
            if (!transposed)
            {
                g.COut = (int)w[0];
                if (w[1] != g.CInPerGroup)
                    throw Fail(KernelDiagnosticIds.ShapeMismatch, op, $"weight {Fmt(weight.Shape)} has {w[1]} input channels per group, data {Fmt(data.Shape)} has {g.CInPerGroup} ({groups} groups)");
                if (g.COut % groups != 0) throw Fail(KernelDiagnosticIds.ShapeMismatch, op, $"{g.COut} output channels do not divide into {groups} groups");
                g.COutPerGroup = g.COut / groups;
            }
            else
            {
                if (w[0] != g.CIn)
                    throw Fail(KernelDiagnosticIds.ShapeMismatch, op, $"weight {Fmt(weight.Shape)} has {w[0]} input channels, data {Fmt(data.Shape)} has {g.CIn}");
                g.COutPerGroup = (int)w[1];
                g.COut = g.COutPerGroup * groups;
            }
            var inS = new long[3]; var k = new long[3]; var s3 = new long[3]; var d3 = new long[3]; var pb = new long[3]; var pa = new long[3];
            for (var i = 0; i < 3; i++) { inS[i] = 1; k[i] = 1; s3[i] = 1; d3[i] = 1; }
            for (var i = 0; i < nd; i++)
            {
                var j = 3 - nd + i;
                inS[j] = x[2 + i]; k[j] = w[2 + i]; s3[j] = strides[i]; d3[j] = dil[i]; pb[j] = pad[i]; pa[j] = pad[nd + i];
            }
            var outS = new long[3];
            var opad = transposed ? Expand(op, "output_padding", p.OutputPadding ?? [0], nd, 0) : new long[nd];
            for (var i = 0; i < 3; i++)
            {
                var j = i - (3 - nd);
                if (transposed)
                {
                    outS[i] = (inS[i] - 1) * s3[i] - pb[i] - pa[i] + d3[i] * (k[i] - 1) + (j >= 0 ? opad[j] : 0) + 1;
                }
                else
                {
                    var eff = d3[i] * (k[i] - 1) + 1;
                    outS[i] = (inS[i] + pb[i] + pa[i] - eff) / s3[i] + 1;
                    if (inS[i] + pb[i] + pa[i] < eff) outS[i] = 0;
                }
                if (outS[i] < 0)
                    throw Fail(KernelDiagnosticIds.ShapeMismatch, op, $"kernel {Fmt(weight.Shape)} with the given padding does not fit data {Fmt(data.Shape)}");
            }
            (g.ID, g.IH, g.IW) = ((int)inS[0], (int)inS[1], (int)inS[2]);
            (g.KD, g.KH, g.KW) = ((int)k[0], (int)k[1], (int)k[2]);
            (g.OD, g.OH, g.OW) = ((int)outS[0], (int)outS[1], (int)outS[2]);
            (g.SD, g.SH, g.SW) = ((int)s3[0], (int)s3[1], (int)s3[2]);
            (g.DD, g.DH, g.DW) = ((int)d3[0], (int)d3[1], (int)d3[2]);
            (g.PD, g.PH, g.PW) = ((int)pb[0], (int)pb[1], (int)pb[2]);
            var o = new List<long> { g.N, g.COut };
            for (var i = 3 - nd; i < 3; i++) o.Add(outS[i]);
            g.OutShape = [.. o];
            return g;
        }
    }

    /// <summary>Expands a per-dim list given as one value or one per dim.</summary>
    internal static long[] Expand(string op, string name, long[]? v, int nd, long dflt)
    {
        if (v is null || v.Length == 0) return Enumerable.Repeat(dflt, nd).ToArray();
        if (v.Length == 1) return Enumerable.Repeat(v[0], nd).ToArray();
        if (v.Length == nd) return v;
        throw Fail(KernelDiagnosticIds.BadParameter, op, $"{name} [{string.Join(", ", v)}] has {v.Length} values for {nd} spatial dims");
    }

    /// <summary>TVM padding: 1 value, nd values (symmetric) or 2·nd values (befores, then afters).</summary>
    internal static long[] Pads(string op, long[]? v, int nd)
    {
        long[] r;
        if (v is null || v.Length == 0) r = new long[2 * nd];
        else if (v.Length == 1) r = Enumerable.Repeat(v[0], 2 * nd).ToArray();
        else if (v.Length == nd) r = [.. v, .. v];
        else if (v.Length == 2 * nd) r = v;
        else throw Fail(KernelDiagnosticIds.BadParameter, op, $"padding [{string.Join(", ", v)}] has {v.Length} values for {nd} spatial dims");
        foreach (var x in r) if (x < 0) throw Fail(KernelDiagnosticIds.BadParameter, op, $"negative padding [{string.Join(", ", v!)}]");
        return r;
    }
}
