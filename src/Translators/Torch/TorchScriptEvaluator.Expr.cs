using Bridge.Importers.TorchScript;
using Bridge.Importers.TorchScript.Code;
using Bridge.Importers.TorchScript.Pickle;

namespace Bridge.Translators.Torch;

internal sealed partial class TorchScriptEvaluator
{
    private object? Eval(TsExpr e, Env env)
    {
        switch (e)
        {
            case TsConst c: return c.Value is int i ? (long)i : c.Value;
            case TsName n:
                if (env.Vars.TryGetValue(n.Id, out var v)) return Latest(v);
                if (n.Id is "__torch__" or "torch" or "ops" or "math" or "builtins") return new Namespace(n.Id);
                if (n.Id == "inf") return double.PositiveInfinity;
                return new Builtin(n.Id);
            case TsList l: return l.Items.Select(x => Eval(x, env)).ToList();
            case TsTuple t: return new PyTupleValue([.. t.Items.Select(x => Eval(x, env))]);
            case TsDict d:
                {
                    var r = new Dictionary<object, object?>();
                    foreach (var (k, val) in d.Items) r[Eval(k, env) ?? throw Error(TorchDiagnosticIds.UnsupportedConstruct, d.Pos, "None as a dict key")] = Eval(val, env);
                    return r;
                }
            case TsConditional c:
                {
                    var cond = Eval(c.Condition, env);
                    if (cond is TensorRef t)
                    {
                        var a = Eval(c.Then, env);
                        var b = Eval(c.Else, env);
                        return Aten.Where(this, ToBoolScalar(t), a, b, c.Pos);
                    }
                    return Truthy(cond, c.Pos) ? Eval(c.Then, env) : Eval(c.Else, env);
                }
            case TsUnary u:
                {
                    var x = Eval(u.Operand, env);
                    return u.Op switch
                    {
                        "not" when x is TensorRef xt => Aten.Unary(this, "Not", ToBoolScalar(xt)),
                        "not" => !Truthy(x, u.Pos),
                        "-" => Binary("*", x, -1L, u.Pos),
                        "+" => x,
                        "~" when x is long xl => ~xl,
                        _ => throw Error(TorchDiagnosticIds.UnsupportedConstruct, u.Pos, $"unary {u.Op} on {Describe(x)}"),
                    };
                }
            case TsBinary { Op: "and" } b:
                {
                    var l = Eval(b.Left, env);
                    if (l is TensorRef) return Aten.Logical(this, "And", l, Eval(b.Right, env), b.Pos);
                    return Truthy(l, b.Pos) ? Eval(b.Right, env) : l;
                }
            case TsBinary { Op: "or" } b:
                {
                    var l = Eval(b.Left, env);
                    if (l is TensorRef) return Aten.Logical(this, "Or", l, Eval(b.Right, env), b.Pos);
                    return Truthy(l, b.Pos) ? l : Eval(b.Right, env);
                }
            case TsBinary b: return Binary(b.Op, Eval(b.Left, env), Eval(b.Right, env), b.Pos);
            case TsAttribute a: return Attribute(a, env);
            case TsSubscript s: return Subscript(Eval(s.Target, env), s.Index, env, s.Pos);
            case TsCall c: return CallExpr(c, env);
            default:
                throw Error(TorchDiagnosticIds.UnsupportedConstruct, e.Pos, $"expression {e.GetType().Name[2..]} is not supported");
        }
    }

    /// <summary>A dotted prefix not bound to a value: <c>torch</c>, <c>ops.prim</c>, <c>__torch__.a.b</c>.</summary>
    internal sealed record Namespace(string Dotted);

    /// <summary>A Python builtin referred to by name (<c>int</c>, <c>range</c>, <c>len</c>, …).</summary>
    internal sealed record Builtin(string Name);

    private object? Attribute(TsAttribute a, Env env)
    {
        if (a.Target is TsName { Id: "CONSTANTS" } && a.Name.StartsWith('c') && int.TryParse(a.Name.AsSpan(1), out var ci))
            return ci < _archive.Constants.Count ? FromPickle(_archive.Constants[ci], a.Pos)
                : throw Error(TorchDiagnosticIds.UnknownName, a.Pos, $"CONSTANTS.{a.Name}: the archive has {_archive.Constants.Count} constants");
        var target = Eval(a.Target, env);
        switch (target)
        {
            case TsModule m: return Member(m, a.Name, a.Pos);
            case Namespace ns:
                {
                    var dotted = ns.Dotted + "." + a.Name;
                    if (dotted.StartsWith("__torch__.", StringComparison.Ordinal) && FindFunction(dotted) is { } f) return new TsFunctionRef(f);
                    return new Namespace(dotted);
                }
            case Dictionary<object, object?> d when a.Name is "keys" or "values" or "items":
                return new BoundMethod(d, a.Name);
            case List<object?> l when a.Name is "append" or "extend" or "insert" or "pop":
                return new BoundMethod(l, a.Name);
            case TensorRef t when a.Name == "shape": return t.Shape.Select(x => (object?)x).ToList();
            case TensorRef t when a.Name == "dtype": return (long)Aten.ScalarTypeOf(t.DType);
            case TensorRef tr: return new BoundMethod(tr, a.Name);
            default: throw Error(TorchDiagnosticIds.UnknownName, a.Pos, $"attribute '{a.Name}' of {Describe(target)}");
        }
    }

    internal sealed record BoundMethod(object Receiver, string Name);

    private TsFunctionDef? FindFunction(string dotted)
    {
        var dot = dotted.LastIndexOf('.');
        var file = dotted[..dot].Replace('.', '/') + ".py";
        return _archive.Code.TryGetValue(file, out var f) ? f.Functions.FirstOrDefault(x => x.Name == dotted[(dot + 1)..]) : null;
    }

    internal object? Member(TsModule m, string name, TsPos pos)
    {
        foreach (var (n, t) in m.Parameters) if (n == name) return Weight(t);
        foreach (var (n, t) in m.Buffers) if (n == name) return Weight(t);
        foreach (var (n, s) in m.Submodules) if (n == name) return s;
        foreach (var (n, v) in m.Attributes) if (n == name) return FromPickle(v, pos);
        // Final class constants (`in_features : Final[int] = 16`) live in the class body.
        if (m.Class is { } cls)
            foreach (var s in cls.Body)
                if (s is TsAssign { Targets: [TsName tn], Value: { } val } && tn.Id == name) return Eval(val, new Env(new(StringComparer.Ordinal)));
        if (m.Class?.Method(name) is { } meth) return new BoundMethod(m, meth.Name);
        throw Error(TorchDiagnosticIds.UnknownName, pos, $"module {m.TypeName} ('{m.Path}') has no member '{name}'");
    }

    internal TensorRef Weight(TorchTensor t) => _g.Const(t.Value, t, "w");

    internal object? FromPickle(object? v, TsPos pos) => v switch
    {
        TorchTensor t => Weight(t),
        null or long or double or bool or string => v,
        int i => (long)i,
        PyList l => l.Items.Select(i => FromPickle(i, pos)).ToList(),
        PyTuple t => new PyTupleValue([.. t.Items.Select(i => FromPickle(i, pos))]),
        PyDict d => d.Items.ToDictionary(kv => FromPickle(kv.Key, pos) ?? "None", kv => FromPickle(kv.Value, pos)),
        TorchDevice dev => dev,
        TsModule m => m,
        _ => throw Error(TorchDiagnosticIds.UnsupportedConstruct, pos, $"value {PyRepr.Of(v)} is not supported"),
    };

    private object? Subscript(object? target, TsExpr index, Env env, TsPos pos)
    {
        if (index is TsSlice sl)
        {
            long? L(TsExpr? x) => x is null ? null : Eval(x, env) is long q ? q : throw Error(TorchDiagnosticIds.UnsupportedConstruct, pos, "slice bounds must be ints");
            var items = Items(target, pos);
            var (lo, hi, st) = (L(sl.Lower), L(sl.Upper), L(sl.Step) ?? 1);
            if (st != 1) throw Error(TorchDiagnosticIds.UnsupportedConstruct, pos, "list slices with a step");
            int Norm(long? x, int dflt) => x is null ? dflt : (int)Math.Clamp(x.Value < 0 ? x.Value + items.Count : x.Value, 0, items.Count);
            var (a, b) = (Norm(lo, 0), Norm(hi, items.Count));
            var r = items.Skip(a).Take(Math.Max(0, b - a)).ToList();
            return target is PyTupleValue ? new PyTupleValue([.. r]) : r;
        }
        var key = Eval(index, env);
        switch (target)
        {
            case Builtin or Namespace: // a type expression: List[int], Optional[Tensor], Tuple[Tensor, Tensor]
                return target;
            case List<object?> or PyTupleValue when key is long k:
                {
                    var items = Items(target, pos);
                    var i = k < 0 ? k + items.Count : k;
                    if (i < 0 || i >= items.Count) throw Error(TorchDiagnosticIds.BadArguments, pos, $"index {k} out of range for {items.Count} items");
                    return items[(int)i];
                }
            case Dictionary<object, object?> d when key is not null:
                return d.TryGetValue(key, out var dv) ? dv : throw Error(TorchDiagnosticIds.UnknownName, pos, $"dict has no key {Describe(key)}");
            case TsModule m when key is long k:
                return m.Submodules[(int)(k < 0 ? k + m.Submodules.Length : k)].Module;
            case TsModule m when key is string ks:
                return Member(m, ks, pos);
            case TensorRef t when key is long k:
                return Aten.Select(this, t, 0, k);
            default:
                throw Error(TorchDiagnosticIds.UnsupportedConstruct, pos, $"{Describe(target)}[{Describe(key)}] is not supported");
        }
    }

    private object? CallExpr(TsCall c, Env env)
    {
        if (TorchScriptSummary.OpName(c.Function) is { } op)
        {
            var args = c.Args.Select(a => Eval(a, env)).ToList();
            var kw = c.Keywords.ToDictionary(k => k.Name, k => Eval(k.Value, env), StringComparer.Ordinal);
            return Functionalise(op, args.Count > 0 ? args[0] : null, Aten.Call(this, new AtenCall(op, args, kw, c.Pos)), env, c.Pos);
        }
        var fn = Eval(c.Function, env);
        var argv = c.Args.Select(a => Eval(a, env)).ToList();
        var kwv = c.Keywords.ToDictionary(k => k.Name, k => Eval(k.Value, env), StringComparer.Ordinal);
        switch (fn)
        {
            case BoundMethod { Receiver: TsModule m, Name: var mn }:
                {
                    var f = m.Class?.Method(mn) ?? throw Error(TorchDiagnosticIds.UnknownName, c.Pos, $"module {m.TypeName} has no method {mn}");
                    return Call(f, m, argv, kwv, c.Pos);
                }
            case BoundMethod { Receiver: List<object?> l, Name: var ln }:
                switch (ln)
                {
                    case "append": l.Add(argv[0]); return null;
                    case "extend": l.AddRange(Items(argv[0], c.Pos)); return null;
                    case "insert": l.Insert((int)(long)argv[0]!, argv[1]); return null;
                    default: { var i = argv.Count > 0 ? (int)(long)argv[0]! : l.Count - 1; if (i < 0) i += l.Count; var x = l[i]; l.RemoveAt(i); return x; }
                }
            case BoundMethod { Receiver: Dictionary<object, object?> d, Name: var dn }:
                return dn switch
                {
                    "keys" => d.Keys.Select(k => (object?)k).ToList(),
                    "values" => d.Values.ToList(),
                    _ => d.Select(kv => (object?)new PyTupleValue([kv.Key, kv.Value])).ToList(),
                };
            case BoundMethod { Receiver: TensorRef t, Name: var tn }:
                return Functionalise(tn, t, Aten.Call(this, new AtenCall("aten::" + tn, [t, .. argv], kwv, c.Pos)), env, c.Pos);
            case TsFunctionRef fr:
                return Call(fr.Def, null, argv, kwv, c.Pos);
            case TsModule m when m.Forward is { } fwd:
                return Call(fwd, m, argv, kwv, c.Pos);
            case Builtin b:
                return Builtins(b.Name, argv, kwv, c.Pos);
            case Namespace ns:
                throw Error(TorchDiagnosticIds.UnsupportedOp, c.Pos, $"call of {ns.Dotted} is not supported");
            default:
                throw Error(TorchDiagnosticIds.UnsupportedConstruct, c.Pos, $"{Describe(fn)} is not callable");
        }
    }

    private object? Builtins(string name, List<object?> a, Dictionary<string, object?> kw, TsPos pos)
    {
        object? A0() => a.Count > 0 ? a[0] : throw Error(TorchDiagnosticIds.BadArguments, pos, $"{name}() needs an argument");
        switch (name)
        {
            case "int":
                return A0() switch { long l => l, double d => (long)Math.Truncate(d), bool b => b ? 1L : 0L, TensorRef t => Scalarize(Cast(Reshape0(t), DataType.Int64), false), var x => throw Error(TorchDiagnosticIds.BadArguments, pos, $"{name}() of {Describe(x)}") };
            case "float":
                return A0() switch { long l => (double)l, double d => d, bool b => b ? 1.0 : 0.0, TensorRef t => Scalarize(Cast(Reshape0(t), DataType.Float32), true), var x => throw Error(TorchDiagnosticIds.BadArguments, pos, $"{name}() of {Describe(x)}") };
            case "bool":
                return A0() is TensorRef bt ? ToBoolScalar(bt) : Truthy(A0(), pos);
            case "range":
                {
                    if (a.Count == 1) return new RangeValue(0, a[0] is TensorRef ? a[0]! : Math.Max(0L, (long)a[0]!), 1);
                    var start = (long)a[0]!;
                    var stop = (long)a[1]!;
                    var step = a.Count > 2 ? (long)a[2]! : 1;
                    return new RangeValue(start, Math.Max(0L, (stop - start + step - Math.Sign(step)) / step), step);
                }
            case "len":
                return A0() switch { string s => (long)s.Length, Dictionary<object, object?> d => (long)d.Count, TensorRef t => t.Shape[0], var x => (long)Items(x, pos).Count };
            case "unchecked_cast": case "annotate":
                return a[1];
            case "uninitialized":
                return null;
            case "isinstance":
                return a[0] is TensorRef;
            case "getattr":
                return a[0] is TsModule gm && a[1] is string gn ? Member(gm, gn, pos) : throw Error(TorchDiagnosticIds.UnsupportedConstruct, pos, "getattr on a non-module");
            case "str":
                return Describe(A0()).Trim('\'');
            case "min" or "max" when a.Count == 2 && IsNumber(a[0]) && IsNumber(a[1]):
                {
                    var (x, y) = (Convert.ToDouble(a[0], System.Globalization.CultureInfo.InvariantCulture), Convert.ToDouble(a[1], System.Globalization.CultureInfo.InvariantCulture));
                    return (name == "min") == (x <= y) ? a[0] : a[1];
                }
            case "print":
                return null;
            default:
                throw Error(TorchDiagnosticIds.UnsupportedOp, pos, $"builtin {name}() is not supported");
        }
    }

    /// <summary>Python binary operators: numbers fold here, tensors go through the aten layer.</summary>
    internal object? Binary(string op, object? l, object? r, TsPos pos)
    {
        if (l is TensorRef || r is TensorRef)
        {
            var aten = op switch
            {
                "+" => "aten::add", "-" => "aten::sub", "*" => "aten::mul", "/" => "aten::div", "//" => "aten::floor_divide", "%" => "aten::remainder",
                "**" => "aten::pow", "==" => "aten::eq", "!=" => "aten::ne", "<" => "aten::lt", "<=" => "aten::le", ">" => "aten::gt", ">=" => "aten::ge",
                "&" => "aten::bitwise_and", "|" => "aten::bitwise_or", "@" => "aten::matmul",
                _ => throw Error(TorchDiagnosticIds.UnsupportedConstruct, pos, $"operator {op} on tensors"),
            };
            return Aten.Call(this, new AtenCall(aten, [l, r], new(StringComparer.Ordinal), pos));
        }
        return Aten.Fold(this, op, l, r, pos);
    }
}

/// <summary>One aten/prim call: positional and keyword argument values, with the call's position.</summary>
internal sealed record AtenCall(string Op, List<object?> Args, Dictionary<string, object?> Kw, TsPos Pos);
