using System.Diagnostics;
using Bridge.Importers.Onnx;
using Bridge.Ir.Relax.Script;
using Bridge.Translators.OnnxToRelax;
using Bridge.Translators.OnnxToRelay;

namespace Bridge.Translators.Onnx;

/// <summary>
/// Entry points of the ONNX importers for the CLI (<c>convert</c>, <c>bench --import</c>): load + canonicalise + emit.
/// Unsupported ops are reported in one diagnostic before any conversion work.
/// </summary>
public static class OnnxImport
{
    /// <summary>ONNX file → Relay module with <c>@main</c> (old path, what <c>relay.frontend.from_onnx</c> produced).</summary>
    public static OnnxImportResult<Ir.Relay.IRModule> ToRelay(string path, OnnxImportOptions? options = null)
    {
        options ??= OnnxImportOptions.Default;
        return OnnxToRelayEmitter.Translate(OnnxModelLoader.Load(path, options.Load), options);
    }

    /// <summary>ONNX file → Relax module with <c>@main</c> (new path, symbolic shapes).</summary>
    public static OnnxImportResult<Ir.Relax.IRModule> ToRelax(string path, OnnxImportOptions? options = null)
    {
        options ??= OnnxImportOptions.Default;
        return OnnxToRelaxEmitter.Translate(OnnxModelLoader.Load(path, options.Load), options);
    }

    /// <summary>Timings of one <see cref="Bench"/> run (milliseconds).</summary>
    public sealed record BenchResult(double LoadMs, double TranslateMs, double PrintMs, int TextLength)
    {
        public double TotalMs => LoadMs + TranslateMs + PrintMs;
    }

    /// <summary>
    /// For <c>bridge bench --import model.onnx</c>: load, translate to Relax and print TVMScript, timed per stage. Weights are
    /// kept as parameters (as TVM's <c>keep_params_in_input</c>) unless <paramref name="options"/> says otherwise: printing
    /// millions of weights inline is not what the benchmark measures.
    /// </summary>
    public static BenchResult Bench(string path, OnnxImportOptions? options = null)
    {
        options ??= OnnxImportOptions.Default with { KeepParamsAsInputs = true };
        var sw = Stopwatch.StartNew();
        var model = OnnxModelLoader.Load(path, options.Load);
        var load = sw.Elapsed.TotalMilliseconds;
        sw.Restart();
        var r = OnnxToRelaxEmitter.Translate(model, options);
        var tr = sw.Elapsed.TotalMilliseconds;
        sw.Restart();
        var text = RelaxScriptPrinter.Print(r.Module);
        return new BenchResult(load, tr, sw.Elapsed.TotalMilliseconds, text.Length);
    }
}
