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
    public static Command Create(CliContext ctx)
    {
        var model = new Argument<string>("MODEL") { Description = "Relay text (.relay/.rly) or save_json, or Relax TVMScript/JSON to re-emit; detected by content" };
        var output = new Option<string>("--output", "-o") { Description = "output file (written atomically)", Required = true };
        var ps = new Option<string?>("--params") { Description = "weights by parameter name (.params, .npz, .npy)" };
        var meta = new Option<string?>("--meta") { Description = "external meta table: *.consts.json (types) or .npz/.params (values)" };
        var shape = new Option<string[]>("--shape") { Description = "name the dims of an input: x=n,3,h,w (repeatable)", AllowMultipleArgumentsPerToken = false };
        var bind = new Option<bool>("--bind-params") { Description = "bind --params values and valued constants as R.const instead of parameters" };
        var tvm = new Option<string?>("--tvm-version") { Description = "TVMScript dialect of the output: portable (default), 0.19, 0.22 … 0.26, main" };
        var format = new Option<string>("--format") { Description = "output format: tvmscript or json (save_json of the target version)", DefaultValueFactory = _ => "tvmscript" };
        var relayVersion = new Option<string?>("--relay-version") { Description = "TVM version that printed the Relay input (e.g. 0.7; default 0.19)" };
        var to = new Option<string>("--to") { Description = "target IR: relax (default), or relay for ONNX input", DefaultValueFactory = _ => "relax" };
        var cmd = new Command("convert", "Migrate a Relay model to Relax (high-level ops, named symbolic shapes).")
        {
            model, output, ps, meta, shape, bind, tvm, format, relayVersion, to,
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
        }, p.GetValue(output)!, p.GetValue(to) ?? "relax", p.GetValue(model)!, p.GetValue(shape) ?? [], p.GetValue(tvm)));
        return cmd;
    }

    /// <summary>Runs the verb (option parsing errors of --shape are reported through the same guard).</summary>
    public static int Run(CliContext ctx, Func<MigrationOptions> options, string output, string to, string? inputPath = null,
        string[]? shapes = null, string? tvmVersion = null) => ctx.Guard(() =>
    {
        if (inputPath is not null && File.Exists(inputPath) && FormatSniffer.Identify(inputPath).Format == ModelFormat.Onnx)
            return ConvertOnnx(ctx, inputPath, output, to, shapes ?? [], tvmVersion);
        if (to != "relax")
            throw new BridgeException(RelayToRelaxDiagnosticIds.BadOption, SourceLoc.Unknown.Instance, $"--to {to}: only relax is supported");
        var o = options();
        if (!File.Exists(o.InputPath))
            throw new BridgeException(CoreDiagnosticIds.FileNotFound, SourceLoc.Unknown.Instance, $"{o.InputPath}: no such file");
        var r = MigrationPipeline.Run(o);
        AtomicFile.WriteAllText(output, r.Text);
        ctx.Out.WriteLine($"converted {o.InputPath} → {output}: {r.Summary.OneLine()}");
        return ExitCodes.Ok;
    });

    /// <summary>
    /// ONNX → Relax TVMScript (default; weights inline, <c>--tvm-version</c> picks the dialect, portable by default) or Relay text
    /// (<c>--to relay</c>), via <see cref="OnnxImport"/>; <c>--shape batch=4</c> fixes a named symbolic dim. Prints the import summary.
    /// </summary>
    private static int ConvertOnnx(CliContext ctx, string inputPath, string output, string to, string[] shapes, string? tvmVersion)
    {
        var dims = Bridge.Compat.Inputs.RandomInputs.ParseDimOverrides(shapes).Where(kv => kv.Key != "?").ToImmutableDictionary(StringComparer.Ordinal);
        var options = OnnxImportOptions.Default with { DimValues = dims };
        string text;
        OnnxImportSummary summary;
        switch (to)
        {
            case "relax":
                {
                    var target = tvmVersion is { } v ? RelaxVersion.Parse(v) : RelaxVersion.Portable;
                    var r = OnnxImport.ToRelax(inputPath, options);
                    text = RelaxScriptPrinter.Print(r.Module, new RelaxPrinterOptions { TargetVersion = target });
                    summary = r.Summary;
                    break;
                }
            case "relay":
                {
                    var r = OnnxImport.ToRelay(inputPath, options);
                    text = RelayTextWriter.PrintModule(r.Module);
                    summary = r.Summary;
                    break;
                }
            default:
                throw new BridgeException(RelayToRelaxDiagnosticIds.BadOption, SourceLoc.Unknown.Instance, $"--to {to}: ONNX converts to relax or relay");
        }
        AtomicFile.WriteAllText(output, text);
        ctx.Out.Write(summary.Render(to == "relay" ? "Relay" : "Relax"));
        ctx.Out.WriteLine($"converted {inputPath} → {output}");
        return ExitCodes.Ok;
    }
}
