
namespace Bridge.Core.IO;

/// <summary>
/// Writes files so that no partial output is ever left behind: the content goes to a temporary file next to the target,
/// which is renamed over the target only when the writer returned without throwing. A process killed mid-write (kill -9)
/// leaves its temporary file behind; the next write of the same target removes such leftovers of dead processes.
/// A target that names a directory is refused (<see cref="CoreDiagnosticIds.OutputIsDirectory"/>) before anything is written.
/// </summary>
public static class AtomicFile
{
    public static void Write(string path, Action<Stream> write)
    {
        var full = Path.GetFullPath(path);
        if (Directory.Exists(full) || path.EndsWith(Path.DirectorySeparatorChar) || path.EndsWith(Path.AltDirectorySeparatorChar))
            throw new BridgeException(CoreDiagnosticIds.OutputIsDirectory, SourceLoc.Unknown.Instance,
                $"output {Diagnostic.Quote(path)} is a directory; name a file");
        var dir = Path.GetDirectoryName(full)!;
        try { Directory.CreateDirectory(dir); }
        catch (IOException e) { throw new BridgeException(CoreDiagnosticIds.IoError, SourceLoc.Unknown.Instance, $"cannot create the folder of {Diagnostic.Quote(path)}: {e.Message}"); }
        catch (UnauthorizedAccessException e) { throw new BridgeException(CoreDiagnosticIds.IoError, SourceLoc.Unknown.Instance, $"cannot create the folder of {Diagnostic.Quote(path)}: {e.Message}"); }
        CleanStaleTemps(dir, Path.GetFileName(full));
        var tmp = Path.Combine(dir, $".{Path.GetFileName(full)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var fs = new FileStream(tmp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                write(fs);
                fs.Flush(flushToDisk: false);
            }
            File.Move(tmp, full, overwrite: true);
        }
        catch
        {
            TryDelete(tmp);
            throw;
        }
    }

    public static void WriteAllText(string path, string text) =>
        Write(path, s => { using var w = new StreamWriter(s, new System.Text.UTF8Encoding(false), leaveOpen: true); w.Write(text); });

    public static void WriteAllBytes(string path, ReadOnlySpan<byte> bytes)
    {
        var copy = bytes.ToArray();
        Write(path, s => s.Write(copy));
    }

    /// <summary>Reads a whole file, turning a missing file into a located diagnostic.</summary>
    public static byte[] ReadAllBytes(string path)
    {
        try
        {
            // Only regular files, opened without blocking (a FIFO or device is refused, never waited on); the size is the opened file's.
            using var fs = Limits.ConfinedFile.OpenRegular(Path.GetFullPath(path), path, SourceLoc.Unknown.Instance);
            if (fs.Length > Array.MaxLength)
                throw new BridgeException(CoreDiagnosticIds.IoError, SourceLoc.Unknown.Instance, $"cannot read {Diagnostic.Quote(path)}: {fs.Length} bytes is more than one file Bridge reads whole");
            var data = GC.AllocateUninitializedArray<byte>((int)fs.Length);
            fs.ReadExactly(data);
            return data;
        }
        catch (ArgumentException e) { throw new BridgeException(CoreDiagnosticIds.FileNotFound, SourceLoc.Unknown.Instance, $"'{Diagnostic.Quote(path)}' is not a valid file name: {e.Message}"); }
        catch (FileNotFoundException) { throw new BridgeException(CoreDiagnosticIds.FileNotFound, SourceLoc.Unknown.Instance, $"file not found: {path}"); }
        catch (DirectoryNotFoundException) { throw new BridgeException(CoreDiagnosticIds.FileNotFound, SourceLoc.Unknown.Instance, $"file not found: {path}"); }
        catch (UnauthorizedAccessException e) { throw new BridgeException(CoreDiagnosticIds.IoError, SourceLoc.Unknown.Instance, $"cannot read {path}: {e.Message}"); }
        catch (IOException e) { throw new BridgeException(CoreDiagnosticIds.IoError, SourceLoc.Unknown.Instance, $"cannot read {path}: {e.Message}"); }
    }

    /// <summary>
    /// Deletes <c>.NAME.PID.GUID.tmp</c> files of <paramref name="name"/> left by processes that no longer run (a kill -9
    /// during a write). Temps of live processes (a concurrent writer) are kept.
    /// </summary>
    public static int CleanStaleTemps(string dir, string name)
    {
        var removed = 0;
        string[] candidates;
        try { candidates = Directory.GetFiles(dir, $".{name}.*.tmp"); }
        catch (IOException) { return 0; }
        catch (UnauthorizedAccessException) { return 0; }
        foreach (var f in candidates)
        {
            var rest = Path.GetFileName(f)[(name.Length + 2)..^4].Split('.');
            if (rest.Length != 2 || !int.TryParse(rest[0], out var pid) || rest[1].Length != 32 || IsAlive(pid)) continue;
            TryDelete(f);
            removed++;
        }
        return removed;
    }

    private static bool IsAlive(int pid)
    {
        if (pid == Environment.ProcessId) return true;
        try
        {
            using var p = System.Diagnostics.Process.GetProcessById(pid);
            return !p.HasExited;
        }
        catch (ArgumentException) { return false; }
        catch (InvalidOperationException) { return false; }
    }

    private static void TryDelete(string p)
    {
        try { File.Delete(p); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
