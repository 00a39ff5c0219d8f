using System.Collections.Immutable;
using Bridge.Core.Diagnostics;
using Bridge.Core.Files;
using Bridge.Core.Tensors;

namespace Bridge.Compat.Inputs;

/// <summary>
/// Feeds given as a file (a model's sibling <c>NAME.inputs.npz</c>, or the real corpus's generated input sets), with the sizes
/// of the model's symbolic dims they imply: each named dim takes the size of the first input that has it, and the anonymous dims
/// (<c>?</c>) take their common size when all of them agree. A named dim bound to two different sizes is an error naming both
/// inputs.
/// </summary>
public sealed record SidecarInputs(IReadOnlyDictionary<string, Tensor> Inputs, IReadOnlyDictionary<string, long> Dims)
{
    /// <summary>The sibling feeds file of a model: <c>dir/NAME.inputs.npz</c> for <c>dir/NAME.onnx</c>.</summary>
    public static string PathFor(string modelPath) => Path.ChangeExtension(modelPath, ".inputs.npz");

    /// <summary>The model's sibling feeds, or null when it has none.</summary>
    public static SidecarInputs? ForModel(string modelPath, IReadOnlyList<InputSpec> specs)
    {
        var file = PathFor(modelPath);
        return File.Exists(file) ? Load(file, specs) : null;
    }

    /// <summary>Loads a feeds file (.npz/.npy/.params) and binds the symbolic dims of <paramref name="specs"/> from it.</summary>
    public static SidecarInputs Load(string file, IReadOnlyList<InputSpec> specs)
    {
        var inputs = TensorFiles.Load(file).ToDictionary(t => t.Name, t => t.Tensor, StringComparer.Ordinal);
        return new SidecarInputs(inputs, BindDims(file, specs, inputs));
    }

    /// <summary>The sizes of the symbolic dims of <paramref name="specs"/> that <paramref name="inputs"/> determine.</summary>
    public static IReadOnlyDictionary<string, long> BindDims(string file, IReadOnlyList<InputSpec> specs, IReadOnlyDictionary<string, Tensor> inputs)
    {
        var dims = new Dictionary<string, long>(StringComparer.Ordinal);
        var boundBy = new Dictionary<string, string>(StringComparer.Ordinal);
        var anonymous = new HashSet<long>();
        foreach (var spec in specs)
        {
            if (!inputs.TryGetValue(spec.Name, out var t) || t.Shape.Length != spec.Shape.Length) continue;
            for (var i = 0; i < spec.Shape.Length; i++)
            {
                var d = spec.Shape[i];
                if (d.Value is not null) continue;
                var size = t.Shape[i];
                if (d.Param is null or "?") { anonymous.Add(size); continue; }
                if (dims.TryGetValue(d.Param, out var had) && had != size)
                    throw new BridgeException(CompatDiagnosticIds.UnresolvedDim, new SourceLoc.Text(file, 1, 1),
                        $"dim '{d.Param}' is {had} in input '{boundBy[d.Param]}' but {size} in input '{spec.Name}'");
                dims[d.Param] = size;
                boundBy.TryAdd(d.Param, spec.Name);
            }
        }
        if (anonymous.Count == 1) dims["?"] = anonymous.Single();
        return dims.ToImmutableDictionary(StringComparer.Ordinal);
    }
}
