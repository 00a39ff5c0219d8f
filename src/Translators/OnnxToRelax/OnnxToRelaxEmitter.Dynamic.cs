using Bridge.Importers.Onnx;
using Bridge.Importers.Onnx.Ops;
using Bridge.Ir.Relax;
using Bridge.Translators.Onnx;
using RA = Bridge.Ir.Ops.Relax;

namespace Bridge.Translators.OnnxToRelax;

/// <summary>
/// Data-dependent forms (issue 13): operands only known at run time. As TVM's Relax ONNX frontend, a shape operand becomes a
/// shape value through <c>R.tensor_to_shape</c> and is matched (<c>R.match_cast</c>) to fresh symbolic vars named after the
/// node, so later struct info stays symbolic; a slice with run-time bounds is <c>R.dynamic_strided_slice</c> on full-rank
/// begin/end/strides (ndim-only struct info, <c>R.Tensor(ndim=…)</c>).
/// </summary>
public sealed partial class OnnxToRelaxEmitter
{
    /// <summary>A symbolic slice bound: a negative constant counts from the end; a symbolic one is taken as is.</summary>
    private static SymExpr SymBound(SymExpr v, SymExpr dim) =>
        v.AsConst is { } c ? (c < 0 ? dim + c : c >= int.MaxValue ? dim : c) : v;

    /// <summary>Input <paramref name="i"/> as an int64 tensor (ONNX allows int32 index operands).</summary>
    private Expr Int64Of(CanonicalNode n, int i)
    {
        var x = X(n, i);
        return DTypeOfValue(n, i) == DataType.Int64 ? x : Op(n, "astype", new RA.AstypeAttrs { Dtype = DataType.Int64 }, x);
    }

    private static Expr I64Vector(long[] v) => RelaxEmitBuilder.Const(Tensor.FromArray<long>(DataType.Int64, v, v.Length));

    /// <summary>
    /// Slice with starts/ends/axes/steps computed at run time, as TVM's frontends: negative axes normalised, the operands
    /// scattered into full-rank begin (0), end (the input's shape) and strides (1), then <c>R.dynamic_strided_slice</c>
    /// (whose kernel normalises and clamps indices as ONNX does).
    /// </summary>
    private void EmitRuntimeSlice(CanonicalNode n, int rank)
    {
        var x = X(n, 0);
        Expr axes;
        if (n.Input(3).IsPresent)
        {
            var a = Int64Of(n, 3);
            axes = Op(n, "where", null, Op(n, "less", null, a, I64Vector([0])), Op(n, "add", null, a, I64Vector([rank])), a);
        }
        else
        {
            var len = RequireShape(n, 1) is [var l] && l.AsConst is { } lc ? lc : throw Unsupported(n, "starts of unknown length without axes");
            axes = I64Vector([.. Enumerable.Range(0, (int)len).Select(i => (long)i)]);
        }
        Expr Scatter(Expr baseline, Expr values) =>
            Op(n, "scatter_elements", new RA.ScatterElementsAttrs { Axis = 0, Reduction = "update" }, baseline, axes, values);
        var begin = Scatter(I64Vector(new long[rank]), Int64Of(n, 1));
        var end = Scatter(Op(n, "shape_to_tensor", null, Op(n, "shape_of", null, x)), Int64Of(n, 2));
        var ones = I64Vector([.. Enumerable.Repeat(1L, rank)]);
        var strides = n.Input(4).IsPresent ? Scatter(ones, Int64Of(n, 4)) : ones;
        Out(n, Op(n, "dynamic_strided_slice", null, x, begin, end, strides));
    }

    /// <summary>
    /// The values of a 1-D integer operand as symbolic dims: a value known at import as it is (constants, or sizes folded from
    /// Shape); one computed at run time through <c>R.tensor_to_shape</c> and <c>R.match_cast</c> to fresh vars named after the
    /// node and operand (<c>&lt;node&gt;_&lt;what&gt;&lt;i&gt;</c>), as TVM's Relax frontend does for Expand and Reshape.
    /// </summary>
    private ImmutableArray<SymExpr> ShapeValues(CanonicalNode n, int input, string what)
    {
        if (Known(n.Input(input)) is { } k) return k.Values;
        var s = RequireShape(n, input);
        Expr t = Int64Of(n, input);
        if (s.Length == 0) t = Op(n, "reshape", null, t, RelaxEmitBuilder.Shape([1]));
        else if (s.Length != 1 || s[0].AsConst is null) throw Unsupported(n, $"a {what} operand of shape [{string.Join(", ", s)}] (a 1-D operand of static length is needed)");
        return MatchShape(n, t, s.Length == 0 ? 1 : (int)s[0].AsConst!.Value, what);
    }

    /// <summary>A 1-D int64 tensor of static length as a shape of fresh symbolic vars (R.tensor_to_shape + R.match_cast).</summary>
    private ImmutableArray<SymExpr> MatchShape(CanonicalNode n, Expr t, int len, string what)
    {
        var shape = Op(n, "tensor_to_shape", null, t);
        var owner = n.Source.Name.Length > 0 ? n.Source.Name : n.Source.OpType.ToLowerInvariant();
        var vars = Enumerable.Range(0, len).Select(i => (SymExpr)new SymVar(_b.Fresh($"{owner}_{what}{i}"))).ToImmutableArray();
        _b.MatchCast(shape, new ShapeSInfo(new ValueArray<SymExpr>(vars)), "lv", n.Loc);
        return vars;
    }

    /// <summary>
    /// Pad with pads not known as constants (computed from shapes, or fed at run time): constant mode concatenates blocks of the
    /// pad value (R.full of symbolic shapes) before and after each axis, so the struct info keeps the symbolic sizes. Relax's
    /// nn.pad takes integer widths only, so reflect / edge gather computed source indices (<see cref="RuntimeGatherPad"/>).
    /// </summary>
    protected override Expr RuntimePad(CanonicalNode n, int rank, string mode)
    {
        if (n.Input(3).IsPresent && ConstInts(n.Input(3)) is null) throw Unsupported(n, "axes computed at run time");
        var axes = n.Input(3).IsPresent ? [.. ConstInts(n.Input(3))!.Select(a => NormAxis(a, rank))] : Enumerable.Range(0, rank).Select(i => (long)i).ToArray();
        var pads = ShapeValues(n, 1, "pad");
        if (pads.Length != 2 * axes.Length) throw BadValue(n, $"{pads.Length} pads for {axes.Length} axes");
        if (mode != "constant") return RuntimeGatherPad(n, mode, axes, pads);
        var x = X(n, 0);
        var dt = DTypeOfValue(n, 0);
        var fill = n.Input(2).IsPresent ? X(n, 2) : RelaxEmitBuilder.Const(Tensor.Scalar(dt, 0));
        for (var i = 0; i < axes.Length; i++)
        {
            var ax = (int)axes[i];
            var s = ShapeOf(x) ?? throw Unsupported(n, "an input of unknown shape");
            Expr Block(SymExpr w) => Op(n, "full", new RA.InitAttrs { Dtype = dt }, RelaxEmitBuilder.Shape(s.Select((d, j) => j == ax ? w : d)), fill);
            var (b, e) = (pads[i], pads[axes.Length + i]);
            if (b.AsConst == 0 && e.AsConst == 0) continue;
            var parts = new List<Expr>();
            if (b.AsConst != 0) parts.Add(Block(b));
            parts.Add(x);
            if (e.AsConst != 0) parts.Add(Block(e));
            x = Op(n, "concat", new RA.ConcatAttrs { Axis = ax }, RelaxEmitBuilder.Tuple(parts));
        }
        return x;
    }

    /// <summary>
    /// TopK with k computed at run time (R.topk takes an integer k): argsort along the axis (descending for largest), the first
    /// k indices by R.dynamic_strided_slice, the values gathered with them.
    /// </summary>
    private void EmitRuntimeTopK(CanonicalNode n, long axis, bool largest)
    {
        var x = X(n, 0);
        var r = Rank(n, 0);
        var order = Op(n, "argsort", new RA.ArgsortAttrs { Axis = axis, Descending = largest, Dtype = DataType.Int64 }, x);
        var ax = I64Vector([axis]);
        var end = Op(n, "scatter_elements", new RA.ScatterElementsAttrs { Axis = 0, Reduction = "update" },
            Op(n, "shape_to_tensor", null, Op(n, "shape_of", null, x)), ax, Op(n, "reshape", null, Int64Of(n, 1), RelaxEmitBuilder.Shape([1])));
        var idx = Op(n, "dynamic_strided_slice", null, order, I64Vector(new long[r]), end, I64Vector([.. Enumerable.Repeat(1L, r)]));
        Out(n, Op(n, "gather_elements", new RA.GatherElementsAttrs { Axis = axis }, x, idx), 0);
        Out(n, idx, 1);
    }

    /// <summary>
    /// OneHot with a run-time depth (R.one_hot takes an integer depth): indices (negative ones + depth) compared with
    /// arange(depth) placed on the new axis, then where(on, off). The depth is a symbolic var bound by match_cast.
    /// </summary>
    private void EmitRuntimeOneHot(CanonicalNode n, long axis, Tensor values)
    {
        var depth = ShapeValues(n, 1, "depth")[0];
        var idx = Int64Of(n, 0);
        var d = Op(n, "astype", new RA.AstypeAttrs { Dtype = DataType.Int64 }, X(n, 1));
        idx = Op(n, "where", null, Op(n, "less", null, idx, RelaxEmitBuilder.Const(Tensor.Scalar(DataType.Int64, 0))), Op(n, "add", null, idx, d), idx);
        var r = Rank(n, 0);
        var range = Op(n, "arange", new RA.InitAttrs { Dtype = DataType.Int64 }, PrimValue.Int64(0), PrimValue.Int64(depth), PrimValue.Int64(1));
        range = Op(n, "reshape", null, range, RelaxEmitBuilder.Shape(Enumerable.Range(0, r + 1).Select(j => j == axis ? depth : (SymExpr)1)));
        var hot = Op(n, "equal", null, Op(n, "expand_dims", new RA.ExpandDimsAttrs { Axis = VA([axis]) }, idx), range);
        var dt = values.DType;
        Out(n, Op(n, "where", null, hot, RelaxEmitBuilder.Const(Tensor.Scalar(dt, values.GetDouble(1))), RelaxEmitBuilder.Const(Tensor.Scalar(dt, values.GetDouble(0)))));
    }

    /// <summary>Split with sizes not known as constants: each output a strided_slice between symbolic cumulative sizes.</summary>
    private void EmitRuntimeSplit(CanonicalNode n, long axis)
    {
        var sizes = ShapeValues(n, 1, "split");
        if (sizes.Length != n.Outputs.Length) throw BadValue(n, $"{sizes.Length} split sizes for {n.Outputs.Length} outputs");
        var x = X(n, 0);
        SymExpr at = 0;
        for (var i = 0; i < sizes.Length; i++)
        {
            var next = at + sizes[i];
            Out(n, Op(n, "strided_slice", new RA.StridedSliceAttrs { AssumeInbound = true }, x, RelaxEmitBuilder.Tuple([PrimValue.Int64(axis)]),
                RelaxEmitBuilder.Tuple([PrimValue.Int64(at)]), RelaxEmitBuilder.Tuple([PrimValue.Int64(next)]), RelaxEmitBuilder.Tuple([PrimValue.Int64(1)])), i);
            at = next;
        }
    }

    /// <summary>
    /// Expand to a target computed at run time: ONNX broadcasts both ways (a target 1 keeps the input dim), so the target is
    /// first raised to maximum(target, shape_of(x)) (as from_onnx does), then matched to fresh vars and R.broadcast_to.
    /// </summary>
    private void EmitRuntimeExpand(CanonicalNode n)
    {
        var s = RequireShape(n, 0);
        var len = RequireShape(n, 1) is [{ AsConst: { } lc }] ? (int)lc : throw Unsupported(n, "a shape operand of unknown length");
        var x = X(n, 0);
        Expr target = Int64Of(n, 1);
        var own = Op(n, "shape_to_tensor", null, Op(n, "shape_of", null, x));
        if (s.Length < len) own = Op(n, "concat", new RA.ConcatAttrs { Axis = 0 }, RelaxEmitBuilder.Tuple([I64Vector([.. Enumerable.Repeat(1L, len - s.Length)]), own]));
        if (s.Length <= len) target = Op(n, "maximum", null, target, own);
        else throw Unsupported(n, $"a run-time target of length {len} shorter than the input rank {s.Length}");
        Out(n, Op(n, "broadcast_to", null, x, RelaxEmitBuilder.Shape(MatchShape(n, target, len, "shape"))));
    }

    /// <summary>Tile with repeats not known as constants: reshape to [1, d0, 1, d1, …], broadcast to [r0, d0, r1, d1, …], merge.</summary>
    private void EmitRuntimeTile(CanonicalNode n)
    {
        var s = RequireShape(n, 0);
        var reps = ShapeValues(n, 1, "repeats");
        if (reps.Length != s.Length) throw BadValue(n, $"{reps.Length} repeats for rank {s.Length}");
        var x = Reshape(n, X(n, 0), s.SelectMany(d => new[] { (SymExpr)1, d }));
        x = Op(n, "broadcast_to", null, x, RelaxEmitBuilder.Shape(s.SelectMany((d, i) => new[] { reps[i], d })));
        Out(n, Reshape(n, x, s.Select((d, i) => reps[i] * d)));
    }
}
