using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;

namespace Bridge.Compat.Zoo;

/// <summary>
/// One model a zoo run selected: its path, its name (the path relative to the zoo folder, with <c>/</c>: unique by
/// construction), and the SHA-256 of its bytes. A file that cannot be hashed (not a regular file, unreadable) has an empty
/// hash and a <see cref="Problem"/>; it is reported as a failed row without ever being opened by a stage.
/// </summary>
public sealed record ZooModel(string Path, string Name, string ContentHash, string? Problem)
{
    /// <summary>
    /// The result file's name: content hash + a hash of the relative path. Two models never share it (different paths differ
    /// in the second part), and a model whose bytes changed gets a new one, so a stale result is never read back as current.
    /// </summary>
    public string ResultFile => $"{(ContentHash.Length > 0 ? ContentHash[..16] : "unreadable000000")}-{ZooFiles.Sha256Hex(Encoding.UTF8.GetBytes(Name))[..16]}.json";

    /// <summary>What the shard partition hashes: the content (so a model always lands in the same shard), or the name when unreadable.</summary>
    public ulong PartitionKey => Convert.ToUInt64(ContentHash.Length > 0 ? ContentHash[..16] : ZooFiles.Sha256Hex(Encoding.UTF8.GetBytes(Name))[..16], 16);
}

/// <summary>File helpers of the zoo: regular-file test without opening, content hashing, version stamp.</summary>
public static class ZooFiles
{
    public static string Sha256Hex(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    /// <summary>Bridge's version (informational version, with the commit), stamped on every result and adoption record.</summary>
    public static string BridgeVersion { get; } =
        typeof(ZooFiles).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
            .OfType<System.Reflection.AssemblyInformationalVersionAttribute>().FirstOrDefault()?.InformationalVersion ?? "unknown";

    /// <summary>Hashes a model file; a FIFO, device or socket is refused without being opened (an open would block).</summary>
    public static ZooModel Describe(string root, string path)
    {
        var name = System.IO.Path.GetRelativePath(root, path).Replace('\\', '/');
        var kind = FileKind(path);
        if (kind != "regular file")
            return new ZooModel(path, name, "", $"not a regular file ({kind}); models are read from regular files only");
        try
        {
            using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            return new ZooModel(path, name, Convert.ToHexStringLower(SHA256.HashData(fs)), null);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new ZooModel(path, name, "", $"cannot read: {e.Message}");
        }
    }

    /// <summary>"regular file", "directory", "FIFO", "character device", …; follows symbolic links (stat, not lstat).</summary>
    public static string FileKind(string path)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS()) return File.Exists(path) ? "regular file" : "missing";
        // System.Native's portable stat (the runtime's own P/Invoke target): FileStatus { int Flags; int Mode; ... }.
        var buf = new byte[256];
        if (SystemNativeStat(path, buf) != 0) return "missing";
        var mode = BitConverter.ToInt32(buf, 4) & 0xF000;
        return mode switch
        {
            0x8000 => "regular file",
            0x4000 => "directory",
            0x1000 => "FIFO",
            0x2000 => "character device",
            0x6000 => "block device",
            0xC000 => "socket",
            _ => $"file type 0x{mode:x}",
        };
    }

    [DllImport("libSystem.Native", EntryPoint = "SystemNative_Stat")]
    private static extern int SystemNativeStat([MarshalAs(UnmanagedType.LPUTF8Str)] string path, byte[] output);
}

/// <summary>
/// <c>--shard I/N</c>: the models whose content hash is I modulo N (I counts from 0, as a Kubernetes completion index
/// and a Slurm array task id from 0 do). Deterministic: a model always lands in the same shard, whatever else is in the folder.
/// </summary>
public readonly record struct ZooShard(int Index, int Count)
{
    public static readonly ZooShard All = new(0, 1);

    public bool Contains(ZooModel m) => Count <= 1 || (int)(m.PartitionKey % (ulong)Count) == Index;

    public override string ToString() => $"{Index}/{Count}";

    public static ZooShard Parse(string text)
    {
        var parts = text.Split('/');
        if (parts.Length == 2 && int.TryParse(parts[0], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var i)
            && int.TryParse(parts[1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) && n >= 1 && i < n)
            return new ZooShard(i, n);
        throw new BridgeException(ZooDiagnosticIds.BadShard, SourceLoc.Unknown.Instance,
            $"--shard '{(text.Length > 40 ? text[..40] + "…" : text)}' is not I/N with 0 <= I < N (e.g. 0/3, 1/3, 2/3)");
    }
}
