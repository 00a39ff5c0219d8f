using System.Diagnostics;
using Bridge.Importers.Onnx;
using Bridge.Translators.Onnx;
using NUnit.Framework;

namespace Bridge.Translators.Tests.Onnx;

/// <summary>
/// Byte mutations of valid ONNX models (gen_onnx_models.py's good fixtures) pushed through the loader AND both emitters: every
/// outcome is either a module or a located <see cref="BridgeException"/>, never another exception. The loader-only fuzz lives in
/// the importer tests; this one reaches the translators with models the loader still accepts.
/// </summary>
[TestFixture]
public sealed class OnnxEmitFuzzTests
{
    private static readonly Lazy<string> s_dir = new(Generate);

    private static string Generate()
    {
        const string python = "/usr/bin/python3";
        if (!File.Exists(python)) Assert.Ignore("/usr/bin/python3 (with onnx) is required");
        var script = Path.Combine(OnnxCorpusTests.RepoRoot(), "tests", "Bridge.Importers.Tests", "Onnx", "gen_onnx_models.py");
        var dir = Path.Combine(Path.GetTempPath(), $"bridge-emitfuzz-{Environment.ProcessId}");
        var psi = new ProcessStartInfo(python, [script, dir]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) Assert.Ignore($"gen_onnx_models.py failed: {stderr}{stdout.Result}");
        return Path.Combine(dir, "good");
    }

    [Test]
    public void MutatedModelsTranslateOrFailWithADiagnostic()
    {
        var seeds = Directory.EnumerateFiles(s_dir.Value, "*.onnx").Order().ToArray();
        Assert.That(seeds, Has.Length.GreaterThan(10));
        var rng = new Random(4321);
        int translated = 0, rejected = 0;
        for (var i = 0; i < 1000; i++)
        {
            var path = seeds[i % seeds.Length];
            var bytes = File.ReadAllBytes(path);
            for (var k = 1 + rng.Next(3); k > 0; k--)
            {
                var pos = rng.Next(bytes.Length);
                bytes[pos] = rng.Next(3) switch { 0 => (byte)rng.Next(256), 1 => (byte)(bytes[pos] ^ (1 << rng.Next(8))), _ => 0 };
            }
            try
            {
                var model = OnnxModelLoader.Load(bytes, path);
                try { OnnxToRelay.OnnxToRelayEmitter.Translate(model, OnnxImportOptions.Default); translated++; }
                catch (BridgeException e) { rejected++; Assert.That(e.Diagnostic.Message, Is.Not.Empty); }
                try { OnnxToRelax.OnnxToRelaxEmitter.Translate(model, OnnxImportOptions.Default); translated++; }
                catch (BridgeException e) { rejected++; Assert.That(e.Diagnostic.Message, Is.Not.Empty); }
            }
            catch (BridgeException) { rejected++; }
            catch (Exception e)
            {
                Assert.Fail($"mutation {i} of {Path.GetFileName(path)}: {e.GetType().Name}: {e.Message}\n{e.StackTrace}");
            }
        }
        Assert.That(translated, Is.GreaterThan(50), $"translated {translated}, rejected {rejected}");
        Assert.That(rejected, Is.GreaterThan(50), $"translated {translated}, rejected {rejected}");
    }
}
