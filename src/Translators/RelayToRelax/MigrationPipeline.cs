using System.Diagnostics;
using System.Globalization;
using System.Text;
using Bridge.Core.Files;
using Bridge.Core.IO;
using Bridge.Ir.Relax.Script;
using Relax = Bridge.Ir.Relax;
using Relay = Bridge.Ir.Relay;

namespace Bridge.Translators.RelayToRelax;

/// <summary>What <see cref="MigrationPipeline.Run(MigrationOptions)"/> reads and how it emits.</summary>
public sealed record MigrationOptions
{
    /// <summary>The model file (Relay text or save_json; a Relax TVMScript/JSON file is re-emitted for <see cref="TvmVersion"/>).</summary>
    public string InputPath { get; init; } = "";
    /// <summary>The model text, when it is not read from <see cref="InputPath"/> (then only used for locations).</summary>
    public string? InputText { get; init; }
    /// <summary><c>--params</c>: weights by parameter name (.params, .npz, .npy).</summary>
    public string? ParamsPath { get; init; }
    /// <summary><c>--meta</c>: external meta table (<c>*.consts.json</c> types, or .npz/.params values keyed relay.Constant.i).</summary>
    public string? MetaPath { get; init; }
    /// <summary><c>--shape x=n,3,h,w</c> (see <see cref="TranslatorOptions.Shapes"/>; the CLI parses it with <c>Bridge.Compat.Pipeline.ShapeArgs</c>, whose <c>InputShapes</c> is this dictionary).</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Shapes { get; init; } = new Dictionary<string, IReadOnlyList<string>>();
    /// <summary><c>--bind-params</c>.</summary>
    public bool BindParams { get; init; }
    /// <summary><c>--tvm-version</c>: TVMScript dialect of the output (portable, 0.19 … 0.26, main); null = portable.</summary>
    public string? TvmVersion { get; init; }
    /// <summary><see cref="TvmVersion"/> already parsed (the CLI's pipeline context parses it once); null = parse <see cref="TvmVersion"/>.</summary>
    public RelaxVersion? Target { get; init; }
    /// <summary><c>--format</c>: tvmscript or json (save_json of the target version's era).</summary>
    public string Format { get; init; } = "tvmscript";
    /// <summary><c>--relay-version</c>: TVM version that printed the Relay input (defaults that changed, e.g. batch_matmul).</summary>
    public string? RelayVersion { get; init; }
    public string EntryName { get; init; } = "main";
    /// <summary>
    /// <c>--keep-params-in-input</c>: valued <c>meta[relay.Constant]</c> weights of the entry function become parameters after the
    /// inputs (<c>num_input</c>) and their values go to <see cref="MigrationResult.Weights"/>; by default they are inlined.
    /// </summary>
    public bool KeepParamsInInput { get; init; }
    /// <summary><c>--inline-constants</c>: every tensor constant as <c>R.const([...])</c> instead of TVM's metadata section for large ones.</summary>
    public bool InlineConstants { get; init; }
    /// <summary><c>--hide-inferable-types</c>: TVM's <c>show_all_struct_info=False</c> (<see cref="RelaxPrinterOptions.ShowAllStructInfo"/>).</summary>
    public bool HideInferableTypes { get; init; }

    /// <summary>Tensor constants with more elements print as <c>metadata["relax.expr.Constant"][i]</c> unless <see cref="InlineConstants"/>.</summary>
    public const long MetadataThreshold = 1024;

    /// <summary>The printer options of a TVMScript output for <paramref name="target"/>.</summary>
    public RelaxPrinterOptions PrinterOptions(RelaxVersion target) =>
        new() { TargetVersion = target, MetadataThreshold = InlineConstants ? null : MetadataThreshold, ShowAllStructInfo = !HideInferableTypes };
}

/// <summary>The one-line summary of a migration.</summary>
public sealed record MigrationSummary(int Functions, IReadOnlyDictionary<string, int> OpsByKind, IReadOnlyList<string> SymbolicVars,
    int MatchCasts, int LiftedConstants, TimeSpan Elapsed)
{
    /// <summary>Total op calls translated.</summary>
    public int OpCount => OpsByKind.Values.Sum();

    /// <summary><c>3 functions, 120 ops (nn.conv2d×53, add×20, …), 2 symbolic vars (n, h), 1 match_cast, 41.2 ms</c>.</summary>
    public string OneLine()
    {
        var ops = string.Join(", ", OpsByKind.OrderByDescending(k => k.Value).ThenBy(k => k.Key, StringComparer.Ordinal).Select(k => $"{k.Key}×{k.Value}"));
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"{Functions} function{(Functions == 1 ? "" : "s")}, {OpCount} op{(OpCount == 1 ? "" : "s")}");
        if (ops.Length > 0) sb.Append(" (").Append(ops).Append(')');
        sb.Append(CultureInfo.InvariantCulture, $", {SymbolicVars.Count} symbolic var{(SymbolicVars.Count == 1 ? "" : "s")}");
        if (SymbolicVars.Count > 0) sb.Append(" (").Append(string.Join(", ", SymbolicVars)).Append(')');
        sb.Append(CultureInfo.InvariantCulture, $", {MatchCasts} match_cast{(MatchCasts == 1 ? "" : "s")}");
        if (LiftedConstants > 0) sb.Append(CultureInfo.InvariantCulture, $", {LiftedConstants} constants as parameters");
        sb.Append(CultureInfo.InvariantCulture, $", {Elapsed.TotalMilliseconds:0.0} ms");
        return sb.ToString();
    }
}

/// <summary>The result of a migration: the Relax module, its printed text, the summary and non-fatal diagnostics.</summary>
public sealed class MigrationResult(Relax.IRModule module, string text, MigrationSummary summary, IReadOnlyList<Diagnostic> diagnostics, Relay.IRModule? relay)
{
    public Relax.IRModule RelaxModule { get; } = module;
    /// <summary>The output in the requested format and TVM version.</summary>
    public string Text { get; } = text;
    public MigrationSummary Summary { get; } = summary;
    public IReadOnlyList<Diagnostic> Diagnostics { get; } = diagnostics;
    /// <summary>The type-checked Relay input (null when the input was Relax TVMScript).</summary>
    public Relay.IRModule? RelayModule { get; } = relay;
    /// <summary>
    /// Values of entry parameters that are weights, by Relax parameter name (lifted constants, <c>--params</c> values left as
    /// parameters). <c>bridge convert</c> writes them to a .params file beside the output, where run/check find them.
    /// </summary>
    public IReadOnlyDictionary<string, Tensor> Weights { get; init; } = new Dictionary<string, Tensor>();
    /// <summary>Entry parameters that are weights without any value (constants of a types-only meta table).</summary>
    public IReadOnlyList<string> WeightsWithoutValues { get; init; } = [];
}

/// <summary>
/// Read → bind → infer → translate → well-formedness check → print, for <c>bridge convert</c>, <c>check</c>, <c>zoo</c> and
/// <c>bench</c>. Every failure is a <see cref="BridgeException"/> with a located diagnostic; nothing is written here.
/// </summary>
public static class MigrationPipeline
{
    /// <summary>Reads the model named by <paramref name="o"/> and migrates it.</summary>
    public static MigrationResult Run(MigrationOptions o)
    {
        var sw = Stopwatch.StartNew();
        var target = TargetVersion(o);
        CheckFormat(o);
        byte[] data = o.InputText is { } txt ? Encoding.UTF8.GetBytes(txt) : AtomicFile.ReadAllBytes(o.InputPath);
        var info = FormatSniffer.Identify(data, o.InputPath);
        var text = o.InputText ?? Encoding.UTF8.GetString(data);
        switch (info.Format)
        {
            case ModelFormat.RelayText:
                var meta = o.MetaPath is { } mp ? LoadMeta(mp) : null;
                var module = ReadRelayText(text, o.InputPath, new Ir.Relay.Text.RelayTextOptions { ExternalMeta = meta, RelayVersion = o.RelayVersion });
                return Run(module, o, sw);
            case ModelFormat.RelaxScript:
            case ModelFormat.RelayJson when LooksLikeRelaxJson(text):
            {
                // A Relax input (TVMScript or save_json of any era) is re-emitted for another TVM version (portable by default).
                var m = Ir.Relax.RelaxConvert.Read(text, o.InputPath);
                var outText = Ir.Relax.RelaxConvert.Reemit(text, o.InputPath, o.TvmVersion ?? "portable", o.Format, o.InlineConstants ? null : MigrationOptions.MetadataThreshold, !o.HideInferableTypes);
                var summary = new MigrationSummary(m.Functions.Count(), new Dictionary<string, int>(), [], 0, 0, sw.Elapsed);
                return new MigrationResult(m, outText, summary, [], null);
            }
            case ModelFormat.RelayJson:
                return Run(Ir.Relay.Json.RelayJsonReader.ReadModule(text, o.InputPath), o, sw);
            case ModelFormat.GraphExecutorJson:
                throw new BridgeException(RelayToRelaxDiagnosticIds.UnsupportedFormat, new SourceLoc.Text(o.InputPath, 1, 1),
                    "a graph-executor JSON holds lowered kernels, not Relay IR; convert the Relay module it was built from (text or save_json)");
            default:
                throw new BridgeException(RelayToRelaxDiagnosticIds.UnsupportedFormat, new SourceLoc.Text(o.InputPath, 1, 1),
                    $"{o.InputPath} is {info.Format}; bridge convert takes Relay text (or Relax TVMScript to re-emit)");
        }
    }

    /// <summary>Migrates an already parsed Relay module (type inference is run here).</summary>
    public static MigrationResult Run(Relay.IRModule module, MigrationOptions o) => Run(module, o, Stopwatch.StartNew());

    private static MigrationResult Run(Relay.IRModule module, MigrationOptions o, Stopwatch sw)
    {
        var target = TargetVersion(o);
        CheckFormat(o);
        var unsupported = RelayToRelaxTranslator.FindUnsupported(module);
        if (unsupported.Count > 0) throw RelayToRelaxTranslator.UnsupportedList(unsupported);
        Relay.RelayTypeInference.InferModule(module);
        var ps = o.ParamsPath is { } pp ? TensorFiles.Load(pp).ToDictionary(p => p.Name, p => p.Tensor, StringComparer.Ordinal) : new Dictionary<string, Tensor>();
        if (o.BindParams && o.ParamsPath is not null && module.Lookup(o.EntryName) is { } entry)
        {
            var names = entry.Params.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
            var unknown = ps.Keys.Where(k => !names.Contains(k)).ToList();
            if (unknown.Count == ps.Count && ps.Count > 0)
                throw new BridgeException(RelayToRelaxDiagnosticIds.MissingConstant, new SourceLoc.Text(o.ParamsPath, 1, 1),
                    $"none of the {ps.Count} --params names ({string.Join(", ", unknown.Take(5))}…) is a parameter of @{o.EntryName}");
        }
        var (relax, stats) = RelayToRelaxTranslator.Translate(module, new TranslatorOptions
        {
            SourcePath = o.InputPath,
            Shapes = o.Shapes,
            BindParams = o.BindParams,
            Params = ps,
            RelayVersion = o.RelayVersion,
            EntryName = o.EntryName,
            LiftMetaConstants = o.KeepParamsInInput,
        });
        RelaxOutputCheck.Check(relax);
        Ir.Relax.RelaxWellFormed.ThrowIfInvalid(relax);
        var text = o.Format == "json" ? Ir.Relax.Json.RelaxJsonWriter.Write(relax, target) : RelaxScriptPrinter.Print(relax, o.PrinterOptions(target));
        sw.Stop();
        var summary = new MigrationSummary(stats.Functions, stats.OpsByKind, stats.SymbolicVars, stats.MatchCasts, stats.LiftedConstants, sw.Elapsed);
        return new MigrationResult(relax, text, summary, [], module)
        {
            Weights = stats.WeightValues,
            WeightsWithoutValues = WeightParams(relax, o.EntryName).Where(n => !stats.WeightValues.ContainsKey(n)).ToList(),
        };
    }

    /// <summary>
    /// The entry parameters that are weights: those after <c>num_input</c> (TVM's keep_params_in_input convention), none when the
    /// function has no such attribute. The rule run/check use to tell weights from inputs of a Relax model.
    /// </summary>
    public static IEnumerable<string> WeightParams(Relax.IRModule module, string entry = "main")
    {
        if (module.Find(entry)?.Function is not { } f) return [];
        var n = f.Attrs.FirstOrDefault(a => a.Key == "num_input").Value;
        var k = n is IConvertible c and not string ? Convert.ToInt32(c, CultureInfo.InvariantCulture) : f.Params.Length;
        return f.Params.Skip(k).Select(p => p.Name);
    }

    private static RelaxVersion TargetVersion(MigrationOptions o) => o.Target ?? (o.TvmVersion is { } v ? RelaxVersion.Parse(v) : RelaxVersion.Portable);

    private static bool LooksLikeRelaxJson(string text) =>
        text.Contains("\"relax.", StringComparison.Ordinal) && !text.Contains("\"relay.Function\"", StringComparison.Ordinal);

    private static void CheckFormat(MigrationOptions o)
    {
        if (o.Format is "tvmscript" or "json") return;
        throw new BridgeException(RelayToRelaxDiagnosticIds.BadOption, SourceLoc.Unknown.Instance, $"--format {o.Format}: expected tvmscript or json");
    }

    /// <summary>
    /// Parses Relay text as a module, or (files holding one <c>fn (...)</c> expression with optional <c>free_var</c>s) as an
    /// expression that becomes <c>@main</c>.
    /// </summary>
    public static Relay.IRModule ReadRelayText(string text, string path, Ir.Relay.Text.RelayTextOptions options)
    {
        if (!LooksLikeExpression(text)) return Ir.Relay.Text.RelayTextReader.ParseModule(text, path, options);
        var e = Ir.Relay.Text.RelayTextReader.ParseExpr(text, path, options);
        var fn = e as Relay.Function ?? new Relay.Function([.. FreeVars(e)], e, null, [], Relay.DictAttrs.Empty, e.Loc);
        var m = new Relay.IRModule { Meta = options.ExternalMeta };
        m.Add(new Relay.GlobalVar("main"), fn);
        return m;
    }

    /// <summary>
    /// True when the first token after the header, comments and attributes is not a definition keyword. Block comments may
    /// span lines and nest (as in TVM's tokenizer), so they are skipped by scanning, not line by line.
    /// </summary>
    internal static bool LooksLikeExpression(string text)
    {
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (char.IsWhiteSpace(c)) { i++; continue; }
            if (text.AsSpan(i).StartsWith("//"))
            {
                var nl = text.IndexOf('\n', i);
                i = nl < 0 ? text.Length : nl + 1;
                continue;
            }
            if (text.AsSpan(i).StartsWith("/*"))
            {
                var depth = 0;
                do
                {
                    if (text.AsSpan(i).StartsWith("/*")) { depth++; i += 2; }
                    else if (text.AsSpan(i).StartsWith("*/")) { depth--; i += 2; }
                    else i++;
                } while (depth > 0 && i < text.Length);
                continue;
            }
            if (text.AsSpan(i).StartsWith("#["))
            {
                var close = text.IndexOf(']', i);
                i = close < 0 ? text.Length : close + 1;
                continue;
            }
            if (text.AsSpan(i).StartsWith("v0.0.4")) { i += 6; continue; }
            // A module starts with a definition; anything else (fn, let, free_var, %x, a literal) is an expression.
            var word = text.AsSpan(i);
            return !(IsKeyword(word, "def") || IsKeyword(word, "type") || IsKeyword(word, "extern"));
        }
        return false;
    }

    private static bool IsKeyword(ReadOnlySpan<char> s, string kw) =>
        s.StartsWith(kw, StringComparison.Ordinal) && (s.Length == kw.Length || !(char.IsLetterOrDigit(s[kw.Length]) || s[kw.Length] == '_'));

    private static List<Relay.Var> FreeVars(Relay.Expr e)
    {
        var bound = new HashSet<Relay.Var>(ReferenceEqualityComparer.Instance);
        Relay.RelayVisit.PreOrder(e, x =>
        {
            if (x is Relay.Let l) bound.Add(l.Var);
            if (x is Relay.Function f) foreach (var p in f.Params) bound.Add(p);
        });
        var free = new List<Relay.Var>();
        Relay.RelayVisit.PreOrder(e, x => { if (x is Relay.Var v && !bound.Contains(v) && !free.Contains(v)) free.Add(v); });
        return free;
    }

    /// <summary>
    /// The meta table that goes with <paramref name="modelPath"/> when none is given: <c>X.consts.json</c> next to <c>X.relay</c>
    /// (as TVM's test menagerie ships them), or null.
    /// </summary>
    public static string? SidecarMeta(string modelPath)
    {
        var sidecar = Path.ChangeExtension(Path.GetFullPath(modelPath), ".consts.json");
        if (!File.Exists(sidecar)) return null;
        // A sidecar found by name is confined like external data: a link out of the model's folder, or a FIFO, is refused.
        using (Bridge.Core.Limits.ConfinedFile.OpenRead(Path.GetDirectoryName(sidecar)!, Path.GetFileName(sidecar), new Core.Diagnostics.SourceLoc.JsonNode(sidecar, -1))) { }
        return sidecar;
    }

    /// <summary>
    /// Reads a Relay module from text (module or expression file, as <c>bridge convert</c>) or <c>save_json</c>, identified by
    /// content, and runs type inference. Anything else is a located error naming what the file is.
    /// </summary>
    public static Relay.IRModule ReadRelay(string path, Relay.MetaTable? meta)
    {
        var data = AtomicFile.ReadAllBytes(path);
        var info = FormatSniffer.Identify(data, path);
        var text = Encoding.UTF8.GetString(data);
        var module = info.Format switch
        {
            ModelFormat.RelayText => ReadRelayText(text, path, new Ir.Relay.Text.RelayTextOptions { ExternalMeta = meta }),
            ModelFormat.RelayJson => Ir.Relay.Json.RelayJsonReader.ReadModule(text, path),
            _ => throw new BridgeException(RelayToRelaxDiagnosticIds.UnsupportedFormat, new SourceLoc.Text(path, 1, 1),
                $"{path}: expected Relay text or Relay JSON, found {info.Format}"),
        };
        Relay.RelayTypeInference.InferModule(module);
        return module;
    }

    /// <summary>Loads an external meta table: <c>*.consts.json</c> (types) or a tensor file (values keyed relay.Constant.i).</summary>
    public static Relay.MetaTable LoadMeta(string path)
    {
        var data = AtomicFile.ReadAllBytes(path);
        var info = FormatSniffer.Identify(data, path);
        if (info.Format == ModelFormat.RelayMetaTable) return Relay.MetaTable.FromConstsJsonText(Encoding.UTF8.GetString(data), path);
        if (TensorFiles.IsTensorFormat(info.Format)) return Relay.MetaTable.FromTensors(TensorFiles.Load(path));
        throw new BridgeException(RelayToRelaxDiagnosticIds.UnsupportedFormat, new SourceLoc.Text(path, 1, 1),
            $"--meta {path} is {info.Format}; expected a *.consts.json meta table or an .npz/.params file");
    }
}

/// <summary>Benchmark support for <c>bridge bench</c>: a generated 10,000-node Relay module and its translation.</summary>
public static class RelayToRelaxBench
{
    /// <summary>The parsed, type-checked chain module of <see cref="Relay.RelayBenchModules.Chain"/> (not timed).</summary>
    public static Relay.IRModule Prepare(int nodes = 10_000)
    {
        var m = Relay.RelayBenchModules.Chain(nodes);
        Relay.RelayTypeInference.InferModule(m);
        return m;
    }

    /// <summary>The timed part: translation + well-formedness check of a prepared module (no printing).</summary>
    public static Relax.IRModule Translate(Relay.IRModule prepared)
    {
        var (m, _) = RelayToRelaxTranslator.Translate(prepared, new TranslatorOptions { SourcePath = "<bench>" });
        RelaxOutputCheck.Check(m);
        return m;
    }
}
