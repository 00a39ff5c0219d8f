using Bridge.Backends.Reference;
using Bridge.Ir.Ops;

namespace Bridge.Backends.Cpu.Lowering;

/// <summary>A value while lowering: a buffer, a tuple of values, a shape, or a prim value.</summary>
internal abstract record LValue;
internal sealed record BufValue(TBuffer Buffer) : LValue;
internal sealed record TupValue(ImmutableArray<LValue> Fields) : LValue;
internal sealed record ShapeLValue(ImmutableArray<SymExpr> Dims) : LValue;
internal sealed record PrimLValue(DataType DType, SymExpr? Int, double Float) : LValue;
internal sealed record LitValue(Value Value) : LValue;

/// <summary>The part of lowering both front ends share: building ops from source calls and collecting them in order.</summary>
internal sealed class LoweringBuilder(string source, string file)
{
    private readonly List<TOp> _ops = [];
    public BufferFactory Buffers { get; } = new();
    public string Source { get; } = source;
    public string File { get; } = file;
    private int _names;

    public IReadOnlyList<TOp> Ops => _ops;
    public void Add(TOp op) => _ops.Add(op);

    public BridgeException Unsupported(SourceLoc loc, string what) =>
        new(CpuDiagnosticIds.CannotCompile, loc is SourceLoc.Unknown ? new SourceLoc.Text(File, 0, 0) : loc, $"cannot compile the {Source} program: {what}");

    /// <summary>
    /// Lowers one op call: <paramref name="args"/> are the call's argument values in order. A tuple-valued op produces one
    /// fallback op per field (each runs the reference kernel and keeps its field).
    /// </summary>
    public LValue Call(OpDef op, Attrs attrs, IReadOnlyList<LValue> args, IReadOnlyList<(ImmutableArray<SymExpr> Shape, DataType DType)> outs,
        bool tupleOut, SourceLoc loc, string hint)
    {
        var flat = new List<TBuffer>();
        var views = ImmutableArray.CreateBuilder<ArgView>();
        var origin = ImmutableArray.CreateBuilder<OriginArg>();
        foreach (var a in args)
        {
            origin.Add(Origin(a, flat, loc));
            views.Add(a switch
            {
                BufValue b => new TensorArgView(b.Buffer),
                ShapeLValue s when s.Dims.All(d => d.IsConst()) => new IntsArgView([.. s.Dims.Select(d => d.AsConst!.Value)]),
                PrimLValue { Int: { } i } when i.IsConst() => new IntsArgView([i.AsConst!.Value]),
                PrimLValue p when p.DType.IsFloat => new ScalarArgView(p.Float),
                TupValue t when t.Fields.All(f => f is PrimLValue { Int: { } x } && x.IsConst()) =>
                    new IntsArgView([.. t.Fields.Select(f => ((PrimLValue)f).Int!.AsConst!.Value)]),
                _ => OtherArgView.Instance,
            });
        }
        var name = op.Name.StartsWith("relax.", StringComparison.Ordinal) ? op.Name["relax.".Length..] : op.Name;
        var attrsView = new KernelCall(op, attrs, [], loc);
        if (tupleOut)
        {
            var fields = ImmutableArray.CreateBuilder<LValue>();
            for (var k = 0; k < outs.Count; k++)
            {
                var o = Buffers.Temp($"{hint}_{k}", outs[k].Shape, outs[k].DType);
                _ops.Add(new TOp(OpKind.Fallback, new FallbackAttrs("tuple-valued op"), [.. flat], o, new OpOrigin(op, attrs, origin.ToImmutable(), k), loc, op.Name));
                fields.Add(new BufValue(o));
            }
            return new TupValue(fields.ToImmutable());
        }
        var (shape, dt) = outs[0];
        var view = new CallView(name, attrsView, views.ToImmutable(), shape, dt);
        var (kind, lattrs, ins) = OpLowering.Lower(view);
        // concat takes a tuple of tensors: lowered here, where the tuple's buffers are known
        if (name is "concat" or "concatenate" && args is [TupValue tup] && tup.Fields.All(f => f is BufValue { Buffer.DType: var d } && d == Core.Tensors.DataType.Float32)
            && dt == Core.Tensors.DataType.Float32 && flat.Count == tup.Fields.Length)
        {
            var axis = (int)attrsView.Long("axis", 0);
            if (axis < 0) axis += shape.Length;
            (kind, lattrs, ins) = (OpKind.Concat, new ConcatAttrs(axis), [.. flat]);
        }
        var output = Buffers.Temp(hint.Length > 0 ? hint : $"t{_names++}", shape, dt);
        if (kind == OpKind.Fallback) ins = [.. flat];
        _ops.Add(new TOp(kind, lattrs, ins, output, new OpOrigin(op, attrs, origin.ToImmutable()), loc, op.Name));
        return new BufValue(output);
    }

    private OriginArg Origin(LValue a, List<TBuffer> flat, SourceLoc loc)
    {
        switch (a)
        {
            case BufValue b:
                {
                    var i = flat.FindIndex(x => ReferenceEquals(x, b.Buffer));
                    if (i < 0) { i = flat.Count; flat.Add(b.Buffer); }
                    return new BufferArg(i);
                }
            case TupValue t: return new TupleArg([.. t.Fields.Select(f => Origin(f, flat, loc))]);
            case ShapeLValue s: return new ShapeArg(s.Dims);
            case PrimLValue { Int: { } iv } p: return new PrimArg(p.DType, iv);
            case PrimLValue p: return new LiteralArg(new PrimScalar(p.DType, (long)p.Float, p.Float));
            case LitValue l: return new LiteralArg(l.Value);
            default: throw Unsupported(loc, $"argument {a}");
        }
    }

    /// <summary>The program: outputs that are inputs or constants get a copy op (outputs own their storage).</summary>
    public TensorProgram Finish(ImmutableArray<TBuffer> inputs, LValue result, SourceLoc loc)
    {
        var outs = new List<TBuffer>();
        void Flat(LValue v)
        {
            switch (v)
            {
                case BufValue b: outs.Add(b.Buffer); break;
                case TupValue t: foreach (var f in t.Fields) Flat(f); break;
                default: throw Unsupported(loc, "the result is not made of tensors");
            }
        }
        Flat(result);
        var produced = new HashSet<int>(_ops.Select(o => o.Output.Id));
        for (var i = 0; i < outs.Count; i++)
        {
            var b = outs[i];
            if (produced.Contains(b.Id) && outs.IndexOf(b) == i) continue;
            var copy = Buffers.Temp($"{b.Name}_out", b.Shape, b.DType);
            var kind = b.DType == DataType.Float32 ? OpKind.Unary : OpKind.Fallback;
            LAttrs attrs = kind == OpKind.Unary ? new UnaryAttrs("copy") : new FallbackAttrs("copy of a non-float output");
            _ops.Add(new TOp(kind, attrs, [b], copy, null, loc, "copy"));
            outs[i] = copy;
        }
        return new TensorProgram(Source, inputs, [.. _ops], [.. outs]);
    }
}
