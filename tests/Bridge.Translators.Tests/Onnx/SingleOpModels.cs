using System.Diagnostics;
using NUnit.Framework;

namespace Bridge.Translators.Tests.Onnx;

/// <summary>
/// gen_single_ops.py run once per test process into a temp dir (the .onnx models plus cases.json, quant_cases.json,
/// cases_opstd.json and unrunnable.json), shared by every single-op fixture.
/// </summary>
internal static class SingleOpModels
{
    private static readonly Lazy<(string Dir, string? Error)> s_generated = new(Generate);

    /// <summary>The directory holding the models and case lists.</summary>
    public static string Dir => s_generated.Value.Dir;

    /// <summary>Why the generator could not run (python3 or onnx missing, a failing script), or null.</summary>
    public static string? Error => s_generated.Value.Error;

    private static (string, string?) Generate()
    {
        var script = Path.Combine(OnnxCorpusTests.RepoRoot(), "tests", "Bridge.Translators.Tests", "Onnx", "gen_single_ops.py");
        var dir = Path.Combine(Path.GetTempPath(), $"bridge-singleops-{Environment.ProcessId}");
        var psi = new ProcessStartInfo("/usr/bin/python3", [script, dir]) { RedirectStandardOutput = true, RedirectStandardError = true };
        try
        {
            using var p = Process.Start(psi)!;
            var err = p.StandardError.ReadToEndAsync();
            p.StandardOutput.ReadToEnd();
            p.WaitForExit();
            return (dir, p.ExitCode != 0 ? $"generator failed: {err.Result}" : null);
        }
        catch (System.ComponentModel.Win32Exception e) { return (dir, $"python3 unavailable: {e.Message}"); }
    }
}
