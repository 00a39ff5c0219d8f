using Bridge.Importers.Onnx;
using Bridge.Importers.Onnx.Ops;

namespace Bridge.Translators.Onnx;

/// <summary>
/// Standard ops that neither of TVM's frontends mapped (frontends.md §1.7), written once: LpNormalization, the window
/// functions (Hann/Hamming/Blackman, opset 17), which are constants of a size known at import, and Det of small matrices.
/// </summary>
public abstract partial class OnnxEmitterBase<TExpr>
{
    private static void AddWindowRules(Dictionary<string, SharedRule> t)
    {
        t["LpNormalization"] = (e, n) =>
        {
            // ONNX reference: x / (Σ|x|^p along axis)^(1/p), kept dims; p is 1 or 2 (a zero norm divides by zero, as there).
            var a = n.AttrsAs<LpNormalizationAttrs>();
            if (a.P is not (1 or 2)) throw e.Unsupported(n, $"p = {a.P} (ONNX allows 1 and 2)");
            var x = e.X(n, 0);
            var norm = e.Root(n, e.ReduceOver(n, "sum", e.AbsPow(n, x, a.P), [NormAxis(a.Axis, e.Rank(n, 0))], true), a.P);
            e.Out(n, e.Elem(n, "divide", x, norm));
        };
        // w[k] = Σ_j (−1)^j a_j cos(2πjk / N′), N′ = size (periodic) or size − 1 (symmetric): the ONNX function bodies.
        t["HannWindow"] = (e, n) => e.Out(n, e.CosineWindow(n, [0.5, 0.5]));
        t["HammingWindow"] = (e, n) => e.Out(n, e.CosineWindow(n, [25.0 / 46, 21.0 / 46]));
        t["BlackmanWindow"] = (e, n) => e.Out(n, e.CosineWindow(n, [0.42, 0.5, 0.08]));
        t["Det"] = (e, n) => e.Out(n, e.Determinant(n));
    }

    /// <summary>Largest matrix order Det expands (Laplace expansion: n! products, 24 for n = 4).</summary>
    private const int MaxDetOrder = 4;

    /// <summary>
    /// Det of [..., n, n] (static n ≤ 4) by Laplace expansion along the first row, element-wise over the batch dims: neither
    /// TVM IR has a determinant op. Exact in real arithmetic; ONNX Runtime uses LU, so float results differ in the last bits.
    /// </summary>
    private TExpr Determinant(CanonicalNode n)
    {
        var s = RequireShape(n, 0);
        if (s.Length < 2) throw Unsupported(n, $"a rank-{s.Length} input (Det needs [..., n, n])");
        var order = s[^1].AsConst is { } c && s[^2].AsConst == c ? c : throw Unsupported(n, $"matrices of shape [{s[^2]}, {s[^1]}] (square, static)");
        if (order is < 1 or > MaxDetOrder) throw Unsupported(n, $"{order}×{order} matrices (Det is expanded for n ≤ {MaxDetOrder})");
        var x = X(n, 0);
        var rowAxis = s.Length - 2;
        var rows = Enumerable.Range(0, (int)order).Select(i => Take(n, x, ScalarOf(DataType.Int64, i), rowAxis)).ToArray();
        var m = rows.Select(r => Enumerable.Range(0, (int)order).Select(j => Take(n, r, ScalarOf(DataType.Int64, j), rowAxis)).ToArray()).ToArray();
        TExpr Minor(int row, List<int> cols)
        {
            if (cols.Count == 1) return m[row][cols[0]];
            TExpr? acc = null;
            for (var k = 0; k < cols.Count; k++)
            {
                var term = Elem(n, "multiply", m[row][cols[k]], Minor(row + 1, [.. cols.Where((_, i) => i != k)]));
                acc = acc is null ? term : Elem(n, k % 2 == 0 ? "add" : "subtract", acc, term);
            }
            return acc!;
        }
        return Minor(0, [.. Enumerable.Range(0, (int)order)]);
    }

    /// <summary>A generalised cosine window of the constant size input, computed in float64 and stored as output_datatype.</summary>
    private TExpr CosineWindow(CanonicalNode n, double[] a)
    {
        var attrs = n.AttrsAs<WindowFnAttrs>();
        var size = RequireConstInts(n, 0, "size") is [var s] ? s : throw Unsupported(n, "a size that is not a scalar");
        if (size < 0) throw Unsupported(n, $"size {size}");
        var dt = OnnxDTypes.ToCore((int)attrs.OutputDatatype) ?? throw Unsupported(n, $"output_datatype {attrs.OutputDatatype}");
        double denom = attrs.Periodic ? size : size - 1;
        var w = Tensor.Zeros(dt, size);
        for (long k = 0; k < size; k++)
        {
            double v = 0;
            for (var j = 0; j < a.Length; j++) v += (j % 2 == 0 ? 1 : -1) * a[j] * Math.Cos(2 * Math.PI * j * k / denom);
            w.SetDouble(k, v);
        }
        return Const(w);
    }
}
