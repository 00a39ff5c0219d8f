using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Bridge.Core.Limits;

/// <summary>
/// Opens files a model refers to (ONNX external data, Relay sidecars, …) under confinement: the name is resolved through
/// every symbolic link (each component, like <c>realpath</c>) and must land inside the model's folder or a folder the user
/// allowed (<see cref="AllowedDirectories"/>, the CLI's <c>--allow-dir</c>); only regular files are read — FIFOs, devices,
/// sockets and directories are refused before and after opening, and the open itself is non-blocking, so a FIFO can never
/// hang the process; the size comes from the opened handle, not from the link.
/// </summary>
public static partial class ConfinedFile
{
    private static readonly AsyncLocal<IReadOnlyList<string>?> s_allowed = new();

    /// <summary>Extra folders (besides the model's own) whose files a model may refer to; ambient, set by the CLI.</summary>
    public static IReadOnlyList<string> AllowedDirectories => s_allowed.Value ?? [];

    /// <summary>Allows <paramref name="dirs"/> (resolved through links) until the returned scope is disposed.</summary>
    public static IDisposable Allow(IEnumerable<string> dirs)
    {
        var prev = s_allowed.Value;
        s_allowed.Value = [.. AllowedDirectories, .. dirs.Select(d => RealPath(Path.GetFullPath(d)))];
        return new Scope(() => s_allowed.Value = prev);
    }

    /// <summary>
    /// Resolves <paramref name="relative"/> against <paramref name="modelDir"/>, checks it stays inside an allowed folder after
    /// following links and is a regular file, and opens it for reading. <paramref name="loc"/> locates the reference.
    /// </summary>
    public static FileStream OpenRead(string modelDir, string relative, SourceLoc loc)
    {
        if (relative.Contains('\0', StringComparison.Ordinal))
            throw new BridgeException(CoreDiagnosticIds.OutsideModelFolder, loc, $"file name '{Diagnostic.Quote(relative)}' contains a NUL character");
        string full;
        try { full = Path.GetFullPath(Path.Combine(modelDir, relative)); }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw new BridgeException(CoreDiagnosticIds.OutsideModelFolder, loc, $"'{Diagnostic.Quote(relative)}' is not a valid file name: {e.Message}");
        }
        var real = RealPath(full);
        var root = RealPath(Path.GetFullPath(modelDir));
        if (!IsInside(real, root) && !AllowedDirectories.Any(d => IsInside(real, d)))
            throw new BridgeException(CoreDiagnosticIds.OutsideModelFolder, loc,
                $"'{Diagnostic.Quote(relative)}' resolves to {Diagnostic.Quote(real)}, outside the model's folder {Diagnostic.Quote(root)} (allow a folder with --allow-dir)");
        return OpenRegular(real, relative, loc);
    }

    /// <summary>
    /// Opens a path read-only if (and only if) it is (a link to) a regular file, without ever blocking: for files the user
    /// named (the model itself), which need no confinement but must not be a FIFO or a device.
    /// </summary>
    public static FileStream OpenRegular(string path, string shown, SourceLoc loc)
    {
        if (!OperatingSystem.IsLinux())
        {
            if (Directory.Exists(path)) throw NotRegular(shown, "a directory", loc);
            if (!File.Exists(path)) throw Missing(shown, loc);
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        }
        var kind = KindOfPath(path);
        if (kind is null) throw Missing(shown, loc);
        if (kind != "a regular file") throw NotRegular(shown, kind, loc);
        var fd = Open(path, ORdOnly | ONonBlock | OCloExec | ONoCtty);
        if (fd < 0) throw new BridgeException(CoreDiagnosticIds.IoError, loc, $"cannot open '{Diagnostic.Quote(shown)}' (errno {Marshal.GetLastPInvokeError()})");
        var handle = new SafeFileHandle(fd, ownsHandle: true);
        try
        {
            // The file may have been swapped between the check and the open: check what was opened.
            var opened = KindOfHandle(handle);
            if (opened != "a regular file") throw NotRegular(shown, opened ?? "unknown", loc);
            return new FileStream(handle, FileAccess.Read, bufferSize: 1 << 16);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>Reads <paramref name="length"/> bytes at <paramref name="offset"/> (null = to the end) of a confined file, checking bounds against the opened file's size.</summary>
    public static byte[] ReadRange(string modelDir, string relative, long offset, long? length, SourceLoc loc)
    {
        using var fs = OpenRead(modelDir, relative, loc);
        var size = fs.Length;
        if (offset < 0 || offset > size)
            throw new BridgeException(CoreDiagnosticIds.TruncatedFile, loc, $"offset {offset} is outside '{Diagnostic.Quote(relative)}' ({size} bytes)");
        var n = length ?? size - offset;
        if (n < 0 || n > size - offset)
            throw new BridgeException(CoreDiagnosticIds.TruncatedFile, loc, $"'{Diagnostic.Quote(relative)}' has {size - offset} bytes after offset {offset}, {n} asked");
        MemoryBudget.Charge(n, $"external data '{relative}'", loc);
        var buf = GC.AllocateUninitializedArray<byte>(checked((int)n));
        fs.Position = offset;
        fs.ReadExactly(buf);
        return buf;
    }

    /// <summary>The path with every symbolic link of every component resolved (the file itself need not exist).</summary>
    public static string RealPath(string fullPath)
    {
        var parts = fullPath.Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries);
        var current = Path.GetPathRoot(fullPath) ?? "/";
        var hops = 0;
        var queue = new Queue<string>(parts);
        while (queue.Count > 0)
        {
            var part = queue.Dequeue();
            if (part == ".") continue;
            if (part == "..") { current = Path.GetDirectoryName(current) ?? current; continue; }
            var next = Path.Combine(current, part);
            FileSystemInfo info = new FileInfo(next);
            string? target = null;
            try { target = info.LinkTarget; } catch (IOException) { } catch (UnauthorizedAccessException) { }
            if (target is null) { current = next; continue; }
            if (++hops > 40) return next; // a link loop: the open fails later with a clear message
            var resolved = Path.IsPathRooted(target) ? target : Path.Combine(current, target);
            var rest = queue.ToArray();
            queue.Clear();
            foreach (var p in resolved.Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries)) queue.Enqueue(p);
            foreach (var p in rest) queue.Enqueue(p);
            current = Path.GetPathRoot(Path.GetFullPath(resolved)) ?? "/";
        }
        return current;
    }

    private static bool IsInside(string path, string dir)
    {
        var d = dir.EndsWith(Path.DirectorySeparatorChar) ? dir : dir + Path.DirectorySeparatorChar;
        return path.StartsWith(d, StringComparison.Ordinal);
    }

    private static BridgeException NotRegular(string shown, string kind, SourceLoc loc) =>
        new(CoreDiagnosticIds.NotARegularFile, loc, $"'{Diagnostic.Quote(shown)}' is {kind}, not a regular file; only regular files are read");

    private static BridgeException Missing(string shown, SourceLoc loc) =>
        new(CoreDiagnosticIds.FileNotFound, loc, $"file not found: {Diagnostic.Quote(shown)}");

    private sealed class Scope(Action undo) : IDisposable
    {
        public void Dispose() => undo();
    }

    // Linux: statx (a layout that is the same on every architecture) and open(2) with O_NONBLOCK.
    private const int ORdOnly = 0, ONonBlock = 0x800, OCloExec = 0x80000, ONoCtty = 0x100;
    private const int AtFdCwd = -100, AtEmptyPath = 0x1000;
    private const uint StatxType = 1;

    private static string? KindOfPath(string path)
    {
        var buf = new byte[256];
        return StatX(AtFdCwd, path, 0, StatxType, buf) == 0 ? KindOf(buf) : null; // follows links: the caller resolved or chose them
    }

    private static string? KindOfHandle(SafeFileHandle h)
    {
        var buf = new byte[256];
        var ok = false;
        h.DangerousAddRef(ref ok);
        try { return StatX((int)h.DangerousGetHandle(), "", AtEmptyPath, StatxType, buf) == 0 ? KindOf(buf) : null; }
        finally { if (ok) h.DangerousRelease(); }
    }

    private static string KindOf(byte[] statx) => (BitConverter.ToUInt16(statx, 28) & 0xF000) switch
    {
        0x8000 => "a regular file",
        0x4000 => "a directory",
        0x1000 => "a FIFO",
        0x2000 => "a character device",
        0x6000 => "a block device",
        0xC000 => "a socket",
        0xA000 => "a symbolic link",
        _ => "an unknown kind of file",
    };

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int StatX(int dirfd, string path, int flags, uint mask, byte[] buf);
}
