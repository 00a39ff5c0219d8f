using Bridge.Backends.Reference;
using Bridge.Ir.Ops;
using Bridge.Ir.Relay;

namespace Bridge.Backends.Cpu.Lowering;

/// <summary>
/// Relay (after type inference) → <see cref="TensorProgram"/>: the entry function's dataflow graph (lets and nested calls
/// alike), shapes from the checked types. <c>nn.batch_norm</c> with constant statistics becomes a per-channel multiply and
/// add (TVM's SimplifyInference), which constant folding then moves into the convolution's weights; <c>nn.dropout</c> is the
/// identity. Relay's <c>?</c> dims are not named: a program is compiled with symbolic dims only where they were named first
/// (<c>Compat/Cpu/RelayDimNames</c>, from the source model), else it must be static (import it with <c>--dim</c>).
/// </summary>
public static class RelayLowering
{
    public static TensorProgram Lower(IRModule module, string entry = "main", IReadOnlyDictionary<string, Tensor>? weights = null, string file = "<relay>")
    {
        var fn = module.Lookup(entry)
            ?? throw new BridgeException(CpuDiagnosticIds.CannotCompile, new SourceLoc.Text(file, 0, 0), $"the module has no Relay function {entry}");
        if (fn.Body.CheckedType is null) RelayTypeInference.InferModule(module);
        var b = new LoweringBuilder("relay", file);
        var memo = new Dictionary<Expr, LValue>(ReferenceEqualityComparer.Instance);
        var inputs = ImmutableArray.CreateBuilder<TBuffer>();
        foreach (var p in fn.Params)
        {
            if (weights is not null && weights.TryGetValue(p.Name, out var w)) { memo[p] = new BufValue(b.Buffers.Constant(p.Name, w)); continue; }
            if ((p.CheckedType ?? p.TypeAnnotation) is not TensorType tt) throw b.Unsupported(p.Loc, $"parameter {p.Name} is not a tensor");
            var buf = b.Buffers.Input(p.Name, Static(tt.Shape, p.Loc, b, p.Name), tt.DType);
            inputs.Add(buf);
            memo[p] = new BufValue(buf);
        }
        var result = InterpreterCommon.OnBigStack(() => Eval(fn.Body, memo, b), 256 * 1024 * 1024);
        return b.Finish(inputs.ToImmutable(), result, fn.Loc);
    }

    private static ImmutableArray<SymExpr> Static(ImmutableArray<SymExpr> shape, SourceLoc loc, LoweringBuilder b, string what) =>
        shape.All(d => d.FreeVars().All(v => !v.IsAny)) ? shape
            : throw b.Unsupported(loc, $"{what} has a dim unknown at compile time ({string.Join(", ", shape)}); Relay's '?' dims are unnamed: bind them (--dim) or compile the Relax path");

    private static LValue Eval(Expr e, Dictionary<Expr, LValue> memo, LoweringBuilder b)
    {
        if (memo.TryGetValue(e, out var done)) return done;
        Core.Limits.StackGuard.Check(e.Loc);
        LValue v;
        switch (e)
        {
            case Var x: throw b.Unsupported(x.Loc, $"%{x.Name} is not bound");
            case Constant c:
                v = new BufValue(b.Buffers.Constant("const", c.Value ?? throw b.Unsupported(c.Loc, "a constant without a value (unresolved metadata)")));
                break;
            case Ir.Relay.Tuple t: v = new TupValue([.. t.Fields.Select(f => Eval(f, memo, b))]); break;
            case TupleGetItem g:
                v = Eval(g.TupleValue, memo, b) is TupValue tv && g.Index < tv.Fields.Length ? tv.Fields[g.Index] : throw b.Unsupported(g.Loc, "projection of a non-tuple");
                break;
            case Let l:
                memo[l.Var] = Eval(l.Value, memo, b);
                v = Eval(l.Body, memo, b);
                break;
            case Call { Op: { } op } call: v = EvalCall(call, op, memo, b); break;
            case If i: throw b.Unsupported(i.Loc, "if (control flow)");
            default: throw b.Unsupported(e.Loc, $"{e.GetType().Name} expression (only op calls are compiled)");
        }
        memo[e] = v;
        return v;
    }

    private static LValue EvalCall(Call call, OpDef op, Dictionary<Expr, LValue> memo, LoweringBuilder b)
    {
        var args = call.Args.Select(a => Eval(a, memo, b)).ToList();
        if (op.Name == "nn.dropout") return new TupValue([args[0], args[0]]);
        if (op.Name == "nn.batch_norm" && BatchNorm(call, args, b) is { } bn) return bn;
        if (op.Name == "nn.bias_add" && BiasAdd(call, args, b) is { } ba) return ba;
        var hint = call.SpanName ?? op.Name.Replace('.', '_');
        switch (call.CheckedType)
        {
            case TensorType tt:
                return b.Call(op, call.Attrs, args, [(Static(tt.Shape, call.Loc, b, op.Name), tt.DType)], false, call.Loc, hint);
            case TupleType tup:
                return b.Call(op, call.Attrs, args, [.. tup.Fields.Select(f => f is TensorType ft ? (Static(ft.Shape, call.Loc, b, op.Name), ft.DType)
                    : throw b.Unsupported(call.Loc, $"{op.Name} returns a nested tuple"))], true, call.Loc, hint);
            default:
                throw b.Unsupported(call.Loc, $"{op.Name} has no checked tensor type");
        }
    }

    /// <summary><c>nn.bias_add(x, b, axis)</c> = x + reshape(b, [C, 1, …]) (the reshape of a constant bias folds away).</summary>
    private static LValue? BiasAdd(Call call, List<LValue> args, LoweringBuilder b)
    {
        if (args is not [BufValue { Buffer: var x }, BufValue { Buffer: { Rank: 1 } bias }] || x.DType != DataType.Float32 || bias.DType != DataType.Float32) return null;
        var axis = (int)new KernelCall(call.Op!, call.Attrs, [], call.Loc).Long("axis", 1);
        if (axis < 0) axis += x.Rank;
        var shape = Enumerable.Range(0, x.Rank - axis).Select(i => i == 0 ? bias.Shape[0] : (SymExpr)1).ToImmutableArray();
        var reshaped = b.Buffers.Temp("bias", shape, DataType.Float32);
        b.Add(new TOp(OpKind.Reshape, NoAttrs.Instance, [bias], reshaped, null, call.Loc, "nn.bias_add"));
        var sum = b.Buffers.Temp("bias_add", x.Shape, x.DType);
        b.Add(new TOp(OpKind.Binary, new BinaryAttrs("add"), [x, reshaped], sum, null, call.Loc, "nn.bias_add"));
        return new BufValue(sum);
    }

    /// <summary>
    /// <c>nn.batch_norm(x, gamma, beta, mean, var)</c> with constant statistics: x · s + t with s = γ/√(var+ε), t = β − mean·s
    /// shaped to broadcast on the channel axis (TVM's SimplifyInference). Null when a statistic is not a constant.
    /// </summary>
    private static LValue? BatchNorm(Call call, List<LValue> args, LoweringBuilder b)
    {
        if (args.Count != 5 || args[0] is not BufValue { Buffer: var x } || x.DType != DataType.Float32) return null;
        var cs = args.Skip(1).Select(a => a is BufValue { Buffer: { IsConstant: true, Value: { } t } } ? t : null).ToList();
        if (cs.Any(c => c is null)) return null;
        var kc = new KernelCall(call.Op!, call.Attrs, [], call.Loc);
        var axis = (int)kc.Long("axis", 1);
        if (axis < 0) axis += x.Rank;
        var eps = kc.Double("epsilon", 1e-5);
        bool center = kc.Bool("center", true), scale = kc.Bool("scale", true);
        var c = cs[0]!.Length;
        var s = new float[c];
        var sh = new float[c];
        for (var i = 0; i < c; i++)
        {
            var g = scale ? cs[0]!.GetDouble(i) : 1.0;
            var beta = center ? cs[1]!.GetDouble(i) : 0.0;
            var k = g / Math.Sqrt(cs[3]!.GetDouble(i) + eps);
            s[i] = (float)k;
            sh[i] = (float)(beta - cs[2]!.GetDouble(i) * k);
        }
        var bshape = Enumerable.Range(0, x.Rank - axis).Select(i => i == 0 ? (long)c : 1L).ToArray();
        var sBuf = b.Buffers.Constant("bn_scale", Tensor.FromArray(s, bshape));
        var tBuf = b.Buffers.Constant("bn_shift", Tensor.FromArray(sh, bshape));
        var mul = b.Buffers.Temp("bn_mul", x.Shape, x.DType);
        b.Add(new TOp(OpKind.Binary, new BinaryAttrs("multiply"), [x, sBuf], mul, null, call.Loc, "nn.batch_norm"));
        var add = b.Buffers.Temp("bn_add", x.Shape, x.DType);
        b.Add(new TOp(OpKind.Binary, new BinaryAttrs("add"), [mul, tBuf], add, null, call.Loc, "nn.batch_norm"));
        return new TupValue([new BufValue(add), args[3], args[4]]);
    }
}
