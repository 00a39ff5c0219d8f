using Bridge.Backends.Reference;
using Bridge.Ir.Ops;

namespace Bridge.Backends.Cpu.Lowering;

/// <summary>Where a buffer's storage comes from.</summary>
public enum BufferKind { Input, Constant, Temp }

/// <summary>
/// One tensor of a lowered program: a model input, a compile-time constant (weights, folded shapes) or an intermediate.
/// Shapes are symbolic (<see cref="SymExpr"/>): a symbolic dim stays a run-time argument of the generated code.
/// </summary>
public sealed class TBuffer(int id, string name, BufferKind kind, ImmutableArray<SymExpr> shape, DataType dtype, Tensor? value = null)
{
    public int Id { get; } = id;
    public string Name { get; } = name;
    public BufferKind Kind { get; } = kind;
    public ImmutableArray<SymExpr> Shape { get; } = shape;
    public DataType DType { get; } = dtype;
    /// <summary>The value of a <see cref="BufferKind.Constant"/>.</summary>
    public Tensor? Value { get; } = value;
    public int Rank => Shape.Length;
    public bool IsConstant => Kind == BufferKind.Constant;
    /// <summary>The element count (a symbolic product).</summary>
    public SymExpr Numel => Shape.Aggregate((SymExpr)1, (a, d) => a * d);
    public bool IsStatic => Shape.All(d => d.IsConst());
    public override string ToString() => $"{Name}{Tensor.FormatShape([.. Shape.Select(d => d.AsConst ?? -1)])}";
}

/// <summary>The neutral op kinds both IRs lower to; <see cref="OpKind.Fallback"/> runs the op's reference kernel.</summary>
public enum OpKind
{
    Unary, Binary, Reshape, Transpose, BroadcastTo, StridedSlice, Reduce,
    Conv2d, Matmul, MaxPool2d, AvgPool2d, Softmax, LayerNorm, Concat, Fallback,
}

/// <summary>Typed attributes of the neutral ops (defaults written once).</summary>
public abstract record LAttrs;
/// <summary>relu, sigmoid, tanh, exp, erf, sqrt, rsqrt, neg, abs, log, clip (Lo/Hi), copy, silu, gelu.</summary>
public sealed record UnaryAttrs(string Fn, double Lo = 0, double Hi = 0) : LAttrs;
/// <summary>add, subtract, multiply, divide, maximum, minimum, power (numpy broadcasting).</summary>
public sealed record BinaryAttrs(string Fn) : LAttrs;
public sealed record TransposeAttrs(ImmutableArray<int> Perm) : LAttrs;
/// <summary>Per axis of the input: begin and step (the output shape gives the extent).</summary>
public sealed record StridedSliceAttrs(ImmutableArray<long> Begin, ImmutableArray<long> Step) : LAttrs;
/// <summary>sum, mean, max, min over <see cref="Axes"/> (normalised, sorted).</summary>
public sealed record ReduceAttrs(string Fn, ImmutableArray<int> Axes, bool KeepDims) : LAttrs;
public sealed record Conv2dAttrs(long StrideH, long StrideW, long PadT, long PadL, long PadB, long PadR, long DilH, long DilW, long Groups) : LAttrs;
/// <summary>A · B, B transposed in memory when <see cref="TransB"/> (Relay <c>nn.dense</c>).</summary>
public sealed record MatmulAttrs(bool TransB = false) : LAttrs;
public sealed record Pool2dAttrs(long KH, long KW, long StrideH, long StrideW, long PadT, long PadL, long PadB, long PadR,
    long DilH = 1, long DilW = 1, bool CountIncludePad = false) : LAttrs;
/// <summary>Softmax (or log-softmax) over the last axis.</summary>
public sealed record SoftmaxAttrs(bool Log = false) : LAttrs;
public sealed record LayerNormAttrs(double Eps) : LAttrs;
/// <summary>Concatenation of the inputs along <see cref="Axis"/> (normalised).</summary>
public sealed record ConcatAttrs(int Axis) : LAttrs;
/// <summary>No codegen: the op's reference kernel runs on the buffers (the reason is reported).</summary>
public sealed record FallbackAttrs(string Reason) : LAttrs;
public sealed record NoAttrs : LAttrs { public static readonly NoAttrs Instance = new(); }

/// <summary>An argument of the source op as its reference kernel sees it.</summary>
public abstract record OriginArg;
/// <summary>The op's input buffer <see cref="Index"/>.</summary>
public sealed record BufferArg(int Index) : OriginArg;
/// <summary>A fixed value (string, dtype, static prim value).</summary>
public sealed record LiteralArg(Value Value) : OriginArg;
/// <summary>A shape whose symbolic dims are evaluated at run time.</summary>
public sealed record ShapeArg(ImmutableArray<SymExpr> Dims) : OriginArg;
/// <summary>A prim value that may be symbolic.</summary>
public sealed record PrimArg(DataType DType, SymExpr Value) : OriginArg;
public sealed record TupleArg(ImmutableArray<OriginArg> Fields) : OriginArg;

/// <summary>The source call an op came from: the reference kernel of <see cref="Op"/> computes the same result (fallback, folding).</summary>
public sealed record OpOrigin(OpDef Op, Attrs Attrs, ImmutableArray<OriginArg> Args, int OutputIndex = -1);

/// <summary>One neutral op: kind, typed attrs, input buffers, one output buffer, the source op and its location.</summary>
public sealed class TOp(OpKind kind, LAttrs attrs, ImmutableArray<TBuffer> inputs, TBuffer output, OpOrigin? origin, SourceLoc loc, string sourceOp)
{
    public OpKind Kind { get; } = kind;
    public LAttrs Attrs { get; } = attrs;
    public ImmutableArray<TBuffer> Inputs { get; } = inputs;
    public TBuffer Output { get; } = output;
    public OpOrigin? Origin { get; } = origin;
    public SourceLoc Loc { get; } = loc;
    /// <summary>The IR op name it came from (<c>relax.nn.conv2d</c>, <c>nn.dense</c>).</summary>
    public string SourceOp { get; } = sourceOp;
    public TOp WithInputs(ImmutableArray<TBuffer> inputs, LAttrs? attrs = null) => new(Kind, attrs ?? Attrs, inputs, Output, Origin, Loc, SourceOp);
    public override string ToString() => $"{Kind}({SourceOp}) -> {Output.Name}";
}

/// <summary>
/// The loop-level program both IRs lower to: inputs, ops in execution order (a DAG over buffers), outputs. Symbolic vars are
/// those of the input shapes; every other extent is an expression of them.
/// </summary>
public sealed class TensorProgram(string source, ImmutableArray<TBuffer> inputs, ImmutableArray<TOp> ops, ImmutableArray<TBuffer> outputs)
{
    /// <summary>Which IR it came from: <c>relay</c> or <c>relax</c>.</summary>
    public string Source { get; } = source;
    public ImmutableArray<TBuffer> Inputs { get; } = inputs;
    public ImmutableArray<TOp> Ops { get; } = ops;
    public ImmutableArray<TBuffer> Outputs { get; } = outputs;

    /// <summary>The symbolic vars of the input shapes, in order of first appearance.</summary>
    public ImmutableArray<SymVar> SymVars
    {
        get
        {
            var list = new List<SymVar>();
            foreach (var b in Inputs) foreach (var d in b.Shape) foreach (var v in d.FreeVars()) if (!list.Contains(v)) list.Add(v);
            return [.. list];
        }
    }

    public TensorProgram WithOps(ImmutableArray<TOp> ops, ImmutableArray<TBuffer>? outputs = null) => new(Source, Inputs, ops, outputs ?? Outputs);

    /// <summary>Every buffer read or written, by id.</summary>
    public IReadOnlyDictionary<int, TBuffer> Buffers()
    {
        var d = new Dictionary<int, TBuffer>();
        foreach (var b in Inputs) d[b.Id] = b;
        foreach (var op in Ops) { foreach (var b in op.Inputs) d[b.Id] = b; d[op.Output.Id] = op.Output; }
        foreach (var b in Outputs) d[b.Id] = b;
        return d;
    }
}

/// <summary>Allocates buffer ids while lowering.</summary>
public sealed class BufferFactory
{
    private int _next;
    public TBuffer Input(string name, ImmutableArray<SymExpr> shape, DataType dt) => new(_next++, name, BufferKind.Input, shape, dt);
    public TBuffer Constant(string name, Tensor value) => new(_next++, name, BufferKind.Constant, [.. value.Shape.Select(d => (SymExpr)d)], value.DType, value);
    public TBuffer Temp(string name, ImmutableArray<SymExpr> shape, DataType dt) => new(_next++, name, BufferKind.Temp, shape, dt);
}
