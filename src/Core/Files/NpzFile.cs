using System.IO.Compression;
using Bridge.Core.IO;
using Bridge.Core.Limits;

namespace Bridge.Core.Files;

/// <summary>
/// NumPy <c>.npz</c> archives: a zip of <c>name.npy</c> members, stored (<c>np.savez</c>) or deflated (<c>np.savez_compressed</c>).
/// Names keep the archive's order. Each member is read with <see cref="NpyFile"/>, so member bytes are exactly what numpy writes;
/// the zip container itself (timestamps, zip64 extras) is not byte-identical to numpy's.
/// </summary>
public static class NpzFile
{
    /// <summary>Reads every array in archive order; member names lose their <c>.npy</c> suffix.</summary>
    public static IReadOnlyList<(string Name, Tensor Tensor)> Read(string path) => Read(AtomicFile.ReadAllBytes(path), path);

    public static IReadOnlyList<(string Name, Tensor Tensor)> Read(byte[] data, string path)
    {
        var result = new List<(string, Tensor)>();
        try
        {
            using var zip = new ZipArchive(new MemoryStream(data, writable: false), ZipArchiveMode.Read);
            // Entries reads the central directory lazily: it must stay inside the try.
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var entry in zip.Entries)
            {
                if (entry.FullName.EndsWith('/')) continue;
                var name = entry.FullName.EndsWith(".npy", StringComparison.Ordinal) ? entry.FullName[..^4] : entry.FullName;
                if (!seen.Add(name))
                    throw new BridgeException(CoreDiagnosticIds.BadZip, BinaryLoc.At(path, "npz", entry.FullName, 0), $"duplicate member '{name}' in .npz");
                if (entry.Length > Tensor.MaxBytes + (1 << 20))
                    throw new BridgeException(CoreDiagnosticIds.AbsurdShape, BinaryLoc.At(path, "npz", entry.FullName, 0),
                        $"member '{entry.FullName}' claims {entry.Length} bytes, over the tensor size limit");
                MemoryBudget.Charge(entry.Length, $"member '{entry.FullName}' ({entry.Length} bytes uncompressed)", BinaryLoc.At(path, "npz", entry.FullName, 0));
                byte[] bytes;
                try
                {
                    using var s = entry.Open();
                    using var ms = new MemoryStream();
                    s.CopyTo(ms);
                    bytes = ms.ToArray();
                }
                catch (Exception e) when (IsZipError(e))
                {
                    throw new BridgeException(CoreDiagnosticIds.BadZip, BinaryLoc.At(path, "npz", entry.FullName, 0), $"corrupt .npz member '{entry.FullName}': {e.Message}");
                }
                result.Add((name, NpyFile.Read(bytes, path, entry.FullName)));
            }
        }
        catch (Exception e) when (IsZipError(e))
        {
            throw new BridgeException(CoreDiagnosticIds.BadZip, BinaryLoc.At(path, "npz", "zip", 0), $"not a readable .npz (zip) archive: {e.Message}");
        }
        return result;
    }

    /// <summary>What System.IO.Compression throws for corrupt or truncated archives.</summary>
    internal static bool IsZipError(Exception e) => e is InvalidDataException or IOException or NotSupportedException or ArgumentException;

    /// <summary>Writes the arrays in the given order as <c>name.npy</c> members (deflated when <paramref name="compress"/>).</summary>
    public static void Write(string path, IEnumerable<(string Name, Tensor Tensor)> arrays, bool compress = false) =>
        AtomicFile.WriteAllBytes(path, ToBytes(arrays, compress));

    public static byte[] ToBytes(IEnumerable<(string Name, Tensor Tensor)> arrays, bool compress = false)
    {
        using var ms = new MemoryStream();
        using (var zip = new ZipArchive(ms, ZipArchiveMode.Create, leaveOpen: true))
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var (name, t) in arrays)
            {
                if (string.IsNullOrEmpty(name) || !seen.Add(name))
                    throw new BridgeException(CoreDiagnosticIds.BadArgument, SourceLoc.Unknown.Instance, $"npz member name '{name}' is empty or repeated");
                var e = zip.CreateEntry(name + ".npy", compress ? CompressionLevel.Optimal : CompressionLevel.NoCompression);
                // Fixed timestamp: the same arrays give the same archive bytes.
                e.LastWriteTime = new DateTimeOffset(1980, 1, 1, 0, 0, 0, TimeSpan.Zero);
                using var s = e.Open();
                s.Write(NpyFile.ToBytes(t));
            }
        }
        return ms.ToArray();
    }
}
