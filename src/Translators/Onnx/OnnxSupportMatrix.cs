using System.Text;
using Bridge.Importers.Onnx;
using Bridge.Importers.Onnx.Ops;
using Bridge.Translators.OnnxToRelax;
using Bridge.Translators.OnnxToRelay;

namespace Bridge.Translators.Onnx;

/// <summary>
/// Which emitter maps each declared (domain, op, versions) row of the ONNX op table: the "Relay" and "Relax" columns of the
/// support matrix, computed from the emitters' rule tables (so the document cannot drift from the code).
/// </summary>
public static class OnnxSupportMatrix
{
    private static bool Maps(IReadOnlyCollection<string> kinds, OnnxOpSpec s) => s.CanonicalKind == "Constant" || kinds.Contains(s.CanonicalKind);

    public static bool RelaySupports(string opType, string domain = OnnxDomains.AiOnnx) =>
        OnnxOps.Find(domain, opType) is { } s && Maps(OnnxToRelayEmitter.SupportedKinds, s);

    public static bool RelaxSupports(string opType, string domain = OnnxDomains.AiOnnx) =>
        OnnxOps.Find(domain, opType) is { } s && Maps(OnnxToRelaxEmitter.SupportedKinds, s);

    /// <summary>The emitter columns as Markdown (docs/onnx-translation.md embeds this table between markers).</summary>
    public static string Render()
    {
        var sb = new StringBuilder();
        var all = OnnxOps.All;
        var relay = all.Count(s => Maps(OnnxToRelayEmitter.SupportedKinds, s));
        var relax = all.Count(s => Maps(OnnxToRelaxEmitter.SupportedKinds, s));
        sb.Append($"{all.Length} declared ops; Relay emitter maps {relay}, Relax emitter maps {relax}. ");
        sb.Append("A mapped op can still reject a form (dynamic attribute inputs, ranks, modes) with BRG4301 naming the node.\n\n");
        sb.Append("| Domain | Op | Versions | Canonical | Relay | Relax |\n|---|---|---|---|---|---|\n");
        foreach (var s in all)
            sb.Append($"| {s.Domain} | {s.OpType} | {string.Join(", ", s.Versions)}{(s.RemovedIn is { } r ? $" (removed in {r})" : "")} | {s.CanonicalKind} | " +
                      $"{(Maps(OnnxToRelayEmitter.SupportedKinds, s) ? "yes" : "—")} | {(Maps(OnnxToRelaxEmitter.SupportedKinds, s) ? "yes" : "—")} |\n");
        return sb.ToString();
    }
}
