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
        InspectHandlers.Register(ModelFormat.RelayText, r => Print(r, Relay.RelaySummary.Describe(RelayInputs.Load(r.Path, meta: null).Module)));
        InspectHandlers.Register(ModelFormat.RelayJson, r => Print(r, DescribeRelayJson(r)));
        InspectHandlers.Register(ModelFormat.RelaxScript, r => Print(r, Relax.RelaxSummary.Describe(Relax.RelaxConvert.Read(ReadText(r), r.Path))));
        InspectHandlers.Register(ModelFormat.RelaxJson, r => Print(r, Relax.RelaxSummary.Describe(Relax.RelaxConvert.Read(ReadText(r), r.Path))));
        InspectHandlers.Register(ModelFormat.GraphExecutorJson, r => Print(r, GraphExecutorJson.Parse(ReadText(r), r.Path).Describe()));
        InspectHandlers.Register(ModelFormat.Onnx, r => Print(r, OnnxSummary.Describe(r.Path)));
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

    private static int Print(InspectRequest r, string summary)
    {
        r.Context.Out.WriteLine($"{r.Path}: {InspectCommand.DisplayName(r.Info.Format)}");
        foreach (var line in summary.TrimEnd().Split('\n')) r.Context.Out.WriteLine("  " + line.TrimEnd('\r'));
        return ExitCodes.Ok;
    }
}
