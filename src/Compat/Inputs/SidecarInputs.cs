using Bridge.Core.Files;

namespace Bridge.Compat.Inputs;

/// <summary>
/// Feeds given as a file beside a model (<c>NAME.inputs.npz</c>; the real corpus writes one per model). The sizes of the
/// symbolic dims they imply are bound like <c>--inputs</c>: pass <see cref="Inputs"/> and <see cref="File"/> as
/// <c>CheckOptions.Inputs</c>/<c>InputsOrigin</c>, and <see cref="DimBindings.Resolve"/> binds them (a dim bound to two sizes is
/// BRG6603, naming both inputs).
/// </summary>
public sealed record SidecarInputs(string File, IReadOnlyDictionary<string, Tensor> Inputs)
{
    /// <summary>The sibling feeds file of a model: <c>dir/NAME.inputs.npz</c> for <c>dir/NAME.onnx</c>.</summary>
    public static string PathFor(string modelPath) => Path.ChangeExtension(modelPath, ".inputs.npz");

    /// <summary>The model's sibling feeds, or null when it has none.</summary>
    public static SidecarInputs? ForModel(string modelPath)
    {
        var file = PathFor(modelPath);
        return System.IO.File.Exists(file) ? Load(file) : null;
    }

    /// <summary>Loads a feeds file (.npz/.npy/.params) by input name.</summary>
    public static SidecarInputs Load(string file) =>
        new(file, TensorFiles.Load(file).ToDictionary(t => t.Name, t => t.Tensor, StringComparer.Ordinal));
}
