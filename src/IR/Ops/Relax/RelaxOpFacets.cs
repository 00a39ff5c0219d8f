using System.Runtime.CompilerServices;
using Bridge.Ir.Relax;

namespace Bridge.Ir.Ops.Relax;

/// <summary>A struct-info inference rule (TVM's <c>FInferStructInfo</c>).</summary>
public delegate StructInfo InferStructInfoFn(Call call, InferContext cx);

/// <summary>Facets the Relax IR attaches to its ops.</summary>
public static class RelaxOpFacets
{
    /// <summary>The struct-info inference rule of a Relax op.</summary>
    public static readonly OpFacet<InferStructInfoFn> InferStructInfo = new("relax.FInferStructInfo");
}

/// <summary>Struct-info diagnostics (3500–3699).</summary>
public static class StructInfoDiagnosticIds
{
    public static readonly DiagnosticId WrongArgKind = new(3500, "WrongArgKind");
    public static readonly DiagnosticId ShapeMismatch = new(3501, "ShapeMismatch");
    public static readonly DiagnosticId UnprovenShape = new(3502, "UnprovenShape");
    public static readonly DiagnosticId DTypeMismatch = new(3503, "DTypeMismatch");
    public static readonly DiagnosticId BadAxis = new(3504, "BadAxis");
    public static readonly DiagnosticId WrongArity = new(3505, "WrongArity");
    public static readonly DiagnosticId BadAttr = new(3506, "BadAttr");
    public static readonly DiagnosticId NoInferRule = new(3507, "NoInferRule");
    public static readonly DiagnosticId AnnotationMismatch = new(3508, "AnnotationMismatch");
}

/// <summary>
/// Context of one inference: the call's location and the list of facts that could not be proven (three-valued reasoning:
/// a builder turns each into an <c>R.match_cast</c> or a report line, STYLE 10).
/// </summary>
public sealed class InferContext
{
    private readonly List<Diagnostic> _unproven = [];

    public InferContext(SourceLoc? loc = null) => Loc = loc ?? SourceLoc.Unknown.Instance;

    public SourceLoc Loc { get; set; }
    public string OpName { get; set; } = "";
    public IReadOnlyList<Diagnostic> Unproven => _unproven;

    public BridgeException Error(DiagnosticId id, string message) => new(id, Loc, $"{OpName}: {message}");

    /// <summary>Checks <c>a == b</c>: disproven → error naming both dims; unknown → recorded.</summary>
    public void RequireEqual(SymExpr a, SymExpr b, string what)
    {
        switch (SymExpr.ProveEqual(a, b))
        {
            case Tri.Disproven: throw Error(StructInfoDiagnosticIds.ShapeMismatch, $"{what}: {a} vs {b} are provably different");
            case Tri.Unknown: _unproven.Add(Diagnostic.Info(StructInfoDiagnosticIds.UnprovenShape, Loc, $"{OpName}: {what}: assumed {a} == {b}")); break;
        }
    }

    public void NoteUnproven(string message) => _unproven.Add(Diagnostic.Info(StructInfoDiagnosticIds.UnprovenShape, Loc, $"{OpName}: {message}"));
}

/// <summary>Shared helpers for the op tables' inference rules.</summary>
public static class Infer
{
    /// <summary>Infers the struct info of a call through the registry (op calls), the callee's signature, or <c>R.Object</c>.</summary>
    public static StructInfo Call(Call call, InferContext? cx = null)
    {
        cx ??= new InferContext(call.Loc);
        cx.Loc = call.Loc;
        if (call.Op is { } op)
        {
            cx.OpName = op.Name;
            if (call.Args.Length < op.MinArgs || call.Args.Length > op.MaxArgs)
                throw cx.Error(StructInfoDiagnosticIds.WrongArity, $"expects {op.MinArgs}..{(op.MaxArgs == int.MaxValue ? "n" : op.MaxArgs.ToString(System.Globalization.CultureInfo.InvariantCulture))} arguments, got {call.Args.Length}");
            var rule = op.Get(RelaxOpFacets.InferStructInfo) ?? throw cx.Error(StructInfoDiagnosticIds.NoInferRule, "no struct-info rule");
            return rule(call, cx);
        }
        if (call.Callee.Info is FuncSInfo f)
        {
            if (f.Params is { } ps)
            {
                // Bind the callee's symbolic vars from the actual argument shapes (TVM's DeriveCallRetStructInfo).
                var map = new Dictionary<SymVar, SymExpr>();
                for (var i = 0; i < Math.Min(ps.Length, call.Args.Length); i++) Unify(ps[i], call.Args[i].Info, map);
                return f.Ret.Substitute(v => map.TryGetValue(v, out var e) ? e : null);
            }
            return f.Ret;
        }
        return call.SInfoArgs.Length == 1 ? call.SInfoArgs[0] : StructInfo.Object;
    }

    private static void Unify(StructInfo p, StructInfo? a, Dictionary<SymVar, SymExpr> map)
    {
        if (p is TensorSInfo { Shape: { } ps } && a is TensorSInfo { Shape: { } aShape } && ps.Length == aShape.Length)
            for (var i = 0; i < ps.Length; i++) { if (ps[i] is SymVar v && !map.ContainsKey(v)) map[v] = aShape[i]; }
        else if (p is ShapeSInfo { Values: { } pv } && a is ShapeSInfo { Values: { } av } && pv.Length == av.Length)
            for (var i = 0; i < pv.Length; i++) { if (pv[i] is SymVar v && !map.ContainsKey(v)) map[v] = av[i]; }
        else if (p is TupleSInfo pt && a is TupleSInfo at && pt.Fields.Length == at.Fields.Length)
            for (var i = 0; i < pt.Fields.Length; i++) Unify(pt.Fields[i], at.Fields[i], map);
    }

    public static TensorSInfo Tensor(Call c, int i, InferContext cx)
    {
        if (i >= c.Args.Length) throw cx.Error(StructInfoDiagnosticIds.WrongArity, $"missing argument {i}");
        return c.Args[i].Info switch
        {
            TensorSInfo t => t,
            null or ObjectSInfo => new TensorSInfo(null, null),
            var s => throw cx.Error(StructInfoDiagnosticIds.WrongArgKind, $"argument {i} must be a tensor, got {s.GetType().Name}"),
        };
    }

    public static TensorSInfo[] TensorTuple(Call c, int i, InferContext cx)
    {
        var s = c.Args[i].Info;
        if (s is TupleSInfo t)
            return [.. t.Fields.Select((f, k) => f as TensorSInfo ?? throw cx.Error(StructInfoDiagnosticIds.WrongArgKind, $"tuple field {k} must be a tensor"))];
        throw cx.Error(StructInfoDiagnosticIds.WrongArgKind, $"argument {i} must be a tuple of tensors");
    }

    /// <summary>The values of a shape argument (<c>R.shape([...])</c> or a shape-typed var), or null when unknown.</summary>
    public static ImmutableArray<SymExpr>? ShapeArg(Call c, int i, InferContext cx, out int ndim)
    {
        ndim = -1;
        var a = c.Args[i];
        if (a is ShapeExpr se) { ndim = se.Values.Length; return se.Values; }
        if (a.Info is ShapeSInfo s) { ndim = s.NDim; return s.Values?.Items; }
        if (a.Info is TensorSInfo) return null; // a shape tensor: data-dependent
        throw cx.Error(StructInfoDiagnosticIds.WrongArgKind, $"argument {i} must be a shape");
    }

    public static int NormAxis(long axis, int ndim, InferContext cx)
    {
        var a = axis < 0 ? axis + ndim : axis;
        if (a < 0 || a >= ndim) throw cx.Error(StructInfoDiagnosticIds.BadAxis, $"axis {axis} out of range for rank {ndim}");
        return (int)a;
    }

    public static TensorSInfo Shaped(IEnumerable<SymExpr> dims, DataType? dt, string? vdev = null) => new(new ValueArray<SymExpr>(dims), dt, -1, vdev);

    /// <summary>Numpy broadcasting with TVM's rules (§2.2): 1 yields the other dim, provably equal dims stay, provably different
    /// literals fail, anything else makes the whole shape unknown (rank kept).</summary>
    public static TensorSInfo Broadcast(TensorSInfo a, TensorSInfo b, DataType? dt, InferContext cx)
    {
        var vdev = a.VDevice ?? b.VDevice;
        if (a.NDim < 0 || b.NDim < 0) return new TensorSInfo(null, dt, -1, vdev);
        var nd = Math.Max(a.NDim, b.NDim);
        if (a.Shape is not { } sa || b.Shape is not { } sb) return new TensorSInfo(null, dt, nd, vdev);
        var outDims = new SymExpr[nd];
        for (var i = 0; i < nd; i++)
        {
            var ia = sa.Length - nd + i;
            var ib = sb.Length - nd + i;
            SymExpr? da = ia >= 0 ? sa[ia] : null;
            SymExpr? db = ib >= 0 ? sb[ib] : null;
            if (da is null) { outDims[i] = db!; continue; }
            if (db is null) { outDims[i] = da; continue; }
            if (da.AsConst == 1) { outDims[i] = db; continue; }
            if (db.AsConst == 1) { outDims[i] = da; continue; }
            switch (SymExpr.ProveEqual(da, db))
            {
                case Tri.Proven: outDims[i] = da; break;
                case Tri.Disproven when da.IsConst() && db.IsConst():
                    throw cx.Error(StructInfoDiagnosticIds.ShapeMismatch, $"cannot broadcast dim {da} with {db} (axis {i})");
                default:
                    cx.NoteUnproven($"broadcast of {da} with {db} is unknown; result shape has rank {nd} only");
                    return new TensorSInfo(null, dt, nd, vdev);
            }
        }
        return new TensorSInfo(new ValueArray<SymExpr>(outDims), dt, -1, vdev);
    }

    /// <summary>Both dtypes equal (unknown allowed), no implicit promotion.</summary>
    public static DataType? SameDType(TensorSInfo a, TensorSInfo b, InferContext cx)
    {
        if (a.DType is { } x && b.DType is { } y && x != y)
            throw cx.Error(StructInfoDiagnosticIds.DTypeMismatch, $"operand dtypes differ: {x} vs {y} (Relax has no implicit promotion)");
        return a.DType ?? b.DType;
    }

    public static ValueArray<SymExpr> Dims(params SymExpr[] d) => new(d);

    /// <summary>The output spatial dim of a convolution/pool: <c>(x + pb + pa - d*(k-1) - 1) floordiv s + 1</c> (ceil mode adds s-1).</summary>
    public static SymExpr ConvOut(SymExpr x, SymExpr k, long pb, long pa, long s, long d, bool ceil = false)
    {
        var num = x + pb + pa - d * (k - 1) - 1 + (ceil ? s - 1 : 0);
        return SymExpr.FloorDiv(num, s) + 1;
    }
}

/// <summary>Registers the Relax op tables once per process.</summary>
internal static class RelaxOpsInit
{
    private static int s_done;

#pragma warning disable CA2255 // the op table must exist before any IR code runs (DEVELOPERS.md: registration via module initializer)
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Init()
    {
        if (Interlocked.Exchange(ref s_done, 1) == 1) return;
        UnaryOps.Register();
        BinaryOps.Register();
        NnOps.Register();
        ManipulateOps.Register();
        IndexOps.Register();
        ReduceOps.Register();
        CreateOps.Register();
        BuiltinOps.Register();
        MiscOps.Register();
        StdVisionOps.Register();
    }

    /// <summary>Defines a Relax op with its inputs and rule.</summary>
    internal static OpDef Def<TAttrs>(string name, string category, InferStructInfoFn rule, params string[] inputs) where TAttrs : Attrs, new() =>
        Def(name, typeof(TAttrs), category, rule, inputs);

    /// <summary>Defines a Relax op whose attrs record is named by a spec row (<see cref="Spec.ReductionOp.RelaxAttrs"/>).</summary>
    internal static OpDef Def(string name, Type attrs, string category, InferStructInfoFn rule, params string[] inputs) =>
        OpRegistry.Define(Dialect.Relax, "relax." + name, attrs).WithInputs(inputs).InCategory(category).Set(RelaxOpFacets.InferStructInfo, rule);
}
