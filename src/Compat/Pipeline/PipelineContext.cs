using Bridge.Ir.Relax.Script;
using Bridge.Translators.RelayToRelax;
using RelaxIr = Bridge.Ir.Relax;
using RelayIr = Bridge.Ir.Relay;

namespace Bridge.Compat.Pipeline;

/// <summary>
/// The passes every verb runs, in order. A verb runs the prefix it needs: <c>run</c>/<c>check</c> of a Relay model stop after
/// <see cref="Translate"/> (or <see cref="InferTypes"/> on the Relay path), <c>convert</c> prints after the last one.
/// </summary>
public static class PipelinePasses
{
    /// <summary>The file read into IR (Relay, Relax, or the ONNX/TorchScript graph).</summary>
    public const string Parse = "parse";
    /// <summary>Relay type inference (Relay inputs only).</summary>
    public const string InferTypes = "infer-types";
    /// <summary>Translation to the target IR (Relay→Relax, ONNX→Relay/Relax, TorchScript→Relay/Relax).</summary>
    public const string Translate = "translate";

    /// <summary>The declared sequence (what <c>--print-after</c> accepts, plus <c>all</c>).</summary>
    public static readonly ImmutableArray<string> All = [Parse, InferTypes, Translate];
}

/// <summary>
/// What every pass of a verb shares: the verb, the target TVM version parsed once, the non-fatal notes, and the
/// <c>--print-after</c> requests. <see cref="AfterPass"/> is called after each pass: it verifies the module (the same checks for
/// every verb: a Relax module must pass <see cref="RelaxOutputCheck"/> and <see cref="RelaxIr.RelaxWellFormed"/>; a Relay module
/// is checked by its reader and type inference) and prints it when asked.
/// </summary>
public sealed class PipelineContext
{
    private readonly ImmutableHashSet<string> _printAfter;

    private PipelineContext(string verb, RelaxVersion target, string? targetText, ImmutableHashSet<string> printAfter, TextWriter? dump)
    {
        Verb = verb;
        Target = target;
        TargetText = targetText;
        _printAfter = printAfter;
        Dump = dump;
    }

    public string Verb { get; }
    /// <summary><c>--tvm-version</c>, parsed once (portable when not given).</summary>
    public RelaxVersion Target { get; }
    /// <summary><c>--tvm-version</c> as given, or null.</summary>
    public string? TargetText { get; }
    /// <summary>Where <c>--print-after</c> writes (the verb's stderr), or null.</summary>
    public TextWriter? Dump { get; }
    /// <summary>Non-fatal notes passes add (printed by the verb).</summary>
    public List<string> Notes { get; } = [];
    /// <summary>The passes that ran, in order (tests and <c>--print-after</c> read it).</summary>
    public List<string> Ran { get; } = [];

    /// <summary>A context that verifies after each pass and prints nothing (library callers, tests).</summary>
    public static PipelineContext Default(string verb = "check") => new(verb, RelaxVersion.Portable, null, [], null);

    /// <summary>
    /// Parses the shared options once: <paramref name="tvmVersion"/> (<see cref="RelaxVersion.Parse"/>, with its era note added to
    /// <see cref="Notes"/>) and the <c>--print-after</c> pass names (<c>all</c> for every pass; an unknown name is an error).
    /// </summary>
    public static PipelineContext Create(string verb, string? tvmVersion = null, IEnumerable<string>? printAfter = null, TextWriter? dump = null)
    {
        var target = tvmVersion is { } v ? RelaxVersion.Parse(v) : RelaxVersion.Portable;
        var passes = ImmutableHashSet.CreateBuilder<string>(StringComparer.Ordinal);
        foreach (var p in (printAfter ?? []).SelectMany(s => s.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
        {
            if (p == "all") passes.UnionWith(PipelinePasses.All);
            else if (PipelinePasses.All.Contains(p)) passes.Add(p);
            else throw new BridgeException(PipelineDiagnosticIds.UnknownPass, SourceLoc.Unknown.Instance,
                $"--print-after {Diagnostic.Clip(p, 40)}: no such pass (passes: {string.Join(", ", PipelinePasses.All)}, or all)");
        }
        var ctx = new PipelineContext(verb, target, tvmVersion, passes.ToImmutable(), dump);
        if (tvmVersion is not null && RelaxVersion.EraNote(tvmVersion) is { } note) ctx.Notes.Add(note);
        return ctx;
    }

    /// <summary>True when <c>--print-after</c> asked for <paramref name="pass"/>.</summary>
    public bool Prints(string pass) => _printAfter.Contains(pass);

    /// <summary>Verifies <paramref name="module"/> after <paramref name="pass"/> and prints it when asked.</summary>
    public void AfterPass(string pass, object module)
    {
        Ran.Add(pass);
        Verify(pass, module);
        if (Dump is null || !Prints(pass)) return;
        var (ir, text) = module switch
        {
            RelaxIr.IRModule x => ("Relax", RelaxScriptPrinter.Print(x, new RelaxPrinterOptions { TargetVersion = Target, MetadataThreshold = MigrationOptions.MetadataThreshold })),
            RelayIr.IRModule r => ("Relay", Ir.Relay.Text.RelayTextWriter.PrintModule(r)),
            _ => (module.GetType().Name, module.ToString() ?? ""),
        };
        Dump.WriteLine($"// ----- IR after {pass} ({ir}) -----");
        Dump.WriteLine(text.TrimEnd());
    }

    /// <summary>
    /// The verification every verb runs after <paramref name="pass"/> produced <paramref name="module"/>: a Relax module is
    /// well-formed (<see cref="RelaxIr.RelaxWellFormed"/>, as <c>convert</c> requires of what it re-emits), and a translated one also
    /// passes the translator's output check (<see cref="RelaxOutputCheck"/>, whose violations are translator bugs).
    /// </summary>
    public static void Verify(string pass, object module)
    {
        if (module is not RelaxIr.IRModule x) return;
        if (pass == PipelinePasses.Translate) RelaxOutputCheck.Check(x);
        RelaxIr.RelaxWellFormed.ThrowIfInvalid(x);
    }
}
