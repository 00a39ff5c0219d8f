using System.Buffers.Binary;
using System.Globalization;
using System.Text.Json;
using Bridge.Core.Files;
using Bridge.Core.Limits;
using Bridge.Ir.Ops.Relay;
using Bridge.Ir.Ops;

namespace Bridge.Ir.Relay.Json;

/// <summary>Diagnostics of Relay save_json documents (2300–2499).</summary>
public static class RelayJsonDiagnosticIds
{
    public static readonly DiagnosticId Malformed = new(2301, "RelayJsonMalformed");
    public static readonly DiagnosticId BadNode = new(2302, "RelayJsonBadNode");
    public static readonly DiagnosticId UnknownTypeKey = new(2303, "RelayJsonUnknownTypeKey");
    public static readonly DiagnosticId Cycle = new(2304, "RelayJsonCycle");
    public static readonly DiagnosticId NotAModule = new(2305, "RelayJsonNotAModule");
}

/// <summary>
/// Reads <c>tvm.ir.save_json</c> documents of TVM 0.6–0.19 (spec §2): the upgrade steps of json_compact are applied
/// logically (0.6 type keys, <c>global_key</c>, inline vs <c>runtime.String</c> names, missing fields defaulted).
/// Decoding recurses over references on a thread with a large stack, so deep call chains do not overflow.
/// </summary>
public sealed class RelayJsonReader
{
    private readonly JsonElement[] _nodes;
    private readonly string[] _blobs;
    private readonly string _path;
    private readonly Dictionary<int, object?> _memo = [];
    private readonly HashSet<int> _active = [];
    private int _current;
    private readonly Dictionary<string, Type> _attrsTypes;

    private RelayJsonReader(JsonElement[] nodes, string[] blobs, string path, string version)
    {
        _nodes = nodes; _blobs = blobs; _path = path; Version = version;
        RelayOps.EnsureRegistered();
        _attrsTypes = [];
        foreach (var op in OpRegistry.All(Dialect.Relay))
            foreach (var k in op.Schema.TypeKeys) _attrsTypes.TryAdd(k, op.AttrsType);
    }

    /// <summary>The writer's <c>attrs.tvm_version</c> ("" when absent).</summary>
    public string Version { get; }

    /// <summary>Decodes the root object: an <see cref="IRModule"/>, <see cref="Expr"/>, <see cref="RelayType"/>, <see cref="SymExpr"/>, …</summary>
    public static object? Read(string json, string path)
    {
        object? result = null;
        Exception? error = null;
        // Reference chains are as deep as the program (a GNF resnet); decode on a thread with a 512 MiB stack.
        var t = new Thread(() =>
        {
            try { result = ReadCore(json, path); }
            catch (Exception ex) { error = ex; }
        }, 512 * 1024 * 1024);
        t.Start();
        t.Join();
        if (error is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(error).Throw();
        return result;
    }

    /// <summary>Reads a document whose root is an IRModule (or a Function, wrapped as <c>@main</c>).</summary>
    public static IRModule ReadModule(string json, string path) => Read(json, path) switch
    {
        IRModule m => m,
        Function f => Wrap(f),
        var other => throw new BridgeException(RelayJsonDiagnosticIds.NotAModule, new SourceLoc.JsonNode(path, -1), $"the root object is a {other?.GetType().Name ?? "null"}, not an IRModule"),
    };

    private static IRModule Wrap(Function f)
    {
        var m = new IRModule();
        m.Add(new GlobalVar("main"), f);
        return m;
    }

    private static object? ReadCore(string json, string path)
    {
        JsonDocument doc;
        try { doc = JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = true, MaxDepth = 64 }); }
        catch (JsonException ex) { throw new BridgeException(RelayJsonDiagnosticIds.Malformed, new SourceLoc.Text(path, (int)(ex.LineNumber ?? 0) + 1, (int)(ex.BytePositionInLine ?? 0) + 1), "malformed JSON: " + ex.Message); }
        using (doc)
        {
            var root = doc.RootElement;
            SourceLoc top = new SourceLoc.JsonNode(path, -1);
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("nodes", out var nodes) || nodes.ValueKind != JsonValueKind.Array
                || !root.TryGetProperty("root", out var r) || !r.TryGetInt32(out var rootIdx))
                throw new BridgeException(RelayJsonDiagnosticIds.Malformed, top, "not a save_json document (needs 'root' and 'nodes')");
            // Header fields of the wrong JSON kind (a number where base64 text belongs, found by the fuzz soak) are malformed input.
            var blobs = root.TryGetProperty("b64ndarrays", out var b) && b.ValueKind == JsonValueKind.Array
                ? b.EnumerateArray().Select((x, i) => x.ValueKind == JsonValueKind.String ? x.GetString() ?? ""
                    : throw new BridgeException(RelayJsonDiagnosticIds.Malformed, top, $"b64ndarrays[{i}] is a JSON {x.ValueKind.ToString().ToLowerInvariant()}, not a base64 string")).ToArray()
                : [];
            var version = root.TryGetProperty("attrs", out var a) && a.ValueKind == JsonValueKind.Object && a.TryGetProperty("tvm_version", out var v)
                && v.ValueKind == JsonValueKind.String ? v.GetString() ?? "" : "";
            var reader = new RelayJsonReader([.. nodes.EnumerateArray().Select(n => n.Clone())], blobs, path, version);
            try { return reader.Node(rootIdx); }
            catch (Exception e) when (e is FormatException or InvalidOperationException or OverflowException or KeyNotFoundException or ArgumentException)
            {
                // A field of the wrong JSON kind, a number out of range (1e400), bad base64: malformed input, located at the
                // innermost node being decoded — never an internal error.
                throw reader.Bad(reader._current, $"malformed node: {e.Message}");
            }
        }
    }

    private BridgeException Bad(int idx, string msg) => new(RelayJsonDiagnosticIds.BadNode, new SourceLoc.JsonNode(_path, idx), msg);

    private SourceLoc Loc(int idx) => new SourceLoc.JsonNode(_path, idx);

    /// <summary>One <c>b64ndarrays</c> entry through the one NDArray codec (<see cref="NDArrayBlob"/>), located at the node.</summary>
    private Tensor DecodeBlob(byte[] blob, SourceLoc loc, int index)
    {
        try { return NDArrayBlob.Read(blob, _path, $"b64ndarrays[{index}]"); }
        catch (BridgeException e) { throw new BridgeException(RelayJsonDiagnosticIds.BadNode, loc, "bad NDArray blob: " + e.Diagnostic.Message); }
    }

    // 0.6 → 0.7 renames (json_compact), applied logically.
    private static string Normalize(string key) => key switch
    {
        "relay.Module" => "IRModule",
        "relay.GlobalVar" => "GlobalVar",
        "relay.TupleType" => "TupleType",
        "relay.FuncType" => "FuncType",
        "relay.IncompleteType" => "IncompleteType",
        "relay.TypeCall" => "TypeCall",
        "relay.TypeVar" => "TypeVar",
        "relay.GlobalTypeVar" => "GlobalTypeVar",
        "relay.TypeRelation" => "TypeRelation",
        "relay.Op" => "Op",
        "relay.Span" => "Span",
        "relay.SourceName" => "SourceName",
        "StrMap" => "Map",
        "Variable" => "tir.Var",
        "SizeVar" => "tir.SizeVar",
        "Any" => "tir.Any",
        "Add" or "Sub" or "Mul" or "Div" or "Mod" or "FloorDiv" or "FloorMod" or "Min" or "Max" => "tir." + key,
        "relay.RefType" => "relay.RefType",
        "TensorType" => "relay.TensorType",
        _ => key,
    };

    private JsonElement At(int idx) => idx >= 0 && idx < _nodes.Length ? _nodes[idx] : throw Bad(idx, $"node index {idx} is out of range (0..{_nodes.Length - 1})");

    private string Key(int idx) => At(idx).TryGetProperty("type_key", out var k) ? Normalize(k.GetString() ?? "") : "";

    private string? Attr(int idx, string field) =>
        At(idx).TryGetProperty("attrs", out var a) && a.ValueKind == JsonValueKind.Object && a.TryGetProperty(field, out var v)
            ? v.ValueKind == JsonValueKind.String ? v.GetString() : v.GetRawText() : null;

    private int Ref(int idx, string field)
    {
        var s = Attr(idx, field);
        if (s is null || s.Length == 0) return 0;
        return int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var r) ? r : throw Bad(idx, $"field '{field}' should reference a node but is '{s}'");
    }

    private object? Field(int idx, string field) => Node(Ref(idx, field));

    private T? FieldAs<T>(int idx, string field) where T : class
    {
        var o = Field(idx, field);
        return o is null ? null : o as T ?? throw Bad(Ref(idx, field), $"field '{field}' of node {idx} should be a {typeof(T).Name} but is a {o.GetType().Name}");
    }

    /// <summary>A string field: inline (std::string, ≤0.7 names) or a reference to a runtime.String node (trap 13).</summary>
    private string StrField(int idx, string field, string dflt = "")
    {
        var s = Attr(idx, field);
        if (s is null) return dflt;
        if (s.Length > 0 && s.All(char.IsAsciiDigit) && int.TryParse(s, out var r) && r < _nodes.Length && Key(r) == "runtime.String")
            return (string)Node(r)!;
        return s;
    }

    private long IntField(int idx, string field, long dflt = 0) =>
        Attr(idx, field) is { } s && long.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v) ? v : dflt;

    private List<object?> ArrayField(int idx, string field) => Field(idx, field) as List<object?> ?? [];

    private ImmutableArray<T> ArrayOf<T>(int idx, string field) where T : class =>
        [.. ArrayField(idx, field).Select(o => o as T ?? throw Bad(idx, $"field '{field}' holds a {o?.GetType().Name ?? "null"}, expected {typeof(T).Name}"))];

    private object? Node(int idx)
    {
        if (idx == 0) return null;
        if (_memo.TryGetValue(idx, out var v)) return v;
        if (!_active.Add(idx)) throw new BridgeException(RelayJsonDiagnosticIds.Cycle, Loc(idx), $"cyclic reference through node {idx}");
        // Reference chains are decoded recursively: a fixed, documented depth limit, and the stack guard as a safety net.
        if (_active.Count > StackGuard.MaxNesting) throw StackGuard.OverLimit(Loc(idx), _active.Count);
        StackGuard.Check(Loc(idx));
        var key = Key(idx);
        object? result;
        var outer = _current;
        _current = idx;
        // Var-like nodes are memoised before their children so a function body's references see the same Var.
        result = Decode(idx, key);
        _current = outer;
        _active.Remove(idx);
        _memo[idx] = result;
        return result;
    }

    private object? Decode(int idx, string key)
    {
        var n = At(idx);
        switch (key)
        {
            case "": return null;
            case "runtime.String":
                if (n.TryGetProperty("repr_str", out var rs)) return rs.GetString() ?? "";
                if (n.TryGetProperty("repr_b64", out var rb))
                {
                    var bytes = Convert.FromBase64String(rb.GetString() ?? "");
                    if (bytes.Length < 8) throw Bad(idx, "runtime.String repr_b64 is shorter than its length prefix");
                    var len = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
                    if (len > (ulong)(bytes.Length - 8)) throw Bad(idx, "runtime.String length prefix exceeds the data");
                    return System.Text.Encoding.UTF8.GetString(bytes, 8, (int)len);
                }
                return "";
            case "Array":
                return n.TryGetProperty("data", out var ad) ? ad.EnumerateArray().Select(x => Node(x.GetInt32())).ToList() : new List<object?>();
            case "Map":
                {
                    var data = n.TryGetProperty("data", out var md) ? md.EnumerateArray().Select(x => x.GetInt32()).ToList() : [];
                    var pairs = new List<KeyValuePair<object, object?>>();
                    if (n.TryGetProperty("keys", out var ks))
                    {
                        var keys = ks.EnumerateArray().Select(x => x.GetString() ?? "").ToList();
                        if (keys.Count != data.Count) throw Bad(idx, "Map keys and data differ in length");
                        for (var i = 0; i < keys.Count; i++) pairs.Add(new(keys[i], Node(data[i])));
                    }
                    else
                    {
                        if (data.Count % 2 != 0) throw Bad(idx, "Map data must hold key/value pairs");
                        for (var i = 0; i < data.Count; i += 2) pairs.Add(new(Node(data[i]) ?? throw Bad(idx, "null Map key"), Node(data[i + 1])));
                    }
                    return pairs;
                }
            case "IntImm": return StrField(idx, "dtype") == "bool" ? IntField(idx, "value") != 0 : IntField(idx, "value");
            case "FloatImm": return double.Parse(Attr(idx, "value") ?? "0", CultureInfo.InvariantCulture);
            case "runtime.BoxInt": return long.Parse(n.GetProperty("repr_str").GetString() ?? "0", CultureInfo.InvariantCulture);
            case "runtime.BoxFloat": return double.Parse(n.GetProperty("repr_str").GetString() ?? "0", CultureInfo.InvariantCulture);
            case "runtime.BoxBool": return (n.GetProperty("repr_str").GetString() ?? "") == "true";
            case "tir.Any": return SymVar.Any();
            case "tir.Var" or "tir.SizeVar": return new SymVar(StrField(idx, "name", "v"));
            case "tir.Add" or "tir.Sub" or "tir.Mul" or "tir.FloorDiv" or "tir.FloorMod" or "tir.Min" or "tir.Max" or "tir.Div" or "tir.Mod":
                {
                    var x = Dim(Field(idx, "a"), idx); var y = Dim(Field(idx, "b"), idx);
                    return key switch
                    {
                        "tir.Add" => x + y, "tir.Sub" => x - y, "tir.Mul" => x * y, "tir.Min" => SymExpr.Min(x, y), "tir.Max" => SymExpr.Max(x, y),
                        "tir.FloorMod" or "tir.Mod" => SymExpr.FloorMod(x, y), _ => SymExpr.FloorDiv(x, y),
                    };
                }
            case "Op":
                {
                    var name = n.TryGetProperty("repr_str", out var on) ? on.GetString() : n.TryGetProperty("global_key", out var gk) ? gk.GetString() : StrField(idx, "name");
                    var op = RelayOps.Find(name ?? "") ?? throw new BridgeException(RelayTextDiagnosticIds.UnknownOp, Loc(idx), $"unknown operator '{name}'");
                    return new OpRef(op, Loc(idx));
                }
            case "GlobalVar": return new GlobalVar(StrField(idx, "name_hint"), Loc(idx));
            case "relay.Id": return StrField(idx, "name_hint");
            case "relay.Var":
                return new Var(Field(idx, "vid") as string ?? StrField(idx, "name_hint"), FieldAs<RelayType>(idx, "type_annotation"), Loc(idx));
            case "relay.Constant":
                {
                    var di = (int)IntField(idx, "data", -1);
                    if (di < 0 || di >= _blobs.Length) throw Bad(idx, $"relay.Constant data index {di} is not in b64ndarrays");
                    return new Constant(DecodeBlob(Convert.FromBase64String(_blobs[di]), Loc(idx), di), Loc(idx));
                }
            case "relay.Tuple": return new Tuple(ArrayOf<Expr>(idx, "fields"), Loc(idx));
            case "relay.TupleGetItem": return new TupleGetItem(FieldAs<Expr>(idx, "tuple_value") ?? throw Bad(idx, "missing tuple_value"), (int)IntField(idx, "index"), Loc(idx));
            case "relay.Let":
                return new Let(FieldAs<Var>(idx, "var") ?? throw Bad(idx, "missing var"), FieldAs<Expr>(idx, "value") ?? throw Bad(idx, "missing value"),
                    FieldAs<Expr>(idx, "body") ?? throw Bad(idx, "missing body"), Loc(idx));
            case "relay.If":
                return new If(Req<Expr>(idx, "cond"), Req<Expr>(idx, "true_branch"), Req<Expr>(idx, "false_branch"), Loc(idx));
            case "relay.Function":
                return new Function(ArrayOf<Var>(idx, "params"), Req<Expr>(idx, "body"), FieldAs<RelayType>(idx, "ret_type"), ArrayOf<TypeVar>(idx, "type_params"),
                    FieldAs<DictAttrs>(idx, "attrs") ?? DictAttrs.Empty, Loc(idx));
            case "DictAttrs":
                {
                    var pairs = Field(idx, "__dict__") as List<KeyValuePair<object, object?>> ?? [];
                    return new DictAttrs([.. pairs.Select(p => new KeyValuePair<string, object?>(p.Key as string ?? p.Key.ToString()!, AttrValues.Freeze(p.Value)))]);
                }
            case "relay.Call":
                {
                    var callee = Req<Expr>(idx, "op");
                    var attrsObj = Field(idx, "attrs");
                    Attrs attrs = attrsObj switch { Attrs a => a, null => NoAttrs.Instance, _ => throw Bad(idx, "call attrs is not an attrs node") };
                    if (callee is OpRef o && attrs is NoAttrs && o.Op.AttrsType != typeof(NoAttrs)) attrs = o.Op.DefaultAttrs;
                    return new Call(callee, ArrayOf<Expr>(idx, "args"), attrs, ArrayOf<RelayType>(idx, "type_args"), Loc(idx));
                }
            case "relay.Match": return new Match(Req<Expr>(idx, "data"), ArrayOf<ClauseBox>(idx, "clauses").Select(c => c.Clause).ToImmutableArray(), IntField(idx, "complete", 1) != 0, Loc(idx));
            case "relay.Clause": return new ClauseBox(new Clause(ReqPattern(idx, "lhs"), Req<Expr>(idx, "rhs")));
            case "relay.PatternWildcard": return new PatternBox(PatternWildcard.Instance);
            case "relay.PatternVar": return new PatternBox(new PatternVar(Req<Var>(idx, "var")));
            case "relay.PatternConstructor":
                return new PatternBox(new PatternConstructor(Req<Constructor>(idx, "constructor"), [.. ArrayOf<PatternBox>(idx, "patterns").Select(p => p.Pattern)]));
            case "relay.PatternTuple": return new PatternBox(new PatternTuple([.. ArrayOf<PatternBox>(idx, "patterns").Select(p => p.Pattern)]));
            case "relay.RefCreate": return new RefCreate(Req<Expr>(idx, "value"), Loc(idx));
            case "relay.RefRead": return new RefRead(Req<Expr>(idx, "ref"), Loc(idx));
            case "relay.RefWrite": return new RefWrite(Req<Expr>(idx, "ref"), Req<Expr>(idx, "value"), Loc(idx));
            case "relay.Constructor":
                return new Constructor(StrField(idx, "name_hint"), ArrayOf<RelayType>(idx, "inputs"), Req<GlobalTypeVar>(idx, "belong_to"), Loc(idx)) { Tag = (int)IntField(idx, "tag") };
            case "relay.TypeData":
                {
                    var ctors = ArrayOf<Constructor>(idx, "constructors");
                    // A type without constructors can only be written as "extern type" in text.
                    return new TypeData(Req<GlobalTypeVar>(idx, "header"), ArrayOf<TypeVar>(idx, "type_vars"), ctors) { IsExtern = ctors.Length == 0 };
                }
            case "relay.TensorType":
                return new TensorType([.. ArrayField(idx, "shape").Select(d => Dim(d, idx))], ParseDType(StrField(idx, "dtype", "float32"), idx));
            case "TupleType": return new TupleType(ArrayOf<RelayType>(idx, "fields"));
            case "FuncType": return new FuncType(ArrayOf<RelayType>(idx, "arg_types"), Req<RelayType>(idx, "ret_type"), ArrayOf<TypeVar>(idx, "type_params"));
            case "TypeVar":
                return new TypeVar(Attr(idx, "var") is not null && Attr(idx, "name_hint") is null ? VarName(Ref(idx, "var")) : StrField(idx, "name_hint"), (TypeKind)IntField(idx, "kind"));
            case "GlobalTypeVar":
                return new GlobalTypeVar(Attr(idx, "var") is not null && Attr(idx, "name_hint") is null ? VarName(Ref(idx, "var")) : StrField(idx, "name_hint"));
            case "TypeCall": return new TypeCall(Req<RelayType>(idx, "func"), ArrayOf<RelayType>(idx, "args"));
            case "IncompleteType": return new IncompleteType((TypeKind)IntField(idx, "kind"));
            case "relay.RefType": return new RelayRefType(Req<RelayType>(idx, "value"));
            case "IRModule": return DecodeModule(idx);
            case "VirtualDevice" or "Span" or "SequentialSpan" or "SourceName" or "SourceMap" or "Source" or "Target" or "TypeRelation" or "EnvFunc":
                return null; // ignorable positions (placement, spans, tuning)
            default:
                if (key.StartsWith("relay.attrs.", StringComparison.Ordinal)) return DecodeAttrs(idx, key);
                throw new BridgeException(RelayJsonDiagnosticIds.UnknownTypeKey, Loc(idx), $"node {idx} has unsupported type_key '{key}'");
        }
    }

    private string VarName(int varIdx) => varIdx == 0 ? "" : StrField(varIdx, "name");

    private T Req<T>(int idx, string field) where T : class => FieldAs<T>(idx, field) ?? throw Bad(idx, $"node {idx} ({Key(idx)}) lacks required field '{field}'");

    private Pattern ReqPattern(int idx, string field) => Req<PatternBox>(idx, field).Pattern;

    private DataType ParseDType(string s, int idx) => DataType.TryParse(s, out var d) ? d : throw Bad(idx, $"unknown dtype '{s}'");

    private SymExpr Dim(object? d, int idx) => d switch
    {
        long l => l,
        SymExpr e => e,
        _ => throw Bad(idx, $"a shape dimension must be an integer or a symbolic expression, got {d?.GetType().Name ?? "null"}"),
    };

    private Attrs DecodeAttrs(int idx, string key)
    {
        if (!_attrsTypes.TryGetValue(key, out var type))
            throw new BridgeException(RelayJsonDiagnosticIds.UnknownTypeKey, Loc(idx), $"attrs type '{key}' is not used by any registered op");
        var schema = AttrSchema.Of(type);
        var values = new List<KeyValuePair<string, object?>>();
        foreach (var f in schema.Fields)
        {
            if (Attr(idx, f.Name) is null) continue; // missing in older files: keep the C++ default
            var t = Nullable.GetUnderlyingType(f.ClrType) ?? f.ClrType;
            object? raw;
            if (t == typeof(long)) raw = IsRefField(f) ? Field(idx, f.Name) : IntField(idx, f.Name);
            else if (t == typeof(double)) raw = Attr(idx, f.Name) is { } ds && double.TryParse(ds, NumberStyles.Float, CultureInfo.InvariantCulture, out var dv) ? dv : Field(idx, f.Name);
            else if (t == typeof(bool)) raw = Attr(idx, f.Name) == "1" || Attr(idx, f.Name) == "true";
            else if (t == typeof(string)) raw = StrField(idx, f.Name);
            else raw = Field(idx, f.Name);
            try { values.Add(new(f.Name, AttrValues.Coerce(raw, f))); }
            catch (FormatException ex) { throw Bad(idx, $"{key}.{f.Name}: {ex.Message}"); }
        }
        return schema.Create(values, out _);
    }

    // Nullable long fields are IndexExpr / Integer / Optional (node references); plain long fields are C++ int (inline).
    internal static bool IsRefField(AttrField f) => Nullable.GetUnderlyingType(f.ClrType) is not null;

    private sealed class ClauseBox(Clause c) { public Clause Clause { get; } = c; }
    private sealed class PatternBox(Pattern p) { public Pattern Pattern { get; } = p; }

    private IRModule DecodeModule(int idx)
    {
        var m = new IRModule();
        if (Field(idx, "type_definitions") is List<KeyValuePair<object, object?>> tds)
            foreach (var (_, td) in tds) if (td is TypeData d) m.AddType(d);
        if (Field(idx, "functions") is List<KeyValuePair<object, object?>> fns)
            foreach (var (k, f) in fns)
            {
                if (k is not GlobalVar gv) throw Bad(idx, "IRModule.functions keys must be GlobalVars");
                if (f is Function fn) m.Add(gv, fn);
                // tir.PrimFunc and other non-Relay functions are not Relay: they are skipped (a later lowering artefact).
            }
        return m;
    }
}
