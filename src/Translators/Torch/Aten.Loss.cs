using static Bridge.Translators.Torch.OnnxGraphBuilder;

namespace Bridge.Translators.Torch;

/// <summary>
/// The loss ops TVM's <c>from_pytorch</c> maps beyond <c>mse_loss</c>/<c>l1_loss</c> (those: <c>Aten.SortStatsIndex.cs</c>): <c>smooth_l1_loss</c>, <c>huber_loss</c>, <c>kl_div</c>,
/// <c>binary_cross_entropy</c>[<c>_with_logits</c>], <c>nll_loss</c>/<c>nll_loss2d</c>/<c>nll_loss_nd</c>, <c>cross_entropy_loss</c>), as
/// aten computes them: <c>reduction</c> is aten's enum (0 none, 1 mean, 2 sum; <c>F.*</c> turns the string into it), log terms of
/// <c>binary_cross_entropy</c> are clamped at -100, <c>nll_loss</c>'s mean divides by the summed weights of the targets not ignored.
/// </summary>
internal static partial class Aten
{
    private static void RegisterLoss()
    {
        R((ev, c) =>
        {
            var beta = D(ev, c, 3, "beta", 1.0);
            var d = Unary(ev, "Abs", Bin(ev, c, "Sub", T(ev, c, 0), T(ev, c, 1, "target")));
            if (beta == 0) return Reduced(ev, c, d, 2);
            var quad = Bin(ev, c, "Div", Bin(ev, c, "Mul", Square(ev, c, d), 0.5), beta);
            return Reduced(ev, c, Where(ev, Bin(ev, c, "Less", d, beta, true), quad, Bin(ev, c, "Sub", d, 0.5 * beta), c.Pos), 2);
        }, "smooth_l1_loss");
        R((ev, c) =>
        {
            var delta = D(ev, c, 3, "delta", 1.0);
            var d = Unary(ev, "Abs", Bin(ev, c, "Sub", T(ev, c, 0), T(ev, c, 1, "target")));
            var quad = Bin(ev, c, "Mul", Square(ev, c, d), 0.5);
            var lin = Bin(ev, c, "Mul", Bin(ev, c, "Sub", d, 0.5 * delta), delta);
            return Reduced(ev, c, Where(ev, Bin(ev, c, "Less", d, delta, true), quad, lin, c.Pos), 2);
        }, "huber_loss");
        R((ev, c) =>
        {
            var (x, t) = (T(ev, c, 0), T(ev, c, 1, "target"));
            TensorRef loss;
            if (B(ev, c, 3, "log_target")) loss = Bin(ev, c, "Mul", Unary(ev, "Exp", t), Bin(ev, c, "Sub", t, x));
            else
            {
                // xlogy(t, t) - t * x: 0 where t == 0
                var tlogt = Where(ev, Bin(ev, c, "Greater", t, 0.0, true), Bin(ev, c, "Mul", t, Unary(ev, "Log", t)), 0.0, c.Pos);
                loss = Bin(ev, c, "Sub", tlogt, Bin(ev, c, "Mul", t, x));
            }
            return Reduced(ev, c, loss, 2);
        }, "kl_div");
        R((ev, c) =>
        {
            var (x, t) = (T(ev, c, 0), T(ev, c, 1, "target"));
            var logx = Clip(ev, Unary(ev, "Log", x), -100.0, null);
            var log1mx = Clip(ev, Unary(ev, "Log", Bin(ev, c, "Sub", 1.0, x)), -100.0, null);
            var loss = Unary(ev, "Neg", Bin(ev, c, "Add", Bin(ev, c, "Mul", t, logx), Bin(ev, c, "Mul", Bin(ev, c, "Sub", 1.0, t), log1mx)));
            if (OptT(ev, c, 2, "weight") is { } w) loss = Bin(ev, c, "Mul", loss, w);
            return Reduced(ev, c, loss, 3);
        }, "binary_cross_entropy");
        R((ev, c) =>
        {
            var (x, t) = (T(ev, c, 0), T(ev, c, 1, "target"));
            // (1 - t) x + lw · softplus(-x), softplus(-x) = max(-x, 0) + log(1 + exp(-|x|)), lw = 1 + (pos_weight - 1) t
            var sp = Bin(ev, c, "Add", Bin(ev, c, "Max", Unary(ev, "Neg", x), 0.0), Unary(ev, "Log", Bin(ev, c, "Add", Unary(ev, "Exp", Unary(ev, "Neg", Unary(ev, "Abs", x))), 1.0)));
            if (OptT(ev, c, 3, "pos_weight") is { } pw) sp = Bin(ev, c, "Mul", sp, Bin(ev, c, "Add", Bin(ev, c, "Mul", Bin(ev, c, "Sub", pw, 1.0), t), 1.0));
            var loss = Bin(ev, c, "Add", Bin(ev, c, "Mul", Bin(ev, c, "Sub", 1.0, t), x), sp);
            if (OptT(ev, c, 2, "weight") is { } w) loss = Bin(ev, c, "Mul", loss, w);
            return Reduced(ev, c, loss, 4);
        }, "binary_cross_entropy_with_logits");
        R((ev, c) => Nll(ev, c, T(ev, c, 0), T(ev, c, 1, "target"), OptT(ev, c, 2, "weight"), L(ev, c, 3, "reduction", 1), L(ev, c, 4, "ignore_index", -100)),
            "nll_loss", "nll_loss2d", "nll_loss_nd");
        R((ev, c) =>
        {
            var (x, t) = (T(ev, c, 0), T(ev, c, 1, "target"));
            if (D(ev, c, 5, "label_smoothing", 0.0) != 0) throw Bad(ev, c, "label_smoothing is not supported");
            var logp = ev.Graph.Node("LogSoftmax", [x], x.Shape, x.DType, A("axis", x.Rank == 1 ? 0L : 1L));
            var w = OptT(ev, c, 2, "weight");
            var reduction = L(ev, c, 3, "reduction", 1);
            if (t.DType.IsFloat)
            {
                // class probabilities: -sum_c w_c t_c log p_c; mean divides by the batch size
                var prod = Bin(ev, c, "Mul", t, logp);
                if (w is not null) prod = Bin(ev, c, "Mul", prod, x.Rank == 1 ? w : Reshape(ev, w, [w.Shape[0], .. Enumerable.Repeat(1L, x.Rank - 2)]));
                var per = Unary(ev, "Neg", ReduceOp(ev, "ReduceSum", prod, [x.Rank == 1 ? 0 : 1], false));
                return reduction switch
                {
                    0 => per,
                    2 => ReduceOp(ev, "ReduceSum", per, [.. Enumerable.Range(0, per.Rank)], false),
                    _ => Bin(ev, c, "Div", ReduceOp(ev, "ReduceSum", per, [.. Enumerable.Range(0, per.Rank)], false), (double)(x.Rank == 1 ? 1 : per.Shape.Aggregate(1L, (a, b) => a * b))),
                };
            }
            return Nll(ev, c, logp, t, w, reduction, L(ev, c, 4, "ignore_index", -100));
        }, "cross_entropy_loss");
    }

    private static TensorRef Square(TorchScriptEvaluator ev, AtenCall c, TensorRef x) => Bin(ev, c, "Mul", x, x);

    /// <summary>aten's <c>reduction</c> enum at argument <paramref name="i"/>: 0 none, 1 mean (default), 2 sum over every element.</summary>
    private static TensorRef Reduced(TorchScriptEvaluator ev, AtenCall c, TensorRef loss, int i)
    {
        var all = Enumerable.Range(0, loss.Rank).ToList();
        return L(ev, c, i, "reduction", 1) switch
        {
            0 => loss,
            1 => ReduceOp(ev, "ReduceMean", loss, all, false),
            2 => ReduceOp(ev, "ReduceSum", loss, all, false),
            var r => throw Bad(ev, c, $"reduction {r} is not 0 (none), 1 (mean) or 2 (sum)"),
        };
    }

    /// <summary><c>nll_loss</c> on log-probabilities <paramref name="logp"/> (<c>[C]</c>, <c>[N, C]</c> or <c>[N, C, d…]</c>) and class targets.</summary>
    private static TensorRef Nll(TorchScriptEvaluator ev, AtenCall c, TensorRef logp, TensorRef target, TensorRef? weight, long reduction, long ignoreIndex)
    {
        var g = ev.Graph;
        var t = ev.Cast(target, DataType.Int64);
        var keep = Bin(ev, c, "Equal", t, ignoreIndex, true);
        keep = Unary(ev, "Not", keep);
        var safe = Where(ev, keep, t, 0L, c.Pos);
        var axis = logp.Rank == 1 ? 0 : 1;
        var idx = Reshape(ev, safe, [.. safe.Shape.Take(axis), 1, .. safe.Shape.Skip(axis)]);
        var picked = g.Node("GatherElements", [logp, idx], idx.Shape, logp.DType, A("axis", (long)axis));
        picked = Reshape(ev, picked, safe.Shape);
        var w = weight is null ? ev.Cast(keep, logp.DType) : Bin(ev, c, "Mul", g.Node("Gather", [weight, safe], safe.Shape, weight.DType, A("axis", 0L)), ev.Cast(keep, logp.DType));
        var loss = Unary(ev, "Neg", Bin(ev, c, "Mul", picked, w));
        var all = Enumerable.Range(0, loss.Rank).ToList();
        return reduction switch
        {
            0 => loss,
            2 => ReduceOp(ev, "ReduceSum", loss, all, false),
            _ => Bin(ev, c, "Div", ReduceOp(ev, "ReduceSum", loss, all, false), ReduceOp(ev, "ReduceSum", w, all, false)),
        };
    }
}
