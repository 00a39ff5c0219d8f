using System.Globalization;
using Bridge.Ir.Ops;
using Bridge.Ir.Ops.Relax;
using Relax = Bridge.Ir.Relax;
using Relay = Bridge.Ir.Relay;

namespace Bridge.Translators.RelayToRelax;

/// <summary>Options of <see cref="RelayToRelaxTranslator.Translate"/>.</summary>
public sealed record TranslatorOptions
{
    /// <summary>The file the module came from (for <see cref="SourceLoc.Binding"/> locations of nodes without a span).</summary>
    public string SourcePath { get; init; } = "<module>";
    /// <summary>
    /// Names for the dims of the entry function's inputs (<c>--shape x=n,3,h,w</c>): an identifier names a symbolic var
    /// (the same name in two inputs is the same var), an integer fixes the dim, <c>?</c> keeps the default name.
    /// </summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Shapes { get; init; } = new Dictionary<string, IReadOnlyList<string>>();
    /// <summary>Bind weights as constants (<c>--bind-params</c>): entry params found in <see cref="Params"/> and valued constants.</summary>
    public bool BindParams { get; init; }
    /// <summary>Parameter values by name (<c>--params</c>), bound into the entry function when <see cref="BindParams"/> is set.</summary>
    public IReadOnlyDictionary<string, Tensor> Params { get; init; } = new Dictionary<string, Tensor>();
    /// <summary>TVM version that produced the Relay artifact ("0.7", "0.19"); null = 0.19. Changes batch_matmul defaults.</summary>
    public string? RelayVersion { get; init; }
    /// <summary>The entry function (its constants may become parameters and it gets the <c>--shape</c> names).</summary>
    public string EntryName { get; init; } = "main";
    /// <summary>
    /// Valued <c>meta[relay.Constant]</c> weights of the entry function become parameters after the inputs (<c>num_input</c>,
    /// TVM's keep_params_in_input), their values reported in <see cref="TranslationStats.WeightValues"/>; false inlines them.
    /// </summary>
    public bool LiftMetaConstants { get; init; } = true;
}

/// <summary>What the translator did, for the one-line summary of <c>bridge convert</c>.</summary>
public sealed class TranslationStats
{
    /// <summary>Relay op name → number of calls translated.</summary>
    public SortedDictionary<string, int> OpsByKind { get; } = new(StringComparer.Ordinal);
    /// <summary>Symbolic vars introduced (entry-function signature vars and match_cast vars), in creation order.</summary>
    public List<string> SymbolicVars { get; } = [];
    public int MatchCasts { get; set; }
    public int Functions { get; set; }
    /// <summary>Entry-function parameters that hold weights/lifted constants (after the real inputs).</summary>
    public int LiftedConstants { get; set; }
    /// <summary>
    /// Values of entry parameters that are weights, by Relax parameter name: lifted constants that have a value, and
    /// <see cref="TranslatorOptions.Params"/> entries left as parameters (no <c>--bind-params</c>). Convert writes them to a .params file.
    /// </summary>
    public Dictionary<string, Tensor> WeightValues { get; } = new(StringComparer.Ordinal);
}

/// <summary>
/// Translates a type-checked Relay module to a Relax module of high-level ops (never <c>call_tir</c>). Op conversions are
/// table entries, one partial file per op family; this file holds the program structure (functions, let, if, tuples,
/// closures, constants) and the symbolic-shape bookkeeping (Relay <c>Any</c> → named symbolic vars, match_cast where the Relax
/// inference knows less than the Relay type).
/// </summary>
public sealed partial class RelayToRelaxTranslator
{
    private readonly Relay.IRModule _mod;
    private readonly TranslatorOptions _opt;
    private readonly int _relayMinor;
    private readonly Dictionary<Relay.GlobalVar, Relax.GlobalVar> _globals = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<Relay.GlobalVar, Relax.Function> _done = new(ReferenceEqualityComparer.Instance);
    private readonly HashSet<Relay.GlobalVar> _inProgress = new(ReferenceEqualityComparer.Instance);
    private readonly List<Relax.ModuleEntry> _lifted = [];
    private readonly HashSet<string> _globalNames = new(StringComparer.Ordinal);
    internal TranslationStats Stats { get; } = new();

    private RelayToRelaxTranslator(Relay.IRModule mod, TranslatorOptions opt)
    {
        _mod = mod;
        _opt = opt;
        _relayMinor = ParseMinor(opt.RelayVersion);
        foreach (var (gv, _) in mod.Functions) _globalNames.Add(gv.Name);
    }

    private static int ParseMinor(string? v)
    {
        if (string.IsNullOrEmpty(v)) return 19;
        var parts = v.TrimStart('v').Split('.');
        if (parts.Length >= 2 && int.TryParse(parts[0], CultureInfo.InvariantCulture, out var major) && int.TryParse(parts[1], CultureInfo.InvariantCulture, out var minor))
            return major > 0 ? 99 : minor;
        throw new BridgeException(RelayToRelaxDiagnosticIds.BadOption, SourceLoc.Unknown.Instance, $"--relay-version: '{v}' is not a TVM version like 0.19");
    }

    /// <summary>
    /// Translates <paramref name="module"/> (type inference is run when needed). Throws one <see cref="BridgeException"/>
    /// listing every unsupported construct (ADTs, refs, match, ops without a Relax form) with its location.
    /// </summary>
    public static (Relax.IRModule Module, TranslationStats Stats) Translate(Relay.IRModule module, TranslatorOptions? options = null)
    {
        options ??= new TranslatorOptions();
        var unsupported = FindUnsupported(module);
        if (unsupported.Count > 0) throw UnsupportedList(unsupported);
        if (module.Functions.Any(f => f.Func.CheckedType is null)) Relay.RelayTypeInference.InferModule(module);
        var t = new RelayToRelaxTranslator(module, options);
        if (options.Shapes.Count > 0 && module.Lookup(options.EntryName) is null)
            throw new BridgeException(RelayToRelaxDiagnosticIds.BadShapeOption, SourceLoc.Unknown.Instance, $"--shape given but the module has no @{options.EntryName}");
        foreach (var (gv, _) in module.Functions) t.GlobalFor(gv);
        foreach (var (gv, _) in module.Functions) t.TranslateGlobal(gv);
        var entries = new List<Relax.ModuleEntry>();
        foreach (var (gv, _) in module.Functions) entries.Add(new Relax.ModuleEntry(t._globals[gv], t._done[gv]));
        entries.AddRange(t._lifted);
        t.Stats.Functions = entries.Count;
        return (new Relax.IRModule("Module", [.. entries]), t.Stats);
    }

    // ---------------------------------------------------------------- unsupported constructs (one list)

    /// <summary>
    /// One diagnostic for every unsupported construct: the head names the count (and the first location), the list is
    /// in <see cref="Diagnostic.Related"/> (rendered one per line under the head).
    /// </summary>
    internal static BridgeException UnsupportedList(List<(SourceLoc Loc, string What)> items)
    {
        var related = items.Select(i => Diagnostic.Info(RelayToRelaxDiagnosticIds.Unsupported, i.Loc, i.What)).ToImmutableArray();
        var head = items.Count == 1
            ? $"no Relax translation for {items[0].What}"
            : $"{items.Count} constructs have no Relax translation (ADTs, references, match and these ops are training/VM-only or unsupported):";
        var d = Diagnostic.Error(RelayToRelaxDiagnosticIds.Unsupported, items[0].Loc, head) with { Related = items.Count == 1 ? [] : related };
        return new BridgeException(d);
    }

    /// <summary>Every construct of the module the translator cannot express, in source order.</summary>
    public static List<(SourceLoc Loc, string What)> FindUnsupported(Relay.IRModule module)
    {
        var list = new List<(SourceLoc, string)>();
        var seen = new HashSet<Relay.Expr>(ReferenceEqualityComparer.Instance);
        foreach (var td in module.TypeDefinitions)
            list.Add((td.Constructors.Length > 0 ? td.Constructors[0].Loc : SourceLoc.Unknown.Instance,
                $"{(td.IsExtern ? "extern type" : "ADT definition")} '{td.Header.Name}' (Relax has no algebraic data types)"));
        foreach (var (gv, f) in module.Functions)
        {
            foreach (var p in f.Params)
                if (p.TypeAnnotation is { } ta && UnsupportedType(ta) is { } why)
                    list.Add((p.Loc, $"parameter %{p.Name} of @{gv.Name} has type {why}"));
            var stack = new Stack<Relay.Expr>();
            stack.Push(f.Body);
            while (stack.Count > 0)
            {
                var e = stack.Pop();
                if (!seen.Add(e)) continue;
                switch (e)
                {
                    case Relay.RefCreate: list.Add((e.Loc, "ref(...) (RefCreate: mutable references)")); break;
                    case Relay.RefRead: list.Add((e.Loc, "ref_read(...) (RefRead)")); break;
                    case Relay.RefWrite: list.Add((e.Loc, "ref_write(...) (RefWrite)")); break;
                    case Relay.Match m: list.Add((e.Loc, $"match{(m.Complete ? "" : "?")} (pattern matching on ADTs)")); break;
                    case Relay.Constructor c: list.Add((e.Loc, $"constructor {c.Name} (ADT value)")); break;
                    case Relay.Call { Callee: Relay.OpRef op } call when !s_table.ContainsKey(op.Name):
                        list.Add((call.Loc, $"op {op.Name}: {UnsupportedReason(op.Name)}"));
                        break;
                    case Relay.Function fn:
                        foreach (var p in fn.Params)
                            if (p.TypeAnnotation is { } ta2 && UnsupportedType(ta2) is { } why2) list.Add((p.Loc, $"closure parameter %{p.Name} has type {why2}"));
                        break;
                }
                foreach (var ch in Relay.RelayVisit.Children(e)) stack.Push(ch);
            }
        }
        return [.. list.OrderBy(i => i.Item1 is SourceLoc.Text t ? t.Line : int.MaxValue).ThenBy(i => i.Item1 is SourceLoc.Text t ? t.Column : 0)];
    }

    private static string? UnsupportedType(Relay.RelayType t) => t switch
    {
        Relay.TypeCall tc => $"{tc} (ADT)",
        Relay.GlobalTypeVar g => $"{g.Name} (ADT)",
        Relay.RelayRefType => "a reference type",
        Relay.TupleType tt => tt.Fields.Select(UnsupportedType).FirstOrDefault(x => x is not null),
        Relay.FuncType ft => ft.ArgTypes.Append(ft.RetType).Select(UnsupportedType).FirstOrDefault(x => x is not null),
        _ => null,
    };

    // ---------------------------------------------------------------- globals and functions

    private Relax.GlobalVar GlobalFor(Relay.GlobalVar gv)
    {
        if (_globals.TryGetValue(gv, out var g)) return g;
        g = new Relax.GlobalVar(gv.Name, gv.Loc);
        _globals[gv] = g;
        return g;
    }

    private readonly Dictionary<Relay.GlobalVar, FnState> _states = new(ReferenceEqualityComparer.Instance);

    /// <summary>
    /// The struct info callers see: the finished function's signature (callees are translated first), or, for a recursive
    /// use while the callee is being translated, one built from its Relay types, which the callee is then held to.
    /// </summary>
    internal Relax.FuncSInfo SignatureOf(Relay.GlobalVar gv, SourceLoc? at = null)
    {
        if (!_done.ContainsKey(gv) && !_inProgress.Contains(gv)) TranslateGlobal(gv, at);
        if (_done.TryGetValue(gv, out var f)) return f.Signature;
        return _states[gv].FreezeSignature();
    }

    private void TranslateGlobal(Relay.GlobalVar gv, SourceLoc? at = null)
    {
        if (_done.ContainsKey(gv) || _inProgress.Contains(gv)) return;
        var fn = _mod.Lookup(gv) ?? throw UnsupportedList([(at is null or SourceLoc.Unknown ? gv.Loc : at,
            $"@{gv.Name} is called but not defined in the module (a lowered PrimFunc or external function; translate the module before lowering)")]);
        _inProgress.Add(gv);
        var isEntry = gv.Name == _opt.EntryName;
        var st = new FnState(this, gv.Name, isEntry);
        _states[gv] = st;
        var f = st.TranslateFunction(fn, publicName: gv.Name, captured: []);
        _inProgress.Remove(gv);
        _done[gv] = f;
    }

    internal static Relay.RelayType TypeOf(Relay.Expr e) =>
        e.CheckedType ?? (e is Relay.Var { TypeAnnotation: { } ta } ? ta : throw new BridgeException(RelayToRelaxDiagnosticIds.Untyped, e.Loc, $"{Describe(e)} has no type after Relay type inference"));

    private static Relay.RelayType RetTypeOf(Relay.Function f) =>
        f.CheckedType is Relay.FuncType ft ? ft.RetType : f.RetType ?? TypeOf(f.Body);

    internal static string Describe(Relay.Expr e) => e switch
    {
        Relay.Var v => "%" + v.Name,
        Relay.Call { Callee: Relay.OpRef o } => o.Name,
        Relay.Call { Callee: Relay.GlobalVar g } => "call of @" + g.Name,
        _ => e.GetType().Name,
    };

    private string FreshGlobalName(string hint)
    {
        var clean = RelaxEmitter.Sanitize(hint);
        if (_globalNames.Add(clean)) return clean;
        for (var i = 1; ; i++)
            if (_globalNames.Add($"{clean}_{i}")) return $"{clean}_{i}";
    }

    /// <summary>Summary line of the stats (<c>bridge convert</c> prints it with the time).</summary>
    internal static string OpsText(TranslationStats s) => string.Join(", ", s.OpsByKind.Select(kv => $"{kv.Key}×{kv.Value}"));
}
