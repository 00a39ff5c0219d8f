using System.Diagnostics;

namespace Bridge.Tests.Shared;

/// <summary>
/// The ONNX fixtures of tests/Bridge.Importers.Tests/Onnx/gen_onnx_models.py (onnx 1.12 under /usr/bin/python3), generated once
/// per test run into a temp folder; one copy linked into every test project that uses them (Importers, Compat, Cli). Tests needing
/// them are Inconclusive only when that Python is absent, never silently passed.
/// </summary>
internal static class OnnxFixtures
{
    private static readonly Lazy<string> s_dir = new(Generate);

    public static string Dir => s_dir.Value;
    public static string Good(string name) => Path.Combine(Dir, "good", name + ".onnx");
    public static string Bad(string name) => Path.Combine(Dir, "bad", name + ".onnx");

    public static string RepoRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "Bridge.sln"))) return d.FullName;
        throw new InvalidOperationException("repository root (Bridge.sln) not found above " + AppContext.BaseDirectory);
    }

    private static string Generate()
    {
        const string python = "/usr/bin/python3";
        if (!File.Exists(python)) Assert.Inconclusive("/usr/bin/python3 (with onnx) is required to generate the ONNX fixtures");
        var script = Path.Combine(RepoRoot(), "tests", "Bridge.Importers.Tests", "Onnx", "gen_onnx_models.py");
        var dir = Path.Combine(Path.GetTempPath(), $"bridge-onnx-fixtures-{Environment.ProcessId}");
        if (Directory.Exists(dir)) Directory.Delete(dir, true);
        var psi = new ProcessStartInfo(python, [script, dir]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEnd();
        if (!p.WaitForExit(120_000)) { p.Kill(true); throw new TimeoutException("gen_onnx_models.py timed out"); }
        if (p.ExitCode != 0) throw new InvalidOperationException($"gen_onnx_models.py failed ({p.ExitCode}): {stderr}{stdout.Result}");
        return dir;
    }
}
