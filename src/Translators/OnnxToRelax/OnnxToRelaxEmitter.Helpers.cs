using Bridge.Importers.Onnx;
using Bridge.Importers.Onnx.Ops;
using Bridge.Ir.Relax;
using Bridge.Translators.Onnx;
using O = Bridge.Importers.Onnx.Ops;
using RA = Bridge.Ir.Ops.Relax;

namespace Bridge.Translators.OnnxToRelax;

public sealed partial class OnnxToRelaxEmitter
{
    protected override Expr Clamp(CanonicalNode n, Expr y, double lo, double hi) =>
        Op(n, "minimum", null, Op(n, "maximum", null, y, ScalarLike(n, 0, lo)), ScalarLike(n, 0, hi));

    /// <summary>elu(x) = x for x &gt; 0, alpha·(exp(x) − 1) otherwise.</summary>
    private Expr Elu(CanonicalNode n, Expr x, double alpha, double scale)
    {
        var neg = Op(n, "multiply", null, ScalarLike(n, 0, alpha), Op(n, "subtract", null, Op(n, "exp", null, x), ScalarLike(n, 0, 1)));
        return Op(n, "where", null, Op(n, "greater", null, x, ScalarLike(n, 0, 0)), x, neg);
    }

    /// <summary>Negative indices wrap (ONNX); TVM's take does not: constant indices are normalised at import, others with a where.</summary>
    private Expr NormIndices(CanonicalNode n, int input, SymExpr dim)
    {
        if (ConstOf(n.Input(input)) is { } c)
        {
            var any = false;
            for (long i = 0; i < c.Length; i++) any |= c.GetInt64(i) < 0;
            if (!any) return X(n, input);
            if (dim.AsConst is not { } d) throw Unsupported(n, "negative constant indices on a symbolic axis");
            var t = c.Clone();
            for (long i = 0; i < t.Length; i++) if (t.GetInt64(i) < 0) t.SetInt64(i, t.GetInt64(i) + d);
            return RelaxEmitBuilder.Const(t);
        }
        var idx = X(n, input);
        var dt = DTypeOf(idx) ?? DataType.Int64;
        if (dim.AsConst is not { } dd) return idx;
        var wrapped = Op(n, "add", null, idx, Scalar(dt, dd));
        return Op(n, "where", null, Op(n, "less", null, idx, Scalar(dt, 0)), wrapped, idx);
    }

    private void Conv(CanonicalNode n, bool transpose)
    {
        var w = (WindowAttrs)n.Attrs;
        var r = w.ResolvedKernel.Count;
        if (r is < 1 or > 3) throw Unsupported(n, $"{r}-D convolution");
        var pads = ExplicitPads(n, w.ExplicitPads);
        Expr y;
        if (!transpose)
        {
            var a = n.AttrsAs<O.ConvAttrs>();
            y = Op(n, $"nn.conv{r}d", new RA.ConvAttrs
            {
                Strides = w.ResolvedStrides, Padding = VA(pads), Dilation = w.ResolvedDilations, Groups = a.Group,
                DataLayout = Layout(r), KernelLayout = KLayout(r, false), OutLayout = Layout(r),
            }, X(n, 0), X(n, 1));
        }
        else
        {
            var a = n.AttrsAs<O.ConvTransposeAttrs>();
            var op = a.OutputPadding.IsEmpty ? VA(Enumerable.Repeat(0L, r)) : a.OutputPadding;
            y = Op(n, $"nn.conv{r}d_transpose", new RA.ConvTransposeAttrs
            {
                Strides = w.ResolvedStrides, Padding = VA(pads), OutputPadding = op, Dilation = w.ResolvedDilations, Groups = a.Group,
                DataLayout = Layout(r), KernelLayout = KLayout(r, true), OutLayout = Layout(r),
            }, X(n, 0), X(n, 1));
        }
        Out(n, AddChannelBias(n, y, 2, r));
    }

    private void Pool(CanonicalNode n, string kind)
    {
        var w = (WindowAttrs)n.Attrs;
        var r = w.ResolvedKernel.Count;
        if (r is < 1 or > 3) throw Unsupported(n, $"{r}-D pooling");
        if (n.Outputs.Length > 1 && n.Outputs[1].Length > 0) throw Unsupported(n, "the Indices output");
        var kernel = w.ResolvedKernel.Select(k => k.AsConst ?? throw Unsupported(n, "symbolic kernel")).ToArray();
        bool ceil = n.Attrs switch { MaxPoolAttrs m => m.CeilMode, AveragePoolAttrs a => a.CeilMode, _ => false };
        bool incl = n.Attrs is AveragePoolAttrs { CountIncludePad: true };
        if (n.Attrs is MaxPoolAttrs { StorageOrder: not 0 }) throw Unsupported(n, "storage_order=1");
        Out(n, Op(n, $"nn.{kind}_pool{r}d", new RA.PoolAttrs
        {
            PoolSize = VA(kernel), Strides = w.ResolvedStrides, Dilation = w.ResolvedDilations, Padding = VA(ExplicitPads(n, w.ExplicitPads)),
            CeilMode = ceil, CountIncludePad = incl, Layout = Layout(r), OutLayout = Layout(r),
        }, X(n, 0)));
    }

    private void EmitReshape(CanonicalNode n)
    {
        var a = n.AttrsAs<ReshapeAttrs>();
        var x = X(n, 0);
        if (Known(n.Input(1)) is not { } k)
        {
            if (ShapeOfValue(n.Input(1), n) is not [{ } len] || len.AsConst is not { } l)
                throw Unsupported(n, "a shape input of unknown length");
            // A 0 entry copies the input dim (unless allowzero): where(t == 0, shape_of(x)[i], t) before R.tensor_to_shape.
            var t = X(n, 1);
            if (!a.Allowzero && ShapeOfValue(n.Input(0), n) is { Length: > 0 } xs)
            {
                var own = Op(n, "shape_to_tensor", null, Op(n, "shape_of", null, x));
                var at = RelaxEmitBuilder.Const(Tensor.FromArray<long>(DataType.Int64, [.. Enumerable.Range(0, (int)l).Select(i => (long)Math.Min(i, xs.Length - 1))], l));
                t = Op(n, "where", null, Op(n, "equal", null, t, RelaxEmitBuilder.Const(Tensor.Scalar(DataType.Int64, 0))), Op(n, "take", new RA.TakeAttrs { Axis = 0 }, own, at), t);
            }
            Out(n, Op(n, "reshape", null, x, Op(n, "tensor_to_shape", null, t)));
            return;
        }
        var inShape = ShapeOfValue(n.Input(0), n);
        var dims = new SymExpr[k.Length];
        var infer = -1;
        for (var i = 0; i < k.Length; i++)
        {
            var v = k.Values[i];
            if (v.AsConst == 0 && !a.Allowzero)
            {
                if (inShape is not { } s || i >= s.Length) throw Unsupported(n, "shape entry 0 (copy) with unknown input rank");
                dims[i] = s[i];
            }
            else if (v.AsConst == -1) { if (infer >= 0) throw Unsupported(n, "two -1 entries in the shape"); infer = i; dims[i] = -1; }
            else dims[i] = v;
        }
        if (infer >= 0)
        {
            if (inShape is not { } s) throw Unsupported(n, "-1 in the shape with unknown input rank");
            dims[infer] = ShapeMath.DivideProducts(s, dims.Where((_, i) => i != infer));
        }
        Out(n, Reshape(n, x, dims));
    }

    /// <summary>ONNX Expand broadcasts both ways: the output dim is the input's where the shape says 1.</summary>
    private void EmitExpand(CanonicalNode n)
    {
        if (Known(n.Input(1)) is not { } k) { EmitRuntimeExpand(n); return; }
        var s = RequireShape(n, 0);
        var r = Math.Max(s.Length, k.Length);
        var dims = new SymExpr[r];
        for (var i = 0; i < r; i++)
        {
            var si = i - (r - s.Length);
            var ki = i - (r - k.Length);
            SymExpr? a = si >= 0 ? s[si] : null;
            SymExpr? b = ki >= 0 ? k.Values[ki] : null;
            dims[i] = a is null ? b! : b is null ? a : b.AsConst == 1 ? a : b;
        }
        Out(n, Op(n, "broadcast_to", null, X(n, 0), RelaxEmitBuilder.Shape(dims)));
    }

    private void EmitSlice(CanonicalNode n)
    {
        var s = RequireShape(n, 0);
        // starts/ends known at import (constants, or symbolic values folded from Shape such as a BERT encoder's sequence
        // length) with constant axes and steps stay R.strided_slice; anything computed at run time is a dynamic slice.
        var startsK = Known(n.Input(1));
        var endsK = Known(n.Input(2));
        long[]? axesC = n.Input(3).IsPresent ? ConstInts(n.Input(3)) : startsK is { } sk0 ? [.. Enumerable.Range(0, sk0.Length).Select(i => (long)i)] : null;
        long[]? stepsC = n.Input(4).IsPresent ? ConstInts(n.Input(4)) : startsK is { } sk1 ? [.. Enumerable.Repeat(1L, sk1.Length)] : null;
        if (startsK is null || endsK is null || axesC is null || stepsC is null
            || Enumerable.Range(0, startsK.Length).Any(i => i < stepsC.Length && stepsC[i] < 0 && !(startsK.Values[i].AsConst is not null && i < endsK.Length && endsK.Values[i].AsConst is not null)))
        {
            EmitRuntimeSlice(n, s.Length);
            return;
        }
        var starts = startsK.Values;
        var ends = endsK.Values;
        var axes = axesC;
        var steps = stepsC;
        if (starts.Length != ends.Length || axes.Length != starts.Length || steps.Length != starts.Length)
            throw Unsupported(n, "starts/ends/axes/steps of different lengths");
        var ax = new List<Expr>(); var b = new List<Expr>(); var en = new List<Expr>(); var st = new List<Expr>();
        for (var i = 0; i < starts.Length; i++)
        {
            var a = NormAxis(axes[i], s.Length);
            var d = s[(int)a];
            if (steps[i] == 0) throw Unsupported(n, "step 0");
            SymExpr bs, es;
            if (starts[i].AsConst is null || ends[i].AsConst is null)
            {
                // A symbolic bound is a size computed from shapes (non-negative); R.strided_slice clamps it to the dim.
                bs = SymBound(starts[i], d);
                es = SymBound(ends[i], d);
            }
            else if (d.AsConst is { } dc)
            {
                var idx = SliceBounds(dc, starts[i].AsConst!.Value, ends[i].AsConst!.Value, steps[i]);
                // R.strided_slice reads a negative index as counting from the end (−1 is the last element), so "before index 0"
                // for a negative step is written −(d + 1), which it normalises back to −1.
                bs = idx.Start == -1 ? -(dc + 1) : idx.Start;
                es = idx.End == -1 ? -(dc + 1) : idx.End;
            }
            else
            {
                // A negative step on a symbolic axis needs the run-time dim to clamp (R.dynamic_strided_slice does).
                if (steps[i] < 0) { EmitRuntimeSlice(n, s.Length); return; }
                long sv = starts[i].AsConst!.Value, ev = ends[i].AsConst!.Value;
                bs = sv < 0 ? d + sv : sv;
                es = ev >= int.MaxValue ? d : ev < 0 ? d + ev : ev;
            }
            ax.Add(PrimValue.Int64(a)); b.Add(PrimValue.Int64(bs)); en.Add(PrimValue.Int64(es)); st.Add(PrimValue.Int64(steps[i]));
        }
        Out(n, Op(n, "strided_slice", new RA.StridedSliceAttrs(), X(n, 0), RelaxEmitBuilder.Tuple(ax), RelaxEmitBuilder.Tuple(b), RelaxEmitBuilder.Tuple(en), RelaxEmitBuilder.Tuple(st)));
    }

    /// <summary>ONNX slice bounds clamped for a static dim (negative step: end may be −1, meaning "through index 0").</summary>
    private static (long Start, long End) SliceBounds(long d, long start, long end, long step)
    {
        if (start < 0) start += d;
        if (end < 0) end += d;
        if (step > 0) return (Math.Clamp(start, 0, d), Math.Clamp(end, 0, d));
        return (Math.Clamp(start, -1, d - 1), Math.Clamp(end, -1, d - 1));
    }

    private void DepthToSpace(CanonicalNode n)
    {
        var a = n.AttrsAs<DepthToSpaceAttrs>();
        var s = RequireShape(n, 0);
        if (s.Length != 4) throw Unsupported(n, "non-4-D input");
        var bs = a.Blocksize;
        SymExpr N = s[0], C = s[1], H = s[2], W = s[3];
        var c2 = SymExpr.FloorDiv(C, bs * bs);
        Expr t = a.Mode == "DCR" ? Reshape(n, X(n, 0), [N, bs, bs, c2, H, W]) : Reshape(n, X(n, 0), [N, c2, bs, bs, H, W]);
        long[] perm = a.Mode == "DCR" ? [0, 3, 4, 1, 5, 2] : [0, 1, 4, 2, 5, 3];
        t = Op(n, "permute_dims", new RA.PermuteDimsAttrs { Axes = VA(perm) }, t);
        Out(n, Reshape(n, t, [N, c2, H * bs, W * bs]));
    }

    private void SpaceToDepth(CanonicalNode n)
    {
        var bs = n.AttrsAs<SpaceToDepthAttrs>().Blocksize;
        var s = RequireShape(n, 0);
        if (s.Length != 4) throw Unsupported(n, "non-4-D input");
        SymExpr N = s[0], C = s[1], H = s[2], W = s[3];
        var h2 = SymExpr.FloorDiv(H, bs); var w2 = SymExpr.FloorDiv(W, bs);
        Expr t = Reshape(n, X(n, 0), [N, C, h2, bs, w2, bs]);
        t = Op(n, "permute_dims", new RA.PermuteDimsAttrs { Axes = VA([0, 3, 5, 1, 2, 4]) }, t);
        Out(n, Reshape(n, t, [N, C * bs * bs, h2, w2]));
    }

    /// <summary>Resize / Upsample of an NCHW input → image.resize2d (sizes, scales, axes, keep_aspect_ratio_policy via <see cref="OnnxStd.ResizeOutput"/>).</summary>
    /// <summary>
    /// Resize of NCHW data → R.image.resize2d. A 1-D (NCW) resize runs as 2-D over a unit H axis (every coordinate mode maps a
    /// 1 → 1 axis onto itself), since Relax has no resize1d; 3-D needs R.image.resize3d, which only TVM main has (BRG4301).
    /// </summary>
    private void EmitResize(CanonicalNode n)
    {
        var a = n.AttrsAs<ResizeAttrs>();
        var s = RequireShape(n, 0);
        if (s.Length is not (3 or 4)) throw Unsupported(n, $"Resize of a rank-{s.Length} input (1-D and 2-D resizes map to image.resize2d)");
        var oneD = s.Length == 3;
        var dims = OnnxStd.ResizeOutput(n, a, s, ConstOf(n.Input(2)), Known(n.Input(3)), (node, what) => Unsupported(node, what));
        var ctm = a.CoordinateTransformationMode ?? "half_pixel";
        if (ctm == "half_pixel_symmetric") throw Unsupported(n, "coordinate_transformation_mode 'half_pixel_symmetric'");
        var roi = new ValueArray<double>([0, 0, 0, 0]);
        if (ctm == "tf_crop_and_resize")
        {
            var rt = ConstOf(n.Input(1)) ?? throw Unsupported(n, "tf_crop_and_resize with a roi that is not a constant");
            if (rt.Length != 2 * s.Length) throw Unsupported(n, $"roi of {rt.Length} values for a rank-{s.Length} input");
            // ONNX roi lists [starts of every axis, ends of every axis]; TVM takes the spatial starts then ends.
            roi = oneD
                ? new ValueArray<double>([0, rt.GetDouble(2), 1, rt.GetDouble(5)])
                : new ValueArray<double>([rt.GetDouble(2), rt.GetDouble(3), rt.GetDouble(6), rt.GetDouble(7)]);
        }
        var method = a.Mode switch { "nearest" => "nearest_neighbor", "linear" => "linear", _ => "cubic" };
        var rounding = a.Mode == "nearest" ? a.NearestMode ?? "round_prefer_floor" : "";
        var x = oneD ? Reshape(n, X(n, 0), [s[0], s[1], 1, s[2]]) : X(n, 0);
        var size = oneD ? RelaxEmitBuilder.Shape([1, dims[2]]) : RelaxEmitBuilder.Shape([dims[2], dims[3]]);
        Expr y = Op(n, "image.resize2d", new RA.Resize2DAttrs
        {
            Roi = roi, Method = method, CoordinateTransformationMode = ctm, RoundingMethod = rounding,
            CubicAlpha = a.CubicCoeffA, CubicExclude = a.ExcludeOutside ? 1 : 0, ExtrapolationValue = a.ExtrapolationValue,
        }, x, size);
        Out(n, oneD ? Reshape(n, y, [dims[0], dims[1], dims[2]]) : y);
    }
}
