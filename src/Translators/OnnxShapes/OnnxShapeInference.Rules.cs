using Bridge.Importers.Onnx;
using Bridge.Importers.Onnx.Ops;
using Bridge.Ir.Ops.Spec;
using Bridge.Translators.Onnx;

namespace Bridge.Translators.OnnxShapes;

/// <summary>
/// The per-op rules of <see cref="OnnxShapeInference"/>, one per op family, as ONNX's own shape functions state them:
/// elementwise (multidirectional broadcasting), shape and index ops, reductions, MatMul/Gemm, conv and pooling windows,
/// normalisations, Resize, recurrent ops. An op without a rule gets an unknown value (the emitter's IR inference still runs).
/// </summary>
public sealed partial class OnnxShapeInference
{
    private static readonly HashSet<string> BoolResultKinds = new(StringComparer.Ordinal)
    {
        "Equal", "Less", "Greater", "LessOrEqual", "GreaterOrEqual", "And", "Or", "Xor", "Not", "IsNaN", "IsInf",
    };

    private static readonly HashSet<string> SameShapeKinds = new(StringComparer.Ordinal)
    {
        "Softmax", "LogSoftmax", "Hardmax", "LRN", "InstanceNormalization", "LpNormalization", "MeanVarianceNormalization",
        "CumSum", "Shrink", "Celu", "Elu", "Selu", "LeakyRelu", "ThresholdedRelu", "HardSigmoid", "HardSwish", "Gelu", "Softplus",
        "Softsign", "Mish", "Reciprocal", "Identity", "Trilu", "ReverseSequence", "Dropout", "BatchNormalization",
        "LayerNormalization", "GroupNormalization", "Clip", "QuantizeLinear", "DequantizeLinear",
    };

    private ImmutableArray<InferredValue> InferNode(OnnxGraph g, CanonicalNode n)
    {
        InferredValue I(int i) => In(g, n.Input(i));
        switch (n.Kind)
        {
            case "Constant":
                return n.Attrs is ConstantAttrs { Value: { } cv } ? [Const(cv)] : [];
            case "If":
                return InferIf(g, n);
            case "Loop":
                return InferLoop(g, n);
            case "Scan":
                return InferScan(g, n);
        }
        var single = InferSingle(g, n, I);
        if (single is not null)
        {
            // Data propagation: the one copy both emitters use (OnnxDataPropagation).
            var known = n.Outputs.Length == 1 ? OnnxDataPropagation.Fold(n, i => In(g, i).Known, i => In(g, i).Shape) : null;
            if (known is not null && single.Known is null) single = single with { Known = known, DType = single.DType ?? known.DType };
            if (known is not null && single.Dims is null) single = single with { Dims = [.. known.Shape.Select(d => (SymExpr?)d)] };
            return n.Kind switch
            {
                // Secondary outputs that share the first one's shape or are statistics.
                "Dropout" => [single, single with { DType = DataType.Bool, Known = null }],
                "TopK" => [single, single with { DType = DataType.Int64, Known = null }],
                _ => [single],
            };
        }
        return InferMulti(g, n, I);
    }

    private InferredValue? InferSingle(OnnxGraph g, CanonicalNode n, Func<int, InferredValue> I)
    {
        var x = I(0);
        var kind = n.Kind;
        if (kind == "Det") return x.Dims is { Length: >= 2 } dd ? InferredValue.Of(x.DType, dd.Take(dd.Length - 2)) : new(x.DType, null);
        if (SameShapeKinds.Contains(kind)) return x with { Known = null };
        if (n.Spec.Family == "elementwise" || kind is "Where" or "PRelu" or "Sum" or "Mean" or "Max" or "Min" or "Mod" or "BitShift")
        {
            var ins = Enumerable.Range(0, n.Inputs.Length).Where(i => n.Input(i).IsPresent).Select(I).ToList();
            var dt = BoolResultKinds.Contains(kind) || ElementwiseSpec.All.Any(r => r.Onnx == kind && r.RelaxResult == ElemResult.Bool) ? DataType.Bool
                : kind == "Where" ? I(1).DType : x.DType;
            return new InferredValue(dt, Broadcast(ins.Select(v => v.Dims)));
        }
        switch (kind)
        {
            case "Cast":
                return x with { DType = n.AttrsAs<CastAttrs>().ToType, Known = null };
            case "CastLike":
                return x with { DType = I(1).DType, Known = null };
            case "Shape":
            {
                if (x.Rank is not { } r) return new(DataType.Int64, [null]);
                var a = n.AttrsAs<ShapeAttrs>();
                long Clamp(long v) => Math.Clamp(v < 0 ? v + r : v, 0, r);
                var len = Math.Max(0, (a.End is { } e ? Clamp(e) : r) - Clamp(a.Start));
                return InferredValue.Of(DataType.Int64, [len]);
            }
            case "Size":
                return InferredValue.Of(DataType.Int64, []);
            case "Gather":
            {
                var idx = I(1);
                if (x.Dims is not { } d || idx.Dims is not { } id) return new(x.DType, null);
                var ax = (int)NormAxis(n.AttrsAs<AxisAttrs>().Axis, d.Length);
                return InferredValue.Of(x.DType, [.. d.Take(ax), .. id, .. d.Skip(ax + 1)]);
            }
            case "Concat":
            {
                var ins = Enumerable.Range(0, n.Inputs.Length).Select(I).ToList();
                var rank = ins.Select(v => v.Rank).FirstOrDefault(r => r is not null);
                if (rank is not { } r) return new(x.DType, null);
                var ax = (int)NormAxis(n.AttrsAs<Importers.Onnx.Ops.ConcatAttrs>().Axis, r);
                var dims = new SymExpr?[r];
                SymExpr? sum = 0;
                foreach (var v in ins)
                {
                    if (v.Dims is not { } d) { sum = null; continue; }
                    sum = sum is null || d[ax] is null ? null : sum + d[ax]!;
                    for (var i = 0; i < r; i++) if (i != ax) dims[i] ??= d[i];
                }
                dims[ax] = sum;
                return InferredValue.Of(x.DType, dims);
            }
            case "Reshape":
                return ReshapeRule(n, x, I(1).Known);
            case "Unsqueeze":
            {
                if (x.Dims is not { } d || I(1).Known is not { AllConst: true } ak) return new(x.DType, null);
                var outRank = d.Length + ak.Length;
                var axes = ak.Values.Select(v => NormAxis(v.AsConst!.Value, outRank)).ToHashSet();
                var res = new List<SymExpr?>();
                var src = 0;
                for (var i = 0; i < outRank; i++) res.Add(axes.Contains(i) ? 1 : d[src++]);
                return InferredValue.Of(x.DType, res);
            }
            case "Squeeze":
            {
                if (x.Dims is not { } d) return new(x.DType, null);
                if (!n.Input(1).IsPresent)
                    return d.All(v => v?.AsConst is not null) ? InferredValue.Of(x.DType, d.Where(v => v!.AsConst != 1)) : new(x.DType, null);
                if (I(1).Known is not { AllConst: true } ak) return new(x.DType, null);
                var axes = ak.Values.Select(v => NormAxis(v.AsConst!.Value, d.Length)).ToHashSet();
                return InferredValue.Of(x.DType, d.Where((_, i) => !axes.Contains(i)));
            }
            case "Transpose":
            {
                if (x.Dims is not { } d) return new(x.DType, null);
                var perm = n.AttrsAs<TransposeAttrs>().Perm is { Count: > 0 } p ? p.ToArray() : [.. Enumerable.Range(0, d.Length).Reverse().Select(i => (long)i)];
                return InferredValue.Of(x.DType, perm.Select(i => d[(int)i]));
            }
            case "Flatten":
            {
                if (x.Dims is not { } d) return InferredValue.OfRank(x.DType, 2);
                var ax = (int)NormAxis(n.AttrsAs<FlattenAttrs>().Axis, d.Length + 1);
                return InferredValue.Of(x.DType, [Product(d.Take(ax)), Product(d.Skip(ax))]);
            }
            case "Slice":
                return SliceRule(n, x, I);
            case "Expand":
            {
                if (I(1).Known is not { } sk) return new(x.DType, I(1).Dims is [{ AsConst: { } len }] ? [.. Enumerable.Repeat<SymExpr?>(null, (int)len)] : null);
                // A shape entry of 1 keeps the input's dim (Expand broadcasts both ways).
                return new InferredValue(x.DType, Broadcast([x.Dims, [.. sk.Values.Select(v => (SymExpr?)v)]]));
            }
            case "Tile":
            {
                if (x.Dims is not { } d) return new(x.DType, null);
                if (I(1).Known is not { } rk || rk.Length != d.Length) return InferredValue.OfRank(x.DType, d.Length);
                return InferredValue.Of(x.DType, d.Select((v, i) => v is null ? null : v * rk.Values[i]));
            }
            case "ConstantOfShape":
            {
                var dt = n.AttrsAs<ConstantOfShapeAttrs>().Value?.DType ?? DataType.Float32;
                if (x.Known is { } sk) return InferredValue.Of(dt, sk.Values.Select(v => (SymExpr?)v));
                return x.Dims is [{ AsConst: { } len }] ? InferredValue.OfRank(dt, (int)len) : new(dt, null);
            }
            case "Range":
                return InferredValue.Of(x.DType, [RangeLength(x.Known, I(1).Known, I(2).Known)]);
            case "MatMul" or "MatMulInteger" or "QLinearMatMul":
                return MatMulRule(n, x, I(n.Kind == "QLinearMatMul" ? 3 : 1));
            case "Gemm":
            {
                var a = n.AttrsAs<GemmAttrs>();
                var b = I(1);
                SymExpr? m = x.Dims is [var a0, var a1] ? (a.TransA ? a1 : a0) : null;
                SymExpr? nn = b.Dims is [var b0, var b1] ? (a.TransB ? b0 : b1) : null;
                return InferredValue.Of(x.DType, [m, nn]);
            }
            case "ReduceSum" or "ReduceMean" or "ReduceMax" or "ReduceMin" or "ReduceProd" or "ReduceL1" or "ReduceL2" or "ReduceLogSum" or "ReduceLogSumExp" or "ReduceSumSquare":
                return ReduceRule(n, x, I(1).Known);
            case "ArgMax" or "ArgMin":
            {
                var a = n.AttrsAs<ArgReduceAttrs>();
                if (x.Dims is not { } d) return new(DataType.Int64, null);
                var ax = NormAxis(a.Axis, d.Length);
                return InferredValue.Of(DataType.Int64, a.Keepdims ? d.Select((v, i) => i == ax ? 1 : v) : d.Where((_, i) => i != ax));
            }
            case "GlobalAveragePool" or "GlobalMaxPool" or "GlobalLpPool":
                return x.Dims is { Length: >= 2 } gd ? InferredValue.Of(x.DType, gd.Select((v, i) => i < 2 ? v : 1)) : new(x.DType, null);
            case "Conv" or "ConvInteger" or "QLinearConv" or "MaxPool" or "AveragePool" or "LpPool":
                return WindowRule(n, x, n.Kind == "QLinearConv" ? I(3) : I(1));
            case "ConvTranspose":
                return ConvTransposeRule(n, x, I(1));
            case "Pad":
            {
                if (x.Dims is not { } d) return new(x.DType, null);
                if (I(1).Known is not { } pk) return InferredValue.OfRank(x.DType, d.Length);
                var axes = n.Input(3).IsPresent ? I(3).Known is { AllConst: true } ak ? ak.Values.Select(v => NormAxis(v.AsConst!.Value, d.Length)).ToArray() : null
                    : [.. Enumerable.Range(0, d.Length).Select(i => (long)i)];
                if (axes is null || pk.Length != 2 * axes.Length) return InferredValue.OfRank(x.DType, d.Length);
                var res = d.ToArray();
                for (var i = 0; i < axes.Length; i++) res[axes[i]] = res[axes[i]] is { } v ? v + pk.Values[i] + pk.Values[axes.Length + i] : null;
                return InferredValue.Of(x.DType, res);
            }
            case "Resize":
            {
                if (x.Shape is not { } s) return x.Rank is { } r ? InferredValue.OfRank(x.DType, r) : new(x.DType, null);
                try
                {
                    var dims = n.Attrs is ResizeAttrs ra ? OnnxStd.ResizeOutput(n, ra, s, n.Input(2).Constant, I(3).Known, (_, w) => new InvalidOperationException(w)) : null;
                    return dims is null ? InferredValue.OfRank(x.DType, s.Length) : InferredValue.Of(x.DType, dims.Select(v => (SymExpr?)v));
                }
                catch (InvalidOperationException)
                {
                    return InferredValue.OfRank(x.DType, s.Length);
                }
            }
            case "OneHot":
            {
                if (x.Dims is not { } d) return new(I(2).DType, null);
                var depth = I(1).Known is { Length: 1 } dk ? dk.Values[0] : null;
                var ax = (int)NormAxis(n.AttrsAs<OneHotAttrs>().Axis, d.Length + 1);
                var l = d.ToList();
                l.Insert(ax, depth);
                return InferredValue.Of(I(2).DType, l);
            }
            case "NonZero":
                return InferredValue.Of(DataType.Int64, [x.Rank is { } nr ? nr : null, null]);
            case "TopK":
            {
                if (x.Dims is not { } d) return new(x.DType, null);
                var ax = NormAxis(n.AttrsAs<TopKAttrs>().Axis, d.Length);
                var k = I(1).Known is { Length: 1 } kk ? kk.Values[0] : null;
                return InferredValue.Of(x.DType, d.Select((v, i) => i == ax ? k : v));
            }
            case "EyeLike" or "RandomNormalLike" or "RandomUniformLike" or "Bernoulli":
                return x with { Known = null };
            case "DepthToSpace" or "SpaceToDepth":
            {
                if (x.Dims is not [var nd, var c, var h, var w]) return InferredValue.OfRank(x.DType, 4);
                var bs = n.Attrs is DepthToSpaceAttrs da ? da.Blocksize : n.AttrsAs<SpaceToDepthAttrs>().Blocksize;
                return kind == "DepthToSpace"
                    ? InferredValue.Of(x.DType, [nd, c is null ? null : SymExpr.FloorDiv(c, bs * bs), h is null ? null : h * bs, w is null ? null : w * bs])
                    : InferredValue.Of(x.DType, [nd, c is null ? null : c * (bs * bs), h is null ? null : SymExpr.FloorDiv(h, bs), w is null ? null : SymExpr.FloorDiv(w, bs)]);
            }
            case "DynamicQuantizeLinear":
                return null;
            default:
                return n.Outputs.Length == 1 ? InferredValue.Unknown : null;
        }
    }

    /// <summary>Rules of nodes with several outputs of different shapes.</summary>
    private ImmutableArray<InferredValue> InferMulti(OnnxGraph g, CanonicalNode n, Func<int, InferredValue> I)
    {
        var x = I(0);
        switch (n.Kind)
        {
            case "Split":
            {
                var a = n.AttrsAs<SplitAttrs>();
                if (x.Dims is not { } d) return [.. n.Outputs.Select(_ => new InferredValue(x.DType, null))];
                var ax = (int)NormAxis(a.Axis, d.Length);
                var count = n.Outputs.Length;
                IReadOnlyList<SymExpr?>? sizes = I(1).Known is { } sk ? [.. sk.Values] : a.Split is { Count: > 0 } sp ? [.. sp.Select(v => (SymExpr?)v)] : null;
                if (sizes is null && d[ax]?.AsConst is { } len)
                {
                    // Equal parts, the last one smaller (opset 18's num_outputs rule; exact division before).
                    var part = (len + count - 1) / count;
                    sizes = [.. Enumerable.Range(0, count).Select(i => (SymExpr?)Math.Max(0, Math.Min(part, len - i * part)))];
                }
                else if (sizes is null && d[ax] is { } sym) sizes = [.. Enumerable.Repeat<SymExpr?>(SymExpr.FloorDiv(sym, count), count)];
                return [.. Enumerable.Range(0, count).Select(i => InferredValue.Of(x.DType, d.Select((v, j) => j == ax ? (sizes is not null && i < sizes.Count ? sizes[i] : null) : v)))];
            }
            case "LSTM" or "GRU" or "RNN":
            {
                var a = n.AttrsAs<RnnAttrs>();
                var dirs = (SymExpr?)a.NumDirections;
                SymExpr? hidden = a.HiddenSize is { } h ? h : null;
                var layout = a.Layout;
                SymExpr? seq = null, batch = null;
                if (x.Dims is [var d0, var d1, _]) (seq, batch) = layout == 0 ? (d0, d1) : (d1, d0);
                var y = layout == 0 ? InferredValue.Of(x.DType, [seq, dirs, batch, hidden]) : InferredValue.Of(x.DType, [batch, seq, dirs, hidden]);
                var state = layout == 0 ? InferredValue.Of(x.DType, [dirs, batch, hidden]) : InferredValue.Of(x.DType, [batch, dirs, hidden]);
                return [y, state, state];
            }
            case "DynamicQuantizeLinear":
                return [x with { DType = DataType.UInt8, Known = null }, InferredValue.Of(DataType.Float32, []), InferredValue.Of(DataType.UInt8, [])];
            default:
                return [];
        }
    }
}
