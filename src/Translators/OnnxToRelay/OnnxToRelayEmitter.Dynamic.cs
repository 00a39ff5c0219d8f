using Bridge.Importers.Onnx.Ops;
using Bridge.Ir.Relay;
using Bridge.Translators.Onnx;
using R = Bridge.Ir.Ops.Relay;

namespace Bridge.Translators.OnnxToRelay;

/// <summary>
/// Data-dependent forms (issue 13): operands only known at run time become TVM v0.19's <c>dyn.*</c> ops with the operand as a
/// tensor, as <c>relay.frontend.from_onnx</c> emitted them before <c>DynamicToStatic</c>: Slice → <c>dyn.strided_slice</c> on
/// full-rank begin/end/strides (scattered at the axes, end defaulting to <c>shape_of</c>), TopK → <c>dyn.topk</c>, OneHot →
/// <c>dyn.one_hot</c>, Pad → <c>dyn.nn.pad</c>, Unsqueeze → <c>dyn.expand_dims</c>, Squeeze → <c>dyn.squeeze</c>, Range →
/// <c>arange</c> on scalar tensors, Split → one <c>dyn.strided_slice</c> per output. The results have <c>?</c> dims.
/// </summary>
public sealed partial class OnnxToRelayEmitter
{
    private static Expr I64Vector(OnnxToRelayEmitter e, long[] v) => e.Const(Tensor.FromArray<long>(DataType.Int64, v, v.Length));

    /// <summary>Input <paramref name="i"/> as an int64 tensor (ONNX allows int32 index operands).</summary>
    private Expr Int64Of(CanonicalNode n, int i)
    {
        var x = X(n, i);
        return DTypeOfValue(n, i) == DataType.Int64 ? x : Op(n, "cast", new R.CastAttrs { Dtype = "int64" }, x);
    }

    private Expr ScatterAt(CanonicalNode n, Expr baseline, Expr axes, Expr values) =>
        Op(n, "scatter_elements", new R.ScatterElementsAttrs { Axis = 0 }, baseline, axes, values);

    private Expr ShapeTensor(CanonicalNode n, Expr x) => Op(n, "shape_of", new R.ShapeOfAttrs { Dtype = "int64" }, x);

    /// <summary>Axes input 3 normalised (negative ones + rank), or [0, len) over the starts when absent.</summary>
    private Expr SliceAxes(CanonicalNode n, int axesInput, int lenInput, int rank)
    {
        if (n.Input(axesInput).IsPresent)
        {
            var a = Int64Of(n, axesInput);
            return Op(n, "where", null, Op(n, "less", null, a, I64Vector(this, [0])), Op(n, "add", null, a, I64Vector(this, [rank])), a);
        }
        var len = RequireShape(n, lenInput) is [var l] && l.AsConst is { } lc ? lc : throw Unsupported(n, "an operand of unknown length without axes");
        return I64Vector(this, [.. Enumerable.Range(0, (int)len).Select(i => (long)i)]);
    }

    /// <summary>Slice with starts/ends/axes/steps computed at run time → dyn.strided_slice (from_onnx's scatter form).</summary>
    private void EmitRuntimeSlice(CanonicalNode n, int rank)
    {
        var x = X(n, 0);
        var axes = SliceAxes(n, 3, 1, rank);
        var begin = ScatterAt(n, I64Vector(this, new long[rank]), axes, Int64Of(n, 1));
        var end = ScatterAt(n, ShapeTensor(n, x), axes, Int64Of(n, 2));
        var ones = I64Vector(this, [.. Enumerable.Repeat(1L, rank)]);
        var strides = n.Input(4).IsPresent ? ScatterAt(n, ones, axes, Int64Of(n, 4)) : ones;
        Out(n, Op(n, "dyn.strided_slice", new R.StridedSliceAttrs(), x, begin, end, strides));
    }

    /// <summary>TopK with k computed at run time → dyn.topk(x, k) (k a scalar).</summary>
    private void EmitRuntimeTopK(CanonicalNode n, long axis, bool largest)
    {
        var k = Op(n, "reshape", new R.ReshapeAttrs { Newshape = VA([]) }, Int64Of(n, 1));
        var tk = Op(n, "dyn.topk", new R.TopkAttrs { Axis = axis, RetType = "both", IsAscend = !largest, Dtype = "int64" }, X(n, 0), k);
        Out(n, Item(tk, 0), 0);
        Out(n, Item(tk, 1), 1);
    }

    /// <summary>OneHot with a run-time depth → dyn.one_hot; negative indices count from the end of the run-time depth.</summary>
    private void EmitRuntimeOneHot(CanonicalNode n, long axis, Tensor values)
    {
        var depth = Op(n, "cast", new R.CastAttrs { Dtype = "int64" }, X(n, 1));
        var idx = Int64Of(n, 0);
        idx = Op(n, "where", null, Op(n, "less", null, idx, Const(Tensor.Scalar(DataType.Int64, 0))), Op(n, "add", null, idx, depth), idx);
        var dt = values.DType;
        Out(n, Op(n, "dyn.one_hot", new R.OneHotAttrs { Axis = axis, Dtype = DT(dt) }, idx,
            Const(Tensor.Scalar(dt, values.GetDouble(1))), Const(Tensor.Scalar(dt, values.GetDouble(0))), depth));
    }

    /// <summary>Range with a start, limit or delta computed at run time → arange on the scalar tensors (a <c>?</c> length).</summary>
    private void EmitRuntimeRange(CanonicalNode n, DataType dt) =>
        Out(n, Op(n, "arange", new R.ArangeAttrs { Dtype = DT(dt) }, X(n, 0), X(n, 1), X(n, 2)));

    /// <summary>Split with run-time split sizes: output i is dyn.strided_slice over [Σ sizes[..i], Σ sizes[..i+1]) on the axis.</summary>
    private void EmitRuntimeSplit(CanonicalNode n, long axis, int rank)
    {
        var x = X(n, 0);
        var sizes = Int64Of(n, 1);
        var incl = Op(n, "cumsum", new R.ScanopAttrs { Axis = 0, Dtype = "int64" }, sizes);
        var excl = Op(n, "subtract", null, incl, sizes);
        var ax = I64Vector(this, [axis]);
        var zeros = I64Vector(this, new long[rank]);
        var ones = I64Vector(this, [.. Enumerable.Repeat(1L, rank)]);
        var shape = ShapeTensor(n, x);
        for (var i = 0; i < n.Outputs.Length; i++)
        {
            var at = I64Vector(this, [i]);
            var b = ScatterAt(n, zeros, ax, Op(n, "take", new R.TakeAttrs { Axis = 0 }, excl, at));
            var e = ScatterAt(n, shape, ax, Op(n, "take", new R.TakeAttrs { Axis = 0 }, incl, at));
            Out(n, Op(n, "dyn.strided_slice", new R.StridedSliceAttrs(), x, b, e, ones), i);
        }
    }

    /// <summary>Pad with pads (or axes) computed at run time → dyn.nn.pad with a [rank, 2] pad_width tensor.</summary>
    protected override Expr RuntimePad(CanonicalNode n, int rank, string mode)
    {
        var pads = Int64Of(n, 1);
        Expr flat;
        if (n.Input(3).IsPresent)
        {
            var axes = SliceAxes(n, 3, 3, rank);
            var idx = Op(n, "concatenate", new R.ConcatenateAttrs { Axis = 0 }, Tup([axes, Op(n, "add", null, axes, I64Vector(this, [rank]))]));
            flat = ScatterAt(n, I64Vector(this, new long[2 * rank]), idx, pads);
        }
        else flat = pads;
        // ONNX lists [begins…, ends…]; pad_width is [[begin, end] per axis].
        var pw = Op(n, "transpose", new R.TransposeAttrs { Axes = VA([1, 0]) }, Op(n, "reshape", new R.ReshapeAttrs { Newshape = VA([2, rank]) }, flat));
        return Op(n, "dyn.nn.pad", new R.PadAttrs { PadMode = mode }, X(n, 0), pw, XOpt(n, 2) ?? ScalarLike(n, 0, 0));
    }

    /// <summary>
    /// The [H, W] output size of a Resize whose size depends on run-time dims, as from_onnx computes it: the sizes input's
    /// spatial entries, or floor(shape_of(x) · scales) there, in int64, for dyn.image.resize2d.
    /// </summary>
    private Expr RuntimeResizeSize(CanonicalNode n, int rank)
    {
        Expr full;
        if (n.Input(3).IsPresent) full = Int64Of(n, 3);
        else
        {
            var sc = n.Input(2).IsPresent ? X(n, 2) : throw Unsupported(n, "scales/sizes must be given");
            var shape = Op(n, "cast", new R.CastAttrs { Dtype = "float32" }, ShapeTensor(n, X(n, 0)));
            full = Op(n, "cast", new R.CastAttrs { Dtype = "int64" }, Op(n, "floor", null, Op(n, "multiply", null, shape, sc)));
        }
        return Op(n, "strided_slice", new R.StridedSliceAttrs { Begin = VA([2]), End = VA([rank]), Strides = VA([1]), Axes = VA([0]) }, full);
    }

    /// <summary>
    /// Reshape of <paramref name="x"/> to dims taken from <paramref name="src"/>'s shape (MatMul's flatten and restore): a static
    /// reshape when Relay can name the target (at most one unknown dim), else dyn.reshape on the run-time shape — each dim that
    /// is one of src's dims read from shape_of(src), one other unknown as −1 — as from_onnx builds it.
    /// </summary>
    private Expr ReshapeFrom(CanonicalNode n, Expr x, Expr src, IReadOnlyList<SymExpr> dims)
    {
        var ins = ShapeOf(x);
        var unknown = dims.Select((d, i) => d.AsConst is null && !(ins is { } s && i < s.Length && ReferenceEquals(s[i], d))).Count(b => b);
        if (unknown <= 1) return Reshape(n, x, dims);
        var ss = ShapeOf(src) ?? throw Unsupported(n, "an operand of unknown rank");
        Expr? shape = null;
        var parts = new List<Expr>();
        var inferred = false;
        foreach (var d in dims)
        {
            if (d.AsConst is { } c) { parts.Add(I64Vector(this, [c])); continue; }
            var j = Enumerable.Range(0, ss.Length).FirstOrDefault(k => ReferenceEquals(ss[k], d), -1);
            if (j >= 0)
            {
                shape ??= ShapeTensor(n, src);
                parts.Add(Op(n, "strided_slice", new R.StridedSliceAttrs { Begin = VA([j]), End = VA([j + 1]), Strides = VA([1]), Axes = VA([0]) }, shape));
            }
            else if (!inferred) { parts.Add(I64Vector(this, [-1])); inferred = true; }
            else throw Unsupported(n, $"reshape to [{string.Join(", ", dims)}]: more than one dim unknown to Relay");
        }
        return Op(n, "dyn.reshape", new R.ReshapeAttrs(), x, Op(n, "concatenate", new R.ConcatenateAttrs { Axis = 0 }, Tup(parts)));
    }
}
