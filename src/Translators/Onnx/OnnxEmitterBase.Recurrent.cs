using Bridge.Importers.Onnx.Ops;

namespace Bridge.Translators.Onnx;

/// <summary>
/// LSTM / GRU / RNN unrolled over the static sequence length, forward, reverse or bidirectional, default activations only,
/// written once for both dialects (as <c>relay.frontend.from_onnx</c> unrolled them; TVM's Relax frontend has none).
/// Gate layouts as in the ONNX spec: LSTM W = [i, o, f, c], GRU W = [z, r, h].
/// </summary>
public abstract partial class OnnxEmitterBase<TExpr>
{
    /// <summary>x·wᵀ for a 2-D weight (Relay <c>nn.dense</c>; Relax <c>matmul</c> with a permuted weight).</summary>
    protected abstract TExpr Dense(CanonicalNode n, TExpr x, TExpr w);

    /// <summary>Splits along <paramref name="axis"/> at explicit cut points (the sections form does not survive a TVMScript
    /// print/parse round trip); the parts, in order.</summary>
    protected abstract IReadOnlyList<TExpr> SplitAt(CanonicalNode n, TExpr x, IReadOnlyList<long> cuts, long axis);

    /// <summary>x[begin:end:step] along <paramref name="axis"/>.</summary>
    protected abstract TExpr SliceAxis(CanonicalNode n, TExpr x, long axis, long begin, long end, long step = 1);

    /// <summary>x[..., begin:end:step] on the last axis.</summary>
    protected TExpr SliceLast(CanonicalNode n, TExpr x, long begin, long end, long step = 1) =>
        SliceAxis(n, x, (ShapeOf(x) ?? throw Unsupported(n, "an operand of unknown rank")).Length - 1, begin, end, step);

    private static void AddRecurrentRules(Dictionary<string, SharedRule> t)
    {
        foreach (var kind in (string[])["LSTM", "GRU", "RNN"]) t[kind] = (e, n) => e.Recurrent(n, kind);
    }

    private void Recurrent(CanonicalNode n, string kind)
    {
        var a = n.AttrsAs<RnnAttrs>();
        string[] defaults = kind switch { "LSTM" => ["Sigmoid", "Tanh", "Tanh"], "GRU" => ["Sigmoid", "Tanh"], _ => ["Tanh"] };
        for (var i = 0; i < a.ResolvedActivations.Count; i++)
            if (!string.Equals(a.ResolvedActivations[i], defaults[i % defaults.Length], StringComparison.OrdinalIgnoreCase))
                throw Unsupported(n, $"activation '{a.ResolvedActivations[i]}' (only the defaults are supported)");
        if (a.Clip is not null) throw Unsupported(n, "clip");
        if (a.InputForget) throw Unsupported(n, "input_forget=1");
        if (n.Input(4).IsPresent) throw Unsupported(n, "sequence_lens");
        if (kind == "LSTM" && n.Input(7).IsPresent) throw Unsupported(n, "peephole weights P");
        var gates = kind switch { "LSTM" => 4, "GRU" => 3, _ => 1 };
        var xs = RequireShape(n, 0);
        if (xs.Length != 3) throw Unsupported(n, "X must be 3-D");
        var seqAxis = a.Layout == 0 ? 0 : 1;
        var seq = xs[seqAxis].AsConst ?? throw Unsupported(n, "a symbolic sequence length (unrolling needs it static)");
        var hidden = a.HiddenSize ?? throw Unsupported(n, "unknown hidden_size");
        TExpr At(TExpr x, long i, long axis) => Take(n, x, ScalarOf(DataType.Int64, i), axis);
        TExpr Add(TExpr p, TExpr q) => Elem(n, "add", p, q);
        TExpr Mul(TExpr p, TExpr q) => Elem(n, "multiply", p, q);
        IReadOnlyList<TExpr> Gates(TExpr x, int parts) => SplitAt(n, x, [.. Enumerable.Range(1, parts - 1).Select(i => i * hidden)], 1);
        var x0 = X(n, 0);
        var dirs = (int)a.NumDirections;
        var ys = new List<TExpr>(); var hs = new List<TExpr>(); var cs = new List<TExpr>();
        for (var d = 0; d < dirs; d++)
        {
            var reverse = a.Direction == "reverse" || d == 1;
            // ONNX W / R are [gates·hidden, input] / [gates·hidden, hidden]: dense(x, W) = x·Wᵀ.
            var w = At(X(n, 1), d, 0);
            var r = At(X(n, 2), d, 0);
            TExpr? wb = null, rb = null;
            if (XOpt(n, 3) is { } b)
            {
                var bd = At(b, d, 0);
                wb = SliceAxis(n, bd, 0, 0, gates * hidden);
                rb = SliceAxis(n, bd, 0, gates * hidden, 2 * gates * hidden);
            }
            // Zeros of [batch, hidden] without naming the batch (Relay cannot when it is Any).
            var zeros = Elem(n, "zeros_like", SliceLast(n, Dense(n, At(x0, 0, seqAxis), w), 0, hidden));
            var h = XOpt(n, 5) is { } h0 ? At(h0, d, 0) : zeros;
            var c = kind == "LSTM" && XOpt(n, 6) is { } c0 ? At(c0, d, 0) : zeros;
            var steps = new TExpr[seq];
            for (var s = 0; s < seq; s++)
            {
                var t = reverse ? seq - 1 - s : s;
                var xw = Dense(n, At(x0, t, seqAxis), w);
                if (wb is not null) xw = Add(xw, wb);
                var hr = Dense(n, h, r);
                if (rb is not null) hr = Add(hr, rb);
                switch (kind)
                {
                    case "LSTM":
                    {
                        var g = Gates(Add(xw, hr), 4);
                        var ig = Elem(n, "sigmoid", g[0]); var og = Elem(n, "sigmoid", g[1]);
                        var fg = Elem(n, "sigmoid", g[2]); var cg = Elem(n, "tanh", g[3]);
                        c = Add(Mul(fg, c), Mul(ig, cg));
                        h = Mul(og, Elem(n, "tanh", c));
                        break;
                    }
                    case "GRU":
                    {
                        var xg = Gates(xw, 3);
                        var hg = Gates(hr, 3);
                        var z = Elem(n, "sigmoid", Add(xg[0], hg[0]));
                        var rg = Elem(n, "sigmoid", Add(xg[1], hg[1]));
                        TExpr hh;
                        if (a.LinearBeforeReset) hh = Elem(n, "tanh", Add(xg[2], Mul(rg, hg[2])));
                        else
                        {
                            // (r ⊙ h) Rhᵀ + Rbh: recompute with the h-gate rows of R only.
                            var rr = Dense(n, Mul(rg, h), SliceAxis(n, r, 0, 2 * hidden, 3 * hidden));
                            if (rb is not null) rr = Add(rr, SliceAxis(n, rb, 0, 2 * hidden, 3 * hidden));
                            hh = Elem(n, "tanh", Add(xg[2], rr));
                        }
                        h = Add(Mul(Elem(n, "subtract", ScalarLike(n, 0, 1), z), hh), Mul(z, h));
                        break;
                    }
                    default:
                        h = Elem(n, "tanh", Add(xw, hr));
                        break;
                }
                steps[t] = h;
            }
            ys.Add(Stack(n, steps, 0));
            hs.Add(h); cs.Add(c);
        }
        // Y: [seq, dirs, batch, hidden]; Y_h / Y_c: [dirs, batch, hidden] (layout 0).
        var y = Stack(n, ys, 1);
        var yh = Stack(n, hs, 0);
        var yc = Stack(n, cs, 0);
        if (a.Layout != 0)
        {
            y = Transpose(n, y, [2, 0, 1, 3]);
            yh = Transpose(n, yh, [1, 0, 2]);
            yc = Transpose(n, yc, [1, 0, 2]);
        }
        Out(n, y, 0);
        Out(n, yh, 1);
        if (kind == "LSTM") Out(n, yc, 2);
    }
}
