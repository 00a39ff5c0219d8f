using Bridge.Ir.Ops;
using Bridge.Ir.Ops.Relax;

namespace Bridge.Ir.Relax.Script;

public sealed partial class RelaxScriptReader
{
    private Expr OpCall(PyCall c, string n)
    {
        var op = OpRegistry.Find(Dialect.Relax, "relax." + n) ?? throw Err(c.Loc, RelaxScriptDiagnosticIds.UnknownOp, $"unknown or unsupported Relax op 'R.{n}'");
        var schema = op.Schema;
        var inputs = op.Inputs;
        var slots = new PyExpr?[inputs.Length];
        var attrVals = new Dictionary<string, PyExpr>(StringComparer.Ordinal);
        var extra = new List<PyExpr>();
        for (var i = 0; i < c.Args.Length; i++)
        {
            if (i < inputs.Length && !inputs[i].Variadic) slots[i] = c.Args[i];
            else if (inputs.Length > 0 && inputs[^1].Variadic) extra.Add(c.Args[i]);
            else
            {
                var fi = i - inputs.Length;
                if (fi >= schema.Fields.Length) throw Err(c.Args[i].Loc, RelaxScriptDiagnosticIds.UnexpectedToken, $"too many arguments for R.{n}");
                attrVals[schema.Fields[fi].Name] = c.Args[i];
            }
        }
        foreach (var (k, v) in c.Kwargs)
        {
            var idx = inputs.IndexOf(inputs.FirstOrDefault(x => x.Name == k)!);
            if (idx >= 0) { slots[idx] = v; continue; }
            if (!schema.TryGetField(k, out _)) throw Err(v.Loc, RelaxScriptDiagnosticIds.BadAttrValue, $"R.{n} has no argument or attribute '{k}'");
            attrVals[k] = v;
        }
        var args = ImmutableArray.CreateBuilder<Expr>();
        for (var i = 0; i < slots.Length; i++)
        {
            if (inputs[i].Variadic) break;
            if (slots[i] is not { } s)
            {
                if (i < op.MinArgs) throw Err(c.Loc, RelaxScriptDiagnosticIds.UnexpectedToken, $"R.{n} is missing argument '{inputs[i].Name}'");
                break;
            }
            if (s is PyConst { Id: "None" }) break;
            args.Add(Arg(s, inputs[i].Name));
        }
        foreach (var e in extra) args.Add(Ex(e));
        var values = new List<KeyValuePair<string, object?>>();
        foreach (var (k, v) in attrVals) values.Add(new(k, AttrFieldValue(op, k, v)));
        RankDefaults(op, attrVals, values);
        var attrs = schema.Create(values, out _);
        return Typed(new Call(new OpRef(op, c.Loc), args.ToImmutable(), attrs, [], c.Loc));
    }

    private Expr Arg(PyExpr e, string inputName)
    {
        if (e is PyList or PyTuple)
        {
            if (s_shapeInputs.Contains(inputName))
            {
                var vals = Items(e).Select(x => Sym(x, false)).ToImmutableArray();
                return new ShapeExpr(vals, e.Loc) { Info = new ShapeSInfo(new ValueArray<SymExpr>(vals)) };
            }
            return TupleOf(e);
        }
        return Ex(e);
    }

    /// <summary>1-d and 3-d conv/pool ops share the 2-d record: unset array fields get the rank's defaults (§2.3 signatures).</summary>
    private static void RankDefaults(OpDef op, Dictionary<string, PyExpr> given, List<KeyValuePair<string, object?>> values)
    {
        var name = op.Name;
        var r = name.EndsWith("1d", StringComparison.Ordinal) || name.EndsWith("1d_transpose", StringComparison.Ordinal) ? 1
              : name.EndsWith("3d", StringComparison.Ordinal) || name.EndsWith("3d_transpose", StringComparison.Ordinal) ? 3 : 2;
        var isConvLike = op.AttrsType == typeof(ConvAttrs) || op.AttrsType == typeof(ConvTransposeAttrs) || op.AttrsType == typeof(PoolAttrs) || op.AttrsType == typeof(AdaptivePoolAttrs);
        if (!isConvLike) return;
        var layout = r switch { 1 => "NCW", 3 => "NCDHW", _ => "NCHW" };
        var transposed = op.AttrsType == typeof(ConvTransposeAttrs);
        var kernel = (transposed ? "IO" : "OI") + layout[2..];
        void Set(string k, object v) { if (!given.ContainsKey(k)) values.Add(new(k, v)); }
        Set("strides", new ValueArray<long>(Enumerable.Repeat(1L, r)));
        Set("dilation", new ValueArray<long>(Enumerable.Repeat(1L, r)));
        Set("pool_size", new ValueArray<long>(Enumerable.Repeat(1L, r)));
        Set("output_padding", new ValueArray<long>(Enumerable.Repeat(0L, r)));
        Set("padding", new ValueArray<long>(Enumerable.Repeat(0L, 2 * r)));
        var dataLayout = given.TryGetValue("data_layout", out var dl) && dl is PyStr ds ? ds.Value : given.TryGetValue("layout", out var l2) && l2 is PyStr ls ? ls.Value : layout;
        Set("data_layout", dataLayout);
        Set("layout", dataLayout);
        Set("kernel_layout", kernel);
        Set("out_layout", dataLayout);
        // Expand 1- and r-element padding to 2r values (the Python helpers do this before building attrs).
        for (var i = 0; i < values.Count; i++)
            if (values[i].Key == "padding" && values[i].Value is ValueArray<long> p && p.Length != 2 * r)
                values[i] = new("padding", p.Length == 1 ? new ValueArray<long>(Enumerable.Repeat(p[0], 2 * r)) : p.Length == r ? new ValueArray<long>(p.Concat(p)) : p);
        values.RemoveAll(kv => !op.Schema.TryGetField(kv.Key, out _));
    }

    private object? AttrFieldValue(OpDef op, string name, PyExpr v)
    {
        op.Schema.TryGetField(name, out var f);
        var t = Nullable.GetUnderlyingType(f.ClrType) ?? f.ClrType;
        if (v is PyConst { Id: "None" })
        {
            if (!f.IsOptional) throw Err(v.Loc, RelaxScriptDiagnosticIds.BadAttrValue, $"attribute '{name}' of R.{op.Name[6..]} cannot be None");
            return null;
        }
        try
        {
            if (t == typeof(long)) return (long)Num(v);
            if (t == typeof(int)) return (int)Num(v);
            if (t == typeof(double)) return Num(v);
            if (t == typeof(bool)) return v is PyConst { Id: "True" } ? true : v is PyConst { Id: "False" } ? false : throw Err(v.Loc, RelaxScriptDiagnosticIds.BadAttrValue, $"attribute '{name}' expects True/False");
            if (t == typeof(string)) return v is PyStr s ? s.Value : throw Err(v.Loc, RelaxScriptDiagnosticIds.BadAttrValue, $"attribute '{name}' expects a string");
            if (t == typeof(DataType)) return Dtype(v);
            if (t == typeof(ValueArray<long>)) return new ValueArray<long>(IntList(v));
            if (t == typeof(ValueArray<double>)) return new ValueArray<double>(v is PyList or PyTuple ? Items(v).Select(Num) : [Num(v)]);
        }
        catch (BridgeException) { throw; }
        throw Err(v.Loc, RelaxScriptDiagnosticIds.BadAttrValue, $"attribute '{name}' has unsupported type {t.Name}");
    }

    // ---------------------------------------------------------------- struct info

    private StructInfo SInfo(PyExpr e, bool signature, bool defineNew = false)
    {
        var auto = signature || defineNew || _fragment;
        var name = Dotted(e is PyCall c0 ? c0.Func : e);
        if (name is null) throw Err(e.Loc, RelaxScriptDiagnosticIds.BadAnnotation, "expected a struct-info annotation (R.Tensor, R.Tuple, …)");
        var args = e is PyCall c ? c.Args : [];
        var kw = e is PyCall c2 ? c2.Kwargs.ToDictionary(k => k.Name, k => k.Value, StringComparer.Ordinal) : [];
        PyExpr? Arg(int i, string k) => i < args.Length ? args[i] : kw.GetValueOrDefault(k);
        switch (name)
        {
            case "R.Object" or "R.Any": return StructInfo.Object;
            case "R.Tensor":
            {
                var shapeArg = Arg(0, "shape");
                var dtArg = Arg(1, "dtype");
                if (shapeArg is PyStr && dtArg is null) { dtArg = shapeArg; shapeArg = null; }
                var dt = dtArg is null ? null : Dtype(dtArg);
                var ndim = kw.GetValueOrDefault("ndim") is { } nd ? (int)Num(nd) : -1;
                var vdev = kw.GetValueOrDefault("vdevice") is PyStr vs ? vs.Value : null;
                if (shapeArg is null or PyConst { Id: "None" }) return new TensorSInfo(null, dt, ndim, vdev);
                var dims = Items(shapeArg).Select(x => Sym(x, auto)).ToArray();
                return new TensorSInfo(new ValueArray<SymExpr>(dims), dt, -1, vdev);
            }
            case "R.Shape":
            {
                var vals = Arg(0, "values");
                if (vals is null or PyConst { Id: "None" }) return new ShapeSInfo(null, kw.GetValueOrDefault("ndim") is { } nd ? (int)Num(nd) : -1);
                return new ShapeSInfo(new ValueArray<SymExpr>(Items(vals).Select(x => Sym(x, auto))));
            }
            case "R.Tuple": return new TupleSInfo(new ValueArray<StructInfo>(args.Select(a => SInfo(a, signature, defineNew))));
            case "R.Prim":
            {
                if (kw.GetValueOrDefault("value") is { } pv) { var s = Sym(pv, auto); return new PrimSInfo(DataType.Int64, s); }
                var d = Arg(0, "dtype") is { } da ? Dtype(da) ?? DataType.Int64 : DataType.Int64;
                return new PrimSInfo(d);
            }
            case "R.PackedFunc": return new FuncSInfo(null, StructInfo.Object, false, IsPackedFunc: true);
            case "R.Callable":
            {
                var ps = Arg(0, "params");
                var ret = Arg(1, "ret") is { } r ? SInfo(r, signature, defineNew) : StructInfo.Object;
                var pur = Arg(2, "purity");
                var purity = pur is PyConst { Id: "True" } || (pur is null && ps is not null && _opt.SourceVersion is not { Minor: 19 });
                if (ps is null or PyConst { Id: "None" }) return new FuncSInfo(null, ret, pur is PyConst { Id: "True" });
                return new FuncSInfo(new ValueArray<StructInfo>(Items(ps).Select(a => SInfo(a, signature, defineNew))), ret, purity);
            }
        }
        if (name.StartsWith("T.", StringComparison.Ordinal) && e is not PyCall && DataType.TryParse(name[2..], out var pdt)) return new PrimSInfo(pdt);
        if (name.StartsWith("R.", StringComparison.Ordinal) && e is not PyCall && DataType.TryParse(name[2..], out _))
            throw Err(e.Loc, RelaxScriptDiagnosticIds.BadAnnotation, $"unknown annotation '{name}'");
        throw Err(e.Loc, RelaxScriptDiagnosticIds.BadAnnotation, $"unknown struct-info annotation '{name}'");
    }

    /// <summary>A symbolic int64 expression; quoted strings hold expressions (<c>"n * 2"</c>); free names are declared when allowed.</summary>
    private SymExpr Sym(PyExpr e, bool autoDeclare)
    {
        switch (e)
        {
            case PyInt i: return i.Value;
            case PyNeg n: return -Sym(n.A, autoDeclare);
            case PyName n:
                if (Lookup(n.Id) is SymVar v) return v;
                if (Lookup(n.Id) is Var { Info: PrimSInfo { Value: { } pv } }) return pv;
                if (!autoDeclare) throw Err(n.Loc, RelaxScriptDiagnosticIds.UndefinedName, $"undefined symbolic variable '{n.Id}' (declare it with '{n.Id} = T.int64()')");
                var nv = new SymVar(n.Id);
                BindOuter(n.Id, nv);
                return nv;
            case PyStr s:
            {
                var loc = (SourceLoc.Text)s.Loc;
                List<Token> toks;
                try { toks = Tokenizer.Tokenize(s.Value, _path); }
                catch (BridgeException) { throw Err(s.Loc, RelaxScriptDiagnosticIds.BadAnnotation, $"bad symbolic dimension \"{s.Value}\""); }
                var inner = new PyParser([.. toks.Select(t => t with { Line = loc.Line, Col = loc.Column })], _path, _lines).Expr();
                return Sym(inner, true);
            }
            case PyBin b:
            {
                var x = Sym(b.A, autoDeclare);
                var y = Sym(b.B, autoDeclare);
                return b.Op switch
                {
                    "+" => x + y,
                    "-" => x - y,
                    "*" => x * y,
                    "//" => y.AsConst == 0 ? throw Err(b.Loc, RelaxScriptDiagnosticIds.BadAnnotation, "division by zero") : SymExpr.FloorDiv(x, y),
                    "%" => y.AsConst == 0 ? throw Err(b.Loc, RelaxScriptDiagnosticIds.BadAnnotation, "division by zero") : SymExpr.FloorMod(x, y),
                    _ => throw Err(b.Loc, RelaxScriptDiagnosticIds.BadAnnotation, $"operator '{b.Op}' is not allowed in a shape"),
                };
            }
            case PyCall c when Dotted(c.Func) is { } fn && c.Args.Length is 1 or 2:
                if (fn is "T.int64" or "T.int32" && c.Args.Length == 1) return Sym(c.Args[0], autoDeclare);
                if (c.Args.Length == 2)
                {
                    var a = Sym(c.Args[0], autoDeclare);
                    var b2 = Sym(c.Args[1], autoDeclare);
                    switch (fn)
                    {
                        case "T.max": return SymExpr.Max(a, b2);
                        case "T.min": return SymExpr.Min(a, b2);
                        case "T.floordiv" when b2.AsConst != 0: return SymExpr.FloorDiv(a, b2);
                        case "T.floormod" when b2.AsConst != 0: return SymExpr.FloorMod(a, b2);
                    }
                }
                break;
        }
        throw Err(e.Loc, RelaxScriptDiagnosticIds.BadAnnotation, "expected a shape dimension (int, name or expression)");
    }

    /// <summary>Auto-declared symbolic vars live in the enclosing function scope (so the body's <c>n = T.int64()</c> reuses them).</summary>
    private void BindOuter(string name, SymVar v) => _scopes.Peek()[name] = v;
}
