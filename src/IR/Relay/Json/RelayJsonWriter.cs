using System.Globalization;
using System.Text.Json;
using System.Text;
using Bridge.Core.Files;
using Bridge.Ir.Ops.Relay;
using Bridge.Ir.Ops;

namespace Bridge.Ir.Relay.Json;

/// <summary>
/// Writes 0.19-style <c>save_json</c> documents (spec §2): node 0 null, parents before children (pre-order), shared
/// nodes written once, attrs records with every declared field, constants in <c>b64ndarrays</c>.
/// Expression nodes carry <c>virtual_device_: "0"</c> (unconstrained) and no spans.
/// </summary>
public sealed class RelayJsonWriter
{
    private readonly List<Dictionary<string, object>> _nodes = [new() { ["type_key"] = "" }];
    private readonly Dictionary<object, int> _ids = new(ReferenceEqualityComparer.Instance);
    private readonly List<string> _blobs = [];

    public static string WriteModule(IRModule m)
    {
        var w = new RelayJsonWriter();
        var root = w.Module(m);
        return w.Finish(root);
    }

    public static string WriteExpr(Expr e)
    {
        var w = new RelayJsonWriter();
        var root = w.Obj(e);
        return w.Finish(root);
    }

    /// <summary>The <c>#[metadata]</c> document: a Map {"relay.Constant": [constants…]} (spec §1.8).</summary>
    public static string WriteMetadata(IReadOnlyList<Constant> constants)
    {
        var w = new RelayJsonWriter();
        var root = w.New("Map", out var map);
        var arr = w.Array(constants.Select(c => w.Obj(c)).ToList());
        map["keys"] = new List<string> { "relay.Constant" };
        map["data"] = new List<int> { arr };
        return w.Finish(root);
    }

    private string Finish(int root)
    {
        var doc = new Dictionary<string, object>
        {
            ["root"] = root, ["nodes"] = _nodes, ["b64ndarrays"] = _blobs, ["attrs"] = new Dictionary<string, string> { ["tvm_version"] = "0.19.0" },
        };
        return JsonSerializer.Serialize(doc, new JsonSerializerOptions { WriteIndented = true });
    }

    private int New(string typeKey, out Dictionary<string, object> node)
    {
        node = new Dictionary<string, object> { ["type_key"] = typeKey };
        _nodes.Add(node);
        return _nodes.Count - 1;
    }

    private int Str(string s)
    {
        var id = New("runtime.String", out var n);
        if (s.Length == 0) return id;
        if (s.All(c => c >= 0x20 && c < 0x7f)) n["repr_str"] = s;
        else
        {
            var bytes = Encoding.UTF8.GetBytes(s);
            var buf = new byte[8 + bytes.Length];
            BitConverter.TryWriteBytes(buf.AsSpan(), (ulong)bytes.Length);
            bytes.CopyTo(buf, 8);
            n["repr_b64"] = Convert.ToBase64String(buf);
        }
        return id;
    }

    private int Array(IEnumerable<int> items)
    {
        var id = New("Array", out var n);
        var l = items.ToList();
        if (l.Count > 0) n["data"] = l;
        return id;
    }

    private static string S(long v) => v.ToString(CultureInfo.InvariantCulture);

    private int IntImm(long v, string dtype = "int32")
    {
        var id = New("IntImm", out var n);
        n["attrs"] = new SortedDictionary<string, string>(StringComparer.Ordinal) { ["dtype"] = dtype, ["span"] = "0", ["value"] = S(v) };
        return id;
    }

    private int Module(IRModule m)
    {
        var id = New("IRModule", out var n);
        var attrs = new SortedDictionary<string, string>(StringComparer.Ordinal);
        n["attrs"] = attrs;
        var fnPairs = new List<int>();
        foreach (var (gv, f) in m.Functions) { fnPairs.Add(Obj(gv)); fnPairs.Add(Obj(f)); }
        var fid = New("Map", out var fmap); if (fnPairs.Count > 0) fmap["data"] = fnPairs;
        attrs["functions"] = S(fid);
        var tdPairs = new List<int>();
        foreach (var td in m.TypeDefinitions) { tdPairs.Add(Type(td.Header)); tdPairs.Add(TypeDataNode(td)); }
        var tid = New("Map", out var tmap); if (tdPairs.Count > 0) tmap["data"] = tdPairs;
        attrs["type_definitions"] = S(tid);
        var gid = New("Map", out var gmap);
        if (m.Functions.Count > 0) { gmap["keys"] = m.Functions.Select(f => f.Var.Name).ToList(); gmap["data"] = m.Functions.Select(f => _ids[f.Var]).ToList(); }
        attrs["global_var_map_"] = S(gid);
        var gtid = New("Map", out var gtmap);
        if (m.TypeDefinitions.Count > 0) { gtmap["keys"] = m.TypeDefinitions.Select(t => t.Header.Name).ToList(); gtmap["data"] = m.TypeDefinitions.Select(t => _ids[t.Header]).ToList(); }
        attrs["global_type_var_map_"] = S(gtid);
        attrs["source_map"] = "0";
        attrs["attrs"] = "0";
        var gi = New("Map", out _);
        attrs["global_infos"] = S(gi);
        return id;
    }

    private int TypeDataNode(TypeData td)
    {
        var id = New("relay.TypeData", out var n);
        var a = new SortedDictionary<string, string>(StringComparer.Ordinal);
        n["attrs"] = a;
        a["header"] = S(Type(td.Header));
        a["type_vars"] = S(Array(td.TypeParams.Select(Type)));
        a["constructors"] = S(Array(td.Constructors.Select(c => Obj(c))));
        a["span"] = "0";
        return id;
    }

    private SortedDictionary<string, string> ExprNode(string key, Expr e, out int id)
    {
        id = New(key, out var n);
        _ids[e] = id;
        var a = new SortedDictionary<string, string>(StringComparer.Ordinal) { ["span"] = "0", ["virtual_device_"] = "0", ["_checked_type_"] = "0" };
        n["attrs"] = a;
        return a;
    }

    private int Obj(Expr e)
    {
        Bridge.Core.Limits.StackGuard.Check(e.Loc); // deep input: a located diagnostic, not a crash
        if (_ids.TryGetValue(e, out var existing)) return existing;
        int id;
        switch (e)
        {
            case Var v:
                {
                    var a = ExprNode("relay.Var", v, out id);
                    var vid = New("relay.Id", out var idn);
                    idn["attrs"] = new SortedDictionary<string, string> { ["name_hint"] = S(Str(v.Name)) };
                    a["vid"] = S(vid);
                    a["type_annotation"] = v.TypeAnnotation is null ? "0" : S(Type(v.TypeAnnotation));
                    return id;
                }
            case GlobalVar g:
                {
                    var a = ExprNode("GlobalVar", g, out id);
                    a.Remove("_checked_type_");
                    a["name_hint"] = S(Str(g.Name));
                    a["struct_info_"] = "0";
                    a["_checked_type_"] = "0";
                    return id;
                }
            case OpRef o:
                {
                    id = New("Op", out var n);
                    n["repr_str"] = o.Name;
                    _ids[e] = id;
                    return id;
                }
            case Constant k:
                {
                    if (k.Value is null) throw new Core.Diagnostics.BridgeException(RelayJsonDiagnosticIds.BadNode, k.Loc, $"constant meta[relay.Constant][{k.MetaIndex}] has a type but no value; save_json needs the tensor");
                    var a = ExprNode("relay.Constant", k, out id);
                    a["data"] = S(_blobs.Count);
                    _blobs.Add(Convert.ToBase64String(NDArrayBlob.Write(k.Value)));
                    return id;
                }
            case Call c:
                {
                    var a = ExprNode("relay.Call", c, out id);
                    a["op"] = S(Obj(c.Callee));
                    a["args"] = S(Array(c.Args.Select(Obj)));
                    a["attrs"] = S(AttrsNode(c.Attrs));
                    a["type_args"] = S(Array(c.TypeArgs.Select(Type)));
                    return id;
                }
            case Tuple t:
                {
                    var a = ExprNode("relay.Tuple", t, out id);
                    a["fields"] = S(Array(t.Fields.Select(Obj)));
                    return id;
                }
            case TupleGetItem g:
                {
                    var a = ExprNode("relay.TupleGetItem", g, out id);
                    a["tuple_value"] = S(Obj(g.TupleValue));
                    a["index"] = S(g.Index);
                    return id;
                }
            case Let l:
                {
                    var a = ExprNode("relay.Let", l, out id);
                    a["var"] = S(Obj(l.Var));
                    a["value"] = S(Obj(l.Value));
                    a["body"] = S(Obj(l.Body));
                    return id;
                }
            case If i:
                {
                    var a = ExprNode("relay.If", i, out id);
                    a["cond"] = S(Obj(i.Cond)); a["true_branch"] = S(Obj(i.Then)); a["false_branch"] = S(Obj(i.Else));
                    return id;
                }
            case Function f:
                {
                    var a = ExprNode("relay.Function", f, out id);
                    a["params"] = S(Array(f.Params.Select(Obj)));
                    a["body"] = S(Obj(f.Body));
                    a["ret_type"] = f.RetType is null ? "0" : S(Type(f.RetType));
                    a["type_params"] = S(Array(f.TypeParams.Select(Type)));
                    a["attrs"] = S(AttrsNode(f.Attrs));
                    return id;
                }
            case Match m:
                {
                    var a = ExprNode("relay.Match", m, out id);
                    a["data"] = S(Obj(m.Data));
                    a["clauses"] = S(Array(m.Clauses.Select(cl =>
                    {
                        var cid = New("relay.Clause", out var cn);
                        cn["attrs"] = new SortedDictionary<string, string>(StringComparer.Ordinal) { ["lhs"] = S(PatternNode(cl.Lhs)), ["rhs"] = S(Obj(cl.Rhs)) };
                        return cid;
                    })));
                    a["complete"] = m.Complete ? "1" : "0";
                    return id;
                }
            case Constructor c:
                {
                    id = New("relay.Constructor", out var n);
                    _ids[e] = id;
                    n["attrs"] = new SortedDictionary<string, string>(StringComparer.Ordinal)
                    {
                        ["name_hint"] = S(Str(c.Name)), ["inputs"] = S(Array(c.Inputs.Select(Type))), ["belong_to"] = S(Type(c.BelongsTo)),
                        ["tag"] = S(c.Tag), ["span"] = "0", ["_checked_type_"] = "0",
                    };
                    return id;
                }
            case RefCreate r: { var a = ExprNode("relay.RefCreate", r, out id); a["value"] = S(Obj(r.Value)); return id; }
            case RefRead r: { var a = ExprNode("relay.RefRead", r, out id); a["ref"] = S(Obj(r.Ref)); return id; }
            case RefWrite r: { var a = ExprNode("relay.RefWrite", r, out id); a["ref"] = S(Obj(r.Ref)); a["value"] = S(Obj(r.Value)); return id; }
            default: throw new Core.Diagnostics.BridgeInternalError($"cannot serialise {e.GetType().Name}");
        }
    }

    private int PatternNode(Pattern p)
    {
        switch (p)
        {
            case PatternWildcard: { var id = New("relay.PatternWildcard", out var n); n["attrs"] = new SortedDictionary<string, string> { ["span"] = "0" }; return id; }
            case PatternVar v: { var id = New("relay.PatternVar", out var n); n["attrs"] = new SortedDictionary<string, string> { ["span"] = "0", ["var"] = S(Obj(v.Var)) }; return id; }
            case PatternConstructor c:
                {
                    var id = New("relay.PatternConstructor", out var n);
                    n["attrs"] = new SortedDictionary<string, string>(StringComparer.Ordinal) { ["constructor"] = S(Obj(c.Constructor)), ["patterns"] = S(Array(c.Patterns.Select(PatternNode))), ["span"] = "0" };
                    return id;
                }
            case PatternTuple t:
                {
                    var id = New("relay.PatternTuple", out var n);
                    n["attrs"] = new SortedDictionary<string, string>(StringComparer.Ordinal) { ["patterns"] = S(Array(t.Patterns.Select(PatternNode))), ["span"] = "0" };
                    return id;
                }
            default: throw new Core.Diagnostics.BridgeInternalError("unknown pattern");
        }
    }

    private int Type(RelayType t)
    {
        if (_ids.TryGetValue(t, out var existing)) return existing;
        int id;
        Dictionary<string, object> n;
        var a = new SortedDictionary<string, string>(StringComparer.Ordinal) { ["span"] = "0" };
        switch (t)
        {
            case TensorType tt:
                id = New("relay.TensorType", out n);
                a["dtype"] = tt.DType.ToString();
                a["shape"] = S(Array(tt.Shape.Select(DimNode)));
                break;
            case TupleType tu: id = New("TupleType", out n); a["fields"] = S(Array(tu.Fields.Select(Type))); break;
            case FuncType f:
                id = New("FuncType", out n);
                a["arg_types"] = S(Array(f.ArgTypes.Select(Type))); a["ret_type"] = S(Type(f.RetType));
                a["type_params"] = S(Array(f.TypeParams.Select(Type))); a["type_constraints"] = S(Array([]));
                break;
            case TypeVar v: id = New("TypeVar", out n); a["name_hint"] = S(Str(v.Name)); a["kind"] = S((long)v.Kind); break;
            case GlobalTypeVar g: id = New("GlobalTypeVar", out n); a["name_hint"] = S(Str(g.Name)); a["kind"] = "5"; break;
            case TypeCall c: id = New("TypeCall", out n); a["func"] = S(Type(c.Func)); a["args"] = S(Array(c.Args.Select(Type))); break;
            case IncompleteType i: id = New("IncompleteType", out n); a["kind"] = S((long)i.Kind); break;
            case RelayRefType r: id = New("relay.RefType", out n); a["value"] = S(Type(r.ValueType)); break;
            default: throw new Core.Diagnostics.BridgeInternalError("unknown type");
        }
        n["attrs"] = a;
        if (t is TypeVar or GlobalTypeVar) _ids[t] = id;
        return id;
    }

    private readonly Dictionary<SymVar, int> _symIds = [];

    private int DimNode(SymExpr d)
    {
        if (d.IsConst(out var v)) return IntImm(v);
        if (d is SymVar { IsAny: true })
        {
            var id = New("tir.Any", out var n);
            n["attrs"] = new SortedDictionary<string, string> { ["dtype"] = "int32", ["span"] = "0" };
            return id;
        }
        if (d is SymVar sv)
        {
            if (_symIds.TryGetValue(sv, out var e)) return e;
            var id = New("tir.SizeVar", out var n);
            n["attrs"] = new SortedDictionary<string, string>(StringComparer.Ordinal) { ["dtype"] = "int32", ["name"] = S(Str(sv.Name)), ["span"] = "0", ["type_annotation"] = "0" };
            return _symIds[sv] = id;
        }
        throw new Core.Diagnostics.BridgeException(RelayJsonDiagnosticIds.BadNode, Core.Diagnostics.SourceLoc.Unknown.Instance, $"symbolic dim {d} cannot be written yet");
    }

    private int AttrsNode(Attrs attrs)
    {
        switch (attrs)
        {
            case NoAttrs: return 0;
            case DictAttrs d:
                {
                    var id = New("DictAttrs", out var n);
                    var mid = New("Map", out var map);
                    if (d.Entries.Length > 0) { map["keys"] = d.Entries.Select(e => e.Key).ToList(); map["data"] = d.Entries.Select(e => Value(e.Value)).ToList(); }
                    n["attrs"] = new SortedDictionary<string, string> { ["__dict__"] = S(mid) };
                    return id;
                }
        }
        var schema = attrs.Schema;
        var key = schema.TypeKeys.FirstOrDefault() ?? throw new Core.Diagnostics.BridgeInternalError($"{schema.Type.Name} has no attrs type key");
        var nid = New(key, out var node);
        var a = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (f, v) in schema.All(attrs))
        {
            var t = Nullable.GetUnderlyingType(f.ClrType) ?? f.ClrType;
            if (t == typeof(long)) a[f.Name] = RelayJsonReader.IsRefField(f) ? (v is long l ? S(IntImm(l)) : "0") : S((long)v!);
            else if (t == typeof(double)) a[f.Name] = v is double dv ? dv.ToString("R", CultureInfo.InvariantCulture) : "0";
            else if (t == typeof(bool)) a[f.Name] = (bool)v! ? "1" : "0";
            else if (t == typeof(string))
            {
                var s = (string?)v;
                var inline = f.Property.IsDefined(typeof(StdStringAttribute), false) || f.Name.EndsWith("dtype", StringComparison.Ordinal);
                a[f.Name] = s is null ? "0" : inline ? s : S(Str(s));
            }
            else a[f.Name] = S(Value(v));
        }
        node["attrs"] = a;
        return nid;
    }

    /// <summary>Generic value node (function attrs, object-typed attrs fields).</summary>
    private int Value(object? v) => v switch
    {
        null => 0,
        long l => IntImm(l),
        int i => IntImm(i),
        bool b => IntImm(b ? 1 : 0, "bool"),
        double d => Float(d),
        string s => Str(s),
        ValueArray<long> la => Array(la.Select(x => IntImm(x))),
        ValueArray<double> da => Array(da.Select(Float)),
        ValueArray<ValueArray<long>> na => Array(na.Select(inner => Array(inner.Select(x => IntImm(x))))),
        ValueArray<object?> oa => Array(oa.Select(Value)),
        Expr e => Obj(e),
        MetaRef => 0, // virtual devices etc. are placement hints; written unconstrained
        _ => throw new Core.Diagnostics.BridgeInternalError($"cannot serialise attribute value {v.GetType().Name}"),
    };

    private int Float(double d)
    {
        var id = New("FloatImm", out var n);
        n["attrs"] = new SortedDictionary<string, string> { ["dtype"] = "float32", ["span"] = "0", ["value"] = d.ToString("R", CultureInfo.InvariantCulture) };
        return id;
    }
}
