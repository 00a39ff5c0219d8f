using Bridge.Backends.Reference;

namespace Bridge.Backends.Cpu.Lowering;

/// <summary>One argument of a source call as the lowering sees it.</summary>
public abstract record ArgView;
public sealed record TensorArgView(TBuffer Buffer) : ArgView;
/// <summary>A constant integer list (a shape, a tuple of prim values, one prim value).</summary>
public sealed record IntsArgView(long[] Values) : ArgView;
public sealed record ScalarArgView(double Value) : ArgView;
public sealed record OtherArgView : ArgView { public static readonly OtherArgView Instance = new(); }

/// <summary>A source call, dialect-free: normalised op name (no <c>relax.</c> prefix), attrs, arguments, output type.</summary>
public sealed record CallView(string Name, KernelCall AttrsView, ImmutableArray<ArgView> Args, ImmutableArray<SymExpr> OutShape, DataType OutDType)
{
    public TBuffer? Tensor(int i) => i < Args.Length && Args[i] is TensorArgView t ? t.Buffer : null;
    public long[]? Ints(int i) => i < Args.Length && Args[i] is IntsArgView v ? v.Values : null;
    public double? Scalar(int i) => i < Args.Length ? Args[i] switch { ScalarArgView s => s.Value, IntsArgView { Values.Length: 1 } v => v.Values[0], _ => null } : null;
    public int TensorCount => Args.Count(a => a is TensorArgView);
}

/// <summary>
/// The one table both IRs lower through: a call of a Relay or Relax op → a neutral <see cref="OpKind"/> with typed attrs over
/// its tensor inputs. A call this table does not know (or knows only for some attribute values) lowers to
/// <see cref="OpKind.Fallback"/> with the reason; the runtime then runs the op's reference kernel.
/// </summary>
public static class OpLowering
{
    private static readonly Dictionary<string, string> s_unary = new(StringComparer.Ordinal)
    {
        ["nn.relu"] = "relu", ["sigmoid"] = "sigmoid", ["tanh"] = "tanh", ["exp"] = "exp", ["erf"] = "erf", ["sqrt"] = "sqrt",
        ["rsqrt"] = "rsqrt", ["negative"] = "neg", ["abs"] = "abs", ["log"] = "log", ["nn.silu"] = "silu", ["nn.gelu"] = "gelu",
        ["copy"] = "copy", ["floor"] = "floor", ["ceil"] = "ceil", ["square"] = "square",
    };

    private static readonly Dictionary<string, string> s_binary = new(StringComparer.Ordinal)
    {
        ["add"] = "add", ["subtract"] = "subtract", ["multiply"] = "multiply", ["divide"] = "divide",
        ["maximum"] = "maximum", ["minimum"] = "minimum", ["power"] = "power",
    };

    /// <summary>Reshape-like ops: the output is the input's elements in the same order (the output type gives the shape).</summary>
    private static readonly HashSet<string> s_reshapes = new(StringComparer.Ordinal)
    {
        "reshape", "squeeze", "expand_dims", "flatten", "nn.batch_flatten", "reshape_like",
    };

    /// <summary>The neutral kind and attrs of <paramref name="c"/>, or a fallback with its reason.</summary>
    public static (OpKind Kind, LAttrs Attrs, ImmutableArray<TBuffer> Inputs) Lower(CallView c)
    {
        var tensors = c.Args.OfType<TensorArgView>().Select(t => t.Buffer).ToImmutableArray();
        if (c.OutDType != DataType.Float32 || tensors.Any(t => t.DType != DataType.Float32))
            return Fallback("not float32", tensors);
        try
        {
            return LowerFloat(c, tensors);
        }
        catch (NotSupportedException e)
        {
            return Fallback(e.Message, tensors);
        }
    }

    private static (OpKind, LAttrs, ImmutableArray<TBuffer>) Fallback(string why, ImmutableArray<TBuffer> ins) => (OpKind.Fallback, new FallbackAttrs(why), ins);

    private static (OpKind, LAttrs, ImmutableArray<TBuffer>) LowerFloat(CallView c, ImmutableArray<TBuffer> t)
    {
        var a = c.AttrsView;
        var rank = c.OutShape.Length;
        if (s_unary.TryGetValue(c.Name, out var fn) && t.Length == 1) return (OpKind.Unary, new UnaryAttrs(fn), t);
        if (s_binary.TryGetValue(c.Name, out var bfn) && t.Length == 2) return (OpKind.Binary, new BinaryAttrs(bfn), t);
        if (s_reshapes.Contains(c.Name) && t.Length >= 1) return (OpKind.Reshape, NoAttrs.Instance, [t[0]]);
        switch (c.Name)
        {
            case "clip" when t.Length == 1:
                {
                    // Relay: a_min/a_max attrs; Relax: min/max prim-value arguments.
                    var lo = a.HasAttr("a_min") ? a.Double("a_min") : c.Scalar(1) ?? throw new NotSupportedException("clip bounds are not constants");
                    var hi = a.HasAttr("a_max") ? a.Double("a_max") : c.Scalar(2) ?? throw new NotSupportedException("clip bounds are not constants");
                    return (OpKind.Unary, new UnaryAttrs("clip", lo, hi), t);
                }
            case "nn.leaky_relu" when t.Length == 1:
                return (OpKind.Unary, new UnaryAttrs("leaky_relu", a.Double("alpha", 0.01)), t);
            case "transpose" or "permute_dims" when t.Length == 1:
                {
                    var axes = a.Longs("axes");
                    var perm = axes is null || axes.Length == 0 ? Enumerable.Range(0, rank).Reverse().ToArray() : axes.Select(x => (int)(x < 0 ? x + rank : x)).ToArray();
                    return (OpKind.Transpose, new TransposeAttrs([.. perm]), t);
                }
            case "broadcast_to" when t.Length == 1:
                return (OpKind.BroadcastTo, NoAttrs.Instance, t);
            case "strided_slice" when t.Length == 1:
                return (OpKind.StridedSlice, Slice(c, t[0]), t);
            case "mean" or "sum" or "max" or "min" when t.Length == 1:
                {
                    var inRank = t[0].Rank;
                    var axes = a.Longs("axis");
                    var keep = a.Bool("keepdims");
                    if (a.Bool("exclude")) throw new NotSupportedException("reduce with exclude=True");
                    var norm = axes is null ? Enumerable.Range(0, inRank).ToArray() : axes.Select(x => (int)(x < 0 ? x + inRank : x)).Distinct().Order().ToArray();
                    return (OpKind.Reduce, new ReduceAttrs(c.Name, [.. norm], keep), t);
                }
            case "nn.global_avg_pool2d" when t.Length == 1 && a.Str("layout", "NCHW") == "NCHW":
                return (OpKind.Reduce, new ReduceAttrs("mean", [2, 3], true), t);
            case "nn.conv2d" when t.Length == 2:
                return (OpKind.Conv2d, Conv(c), t);
            case "matmul" or "nn.matmul" when t.Length == 2 && t[0].Rank >= 2 && t[1].Rank >= 2:
                if (a.Bool("transpose_a")) throw new NotSupportedException("matmul with transpose_a");
                return (OpKind.Matmul, new MatmulAttrs(a.Bool("transpose_b")), t);
            case "nn.dense" when t.Length == 2 && t[1].Rank == 2:
                return (OpKind.Matmul, new MatmulAttrs(TransB: true), t);
            case "nn.batch_matmul" when t.Length == 2 && t[0].Rank == 3 && t[1].Rank == 3:
                if (a.Bool("transpose_a")) throw new NotSupportedException("batch_matmul with transpose_a");
                return (OpKind.Matmul, new MatmulAttrs(a.Bool("transpose_b", true)), t);
            case "nn.max_pool2d" or "nn.avg_pool2d" when t.Length == 1:
                return (c.Name == "nn.max_pool2d" ? OpKind.MaxPool2d : OpKind.AvgPool2d, Pool(c), t);
            case "nn.softmax" or "nn.log_softmax" when t.Length == 1:
                {
                    var axis = a.Long("axis", -1);
                    if (axis != -1 && axis != rank - 1) throw new NotSupportedException($"softmax over axis {axis} (not the last)");
                    return (OpKind.Softmax, new SoftmaxAttrs(c.Name == "nn.log_softmax"), t);
                }
            case "nn.layer_norm" when t.Length == 3:
                {
                    var axes = a.Longs("axes") ?? [a.Long("axis", -1)];
                    if (axes.Length != 1 || (axes[0] != -1 && axes[0] != rank - 1)) throw new NotSupportedException("layer_norm over other than the last axis");
                    if (!a.Bool("center", true) || !a.Bool("scale", true)) throw new NotSupportedException("layer_norm without center/scale");
                    return (OpKind.LayerNorm, new LayerNormAttrs(a.Double("epsilon", 1e-5)), t);
                }
        }
        throw new NotSupportedException($"no codegen for {c.Name}");
    }

    private static Conv2dAttrs Conv(CallView c)
    {
        var a = c.AttrsView;
        if (a.Str("data_layout", "NCHW") != "NCHW" || a.Str("kernel_layout", "OIHW") != "OIHW" || a.Str("out_layout", "") is not ("" or "NCHW"))
            throw new NotSupportedException("conv2d layout other than NCHW/OIHW");
        var s = a.Longs("strides", [1, 1]);
        var d = a.Longs("dilation", [1, 1]);
        var p = Pads(a.Longs("padding", [0, 0]));
        return new Conv2dAttrs(s[0], s.Length > 1 ? s[1] : s[0], p[0], p[1], p[2], p[3], d[0], d.Length > 1 ? d[1] : d[0], a.Long("groups", 1));
    }

    private static Pool2dAttrs Pool(CallView c)
    {
        var a = c.AttrsView;
        if (a.Str("layout", "NCHW") != "NCHW") throw new NotSupportedException("pooling layout other than NCHW");
        var k = a.Longs("pool_size") ?? throw new NotSupportedException("pool without pool_size");
        var s = a.Longs("strides", [1, 1]);
        var d = a.Longs("dilation", [1, 1]);
        var p = Pads(a.Longs("padding", [0, 0]));
        return new Pool2dAttrs(k[0], k.Length > 1 ? k[1] : k[0], s[0], s.Length > 1 ? s[1] : s[0], p[0], p[1], p[2], p[3],
            d[0], d.Length > 1 ? d[1] : d[0], a.Bool("count_include_pad"));
    }

    /// <summary>TVM's padding forms: 1 (all), 2 (h, w), 4 (top, left, bottom, right).</summary>
    private static long[] Pads(long[] p) => p.Length switch
    {
        1 => [p[0], p[0], p[0], p[0]],
        2 => [p[0], p[1], p[0], p[1]],
        4 => p,
        _ => throw new NotSupportedException($"padding of {p.Length} values"),
    };

    /// <summary>
    /// Per input axis: begin and step. Relay takes begin/end/strides/axes attrs; Relax takes (axes, begin, end, strides) tuples.
    /// Sliced axes must be static (negative begins and clamping need the extent).
    /// </summary>
    private static StridedSliceAttrs Slice(CallView c, TBuffer x)
    {
        var a = c.AttrsView;
        long[]? axes, begin, strides;
        if (a.HasAttr("begin"))
        {
            if (a.Str("slice_mode", "end") != "end") throw new NotSupportedException("strided_slice slice_mode=size");
            begin = a.Longs("begin");
            strides = a.Longs("strides");
            axes = a.Longs("axes");
        }
        else
        {
            axes = c.Ints(1);
            begin = c.Ints(2);
            strides = c.Ints(4);
        }
        if (begin is null) throw new NotSupportedException("strided_slice with run-time begin");
        axes ??= [.. Enumerable.Range(0, begin.Length).Select(i => (long)i)];
        var b = new long[x.Rank];
        var st = Enumerable.Repeat(1L, x.Rank).ToArray();
        for (var i = 0; i < axes.Length && i < begin.Length; i++)
        {
            var ax = (int)(axes[i] < 0 ? axes[i] + x.Rank : axes[i]);
            var step = strides is { Length: > 0 } ? strides[Math.Min(i, strides.Length - 1)] : 1;
            if (step == 0) throw new NotSupportedException("strided_slice step 0");
            var dim = x.Shape[ax].AsConst ?? throw new NotSupportedException("strided_slice over a symbolic axis");
            var bg = begin[i] < 0 ? begin[i] + dim : begin[i];
            bg = step > 0 ? Math.Clamp(bg, 0, dim) : Math.Clamp(bg, 0, dim - 1);
            b[ax] = bg;
            st[ax] = step;
        }
        return new StridedSliceAttrs([.. b], [.. st]);
    }
}
