using System.CommandLine;
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
        var model = new Argument<string>("MODEL") { Description = "Relay text (.relay/.rly) or Relax TVMScript; detected by content" };
        var output = new Option<string>("--output", "-o") { Description = "output file (written atomically)", Required = true };
        var ps = new Option<string?>("--params") { Description = "weights by parameter name (.params, .npz, .npy)" };
        var meta = new Option<string?>("--meta") { Description = "external meta table: *.consts.json (types) or .npz/.params (values)" };
        var shape = new Option<string[]>("--shape") { Description = "name the dims of an input: x=n,3,h,w (repeatable)", AllowMultipleArgumentsPerToken = false };
        var bind = new Option<bool>("--bind-params") { Description = "bind --params values and valued constants as R.const instead of parameters" };
        var tvm = new Option<string?>("--tvm-version") { Description = "TVMScript dialect of the output: portable (default), 0.19, 0.22 … 0.26, main" };
        var format = new Option<string>("--format") { Description = "output format: tvmscript (json is not available yet)", DefaultValueFactory = _ => "tvmscript" };
        var relayVersion = new Option<string?>("--relay-version") { Description = "TVM version that printed the Relay input (e.g. 0.7; default 0.19)" };
        var to = new Option<string>("--to") { Description = "target IR (relax)", DefaultValueFactory = _ => "relax" };
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
        }, p.GetValue(output)!, p.GetValue(to) ?? "relax"));
        return cmd;
    }

    /// <summary>Runs the verb (option parsing errors of --shape are reported through the same guard).</summary>
    public static int Run(CliContext ctx, Func<MigrationOptions> options, string output, string to) => ctx.Guard(() =>
    {
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
}
