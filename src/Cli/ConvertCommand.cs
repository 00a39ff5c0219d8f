using System.CommandLine;
using System.Diagnostics;
using Bridge.Compat.Pipeline;
using Bridge.Core.Files;
using Bridge.Ir.Relax.Script;
using Bridge.Ir.Relay.Text;
using Bridge.Translators.Onnx;
using Bridge.Core.IO;
using Bridge.Translators.RelayToRelax;

namespace Bridge.Cli;

/// <summary>What <c>bridge convert</c> was asked, as given (hooks add fields here; <see cref="ConvertCommand.Run"/> checks them).</summary>
public sealed record ConvertRequest
{
    public required string InputPath { get; init; }
    public required string OutputPath { get; init; }
    public string? ParamsPath { get; init; }
    public string? MetaPath { get; init; }
    public IReadOnlyList<string> Shapes { get; init; } = [];
    public bool BindParams { get; init; }
    public string? TvmVersion { get; init; }
    public string Format { get; init; } = "tvmscript";
    public string? RelayVersion { get; init; }
    public string To { get; init; } = "relax";
    /// <summary><c>--keep-params-in-input</c>: where the lifted weights go (null = inline).</summary>
    public string? ParamsOut { get; init; }
    public bool InlineConstants { get; init; }
    public IReadOnlyList<string> PrintAfter { get; init; } = [];
    /// <summary><c>--metadata auto|section|file</c>: where TVMScript's large constants go (null = auto).</summary>
    public string? Metadata { get; init; }
    /// <summary><c>--hide-inferable-types</c>: TVM's <c>script(show_all_struct_info=False)</c>.</summary>
    public bool HideInferableTypes { get; init; }
}

/// <summary>
/// <c>bridge convert MODEL -o OUT</c>: Relay text/JSON → Relax TVMScript (high-level ops, named symbolic dims), a Relax TVMScript/JSON
/// file re-emitted for another TVM version, ONNX or TorchScript → Relax/Relay. The file is opened and sniffed once
/// (<see cref="ModelInput"/>), options that do not apply to it are refused (<see cref="OptionRules"/>), <c>--shape</c> follows the one
/// grammar (<see cref="ShapeArgs"/>). Prints a one-line summary; on unsupported constructs prints one list, exits 2 and writes nothing.
/// </summary>
public static class ConvertCommand
{
    /// <summary>Above this many characters of TVMScript with inline weights, convert suggests --keep-params-in-input.</summary>
    private const int LargeInlineOutput = 16 << 20;

    public static Command Create(CliContext ctx)
    {
        var model = new Argument<string>("MODEL") { Description = "Relay text/JSON, Relax TVMScript/JSON (re-emitted), ONNX or TorchScript; detected by content" };
        var output = new Option<string>("--output", "-o") { Description = "output file (written atomically)", Required = true };
        var ps = new Option<string?>("--params") { Description = "Relay input: weights by parameter name (.params, .npz, .npy)" };
        var meta = new Option<string?>("--meta") { Description = "Relay text input: external meta table: *.consts.json (types) or .npz/.params (values)" };
        var shape = new Option<string[]>("--shape", "--dim")
        {
            Description = "input shapes and dim sizes, one grammar on every verb: x=n,3,h,w (x=[n] for rank 1) names the dims of input x; n=4 sizes dim n (repeatable)",
            AllowMultipleArgumentsPerToken = false,
        };
        var bind = new Option<bool>("--bind-params") { Description = "Relay input: bind --params values and valued constants as R.const instead of parameters" };
        var tvm = new Option<string?>("--tvm-version") { Description = "TVMScript dialect of the output: portable (default), 0.19, 0.22 … 0.26, main" };
        var format = new Option<string>("--format") { Description = "output format: tvmscript or json (save_json of the target version); with --to relay: text (default) or json (0.19 save_json)", DefaultValueFactory = _ => "tvmscript" };
        var relayVersion = new Option<string?>("--relay-version") { Description = "Relay input: TVM version that printed it (e.g. 0.7; default 0.19)" };
        var to = new Option<string>("--to") { Description = "target IR: relax (default), or relay (Relay input normalised to TVM 0.19's text/save_json; ONNX/TorchScript imported to Relay)", DefaultValueFactory = _ => "relax" };
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
        var printAfter = PrintAfterOption.Create();
        var metadata = ConvertMetadata.Create();
        var hideTypes = new Option<bool>("--hide-inferable-types")
        {
            Description = "TVMScript: leave out binding annotations TVM can infer from the right-hand side (TVM's script(show_all_struct_info=False))",
        };
        var cmd = new Command("convert", "Migrate a Relay model to Relax (high-level ops, named symbolic shapes); also ONNX, TorchScript, Relax re-emission.")
        {
            model, output, ps, meta, shape, bind, tvm, format, relayVersion, to, keep, paramsOut, inlineConsts, printAfter, metadata, hideTypes,
        };
        cmd.SetAction(p => Run(ctx, new ConvertRequest
        {
            InputPath = p.GetValue(model)!,
            OutputPath = p.GetValue(output)!,
            ParamsPath = p.GetValue(ps),
            MetaPath = p.GetValue(meta),
            Shapes = p.GetValue(shape) ?? [],
            BindParams = p.GetValue(bind),
            TvmVersion = p.GetValue(tvm),
            Format = p.GetValue(format) ?? "tvmscript",
            RelayVersion = p.GetValue(relayVersion),
            To = p.GetValue(to) ?? "relax",
            ParamsOut = p.GetValue(keep) ? p.GetValue(paramsOut) ?? Path.ChangeExtension(p.GetValue(output)!, ".params") : null,
            InlineConstants = p.GetValue(inlineConsts),
            PrintAfter = p.GetValue(printAfter) ?? [],
            Metadata = p.GetValue(metadata),
            HideInferableTypes = p.GetValue(hideTypes),
        }));
        return cmd;
    }

    /// <summary>Runs the verb: open once, parse the shared options once, enforce the option rules, then the format's passes.</summary>
    public static int Run(CliContext ctx, ConvertRequest q) => ctx.Guard(() =>
    {
        if (q.To is not ("relax" or "relay"))
            throw new BridgeException(RelayToRelaxDiagnosticIds.BadOption, SourceLoc.Unknown.Instance, $"--to {q.To}: expected relax or relay");
        if (q.To == "relax" ? q.Format is not ("tvmscript" or "json") : q.Format is not ("text" or "json" or "tvmscript"))
            throw new BridgeException(RelayToRelaxDiagnosticIds.BadOption, SourceLoc.Unknown.Instance,
                q.To == "relax" ? $"--format {q.Format}: expected tvmscript or json" : $"--format {q.Format}: --to relay writes text or json");
        var shapes = ShapeArgs.Parse(q.Shapes);
        var placement = ConvertMetadata.Parse(q.Metadata);
        var pipeline = PipelineContext.Create("convert", q.TvmVersion, q.PrintAfter, ctx.Err);
        var input = ModelInput.Open(q.InputPath);
        OptionRules.Enforce("convert", input, OptionRules.Given(
            ("--params", q.ParamsPath is not null), ("--meta", q.MetaPath is not null), ("--bind-params", q.BindParams),
            ("--relay-version", q.RelayVersion is not null), ("--keep-params-in-input", q.ParamsOut is not null), ("--params-out", false),
            ("--shape", !shapes.IsEmpty), ("--inline-constants", q.InlineConstants), ("--format", q.Format is not ("tvmscript" or "text")),
            ("--to relay", q.To == "relay")));
        if (q.ParamsOut is not null && q.To != "relax")
            throw new BridgeException(RelayToRelaxDiagnosticIds.BadOption, SourceLoc.Unknown.Instance, "--keep-params-in-input applies to --to relax");
        foreach (var note in pipeline.Notes) ctx.Err.WriteLine(note);
        switch (input.Kind)
        {
            case InputKind.Onnx:
                return ConvertOnnx(ctx, q, input, shapes.OnlyDims("convert --shape", "to an ONNX input (its named dims are fixed with n=4)"), pipeline);
            case InputKind.TorchScript:
                return ConvertTorchScript.Run(ctx, input.Path, q.OutputPath, q.To, [.. shapes.TorchEntries()], pipeline, q.ParamsOut, q.Format, q.InlineConstants, placement, q.HideInferableTypes);
            case InputKind.RelaxScript or InputKind.RelaxJson:
                return ReemitRelax(ctx, q, input, pipeline);
        }
        var o = new MigrationOptions
        {
            InputPath = q.InputPath,
            ParamsPath = q.ParamsPath,
            MetaPath = q.MetaPath,
            Shapes = shapes.OnlyShapes("convert --shape", "to a Relay input (its dims are named by input shapes: x=n,3,h,w)").InputShapes,
            BindParams = q.BindParams,
            TvmVersion = q.TvmVersion,
            Target = pipeline.Target,
            Format = q.Format,
            RelayVersion = q.RelayVersion,
            InlineConstants = q.InlineConstants,
            HideInferableTypes = q.HideInferableTypes,
            KeepParamsInInput = q.ParamsOut is not null,
        };
        if (q.To == "relay") return ConvertToRelay.Run(ctx, o, input, q.OutputPath, q.ParamsOut);
        var r = MigrateRelay(o, input, pipeline);
        // Weights that stay parameters (lifted meta constants, --params values not bound) travel in a .params file beside the
        // output, where run/check/zoo find them; the weights first, so a failure writing the text leaves neither file.
        var output = q.OutputPath;
        var weightsPath = r.Weights.Count > 0 ? q.ParamsOut ?? Path.ChangeExtension(output, ".params") : null;
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
    /// Relay text/JSON → Relax: the parse pass here (the text read once), then <see cref="MigrationPipeline.Run(Ir.Relay.IRModule, MigrationOptions)"/>
    /// (unsupported-construct list, type inference, translation, output check, well-formedness, printing) and the verification
    /// after translation.
    /// </summary>
    private static MigrationResult MigrateRelay(MigrationOptions o, ModelInput input, PipelineContext pipeline)
    {
        var module = input.Kind == InputKind.RelayText
            ? MigrationPipeline.ReadRelayText(input.Text, input.Path, new RelayTextOptions { ExternalMeta = o.MetaPath is { } mp ? MigrationPipeline.LoadMeta(mp) : null, RelayVersion = o.RelayVersion })
            : Ir.Relay.Json.RelayJsonReader.ReadModule(input.Text, input.Path);
        pipeline.AfterPass(PipelinePasses.Parse, module);
        if (pipeline.Prints(PipelinePasses.InferTypes))
        {
            // Only for --print-after: MigrationPipeline infers types itself after listing every unsupported construct.
            Ir.Relay.RelayTypeInference.InferModule(module);
            pipeline.AfterPass(PipelinePasses.InferTypes, module);
        }
        var r = MigrationPipeline.Run(module, o);
        pipeline.AfterPass(PipelinePasses.Translate, r.RelaxModule);
        return r;
    }

    /// <summary>A Relax TVMScript/JSON input printed for <c>--tvm-version</c> (portable by default) as TVMScript or JSON.</summary>
    private static int ReemitRelax(CliContext ctx, ConvertRequest q, ModelInput input, PipelineContext pipeline)
    {
        var sw = Stopwatch.StartNew();
        var m = Ir.Relax.RelaxConvert.Read(input.Text, input.Path);
        pipeline.AfterPass(PipelinePasses.Parse, m);
        var text = q.Format == "json" ? Ir.Relax.Json.RelaxJsonWriter.Write(m, pipeline.Target)
            : RelaxScriptPrinter.Print(m, new MigrationOptions { InlineConstants = q.InlineConstants, HideInferableTypes = q.HideInferableTypes }.PrinterOptions(pipeline.Target));
        if (q.Format == "json") AtomicFile.WriteAllText(q.OutputPath, text);
        else ConvertMetadata.Write(q.OutputPath, text, ConvertMetadata.Parse(q.Metadata));
        var summary = new MigrationSummary(m.Functions.Count(), new Dictionary<string, int>(), [], 0, 0, sw.Elapsed);
        ctx.Out.WriteLine($"converted {input.Path} → {q.OutputPath}: {summary.OneLine()}");
        return ExitCodes.Ok;
    }

    /// <summary>
    /// ONNX → Relax TVMScript (default; weights inline as TVM's frontend embeds them, or with <c>--keep-params-in-input</c> lifted to
    /// parameters and written there; <c>--tvm-version</c> picks the dialect, portable by default) or Relay text (<c>--to relay</c>),
    /// via <see cref="OnnxImport"/>; <c>--shape batch=4</c> fixes a named symbolic dim. Prints the import summary.
    /// </summary>
    private static int ConvertOnnx(CliContext ctx, ConvertRequest q, ModelInput input, ShapeArgs shapes, PipelineContext pipeline)
    {
        var dims = shapes.Dims.Where(kv => kv.Key != "?").ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
        var options = OnnxImportOptions.Default with { DimValues = System.Collections.Immutable.ImmutableDictionary.CreateRange(StringComparer.Ordinal, dims), KeepParamsAsInputs = q.ParamsOut is not null };
        var (inputPath, output, paramsOut) = (input.Path, q.OutputPath, q.ParamsOut);
        IReadOnlyDictionary<string, Core.Tensors.Tensor>? lifted = null;
        string text;
        OnnxImportSummary summary;
        if (q.To == "relax")
        {
            var r = OnnxImport.ToRelax(inputPath, options);
            pipeline.AfterPass(PipelinePasses.Translate, r.Module);
            text = q.Format == "json" ? Ir.Relax.Json.RelaxJsonWriter.Write(r.Module, pipeline.Target)
                : RelaxScriptPrinter.Print(r.Module, new MigrationOptions { InlineConstants = q.InlineConstants, HideInferableTypes = q.HideInferableTypes }.PrinterOptions(pipeline.Target));
            summary = r.Summary;
            lifted = r.Params;
        }
        else
        {
            var r = OnnxImport.ToRelay(inputPath, options);
            pipeline.AfterPass(PipelinePasses.Translate, r.Module);
            text = q.Format == "json" ? Ir.Relay.Json.RelayJsonWriter.WriteModule(r.Module) : RelayTextWriter.PrintModule(r.Module);
            summary = r.Summary;
        }
        // The weights first: a failure there leaves neither file; a failure writing the text removes the weights again.
        if (paramsOut is not null) ParamsFile.Write(paramsOut, lifted!.Select(kv => (kv.Key, kv.Value)));
        var metaNote = "";
        try
        {
            if (q.To == "relax" && q.Format != "json") metaNote = ConvertMetadata.Write(output, text, ConvertMetadata.Parse(q.Metadata));
            else AtomicFile.WriteAllText(output, text);
        }
        catch when (paramsOut is not null) { File.Delete(paramsOut); throw; }
        ctx.Out.Write(summary.Render(q.To == "relay" ? "Relay" : "Relax"));
        ctx.Out.WriteLine((paramsOut is null
            ? $"converted {inputPath} → {output}"
            : $"converted {inputPath} → {output}, {lifted!.Count} weights → {paramsOut}") + metaNote);
        if (paramsOut is null && q.To == "relax" && metaNote.Length == 0 && text.Length > LargeInlineOutput)
            ctx.Out.WriteLine($"note: the weights are in the TVMScript ({text.Length / (1 << 20)} MiB, large ones in its metadata section); --keep-params-in-input writes them to a .params file");
        return ExitCodes.Ok;
    }
}

/// <summary><c>--print-after PASS</c> (repeatable, comma-separated, or <c>all</c>): the IR after each named pass, on stderr.</summary>
public static class PrintAfterOption
{
    public static Option<string[]> Create() => new("--print-after")
    {
        Description = $"print the IR after a pass to stderr ({string.Join(", ", PipelinePasses.All)}, or all; repeatable) — for debugging",
        AllowMultipleArgumentsPerToken = false,
    };
}
