using Bridge.Core.Files;
using Bridge.Importers.Onnx;
using Bridge.Importers.Relay;
using Relax = Bridge.Ir.Relax;
using Relay = Bridge.Ir.Relay;

namespace Bridge.Cli;

/// <summary>
/// The per-format <c>bridge inspect</c> handlers of the IR readers and importers: each reads the file with the component that
/// owns the format and prints that component's summary (signatures with symbolic shapes, op histogram).
/// </summary>
internal static class InspectFormats
{
    private static int s_registered;

    public static void RegisterAll()
    {
        if (Interlocked.Exchange(ref s_registered, 1) == 1) return;
        On(ModelFormat.RelayText, r => Relay.RelaySummary.Describe(RelayInputs.Load(r.Path, meta: null).Module));
        On(ModelFormat.RelayJson, r => DescribeRelayJson(r));
        On(ModelFormat.RelaxScript, r => Relax.RelaxSummary.Describe(Relax.RelaxConvert.Read(ReadText(r), r.Path)));
        On(ModelFormat.RelaxJson, r => Relax.RelaxSummary.Describe(Relax.RelaxConvert.Read(ReadText(r), r.Path)));
        On(ModelFormat.GraphExecutorJson, r => GraphExecutorJson.Parse(ReadText(r), r.Path).Describe());
        On(ModelFormat.Onnx, r => OnnxSummary.Describe(r.Path));
        On(ModelFormat.TorchScript, r => DescribeTorchScript(r.Path));
    }

    /// <summary>Module tree and op histogram, plus which ops the aten layer (convert/run/check) does not handle yet.</summary>
    private static string DescribeTorchScript(string path)
    {
        var a = Importers.TorchScript.TorchScriptArchive.Open(path);
        var missing = Translators.Torch.TorchImport.UnsupportedOps(a);
        return Importers.TorchScript.TorchScriptSummary.Describe(a) + (missing.Count == 0
            ? "aten layer: every op above is handled (bridge convert/run/check take this archive)\n"
            : $"aten layer: {missing.Count} op(s) not handled: {string.Join(", ", missing.Select(kv => $"{kv.Key} x{kv.Value}"))}\n");
    }

    /// <summary>save_json documents hold any object: a module (summarised) or a lone type, var or expression (printed).</summary>
    private static string DescribeRelayJson(InspectRequest r)
    {
        var root = Relay.Json.RelayJsonReader.Read(ReadText(r), r.Path);
        return root switch
        {
            Relay.IRModule => Relay.RelaySummary.Describe(RelayInputs.Load(r.Path, meta: null).Module),
            Relay.RelayType t => $"root object: type {Relay.Text.RelayTextWriter.PrintType(t)}",
            Relay.Expr e => $"root object: expression\n{Relay.Text.RelayTextWriter.PrintExpr(e, showTypes: false)}",
            null => "root object: null",
            var o => $"root object: {o.GetType().Name} {o}",
        };
    }

    private static string ReadText(InspectRequest r) => System.Text.Encoding.UTF8.GetString(r.Data);

    /// <summary>
    /// Registers a summary handler. The format is already identified when it runs, so a file the component cannot read on its
    /// own (a Relay expression or a module that needs an initial module or an external meta table, a TVMScript fragment) still
    /// gets its format line and facts on stdout; the diagnostic that stopped the summary goes to stderr and the exit code is 2,
    /// so <c>inspect</c> can be used as a validator (a file that cannot be loaded as what it claims to be never exits 0).
    /// </summary>
    private static void On(ModelFormat format, Func<InspectRequest, string> summarise) =>
        InspectHandlers.Register(format, r =>
        {
            string summary;
            try { summary = summarise(r); }
            catch (Core.Diagnostics.BridgeException e)
            {
                InspectCommand.Facts(r);
                r.Context.Out.WriteLine("  not summarised (see the error)");
                r.Context.Err.WriteLine(e.Diagnostic.Render());
                return ExitCodes.InputError;
            }
            return Print(r, summary);
        });

    private static int Print(InspectRequest r, string summary)
    {
        r.Context.Out.WriteLine($"{r.Path}: {InspectCommand.DisplayName(r.Info.Format)}");
        foreach (var line in summary.TrimEnd().Split('\n')) r.Context.Out.WriteLine("  " + line.TrimEnd('\r'));
        return ExitCodes.Ok;
    }
}
