using Bridge.Compat.Check;
using Bridge.Translators.Onnx;
using Bridge.Translators.RelayToRelax;
using RelaxIr = Bridge.Ir.Relax;
using RelayIr = Bridge.Ir.Relay;

namespace Bridge.Compat.Pipeline;

/// <summary>
/// The <see cref="PipelinePasses.Translate"/> pass of a loaded model, written once for every verb that translates a loaded model
/// (<c>check</c>, <c>run</c>, <c>bench</c>, <c>zoo</c>). The caller verifies the result with
/// <see cref="PipelineContext.AfterPass"/> (the same checks for every verb); <c>zoo</c> records that verification as its own
/// <c>well_formed</c> stage, the other verbs run it at once (<see cref="ModelChecker.Translate"/>).
/// </summary>
public static class TranslatePass
{
    /// <summary>Relay → Relax with every constant bound (weights stay constants), as check, run and zoo need it.</summary>
    public static RelaxIr.IRModule RelayToRelax(LoadedModel model) =>
        RelayToRelaxTranslator.Translate(model.Relay!, new TranslatorOptions { SourcePath = model.Path, BindParams = true, Params = model.Params }).Module;

    /// <summary>ONNX → Relax on the graph the model loaded once (<see cref="LoadedModel.Onnx"/>).</summary>
    public static OnnxImportResult<RelaxIr.IRModule> OnnxToRelax(LoadedModel model, OnnxImportOptions options) =>
        Translators.OnnxToRelax.OnnxToRelaxEmitter.Translate(model.Onnx, options);

    /// <summary>ONNX → Relay on the graph the model loaded once.</summary>
    public static OnnxImportResult<RelayIr.IRModule> OnnxToRelay(LoadedModel model, OnnxImportOptions options) =>
        Translators.OnnxToRelay.OnnxToRelayEmitter.Translate(model.Onnx, options);
}
