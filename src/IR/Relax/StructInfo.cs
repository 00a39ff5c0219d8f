
namespace Bridge.Ir.Relax;

/// <summary>
/// Relax struct info (TVM's <c>StructInfo</c>, called <c>Type</c> from v0.26). Values: record equality compares symbolic
/// dims by variable identity; use <see cref="RelaxStructuralEqual"/> for alpha-equivalence.
/// </summary>
public abstract record StructInfo
{
    /// <summary><c>R.Object</c> (≤ v0.25) / <c>R.Any</c> (v0.26+).</summary>
    public static readonly StructInfo Object = new ObjectSInfo();
    /// <summary>The void type: an empty tuple.</summary>
    public static readonly TupleSInfo Void = new([]);
}

/// <summary>Any object (<c>R.Object</c> / <c>R.Any</c>).</summary>
public sealed record ObjectSInfo : StructInfo;

/// <summary>A primitive scalar (<c>R.Prim("int64")</c> / <c>T.int64</c>); <see cref="Value"/> is the known int value if any.</summary>
public sealed record PrimSInfo(DataType DType, SymExpr? Value = null) : StructInfo;

/// <summary>A shape value (<c>R.Shape([1, n])</c>, <c>R.Shape(ndim=2)</c>); <see cref="NDim"/> is -1 when unknown.</summary>
public sealed record ShapeSInfo : StructInfo
{
    public ShapeSInfo(ValueArray<SymExpr>? values, int ndim = -1)
    {
        Values = values;
        NDim = values is { } v ? v.Length : ndim;
    }

    public ValueArray<SymExpr>? Values { get; }
    public int NDim { get; }
}

/// <summary>
/// A tensor: shape known (<see cref="Shape"/>), rank only (<see cref="NDim"/> ≥ 0, shape null), or unknown rank (-1);
/// <see cref="DType"/> null = unknown dtype; <see cref="VDevice"/> the printed virtual device or null.
/// </summary>
public sealed record TensorSInfo : StructInfo
{
    public TensorSInfo(ValueArray<SymExpr>? shape, DataType? dtype, int ndim = -1, string? vdevice = null)
    {
        Shape = shape;
        DType = dtype is { IsVoid: true } ? null : dtype;
        NDim = shape is { } s ? s.Length : ndim;
        VDevice = vdevice;
    }

    public static TensorSInfo Of(DataType? dtype, params SymExpr[] shape) => new(new ValueArray<SymExpr>(shape), dtype);

    public ValueArray<SymExpr>? Shape { get; }
    public DataType? DType { get; }
    public int NDim { get; }
    public string? VDevice { get; }
    public bool IsUnknownNDim => NDim < 0;
    public TensorSInfo WithDType(DataType? d) => new(Shape, d, NDim, VDevice);
}

/// <summary>A tuple (<c>R.Tuple(...)</c>); the empty tuple is void.</summary>
public sealed record TupleSInfo(ValueArray<StructInfo> Fields) : StructInfo;

/// <summary>
/// A callable: <see cref="Params"/> null for an opaque function (<c>R.Callable</c>), else <c>R.Callable((params), ret, purity)</c>.
/// <see cref="IsPackedFunc"/> marks <c>R.PackedFunc</c>.
/// </summary>
public sealed record FuncSInfo(ValueArray<StructInfo>? Params, StructInfo Ret, bool Purity, bool IsPackedFunc = false) : StructInfo
{
    public static FuncSInfo Opaque(bool purity = false) => new(null, StructInfo.Object, purity);
}

/// <summary>Helpers over struct info.</summary>
public static class StructInfoExt
{
    /// <summary>Symbolic vars mentioned, first-occurrence order.</summary>
    public static void CollectSymVars(this StructInfo? s, List<SymVar> into)
    {
        switch (s)
        {
            case TensorSInfo t when t.Shape is { } sh:
                foreach (var d in sh) Add(d, into);
                break;
            case ShapeSInfo sh when sh.Values is { } v:
                foreach (var d in v) Add(d, into);
                break;
            case PrimSInfo p when p.Value is { } pv: Add(pv, into); break;
            case TupleSInfo t: foreach (var f in t.Fields) f.CollectSymVars(into); break;
            case FuncSInfo f:
                if (f.Params is { } ps) foreach (var p in ps) p.CollectSymVars(into);
                f.Ret.CollectSymVars(into);
                break;
        }

        static void Add(SymExpr e, List<SymVar> into)
        {
            foreach (var v in e.FreeVars()) if (!into.Contains(v)) into.Add(v);
        }
    }

    public static List<SymVar> SymVars(this StructInfo? s)
    {
        var l = new List<SymVar>();
        s.CollectSymVars(l);
        return l;
    }

    /// <summary>
    /// TVM's <c>EraseToWellDefined</c>: drops shape facts that mention symbolic vars outside <paramref name="inScope"/>
    /// (a tensor keeps its rank, a shape its ndim, a prim its dtype).
    /// </summary>
    public static StructInfo EraseToWellDefined(this StructInfo s, IReadOnlySet<SymVar> inScope)
    {
        bool Ok(SymExpr d) => d.FreeVars().All(inScope.Contains);
        return s switch
        {
            TensorSInfo t when t.Shape is { } sh && !sh.All(Ok) => new TensorSInfo(null, t.DType, t.NDim, t.VDevice),
            ShapeSInfo sh when sh.Values is { } v && !v.All(Ok) => new ShapeSInfo(null, sh.NDim),
            PrimSInfo p when p.Value is { } pv && !Ok(pv) => new PrimSInfo(p.DType),
            TupleSInfo t => new TupleSInfo(new ValueArray<StructInfo>(t.Fields.Select(f => f.EraseToWellDefined(inScope)))),
            _ => s,
        };
    }

    /// <summary>Substitutes symbolic vars.</summary>
    public static StructInfo Substitute(this StructInfo s, Func<SymVar, SymExpr?> map) => s switch
    {
        TensorSInfo t when t.Shape is { } sh => new TensorSInfo(new ValueArray<SymExpr>(sh.Select(d => d.Substitute(map))), t.DType, t.NDim, t.VDevice),
        ShapeSInfo sh when sh.Values is { } v => new ShapeSInfo(new ValueArray<SymExpr>(v.Select(d => d.Substitute(map)))),
        PrimSInfo p when p.Value is { } pv => p with { Value = pv.Substitute(map) },
        TupleSInfo t => new TupleSInfo(new ValueArray<StructInfo>(t.Fields.Select(f => f.Substitute(map)))),
        FuncSInfo f => f with { Params = f.Params is { } ps ? new ValueArray<StructInfo>(ps.Select(p => p.Substitute(map))) : (ValueArray<StructInfo>?)null, Ret = f.Ret.Substitute(map) },
        _ => s,
    };

    /// <summary>
    /// Is <paramref name="ann"/> (an annotation) compatible with <paramref name="inferred"/>? Disproven when statically
    /// incompatible (TVM's <c>kFailL0</c>); Unknown when it depends on symbolic values; Proven when equal or a sound widening.
    /// </summary>
    public static Tri CheckAnnotation(StructInfo ann, StructInfo inferred)
    {
        switch (ann)
        {
            case ObjectSInfo: return Tri.Proven;
            case TensorSInfo a:
                if (inferred is not TensorSInfo b) return inferred is ObjectSInfo ? Tri.Unknown : Tri.Disproven;
                if (a.DType is { } ad && b.DType is { } bd && ad != bd) return Tri.Disproven;
                if (a.NDim >= 0 && b.NDim >= 0 && a.NDim != b.NDim) return Tri.Disproven;
                var r = Tri.Proven;
                if (a.DType is not null && b.DType is null) r = Tri.Unknown;
                if (a.NDim >= 0 && b.NDim < 0) r = Tri.Unknown;
                if (a.Shape is { } sa)
                {
                    if (b.Shape is not { } sb) return Tri.Unknown;
                    for (var i = 0; i < sa.Length; i++)
                    {
                        var e = SymExpr.ProveEqual(sa[i], sb[i]);
                        if (e == Tri.Disproven) return Tri.Disproven;
                        if (e == Tri.Unknown) r = Tri.Unknown;
                    }
                }
                return r;
            case ShapeSInfo a:
                if (inferred is not ShapeSInfo b2) return inferred is ObjectSInfo ? Tri.Unknown : Tri.Disproven;
                if (a.NDim >= 0 && b2.NDim >= 0 && a.NDim != b2.NDim) return Tri.Disproven;
                if (a.Values is { } va)
                {
                    if (b2.Values is not { } vb) return Tri.Unknown;
                    var r2 = Tri.Proven;
                    for (var i = 0; i < va.Length; i++)
                    {
                        var e = SymExpr.ProveEqual(va[i], vb[i]);
                        if (e == Tri.Disproven) return Tri.Disproven;
                        if (e == Tri.Unknown) r2 = Tri.Unknown;
                    }
                    return r2;
                }
                return Tri.Proven;
            case PrimSInfo a:
                if (inferred is not PrimSInfo b3) return inferred is ObjectSInfo ? Tri.Unknown : Tri.Disproven;
                return a.DType == b3.DType ? Tri.Proven : Tri.Disproven;
            case TupleSInfo a:
                if (inferred is not TupleSInfo b4) return inferred is ObjectSInfo ? Tri.Unknown : Tri.Disproven;
                if (a.Fields.Length != b4.Fields.Length) return Tri.Disproven;
                var r3 = Tri.Proven;
                for (var i = 0; i < a.Fields.Length; i++)
                {
                    var e = CheckAnnotation(a.Fields[i], b4.Fields[i]);
                    if (e == Tri.Disproven) return Tri.Disproven;
                    if (e == Tri.Unknown) r3 = Tri.Unknown;
                }
                return r3;
            case FuncSInfo:
                return inferred is FuncSInfo ? Tri.Proven : inferred is ObjectSInfo ? Tri.Unknown : Tri.Disproven;
            default: return Tri.Unknown;
        }
    }
}
