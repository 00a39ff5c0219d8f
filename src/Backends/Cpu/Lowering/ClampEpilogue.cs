namespace Bridge.Backends.Cpu.Lowering;

/// <summary>
/// <c>maximum(x, lo)</c> / <c>minimum(x, hi)</c> by a scalar float constant after a convolution or matmul: how ONNX Clip and
/// relu6 reach the lowering from Relay and Relax (two binary ops rather than a <c>clip</c>). Fusion folds them into the
/// anchor's epilogue as the clip activation (<c>BRG_ACT_CLIP</c>), or relu for <c>maximum(x, 0)</c> alone, so mobilenet's
/// relu6 is not a separate pass over the activation.
/// </summary>
internal static class ClampEpilogue
{
    internal sealed record Clamp(bool IsMax, double Value);

    /// <summary>The bound <paramref name="op"/> applies to <paramref name="cur"/>, when it is a maximum/minimum by a scalar constant with <paramref name="cur"/>'s shape.</summary>
    internal static Clamp? Bound(TOp op, TBuffer cur)
    {
        if (op is not { Kind: OpKind.Binary, Attrs: BinaryAttrs { Fn: "maximum" or "minimum" } b } || op.Inputs[0].Id == op.Inputs[1].Id) return null;
        if (!op.Output.Shape.SequenceEqual(cur.Shape) || cur.DType != Core.Tensors.DataType.Float32) return null;
        var other = ConstantFolding.Other(op, cur);
        if (other is not { IsConstant: true, Value: { } t } || t.DType != Core.Tensors.DataType.Float32 || t.Length != 1) return null;
        var v = t.Span<float>()[0];
        return float.IsNaN(v) ? null : new Clamp(b.Fn == "maximum", v);
    }

    /// <summary>Adds a bound to an epilogue whose activation is none (or already a clip from the other bound).</summary>
    internal static Epilogue Apply(Epilogue ep, Clamp c)
    {
        var (lo, hi) = ep.Act == "clip" ? (ep.Lo, ep.Hi) : (double.NegativeInfinity, double.PositiveInfinity);
        if (c.IsMax) lo = Math.Max(lo, c.Value); else hi = Math.Min(hi, c.Value);
        return ep with { Act = "clip", Lo = lo, Hi = hi };
    }
}
