
namespace Bridge.Compat.Pipeline;

/// <summary>
/// Which options of a verb apply to which input kinds. An option given (a value other than its default) for an input it does
/// not apply to is refused with <see cref="PipelineDiagnosticIds.OptionDoesNotApply"/> naming the inputs it applies to —
/// never ignored. An option not listed for a verb applies to every input kind the verb takes. Verbs add rows for their new
/// options here (one line each), so the table stays the single place that says what applies to what (docs/architecture.md).
/// </summary>
public static class OptionRules
{
    private static readonly ImmutableArray<InputKind> Relay = [InputKind.RelayText, InputKind.RelayJson];
    private static readonly ImmutableArray<InputKind> RelayText = [InputKind.RelayText];
    private static readonly ImmutableArray<InputKind> Relax = [InputKind.RelaxScript, InputKind.RelaxJson];
    private static readonly ImmutableArray<InputKind> Bridge = [InputKind.RelayText, InputKind.RelayJson, InputKind.RelaxScript, InputKind.RelaxJson];
    private static readonly ImmutableArray<InputKind> Translated = [InputKind.RelayText, InputKind.RelayJson, InputKind.Onnx, InputKind.TorchScript];

    /// <summary>The input kinds each verb reads (a verb refuses the others with <see cref="PipelineDiagnosticIds.UnsupportedInput"/>).</summary>
    public static readonly IReadOnlyDictionary<string, ImmutableArray<InputKind>> Takes = new Dictionary<string, ImmutableArray<InputKind>>(StringComparer.Ordinal)
    {
        ["convert"] = [InputKind.RelayText, InputKind.RelayJson, InputKind.RelaxScript, InputKind.RelaxJson, InputKind.Onnx, InputKind.TorchScript],
        ["run"] = [InputKind.RelayText, InputKind.RelayJson, InputKind.RelaxScript, InputKind.RelaxJson, InputKind.Onnx, InputKind.TorchScript],
        ["check"] = [InputKind.RelayText, InputKind.RelayJson, InputKind.RelaxScript, InputKind.RelaxJson, InputKind.Onnx, InputKind.TorchScript],
        ["bench"] = [InputKind.RelayText, InputKind.RelayJson, InputKind.RelaxScript, InputKind.RelaxJson, InputKind.Onnx, InputKind.TorchScript],
        // zoo: each model of the folder (a graph-executor JSON is refused on its row); adopt reads zoo results, so it follows zoo.
        ["zoo"] = [InputKind.RelayText, InputKind.RelayJson, InputKind.RelaxScript, InputKind.RelaxJson, InputKind.Onnx, InputKind.TorchScript],
    };

    /// <summary>(verb, option) → the input kinds the option applies to.</summary>
    public static readonly IReadOnlyDictionary<(string Verb, string Option), ImmutableArray<InputKind>> AppliesTo =
        new Dictionary<(string, string), ImmutableArray<InputKind>>
        {
            [("convert", "--params")] = Relay,
            [("convert", "--meta")] = RelayText,
            [("convert", "--bind-params")] = Relay,
            [("convert", "--relay-version")] = Relay,
            [("convert", "--keep-params-in-input")] = Translated,
            [("convert", "--params-out")] = Translated,
            [("convert", "--shape")] = Translated,
            // Relay inputs and Relax re-emission print TVMScript through the metadata section; ONNX too; TorchScript prints inline.
            [("convert", "--inline-constants")] = [InputKind.RelayText, InputKind.RelayJson, InputKind.RelaxScript, InputKind.RelaxJson, InputKind.Onnx, InputKind.TorchScript],
            [("convert", "--format")] = [InputKind.RelayText, InputKind.RelayJson, InputKind.RelaxScript, InputKind.RelaxJson, InputKind.Onnx, InputKind.TorchScript],
            [("convert", "--to relay")] = [InputKind.RelayText, InputKind.RelayJson, InputKind.Onnx, InputKind.TorchScript],
            [("run", "--meta")] = RelayText,
            [("run", "--params")] = Bridge,
            [("run", "--random-weights")] = Bridge,
            [("check", "--meta")] = RelayText,
            [("check", "--params")] = Bridge,
            [("check", "--random-weights")] = Bridge,
            // bench --reference: ONNX goes through the --model paths, which take the feeds' own sizes.
            [("bench", "--dim")] = [InputKind.RelayText, InputKind.RelayJson, InputKind.RelaxScript, InputKind.RelaxJson, InputKind.TorchScript],
        };

    /// <summary>
    /// Refuses the input when <paramref name="verb"/> does not take its kind, and every option of <paramref name="given"/> that does
    /// not apply to it. <paramref name="given"/> holds the options whose value differs from the default, spelled as in the table.
    /// </summary>
    public static void Enforce(string verb, ModelInput input, IEnumerable<string> given)
    {
        if (Takes.TryGetValue(verb, out var kinds) && !kinds.Contains(input.Kind)) throw input.Unsupported(verb);
        foreach (var option in given)
            if (AppliesTo.TryGetValue((verb, option), out var ok) && !ok.Contains(input.Kind))
                throw new BridgeException(PipelineDiagnosticIds.OptionDoesNotApply, new SourceLoc.Text(input.Path, 1, 1),
                    $"{verb} {option}: does not apply to {ModelInput.Describe(input.Kind)} ({input.Path}); it applies to {string.Join(", ", ok.Select(Short))} inputs");
    }

    /// <summary>True when <paramref name="option"/> of <paramref name="verb"/> applies to <paramref name="kind"/>.</summary>
    public static bool Applies(string verb, string option, InputKind kind) =>
        !AppliesTo.TryGetValue((verb, option), out var ok) || ok.Contains(kind);

    /// <summary>The names of options given: each (name, given) pair whose flag is set.</summary>
    public static IEnumerable<string> Given(params (string Name, bool Given)[] options) => options.Where(o => o.Given).Select(o => o.Name);

    private static string Short(InputKind k) => k switch
    {
        InputKind.RelayText => "Relay text",
        InputKind.RelayJson => "Relay JSON",
        InputKind.RelaxScript => "Relax TVMScript",
        InputKind.RelaxJson => "Relax JSON",
        InputKind.Onnx => "ONNX",
        InputKind.TorchScript => "TorchScript",
        _ => k.ToString(),
    };
}
