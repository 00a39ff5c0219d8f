using System.Text.Json;
using Bridge.Core.IO;

namespace Bridge.Compat.Zoo;

/// <summary>
/// The lock on a zoo output folder (<c>OUT/.zoo.lock</c>, held open exclusively: an OS advisory lock the kernel drops when the
/// holder dies, so a killed run never leaves a stale lock). The holder's pid, host, command and start time are in
/// <c>OUT/.zoo.lock.json</c> so a refused run can name it.
/// </summary>
public sealed class ZooLock : IDisposable
{
    private readonly FileStream _stream;
    private readonly string _info;

    private ZooLock(FileStream stream, string info)
    {
        _stream = stream;
        _info = info;
    }

    public static string LockPath(string outDir) => System.IO.Path.Combine(outDir, ".zoo.lock");

    /// <summary>Takes the lock; refuses (BRG6804, naming the holder) or, with <paramref name="wait"/>, waits until it is free.</summary>
    public static ZooLock Acquire(string outDir, string what, bool wait, CancellationToken cancel = default)
    {
        Directory.CreateDirectory(outDir);
        var path = LockPath(outDir);
        var info = path + ".json";
        while (true)
        {
            try
            {
                var fs = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
                AtomicFile.WriteAllText(info, JsonSerializer.Serialize(new
                {
                    pid = Environment.ProcessId,
                    host = Environment.MachineName,
                    command = what,
                    since = DateTimeOffset.UtcNow.ToString("u", System.Globalization.CultureInfo.InvariantCulture),
                }));
                return new ZooLock(fs, info);
            }
            catch (IOException) when (!cancel.IsCancellationRequested)
            {
                if (!wait)
                    throw new BridgeException(ZooDiagnosticIds.Locked, SourceLoc.Unknown.Instance,
                        $"{outDir} is in use by another zoo run ({Holder(info)}); wait for it to finish, pass --wait to queue behind it, or use another -o folder");
                Thread.Sleep(200);
            }
        }
    }

    private static string Holder(string info)
    {
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(info));
            var r = doc.RootElement;
            string S(string p) => r.TryGetProperty(p, out var v) ? v.ToString() : "?";
            return $"pid {S("pid")} on {S("host")}, `{S("command")}`, since {S("since")}";
        }
        catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException)
        {
            return "holder unknown";
        }
    }

    public void Dispose()
    {
        try { File.Delete(_info); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        _stream.Dispose();
    }
}
