using System.CommandLine;
using System.Globalization;
using Bridge.Core.Files;
using Bridge.Core.IO;
using Spectre.Console;

namespace Bridge.Cli;

/// <summary>What an inspect handler gets: the file, what the sniffer found, and where to write (the bytes are read on demand).</summary>
public sealed record InspectRequest(string Path, FormatInfo Info, CliContext Context, bool Rich)
{
    private byte[]? _data;

    /// <summary>The whole file (read once, on first use; identification itself reads only what it needs).</summary>
    public byte[] Data => _data ??= AtomicFile.ReadAllBytes(Path);
}

/// <summary>
/// The extension point of <c>bridge inspect</c>: one handler per <see cref="ModelFormat"/>. Core registers the tensor-file
/// handler; later components (Relay/Relax readers, ONNX, TorchScript) replace the default "format + facts" output for their
/// format with <see cref="Register"/> (e.g. from a static constructor or module initializer of the CLI helper that owns it).
/// A handler returns the exit code.
/// </summary>
public static class InspectHandlers
{
    private static readonly Dictionary<ModelFormat, Func<InspectRequest, int>> s_handlers = new()
    {
        [ModelFormat.Npy] = InspectCommand.TensorFile,
        [ModelFormat.Npz] = InspectCommand.TensorFile,
        [ModelFormat.TvmParams] = InspectCommand.TensorFile,
    };
    private static readonly Lock s_lock = new();

    /// <summary>Sets the handler for <paramref name="format"/> (the last registration wins).</summary>
    public static void Register(ModelFormat format, Func<InspectRequest, int> handler)
    {
        lock (s_lock) s_handlers[format] = handler;
    }

    internal static Func<InspectRequest, int> For(ModelFormat format)
    {
        lock (s_lock) return s_handlers.TryGetValue(format, out var h) ? h : InspectCommand.Facts;
    }
}

/// <summary><c>bridge inspect FILE</c>: names the format of any input by content and prints what it holds.</summary>
public static class InspectCommand
{
    /// <summary>Display names, one per format (tests and other verbs use the same words).</summary>
    public static string DisplayName(ModelFormat f) => f switch
    {
        ModelFormat.Onnx => "ONNX model (protobuf)",
        ModelFormat.TorchScript => "TorchScript archive (zip)",
        ModelFormat.RelayText => "Relay text",
        ModelFormat.RelayJson => "Relay JSON (save_json)",
        ModelFormat.GraphExecutorJson => "graph-executor JSON",
        ModelFormat.RelaxScript => "Relax TVMScript",
        ModelFormat.RelaxJson => "Relax JSON (save_json)",
        ModelFormat.TvmParams => "TVM params (save_param_dict)",
        ModelFormat.Npy => "NumPy .npy",
        ModelFormat.Npz => "NumPy .npz",
        ModelFormat.RelayMetaTable => "Relay meta table (constants sidecar JSON)",
        _ => "unknown",
    };

    public static Command Create(CliContext ctx)
    {
        var file = new Argument<string>("FILE") { Description = "the file to identify (by content, not extension)" };
        var cmd = new Command("inspect", "Identify a model or tensor file by its content and print what it holds.") { file };
        cmd.SetAction(parse => Run(ctx, parse.GetValue(file)!));
        return cmd;
    }

    /// <summary>Runs the verb; exit 0, or 2 with one diagnostic line for unreadable or unrecognised input.</summary>
    public static int Run(CliContext ctx, string path) => ctx.Guard(() =>
    {
        if (Directory.Exists(path))
            throw new BridgeException(CoreDiagnosticIds.BadArgument, SourceLoc.Unknown.Instance, $"{path} is a directory, not a file");
        var info = FormatSniffer.Identify(path);
        var rich = ReferenceEquals(ctx.Out, Console.Out) && !Console.IsOutputRedirected;
        return InspectHandlers.For(info.Format)(new InspectRequest(path, info, ctx, rich));
    });

    internal static int Facts(InspectRequest r)
    {
        var o = r.Context.Out;
        o.WriteLine($"{r.Path}: {DisplayName(r.Info.Format)}");
        foreach (var (k, v) in r.Info.Facts) o.WriteLine($"  {k}: {v}");
        return ExitCodes.Ok;
    }

    internal static int TensorFile(InspectRequest r)
    {
        var arrays = r.Info.Format switch
        {
            ModelFormat.Npy => [(System.IO.Path.GetFileNameWithoutExtension(r.Path), NpyFile.Read(r.Data, r.Path))],
            ModelFormat.Npz => NpzFile.Read(r.Data, r.Path),
            _ => ParamsFile.Read(r.Data, r.Path),
        };
        var o = r.Context.Out;
        long bytes = arrays.Sum(a => (long)a.Tensor.ByteLength);
        o.WriteLine($"{r.Path}: {DisplayName(r.Info.Format)}, {arrays.Count} tensor(s), {bytes.ToString(CultureInfo.InvariantCulture)} bytes");
        if (r.Rich)
        {
            var table = new Table().AddColumn("name").AddColumn("dtype").AddColumn("shape");
            foreach (var (name, t) in arrays) table.AddRow(Markup.Escape(name), t.DType.ToString(), Core.Tensors.Tensor.FormatShape(t.Shape));
            AnsiConsole.Write(table);
        }
        else
        {
            var w = Math.Max(4, arrays.Count == 0 ? 4 : arrays.Max(a => a.Name.Length));
            o.WriteLine($"  {"name".PadRight(w)}  {"dtype",-8}  shape");
            foreach (var (name, t) in arrays)
                o.WriteLine($"  {name.PadRight(w)}  {t.DType,-8}  {Core.Tensors.Tensor.FormatShape(t.Shape)}");
        }
        return ExitCodes.Ok;
    }
}
