using Bridge.Compat.Inputs;
using Bridge.Translators.RelayToRelax;

namespace Bridge.Compat.Check;

/// <summary>
/// The execution paths a model has, by name, and how to run one of them (<c>bridge run --path</c>): Relay text → <c>relay</c>
/// (interpreter) and <c>relax</c> (translated); Relax TVMScript → <c>relax</c>; ONNX → <c>onnxruntime</c> (alias <c>ort</c>), <c>relay</c>
/// and <c>relax</c> (translated, on the interpreters). A new source format adds its kind here: one entry in <see cref="Available"/>
/// and one branch in <see cref="Run"/>.
/// </summary>
public static class ModelPaths
{
    /// <summary>The paths of a model kind, in the order <c>check</c> runs them; the first source runtime is the reference.</summary>
    public static IReadOnlyList<string> Available(ModelKind kind) => kind switch
    {
        ModelKind.RelayText => ["relay", "relax"],
        ModelKind.RelaxScript => ["relax"],
        ModelKind.Onnx => ["onnxruntime", "relay", "relax"],
        ModelKind.TorchScript => ["relay", "relax", "pytorch"], // pytorch: only when named (run --path torch); it unpickles the archive
        _ => [],
    };

    /// <summary>The path <c>run</c> takes when none is named: the model's own IR, or Relax (the migration target) for a source format.</summary>
    public static string Default(ModelKind kind) => kind == ModelKind.RelayText ? "relay" : "relax";

    /// <summary>The canonical name of a path as the user may spell it (<c>ort</c> → <c>onnxruntime</c>); case-insensitive.</summary>
    public static string Canonical(string path) => path.Trim().ToLowerInvariant() switch
    {
        "ort" or "onnx" or "onnxruntime" => "onnxruntime",
        "torch" or "pytorch" => "pytorch",
        var p => p,
    };

    /// <summary>
    /// Runs one path of <paramref name="model"/> on <paramref name="inputs"/> (shaped by <paramref name="dims"/>); a translation is
    /// followed by the pipeline's verification (and <c>--print-after</c>) of <paramref name="context"/>, as in <c>check</c>.
    /// </summary>
    public static IReadOnlyList<(string Name, Tensor Tensor)> Run(LoadedModel model, string path, IReadOnlyDictionary<string, Tensor> inputs,
        DimBindings dims, string entry, CancellationToken ct, Pipeline.PipelineContext? context = null)
    {
        context ??= Pipeline.PipelineContext.Default("run");
        path = Canonical(path);
        if (!Available(model.Kind).Contains(path))
            throw new BridgeException(CheckDiagnosticIds.UnknownPath, new SourceLoc.Text(model.Path, 1, 1),
                $"{model.Path} ({Describe(model.Kind)}) has no path '{path}'; its paths: {string.Join(", ", Available(model.Kind))}");
        switch (model.Kind, path)
        {
            case (ModelKind.RelayText, "relay"):
                return ModelChecker.RunRelay(model, inputs, entry, null, ct);
            case (ModelKind.RelayText, "relax"):
                return ModelChecker.RunRelax(ModelChecker.Translate(model, context), model, inputs, entry, null, ct);
            case (ModelKind.RelaxScript, "relax"):
                return ModelChecker.RunRelax(model.Relax!, model, inputs, entry, null, ct);
            case (ModelKind.Onnx, "onnxruntime"):
                return ModelChecker.RunOnnxRuntime(model.Path, inputs);
            case (ModelKind.Onnx, "relay"):
                {
                    var io = ModelChecker.OnnxImportOptionsFor(model.OnnxInputs, dims.Values);
                    var module = Translators.OnnxToRelay.OnnxToRelayEmitter.Translate(model.Onnx, io).Module;
                    context.AfterPass(Pipeline.PipelinePasses.Translate, module);
                    return ModelChecker.RunOnnxRelay(module, model.OnnxInputs, inputs, entry, ct);
                }
            case (ModelKind.Onnx, "relax"):
                {
                    var io = ModelChecker.OnnxImportOptionsFor(model.OnnxInputs, dims.Values);
                    var r = Translators.OnnxToRelax.OnnxToRelaxEmitter.Translate(model.Onnx, io);
                    context.AfterPass(Pipeline.PipelinePasses.Translate, r.Module);
                    return ModelChecker.RunOnnxRelax(r.Module, r.Params, model.OnnxInputs, inputs, entry, ct);
                }
            case (ModelKind.TorchScript, "relay" or "relax"):
                return model.Torch!.Run(path, inputs, ct);
            case (ModelKind.TorchScript, "pytorch"):
                return model.Torch!.RunTorch(inputs, ct);
            default:
                throw new BridgeInternalError($"path {path} of {model.Kind} is listed but has no runner");
        }
    }

    /// <summary>What the path runs on, for messages.</summary>
    public static string Engine(string path) => Canonical(path) switch
    {
        "onnxruntime" => "ONNX Runtime",
        "pytorch" => "PyTorch",
        var p => $"the {p} interpreter",
    };

    private static string Describe(ModelKind kind) => kind switch
    {
        ModelKind.RelayText => "a Relay model",
        ModelKind.RelaxScript => "a Relax model",
        ModelKind.Onnx => "an ONNX model",
        ModelKind.TorchScript => "a TorchScript archive",
        _ => kind.ToString(),
    };
}
