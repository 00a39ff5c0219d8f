using Bridge.Core.IO;

namespace Bridge.Core.Files;

/// <summary>Loads any tensor file (<c>.npy</c>, <c>.npz</c>, <c>.params</c>), detected by content, as an ordered list of named tensors.</summary>
public static class TensorFiles
{
    /// <summary>Reads <paramref name="path"/>; a <c>.npy</c> yields one tensor named after the file (without extension).</summary>
    public static IReadOnlyList<(string Name, Tensor Tensor)> Load(string path)
    {
        var data = AtomicFile.ReadAllBytes(path);
        var info = FormatSniffer.Identify(data, path);
        return info.Format switch
        {
            ModelFormat.Npy => [(Path.GetFileNameWithoutExtension(path), NpyFile.Read(data, path))],
            ModelFormat.Npz => NpzFile.Read(data, path),
            ModelFormat.TvmParams => ParamsFile.Read(data, path),
            _ => throw new BridgeException(CoreDiagnosticIds.UnknownFormat, BinaryLoc.At(path, "file", "content", 0),
                $"{path} is {info.Format}, not a tensor file (.npy, .npz or .params)"),
        };
    }

    /// <summary>True for the formats <see cref="Load"/> reads.</summary>
    public static bool IsTensorFormat(ModelFormat f) => f is ModelFormat.Npy or ModelFormat.Npz or ModelFormat.TvmParams;
}
