using Bridge.Ir.Ops;
using Bridge.Ir.Ops.Relax;
using Relax = Bridge.Ir.Relax;
using Relay = Bridge.Ir.Relay;

namespace Bridge.Translators.RelayToRelax;

/// <summary>Converts one Relay op call: returns an unbound Relax call (bound by the translator) or an existing value.</summary>
internal delegate Relax.Expr OpConverter(OpCall c);

public sealed partial class RelayToRelaxTranslator
{
    /// <summary>Reasons for Relay ops that deliberately have no entry (reported in the unsupported list).</summary>
    private static readonly Dictionary<string, string> s_reasons = new(StringComparer.Ordinal);

    // Declared after s_reasons: BuildTable fills both (static initializers run in textual order).
    /// <summary>The conversion table: one entry per Relay op (filled by the per-family partial files).</summary>
    private static readonly Dictionary<string, OpConverter> s_table = BuildTable();

    private static Dictionary<string, OpConverter> BuildTable()
    {
        var t = new Dictionary<string, OpConverter>(StringComparer.Ordinal);
        RegisterElementwise(t);
        RegisterNn(t);
        RegisterTransform(t);
        RegisterReduce(t);
        RegisterImage(t);
        RegisterVision(t);
        RegisterQnn(t);
        return t;
    }

    /// <summary>The Relay ops the translator converts (for tests and <c>bridge zoo</c> coverage reports).</summary>
    public static IReadOnlyCollection<string> SupportedOps => s_table.Keys;

    /// <summary>Why an op has no translation (a short phrase for the unsupported list).</summary>
    public static string UnsupportedReason(string op) =>
        s_reasons.TryGetValue(op, out var r) ? r : "no Relax translation for this op";

    private static void NoTranslation(string reason, params string[] ops)
    {
        foreach (var o in ops) s_reasons[o] = reason;
    }
}

/// <summary>The context of one op conversion: typed attrs, lazily translated args, Relay types, emit helpers.</summary>
internal sealed class OpCall
{
    private readonly RelayToRelaxTranslator.FnState _st;
    private readonly Relax.Expr?[] _args;
    private readonly string? _hint;

    public OpCall(RelayToRelaxTranslator.FnState st, Relay.Call call, string? hint)
    {
        _st = st;
        Call = call;
        _hint = hint;
        _args = new Relax.Expr?[call.Args.Length];
    }

    public Relay.Call Call { get; }
    public string OpName => Call.Op!.Name;
    public int ArgCount => Call.Args.Length;
    /// <summary>True once an intermediate binding was emitted (the result may then be an already-bound var).</summary>
    public bool Emitted { get; private set; }
    public int RelayMinor => _st.RelayMinor;
    public SourceLoc Loc => _st.LocOf(Call);

    /// <summary>The typed attribute record (defaults when the call printed none).</summary>
    public T A<T>() where T : Attrs => Call.Attrs as T ?? (T)AttrSchema.Of<T>().Defaults;

    /// <summary>Argument <paramref name="i"/> translated to a Relax leaf (translated on first use).</summary>
    public Relax.Expr Arg(int i)
    {
        if (i >= _args.Length) throw Fail($"expects at least {i + 1} arguments, got {_args.Length}");
        return _args[i] ??= _st.Visit(Call.Args[i]);
    }

    public Relay.RelayType ArgType(int i) => RelayToRelaxTranslator.TypeOf(Call.Args[i]);

    public Relay.TensorType TT(int i) => ArgType(i) as Relay.TensorType ?? throw Fail($"argument {i} must be a tensor, got {ArgType(i)}");

    public int Rank(int i) => TT(i).Rank;

    public Relay.RelayType OutType => RelayToRelaxTranslator.TypeOf(Call);

    public Relay.TensorType OutTT => OutType as Relay.TensorType ?? throw Fail($"result must be a tensor, got {OutType}");

    public Relax.TensorSInfo Info(int i) => Arg(i).Info as Relax.TensorSInfo ?? new Relax.TensorSInfo(null, TT(i).DType, TT(i).Rank);

    public BridgeException Fail(string message) =>
        new(RelayToRelaxDiagnosticIds.UnsupportedOpForm, Loc, $"{OpName}: {message}");

    /// <summary>An unbound call of a Relax op with inferred struct info.</summary>
    public Relax.Call Op(string name, Attrs attrs, params Relax.Expr[] args)
    {
        var def = OpRegistry.Find(Dialect.Relax, "relax." + name) ?? throw new BridgeInternalError($"Relax op relax.{name} is not registered");
        var call = new Relax.Call(new Relax.OpRef(def), [.. args], attrs, [], Call.Loc);
        var cx = new InferContext(Loc);
        Relax.StructInfo info;
        try { info = Infer.Call(call, cx); }
        catch (BridgeException e)
        {
            throw new BridgeException(RelayToRelaxDiagnosticIds.TypeDisagreement, Loc, $"{OpName} → R.{name}: {e.Diagnostic.Message}");
        }
        return new Relax.Call(call.Callee, call.Args, attrs, [], Call.Loc) { Info = info };
    }

    public Relax.Call Op(string name, params Relax.Expr[] args) => Op(name, NoAttrs.Instance, args);

    /// <summary>A call of the Relax op of an elementwise spec row (its typed handle, e.g. <c>ElementwiseSpec.Add</c>).</summary>
    public Relax.Call Op(Ir.Ops.Spec.ElementwiseOp op, params Relax.Expr[] args) =>
        Op(op.RelaxName ?? throw new BridgeInternalError($"{op.Name} has no Relax op"), NoAttrs.Instance, args);

    /// <summary>Emits an intermediate binding (same source location as the Relay call) and returns its var.</summary>
    public Relax.Var Emit(Relax.Expr value)
    {
        Emitted = true;
        return _st.Bind(value, "lv", Call);
    }

    public Relax.Var Emit(string name, Attrs attrs, params Relax.Expr[] args) => Emit(Op(name, attrs, args));

    public Relax.Var Emit(string name, params Relax.Expr[] args) => Emit(Op(name, NoAttrs.Instance, args));

    public Relax.Var Emit(Ir.Ops.Spec.ElementwiseOp op, params Relax.Expr[] args) => Emit(Op(op, args));

    /// <summary>A scalar constant of <paramref name="dtype"/>.</summary>
    public static Relax.Constant Scalar(double value, DataType dtype) =>
        new(Tensor.Scalar(dtype, value)) { Info = new Relax.TensorSInfo(new ValueArray<SymExpr>([]), dtype) };

    public static Relax.ShapeExpr Shape(IEnumerable<SymExpr> dims)
    {
        ImmutableArray<SymExpr> d = [.. dims];
        return new Relax.ShapeExpr(d) { Info = new Relax.ShapeSInfo(new ValueArray<SymExpr>(d)) };
    }

    public static Relax.PrimValue Int(long v) => Relax.PrimValue.Int64(v);

    public static Relax.TupleExpr Ints(IEnumerable<long> vs)
    {
        ImmutableArray<Relax.Expr> f = [.. vs.Select(v => (Relax.Expr)Int(v))];
        return new Relax.TupleExpr(f) { Info = new Relax.TupleSInfo(new ValueArray<Relax.StructInfo>(f.Select(x => x.Info!))) };
    }

    /// <summary>Relay's <c>""</c> (unset) dtype → null.</summary>
    public static DataType? DT(string? s) => string.IsNullOrEmpty(s) || s == "void" ? null : DataType.Parse(s);

    /// <summary>The shape of argument <paramref name="i"/> in this function's Relax dims (Relax info, else mapped Relay dims).</summary>
    public SymExpr[] InShape(int i)
    {
        if (Info(i).Shape is { } s) return [.. s];
        var tt = TT(i);
        return [.. tt.Shape.Select((d, k) => _st.MapDim(d) ?? throw Fail($"dim {k} of argument {i} is unknown to Relax; cannot convert"))];
    }

    /// <summary>The result shape from the Relay type, in this function's Relax dims.</summary>
    public SymExpr[] OutShape() =>
        [.. OutTT.Shape.Select((d, k) => _st.MapDim(d) ?? throw Fail($"dim {k} of the result is a Relay Any not derivable from the inputs"))];

    /// <summary>Translates any Relay expression of this call's function (e.g. fields of a tuple literal).</summary>
    public Relax.Expr Visit(Relay.Expr e) => _st.Visit(e);

    /// <summary>A bound, reconciled call of a global function (returned as the op's value).</summary>
    public Relax.Expr CallGlobal(Relay.GlobalVar g, ImmutableArray<Relax.Expr> args) => _st.CallGlobal(g, args, Call, _hint);

    /// <summary>The value of a constant scalar argument (pad value, trilu k, arange bounds…), or null.</summary>
    public double? ConstScalar(int i)
    {
        var a = Call.Args[i];
        while (a is Relay.Call { Callee: Relay.OpRef { Name: "cast" or "annotation.stop_fusion" or "on_device" } } wrap && wrap.Args.Length > 0) a = wrap.Args[0];
        return a is Relay.Constant { Value: { } v } && v.Length == 1 ? v.GetDouble(0) : null;
    }

    /// <summary>Normalizes an axis of a rank-<paramref name="rank"/> tensor.</summary>
    public long Axis(long axis, int rank)
    {
        var a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank) throw Fail($"axis {axis} is out of range for rank {rank}");
        return a;
    }
}
