using System.Diagnostics;

namespace Bridge.Compat.Tests.Check;

/// <summary>Runs gen_check_models.py (next to this file) once per test run: the small ONNX models of the check/run semantics tests.</summary>
internal static class CheckModels
{
    private static readonly Lazy<string> s_dir = new(Generate);

    public static string Path(string name) => System.IO.Path.Combine(s_dir.Value, name + ".onnx");

    private static string RepoRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(System.IO.Path.Combine(d.FullName, "Bridge.sln"))) return d.FullName;
        throw new InvalidOperationException("repository root (Bridge.sln) not found");
    }

    private static string Generate()
    {
        const string python = "/usr/bin/python3";
        if (!File.Exists(python)) Assert.Inconclusive("/usr/bin/python3 (with onnx) is required to generate the check models");
        var script = System.IO.Path.Combine(RepoRoot(), "tests", "Bridge.Compat.Tests", "Check", "gen_check_models.py");
        var dir = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"bridge-check-models-{Environment.ProcessId}");
        var psi = new ProcessStartInfo(python, [script, dir]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEnd();
        if (!p.WaitForExit(120_000)) { p.Kill(true); throw new TimeoutException("gen_check_models.py timed out"); }
        if (p.ExitCode != 0) throw new InvalidOperationException($"gen_check_models.py failed: {stderr}{stdout.Result}");
        return dir;
    }
}
