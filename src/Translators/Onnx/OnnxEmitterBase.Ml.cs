using Bridge.Importers.Onnx.Ops;

namespace Bridge.Translators.Onnx;

/// <summary>
/// ai.onnx.ml classical-ML ops over numeric tensors (Binarizer, Scaler, Normalizer, Imputer, ArrayFeatureExtractor,
/// FeatureVectorizer, LinearClassifier, SVMRegressor), written once for both dialects against the neutral vocabulary. Neither TVM
/// frontend mapped them; the semantics follow ONNX Runtime's CPU kernels (the reference the checker compares with),
/// including its quirks (documented per op). String labels/inputs are BRG4301: Core tensors hold no strings.
/// </summary>
public abstract partial class OnnxEmitterBase<TExpr>
{
    private static void AddMlRules(Dictionary<string, SharedRule> t)
    {
        t["Binarizer"] = (e, n) => e.Out(n, e.MlBinarizer(n));
        t["Scaler"] = (e, n) => e.Out(n, e.MlScaler(n));
        t["Normalizer"] = (e, n) => e.Out(n, e.MlNormalizer(n));
        t["Imputer"] = (e, n) => e.Out(n, e.MlImputer(n));
        t["ArrayFeatureExtractor"] = (e, n) => e.Out(n, e.MlArrayFeatureExtractor(n));
        t["FeatureVectorizer"] = (e, n) => e.Out(n, e.MlFeatureVectorizer(n));
        t["LinearClassifier"] = (e, n) => e.MlLinearClassifier(n);
        t["SVMRegressor"] = (e, n) => e.Out(n, e.MlSvmRegressor(n));
    }

    /// <summary>Input <paramref name="i"/> converted to float32 (the ml ops compute and return float32).</summary>
    private TExpr MlFloat(CanonicalNode n, int i)
    {
        var x = X(n, i);
        return DTypeOfValue(n, i) == DataType.Float32 ? x : Cast(n, x, DataType.Float32);
    }

    /// <summary>A float32 constant of per-feature values (length 1 broadcasts; length C matches the last axis).</summary>
    private TExpr MlFeatureConst(CanonicalNode n, IReadOnlyList<float> v, long? features, string what)
    {
        if (v.Count != 1 && features is { } c && v.Count != c)
            throw BadValue(n, $"{what} has {v.Count} values for {c} features (must be 1 or {c})");
        if (v.Count != 1 && features is null) throw Unsupported(n, $"per-feature {what} over a symbolic feature dim");
        return Const(Tensor.FromArray([.. v], v.Count));
    }

    /// <summary>The static size of the last axis, or null when symbolic.</summary>
    private long? MlFeatures(CanonicalNode n, int i)
    {
        var s = RequireShape(n, i);
        if (s.Length == 0) throw Unsupported(n, "a rank-0 input");
        return s[^1].AsConst;
    }

    /// <summary>Binarizer: 1 where x &gt; threshold, else 0, in x's dtype (strict comparison; ORT fails on NaN, here NaN gives 0).</summary>
    private TExpr MlBinarizer(CanonicalNode n)
    {
        var dt = DTypeOfValue(n, 0);
        var gt = Elem(n, "greater", X(n, 0), ScalarOf(dt, n.AttrsAs<BinarizerAttrs>().Threshold));
        return Cast(n, gt, dt);
    }

    /// <summary>Scaler: (float(x) − offset) · scale, offset/scale of length 1 or C (last axis); missing ones are 0 / 1.</summary>
    private TExpr MlScaler(CanonicalNode n)
    {
        var a = n.AttrsAs<ScalerAttrs>();
        var c = MlFeatures(n, 0);
        var y = MlFloat(n, 0);
        if (a.Offset is { Count: > 0 } off) y = Elem(n, "subtract", y, MlFeatureConst(n, off, c, "offset"));
        if (a.Scale is { Count: > 0 } sc) y = Elem(n, "multiply", y, MlFeatureConst(n, sc, c, "scale"));
        return y;
    }

    /// <summary>
    /// Normalizer per row of an [N, C] / [C] input, in float32: MAX divides by the row's maximum, L1 by Σ|x|, L2 by
    /// √Σx². As ORT, a row whose divisor is 0 is copied unchanged (the divisor is replaced by 1).
    /// </summary>
    private TExpr MlNormalizer(CanonicalNode n)
    {
        var r = Rank(n, 0);
        if (r is not (1 or 2)) throw Unsupported(n, $"a rank-{r} input (ORT takes [N, C] or [C])");
        var x = MlFloat(n, 0);
        long[] last = [r - 1];
        var norm = n.AttrsAs<NormalizerAttrs>().Norm switch
        {
            "MAX" => ReduceOver(n, "max", x, last, true),
            "L1" => ReduceOver(n, "sum", Elem(n, "abs", x), last, true),
            _ => Elem(n, "sqrt", ReduceOver(n, "sum", Elem(n, "multiply", x, x), last, true)),
        };
        var zero = Elem(n, "equal", norm, ScalarOf(DataType.Float32, 0));
        var safe = Elem(n, "where", zero, ScalarOf(DataType.Float32, 1), norm);
        return Elem(n, "divide", x, safe);
    }

    /// <summary>
    /// Imputer: elements equal to the replaced value (NaN: elements that are NaN) become the imputed value of their feature
    /// (one value, or one per last-axis feature). Float inputs use the *_float attributes, int64 inputs the *_int64s ones.
    /// </summary>
    private TExpr MlImputer(CanonicalNode n)
    {
        var a = n.AttrsAs<ImputerAttrs>();
        var dt = DTypeOfValue(n, 0);
        var c = MlFeatures(n, 0);
        var x = X(n, 0);
        TExpr hit, values;
        if (dt == DataType.Int64)
        {
            var iv = a.ImputedValueInt64s is { Count: > 0 } v ? v : throw BadValue(n, "int64 input without imputed_value_int64s");
            if (iv.Count != 1 && c is { } cc && iv.Count != cc) throw BadValue(n, $"imputed_value_int64s has {iv.Count} values for {cc} features");
            if (iv.Count != 1 && c is null) throw Unsupported(n, "per-feature imputed values over a symbolic feature dim");
            values = Const(Tensor.FromArray([.. iv], iv.Count));
            hit = Elem(n, "equal", x, ScalarOf(dt, a.ReplacedValueInt64));
        }
        else if (dt == DataType.Float32 || dt == DataType.Float64)
        {
            var fv = a.ImputedValueFloats is { Count: > 0 } v ? v : throw BadValue(n, "float input without imputed_value_floats");
            values = MlFeatureConst(n, fv, c, "imputed_value_floats");
            if (dt != DataType.Float32) values = Cast(n, values, dt);
            hit = float.IsNaN(a.ReplacedValueFloat) ? Elem(n, "isnan", x) : Elem(n, "equal", x, ScalarOf(dt, a.ReplacedValueFloat));
        }
        else throw Unsupported(n, $"a {dt} input (ORT takes float, double or int64)");
        return Elem(n, "where", hit, values, x);
    }

    /// <summary>
    /// ArrayFeatureExtractor: take along the last axis with constant in-range indices (flattened). As ORT, a 1-D input gives
    /// [1, k] and an [..., C] input [..., k].
    /// </summary>
    private TExpr MlArrayFeatureExtractor(CanonicalNode n)
    {
        var s = RequireShape(n, 0);
        if (s.Length == 0) throw Unsupported(n, "a rank-0 input");
        var idx = ConstOf(n.Input(1)) ?? throw Unsupported(n, "indices that are not a constant");
        var ids = new long[idx.Length];
        for (var i = 0; i < ids.Length; i++) ids[i] = idx.GetInt64(i);
        if (ids.Length == 0) throw Unsupported(n, "an empty index list");
        if (s[^1].AsConst is { } c)
            foreach (var v in ids)
                if (v < 0 || v >= c) throw BadValue(n, $"index {v} out of range [0, {c})");
        if (s[^1].AsConst is null) throw Unsupported(n, "a symbolic last dim (indices cannot be range-checked)");
        var y = Take(n, X(n, 0), Const(Tensor.FromArray(ids, ids.Length)), s.Length - 1);
        return s.Length == 1 ? Reshape(n, y, [1, ids.Length]) : y;
    }

    /// <summary>
    /// FeatureVectorizer: each input, as float32 [N, C] (1-D: N = 1; higher ranks flatten the trailing dims), contributes
    /// inputdimensions[i] columns: as ORT, a wider input is truncated to its first columns and a narrower one padded with
    /// zero columns; the pieces are concatenated along axis 1.
    /// </summary>
    private TExpr MlFeatureVectorizer(CanonicalNode n)
    {
        var dims = n.AttrsAs<FeatureVectorizerAttrs>().Inputdimensions ?? throw BadValue(n, "missing inputdimensions");
        if (dims.Count != n.Inputs.Length) throw BadValue(n, $"{dims.Count} inputdimensions for {n.Inputs.Length} inputs");
        var parts = new List<TExpr>();
        for (var i = 0; i < n.Inputs.Length; i++)
        {
            var s = RequireShape(n, i);
            if (s.Length == 0) throw Unsupported(n, $"rank-0 input {i}");
            var batch = s.Length == 1 ? (SymExpr)1 : s[0];
            var cols = (s.Length == 1 ? s[0] : Prod(s.Skip(1))).AsConst ?? throw Unsupported(n, $"input {i} with a symbolic feature count");
            var d = dims[i];
            var x = Reshape(n, MlFloat(n, i), [batch, cols]);
            if (cols < d)
            {
                // Zero columns [N, d − cols] shaped by the (possibly symbolic) batch: zeros_like of a take of column 0.
                if (cols == 0) throw Unsupported(n, $"input {i} with no features");
                var pad = Elem(n, "zeros_like", Take(n, x, Const(Tensor.Zeros(DataType.Int64, d - cols)), 1));
                x = Concat(n, [x, pad], 1);
            }
            else if (cols > d) x = Take(n, x, Const(Tensor.FromArray([.. Enumerable.Range(0, (int)d).Select(v => (long)v)], d)), 1);
            parts.Add(x);
        }
        return parts.Count == 1 ? parts[0] : Concat(n, parts, 1);
    }

    /// <summary>
    /// LinearClassifier as ORT: scores = float(X)·Wᵀ + b over C = |intercepts| classes (X [N, F] or [F] → N = 1).
    /// C &gt; 1: label = classlabels_ints[first argmax], then LOGISTIC / SOFTMAX / SOFTMAX_ZERO on the scores.
    /// C = 1: label = score &gt; 0 ? labels[1] : labels[0] (1 / 0 without two labels); the score p (σ(s) under LOGISTIC,
    /// s under the other transforms, which ORT ignores for one score) becomes [1 − p, p] with exactly two labels, else [p].
    /// PROBIT (ORT's erfinv approximation) and string labels are BRG4301.
    /// </summary>
    private void MlLinearClassifier(CanonicalNode n)
    {
        var a = n.AttrsAs<LinearClassifierAttrs>();
        if (a.ClasslabelsStrings is { Count: > 0 }) throw Unsupported(n, "string class labels (classlabels_strings)");
        if (a.PostTransform == "PROBIT") throw Unsupported(n, "post_transform 'PROBIT'");
        var s = RequireShape(n, 0);
        if (s.Length is not (1 or 2) || s[^1].AsConst is not { } f) throw Unsupported(n, "an input that is not [N, F] / [F] with static F");
        var ic = a.Intercepts is { Count: > 0 } v ? v : throw Unsupported(n, "no intercepts (ORT takes the class count from them)");
        var classes = ic.Count;
        if (a.Coefficients.Count != classes * f) throw BadValue(n, $"{a.Coefficients.Count} coefficients for {classes} classes × {f} features");
        var labels = a.ClasslabelsInts ?? [];
        if (classes > 1 && labels.Count < classes) throw BadValue(n, $"{labels.Count} class labels for {classes} classes");
        var w = Tensor.Zeros(DataType.Float32, f, classes);
        for (var c = 0; c < classes; c++)
            for (var k = 0; k < f; k++) w.SetDouble(k * classes + c, a.Coefficients[(int)(c * f + k)]);
        var x = MlFloat(n, 0);
        if (s.Length == 1) x = Reshape(n, x, [1, f]);
        var scores = Elem(n, "add", MatMul(n, x, Const(w)), Const(Tensor.FromArray([.. ic], classes)));
        var f32 = DataType.Float32;
        TExpr label, z;
        if (classes == 1)
        {
            var (pos, neg) = labels.Count == 2 ? (labels[1], labels[0]) : (1L, 0L);
            var s0 = Reshape(n, scores, [s.Length == 1 ? 1 : s[0]]);
            label = Elem(n, "where", Elem(n, "greater", s0, ScalarOf(f32, 0)), ScalarOf(DataType.Int64, pos), ScalarOf(DataType.Int64, neg));
            // ORT (1.31, checked by the single-op cases): LOGISTIC maps the score to p = σ(s) first, then two labels give
            // [1 − p, p]; the other transforms leave the one score as is ([1 − s, s] with two labels, [s] otherwise).
            var p = a.PostTransform == "LOGISTIC" ? Elem(n, "sigmoid", scores) : scores;
            z = labels.Count == 2 ? Concat(n, [Elem(n, "subtract", ScalarOf(f32, 1), p), p], 1) : p;
        }
        else
        {
            // First index of the row maximum (std::max_element order): min over where(score == max, j, C).
            var max = ReduceOver(n, "max", scores, [1], true);
            var iota = Const(Tensor.FromArray([.. Enumerable.Range(0, (int)classes).Select(j => (long)j)], classes));
            var first = ReduceOver(n, "min", Elem(n, "where", Elem(n, "equal", scores, max), iota, ScalarOf(DataType.Int64, classes)), [1], false);
            label = Take(n, Const(Tensor.FromArray([.. labels.Take((int)classes)], classes)), first, 0);
            z = a.PostTransform switch
            {
                "LOGISTIC" => Elem(n, "sigmoid", scores),
                "SOFTMAX" => SoftmaxAlong(n, scores, 1),
                "SOFTMAX_ZERO" => MlSoftmaxZero(n, scores, max),
                _ => scores,
            };
        }
        Out(n, label, 0);
        Out(n, z, 1);
    }

    /// <summary>
    /// ORT's ComputeSoftmaxZero per row: entries with |s| &gt; 1e-7 become exp(s − max), the others s·exp(−max); all are then
    /// divided by the sum of the exp'd entries only.
    /// </summary>
    private TExpr MlSoftmaxZero(CanonicalNode n, TExpr s, TExpr max)
    {
        var f32 = DataType.Float32;
        var nz = Elem(n, "greater", Elem(n, "abs", s), ScalarOf(f32, 1e-7));
        var ex = Elem(n, "exp", Elem(n, "subtract", s, max));
        var sum = ReduceOver(n, "sum", Elem(n, "where", nz, ex, ScalarOf(f32, 0)), [1], true);
        var small = Elem(n, "multiply", s, Elem(n, "exp", Elem(n, "negative", max)));
        return Elem(n, "divide", Elem(n, "where", nz, ex, small), sum);
    }

    /// <summary>
    /// SVMRegressor as ORT, in float32 over X [N, F] / [F] → Y [N, 1]. With n_supports S &gt; 0: Y = Σⱼ coefⱼ·K(x, svⱼ) + rho[0]
    /// with K from kernel_params [gamma, coef0, degree] (missing: 0): LINEAR x·sv, POLY (gamma·x·sv + coef0)^degree,
    /// RBF exp(−gamma·‖x − sv‖²) (the squared distance summed from differences, as ORT, not expanded), SIGMOID
    /// tanh(gamma·x·sv + coef0). With S = 0 ORT switches to a linear model: Y = x·coefficients + rho[0]. The support
    /// vectors are constants. one_class = 1 (±1 outputs) and any post_transform but NONE are BRG4301.
    /// </summary>
    private TExpr MlSvmRegressor(CanonicalNode n)
    {
        var a = n.AttrsAs<SvmAttrs>();
        if (a.OneClass) throw Unsupported(n, "one_class 1");
        if (a.PostTransform != "NONE") throw Unsupported(n, $"post_transform '{a.PostTransform}'");
        var s = RequireShape(n, 0);
        if (s.Length is not (1 or 2) || s[^1].AsConst is not { } f) throw Unsupported(n, "an input that is not [N, F] / [F] with static F");
        var rho = a.Rho is { Count: > 0 } r ? r[0] : throw BadValue(n, "missing rho");
        var coef = a.Coefficients ?? throw BadValue(n, "missing coefficients");
        var f32 = DataType.Float32;
        var x = MlFloat(n, 0);
        if (s.Length == 1) x = Reshape(n, x, [1, f]);
        TExpr y;
        if (a.NSupports > 0)
        {
            var sCount = a.NSupports;
            var sv = a.SupportVectors ?? throw BadValue(n, "n_supports > 0 without support_vectors");
            if (sv.Count != sCount * f) throw BadValue(n, $"{sv.Count} support-vector values for {sCount} vectors × {f} features");
            if (coef.Count != sCount) throw BadValue(n, $"{coef.Count} coefficients for {sCount} support vectors");
            var kp = a.KernelParams ?? [];
            double P(int i) => i < kp.Count ? kp[i] : 0;
            var (gamma, coef0, degree) = (P(0), P(1), P(2));
            TExpr k;
            if (a.KernelType == "RBF")
            {
                var svs = Tensor.Zeros(f32, 1, sCount, f);
                for (var i = 0; i < sv.Count; i++) svs.SetDouble(i, sv[i]);
                var d = Elem(n, "subtract", ExpandDims(n, x, 1), Const(svs));
                var dist = ReduceOver(n, "sum", Elem(n, "multiply", d, d), [2], false);
                k = Elem(n, "exp", Elem(n, "multiply", dist, ScalarOf(f32, -gamma)));
            }
            else
            {
                var svT = Tensor.Zeros(f32, f, sCount);
                for (var j = 0; j < sCount; j++)
                    for (var i = 0; i < f; i++) svT.SetDouble(i * sCount + j, sv[(int)(j * f + i)]);
                var dot = MatMul(n, x, Const(svT));
                var lin = a.KernelType == "LINEAR" ? dot : Elem(n, "add", Elem(n, "multiply", dot, ScalarOf(f32, gamma)), ScalarOf(f32, coef0));
                k = a.KernelType switch
                {
                    "POLY" => Elem(n, "power", lin, ScalarOf(f32, degree)),
                    "SIGMOID" => Elem(n, "tanh", lin),
                    _ => lin,
                };
            }
            y = MatMul(n, k, Const(Tensor.FromArray([.. coef], sCount, 1)));
        }
        else
        {
            if (coef.Count != f) throw BadValue(n, $"{coef.Count} coefficients for {f} features (linear SVM, n_supports 0)");
            y = MatMul(n, x, Const(Tensor.FromArray([.. coef], f, 1)));
        }
        return Elem(n, "add", y, ScalarOf(f32, rho));
    }
}
