using Bridge.Importers.Onnx;
using Bridge.Importers.Onnx.Ops;

namespace Bridge.Translators.Onnx;

/// <summary>
/// Import-time folding of small constant integer matrices: torch's export of <c>F.pad</c> (reflect, replicate and constant
/// modes alike) builds the ONNX pads as <c>Concat(pad, zeros) → Reshape[-1, 2] → Slice(steps −1) → Transpose → Reshape[-1]</c>,
/// a 2-D detour that the rank-≤1 <see cref="KnownInts"/> folding cannot follow, so a Pad whose pads are fixed numbers looked
/// data-dependent. Only all-constant values take this detour (nothing symbolic is ever reshaped to 2-D), and only the nodes
/// below see a matrix: <see cref="Known"/> hides matrices from every other rule.
/// </summary>
public abstract partial class OnnxEmitterBase<TExpr>
{
    /// <summary>A known value that may be a constant matrix (for the folding rules below), or null.</summary>
    private KnownInts? KnownOrMatrix(CanonicalInput i)
    {
        if (!i.IsPresent) return null;
        if (i.Name.Length > 0 && Find(i.Name, out _) is { } s) return s.Known ?? (s.Const is { } t ? KnownInts.FromTensor(t) : null);
        return i.Constant is { } c ? KnownInts.FromTensor(c) : null;
    }

    /// <summary>The folded value of a Reshape to 2-D, a Transpose, a row Slice or a Cast of a constant matrix; else null.</summary>
    private KnownInts? FoldConstMatrix(CanonicalNode n)
    {
        switch (n.Kind)
        {
            case "Reshape":
            {
                if (KnownOrMatrix(n.Input(0)) is not { AllConst: true } d || ConstInts(n.Input(1)) is not [var r0, var c0]) return null;
                long len = d.Length;
                var (rows, cols) = (r0, c0) switch
                {
                    (-1, > 0) when len % c0 == 0 => (len / c0, c0),
                    ( > 0, -1) when len % r0 == 0 => (r0, len / r0),
                    ( > 0, > 0) when r0 * c0 == len => (r0, c0),
                    _ => (-1L, -1L),
                };
                return rows < 0 ? null : d with { IsScalar = false, MatrixShape = [rows, cols] };
            }
            case "Transpose":
            {
                if (KnownOrMatrix(n.Input(0)) is not { AllConst: true, MatrixShape: [var rows, var cols] } m) return null;
                if (n.AttrsAs<TransposeAttrs>().Perm is { } perm && !perm.SequenceEqual([1L, 0L])) return null;
                var t = new SymExpr[m.Length];
                for (var i = 0; i < rows; i++)
                    for (var j = 0; j < cols; j++) t[j * rows + i] = m.Values[(int)(i * cols + j)];
                return m with { Values = [.. t], MatrixShape = [cols, rows] };
            }
            case "Slice":
            {
                if (KnownOrMatrix(n.Input(0)) is not { AllConst: true, MatrixShape: [var rows, var cols] } m) return null;
                var ax = n.Input(3).IsPresent ? ConstInts(n.Input(3)) : [0];
                var sp = n.Input(4).IsPresent ? ConstInts(n.Input(4)) : [1];
                if (ConstInts(n.Input(1)) is not [var s0] || ConstInts(n.Input(2)) is not [var e0] || ax is not [0 or -2] || sp is not [var step] || step == 0)
                    return null;
                var picked = SliceIndices(rows, s0, e0, step);
                var vals = picked.SelectMany(r => Enumerable.Range(0, (int)cols).Select(j => m.Values[(int)(r * cols + j)]));
                return m with { Values = [.. vals], MatrixShape = [picked.Count, cols] };
            }
            case "Cast" or "Identity":
            {
                if (KnownOrMatrix(n.Input(0)) is not { MatrixShape: not null } m) return null;
                if (n.Kind == "Identity") return m;
                return n.AttrsAs<CastAttrs>().ToType is { IsIntegral: true, IsBool: false } dt ? m with { DType = dt } : null;
            }
            default:
                return null;
        }
    }
}
