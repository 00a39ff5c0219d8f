using Bridge.Core.Files;
using Bridge.Core.IO;
using Bridge.Importers.TorchScript;
using Bridge.Ir.Relax.Script;
using Bridge.Ir.Relay.Text;
using Bridge.Translators.RelayToRelax;
using Bridge.Translators.Torch;

namespace Bridge.Cli;

/// <summary>
/// <c>bridge convert model.pt -o out.py [--to relax|relay] --shape x=1,3,224,224</c>: a TorchScript archive through the canonical
/// aten layer (<see cref="TorchImport"/>) to Relax TVMScript or Relay text. The archive records no input shapes: <c>--shape</c>
/// names them (a dim may be a name sized by another <c>--shape n=4</c>), or the corpus's sibling <c>STEM.inputs.npz</c> gives them.
/// </summary>
internal static class ConvertTorchScript
{
    public static int Run(CliContext ctx, string inputPath, string output, string to, string[] shapes, Compat.Pipeline.PipelineContext pipeline, string? paramsOut,
        string format = "tvmscript", bool inlineConstants = false, MetadataPlacement placement = MetadataPlacement.Auto,
        bool hideInferableTypes = false)
    {
        if (format is not ("tvmscript" or "script" or "py" or "text" or "json"))
            throw new BridgeException(RelayToRelaxDiagnosticIds.BadOption, SourceLoc.Unknown.Instance, $"--format {Diagnostic.Quote(format)}: expected tvmscript, text or json");
        var json = format == "json";
        if (to is not ("relax" or "relay"))
            throw new BridgeException(RelayToRelaxDiagnosticIds.BadOption, SourceLoc.Unknown.Instance, $"--to {to}: TorchScript converts to relax or relay");
        if (paramsOut is not null && to != "relax")
            throw new BridgeException(RelayToRelaxDiagnosticIds.BadOption, SourceLoc.Unknown.Instance, "--keep-params-in-input applies to --to relax");
        var archive = TorchScriptArchive.Open(inputPath);
        var inputs = TorchImport.ResolveInputs(archive, shapes);
        var graph = TorchImport.ToGraph(archive, inputs);
        string text;
        IReadOnlyDictionary<string, Core.Tensors.Tensor>? lifted = null;
        if (to == "relax")
        {
            var r = TorchImport.ToRelax(graph, paramsOut is not null);
            pipeline.AfterPass(Compat.Pipeline.PipelinePasses.Translate, r.Module);
            text = json ? Ir.Relax.Json.RelaxJsonWriter.Write(r.Module, pipeline.Target)
                : RelaxScriptPrinter.Print(r.Module, new MigrationOptions { InlineConstants = inlineConstants, HideInferableTypes = hideInferableTypes }.PrinterOptions(pipeline.Target));
            lifted = r.Params;
        }
        else
        {
            var relay = TorchImport.ToRelay(graph).Module;
            pipeline.AfterPass(Compat.Pipeline.PipelinePasses.Translate, relay);
            // Relay: TVM 0.19's text, or with --format json its save_json (what tvm.ir.load_json of 0.19 reads).
            text = json ? Ir.Relay.Json.RelayJsonWriter.WriteModule(relay) : RelayTextWriter.PrintModule(relay);
        }
        if (paramsOut is not null) ParamsFile.Write(paramsOut, lifted!.Select(kv => (kv.Key, kv.Value)));
        var metaNote = "";
        try
        {
            if (to == "relax" && !json) metaNote = ConvertMetadata.Write(output, text, placement);
            else AtomicFile.WriteAllText(output, text);
        }
        catch when (paramsOut is not null) { File.Delete(paramsOut); throw; }
        ctx.Out.WriteLine(graph.Describe(inputPath));
        ctx.Out.WriteLine($"converted {inputPath} → {output} ({(to == "relay" ? "Relay" : "Relax")}{(json ? " JSON" : "")}, no Python at import)" +
            (paramsOut is null ? "" : $", {lifted!.Count} weights → {paramsOut}") + metaNote);
        return ExitCodes.Ok;
    }
}
