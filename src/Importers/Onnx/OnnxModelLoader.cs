using Bridge.Core.Limits;
using Bridge.Importers.Onnx.Proto;
using Google.Protobuf;

namespace Bridge.Importers.Onnx;

/// <summary>
/// Reads an ONNX model file into an <see cref="OnnxModel"/>: parses the protobuf (classes generated from Onnx/Proto/onnx.proto),
/// resolves external data, decodes initializers into Core tensors, inlines model-local functions, builds subgraphs with
/// their outer scope, and checks names and topological order. Every problem is a <see cref="BridgeException"/> with an ID in
/// 5000–5299 and a graph-node location; the loader never lets another exception escape for bad input.
/// </summary>
public static partial class OnnxModelLoader
{
    /// <summary>ai.onnx opsets Bridge supports.</summary>
    public const int MinAiOnnxOpset = 7, MaxAiOnnxOpset = 21;

    /// <summary>Loads and validates <paramref name="path"/>.</summary>
    public static OnnxModel Load(string path, OnnxLoadOptions? options = null)
    {
        options ??= OnnxLoadOptions.Default;
        ModelProto proto;
        try
        {
            var loc = new SourceLoc.GraphNode(path, "", "", "model");
            // Opened as the CLI opens a model (ConfinedFile.OpenRegular): a FIFO, device or directory is refused before and after a
            // non-blocking open, so a library caller can never hang on one either; the size is the opened file's.
            // Parsed from a buffered stream rather than one whole-file array: the weights are copied once, into the arrays
            // the tensors then adopt, instead of twice.
            using var stream = ConfinedFile.OpenRegular(path, path, loc);
            if (stream.Length > int.MaxValue) throw Err(OnnxDiagnosticIds.BadProtobuf, path, "", "", "model", $"model file is {stream.Length} bytes; protobuf files over 2 GiB are invalid (use external data)");
            proto = Parse(() => ModelProto.Parser.ParseFrom(stream), path);
        }
        catch (IOException e) { throw Err(OnnxDiagnosticIds.FileUnreadable, path, "", "", "model", $"cannot read: {e.Message}"); }
        catch (UnauthorizedAccessException e) { throw Err(OnnxDiagnosticIds.FileUnreadable, path, "", "", "model", $"cannot read: {e.Message}"); }
        return Read(proto, path, options);
    }

    /// <summary>Loads a model from bytes; <paramref name="path"/> names it in diagnostics and anchors external data.</summary>
    public static OnnxModel Load(byte[] bytes, string path, OnnxLoadOptions? options = null)
    {
        options ??= OnnxLoadOptions.Default;
        return Read(Parse(() => ModelProto.Parser.ParseFrom(bytes), path), path, options);
    }

    private static ModelProto Parse(Func<ModelProto> parse, string path)
    {
        try
        {
            return parse();
        }
        catch (Exception e) when (e is InvalidProtocolBufferException or ArgumentException or OverflowException or InvalidOperationException)
        {
            throw Err(OnnxDiagnosticIds.BadProtobuf, path, "", "", "model", $"not a valid ONNX protobuf: {e.Message}");
        }
    }

    private static OnnxModel Read(ModelProto proto, string path, OnnxLoadOptions options)
    {
        try
        {
            return new Reader(path, proto, options).Read();
        }
        catch (InsufficientExecutionStackException)
        {
            throw Err(OnnxDiagnosticIds.BadProtobuf, path, "", "", "model", "graph nesting too deep");
        }
    }

    internal static BridgeException Err(Core.Diagnostics.DiagnosticId id, string path, string graph, string node, string opType, string message) =>
        new(id, new SourceLoc.GraphNode(path, graph, node, opType), message);
}
