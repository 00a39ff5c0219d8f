using Bridge.Importers.Onnx.Ops;

namespace Bridge.Translators.Onnx;

/// <summary>
/// com.microsoft contrib ops of exported / ORT-optimised transformers (ContribOperators.md semantics), written once for both
/// dialects: the GELU family, bias adds, BiasSoftmax, FusedMatMul, skip (simplified) layer norms, embed layer norm, rotary
/// embeddings and the attention ops as matmul → masked softmax → matmul over (B, N, S, H) heads. QAttention's quantized
/// projection is the dialect's (Relay qnn, Relax integer arithmetic); its attention is <see cref="AttentionFromProjection"/>.
/// </summary>
public abstract partial class OnnxEmitterBase<TExpr>
{
    /// <summary>GELU, exact (erf) or tanh-approximated (Relax has both as ops; Relay decomposes them).</summary>
    protected abstract TExpr GeluOf(CanonicalNode n, TExpr x, bool tanh);

    /// <summary>Layer normalisation over the last axis.</summary>
    protected abstract TExpr LayerNormLast(CanonicalNode n, TExpr x, TExpr gamma, TExpr beta, double eps);

    /// <summary>RMS normalisation over <paramref name="axes"/>: x · rsqrt(mean(x²) + eps) · gamma.</summary>
    protected abstract TExpr RmsNorm(CanonicalNode n, TExpr x, TExpr gamma, IReadOnlyList<long> axes, double eps);

    private static void AddContribRules(Dictionary<string, SharedRule> t)
    {
        // ai.onnx Gelu-20 (approximate attr) and com.microsoft Gelu (erf form, no attrs) share the canonical kind.
        t["Gelu"] = (e, n) => e.Out(n, e.GeluOf(n, e.X(n, 0), n.Attrs is GeluAttrs { Approximate: "tanh" }));
        t["BiasGelu"] = (e, n) => e.Out(n, e.GeluOf(n, e.Elem(n, "add", e.X(n, 0), e.X(n, 1)), tanh: false));
        t["FastGelu"] = (e, n) =>
        {
            var x = e.X(n, 0);
            if (e.XOpt(n, 1) is { } bias) x = e.Elem(n, "add", x, bias);
            e.Out(n, e.GeluOf(n, x, tanh: true));
        };
        t["QuickGelu"] = (e, n) =>
        {
            var x = e.X(n, 0);
            e.Out(n, e.Elem(n, "multiply", x, e.Elem(n, "sigmoid", e.Elem(n, "multiply", x, e.ScalarLike(n, 0, n.AttrsAs<QuickGeluAttrs>().Alpha)))));
        };
        t["BiasAdd"] = (e, n) => e.Out(n, e.Elem(n, "add", e.Elem(n, "add", e.X(n, 0), e.X(n, 1)), e.X(n, 2)));
        t["BiasSoftmax"] = (e, n) =>
        {
            var s = e.RequireShape(n, 0);
            var ax = (int)NormAxis(n.AttrsAs<BiasSoftmaxAttrs>().Axis, s.Length);
            var y = e.Elem(n, "add", e.X(n, 0), e.X(n, 1));
            if (ax == s.Length - 1) { e.Out(n, e.SoftmaxAlong(n, y, -1)); return; }
            // Softmax over the flattened suffix from axis.
            var flat = e.Reshape(n, y, [Prod(s.Take(ax)), Prod(s.Skip(ax))]);
            e.Out(n, e.Reshape(n, e.SoftmaxAlong(n, flat, -1), s));
        };
        t["FusedMatMul"] = (e, n) =>
        {
            var a = n.AttrsAs<FusedMatMulAttrs>();
            if (a.TransBatchA || a.TransBatchB) throw e.Unsupported(n, "transBatchA / transBatchB");
            if (e.Rank(n, 0) < 2 || e.Rank(n, 1) < 2) throw e.Unsupported(n, "1-D operands");
            TExpr A = e.X(n, 0), B = e.X(n, 1);
            if (a.TransA) A = e.SwapLast(n, A, e.Rank(n, 0));
            if (a.TransB) B = e.SwapLast(n, B, e.Rank(n, 1));
            var y = e.MatMul(n, A, B);
            e.Out(n, a.Alpha == 1 ? y : e.Elem(n, "multiply", y, e.ScalarLike(n, 0, a.Alpha)));
        };
        t["SkipLayerNormalization"] = (e, n) => e.SkipNorm(n, simplified: false);
        t["SkipSimplifiedLayerNormalization"] = (e, n) => e.SkipNorm(n, simplified: true);
        t["EmbedLayerNormalization"] = (e, n) => e.EmbedLayerNorm(n);
        t["RotaryEmbedding"] = (e, n) => e.Rotary(n);
        t["Attention"] = (e, n) =>
        {
            var a = n.AttrsAs<MsAttentionAttrs>();
            if (a.DoRotary) throw e.Unsupported(n, "do_rotary=1");
            var proj = e.MatMul(n, e.X(n, 0), e.X(n, 1));
            if (e.XOpt(n, 2) is { } bias) proj = e.Elem(n, "add", proj, bias);
            e.AttentionFromProjection(n, proj, a.NumHeads, a.QkvHiddenSizes, a.Scale, a.Unidirectional, a.MaskFilterValue, 3, 4, 5);
        };
        t["MultiHeadAttention"] = (e, n) => e.MultiHeadAttention(n);
    }

    /// <summary>A static dim, or BRG4301 naming it.</summary>
    protected long StaticDim(CanonicalNode n, SymExpr d) => d.AsConst ?? throw Unsupported(n, $"symbolic hidden dim {d}");

    private TExpr SwapLast(CanonicalNode n, TExpr x, int rank) => Transpose(n, x, [.. Enumerable.Range(0, rank - 2).Select(i => (long)i), rank - 1, rank - 2]);

    private void SkipNorm(CanonicalNode n, bool simplified)
    {
        var eps = n.AttrsAs<MsEpsilonAttrs>().Epsilon;
        var s = Elem(n, "add", X(n, 0), X(n, 1));
        if (XOpt(n, simplified ? 3 : 4) is { } bias) s = Elem(n, "add", s, bias);
        // RMS normalisation has no mean: ORT leaves that output unset, so it is rejected rather than guessed.
        if (simplified && n.Outputs.Length > 1 && n.Outputs[1].Length > 0) throw Unsupported(n, "the mean output of a simplified (RMS) layer norm");
        if (n.Outputs.Skip(1).Take(2).Any(o => o.Length > 0))
        {
            // mean and inv_std_var over the last axis, kept as size-1 dims (the shape ORT gives them).
            var mean = ReduceOver(n, "mean", s, [-1], true);
            var d = Elem(n, "subtract", s, mean);
            var sq = simplified ? Elem(n, "multiply", s, s) : Elem(n, "multiply", d, d);
            Out(n, mean, 1);
            Out(n, Elem(n, "rsqrt", Elem(n, "add", ReduceOver(n, "mean", sq, [-1], true), ScalarLike(n, 0, eps))), 2);
        }
        var y = simplified ? RmsNorm(n, s, X(n, 2), [-1], eps) : LayerNormLast(n, s, X(n, 2), XOpt(n, 3) ?? Elem(n, "zeros_like", X(n, 2)), eps);
        Out(n, y, 0);
        Out(n, s, 3);
    }

    private void EmbedLayerNorm(CanonicalNode n)
    {
        var a = n.AttrsAs<EmbedLayerNormalizationAttrs>();
        var ids = RequireShape(n, 0);
        if (ids.Length != 2) throw Unsupported(n, "input_ids that are not 2-D (batch, sequence)");
        var sum = Take(n, X(n, 2), X(n, 0), 0);
        var pos = Take(n, X(n, 3), XOpt(n, 8) ?? Arange(n, ids[1], DataType.Int64), 0);
        sum = Elem(n, "add", sum, pos);
        if (n.Input(1).IsPresent && n.Input(4).IsPresent) sum = Elem(n, "add", sum, Take(n, X(n, 4), X(n, 1), 0));
        Out(n, LayerNormLast(n, sum, X(n, 5), X(n, 6), a.Epsilon), 0);
        // mask_index: the number of 1s per row of mask (zeros without a mask), as ORT.
        var ones = n.Input(7).IsPresent
            ? Cast(n, Elem(n, "equal", X(n, 7), ScalarLike(n, 7, 1)), DataType.Int32)
            : Elem(n, "zeros_like", Cast(n, X(n, 0), DataType.Int32));
        Out(n, ReduceOver(n, "sum", ones, [1], false), 1);
        Out(n, sum, 2);
    }

    private void Rotary(CanonicalNode n)
    {
        var a = n.AttrsAs<RotaryEmbeddingAttrs>();
        if (a.IsPackedBatching) throw Unsupported(n, "is_packed_batching=1");
        var s = RequireShape(n, 0);
        var half = StaticDim(n, RequireShape(n, 2)[1]);
        var rot = a.RotaryEmbeddingDim > 0 ? a.RotaryEmbeddingDim : 2 * half;
        if (rot != 2 * half) throw Unsupported(n, $"rotary_embedding_dim {rot} does not match the cache width {half}");
        var x = X(n, 0);
        SymExpr b, seq; long heads, hs;
        long[] perm = [0, 2, 1, 3];
        if (s.Length == 3)
        {
            var hidden = StaticDim(n, s[2]);
            hs = a.NumHeads > 0 ? hidden / a.NumHeads : rot;
            heads = hidden / hs;
            (b, seq) = (s[0], s[1]);
            x = Reshape(n, x, [b, seq, heads, hs]);
        }
        else if (s.Length == 4)
        {
            // (batch, num_heads, sequence, head_size) → (batch, sequence, num_heads, head_size).
            (b, heads, seq, hs) = (s[0], StaticDim(n, s[1]), s[2], StaticDim(n, s[3]));
            x = Transpose(n, x, perm);
        }
        else throw Unsupported(n, $"input of rank {s.Length}");
        // Positions: position_ids (batch, seq), or one offset added to 0..seq-1.
        var pid = Rank(n, 1) == 2 ? X(n, 1)
            : Elem(n, "add", Reshape(n, Arange(n, seq, DataType.Int64), [1, seq]), Cast(n, X(n, 1), DataType.Int64));
        TExpr Gather(int cache) => ExpandDims(n, Take(n, X(n, cache), pid, 0), 2);
        var cos = Gather(2);
        var sin = Gather(3);
        TExpr x1, x2;
        if (a.Interleaved) { x1 = SliceLast(n, x, 0, rot, 2); x2 = SliceLast(n, x, 1, rot, 2); }
        else { x1 = SliceLast(n, x, 0, half); x2 = SliceLast(n, x, half, rot); }
        var o1 = Elem(n, "subtract", Elem(n, "multiply", x1, cos), Elem(n, "multiply", x2, sin));
        var o2 = Elem(n, "add", Elem(n, "multiply", x2, cos), Elem(n, "multiply", x1, sin));
        var rotated = a.Interleaved ? Reshape(n, Stack(n, [o1, o2], 4), [b, seq, heads, rot]) : Concat(n, [o1, o2], 3);
        if (rot < hs) rotated = Concat(n, [rotated, SliceLast(n, x, rot, hs)], 3);
        Out(n, s.Length == 3 ? Reshape(n, rotated, [b, seq, heads * hs]) : Transpose(n, rotated, perm));
    }

    private void MultiHeadAttention(CanonicalNode n)
    {
        var a = n.AttrsAs<MultiHeadAttentionAttrs>();
        if (!n.Input(1).IsPresent || !n.Input(2).IsPresent) throw Unsupported(n, "packed QKV / packed KV (key or value absent)");
        if (n.Input(6).IsPresent != n.Input(7).IsPresent) throw Unsupported(n, "only one of past_key / past_value");
        var sq = RequireShape(n, 0);
        var sk = RequireShape(n, 1);
        var sv = RequireShape(n, 2);
        if (sq.Length != 3 || sk.Length != 3 || sv.Length != 3) throw Unsupported(n, "query/key/value that are not 3-D (B, S, D)");
        TExpr q = X(n, 0), k = X(n, 1), v = X(n, 2);
        var (dq, dk, dv) = (StaticDim(n, sq[2]), StaticDim(n, sk[2]), StaticDim(n, sv[2]));
        if (XOpt(n, 3) is { } bias)
        {
            q = Elem(n, "add", q, SliceLast(n, bias, 0, dq));
            k = Elem(n, "add", k, SliceLast(n, bias, dq, dq + dk));
            v = Elem(n, "add", v, SliceLast(n, bias, dq + dk, dq + dk + dv));
        }
        var mask = KeyMask(n, 4, sq[0], sq[1], sk[1], a.MaskFilterValue, "key_padding_mask");
        mask = AddAttentionBias(n, mask, 5);
        // past_key / past_value: (B, N, P, h), prepended to this step's keys and values; present_* return the concatenation.
        (TExpr, TExpr, SymExpr)? past = n.Input(6).IsPresent ? (X(n, 6), X(n, 7), RequireShape(n, 6)[2]) : null;
        var (o, k4, v4) = AttentionCore(n, q, k, v, sq[0], sq[1], sk[1], a.NumHeads, dq, dv, a.Scale, a.Unidirectional, a.MaskFilterValue, mask, past);
        Out(n, o, 0);
        Out(n, k4, 1);
        Out(n, v4, 2);
    }

    /// <summary>Attention / QAttention after the input projection: split Q, K, V and run the core with the mask inputs.</summary>
    protected void AttentionFromProjection(CanonicalNode n, TExpr proj, long heads, ValueArray<long>? qkvSizes, float scale, bool causal, float filter,
        int maskInput, int pastInput, int biasInput)
    {
        if (n.Input(6).IsPresent && n.Kind == "Attention") throw Unsupported(n, "past_sequence_length (shared past/present buffers)");
        if (n.Outputs.Length > 1 && n.Outputs[1].Length > 0 && !(pastInput >= 0 && n.Input(pastInput).IsPresent)) throw Unsupported(n, "the present output without a past input");
        var s = RequireShape(n, 0);
        if (s.Length != 3) throw Unsupported(n, "input that is not 3-D (batch, sequence, hidden)");
        var total = StaticDim(n, ShapeOf(proj)!.Value[^1]);
        var (dq, dk, dv) = qkvSizes is { Count: 3 } q ? (q[0], q[1], q[2]) : (total / 3, total / 3, total / 3);
        var qe = SliceLast(n, proj, 0, dq);
        var ke = SliceLast(n, proj, dq, dq + dk);
        var ve = SliceLast(n, proj, dq + dk, dq + dk + dv);
        var mask = KeyMask(n, maskInput, s[0], s[1], s[1], filter, "mask_index");
        if (biasInput >= 0) mask = AddAttentionBias(n, mask, biasInput);
        // past: (2, B, N, P, h), keys then values; present = the same with this step appended, (2, B, N, P + S, h).
        (TExpr, TExpr, SymExpr)? past = null;
        if (pastInput >= 0 && n.Input(pastInput).IsPresent)
        {
            var pv = X(n, pastInput);
            TExpr Half(long i) => Take(n, pv, ScalarOf(DataType.Int64, i), 0);
            past = (Half(0), Half(1), RequireShape(n, pastInput)[3]);
        }
        var (o, k4, v4) = AttentionCore(n, qe, ke, ve, s[0], s[1], s[1], heads, dq, dv, scale, causal, filter, mask, past);
        Out(n, o, 0);
        if (past is not null) Out(n, Stack(n, [k4, v4], 0), 1);
    }

    /// <summary>An additive mask (broadcastable to (B, N, S, L)) from a key mask input, or null when absent.</summary>
    private TExpr? KeyMask(CanonicalNode n, int input, SymExpr b, SymExpr s, SymExpr l, float filter, string what)
    {
        if (!n.Input(input).IsPresent) return null;
        var ms = RequireShape(n, input);
        var m = X(n, input);
        // The mask is in the dtype of the scores (the query's: float32, or float16 in half-precision exports).
        var fdt = DTypeOfValue(n, 0);
        if (!fdt.IsFloat) fdt = DataType.Float32;
        TExpr Masked(TExpr cond) => Elem(n, "multiply", Cast(n, cond, fdt), ScalarOf(fdt, filter));
        var zero = ScalarLike(n, input, 0);
        switch (ms.Length)
        {
            case 2: // (B, L) raw mask: 0 masks a key
                return Reshape(n, Masked(Elem(n, "less_equal", m, zero)), [ms[0], 1, 1, ms[1]]);
            case 3: // (B, S, L) raw mask
                return Reshape(n, Masked(Elem(n, "less_equal", m, zero)), [ms[0], 1, ms[1], ms[2]]);
            case 1 when !(ms[0].AsConst is { } m0 && b.AsConst is { } b0 && m0 != b0):
            {
                // (B) key lengths (right padding): key j of batch i is masked when j >= len[i].
                var ar = Reshape(n, Arange(n, l, DataType.Int32), [1, l]);
                var ends = Reshape(n, Cast(n, m, DataType.Int32), [ms[0], 1]);
                return Reshape(n, Masked(Elem(n, "greater_equal", ar, ends)), [ms[0], 1, 1, l]);
            }
            default:
                throw Unsupported(n, $"{what} of shape [{string.Join(", ", ms)}] (supported: (B), (B, L), (B, S, L))");
        }
    }

    private TExpr? AddAttentionBias(CanonicalNode n, TExpr? mask, int input) =>
        XOpt(n, input) is not { } b ? mask : mask is null ? b : Elem(n, "add", mask, b);

    /// <summary>
    /// softmax(Q·Kᵀ·scale + mask (+ causal)) · V per head: Q (B, S, N·hq), K (B, L, N·hq), V (B, L, N·hv) → (B, S, N·hv), with
    /// optional past keys/values (B, N, P, h) prepended. Also returns all keys and values as (B, N, P + L, h) (the present).
    /// Masked positions get <paramref name="filter"/> added (ORT's mask_filter_value), as ORT does; the causal mask lets query
    /// i see keys up to P + i.
    /// </summary>
    private (TExpr Out, TExpr K, TExpr V) AttentionCore(CanonicalNode n, TExpr q, TExpr k, TExpr v, SymExpr b, SymExpr s, SymExpr l, long heads, long dq, long dv,
        float scale, bool causal, float filter, TExpr? mask, (TExpr K, TExpr V, SymExpr P)? past)
    {
        if (heads <= 0 || dq % heads != 0 || dv % heads != 0) throw Unsupported(n, $"num_heads {heads} does not divide hidden sizes {dq} / {dv}");
        long hq = dq / heads, hv = dv / heads;
        long[] perm = [0, 2, 1, 3];
        TExpr Heads(TExpr x, SymExpr len, long h) => Transpose(n, Reshape(n, x, [b, len, heads, h]), perm);
        var q4 = Heads(q, s, hq);
        var k4 = Heads(k, l, hq);
        var v4 = Heads(v, l, hv);
        var t = l;
        if (past is { } pk)
        {
            k4 = Concat(n, [pk.K, k4], 2);
            v4 = Concat(n, [pk.V, v4], 2);
            t = pk.P + l;
        }
        var sc = scale != 0 ? scale : 1.0 / Math.Sqrt(hq);
        var dt = DTypeOf(q) ?? DataType.Float32;
        var scores = Elem(n, "multiply", MatMul(n, q4, Transpose(n, k4, [0, 1, 3, 2])), ScalarOf(dt, sc));
        if (mask is not null) scores = Elem(n, "add", scores, mask);
        if (causal)
        {
            long S = s.AsConst ?? throw Unsupported(n, "unidirectional with a symbolic sequence length");
            var T = t.AsConst ?? throw Unsupported(n, "unidirectional with a symbolic total length");
            var c = Tensor.Zeros(dt, S, T);
            for (long i = 0; i < S; i++) for (long j = T - S + i + 1; j < T; j++) c.SetDouble(i * T + j, filter);
            scores = Elem(n, "add", scores, Const(c));
        }
        var o = Transpose(n, MatMul(n, SoftmaxAlong(n, scores, -1), v4), perm);
        return (Reshape(n, o, [b, s, heads * hv]), k4, v4);
    }
}
