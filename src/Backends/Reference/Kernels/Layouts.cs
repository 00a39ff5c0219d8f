using static Bridge.Backends.Reference.KernelCommon;

namespace Bridge.Backends.Reference;

/// <summary>Layout strings (TVM's: one upper-case letter per dim) and conversions to and from a kernel's canonical layout.</summary>
public static class Layouts
{
    /// <summary>The spatial letters for 1, 2 or 3 spatial dims: W, HW, DHW.</summary>
    public static string Spatial(int nd) => nd switch { 1 => "W", 2 => "HW", 3 => "DHW", _ => throw new Core.Diagnostics.BridgeInternalError($"{nd} spatial dims") };

    /// <summary>perm[i] = position in <paramref name="layout"/> of the canonical dim i; throws if the layout is not a permutation of it.</summary>
    public static int[] Perm(string op, string layout, string canonical)
    {
        if (layout.Length != canonical.Length || layout.Any(c => !char.IsUpper(c)))
            throw Fail(KernelDiagnosticIds.UnsupportedMode, op, $"layout '{layout}' is not supported here (expected a permutation of '{canonical}')");
        var perm = new int[canonical.Length];
        for (var i = 0; i < canonical.Length; i++)
        {
            perm[i] = layout.IndexOf(canonical[i], StringComparison.Ordinal);
            if (perm[i] < 0) throw Fail(KernelDiagnosticIds.UnsupportedMode, op, $"layout '{layout}' is not supported here (expected a permutation of '{canonical}')");
        }
        return perm;
    }

    /// <summary>The shape reordered to the canonical layout.</summary>
    public static long[] Permute(string op, ImmutableArray<long> shape, string layout, string canonical)
    {
        var perm = Perm(op, layout, canonical);
        return [.. perm.Select(p => shape[p])];
    }

    public static Tensor ToCanonical(string op, Tensor t, string layout, string canonical) =>
        layout == canonical ? t : Manipulate.Transpose(t, [.. Perm(op, layout, canonical).Select(x => (long)x)]);

    public static Tensor FromCanonical(Tensor t, string canonical, string layout) =>
        layout == canonical ? t : Manipulate.Transpose(t, [.. Perm("layout", canonical, layout).Select(x => (long)x)]);
}
