using Bridge.Ir.Ops;
using Bridge.Ir.Ops.Relax;

namespace Bridge.Ir.Relax.Script;

public sealed partial class RelaxScriptReader
{
    private static readonly HashSet<string> s_shapeInputs = ["shape", "size"];

    private Expr Ex(PyExpr e)
    {
        switch (e)
        {
            case PyName n:
            {
                var v = Lookup(n.Id);
                return v switch
                {
                    Var var => var,
                    SymVar sv => PrimValue.Int64(sv, n.Loc),
                    _ when _moduleNames.Contains(n.Id) || _fragment => Global(n.Id, n.Loc),
                    _ => throw Err(n.Loc, RelaxScriptDiagnosticIds.UndefinedName, $"undefined name '{n.Id}'"),
                };
            }
            case PyAttr a when a.Obj is PyName m && (m.Id == _moduleName || Lookup(m.Id) is ModuleAlias):
                if (!_moduleNames.Contains(a.Name)) throw Err(a.Loc, RelaxScriptDiagnosticIds.UndefinedName, $"module has no function '{a.Name}'");
                return Global(a.Name, a.Loc);
            case PyCall c: return CallExpr(c);
            case PyTuple t:
            {
                var fs = t.Items.Select(Ex).ToImmutableArray();
                return new TupleExpr(fs, t.Loc) { Info = new TupleSInfo(new ValueArray<StructInfo>(fs.Select(f => f.Info ?? StructInfo.Object))) };
            }
            case PySubscript { Obj: PySubscript { Obj: PyName { Id: "metadata" } } meta, Index: PyInt mi } s when Lookup("metadata") is null:
                return MetadataConstant(meta.Index, mi, s.Loc);
            case PySubscript s:
            {
                var tup = Ex(s.Obj);
                if (s.Index is not PyInt i) throw Err(s.Index.Loc, RelaxScriptDiagnosticIds.UnsupportedConstruct, "tuple index must be an integer literal");
                StructInfo info = StructInfo.Object;
                if (tup.Info is TupleSInfo ts)
                {
                    if (i.Value < 0 || i.Value >= ts.Fields.Length) throw Err(s.Loc, StructInfoDiagnosticIds.BadAxis, $"tuple index {i.Value} out of range for {ts.Fields.Length} fields");
                    info = ts.Fields[(int)i.Value];
                }
                return new TupleGetItem(tup, (int)i.Value, s.Loc) { Info = info };
            }
            case PyInt i: return PrimValue.Int64(i.Value, i.Loc);
            case PyNeg { A: PyInt i }: return PrimValue.Int64(-i.Value, e.Loc);
            case PyFloat f: return new PrimValue(DataType.Float32, null, f.Value, f.Loc) { Info = new PrimSInfo(DataType.Float32) };
            case PyNeg { A: PyFloat f }: return new PrimValue(DataType.Float32, null, -f.Value, e.Loc) { Info = new PrimSInfo(DataType.Float32) };
            case PyStr s: return new StringImm(s.Value, s.Loc) { Info = StructInfo.Object };
            case PyBin or PyNeg:
            {
                var sym = Sym(e, autoDeclare: false);
                return PrimValue.Int64(sym, e.Loc);
            }
            default: throw Err(e.Loc, RelaxScriptDiagnosticIds.UnsupportedConstruct, "unsupported expression");
        }
    }

    private GlobalVar Global(string name, SourceLoc loc) =>
        new(name, loc) { Info = _globalSigs.TryGetValue(name, out var s) ? s : StructInfo.Object };

    private static Tensor ScalarTensor(DataType dt, double v)
    {
        var t = Tensor.Zeros(dt);
        t.SetDouble(0, v);
        return t;
    }

    private Expr CallExpr(PyCall c)
    {
        var name = Dotted(c.Func);
        if (name is not null && (name.StartsWith("R.", StringComparison.Ordinal) || name.StartsWith("T.", StringComparison.Ordinal)) && Lookup(name.Split('.')[0]) is null)
        {
            var n = name[2..];
            if (name.StartsWith("T.", StringComparison.Ordinal))
            {
                if (DataType.TryParse(n, out var pdt) && c.Args.Length == 1)
                {
                    if (pdt.IsFloat) return new PrimValue(pdt, null, Num(c.Args[0]), c.Loc) { Info = new PrimSInfo(pdt) };
                    var sv = Sym(c.Args[0], false);
                    return new PrimValue(pdt, sv, 0, c.Loc) { Info = new PrimSInfo(pdt, sv) };
                }
                return PrimValue.Int64(Sym(c, false), c.Loc);
            }
            switch (n)
            {
                case "const": return Const(c);
                case "shape":
                {
                    if (c.Args.Length != 1 || c.Args[0] is not (PyList or PyTuple)) throw Err(c.Loc, RelaxScriptDiagnosticIds.UnexpectedToken, "R.shape expects a list");
                    var vals = Items(c.Args[0]).Select(x => Sym(x, false)).ToImmutableArray();
                    return new ShapeExpr(vals, c.Loc) { Info = new ShapeSInfo(new ValueArray<SymExpr>(vals)) };
                }
                case "str": return new StringImm(StrArg(c, 0), c.Loc) { Info = StructInfo.Object };
                case "dtype": return new DataTypeImm(Dtype(c.Args[0]) ?? DataType.Void, c.Loc) { Info = StructInfo.Object };
                case "prim_value":
                {
                    var inner = Ex(c.Args[0]);
                    return inner is PrimValue ? inner : throw Err(c.Loc, RelaxScriptDiagnosticIds.UnexpectedToken, "R.prim_value expects a number or symbolic expression");
                }
                case "tuple":
                {
                    var fs = c.Args.Select(Ex).ToImmutableArray();
                    return new TupleExpr(fs, c.Loc) { Info = new TupleSInfo(new ValueArray<StructInfo>(fs.Select(f => f.Info ?? StructInfo.Object))) };
                }
                case "ExternFunc": return ExternFuncCall(c);
                case "call_tir" or "call_tir_inplace" or "call_dps_packed" or "call_pure_packed" or "call_packed" or "invoke_closure" or "call_inplace_packed":
                    return DpsCall(c, n);
                case "print" or "assert_op": return PrintAssert(c, n);
                case "match_cast": throw Err(c.Loc, RelaxScriptDiagnosticIds.UnsupportedConstruct, "R.match_cast must be the whole right-hand side of a binding");
            }
            return OpCall(c, n);
        }
        var callee = Ex(c.Func);
        var args = c.Args.Select(Ex).ToImmutableArray();
        var call = new Call(callee, args, NoAttrs.Instance, [], c.Loc);
        return new Call(callee, args, NoAttrs.Instance, [], c.Loc) { Info = Infer.Call(call) };
    }

    private Expr Const(PyCall c)
    {
        if (c.Args.Length < 1) throw Err(c.Loc, RelaxScriptDiagnosticIds.UnexpectedToken, "R.const expects a value");
        var dtArg = c.Args.Length > 1 ? c.Args[1] : c.Kwargs.FirstOrDefault(k => k.Name == "dtype").Value;
        var v = c.Args[0];
        var dt = dtArg is null ? (v is PyConst { Id: "True" or "False" } ? DataType.Bool : ContainsFloat(v) ? DataType.Float32 : DataType.Int64) : Dtype(dtArg) ?? DataType.Float32;
        var shape = new List<long>();
        var flat = new List<double>();
        Flatten(v, 0, shape, flat);
        var t = Tensor.Zeros(dt, [.. shape]);
        if (t.Length != flat.Count) throw Err(v.Loc, RelaxScriptDiagnosticIds.BadAttrValue, "ragged nested list in R.const");
        for (var i = 0; i < flat.Count; i++) t.SetDouble(i, flat[i]);
        return new Constant(t, c.Loc) { Info = new TensorSInfo(new ValueArray<SymExpr>(shape.Select(s => (SymExpr)s)), dt) };
    }

    private static bool ContainsFloat(PyExpr e) => e switch { PyFloat => true, PyNeg n => ContainsFloat(n.A), PyList l => l.Items.Any(ContainsFloat), PyTuple t => t.Items.Any(ContainsFloat), _ => false };

    private void Flatten(PyExpr e, int depth, List<long> shape, List<double> flat)
    {
        if (depth > 32) throw Err(e.Loc, RelaxScriptDiagnosticIds.TooDeep, "constant nested too deeply");
        if (e is PyList or PyTuple)
        {
            var items = Items(e);
            if (shape.Count == depth) shape.Add(items.Length);
            else if (shape.Count <= depth || shape[depth] != items.Length) throw Err(e.Loc, RelaxScriptDiagnosticIds.BadAttrValue, "ragged nested list in R.const");
            foreach (var x in items) Flatten(x, depth + 1, shape, flat);
            return;
        }
        if (shape.Count > depth) throw Err(e.Loc, RelaxScriptDiagnosticIds.BadAttrValue, "ragged nested list in R.const");
        flat.Add(Num(e));
    }

    private double Num(PyExpr e) => e switch
    {
        PyInt i => i.Value,
        PyFloat f => f.Value,
        PyNeg n => -Num(n.A),
        PyConst { Id: "True" } => 1,
        PyConst { Id: "False" } => 0,
        PyStr { Value: "inf" } => double.PositiveInfinity,
        PyStr { Value: "-inf" } => double.NegativeInfinity,
        PyStr { Value: "nan" } => double.NaN,
        _ => throw Err(e.Loc, RelaxScriptDiagnosticIds.BadAttrValue, "expected a number"),
    };

    private ImmutableArray<PyExpr> Items(PyExpr e) => e switch
    {
        PyList l => l.Items,
        PyTuple t => t.Items,
        _ => throw Err(e.Loc, RelaxScriptDiagnosticIds.BadAttrValue, "expected a list or tuple"),
    };

    private string StrArg(PyCall c, int i) =>
        i < c.Args.Length && c.Args[i] is PyStr s ? s.Value : throw Err(c.Loc, RelaxScriptDiagnosticIds.BadAttrValue, "expected a string argument");

    private DataType? Dtype(PyExpr e)
    {
        if (e is PyConst { Id: "None" }) return null;
        var s = e switch { PyStr str => str.Value, _ => Dotted(e) is { } d && d.StartsWith("T.", StringComparison.Ordinal) ? d[2..] : null };
        if (s is null || !DataType.TryParse(s, out var dt)) throw Err(e.Loc, RelaxScriptDiagnosticIds.BadAttrValue, $"not a dtype");
        return dt.IsVoid ? null : dt;
    }

    private Expr DpsCall(PyCall c, string n)
    {
        var op = OpRegistry.Find(Dialect.Relax, "relax." + n) ?? throw Err(c.Loc, RelaxScriptDiagnosticIds.UnknownOp, $"unknown op R.{n}");
        var kw = c.Kwargs.ToDictionary(k => k.Name, k => k.Value, StringComparer.Ordinal);
        var pos = c.Args.ToList();
        if (pos.Count < 1) throw Err(c.Loc, RelaxScriptDiagnosticIds.UnexpectedToken, $"R.{n} expects a callee");
        var callee = pos[0] is PyStr s ? new ExternFunc(s.Value, null, pos[0].Loc) { Info = FuncSInfo.Opaque() } : Ex(pos[0]);
        var args = ImmutableArray.CreateBuilder<Expr>();
        args.Add(callee);
        PyExpr? outArg = kw.GetValueOrDefault("out_sinfo") ?? kw.GetValueOrDefault("out_ty") ?? kw.GetValueOrDefault("sinfo_args") ?? kw.GetValueOrDefault("ty_args");
        Attrs attrs = NoAttrs.Instance;
        if (n is "call_tir" or "call_tir_inplace" or "call_dps_packed" or "invoke_closure")
        {
            if (pos.Count < 2) throw Err(c.Loc, RelaxScriptDiagnosticIds.UnexpectedToken, $"R.{n} expects an argument tuple");
            args.Add(pos[1] is PyTuple or PyList ? TupleOf(pos[1]) : Ex(pos[1]));
            var next = 2;
            if (n == "call_tir_inplace")
            {
                var ii = kw.GetValueOrDefault("inplace_indices") ?? (pos.Count > next ? pos[next++] : null);
                attrs = new InplaceAttrs { InplaceIndices = ii is null ? [] : new ValueArray<long>(IntList(ii)) };
            }
            outArg ??= pos.Count > next ? pos[next++] : null;
            if (kw.GetValueOrDefault("tir_vars") is { } tv && tv is not PyConst { Id: "None" })
            {
                // Canonical (v0.26+) form: symbolic args go at the end of the argument tuple; the ≤v0.25 printer splits them out again.
                var tvs = Ex(tv);
                if (tvs is not ShapeExpr se || args[1] is not TupleExpr at)
                    throw Err(tv.Loc, RelaxScriptDiagnosticIds.UnsupportedConstruct, "tir_vars must be R.shape([...]) with a literal argument tuple");
                var fields = at.Fields.AddRange(se.Values.Select(v => (Expr)PrimValue.Int64(v, tv.Loc)));
                args[1] = new TupleExpr(fields, at.Loc) { Info = new TupleSInfo(new ValueArray<StructInfo>(fields.Select(f => f.Info ?? StructInfo.Object))) };
            }
        }
        else
        {
            for (var i = 1; i < pos.Count; i++) args.Add(Ex(pos[i]));
            if (kw.GetValueOrDefault("inplace_indices") is { } ii) attrs = new InplaceAttrs { InplaceIndices = new ValueArray<long>(IntList(ii)) };
        }
        var sinfo = outArg is null ? [] : outArg is PyList ol ? ol.Items.Select(x => SInfo(x, false)).ToImmutableArray() : ImmutableArray.Create(SInfo(outArg, false));
        var call = new Call(new OpRef(op, c.Loc), args.ToImmutable(), attrs, sinfo, c.Loc);
        return Typed(call);
    }

    private Call Typed(Call call)
    {
        var info = Infer.Call(call);
        return new Call(call.Callee, call.Args, call.Attrs, call.SInfoArgs, call.Loc) { Info = info };
    }

    private TupleExpr TupleOf(PyExpr e)
    {
        var fs = Items(e).Select(Ex).ToImmutableArray();
        return new TupleExpr(fs, e.Loc) { Info = new TupleSInfo(new ValueArray<StructInfo>(fs.Select(f => f.Info ?? StructInfo.Object))) };
    }

    private Expr PrintAssert(PyCall c, string n)
    {
        var op = OpRegistry.Find(Dialect.Relax, "relax." + n)!;
        var fmtExpr = c.Kwargs.FirstOrDefault(k => k.Name == "format").Value;
        var fmt = fmtExpr switch
        {
            null => new StringImm("", c.Loc) { Info = StructInfo.Object },
            PyStr s => new StringImm(s.Value, s.Loc) { Info = StructInfo.Object },
            _ => Ex(fmtExpr),
        };
        var args = ImmutableArray.CreateBuilder<Expr>();
        var pos = c.Args.Select(Ex).ToList();
        if (n == "assert_op")
        {
            if (pos.Count < 1) throw Err(c.Loc, RelaxScriptDiagnosticIds.UnexpectedToken, "R.assert_op expects a condition");
            args.Add(pos[0]);
            args.Add(fmt);
            args.AddRange(pos.Skip(1));
        }
        else
        {
            args.Add(fmt);
            args.AddRange(pos);
        }
        return Typed(new Call(new OpRef(op, c.Loc), args.ToImmutable(), NoAttrs.Instance, [], c.Loc));
    }

    private long[] IntList(PyExpr e) => e switch
    {
        PyList or PyTuple => Items(e).Select(x => (long)Num(x)).ToArray(),
        _ => [(long)Num(e)],
    };
}
