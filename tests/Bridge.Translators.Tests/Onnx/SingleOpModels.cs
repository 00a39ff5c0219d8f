using System.Diagnostics;
using Bridge.Importers.Onnx;
using Bridge.Ir.Relax.Script;
using Bridge.Ir.Relay.Text;
using Bridge.Translators.OnnxToRelax;
using Bridge.Translators.OnnxToRelay;
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

    /// <summary>A generated model by case name (the test is ignored when the generator could not run).</summary>
    public static OnnxModel Load(string name)
    {
        if (Error is { } err) Assert.Ignore(err);
        return OnnxModelLoader.Load(Path.Combine(Dir, name + ".onnx"));
    }

    /// <summary>The model converted to Relay and printed as Relay text.</summary>
    public static string RelayText(string name) => RelayTextWriter.PrintModule(OnnxToRelayEmitter.Translate(Load(name)).Module);

    /// <summary>The model converted to Relax and printed as TVMScript.</summary>
    public static string RelaxText(string name) => RelaxScriptPrinter.Print(OnnxToRelaxEmitter.Translate(Load(name)).Module);

    /// <summary>Converts the model along one path, "relay" or "relax" (for the paths-agree assertions on diagnostics).</summary>
    public static void Translate(string path, OnnxModel m)
    {
        if (path == "relay") OnnxToRelayEmitter.Translate(m);
        else OnnxToRelaxEmitter.Translate(m);
    }

    private static (string, string?) Generate() => RunGenerator("gen_single_ops.py", "bridge-singleops");

    /// <summary>
    /// Runs a model generator of this folder (Debian's python3 with onnx) into a per-process temp dir: the dir, and why it failed
    /// (null on success), so a generator that cannot run becomes failing cases, never a silent skip.
    /// </summary>
    internal static (string Dir, string? Error) RunGenerator(string script, string dirPrefix)
    {
        var path = Path.Combine(OnnxCorpusTests.RepoRoot(), "tests", "Bridge.Translators.Tests", "Onnx", script);
        var dir = Path.Combine(Path.GetTempPath(), $"{dirPrefix}-{Environment.ProcessId}");
        var psi = new ProcessStartInfo("/usr/bin/python3", [path, dir]) { RedirectStandardOutput = true, RedirectStandardError = true };
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
