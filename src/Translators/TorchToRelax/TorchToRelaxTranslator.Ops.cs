using Bridge.Ir.Ops.Relax;
using Bridge.Ir.Relax;

namespace Bridge.Translators.TorchToRelax;

/// <summary>The evaluated arguments of one aten call.</summary>
internal sealed record OpArgs(string Op, List<object?> Args, Dictionary<string, object?> Keywords, SourceLoc Loc)
{
    /// <summary>Positional argument <paramref name="i"/>, else keyword <paramref name="name"/>, else the schema default.</summary>
    public object? Get(int i, string name, object? def = null) =>
        i < Args.Count ? Args[i] : Keywords.TryGetValue(name, out var v) ? v : def;
}

public sealed partial class TorchToRelaxTranslator
{
    private delegate object? Converter(TorchToRelaxTranslator t, OpArgs a);

    // aten op → converter. Trailing default arguments are omitted by the printer, so every Get names its schema default.
    private static readonly Dictionary<string, Converter> s_converters = new(StringComparer.Ordinal)
    {
        ["aten::_convolution"] = (t, a) => t.Conv(a, a.Get(3, "stride"), a.Get(4, "padding"), a.Get(5, "dilation"), a.Get(8, "groups", 1L), a.Get(6, "transposed", false) is true),
        ["aten::conv2d"] = (t, a) => t.Conv(a, a.Get(3, "stride", new List<object?> { 1L, 1L }), a.Get(4, "padding", new List<object?> { 0L, 0L }),
            a.Get(5, "dilation", new List<object?> { 1L, 1L }), a.Get(6, "groups", 1L), false),
        ["aten::batch_norm"] = (t, a) => t.BatchNorm(a),
        ["aten::relu"] = (t, a) => t.Unary("nn.relu", a),
        ["aten::relu_"] = (t, a) => t.Unary("nn.relu", a),
        ["aten::sigmoid"] = (t, a) => t.Unary("sigmoid", a),
        ["aten::tanh"] = (t, a) => t.Unary("tanh", a),
        ["aten::gelu"] = (t, a) => t.Unary(a.Get(1, "approximate", "none") is "tanh" ? "nn.gelu_tanh" : "nn.gelu", a),
        ["aten::max_pool2d"] = (t, a) => t.MaxPool(a),
        ["aten::adaptive_avg_pool2d"] = (t, a) => t.Emit(BlockBuilder.Op("nn.adaptive_avg_pool2d",
            new AdaptivePoolAttrs { OutputSize = t.Ints(a.Get(1, "output_size"), a, 2) }, t.Tensor(a, 0)), a),
        ["aten::flatten"] = (t, a) => t.Flatten(a),
        ["aten::linear"] = (t, a) => t.Linear(a),
        ["aten::addmm"] = (t, a) => t.Addmm(a),
        ["aten::matmul"] = (t, a) => t.Emit(BlockBuilder.Op("matmul", null, t.Tensor(a, 0), t.Tensor(a, 1)), a),
        ["aten::add"] = (t, a) => t.Binary("add", a),
        ["aten::add_"] = (t, a) => t.Binary("add", a),
        ["aten::sub"] = (t, a) => t.Binary("subtract", a),
        ["aten::mul"] = (t, a) => t.Binary("multiply", a),
        ["aten::div"] = (t, a) => t.Binary("divide", a),
        ["aten::cat"] = (t, a) => t.Cat(a),
        ["aten::view"] = (t, a) => t.Reshape(a),
        ["aten::reshape"] = (t, a) => t.Reshape(a),
        ["aten::t"] = (t, a) => t.Emit(BlockBuilder.Op("permute_dims", new PermuteDimsAttrs { Axes = [1, 0] }, t.Tensor(a, 0)), a),
        ["aten::transpose"] = (t, a) => t.Transpose(a),
        ["aten::permute"] = (t, a) => t.Emit(BlockBuilder.Op("permute_dims", new PermuteDimsAttrs { Axes = t.Ints(a.Get(1, "dims"), a, -1) }, t.Tensor(a, 0)), a),
        ["aten::softmax"] = (t, a) => t.Emit(BlockBuilder.Op("nn.softmax", new SoftmaxAttrs { Axis = t.Int(a.Get(1, "dim"), a) }, t.Tensor(a, 0)), a),
        ["aten::mean"] = (t, a) => t.Emit(BlockBuilder.Op("mean", new StatisticalAttrs { Axis = t.Ints(a.Get(1, "dim"), a, -1), Keepdims = a.Get(2, "keepdim", false) is true }, t.Tensor(a, 0)), a),
        ["aten::dropout"] = (t, a) => t.Tensor(a, 0),   // inference: identity
        ["aten::dropout_"] = (t, a) => t.Tensor(a, 0),
        ["aten::contiguous"] = (t, a) => t.Tensor(a, 0),
    };

    private BridgeException Bad(OpArgs a, string msg) => new(TorchToRelaxDiagnosticIds.BadArguments, a.Loc, $"{a.Op}: {msg}");

    private Var Emit(Expr e, OpArgs a) => _bb.Emit(e);

    private Expr Tensor(OpArgs a, int i) => a.Get(i, "input") as Expr ?? throw Bad(a, $"argument {i} is not a tensor");

    private long Int(object? v, OpArgs a) => v is long l ? l : throw Bad(a, $"expected an int, got {v ?? "None"}");

    private ValueArray<long> Ints(object? v, OpArgs a, int n)
    {
        var list = v switch
        {
            long l => Enumerable.Repeat(l, n < 0 ? 1 : n).ToList(),
            List<object?> xs => xs.Select(x => Int(x, a)).ToList(),
            _ => throw Bad(a, $"expected an int list, got {v ?? "None"}"),
        };
        if (n > 0 && list.Count == 1) list = Enumerable.Repeat(list[0], n).ToList();
        if (n > 0 && list.Count != n) throw Bad(a, $"expected {n} ints, got {list.Count}");
        return [.. list];
    }

    private static ValueArray<SymExpr> ShapeOf(Expr e, OpArgs a, TorchToRelaxTranslator t) =>
        e.Info is TensorSInfo { Shape: { } s } ? s : throw t.Bad(a, "input shape is unknown");

    private object? Unary(string op, OpArgs a) => Emit(BlockBuilder.Op(op, null, Tensor(a, 0)), a);

    private Expr Scalar(object? v, Expr like, OpArgs a)
    {
        var dt = (like.Info as TensorSInfo)?.DType ?? DataType.Float32;
        return v switch
        {
            Expr e => e,
            long l => new Constant(Bridge.Core.Tensors.Tensor.Scalar(dt, l)),
            double d => new Constant(Bridge.Core.Tensors.Tensor.Scalar(dt, d)),
            _ => throw Bad(a, $"unsupported operand {v ?? "None"}"),
        };
    }

    private object? Binary(string op, OpArgs a)
    {
        var x = Tensor(a, 0);
        if (a.Get(2, "alpha", 1L) is not (1L or 1.0)) throw Bad(a, "alpha other than 1 is not supported");
        return Emit(BlockBuilder.Op(op, null, x, Scalar(a.Get(1, "other"), x, a)), a);
    }

    private object? Conv(OpArgs a, object? stride, object? padding, object? dilation, object? groups, bool transposed)
    {
        var x = Tensor(a, 0);
        var w = Tensor(a, 1);
        if (transposed) throw Bad(a, "transposed convolution is not supported");
        if (ShapeOf(x, a, this).Length != 4) throw Bad(a, "only 2-d convolution (NCHW input) is supported");
        var pad = Ints(padding, a, 2);
        var attrs = new ConvAttrs { Strides = Ints(stride, a, 2), Padding = [pad[0], pad[1], pad[0], pad[1]], Dilation = Ints(dilation, a, 2), Groups = Int(groups, a) };
        Expr y = Emit(BlockBuilder.Op("nn.conv2d", attrs, x, w), a);
        if (a.Get(2, "bias") is Expr b)
        {
            var rb = Emit(BlockBuilder.Op("reshape", null, b, new ShapeExpr([1, -1L, 1, 1])), a);
            y = Emit(BlockBuilder.Op("add", null, y, rb), a);
        }
        return y;
    }

    private object? BatchNorm(OpArgs a)
    {
        // batch_norm(input, weight, bias, running_mean, running_var, training, momentum, eps, cudnn_enabled)
        var x = Tensor(a, 0);
        if (a.Get(5, "training", false) is true) throw Bad(a, "training-mode batch_norm is not supported");
        var ps = new Expr[4];
        for (var i = 0; i < 4; i++) ps[i] = a.Get(i + 1, "") as Expr ?? throw Bad(a, $"argument {i + 1} must be a tensor (affine and running stats are required)");
        var eps = a.Get(7, "eps", 1e-5) switch { double d => d, long l => l, _ => throw Bad(a, "eps") };
        var bn = Emit(BlockBuilder.Op("nn.batch_norm", new BatchNormAttrs { Axis = 1, Epsilon = eps, Training = false }, x, ps[0], ps[1], ps[2], ps[3]), a);
        return _bb.Emit(new TupleGetItem(bn, 0));
    }

    private object? MaxPool(OpArgs a)
    {
        // max_pool2d(input, kernel_size, stride=[], padding=0, dilation=1, ceil_mode=False); empty stride = kernel size
        var k = Ints(a.Get(1, "kernel_size"), a, 2);
        var strideArg = a.Get(2, "stride", new List<object?>());
        var s = strideArg is List<object?> { Count: 0 } ? k : Ints(strideArg, a, 2);
        var p = Ints(a.Get(3, "padding", 0L), a, 2);
        var attrs = new PoolAttrs
        {
            PoolSize = k, Strides = s, Padding = [p[0], p[1], p[0], p[1]], Dilation = Ints(a.Get(4, "dilation", 1L), a, 2),
            CeilMode = a.Get(5, "ceil_mode", false) is true,
        };
        return Emit(BlockBuilder.Op("nn.max_pool2d", attrs, Tensor(a, 0)), a);
    }

    private object? Flatten(OpArgs a)
    {
        var x = Tensor(a, 0);
        var shape = ShapeOf(x, a, this);
        var r = shape.Length;
        var start = (int)Int(a.Get(1, "start_dim", 0L), a);
        var end = (int)Int(a.Get(2, "end_dim", -1L), a);
        if (start < 0) start += r;
        if (end < 0) end += r;
        if (r == 0) return Emit(BlockBuilder.Op("reshape", null, x, new ShapeExpr([1])), a);
        if (start < 0 || end >= r || start > end) throw Bad(a, "dims out of range");
        var dims = new List<SymExpr>();
        for (var i = 0; i < start; i++) dims.Add(shape[i]);
        SymExpr prod = 1;
        for (var i = start; i <= end; i++) prod *= shape[i];
        dims.Add(prod);
        for (var i = end + 1; i < r; i++) dims.Add(shape[i]);
        return Emit(BlockBuilder.Op("reshape", null, x, new ShapeExpr([.. dims])), a);
    }

    private object? Linear(OpArgs a)
    {
        var x = Tensor(a, 0);
        var wt = Emit(BlockBuilder.Op("permute_dims", new PermuteDimsAttrs { Axes = [1, 0] }, Tensor(a, 1)), a);
        Expr y = Emit(BlockBuilder.Op("matmul", null, x, wt), a);
        if (a.Get(2, "bias") is Expr b) y = Emit(BlockBuilder.Op("add", null, y, b), a);
        return y;
    }

    private object? Addmm(OpArgs a)
    {
        // addmm(self, mat1, mat2, beta=1, alpha=1) = beta*self + alpha*(mat1 @ mat2)
        if (a.Get(3, "beta", 1L) is not (1L or 1.0) || a.Get(4, "alpha", 1L) is not (1L or 1.0)) throw Bad(a, "beta/alpha other than 1 are not supported");
        var mm = Emit(BlockBuilder.Op("matmul", null, Tensor(a, 1), Tensor(a, 2)), a);
        return Emit(BlockBuilder.Op("add", null, mm, Tensor(a, 0)), a);
    }

    private object? Cat(OpArgs a)
    {
        var items = a.Get(0, "tensors") as List<object?> ?? throw Bad(a, "expected a tensor list");
        var ts = items.Select(i => i as Expr ?? throw Bad(a, "non-tensor in the list")).ToList();
        return Emit(BlockBuilder.Op("concat", new ConcatAttrs { Axis = Int(a.Get(1, "dim", 0L), a) }, new TupleExpr([.. ts])), a);
    }

    private object? Reshape(OpArgs a)
    {
        var x = Tensor(a, 0);
        var dims = a.Get(1, "shape") as List<object?> ?? throw Bad(a, "shape must be an int list");
        return Emit(BlockBuilder.Op("reshape", null, x, new ShapeExpr([.. dims.Select(d => (SymExpr)Int(d, a))])), a);
    }

    private object? Transpose(OpArgs a)
    {
        var x = Tensor(a, 0);
        var r = ShapeOf(x, a, this).Length;
        var d0 = Int(a.Get(1, "dim0"), a);
        var d1 = Int(a.Get(2, "dim1"), a);
        if (d0 < 0) d0 += r;
        if (d1 < 0) d1 += r;
        if (d0 < 0 || d1 < 0 || d0 >= r || d1 >= r) throw Bad(a, "dims out of range");
        var axes = Enumerable.Range(0, r).Select(i => (long)i).ToArray();
        (axes[d0], axes[d1]) = (axes[d1], axes[d0]);
        return Emit(BlockBuilder.Op("permute_dims", new PermuteDimsAttrs { Axes = [.. axes] }, x), a);
    }
}
