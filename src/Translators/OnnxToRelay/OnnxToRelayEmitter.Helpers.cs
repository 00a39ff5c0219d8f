using Bridge.Importers.Onnx.Ops;
using Bridge.Ir.Relay;
using O = Bridge.Importers.Onnx.Ops;
using R = Bridge.Ir.Ops.Relay;

namespace Bridge.Translators.OnnxToRelay;

public sealed partial class OnnxToRelayEmitter
{
    private long[] Pads(CanonicalNode n, ValueArray<SymExpr> pads) =>
        [.. pads.Select(p => p.AsConst ?? throw Unsupported(n, $"padding {p} depends on a dynamic input dim"))];

    private static string Layout(int r) => r switch { 1 => "NCW", 2 => "NCHW", _ => "NCDHW" };

    private void Conv(CanonicalNode n, bool transpose)
    {
        var w = (WindowAttrs)n.Attrs;
        var r = w.ResolvedKernel.Count;
        if (r is < 1 or > 3) throw Unsupported(n, $"{r}-D convolution");
        var pads = VA(Pads(n, w.ExplicitPads));
        var kernel = VA(w.ResolvedKernel.Select(k => k.AsConst ?? throw Unsupported(n, "symbolic kernel")));
        var ks = r switch { 1 => "W", 2 => "HW", _ => "DHW" };
        Ir.Ops.Attrs attrs;
        if (!transpose)
        {
            var g = n.AttrsAs<O.ConvAttrs>().Group;
            attrs = r switch
            {
                1 => new R.Conv1DAttrs { Strides = w.ResolvedStrides, Padding = pads, Dilation = w.ResolvedDilations, Groups = g, KernelSize = kernel, DataLayout = "NCW", KernelLayout = "OIW" },
                2 => new R.Conv2DAttrs { Strides = w.ResolvedStrides, Padding = pads, Dilation = w.ResolvedDilations, Groups = g, KernelSize = kernel },
                _ => new R.Conv3DAttrs { Strides = w.ResolvedStrides, Padding = pads, Dilation = w.ResolvedDilations, Groups = g, KernelSize = kernel },
            };
        }
        else
        {
            var a = n.AttrsAs<O.ConvTransposeAttrs>();
            var op = a.OutputPadding.IsEmpty ? VA(Enumerable.Repeat(0L, r)) : a.OutputPadding;
            attrs = r switch
            {
                1 => new R.Conv1DTransposeAttrs { Strides = w.ResolvedStrides, Padding = pads, OutputPadding = op, Dilation = w.ResolvedDilations, Groups = a.Group, KernelSize = kernel, DataLayout = "NCW", KernelLayout = "IOW" },
                2 => new R.Conv2DTransposeAttrs { Strides = w.ResolvedStrides, Padding = pads, OutputPadding = op, Dilation = w.ResolvedDilations, Groups = a.Group, KernelSize = kernel, KernelLayout = "IOHW" },
                _ => new R.Conv3DTransposeAttrs { Strides = w.ResolvedStrides, Padding = pads, OutputPadding = op, Dilation = w.ResolvedDilations, Groups = a.Group, KernelSize = kernel, KernelLayout = "IODHW" },
            };
            _ = ks;
        }
        var y = Op(n, $"nn.conv{r}d{(transpose ? "_transpose" : "")}", attrs, X(n, 0), X(n, 1));
        if (n.Input(2).IsPresent) y = Op(n, "nn.bias_add", new R.BiasAddAttrs { Axis = 1 }, y, X(n, 2));
        Out(n, y);
    }

    /// <summary>MaxPool / AveragePool → <c>nn.{max,avg}_pool{1,2,3}d</c> (NCW / NCHW / NCDHW).</summary>
    private void Pool(CanonicalNode n, string kind)
    {
        var w = (WindowAttrs)n.Attrs;
        var r = w.ResolvedKernel.Count;
        if (r is < 1 or > 3) throw Unsupported(n, $"{r}-D pooling (Relay has 1-D, 2-D and 3-D pools)");
        if (n.Outputs.Length > 1 && n.Outputs[1].Length > 0) throw Unsupported(n, "the Indices output");
        if (n.Attrs is MaxPoolAttrs { StorageOrder: not 0 }) throw Unsupported(n, "storage_order=1");
        var k = VA(w.ResolvedKernel.Select(x => x.AsConst ?? throw Unsupported(n, "symbolic kernel")));
        var p = VA(Pads(n, w.ExplicitPads));
        var (st, dl) = (w.ResolvedStrides, w.ResolvedDilations);
        Ir.Ops.Attrs attrs = (n.Attrs, r) switch
        {
            (MaxPoolAttrs m, 1) => new R.MaxPool1DAttrs { PoolSize = k, Strides = st, Dilation = dl, Padding = p, CeilMode = m.CeilMode },
            (MaxPoolAttrs m, 2) => new R.MaxPool2DAttrs { PoolSize = k, Strides = st, Dilation = dl, Padding = p, CeilMode = m.CeilMode },
            (MaxPoolAttrs m, _) => new R.MaxPool3DAttrs { PoolSize = k, Strides = st, Dilation = dl, Padding = p, CeilMode = m.CeilMode },
            (AveragePoolAttrs a, 1) => new R.AvgPool1DAttrs { PoolSize = k, Strides = st, Dilation = dl, Padding = p, CeilMode = a.CeilMode, CountIncludePad = a.CountIncludePad },
            (AveragePoolAttrs a, 2) => new R.AvgPool2DAttrs { PoolSize = k, Strides = st, Dilation = dl, Padding = p, CeilMode = a.CeilMode, CountIncludePad = a.CountIncludePad },
            (AveragePoolAttrs a, _) => new R.AvgPool3DAttrs { PoolSize = k, Strides = st, Dilation = dl, Padding = p, CeilMode = a.CeilMode, CountIncludePad = a.CountIncludePad },
            _ => throw Unsupported(n, "pool kind"),
        };
        Out(n, Op(n, $"nn.{kind}_pool{r}d", attrs, X(n, 0)));
    }

    private void GlobalPool(CanonicalNode n, string kind, string reduce)
    {
        var r = Rank(n, 0);
        if (r == 4) { Out(n, Op(n, $"nn.global_{kind}_pool2d", new R.GlobalPool2DAttrs(), X(n, 0))); return; }
        Out(n, Op(n, reduce, new R.ReduceAttrs { Axis = VA(Enumerable.Range(2, r - 2).Select(i => (long)i)), Keepdims = true }, X(n, 0)));
    }

    private void Softmax(CanonicalNode n, string op)
    {
        var a = n.AttrsAs<O.SoftmaxAttrs>();
        var x = X(n, 0);
        if (!a.Coerce2D) { Out(n, Op(n, op, new R.SoftmaxAttrs { Axis = a.Axis!.Value }, x)); return; }
        var s = RequireShape(n, 0);
        var ax = (int)NormAxis(a.Axis!.Value, s.Length);
        var flat = Reshape(n, x, [Prod(s.Take(ax)), Prod(s.Skip(ax))]);
        Out(n, Reshape(n, Op(n, op, new R.SoftmaxAttrs { Axis = -1 }, flat), s));
    }

    /// <summary>MatMul as from_onnx: 2-D → nn.dense with a transposed weight; N-D × 2-D folded to 2-D; equal ranks ≥ 3 folded to
    /// nn.batch_matmul.</summary>
    protected override Expr MatMul(CanonicalNode n, Expr a, Expr b)
    {
        var sa = ShapeOf(a) ?? throw Unsupported(n, "a MatMul operand of unknown rank");
        var sb = ShapeOf(b) ?? throw Unsupported(n, "a MatMul operand of unknown rank");
        Expr Tr(Expr e, int rank) => Op(n, "transpose", new R.TransposeAttrs { Axes = VA([.. Enumerable.Range(0, rank - 2).Select(i => (long)i), rank - 1, rank - 2]) }, e);
        // numpy matmul with a vector: a 1-D left operand is a [1, K] row, a 1-D right operand a [K, 1] column (2-D or more on
        // the other side), and the added dim is dropped from the result.
        if (sa.Length == 1 && sb.Length == 2)
        {
            var y = Op(n, "nn.dense", new R.DenseAttrs(), Reshape(n, a, [1, sa[0]]), Tr(b, 2));
            return Reshape(n, y, [sb[1]]);
        }
        if (sb.Length == 1 && sa.Length >= 2)
        {
            var flat = sa.Length == 2 ? a : Reshape(n, a, [Prod(sa.Take(sa.Length - 1)), sa[^1]]);
            var y = Op(n, "nn.dense", new R.DenseAttrs(), flat, Reshape(n, b, [1, sb[0]]));
            return ReshapeFrom(n, y, a, [.. sa.Take(sa.Length - 1)]);
        }
        if (sb.Length == 2 && sa.Length >= 2)
        {
            var bt = Tr(b, 2);
            if (sa.Length == 2) return Op(n, "nn.dense", new R.DenseAttrs(), a, bt);
            var flat = Reshape(n, a, [Prod(sa.Take(sa.Length - 1)), sa[^1]]);
            var y = Op(n, "nn.dense", new R.DenseAttrs(), flat, bt);
            return ReshapeFrom(n, y, a, [.. sa.Take(sa.Length - 1), sb[1]]);
        }
        if (sa.Length == sb.Length && sa.Length >= 3)
        {
            var lead = sa.Take(sa.Length - 2).ToList();
            Expr a3 = sa.Length == 3 ? a : ReshapeFrom(n, a, a, [Prod(lead), sa[^2], sa[^1]]);
            Expr b3 = sb.Length == 3 ? b : ReshapeFrom(n, b, b, [Prod(sb.Take(sb.Length - 2)), sb[^2], sb[^1]]);
            var y = Op(n, "nn.batch_matmul", new R.BatchMatmulAttrs { TransposeA = false, TransposeB = false }, a3, b3);
            return sa.Length == 3 ? y : ReshapeFrom(n, y, a, [.. lead, sa[^2], sb[^1]]);
        }
        throw Unsupported(n, $"MatMul of ranks {sa.Length} and {sb.Length}");
    }

    private void EmitReshape(CanonicalNode n)
    {
        var a = n.AttrsAs<ReshapeAttrs>();
        // A target computed from data (or with more than one dim Relay cannot name) is a run-time shape: dyn.reshape, whose
        // codes are ONNX's (0 copies unless allowzero, −1 infers), as from_onnx emits before DynamicToStatic.
        if (Known(n.Input(1)) is not { } k) { EmitDynReshape(n, a); return; }
        var ins = RequireShape(n, 0);
        // Relay's newshape can name one unknown dim (−1): a −1 entry plus the entries that are neither constant nor the input
        // dim at the same position. More than one is a run-time shape.
        if (k.Values.Select((v, i) => v.AsConst == -1 || v.AsConst is null && !(i < ins.Length && ReferenceEquals(v, ins[i]))).Count(b => b) > 1)
        {
            EmitDynReshape(n, a);
            return;
        }
        var ns = new long[k.Length];
        for (var i = 0; i < k.Length; i++)
        {
            var v = k.Values[i];
            if (v.AsConst is { } c) { ns[i] = c == 0 && a.Allowzero ? 0 : c; if (c == 0 && a.Allowzero) throw Unsupported(n, "allowzero=1 with a 0 entry"); }
            else if (i < ins.Length && ReferenceEquals(v, ins[i])) ns[i] = 0;
            else ns[i] = -1;
        }
        // Relay's relation cannot resolve −1 next to an Any dim; when the cancelled quotient is a constant, write it out.
        var m1 = Array.IndexOf(ns, -1L);
        if (m1 >= 0)
        {
            var rest = k.Values.Select((v, i) => i == m1 ? (SymExpr)1 : v.AsConst == 0 && !a.Allowzero && i < ins.Length ? ins[i] : v);
            if (Onnx.ShapeMath.DivideProducts(ins, rest).AsConst is { } q) ns[m1] = q;
        }
        Out(n, Op(n, "reshape", new R.ReshapeAttrs { Newshape = VA(ns) }, X(n, 0)));
    }

    private void EmitDynReshape(CanonicalNode n, ReshapeAttrs a) =>
        Out(n, Op(n, "dyn.reshape", new R.ReshapeAttrs { Allowzero = a.Allowzero }, X(n, 0), X(n, 1)));

    private void EmitSlice(CanonicalNode n)
    {
        var s = RequireShape(n, 0);
        var startsC = ConstInts(n.Input(1));
        var endsC = ConstInts(n.Input(2));
        var axesC = n.Input(3).IsPresent ? ConstInts(n.Input(3)) : startsC is { } sc0 ? [.. Enumerable.Range(0, sc0.Length).Select(i => (long)i)] : null;
        var stepsC = n.Input(4).IsPresent ? ConstInts(n.Input(4)) : startsC is { } sc1 ? [.. Enumerable.Repeat(1L, sc1.Length)] : null;
        if (startsC is not { } starts || endsC is not { } ends || axesC is not { } axes || stepsC is not { } steps)
        {
            EmitRuntimeSlice(n, s.Length);
            return;
        }
        var b = new List<long>(); var e = new List<long>(); var st = new List<long>(); var ax = new List<long>();
        for (var i = 0; i < starts.Length; i++)
        {
            var a = NormAxis(axes[i], s.Length);
            var end = ends[i];
            // Relay clamps at run time, but INT64_MAX ends do not fit its int32 attrs printing: cap at the dim or int32 max.
            if (s[(int)a].AsConst is { } d) { end = Math.Clamp(end < 0 ? end + d : end, -1, d); if (ends[i] < -d) end = steps[i] < 0 ? -d - 1 : 0; }
            else if (end > int.MaxValue) end = int.MaxValue;
            b.Add(starts[i]); e.Add(end); st.Add(steps[i]); ax.Add(a);
        }
        Out(n, Op(n, "strided_slice", new R.StridedSliceAttrs { Begin = VA(b), End = VA(e), Strides = VA(st), Axes = VA(ax) }, X(n, 0)));
    }

    /// <summary>
    /// Expand: a static result → broadcast_to; otherwise dyn.broadcast_to with the run-time target. ONNX Expand broadcasts both
    /// ways (a target 1 keeps the input dim), broadcast_to takes the target as is: where a target entry may be 1 against an
    /// input dim that may not, the target is maximum(shape, shape_of(x)) first (from_onnx does the same).
    /// </summary>
    private void EmitExpand(CanonicalNode n)
    {
        var k = Known(n.Input(1));
        var s = RequireShape(n, 0);
        var kLen = k?.Length ?? (RequireShape(n, 1) is [var l] && l.AsConst is { } lc ? (int)lc : throw Unsupported(n, "a shape operand of unknown length"));
        var r = Math.Max(s.Length, kLen);
        var dims = new long?[r];
        var takeTarget = true;
        for (var i = 0; i < r; i++)
        {
            var si = i - (r - s.Length);
            var ki = i - (r - kLen);
            SymExpr? a = si >= 0 ? s[si] : null;
            SymExpr? b = ki >= 0 && k is not null ? k.Values[ki] : null;
            if (k is not null)
            {
                var d = a is null ? b! : b is null ? a : b.AsConst == 1 ? a : b;
                dims[i] = d.AsConst;
            }
            // The target entry alone is right when the input has no dim there, the input dim is 1, or the entry is not 1.
            if (!(a is null || a.AsConst == 1 || b is { AsConst: { } bc } && bc != 1)) takeTarget = false;
        }
        if (dims.All(d => d is not null))
        {
            Out(n, Op(n, "broadcast_to", new R.InitOpAttrs { Shape = VA(dims.Select(d => d!.Value)) }, X(n, 0)));
            return;
        }
        var target = X(n, 1);
        if (!takeTarget)
        {
            if (s.Length > kLen) throw Unsupported(n, "a run-time target shorter than the input rank");
            Expr ins = Op(n, "shape_of", new R.ShapeOfAttrs { Dtype = "int64" }, X(n, 0));
            if (kLen > s.Length)
                ins = Op(n, "concatenate", new R.ConcatenateAttrs { Axis = 0 },
                    Tup([Const(Core.Tensors.Tensor.FromArray<long>(Core.Tensors.DataType.Int64, Enumerable.Repeat(1L, kLen - s.Length).ToArray(), kLen - s.Length)), ins]));
            target = Op(n, "maximum", null, Op(n, "cast", new R.CastAttrs { Dtype = "int64" }, target), ins);
        }
        Out(n, Op(n, "dyn.broadcast_to", new R.InitOpAttrs(), X(n, 0), target));
    }

    /// <summary>ONNX If → Relay <c>if</c>; the condition is squeezed to a scalar; branches are converted with the outer scope visible.</summary>
    private void EmitIf(CanonicalNode n)
    {
        var a = n.AttrsAs<IfAttrs>();
        var cond = X(n, 0);
        if (ShapeOf(cond) is { Length: > 0 }) cond = Op(n, "reshape", new R.ReshapeAttrs { Newshape = VA([]) }, cond);
        Expr Branch(Importers.Onnx.OnnxGraph g)
        {
            PushScope();
            try
            {
                foreach (var (name, t) in g.Initializers) SetConst(name, t);
                var nodes = Canonicalize(g);
                EmitNodes(nodes);
                var outs = g.Outputs.Select(o => X(o.Name, n)).ToList();
                return outs.Count == 1 ? outs[0] : Tup(outs);
            }
            finally { PopScope(); }
        }
        var te = Branch(a.ThenBranch!);
        var ee = Branch(a.ElseBranch!);
        var ife = new If(cond, te, ee, n.Loc);
        _types[ife] = _types[te];
        if (n.Outputs.Length == 1) Out(n, ife);
        else for (var i = 0; i < n.Outputs.Length; i++) Out(n, Item(ife, i), i);
    }
}
