using System.Text;
using Bridge.Core.Files;
using Bridge.Core.IO;

namespace Bridge.Compat.Pipeline;

/// <summary>The input formats the pipeline reads, as every verb sees them (one row of the format × verb table).</summary>
public enum InputKind
{
    /// <summary>Relay text (<c>.relay</c>, <c>.rly</c>, expression files), optionally with a meta table and <c>--params</c>.</summary>
    RelayText,
    /// <summary>Relay <c>tvm.ir.save_json</c>.</summary>
    RelayJson,
    /// <summary><c>relay.build</c>'s graph-executor JSON: lowered kernels, no Relay IR (every verb refuses it with a diagnostic).</summary>
    GraphExecutorJson,
    /// <summary>Relax TVMScript.</summary>
    RelaxScript,
    /// <summary>Relax <c>tvm.ir.save_json</c> (any era).</summary>
    RelaxJson,
    Onnx,
    TorchScript,
    /// <summary>Anything else the sniffer names (a tensor file, a meta table): refused with a diagnostic.</summary>
    Other,
}

/// <summary>
/// A model file opened once: its format sniffed once (<see cref="FormatSniffer"/>) and, for the text formats, its text read once.
/// Every verb starts here (<see cref="Check.LoadedModel.Load(ModelInput, Check.LoadOptions?, PipelineContext?)"/>, <c>bridge convert</c>), so a file
/// is never sniffed twice and every verb agrees on what a file is.
/// </summary>
public sealed class ModelInput
{
    private string? _text;

    private ModelInput(string path, FormatInfo info, InputKind kind) { Path = path; Info = info; Kind = kind; }

    public string Path { get; }
    public FormatInfo Info { get; }
    public ModelFormat Format => Info.Format;
    public InputKind Kind { get; }

    /// <summary>The file as UTF-8 text (text formats only), read on first use and then shared.</summary>
    public string Text => _text ??= Encoding.UTF8.GetString(AtomicFile.ReadAllBytes(Path));

    /// <summary>True for the Relay kinds (text, JSON).</summary>
    public bool IsRelay => Kind is InputKind.RelayText or InputKind.RelayJson;
    /// <summary>True for the Relax kinds (TVMScript, JSON).</summary>
    public bool IsRelax => Kind is InputKind.RelaxScript or InputKind.RelaxJson;

    /// <summary>Opens <paramref name="path"/>: a missing file or an unknown format is a located diagnostic.</summary>
    public static ModelInput Open(string path)
    {
        if (!File.Exists(path)) throw new BridgeException(CoreDiagnosticIds.FileNotFound, new SourceLoc.Text(path, 1, 1), $"no such file: {path}");
        var info = FormatSniffer.Identify(path);
        var input = new ModelInput(path, info, KindOf(info.Format));
        // A save_json graph the sniffer could not place by its header alone: Relax when it names relax nodes and no Relay function.
        return input.Kind == InputKind.RelayJson && LooksLikeRelaxJson(input.Text) ? new ModelInput(path, info, InputKind.RelaxJson) { _text = input._text } : input;
    }

    private static bool LooksLikeRelaxJson(string text) =>
        text.Contains("\"relax.", StringComparison.Ordinal) && !text.Contains("\"relay.Function\"", StringComparison.Ordinal);

    /// <summary>Opens text that is not read from a file (tests, stdin); <paramref name="path"/> only names it in diagnostics.</summary>
    public static ModelInput FromText(string text, string path)
    {
        var info = FormatSniffer.Identify(Encoding.UTF8.GetBytes(text), path);
        var kind = KindOf(info.Format);
        if (kind == InputKind.RelayJson && LooksLikeRelaxJson(text)) kind = InputKind.RelaxJson;
        return new ModelInput(path, info, kind) { _text = text };
    }

    public static InputKind KindOf(ModelFormat f) => f switch
    {
        ModelFormat.RelayText => InputKind.RelayText,
        ModelFormat.RelayJson => InputKind.RelayJson,
        ModelFormat.GraphExecutorJson => InputKind.GraphExecutorJson,
        ModelFormat.RelaxScript => InputKind.RelaxScript,
        ModelFormat.RelaxJson => InputKind.RelaxJson,
        ModelFormat.Onnx => InputKind.Onnx,
        ModelFormat.TorchScript => InputKind.TorchScript,
        _ => InputKind.Other,
    };

    /// <summary>What a user calls the kind in messages.</summary>
    public static string Describe(InputKind k) => k switch
    {
        InputKind.RelayText => "a Relay text model",
        InputKind.RelayJson => "a Relay JSON (save_json) model",
        InputKind.GraphExecutorJson => "a graph-executor JSON",
        InputKind.RelaxScript => "a Relax TVMScript model",
        InputKind.RelaxJson => "a Relax JSON (save_json) model",
        InputKind.Onnx => "an ONNX model",
        InputKind.TorchScript => "a TorchScript archive",
        _ => "not a model",
    };

    /// <summary>The diagnostic for a format a verb does not take.</summary>
    public BridgeException Unsupported(string verb) => new(PipelineDiagnosticIds.UnsupportedInput, new SourceLoc.Text(Path, 1, 1), Kind switch
    {
        InputKind.GraphExecutorJson => $"{Path} is a graph-executor JSON: it holds lowered kernels, not Relay IR; {verb} the Relay module it was built from (text or save_json)",
        _ => $"{Path} is {Format}{(Info.Reason is { } r ? $" ({r})" : "")}; {verb} takes Relay text/JSON, Relax TVMScript/JSON, ONNX or TorchScript",
    });
}
