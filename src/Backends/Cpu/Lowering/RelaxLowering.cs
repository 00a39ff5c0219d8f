using Bridge.Backends.Reference;
using Bridge.Ir.Relax;

namespace Bridge.Backends.Cpu.Lowering;

/// <summary>
/// Relax (with struct info) → <see cref="TensorProgram"/>: the entry function's bindings in order; parameters named in
/// <c>weights</c> become constants (ONNX imports keep weights as parameters), the rest are inputs whose symbolic dims stay
/// symbolic. Control flow, match_cast and calls of other functions are not compiled (BRG6103).
/// </summary>
public static class RelaxLowering
{
    public static TensorProgram Lower(IRModule module, string entry = "main", IReadOnlyDictionary<string, Tensor>? weights = null, string file = "<relax>")
    {
        var fn = module.Find(entry)?.Function
            ?? throw new BridgeException(CpuDiagnosticIds.CannotCompile, new SourceLoc.Text(file, 0, 0), $"the module has no Relax function {entry}");
        var b = new LoweringBuilder("relax", file);
        var env = new Dictionary<Var, LValue>(ReferenceEqualityComparer.Instance);
        var inputs = ImmutableArray.CreateBuilder<TBuffer>();
        foreach (var p in fn.Params)
        {
            if (weights is not null && weights.TryGetValue(p.Name, out var w)) { env[p] = new BufValue(b.Buffers.Constant(p.Name, w)); continue; }
            if (p.Info is not TensorSInfo { Shape: { } shape, DType: { } dt })
                throw b.Unsupported(p.Loc, $"parameter {p.Name} is not a tensor of known rank and dtype ({p.Info})");
            var buf = b.Buffers.Input(p.Name, [.. shape], dt);
            inputs.Add(buf);
            env[p] = new BufValue(buf);
        }
        foreach (var block in fn.Body.Blocks)
            foreach (var binding in block.Bindings)
            {
                if (binding is MatchCast) throw b.Unsupported(binding.Loc, "match_cast (data-dependent shapes)");
                env[binding.Var] = Eval(binding.Value, env, b, binding.Var.Name);
            }
        return b.Finish(inputs.ToImmutable(), Eval(fn.Body.Body, env, b, "out"), fn.Loc);
    }

    private static LValue Eval(Expr e, Dictionary<Var, LValue> env, LoweringBuilder b, string hint)
    {
        switch (e)
        {
            case Var v:
                return env.TryGetValue(v, out var val) ? val : throw b.Unsupported(v.Loc, $"{v.Name} is not bound in the entry function");
            case Constant c: return new BufValue(b.Buffers.Constant(hint + "_c", c.Data));
            case TupleExpr t: return new TupValue([.. t.Fields.Select(f => Eval(f, env, b, hint))]);
            case TupleGetItem g:
                return Eval(g.Tuple, env, b, hint) is TupValue tv && g.Index < tv.Fields.Length ? tv.Fields[g.Index]
                    : throw b.Unsupported(g.Loc, "tuple projection of a non-tuple");
            case ShapeExpr s: return new ShapeLValue(s.Values);
            case PrimValue p: return new PrimLValue(p.DType, p.IntValue, p.FloatValue);
            case StringImm s: return new LitValue(new StringValue(s.Value));
            case DataTypeImm d: return new LitValue(new DTypeValue(d.Value));
            case Call { Op: { } op } call:
                {
                    if (op.Name is "relax.call_tir" or "relax.call_dps_packed" or "relax.call_packed" or "relax.call_pure_packed" or "relax.invoke_closure")
                        throw b.Unsupported(call.Loc, $"{op.Name} (lowered code)");
                    var args = call.Args.Select(a => Eval(a, env, b, hint)).ToList();
                    var info = call.Info ?? throw b.Unsupported(call.Loc, $"{op.Name} has no struct info");
                    return info switch
                    {
                        TensorSInfo ts => b.Call(op, call.Attrs, args, [Out(ts, call, b)], false, call.Loc, hint),
                        TupleSInfo tup => b.Call(op, call.Attrs, args, [.. tup.Fields.Select(f => f is TensorSInfo fts ? Out(fts, call, b)
                            : throw b.Unsupported(call.Loc, $"{op.Name} returns a tuple with a non-tensor field"))], true, call.Loc, hint),
                        ShapeSInfo { Values: { } vals } => new ShapeLValue([.. vals]),
                        _ => throw b.Unsupported(call.Loc, $"{op.Name} returns {info}, not a tensor"),
                    };
                }
            case If i: throw b.Unsupported(i.Loc, "if/else (control flow)");
            case Call call: throw b.Unsupported(call.Loc, "a call of a function (only op calls are compiled)");
            default: throw b.Unsupported(e.Loc, $"{e.GetType().Name} expression");
        }
    }

    private static (ImmutableArray<SymExpr>, DataType) Out(TensorSInfo ts, Call call, LoweringBuilder b) =>
        ts is { Shape: { } s, DType: { } dt } ? ([.. s], dt) : throw b.Unsupported(call.Loc, $"{call.Op!.Name}: output shape or dtype unknown at compile time ({ts})");
}
