using Bridge.Importers.Onnx.Ops;

namespace Bridge.Translators.Onnx;

/// <summary>
/// ONNX Pad (all versions; canonical inputs data, pads, constant_value?, axes?), written once. Negative pads remove elements
/// (ONNX allows them; TVM's pad ops take non-negative widths), so they become a slice after the padding. "wrap" (Pad-19) has
/// no TVM mode: along each padded axis it is a <c>take</c> of the constant indices start + (i − begin) mod kept (negative
/// widths crop first, as ONNX Runtime does), which also covers pads longer than the axis. constant / reflect / edge are the dialect's <c>nn.pad</c>.
/// </summary>
public abstract partial class OnnxEmitterBase<TExpr>
{
    /// <summary>The dialect's nn.pad with non-negative (begin, end) widths per axis; the constant value is the node's input 2
    /// (absent: 0).</summary>
    protected abstract TExpr PadOp(CanonicalNode n, TExpr x, long[][] widths, string mode);

    /// <summary>Pad whose pads (or axes) are only known at run time, modes constant / reflect / edge (issue 13).</summary>
    protected abstract TExpr RuntimePad(CanonicalNode n, int rank, string mode);

    private static void AddPadRules(Dictionary<string, SharedRule> t) => t["Pad"] = (e, n) => e.EmitPad(n);

    private void EmitPad(CanonicalNode n)
    {
        var mode = n.AttrsAs<PadAttrs>().Mode;
        var r = Rank(n, 0);
        if (ConstInts(n.Input(1)) is null || n.Input(3).IsPresent && ConstInts(n.Input(3)) is null)
        {
            if (mode is not ("constant" or "reflect" or "edge")) throw Unsupported(n, $"mode '{mode}' with pads computed at run time");
            Out(n, RuntimePad(n, r, mode));
            return;
        }
        var pads = RequireConstInts(n, 1, "pads");
        var axes = n.Input(3).IsPresent ? [.. RequireConstInts(n, 3, "axes").Select(x => NormAxis(x, r))] : Enumerable.Range(0, r).Select(i => (long)i).ToArray();
        if (pads.Length != 2 * axes.Length) throw BadValue(n, $"{pads.Length} pads for {axes.Length} axes");
        var widths = Enumerable.Range(0, r).Select(_ => new long[2]).ToArray();
        for (var i = 0; i < axes.Length; i++) { widths[axes[i]][0] = pads[i]; widths[axes[i]][1] = pads[axes.Length + i]; }
        var x = X(n, 0);
        if (mode == "wrap")
        {
            var s = RequireShape(n, 0);
            for (var ax = 0; ax < r; ax++)
            {
                var (b, e) = (widths[ax][0], widths[ax][1]);
                if (b == 0 && e == 0) continue;
                var d = s[ax].AsConst ?? throw Unsupported(n, $"wrap padding along a symbolic axis {ax}");
                // Negative widths crop first (as ONNX Runtime does), then the kept [start, start + kept) wraps.
                var start = Math.Max(-b, 0);
                var kept = d - start - Math.Max(-e, 0);
                var (pb, pe) = (Math.Max(b, 0), Math.Max(e, 0));
                if (kept <= 0) throw Unsupported(n, $"wrap padding of ({b}, {e}) along an axis of {d}");
                var idx = Tensor.Zeros(DataType.Int64, kept + pb + pe);
                for (long i = 0; i < idx.Length; i++) idx.SetInt64(i, start + ((i - pb) % kept + kept) % kept);
                x = Take(n, x, Const(idx), ax);
            }
            Out(n, x);
            return;
        }
        if (mode is not ("constant" or "reflect" or "edge")) throw Unsupported(n, $"mode '{mode}'");
        var grow = widths.Select(w => new[] { Math.Max(w[0], 0), Math.Max(w[1], 0) }).ToArray();
        if (grow.Any(w => w[0] > 0 || w[1] > 0)) x = PadOp(n, x, grow, mode);
        // Negative widths crop the padded tensor: x[−b : d + e] where b, e < 0 (an end of 0 means "to the end").
        for (var ax = 0; ax < r; ax++)
        {
            var (b, e) = (widths[ax][0], widths[ax][1]);
            if (b >= 0 && e >= 0) continue;
            x = SliceAxis(n, x, ax, Math.Max(-b, 0), e < 0 ? e : long.MaxValue);
        }
        Out(n, x);
    }
}
