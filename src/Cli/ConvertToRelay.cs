using System.Text;
using Bridge.Core.Files;
using Bridge.Core.IO;
using Bridge.Translators.RelayToRelax;
using Relay = Bridge.Ir.Relay;

namespace Bridge.Cli;

/// <summary>
/// <c>bridge convert MODEL --to relay --format text|json</c> for Relay input: normalises any Relay artifact (text 0.0.4/0.0.5 with or
/// without <c>#[metadata]</c>, save_json 0.6–0.19, with <c>--meta</c>/<c>--params</c>) to the form TVM 0.19 writes: text 0.0.5 with a
/// <c>#[metadata]</c> section when valued constants exist, or save_json in the 0.19 schema. Constants are never dropped: values from
/// the meta table stay in the output's metadata (or b64ndarrays); <c>--params</c> with <c>--bind-params</c> become constants,
/// without it they are copied to a .params file beside the output.
/// </summary>
internal static class ConvertToRelay
{
    public static int Run(CliContext ctx, MigrationOptions o, Compat.Pipeline.ModelInput input, string output, string? paramsOut)
    {
        var text = input.Text;
        var meta = input.Kind == Compat.Pipeline.InputKind.RelayText && (o.MetaPath ?? MigrationPipeline.SidecarMeta(o.InputPath)) is { } mp ? MigrationPipeline.LoadMeta(mp) : null;
        var module = input.Kind switch
        {
            Compat.Pipeline.InputKind.RelayText => MigrationPipeline.ReadRelayText(text, o.InputPath, new Relay.Text.RelayTextOptions { ExternalMeta = meta, RelayVersion = o.RelayVersion }),
            Compat.Pipeline.InputKind.RelayJson => Relay.Json.RelayJsonReader.ReadModule(text, o.InputPath),
            _ => throw input.Unsupported("convert --to relay"),
        };
        var weights = o.ParamsPath is { } pp ? TensorFiles.Load(pp).Select(p => (p.Name, p.Tensor)).ToList() : [];
        if (weights.Count > 0) module = Relay.RelayParams.Bind(module, weights, asConstants: o.BindParams, o.ParamsPath!);
        Relay.RelayTypeInference.InferModule(module);
        var outText = o.Format == "json" ? Relay.Json.RelayJsonWriter.WriteModule(module) : Relay.Text.RelayTextWriter.PrintModule(module);
        var weightsPath = weights.Count > 0 && !o.BindParams ? paramsOut ?? Path.ChangeExtension(output, ".params") : null;
        if (weightsPath is not null && string.Equals(Path.GetFullPath(weightsPath), Path.GetFullPath(o.ParamsPath!), StringComparison.Ordinal))
            weightsPath = null; // the weights already lie beside the output under the name run/check look for
        if (weightsPath is not null) ParamsFile.Write(weightsPath, weights);
        try { AtomicFile.WriteAllText(output, outText); }
        catch when (weightsPath is not null) { File.Delete(weightsPath); throw; }
        var constants = CountConstants(module);
        ctx.Out.WriteLine($"converted {o.InputPath} → {output}: Relay {(o.Format == "json" ? "save_json (TVM 0.19 schema)" : "text 0.0.5")}, " +
            $"{module.Functions.Count} function{(module.Functions.Count == 1 ? "" : "s")}, {constants} tensor constant{(constants == 1 ? "" : "s")}" +
            (weightsPath is null ? "" : $", {weights.Count} weights → {weightsPath}"));
        return ExitCodes.Ok;
    }

    private static int CountConstants(Relay.IRModule m)
    {
        var seen = new HashSet<Relay.Constant>(ReferenceEqualityComparer.Instance);
        foreach (var (_, f) in m.Functions) Relay.RelayVisit.PreOrder(f, e => { if (e is Relay.Constant { IsScalar: false } c) seen.Add(c); });
        return seen.Count;
    }
}
