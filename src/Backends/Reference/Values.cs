
namespace Bridge.Backends.Reference;

/// <summary>
/// A run-time value of either interpreter: a tensor, a tuple, a shape (Relax), a primitive scalar, a string or dtype literal, or a
/// closure. Values are immutable; tensors are never written after they are produced.
/// </summary>
public abstract record Value
{
    /// <summary>The tensor this value holds; throws for non-tensors (callers check <see cref="TensorValue"/> first when unsure).</summary>
    public Tensor AsTensor() => this is TensorValue t ? t.Tensor : throw new Core.Diagnostics.BridgeInternalError($"expected a tensor value, got {Describe()}");

    /// <summary>A short description for error messages: <c>Tensor[(1, 3), float32]</c>, <c>tuple(2)</c>, <c>shape(1, 4)</c>.</summary>
    public abstract string Describe();
}

/// <summary>A tensor.</summary>
public sealed record TensorValue(Tensor Tensor) : Value
{
    public override string Describe() => Tensor.ToString();
}

/// <summary>A tuple of values.</summary>
public sealed record TupleValue(ImmutableArray<Value> Fields) : Value
{
    public static readonly TupleValue Empty = new(ImmutableArray<Value>.Empty);
    public override string Describe() => $"tuple({Fields.Length})";
    public bool Equals(TupleValue? other) => other is not null && Fields.SequenceEqual(other.Fields);
    public override int GetHashCode() => Fields.Length;
}

/// <summary>A Relax shape value (<c>R.shape([...])</c>, the result of <c>R.shape_of</c>).</summary>
public sealed record ShapeValue(ImmutableArray<long> Dims) : Value
{
    public override string Describe() => $"shape({string.Join(", ", Dims)})";
    public bool Equals(ShapeValue? other) => other is not null && Dims.SequenceEqual(other.Dims);
    public override int GetHashCode() => Dims.Length;
}

/// <summary>A primitive scalar (Relax <c>R.prim_value</c>); integers are exact in <see cref="Int"/>.</summary>
public sealed record PrimScalar(DataType DType, long Int, double Float) : Value
{
    public static PrimScalar Of(long v) => new(DataType.Int64, v, v);
    public static PrimScalar Of(double v, DataType dtype) => new(dtype, (long)v, v);
    public double AsDouble => DType.IsFloat ? Float : Int;
    public override string Describe() => DType.IsFloat ? $"{DType}({Float})" : $"{DType}({Int})";
}

/// <summary>A string literal (Relax <c>R.str</c>).</summary>
public sealed record StringValue(string Text) : Value
{
    public override string Describe() => $"str(\"{Text}\")";
}

/// <summary>A dtype literal (Relax <c>R.dtype</c>).</summary>
public sealed record DTypeValue(DataType Type) : Value
{
    public override string Describe() => $"dtype({Type})";
}

/// <summary>
/// A function value: a Relay closure or global, or a Relax function. <see cref="Invoke"/> runs it; the interpreters create these
/// and only they know how to call them.
/// </summary>
public sealed record ClosureValue(string Name, Func<IReadOnlyList<Value>, Value> Invoke) : Value
{
    public override string Describe() => $"closure {Name}";
}
