using System.Buffers.Binary;
using Bridge.Core.Files;
using Bridge.Ir.Ops;
using Bridge.Ir.Relax.Script;
using TypeCode = Bridge.Core.Tensors.TypeCode;

namespace Bridge.Ir.Relax.Json;

/// <summary>
/// Writes a Relax module as <c>tvm.ir.save_json</c> does, in the era of the target version (spec §4): node types and field
/// names follow §4.3/§4.4; vars and symbolic vars are emitted once and shared by index (DAG sharing); children precede parents.
/// </summary>
public sealed class RelaxJsonWriter
{
    private readonly JsonEra _era;
    private readonly RelaxVersion _v;
    private readonly List<GNode> _nodes = [];
    private readonly Dictionary<object, int> _memo = new(ReferenceEqualityComparer.Instance);
    private int _none = -1;

    private RelaxJsonWriter(RelaxVersion v)
    {
        _v = v;
        _era = EraOf(v);
    }

    /// <summary>The JSON era a TVM version writes.</summary>
    public static JsonEra EraOf(RelaxVersion v) => v.IsPortable || v.Minor <= 21 ? JsonEra.Legacy : v.Minor <= 25 ? JsonEra.FfiStructInfo : JsonEra.FfiType;

    public static string Write(IRModule m, RelaxVersion target)
    {
        var w = new RelaxJsonWriter(target);
        var root = w.Module(m);
        var ver = target.IsMain ? "0.27.dev0" : target.IsPortable ? "0.19.0" : $"0.{target.Minor}.0";
        return JsonGraph.Write(w._nodes, root, w._era, ver);
    }

    /// <summary>The metadata document of TVM's <c>show_meta=True</c>: a Map <c>{"relax.expr.Constant": [constants…]}</c>.</summary>
    public static string WriteMetadata(IReadOnlyList<Constant> constants, RelaxVersion target)
    {
        var w = new RelaxJsonWriter(target);
        var arr = w.Arr(constants.Select(c => w.Expr(c)).ToList());
        var root = w.Add(new GNode("Map") { Payload = new List<(int, int)> { (w.Str("relax.expr.Constant"), arr) } });
        var ver = target.IsMain ? "0.27.dev0" : target.IsPortable ? "0.19.0" : $"0.{target.Minor}.0";
        return JsonGraph.Write(w._nodes, root, w._era, ver);
    }

    private bool Legacy => _era == JsonEra.Legacy;
    private bool TypeEra => _era == JsonEra.FfiType;
    private string TirNs => _v.Minor >= 24 && !_v.IsPortable ? "tirx" : "tir";

    private int Add(GNode n) { _nodes.Add(n); return _nodes.Count - 1; }
    private int None() => _none >= 0 ? _none : (_none = Add(new GNode("None")));
    private int Str(string s) => Add(new GNode("String") { Payload = s });
    private int Arr(IEnumerable<int> items) => Add(new GNode("Array") { Payload = items.ToList() });
    private static GVal R(int i) => new GVal.Ref(i);

    private GNode Obj(string type, params (string, GVal)[] fields)
    {
        var n = new GNode(type);
        n.Fields.AddRange(fields);
        return n;
    }

    private int Module(IRModule m)
    {
        var funcs = new List<(int, int)>();
        var gmap = new List<(int, int)>();
        foreach (var e in m.Entries)
        {
            if (e.PrimFunc is not null)
                throw new BridgeException(RelaxJsonDiagnosticIds.UnsupportedNode, e.PrimFunc.Loc, $"TIR PrimFunc '{e.Name}' cannot be written as JSON (Bridge carries TIR only as text)");
            var gv = Global(e.Var);
            var fn = e.Function is { } f ? Func(f) : Expr(e.Extern!);
            funcs.Add((gv, fn));
            gmap.Add((Str(e.Name), gv));
        }
        var fm = Add(new GNode("Map") { Payload = funcs });
        var gm = Add(new GNode("Map") { Payload = gmap });
        if (Legacy)
            return Add(Obj("IRModule", ("functions", R(fm)), ("global_var_map_", R(gm)), ("source_map", R(None())), ("attrs", R(None()))));
        var gi = Add(new GNode("Map") { Payload = new List<(int, int)>() });
        return Add(Obj("ir.IRModule", ("functions", R(fm)), ("global_var_map_", R(gm)), ("source_map", R(None())), ("attrs", R(None())), ("global_infos", R(gi))));
    }

    private int Global(GlobalVar g)
    {
        if (_memo.TryGetValue(g.Name, out var i)) return i;
        var n = Legacy ? Obj("GlobalVar", ("name_hint", R(Str(g.Name))), ("span", R(None())))
            : Obj("ir.GlobalVar", ("span", R(None())), (TypeEra ? "ty" : "struct_info_", R(None())), ("name_hint", R(Str(g.Name))));
        return _memo[g.Name] = Add(n);
    }

    /// <summary>Expression base fields (span + struct info / type) in era order.</summary>
    private (string, GVal)[] Base(StructInfo? info)
    {
        var si = info is null ? None() : SInfo(info);
        return Legacy ? [("span", R(None())), ("struct_info_", R(si))] : [("span", R(None())), (TypeEra ? "ty" : "struct_info_", R(si))];
    }

    private int Func(Function f)
    {
        var ps = Arr(f.Params.Select(Var));
        var body = Expr(f.Body);
        var ret = f.RetInfo is null ? None() : SInfo(f.RetInfo);
        var attrs = DictAttrs(f.Attrs);
        var n = Obj("relax.expr.Function", Base(f.Info));
        n.Fields.Add(("attrs", R(attrs)));
        n.Fields.Add(("params", R(ps)));
        n.Fields.Add(("body", R(body)));
        n.Fields.Add((TypeEra ? "ret_ty" : "ret_struct_info", R(ret)));
        n.Fields.Add(("is_pure", new GVal.Bool(f.IsPure)));
        return Add(n);
    }

    private int DictAttrs(IReadOnlyList<KeyValuePair<string, object>> attrs)
    {
        var m = Add(new GNode("Map") { Payload = attrs.Select(a => (Str(a.Key), AttrObj(a.Value))).ToList() });
        return Add(Obj(Legacy ? "DictAttrs" : "ir.DictAttrs", ("__dict__", R(m))));
    }

    private int AttrObj(object v) => v switch
    {
        long l => IntImm(l),
        bool b => Add(new GNode("BoolBox") { Payload = b }),
        double d => Add(new GNode("FloatBox") { Payload = d }),
        string s => Str(s),
        ImmutableArray<object> a => Arr(a.Select(AttrObj)),
        ImmutableArray<KeyValuePair<string, object>> m => Add(new GNode("Map") { Payload = m.Select(kv => (Str(kv.Key), AttrObj(kv.Value))).ToList() }),
        _ => throw new BridgeInternalError($"unexpected function attribute value {v.GetType().Name}"),
    };

    private int IntImm(long v)
    {
        if (Legacy) return Add(Obj("IntImm", ("dtype", new GVal.Text("int64")), ("value", new GVal.Int(v)), ("span", R(None()))));
        if (TypeEra) return Add(Obj("ir.IntImm", ("span", R(None())), ("ty", R(PrimType(DataType.Int64))), ("value", new GVal.Int(v))));
        return Add(Obj("ir.IntImm", ("span", R(None())), ("dtype", new GVal.Text("int64")), ("value", new GVal.Int(v))));
    }

    private int FloatImm(DataType dt, double v)
    {
        if (Legacy) return Add(Obj("FloatImm", ("dtype", new GVal.Text(dt.ToString())), ("value", new GVal.Float(v)), ("span", R(None()))));
        if (TypeEra) return Add(Obj("ir.FloatImm", ("span", R(None())), ("ty", R(PrimType(dt))), ("value", new GVal.Float(v))));
        return Add(Obj("ir.FloatImm", ("span", R(None())), ("dtype", new GVal.Text(dt.ToString())), ("value", new GVal.Float(v))));
    }

    private int PrimType(DataType dt) => Add(Obj("ir.PrimType", ("span", R(None())), ("dtype", new GVal.Text(dt.ToString()))));

    private int Var(Var v)
    {
        if (_memo.TryGetValue(v, out var i)) return i;
        var type = v is DataflowVar ? "relax.expr.DataflowVar" : TypeEra ? "ir.Var" : "relax.expr.Var";
        GNode n;
        if (TypeEra) n = Obj(type, [.. Base(v.Info), ("name", R(Str(v.Name)))]);
        else
        {
            var id = Add(Obj("relax.Id", ("name_hint", R(Str(v.Name)))));
            n = Obj(type, [.. Base(v.Info), ("vid", R(id))]);
        }
        return _memo[v] = Add(n);
    }

    private int SymVarNode(SymVar v)
    {
        if (_memo.TryGetValue(v, out var i)) return i;
        GNode n = Legacy ? Obj("tir.Var", ("dtype", new GVal.Text("int64")), ("name", R(Str(v.Name))), ("type_annotation", R(None())), ("span", R(None())))
            : TypeEra ? Obj("ir.Var", ("span", R(None())), ("ty", R(PrimType(DataType.Int64))), ("name", R(Str(v.Name))))
            : Obj($"{TirNs}.Var", ("span", R(None())), ("dtype", new GVal.Text("int64")), ("name", R(Str(v.Name))), ("type_annotation", R(None())));
        return _memo[v] = Add(n);
    }

    private int Bin(string op, int a, int b)
    {
        var ns = Legacy ? "tir" : TirNs;
        if (TypeEra) return Add(Obj($"{ns}.{op}", ("span", R(None())), ("ty", R(PrimType(DataType.Int64))), ("a", R(a)), ("b", R(b))));
        return Add(Obj($"{ns}.{op}", ("span", R(None())), ("dtype", new GVal.Text("int64")), ("a", R(a)), ("b", R(b))));
    }

    /// <summary>A canonical symbolic expression as a TIR expression tree (sum of products; atoms are vars or div/mod/min/max).</summary>
    private int Sym(SymExpr e)
    {
        switch (e)
        {
            case SymVar v: return SymVarNode(v);
            case SymBinary b:
                var op = b.Op switch { SymOp.FloorDiv => "FloorDiv", SymOp.FloorMod => "FloorMod", SymOp.Min => "Min", _ => "Max" };
                return Bin(op, Sym(b.A), Sym(b.B));
            case Poly p:
                if (p.IsConstant) return IntImm(p.ConstantTerm);
                int? acc = null;
                foreach (var t in p.Terms)
                {
                    int? term = null;
                    foreach (var a in t.Atoms) term = term is { } x ? Bin("Mul", x, Sym(a)) : Sym(a);
                    var tv = t.Coeff == 1 ? term!.Value : Bin("Mul", term!.Value, IntImm(t.Coeff));
                    acc = acc is { } s ? Bin("Add", s, tv) : tv;
                }
                if (p.ConstantTerm != 0) acc = Bin("Add", acc!.Value, IntImm(p.ConstantTerm));
                return acc!.Value;
            default: throw new BridgeInternalError("unknown SymExpr");
        }
    }

    private int ShapeExprNode(IEnumerable<SymExpr> values, StructInfo? info)
    {
        var vals = Arr(values.Select(Sym));
        return Add(Obj("relax.expr.ShapeExpr", [.. Base(info), ("values", R(vals))]));
    }

    private int SInfo(StructInfo s)
    {
        var span = ("span", R(None()));
        switch (s)
        {
            case ObjectSInfo: return Add(Obj(TypeEra ? "relax.AnyType" : "relax.ObjectStructInfo", span));
            case PrimSInfo p:
                if (TypeEra) return PrimType(p.DType);
                return Add(Obj("relax.PrimStructInfo", span, ("value", R(p.Value is { } pv ? Sym(pv) : None())), ("dtype", new GVal.Text(p.DType.ToString()))));
            case ShapeSInfo sh:
            {
                var vals = sh.Values is { } v ? Arr(v.Select(Sym)) : None();
                return Add(Obj(TypeEra ? "relax.ShapeType" : "relax.ShapeStructInfo", span, ("values", R(vals)), ("ndim", new GVal.Int(sh.NDim))));
            }
            case TensorSInfo t:
            {
                var shape = t.Shape is { } shp ? ShapeExprNode(shp, new ShapeSInfo(shp)) : None();
                var vdev = t.VDevice is { } vd ? Str(vd) : None();
                if (TypeEra)
                    return Add(Obj("relax.TensorType", span, ("shape", R(shape)), ("dtype", R(t.DType is { } d ? PrimType(d) : None())), ("vdevice", R(vdev)), ("ndim", new GVal.Int(t.NDim))));
                return Add(Obj("relax.TensorStructInfo", span, ("shape", R(shape)), ("dtype", new GVal.Text(t.DType?.ToString() ?? "void")), ("vdevice", R(vdev)), ("ndim", new GVal.Int(t.NDim))));
            }
            case TupleSInfo tu:
                return Add(Obj(TypeEra ? "ir.TupleType" : "relax.TupleStructInfo", span, ("fields", R(Arr(tu.Fields.Select(SInfo))))));
            case FuncSInfo f:
                if (f.IsPackedFunc && TypeEra) return Add(Obj("relax.PackedFuncType", span));
                var ps = f.Params is { } pl ? Arr(pl.Select(SInfo)) : None();
                return Add(Obj(TypeEra ? "relax.FuncType" : "relax.FuncStructInfo", span, ("params", R(ps)), ("ret", R(SInfo(f.Ret))), ("derive_func", R(None())), ("purity", new GVal.Bool(f.Purity))));
            default: throw new BridgeInternalError("unknown struct info");
        }
    }

    private int Expr(Expr e)
    {
        Bridge.Core.Limits.StackGuard.Check(e.Loc); // deep input: a located diagnostic, not a crash
        switch (e)
        {
            case Var v: return Var(v);
            case GlobalVar g: return Global(g);
            case Function f: return Func(f);
            case Call c:
            {
                var op = c.Op is { } od ? Add(new GNode("Op") { Payload = od.Name }) : Expr(c.Callee);
                var args = Arr(c.Args.Select(Expr));
                var attrs = c.Attrs is NoAttrs ? None() : AttrsNode(c);
                var sargs = Arr(c.SInfoArgs.Select(SInfo));
                var type = TypeEra ? "ir.Call" : "relax.expr.Call";
                return Add(Obj(type, [.. Base(c.Info), ("op", R(op)), ("args", R(args)), ("attrs", R(attrs)), (TypeEra ? "ty_args" : "sinfo_args", R(sargs))]));
            }
            case Constant k: return Add(Obj("relax.expr.Constant", [.. Base(k.Info), ("data", R(Add(new GNode("Tensor") { Payload = NDArrayBlob.Write(k.Data) })))]));
            case TupleExpr t: return Add(Obj("relax.expr.Tuple", [.. Base(t.Info), ("fields", R(Arr(t.Fields.Select(Expr))))]));
            case TupleGetItem g: return Add(Obj("relax.expr.TupleGetItem", [.. Base(g.Info), ("tuple_value", R(Expr(g.Tuple))), ("index", new GVal.Int(g.Index))]));
            case ShapeExpr s: return ShapeExprNode(s.Values, s.Info);
            case PrimValue p:
            {
                var val = p.IntValue is { } iv ? Sym(iv) : FloatImm(p.DType, p.FloatValue);
                if (TypeEra) return val; // v0.26+: prim values are plain PrimExprs
                return Add(Obj("relax.expr.PrimValue", [.. Base(p.Info), ("value", R(val))]));
            }
            case StringImm s: return Add(Obj("relax.expr.StringImm", [.. Base(s.Info), ("value", R(Str(s.Value)))]));
            case DataTypeImm d: return Add(Obj("relax.expr.DataTypeImm", [.. Base(d.Info), ("value", new GVal.Text(d.Value.ToString()))]));
            case ExternFunc x: return Add(Obj("relax.expr.ExternFunc", [.. Base(x.Type ?? x.Info), ("global_symbol", R(Str(x.GlobalSymbol)))]));
            case If i: return Add(Obj("relax.expr.If", [.. Base(i.Info), ("cond", R(Expr(i.Cond))), ("true_branch", R(Expr(i.Then))), ("false_branch", R(Expr(i.Else)))]));
            case SeqExpr s:
            {
                var blocks = Arr(s.Blocks.Select(Block));
                return Add(Obj("relax.expr.SeqExpr", [.. Base(s.Info), ("blocks", R(blocks)), ("body", R(Expr(s.Body)))]));
            }
            default: throw new BridgeException(RelaxJsonDiagnosticIds.UnsupportedNode, e.Loc, $"cannot serialize {e.GetType().Name}");
        }
    }

    private int Block(BindingBlock b)
    {
        var bs = new List<int>();
        foreach (var x in b.Bindings)
        {
            var val = Expr(x.Value);
            var v = Var(x.Var);
            bs.Add(x is MatchCast mc
                ? Add(Obj("relax.expr.MatchCast", ("span", R(None())), ("var", R(v)), ("value", R(val)), (TypeEra ? "ty" : "struct_info", R(SInfo(mc.Target)))))
                : Add(Obj("relax.expr.VarBinding", ("span", R(None())), ("var", R(v)), ("value", R(val)))));
        }
        return Add(Obj(b.IsDataflow ? "relax.expr.DataflowBlock" : "relax.expr.BindingBlock", ("bindings", R(Arr(bs))), ("span", R(None()))));
    }

    private int AttrsNode(Call c)
    {
        var schema = c.Attrs.Schema;
        var key = AttrsTypeKey(c);
        var n = new GNode(key);
        foreach (var (f, v) in schema.All(c.Attrs))
        {
            var val = v switch
            {
                null => R(None()),
                long l => new GVal.Int(l),
                int i => new GVal.Int(i),
                bool b => new GVal.Bool(b),
                double d => new GVal.Float(d),
                string s => R(Str(s)),
                DataType dt => R(Add(new GNode("DataType") { Payload = dt.ToString() })),
                ValueArray<long> a => R(Arr(a.Select(x => Add(new GNode("IntBox") { Payload = x })))),
                ValueArray<double> a => R(Arr(a.Select(x => Add(new GNode("FloatBox") { Payload = x })))),
                _ => throw new BridgeInternalError($"attr {f.Name}: unsupported value type {v.GetType().Name}"),
            };
            n.Fields.Add((f.Name, val));
        }
        return Add(n);
    }

    /// <summary>The attrs type key of an op call (conv1d → Conv1DAttrs etc.; the record is shared between ranks).</summary>
    internal static string AttrsTypeKey(Call c)
    {
        var key = c.Attrs.Schema.TypeKeys.FirstOrDefault() ?? "relax.attrs." + c.Attrs.GetType().Name;
        var name = c.Op?.Name ?? "";
        foreach (var r in new[] { "1d", "3d" })
            if (name.Contains(r, StringComparison.Ordinal)) return key.Replace("2D", r.ToUpperInvariant(), StringComparison.Ordinal);
        return key;
    }
}
