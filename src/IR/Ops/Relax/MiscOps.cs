using Bridge.Ir.Relax;
using static Bridge.Ir.Ops.Relax.RelaxOpsInit;

namespace Bridge.Ir.Ops.Relax;

/// <summary><c>relax.attrs.HintOnDeviceAttrs</c> (HEAD field names; v0.19 used dev_type/dev_id).</summary>
[AttrsTypeKey("relax.attrs.HintOnDeviceAttrs")]
public sealed record HintOnDeviceAttrs : Attrs
{
    public long DeviceType { get; init; } = 1;
    public long Index { get; init; }
    [RelaxSince(23)] public string MemoryScope { get; init; } = "global";
}

/// <summary>Less common ops: einsum, collapse_sum_*, eye, dynamic_strided_slice, nll_loss, bucketize, hint_on_device.</summary>
internal static class MiscOps
{
    public static void Register()
    {
        Def<EinsumAttrs>("einsum", "linear_algebra", Einsum, "operands");
        Def<NoAttrs>("collapse_sum_like", "manipulate", (c, cx) => Infer.Tensor(c, 1, cx).WithDType(Infer.Tensor(c, 0, cx).DType), "data", "collapse_target");
        Def<NoAttrs>("collapse_sum_to", "manipulate", (c, cx) =>
        {
            var t = Infer.Tensor(c, 0, cx);
            var s = Infer.ShapeArg(c, 1, cx, out var nd);
            return s is { } v ? Infer.Shaped(v, t.DType, t.VDevice) : new TensorSInfo(null, t.DType, nd, t.VDevice);
        }, "data", "shape");
        Def<InitAttrs>("eye", "create", (c, cx) =>
        {
            SymExpr? P(int i) => c.Args.Length > i && c.Args[i] is PrimValue { IntValue: { } v } ? v : null;
            var dt = ((InitAttrs)c.Attrs).Dtype;
            return P(0) is { } n && (P(1) ?? n) is { } m ? Infer.Shaped([n, m], dt) : new TensorSInfo(null, dt, 2);
        }, "n", "m", "k");
        Def<InitAttrs>("eye_like", "create", (c, cx) => Infer.Tensor(c, 0, cx).WithDType(((InitAttrs)c.Attrs).Dtype ?? Infer.Tensor(c, 0, cx).DType), "x", "k");
        Def<NoAttrs>("dynamic_strided_slice", "index", (c, cx) => { var t = Infer.Tensor(c, 0, cx); return new TensorSInfo(null, t.DType, t.NDim, t.VDevice); },
            "x", "begin", "end", "strides");
        Def<NllLossAttrs>("nn.nll_loss", "nn", (c, cx) =>
        {
            var p = Infer.Tensor(c, 0, cx);
            var t = Infer.Tensor(c, 1, cx);
            return ((NllLossAttrs)c.Attrs).Reduction == "none" ? t.WithDType(p.DType) : new TensorSInfo([], p.DType);
        }, "predictions", "targets", "weights").WithArity(2, 3);
        Def<BucketizeAttrs>("bucketize", "reduce", (c, cx) => Infer.Tensor(c, 0, cx).WithDType(((BucketizeAttrs)c.Attrs).OutInt32 ? DataType.Int32 : DataType.Int64),
            "input_tensor", "boundaries");
        Def<HintOnDeviceAttrs>("hint_on_device", "builtin", (c, cx) => c.Args[0].Info ?? StructInfo.Object, "data");
    }

    private static StructInfo Einsum(Call c, InferContext cx)
    {
        var ts = Infer.TensorTuple(c, 0, cx);
        var sub = ((EinsumAttrs)c.Attrs).Subscripts.Replace(" ", "", StringComparison.Ordinal);
        var dt = ts.Length > 0 ? ts[0].DType : null;
        var arrow = sub.IndexOf("->", StringComparison.Ordinal);
        var inputs = (arrow >= 0 ? sub[..arrow] : sub).Split(',');
        if (inputs.Length != ts.Length) throw cx.Error(StructInfoDiagnosticIds.BadAttr, $"subscripts name {inputs.Length} operands, got {ts.Length}");
        if (sub.Contains("...", StringComparison.Ordinal) || ts.Any(t => t.Shape is null)) return new TensorSInfo(null, dt, -1);
        var dims = new Dictionary<char, SymExpr>();
        for (var k = 0; k < ts.Length; k++)
        {
            var s = ts[k].Shape!.Value;
            if (inputs[k].Length != s.Length) throw cx.Error(StructInfoDiagnosticIds.BadAttr, $"operand {k} has rank {s.Length} but subscripts '{inputs[k]}'");
            for (var i = 0; i < s.Length; i++)
            {
                var ch = inputs[k][i];
                if (dims.TryGetValue(ch, out var d)) { if (d.AsConst != 1 && s[i].AsConst != 1) cx.RequireEqual(d, s[i], $"einsum index '{ch}'"); if (d.AsConst == 1) dims[ch] = s[i]; }
                else dims[ch] = s[i];
            }
        }
        var output = arrow >= 0 ? sub[(arrow + 2)..] : new string([.. dims.Keys.Where(ch => string.Concat(inputs).Count(x => x == ch) == 1).OrderBy(ch => ch)]);
        return Infer.Shaped(output.Select(ch => dims.TryGetValue(ch, out var d) ? d : throw cx.Error(StructInfoDiagnosticIds.BadAttr, $"output index '{ch}' not in inputs")), dt);
    }
}
