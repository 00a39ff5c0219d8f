
namespace Bridge.Translators.Torch;

/// <summary>
/// Forms of the shape ops whose operands are sizes computed at run time: with a symbolic input dim, <c>x.size(0)</c> is a 0-d int64
/// value of the graph (<see cref="OnnxGraphBuilder.DimScalar"/>), and <c>x[:, :n]</c> or <c>torch.arange(n)</c> take it as an operand
/// instead of a constant. The static result shape the rules need is computed from the operands' probe values
/// (<see cref="OnnxGraphBuilder.Rep"/>).
/// </summary>
internal static partial class Aten
{
    private static double Probe(TorchScriptEvaluator ev, AtenCall c, object? v, double dflt) => v switch
    {
        null => dflt,
        long l => l,
        double d => d,
        TensorRef t => ev.Graph.Rep(t) ?? throw Bad(ev, c, $"a bound computed from {t} has no value at translation"),
        var x => throw Bad(ev, c, $"bound {TorchScriptEvaluator.Describe(x)} is not a number"),
    };

    /// <summary>A 1-element int64 operand (Slice bounds) from a Python int or a run-time scalar.</summary>
    private static TensorRef Bound1(TorchScriptEvaluator ev, object? v, long dflt) => v switch
    {
        TensorRef t => ev.Graph.Node("Reshape", [ev.Cast(t, DataType.Int64), ev.Graph.Ints(1)], [1], DataType.Int64),
        long l => ev.Graph.Ints(l),
        _ => ev.Graph.Ints(dflt),
    };

    /// <summary><c>slice(x, d, start, end, step)</c> with a bound computed at run time.</summary>
    private static TensorRef SliceRuntime(TorchScriptEvaluator ev, AtenCall c, TensorRef x, int d)
    {
        var (startArg, endArg) = (Arg(c, 2, "start"), Arg(c, 3, "end"));
        var step = L(ev, c, 4, "step", 1);
        var n = x.Shape[d];
        static long Clamp(double v, long n) => (long)Math.Clamp(v < 0 ? v + n : v, 0, n);
        var s = Clamp(Probe(ev, c, startArg, 0), n);
        var e = Clamp(Math.Min(Probe(ev, c, endArg, long.MaxValue), long.MaxValue / 2), n);
        var len = e <= s ? 0 : (e - s + step - 1) / step;
        var g = ev.Graph;
        var r = g.Node("Slice", [x, Bound1(ev, startArg, 0), Bound1(ev, endArg, long.MaxValue), g.Ints(d), g.Ints(step)], x.Shape.SetItem(d, len), x.DType);
        ev.RecordView(r, x, d, s, Math.Max(s, e), step, isSelect: false);
        return r;
    }

    /// <summary><c>arange</c> with a bound computed at run time: an ONNX Range.</summary>
    private static TensorRef ArangeRuntime(TorchScriptEvaluator ev, AtenCall c)
    {
        var nums = c.Args.TakeWhile(a => a is long or double || a is TensorRef { Rank: 0 }).ToList();
        var isInt = nums.All(n => n is long || n is TensorRef t && !t.DType.IsFloat);
        var dt = c.Kw.TryGetValue("dtype", out var dv) && DTypeOf(dv) is { } kd ? kd
            : nums.Count < c.Args.Count && DTypeOf(c.Args[nums.Count]) is { } pd ? pd : isInt ? DataType.Int64 : DataType.Float32;
        var (start, end, step) = nums.Count switch
        {
            1 => ((object?)0L, nums[0], (object?)1L),
            2 => (nums[0], nums[1], 1L),
            _ => (nums[0], nums[1], nums[2]),
        };
        var (ps, pe, pst) = (Probe(ev, c, start, 0), Probe(ev, c, end, 0), Probe(ev, c, step, 1));
        var len = (long)Math.Max(0, Math.Ceiling((pe - ps) / pst));
        TensorRef Scalar(object? v) => ev.Cast(v as TensorRef ?? ev.ScalarConst(v, dt, c.Pos), dt);
        return ev.Graph.Node("Range", [Scalar(start), Scalar(end), Scalar(step)], [len], dt);
    }
}
