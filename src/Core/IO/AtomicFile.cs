using Bridge.Core.Diagnostics;

namespace Bridge.Core.IO;

/// <summary>
/// Writes files so that no partial output is ever left behind: the content goes to a temporary file next to the target,
/// which is renamed over the target only when the writer returned without throwing.
/// </summary>
public static class AtomicFile
{
    public static void Write(string path, Action<Stream> write)
    {
        var full = Path.GetFullPath(path);
        var dir = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(dir);
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
        try { return File.ReadAllBytes(path); }
        catch (FileNotFoundException) { throw new BridgeException(CoreDiagnosticIds.FileNotFound, SourceLoc.Unknown.Instance, $"file not found: {path}"); }
        catch (DirectoryNotFoundException) { throw new BridgeException(CoreDiagnosticIds.FileNotFound, SourceLoc.Unknown.Instance, $"file not found: {path}"); }
        catch (UnauthorizedAccessException e) { throw new BridgeException(CoreDiagnosticIds.IoError, SourceLoc.Unknown.Instance, $"cannot read {path}: {e.Message}"); }
        catch (IOException e) { throw new BridgeException(CoreDiagnosticIds.IoError, SourceLoc.Unknown.Instance, $"cannot read {path}: {e.Message}"); }
    }

    private static void TryDelete(string p)
    {
        try { File.Delete(p); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
