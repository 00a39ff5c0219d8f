using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Bridge.Compat.Check;
using Bridge.Core.IO;

namespace Bridge.Compat.Zoo;

/// <summary>
/// How the zoo starts a child process for one model: the program and the arguments before <c>zoo-worker</c> (for example
/// <c>dotnet bridge.dll</c>), and the managed-memory limit the child runs under (<c>DOTNET_GCHeapHardLimit</c>; 0 = none).
/// </summary>
public sealed record ZooIsolation(string FileName, IReadOnlyList<string> PrefixArgs, long MemoryLimitBytes);

/// <summary>
/// Child-process isolation of <c>bridge zoo</c>. The parent runs <c>bridge zoo-worker MODEL --name N --result FILE …</c>
/// per model, kills its process tree at the wall-clock limit (which covers every stage, import included), and turns a
/// crash (stack overflow, out of memory, signal) into a failed row with its reason. The child announces each stage it
/// enters on stdout (<c>@stage import</c>) so a killed model is reported at the stage it was in.
/// </summary>
public static class ZooWorker
{
    public const string Verb = "zoo-worker";
    private static readonly JsonSerializerOptions s_json = new() { WriteIndented = true };

    /// <summary>Child side: runs the stages of one model in this process and writes its result file. Returns the exit code.</summary>
    public static int RunChild(string path, string name, string resultPath, ulong seed, TimeSpan timeout, TextWriter stdout, bool randomWeights = false,
        IReadOnlyDictionary<string, long>? dims = null, string? perf = null)
    {
        var last = "import";
        var options = new ZooOptions
        {
            Seed = seed,
            RandomWeights = randomWeights,
            Dims = dims ?? System.Collections.Immutable.ImmutableDictionary<string, long>.Empty,
            Timeout = timeout,
            Perf = perf,
            OnStage = s => { last = s; stdout.WriteLine("@stage " + s); stdout.Flush(); },
        };
        ZooResult r;
        try
        {
            r = ZooRunner.RunOne(path, name, options);
        }
        catch (OutOfMemoryException)
        {
            // RunOne records everything but this: the allocation that failed is gone, so there is room to say so.
            r = Killed(new ZooModel(path, name, "", null), last, StageStatus.Fail, $"out of memory during {last} (managed heap limit {Limit()})", 0)
                with { ErrorIds = "out-of-memory" };
        }
        AtomicFile.WriteAllText(resultPath, JsonSerializer.Serialize(r, s_json));
        return 0;
    }

    private static string Limit() =>
        Environment.GetEnvironmentVariable("DOTNET_GCHeapHardLimit") is { Length: > 0 } hex && long.TryParse(hex, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var b)
            ? $"{b >> 20} MiB" : "none";

    /// <summary>Parent side: runs one model in a child process and returns its result (never throws for the model's sake).</summary>
    public static ZooResult RunInChild(ZooModel model, ZooOptions options, ZooIsolation iso, string workDir)
    {
        Directory.CreateDirectory(workDir);
        var resultPath = System.IO.Path.Combine(workDir, model.ResultFile);
        var psi = new ProcessStartInfo(iso.FileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var a in iso.PrefixArgs) psi.ArgumentList.Add(a);
        foreach (var a in new[] { Verb, model.Path, "--name", model.Name, "--result", resultPath,
                     "--seed", options.Seed.ToString(CultureInfo.InvariantCulture),
                     "--timeout", options.Timeout.TotalSeconds.ToString("R", CultureInfo.InvariantCulture) })
            psi.ArgumentList.Add(a);
        if (options.RandomWeights) psi.ArgumentList.Add("--random-weights");
        if (options.Perf is { } perf) { psi.ArgumentList.Add("--perf"); psi.ArgumentList.Add(perf); }
        foreach (var (k, v) in options.Dims) { psi.ArgumentList.Add("--dim"); psi.ArgumentList.Add(k + "=" + v.ToString(CultureInfo.InvariantCulture)); }
        if (iso.MemoryLimitBytes > 0) psi.Environment["DOTNET_GCHeapHardLimit"] = iso.MemoryLimitBytes.ToString("x", CultureInfo.InvariantCulture);
        psi.Environment["DOTNET_DbgEnableMiniDump"] = "0";

        var sw = Stopwatch.StartNew();
        var stage = "import";
        var errTail = new Queue<string>();
        var gate = new Lock();
        var stackOverflow = false;
        using var p = new Process { StartInfo = psi };
        p.OutputDataReceived += (_, e) => { if (e.Data is { } l && l.StartsWith("@stage ", StringComparison.Ordinal)) lock (gate) stage = l[7..].Trim(); };
        p.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not { Length: > 0 } l) return;
            lock (gate)
            {
                errTail.Enqueue(l.Length > 200 ? l[..200] + "…" : l);
                while (errTail.Count > 8) errTail.Dequeue();
                if (l.Contains("Stack overflow", StringComparison.OrdinalIgnoreCase)) stackOverflow = true;
            }
        };
        p.Start();
        p.StandardInput.Close();
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        // The child enforces the timeout cooperatively too; the hard limit here is what covers a blocked import.
        var hard = options.Timeout + TimeSpan.FromSeconds(Math.Min(10, 1 + options.Timeout.TotalSeconds / 10));
        bool exited;
        using (options.Cancellation.Register(() => Kill(p)))
            exited = p.WaitForExit(hard > TimeSpan.FromDays(1) ? Timeout.InfiniteTimeSpan : hard);
        if (!exited) Kill(p);
        p.WaitForExit();
        var seconds = Math.Round(sw.Elapsed.TotalSeconds, 3);
        string last;
        lock (gate) last = stage;

        if (exited && p.ExitCode == 0 && File.Exists(resultPath))
        {
            try
            {
                if (JsonSerializer.Deserialize<ZooResult>(File.ReadAllText(resultPath)) is { } r)
                {
                    File.Delete(resultPath);
                    return r with { Seconds = seconds };
                }
            }
            catch (JsonException) { }
        }
        TryDelete(resultPath);
        string reason;
        string status;
        if (options.Cancellation.IsCancellationRequested) { status = StageStatus.Skipped; reason = "cancelled"; }
        else if (!exited) { status = StageStatus.Timeout; reason = $"killed at the {options.Timeout.TotalSeconds:0.###} s wall-clock limit during {last}"; }
        else
        {
            status = StageStatus.Fail;
            string tail;
            lock (gate) tail = string.Join(" | ", errTail.Where(l => !l.TrimStart().StartsWith("at ", StringComparison.Ordinal)).Take(2));
            reason = stackOverflow ? $"worker died of a stack overflow during {last} (exit {p.ExitCode})"
                : p.ExitCode is 137 or -9 ? $"worker killed by SIGKILL during {last} (out of memory?)"
                : $"worker died during {last} (exit {p.ExitCode}){(tail.Length > 0 ? ": " + tail : "")}";
        }
        return Killed(model, last, status, reason, seconds);
    }

    /// <summary>The row of a model whose child did not report: the stages before <paramref name="stage"/> passed, that one has
    /// <paramref name="status"/>, the rest did not run.</summary>
    public static ZooResult Killed(ZooModel model, string stage, string status, string reason, double seconds)
    {
        var r = new ZooResult { Name = model.Name, Path = model.Path, Kind = KindOf(model.Path), Message = reason, Seconds = seconds,
            ErrorIds = status == StageStatus.Timeout ? "timeout" : "worker-died" };
        string[] order = ["import", "translate", "well_formed", "round_trip", "run", "check"];
        var at = Math.Max(0, Array.IndexOf(order, stage));
        for (var i = 0; i < at; i++) r = Set(r, order[i], StageStatus.Pass);
        return Set(r, order[at], status);
    }

    private static ZooResult Set(ZooResult r, string stage, string status) => stage switch
    {
        "import" => r with { Import = status },
        "translate" => r with { Translate = status },
        "well_formed" => r with { WellFormed = status },
        "round_trip" => r with { RoundTrip = status },
        "run" => r with { Run = status },
        _ => r with { Check = status },
    };

    internal static string KindOf(string path) => System.IO.Path.GetExtension(path) switch
    {
        ".relay" or ".rly" => nameof(ModelKind.RelayText),
        ".onnx" => nameof(ModelKind.Onnx),
        _ => nameof(ModelKind.RelaxScript),
    };

    private static void Kill(Process p)
    {
        try { if (!p.HasExited) p.Kill(entireProcessTree: true); }
        catch (InvalidOperationException) { }
        catch (System.ComponentModel.Win32Exception) { }
    }

    private static void TryDelete(string f)
    {
        try { File.Delete(f); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
