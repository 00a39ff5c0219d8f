using System.Globalization;
using Bridge.Core.Files;
using Bridge.Ir.Ops.Relax;
using Bridge.Ir.Ops;

namespace Bridge.Ir.Relax.Json;

/// <summary>
/// Reads a Relax module from <c>tvm.ir.save_json</c> output of any era (detected from the envelope and node types). Shared
/// node indices give shared objects, so vars and symbolic vars keep their identity. Errors carry the JSON node index.
/// </summary>
public sealed class RelaxJsonReader
{
    private readonly List<GNode> _n;
    private readonly string _path;
    private readonly Dictionary<int, object> _memo = [];
    private int _depth;

    private RelaxJsonReader(List<GNode> nodes, string path) { _n = nodes; _path = path; }

    /// <summary>Reads a module; the overload with <c>out JsonEra</c> also reports the detected era.</summary>
    public static IRModule Read(string json, string path) => Read(json, path, out _);

    public static IRModule Read(string json, string path, out JsonEra era)
    {
        var (nodes, root, e) = JsonGraph.Read(json, path);
        era = e;
        var r = new RelaxJsonReader(nodes, path);
        try { return r.Module(root); }
        catch (Exception ex) when (ex is FormatException or InvalidCastException or ArgumentException or KeyNotFoundException or OverflowException or IndexOutOfRangeException)
        {
            throw new BridgeException(RelaxJsonDiagnosticIds.BadJson, new SourceLoc.JsonNode(path, r._cur), $"malformed graph: {ex.Message}");
        }
    }

    /// <summary>
    /// Reads the metadata document of a TVMScript file (<c>metadata = tvm.ir.load_json("""…""")</c>): the constants under
    /// <c>relax.expr.Constant</c>, in index order. Both Map spellings are read (key/value pairs, and TVM's string-keyed <c>keys</c> form).
    /// </summary>
    public static IReadOnlyList<Constant> ReadMetadata(string json, string path)
    {
        var (nodes, root, _) = JsonGraph.Read(json, path);
        var r = new RelaxJsonReader(nodes, path);
        try
        {
            var node = r.Node(root);
            IEnumerable<(string Key, int Value)> entries = node.Type switch
            {
                "Map" => r.Map(root).Select(kv => (r.Str(kv.K), kv.V)).ToList(),
                "StrMap" => (List<(string, int)>)node.Payload!,
                _ => throw r.Err(root, RelaxJsonDiagnosticIds.UnsupportedNode, $"metadata root is {node.Type}, expected a Map"),
            };
            var list = entries.FirstOrDefault(e => e.Key == "relax.expr.Constant");
            if (list.Key is null) return [];
            return [.. r.Arr(list.Value).Select(i => r.Expr(i) as Constant ?? throw r.Err(i, RelaxJsonDiagnosticIds.UnsupportedNode, "metadata entry is not a constant"))];
        }
        catch (Exception ex) when (ex is FormatException or InvalidCastException or ArgumentException or KeyNotFoundException or OverflowException or IndexOutOfRangeException)
        {
            throw new BridgeException(RelaxJsonDiagnosticIds.BadJson, new SourceLoc.JsonNode(path, r._cur), $"malformed metadata: {ex.Message}");
        }
    }

    private int _cur;

    private BridgeException Err(int i, DiagnosticId id, string msg) => new(id, new SourceLoc.JsonNode(_path, i), msg);

    private GNode Node(int i)
    {
        if (i < 0 || i >= _n.Count) throw Err(_cur, RelaxJsonDiagnosticIds.BadReference, $"reference {i} out of range");
        _cur = i;
        return _n[i];
    }

    private static int Idx(GVal v) => v switch
    {
        GVal.Ref r => r.Index,
        GVal.Int i => checked((int)i.Value),
        GVal.Text t => int.Parse(t.Value, CultureInfo.InvariantCulture),
        _ => throw new FormatException("expected a node reference"),
    };

    private static long Long(GVal v) => v switch
    {
        GVal.Int i => i.Value,
        GVal.Text t => long.Parse(t.Value, CultureInfo.InvariantCulture),
        GVal.Float f => (long)f.Value,
        _ => throw new FormatException("expected an integer"),
    };

    private static double Dbl(GVal v) => v switch
    {
        GVal.Float f => f.Value,
        GVal.Int i => i.Value,
        GVal.Text t => double.Parse(t.Value, CultureInfo.InvariantCulture),
        _ => throw new FormatException("expected a number"),
    };

    private static bool Bool(GVal v) => v switch
    {
        GVal.Bool b => b.Value,
        GVal.Int i => i.Value != 0,
        GVal.Text t => t.Value is "1" or "true" or "True",
        _ => throw new FormatException("expected a bool"),
    };

    private GVal F(int i, params string[] names)
    {
        var n = Node(i);
        foreach (var name in names) if (n.Field(name) is { } v) return v;
        throw Err(i, RelaxJsonDiagnosticIds.MissingField, $"{n.Type} has no field '{string.Join("/", names)}'");
    }

    private int Ref(int i, params string[] names) => Idx(F(i, names));
    private bool IsNone(int i) => Node(i).Type == "None";
    private string Str(int i) => Node(i).Type == "String" ? (string)_n[i].Payload! : throw Err(i, RelaxJsonDiagnosticIds.UnsupportedNode, $"expected a string, got {_n[i].Type}");
    private List<int> Arr(int i) => Node(i).Type == "Array" ? (List<int>)_n[i].Payload! : throw Err(i, RelaxJsonDiagnosticIds.UnsupportedNode, $"expected an array, got {_n[i].Type}");
    private List<(int K, int V)> Map(int i) => Node(i).Type == "Map" ? (List<(int, int)>)_n[i].Payload! : throw Err(i, RelaxJsonDiagnosticIds.UnsupportedNode, $"expected a map, got {_n[i].Type}");
    private static string Short(string type) => type[(type.LastIndexOf('.') + 1)..];

    private IRModule Module(int root)
    {
        var n = Node(root);
        if (Short(n.Type) != "IRModule") throw Err(root, RelaxJsonDiagnosticIds.UnsupportedNode, $"root is {n.Type}, not an IRModule");
        var entries = ImmutableArray.CreateBuilder<ModuleEntry>();
        foreach (var (k, v) in Map(Ref(root, "functions")))
        {
            var gv = (GlobalVar)Global(k);
            var fn = Node(v).Type switch
            {
                "relax.expr.Function" => (object)Func(v),
                "relax.expr.ExternFunc" => Expr(v),
                var t => throw Err(v, RelaxJsonDiagnosticIds.UnsupportedNode, $"module function of type {t} is not supported (TIR PrimFuncs cannot be read from JSON)"),
            };
            entries.Add(new ModuleEntry(gv, fn));
        }
        return new IRModule("Module", entries.ToImmutable(), new SourceLoc.JsonNode(_path, root));
    }

    private Expr Global(int i)
    {
        if (_memo.TryGetValue(i, out var m)) return (Expr)m;
        var g = new GlobalVar(Str(Ref(i, "name_hint")), new SourceLoc.JsonNode(_path, i));
        _memo[i] = g;
        return g;
    }

    private StructInfo? InfoOf(int i)
    {
        var n = Node(i);
        var f = n.Field("struct_info_") ?? n.Field("ty");
        return f is null || IsNone(Idx(f)) ? null : SInfo(Idx(f));
    }

    private Function Func(int i)
    {
        var ps = Arr(Ref(i, "params")).Select(p => (Var)Expr(p)).ToImmutableArray();
        var body = (SeqExpr)Expr(Ref(i, "body"));
        var retIdx = Ref(i, "ret_ty", "ret_struct_info");
        var ret = IsNone(retIdx) ? null : SInfo(retIdx);
        var pure = Bool(F(i, "is_pure"));
        var attrs = ImmutableArray<KeyValuePair<string, object>>.Empty;
        if (Node(i).Field("attrs") is { } a && !IsNone(Idx(a)))
            attrs = [.. Map(Ref(Idx(a), "__dict__")).Select(kv => new KeyValuePair<string, object>(Str(kv.K), AttrObj(kv.V)))];
        var f = new Function(ps, body, ret, pure, attrs, new SourceLoc.JsonNode(_path, i));
        return new Function(f.Params, f.Body, f.RetInfo, f.IsPure, f.Attrs, f.Loc) { Info = f.Signature };
    }

    private object AttrObj(int i)
    {
        var n = Node(i);
        return n.Type switch
        {
            "String" => Str(i),
            "IntBox" => (long)n.Payload!,
            "FloatBox" => (double)n.Payload!,
            "BoolBox" => (bool)n.Payload!,
            "Array" => Arr(i).Select(AttrObj).ToImmutableArray(),
            "Map" => Map(i).Select(kv => new KeyValuePair<string, object>(Str(kv.K), AttrObj(kv.V))).OrderBy(k => k.Key, StringComparer.Ordinal).ToImmutableArray(),
            "IntImm" or "ir.IntImm" => n.Field("dtype") is GVal.Text { Value: "bool" } ? Long(F(i, "value")) != 0 : Long(F(i, "value")),
            "FloatImm" or "ir.FloatImm" => Dbl(F(i, "value")),
            _ => throw Err(i, RelaxJsonDiagnosticIds.UnsupportedNode, $"unsupported function attribute value {n.Type}"),
        };
    }

    private Expr Expr(int i)
    {
        if (_memo.TryGetValue(i, out var m))
            return m switch { Expr e => e, SymVar sv => PrimValue.Int64(sv), _ => throw Err(i, RelaxJsonDiagnosticIds.UnsupportedNode, "bad shared node") };
        if (++_depth > 500) throw Err(i, RelaxJsonDiagnosticIds.BadJson, "graph nested too deeply");
        try { return ExprCore(i); }
        finally { _depth--; }
    }

    private Expr ExprCore(int i)
    {
        var n = Node(i);
        var loc = new SourceLoc.JsonNode(_path, i);
        switch (n.Type)
        {
            case "relax.expr.Var" or "relax.expr.DataflowVar" or "ir.Var":
            {
                var name = n.Field("vid") is { } vid ? Str(Ref(Idx(vid), "name_hint")) : Str(Ref(i, "name"));
                var info = InfoOf(i);
                Var v = n.Type == "relax.expr.DataflowVar" ? new DataflowVar(name, info, loc) : new Var(name, info, loc);
                _memo[i] = v;
                return v;
            }
            case "GlobalVar" or "ir.GlobalVar": return Global(i);
            case "relax.expr.Function": return Func(i);
            case "relax.expr.Call" or "ir.Call":
            {
                var opIdx = Ref(i, "op");
                Expr callee;
                OpDef? op = null;
                if (Node(opIdx).Type == "Op")
                {
                    var name = (string)_n[opIdx].Payload!;
                    op = OpRegistry.Find(Dialect.Relax, name) ?? throw Err(opIdx, RelaxJsonDiagnosticIds.UnsupportedNode, $"unknown or unsupported Relax op '{name}'");
                    callee = new OpRef(op, loc);
                }
                else callee = Expr(opIdx);
                var args = Arr(Ref(i, "args")).Select(Expr).ToImmutableArray();
                var attrIdx = Ref(i, "attrs");
                var attrs = op is null ? NoAttrs.Instance : IsNone(attrIdx) ? op.DefaultAttrs : Attrs(op, attrIdx);
                var sargs = Arr(Ref(i, "sinfo_args", "ty_args")).Select(SInfo).ToImmutableArray();
                return new Call(callee, args, attrs, sargs, loc) { Info = InfoOf(i) };
            }
            case "relax.expr.Constant":
            {
                var t = Node(Ref(i, "data"));
                if (t.Type != "Tensor") throw Err(i, RelaxJsonDiagnosticIds.UnsupportedNode, "constant data is not a tensor");
                Core.Tensors.Tensor data;
                try { data = NDArrayBlob.Read((byte[])t.Payload!, _path, $"node {i}"); }
                catch (BridgeException e) { throw Err(i, RelaxJsonDiagnosticIds.BadJson, "malformed graph: bad NDArray blob: " + e.Diagnostic.Message); }
                return new Constant(data, loc) { Info = InfoOf(i) };
            }
            case "relax.expr.Tuple": return new TupleExpr(Arr(Ref(i, "fields")).Select(Expr).ToImmutableArray(), loc) { Info = InfoOf(i) };
            case "relax.expr.TupleGetItem": return new TupleGetItem(Expr(Ref(i, "tuple_value")), (int)Long(F(i, "index")), loc) { Info = InfoOf(i) };
            case "relax.expr.ShapeExpr":
            {
                var vals = Arr(Ref(i, "values")).Select(Sym).ToImmutableArray();
                return new ShapeExpr(vals, loc) { Info = InfoOf(i) ?? new ShapeSInfo(new ValueArray<SymExpr>(vals)) };
            }
            case "relax.expr.PrimValue": return PrimOf(Ref(i, "value"), loc);
            case "relax.expr.StringImm": return new StringImm(Str(Ref(i, "value")), loc) { Info = InfoOf(i) };
            case "relax.expr.DataTypeImm":
            {
                var v = F(i, "value");
                var s = v is GVal.Text t ? t.Value : (string)Node(Idx(v)).Payload!;
                return new DataTypeImm(DataType.TryParse(s, out var dt) ? dt : throw Err(i, RelaxJsonDiagnosticIds.BadJson, $"bad dtype '{s}'"), loc) { Info = InfoOf(i) };
            }
            case "relax.expr.ExternFunc":
            {
                var info = InfoOf(i);
                var explicitTy = info is not null && !RelaxStructuralEqual.Infos(info, FuncSInfo.Opaque()) ? info : null;
                return new ExternFunc(Str(Ref(i, "global_symbol")), explicitTy, loc) { Info = info ?? FuncSInfo.Opaque() };
            }
            case "relax.expr.If":
                return new If(Expr(Ref(i, "cond")), (SeqExpr)Expr(Ref(i, "true_branch")), (SeqExpr)Expr(Ref(i, "false_branch")), loc) { Info = InfoOf(i) };
            case "relax.expr.SeqExpr":
            {
                var blocks = Arr(Ref(i, "blocks")).Select(Block).ToImmutableArray();
                var body = Expr(Ref(i, "body"));
                return new SeqExpr(blocks, body, loc) { Info = InfoOf(i) ?? body.Info };
            }
            default:
                // v0.26+: prim values are plain PrimExprs.
                if (n.Type is "ir.IntImm" or "ir.FloatImm" || n.Type.StartsWith("tirx.", StringComparison.Ordinal) || n.Type.StartsWith("tir.", StringComparison.Ordinal))
                    return PrimOf(i, loc);
                throw Err(i, RelaxJsonDiagnosticIds.UnsupportedNode, $"unsupported node type '{n.Type}'");
        }
    }

    private PrimValue PrimOf(int i, SourceLoc loc)
    {
        var n = Node(i);
        if (Short(n.Type) == "FloatImm")
        {
            var dt = n.Field("dtype") is GVal.Text t ? DataType.Parse(t.Value) : n.Field("ty") is { } ty && SInfo(Idx(ty)) is PrimSInfo p ? p.DType : DataType.Float32;
            return new PrimValue(dt, null, Dbl(F(i, "value")), loc) { Info = new PrimSInfo(dt) };
        }
        return PrimValue.Int64(Sym(i), loc);
    }

    private BindingBlock Block(int i)
    {
        var bs = ImmutableArray.CreateBuilder<Binding>();
        foreach (var b in Arr(Ref(i, "bindings")))
        {
            var val = Expr(Ref(b, "value"));
            var v = (Var)Expr(Ref(b, "var"));
            var loc = new SourceLoc.JsonNode(_path, b);
            bs.Add(Node(b).Type == "relax.expr.MatchCast" ? new MatchCast(v, val, SInfo(Ref(b, "struct_info", "ty")), loc) : new VarBinding(v, val, loc));
        }
        return Node(i).Type == "relax.expr.DataflowBlock" ? new DataflowBlock(bs.ToImmutable(), new SourceLoc.JsonNode(_path, i)) : new BindingBlock(bs.ToImmutable(), new SourceLoc.JsonNode(_path, i));
    }

    private Attrs Attrs(OpDef op, int i)
    {
        var n = Node(i);
        var values = new List<KeyValuePair<string, object?>>();
        foreach (var (name, gv) in n.Fields)
        {
            if (!op.Schema.TryGetField(name, out var f)) continue; // fields of other versions (e.g. v0.19 axis_separators)
            var t = Nullable.GetUnderlyingType(f.ClrType) ?? f.ClrType;
            object? val;
            var refNode = gv is GVal.Ref or GVal.Text or GVal.Int && t != typeof(long) && t != typeof(double) && t != typeof(bool) && t != typeof(int) ? Idx(gv) : -1;
            if (refNode >= 0 && IsNone(refNode)) val = null;
            else if (t == typeof(long)) val = Long(gv);
            else if (t == typeof(int)) val = (int)Long(gv);
            else if (t == typeof(double)) val = Dbl(gv);
            else if (t == typeof(bool)) val = Bool(gv);
            else if (t == typeof(string)) val = Str(refNode);
            else if (t == typeof(DataType))
            {
                var s = Node(refNode).Payload as string ?? throw Err(refNode, RelaxJsonDiagnosticIds.BadJson, "expected a dtype");
                val = s == "void" ? null : DataType.Parse(s);
            }
            else if (t == typeof(ValueArray<long>)) val = new ValueArray<long>(Arr(refNode).Select(x => Convert.ToInt64(Node(x).Payload ?? Long(F(x, "value")), CultureInfo.InvariantCulture)));
            else if (t == typeof(ValueArray<double>)) val = new ValueArray<double>(Arr(refNode).Select(x => Convert.ToDouble(Node(x).Payload ?? Dbl(F(x, "value")), CultureInfo.InvariantCulture)));
            else throw Err(i, RelaxJsonDiagnosticIds.UnsupportedNode, $"attribute {name} of type {t.Name} cannot be read");
            values.Add(new(name, val));
        }
        return op.Schema.Create(values, out _);
    }

    private SymExpr Sym(int i)
    {
        if (_memo.TryGetValue(i, out var m)) return m as SymVar ?? throw Err(i, RelaxJsonDiagnosticIds.UnsupportedNode, "a Relax var used as a symbolic dim");
        if (++_depth > 500) throw Err(i, RelaxJsonDiagnosticIds.BadJson, "expression nested too deeply");
        try
        {
            var n = Node(i);
            switch (Short(n.Type))
            {
                case "IntImm": return Long(F(i, "value"));
                case "IntBox": return (long)n.Payload!;
                case "Var" or "SizeVar":
                {
                    var v = new SymVar(Str(Ref(i, "name", "name_hint")));
                    _memo[i] = v;
                    return v;
                }
                case "Add": return Sym(Ref(i, "a")) + Sym(Ref(i, "b"));
                case "Sub": return Sym(Ref(i, "a")) - Sym(Ref(i, "b"));
                case "Mul": return Sym(Ref(i, "a")) * Sym(Ref(i, "b"));
                case "FloorDiv" or "FloorMod":
                {
                    var b = Sym(Ref(i, "b"));
                    if (b.AsConst == 0) throw Err(i, RelaxJsonDiagnosticIds.BadJson, "division by zero in a shape");
                    var a = Sym(Ref(i, "a"));
                    return Short(n.Type) == "FloorDiv" ? SymExpr.FloorDiv(a, b) : SymExpr.FloorMod(a, b);
                }
                case "Min": return SymExpr.Min(Sym(Ref(i, "a")), Sym(Ref(i, "b")));
                case "Max": return SymExpr.Max(Sym(Ref(i, "a")), Sym(Ref(i, "b")));
                default: throw Err(i, RelaxJsonDiagnosticIds.UnsupportedNode, $"unsupported shape expression node '{n.Type}'");
            }
        }
        finally { _depth--; }
    }

    private StructInfo SInfo(int i)
    {
        if (++_depth > 500) throw Err(i, RelaxJsonDiagnosticIds.BadJson, "struct info nested too deeply");
        try
        {
            var n = Node(i);
            switch (n.Type)
            {
                case "relax.ObjectStructInfo" or "relax.AnyType": return StructInfo.Object;
                case "ir.PrimType": return new PrimSInfo(DataType.Parse(((GVal.Text)F(i, "dtype")).Value));
                case "relax.PrimStructInfo":
                {
                    var dt = DataType.Parse(F(i, "dtype") is GVal.Text t ? t.Value : "int64");
                    var vi = Ref(i, "value");
                    return new PrimSInfo(dt, IsNone(vi) ? null : Sym(vi));
                }
                case "relax.ShapeStructInfo" or "relax.ShapeType":
                {
                    var vi = Ref(i, "values");
                    return IsNone(vi) ? new ShapeSInfo(null, (int)Long(F(i, "ndim"))) : new ShapeSInfo(new ValueArray<SymExpr>(Arr(vi).Select(Sym)));
                }
                case "relax.TensorStructInfo" or "relax.TensorType":
                {
                    var si = Ref(i, "shape");
                    ValueArray<SymExpr>? shape = IsNone(si) ? (ValueArray<SymExpr>?)null : new ValueArray<SymExpr>(Arr(Ref(si, "values")).Select(Sym));
                    DataType? dt;
                    var d = F(i, "dtype");
                    if (d is GVal.Text t) dt = t.Value == "void" ? null : DataType.Parse(t.Value);
                    else { var di = Idx(d); dt = IsNone(di) ? null : ((PrimSInfo)SInfo(di)).DType; }
                    var vd = Ref(i, "vdevice");
                    return new TensorSInfo(shape, dt, (int)Long(F(i, "ndim")), IsNone(vd) || Node(vd).Type != "String" ? null : Str(vd));
                }
                case "relax.TupleStructInfo" or "ir.TupleType": return new TupleSInfo(new ValueArray<StructInfo>(Arr(Ref(i, "fields")).Select(SInfo)));
                case "relax.PackedFuncType": return new FuncSInfo(null, StructInfo.Object, false, IsPackedFunc: true);
                case "relax.FuncStructInfo" or "relax.FuncType":
                {
                    var pi = Ref(i, "params");
                    var ps = IsNone(pi) ? (ValueArray<StructInfo>?)null : new ValueArray<StructInfo>(Arr(pi).Select(SInfo));
                    return new FuncSInfo(ps, SInfo(Ref(i, "ret")), Bool(F(i, "purity")));
                }
                default: throw Err(i, RelaxJsonDiagnosticIds.UnsupportedNode, $"unsupported struct info node '{n.Type}'");
            }
        }
        finally { _depth--; }
    }
}
