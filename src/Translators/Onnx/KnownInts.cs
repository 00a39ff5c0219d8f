
namespace Bridge.Translators.Onnx;

/// <summary>
/// The import-time value of a small integer tensor of rank 0 or 1: a shape, a dim, an index list (frontends.md §1.3); a constant
/// matrix only inside the folding of torch's pad pattern (<see cref="MatrixShape"/>).
/// Entries are symbolic (<see cref="SymExpr"/>), so <c>Shape(x)[0]</c> of a <c>batch × 3</c> input is the var <c>batch</c>.
/// </summary>
public sealed record KnownInts(ImmutableArray<SymExpr> Values, bool IsScalar, DataType DType)
{
    /// <summary>The largest constant tensor tracked as known values (index lists, shapes).</summary>
    public const int MaxLength = 64;

    public int Length => Values.Length;
    public bool AllConst => Values.All(v => v.IsConst());
    /// <summary>Rows and columns when the value is a constant matrix (row-major <see cref="Values"/>; OnnxEmitterBase.MatrixFold), else null.</summary>
    public ImmutableArray<long>? MatrixShape { get; init; }
    public ImmutableArray<long> Shape => MatrixShape ?? (IsScalar ? [] : [Values.Length]);

    public static KnownInts Vector(IEnumerable<SymExpr> values, DataType? dtype = null) => new([.. values], false, dtype ?? DataType.Int64);
    public static KnownInts Scalar(SymExpr value, DataType? dtype = null) => new([value], true, dtype ?? DataType.Int64);

    /// <summary>Known values of an integer (or bool) constant of rank ≤ 1, or null.</summary>
    public static KnownInts? FromTensor(Tensor t)
    {
        if (!t.DType.IsIntegral || t.Shape.Length > 1 || t.Length > MaxLength) return null;
        var vals = ImmutableArray.CreateBuilder<SymExpr>((int)t.Length);
        for (long i = 0; i < t.Length; i++) vals.Add(t.GetInt64(i));
        return new(vals.MoveToImmutable(), t.Shape.Length == 0, t.DType);
    }

    /// <summary>The constant tensor (only when <see cref="AllConst"/>).</summary>
    public Tensor ToTensor()
    {
        var t = Tensor.Zeros(DType, Shape.ToArray());
        for (var i = 0; i < Values.Length; i++) t.SetInt64(i, Values[i].AsConst ?? throw new Core.Diagnostics.BridgeInternalError("symbolic known value materialised as constant"));
        return t;
    }

    public override string ToString() => (IsScalar ? Values[0].ToString() : "[" + string.Join(", ", Values) + "]") + ":" + DType;
}
