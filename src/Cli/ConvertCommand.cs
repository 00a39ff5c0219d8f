using System.Collections.Immutable;
using System.CommandLine;
using Bridge.Core.Files;
using Bridge.Ir.Relax.Script;
using Bridge.Ir.Relay.Text;
using Bridge.Translators.Onnx;
using Bridge.Core.Diagnostics;
using Bridge.Core.IO;
using Bridge.Translators.RelayToRelax;

namespace Bridge.Cli;

/// <summary>
/// <c>bridge convert MODEL -o OUT</c>: Relay text → Relax TVMScript (high-level ops, named symbolic dims), or a Relax
/// TVMScript file re-emitted for another TVM version. Prints a one-line summary; on unsupported constructs prints one list,
/// exits 2 and writes nothing.
/// </summary>
public static class ConvertCommand
{
    /// <summary>Above this many characters of TVMScript with inline weights, convert suggests --keep-params-in-input.</summary>
    private const int LargeInlineOutput = 16 << 20;

    public static Command Create(CliContext ctx)
    {
        var model = new Argument<string>("MODEL") { Description = "Relay text (.relay/.rly) or save_json, or Relax TVMScript/JSON to re-emit; detected by content" };
        var output = new Option<string>("--output", "-o") { Description = "output file (written atomically)", Required = true };
        var ps = new Option<string?>("--params") { Description = "weights by parameter name (.params, .npz, .npy)" };
        var meta = new Option<string?>("--meta") { Description = "external meta table: *.consts.json (types) or .npz/.params (values)" };
        var shape = new Option<string[]>("--shape") { Description = "name the dims of an input: x=n,3,h,w (repeatable)", AllowMultipleArgumentsPerToken = false };
        var bind = new Option<bool>("--bind-params") { Description = "bind --params values and valued constants as R.const instead of parameters" };
        var tvm = new Option<string?>("--tvm-version") { Description = "TVMScript dialect of the output: portable (default), 0.19, 0.22 … 0.26, main" };
        var format = new Option<string>("--format") { Description = "output format: tvmscript or json (save_json of the target version); with --to relay: text (default) or json (0.19 save_json)", DefaultValueFactory = _ => "tvmscript" };
        var relayVersion = new Option<string?>("--relay-version") { Description = "TVM version that printed the Relay input (e.g. 0.7; default 0.19)" };
        var to = new Option<string>("--to") { Description = "target IR: relax (default), or relay (Relay input normalised to TVM 0.19's text/save_json; ONNX imported to Relay)", DefaultValueFactory = _ => "relax" };
        var keep = new Option<bool>("--keep-params-in-input")
        {
            Description = "weights (ONNX initializers, Relay meta[relay.Constant] values) become parameters of main after the inputs (TVM's " +
                "keep_params_in_input) and are written to a .params file (tvm.runtime.load_param_dict) instead of inline R.const",
        };
        var inlineConsts = new Option<bool>("--inline-constants")
        {
            Description = $"TVMScript: every tensor constant inline as R.const([...]); by default constants over {MigrationOptions.MetadataThreshold} elements go to " +
                "TVM's metadata section (metadata = tvm.ir.load_json(...), referenced as metadata[\"relax.expr.Constant\"][i], as script(show_meta=True))",
        };
        var paramsOut = new Option<string?>("--params-out") { Description = "with --keep-params-in-input: the .params file (default: OUTPUT with extension .params)" };
        var metadata = ConvertMetadata.Create();
        var hideTypes = new Option<bool>("--hide-inferable-types")
        {
            Description = "TVMScript: leave out binding annotations TVM can infer from the right-hand side (TVM's script(show_all_struct_info=False))",
        };
        var cmd = new Command("convert", "Migrate a Relay model to Relax (high-level ops, named symbolic shapes).")
        {
            model, output, ps, meta, shape, bind, tvm, format, relayVersion, to, keep, paramsOut, inlineConsts, metadata, hideTypes,
        };
        cmd.SetAction(p => Run(ctx, () => new MigrationOptions
        {
            InputPath = p.GetValue(model)!,
            ParamsPath = p.GetValue(ps),
            MetaPath = p.GetValue(meta),
            Shapes = MigrationPipeline.ParseShapes(p.GetValue(shape) ?? []),
            BindParams = p.GetValue(bind),
            TvmVersion = p.GetValue(tvm),
            Format = p.GetValue(format) ?? "tvmscript",
            RelayVersion = p.GetValue(relayVersion),
            InlineConstants = p.GetValue(inlineConsts),
            HideInferableTypes = p.GetValue(hideTypes),
        }, p.GetValue(output)!, p.GetValue(to) ?? "relax", p.GetValue(model)!, p.GetValue(shape) ?? [], p.GetValue(tvm),
            p.GetValue(keep) ? p.GetValue(paramsOut) ?? Path.ChangeExtension(p.GetValue(output)!, ".params") : null, p.GetValue(metadata)));
        return cmd;
    }

    /// <summary>Runs the verb (option parsing errors of --shape are reported through the same guard).</summary>
    public static int Run(CliContext ctx, Func<MigrationOptions> options, string output, string to, string? inputPath = null,
        string[]? shapes = null, string? tvmVersion = null, string? paramsOut = null, string? metadata = null) => ctx.Guard(() =>
    {
        var placement = ConvertMetadata.Parse(metadata);
        if (inputPath is not null && File.Exists(inputPath) && FormatSniffer.Identify(inputPath).Format == ModelFormat.Onnx)
            return ConvertOnnx(ctx, inputPath, output, to, shapes ?? [], tvmVersion, paramsOut, options().Format, options().InlineConstants, placement, options().HideInferableTypes);
        if (inputPath is not null && File.Exists(inputPath) && FormatSniffer.Identify(inputPath).Format == ModelFormat.TorchScript)
            return ConvertTorchScript.Run(ctx, inputPath, output, to, shapes ?? [], tvmVersion, paramsOut, options().Format, options().InlineConstants, placement, options().HideInferableTypes);
        if (to == "relay") return ConvertToRelay.Run(ctx, options(), output, paramsOut);
        if (to != "relax")
            throw new BridgeException(RelayToRelaxDiagnosticIds.BadOption, SourceLoc.Unknown.Instance, $"--to {to}: expected relax or relay");
        var o = options() with { KeepParamsInInput = paramsOut is not null };
        if (o.TvmVersion is { } tv && RelaxVersion.EraNote(tv) is { } note) ctx.Err.WriteLine(note);
        if (!File.Exists(o.InputPath))
            throw new BridgeException(CoreDiagnosticIds.FileNotFound, SourceLoc.Unknown.Instance, $"{o.InputPath}: no such file");
        var r = MigrationPipeline.Run(o);
        // Weights that stay parameters (lifted meta constants, --params values not bound) travel in a .params file beside the
        // output, where run/check/zoo find them; the weights first, so a failure writing the text leaves neither file.
        var weightsPath = r.Weights.Count > 0 ? paramsOut ?? Path.ChangeExtension(output, ".params") : null;
        if (weightsPath is not null && o.ParamsPath is not null && string.Equals(Path.GetFullPath(weightsPath), Path.GetFullPath(o.ParamsPath), StringComparison.Ordinal))
            throw new BridgeException(RelayToRelaxDiagnosticIds.BadOption, SourceLoc.Unknown.Instance,
                $"the weights of {output} go to {weightsPath}, which is the --params input; choose another output name");
        if (weightsPath is not null) ParamsFile.Write(weightsPath, r.Weights.Select(kv => (kv.Key, kv.Value)));
        var metaNote = "";
        try
        {
            if (o.Format is "tvmscript" or "script" or "py") metaNote = ConvertMetadata.Write(output, r.Text, placement);
            else AtomicFile.WriteAllText(output, r.Text);
        }
        catch when (weightsPath is not null) { File.Delete(weightsPath); throw; }
        ctx.Out.WriteLine($"converted {o.InputPath} → {output}: {r.Summary.OneLine()}" + (weightsPath is null ? "" : $", {r.Weights.Count} weights → {weightsPath}") + metaNote);
        if (r.WeightsWithoutValues.Count > 0)
            ctx.Err.WriteLine($"warning: {r.WeightsWithoutValues.Count} weight parameter(s) have only a type, no value ({string.Join(", ", r.WeightsWithoutValues.Take(5))}" +
                $"{(r.WeightsWithoutValues.Count > 5 ? ", …" : "")}): run/check on {output} need --params with their values, or --random-weights");
        return ExitCodes.Ok;
    });

    /// <summary>
    /// ONNX → Relax TVMScript (default; weights inline as TVM's frontend embeds them, or with <paramref name="paramsOut"/> lifted to
    /// parameters and written there; <c>--tvm-version</c> picks the dialect, portable by default) or Relay text (<c>--to relay</c>),
    /// via <see cref="OnnxImport"/>; <c>--shape batch=4</c> fixes a named symbolic dim. Prints the import summary.
    /// </summary>
    private static int ConvertOnnx(CliContext ctx, string inputPath, string output, string to, string[] shapes, string? tvmVersion, string? paramsOut, string format = "tvmscript", bool inlineConstants = false,
        Ir.Relax.Script.MetadataPlacement placement = Ir.Relax.Script.MetadataPlacement.Auto, bool hideInferableTypes = false)
    {
        var dims = Bridge.Compat.Inputs.RandomInputs.ParseDimOverrides(shapes).Where(kv => kv.Key != "?").ToImmutableDictionary(StringComparer.Ordinal);
        var options = OnnxImportOptions.Default with { DimValues = dims, KeepParamsAsInputs = paramsOut is not null };
        if (paramsOut is not null && to != "relax")
            throw new BridgeException(RelayToRelaxDiagnosticIds.BadOption, SourceLoc.Unknown.Instance, "--keep-params-in-input applies to --to relax");
        IReadOnlyDictionary<string, Core.Tensors.Tensor>? lifted = null;
        string text;
        OnnxImportSummary summary;
        switch (to)
        {
            case "relax":
                {
                    var target = tvmVersion is { } v ? RelaxVersion.Parse(v) : RelaxVersion.Portable;
                    if (tvmVersion is not null && RelaxVersion.EraNote(tvmVersion) is { } note) ctx.Err.WriteLine(note);
                    var r = OnnxImport.ToRelax(inputPath, options);
                    text = format == "json" ? Ir.Relax.Json.RelaxJsonWriter.Write(r.Module, target)
                        : RelaxScriptPrinter.Print(r.Module, new MigrationOptions { InlineConstants = inlineConstants, HideInferableTypes = hideInferableTypes }.PrinterOptions(target));
                    summary = r.Summary;
                    lifted = r.Params;
                    break;
                }
            case "relay":
                {
                    var r = OnnxImport.ToRelay(inputPath, options);
                    text = format == "json" ? Ir.Relay.Json.RelayJsonWriter.WriteModule(r.Module) : RelayTextWriter.PrintModule(r.Module);
                    summary = r.Summary;
                    break;
                }
            default:
                throw new BridgeException(RelayToRelaxDiagnosticIds.BadOption, SourceLoc.Unknown.Instance, $"--to {to}: ONNX converts to relax or relay");
        }
        // The weights first: a failure there leaves neither file; a failure writing the text removes the weights again.
        if (paramsOut is not null) ParamsFile.Write(paramsOut, lifted!.Select(kv => (kv.Key, kv.Value)));
        var metaNote = "";
        try
        {
            if (to == "relax" && format != "json") metaNote = ConvertMetadata.Write(output, text, placement);
            else AtomicFile.WriteAllText(output, text);
        }
        catch when (paramsOut is not null) { File.Delete(paramsOut); throw; }
        ctx.Out.Write(summary.Render(to == "relay" ? "Relay" : "Relax"));
        ctx.Out.WriteLine((paramsOut is null
            ? $"converted {inputPath} → {output}"
            : $"converted {inputPath} → {output}, {lifted!.Count} weights → {paramsOut}") + metaNote);
        if (paramsOut is null && to == "relax" && metaNote.Length == 0 && text.Length > LargeInlineOutput)
            ctx.Out.WriteLine($"note: the weights are in the TVMScript ({text.Length / (1 << 20)} MiB, large ones in its metadata section); --keep-params-in-input writes them to a .params file");
        return ExitCodes.Ok;
    }
}
