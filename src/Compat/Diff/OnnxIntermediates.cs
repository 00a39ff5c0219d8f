using Bridge.Compat.Reference;
using Bridge.Importers.Onnx.Proto;
using Google.Protobuf;

namespace Bridge.Compat.Diff;

/// <summary>
/// ONNX Runtime with every intermediate value marked as a graph output (Polygraphy's <c>--onnx-outputs mark all</c>): the
/// model's protobuf is read, each main-graph node output that is not already a graph output is appended to the graph's outputs
/// (name only; ORT infers the type), and the modified model runs from memory. The file on disk is never changed.
/// </summary>
public static class OnnxIntermediates
{
    /// <summary>Reads <paramref name="path"/>'s protobuf (diagnostics as the loader's: the caller loaded it already).</summary>
    public static ModelProto ReadProto(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            return ModelProto.Parser.ParseFrom(stream);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidProtocolBufferException)
        {
            throw new BridgeException(DiffDiagnosticIds.UnsupportedForDiff, new SourceLoc.GraphNode(path, "", "", "model"), $"cannot read the ONNX protobuf: {e.Message}");
        }
    }

    /// <summary>A copy of <paramref name="model"/> whose main graph outputs every node output (existing outputs first, in order).</summary>
    public static ModelProto MarkAll(ModelProto model)
    {
        var copy = model.Clone();
        var g = copy.Graph;
        var present = g.Output.Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var n in g.Node)
            foreach (var o in n.Output)
                if (o.Length > 0 && present.Add(o)) g.Output.Add(new ValueInfoProto { Name = o });
        return copy;
    }

    /// <summary>
    /// Runs the model at <paramref name="path"/> with every intermediate marked; returns every tensor value by name (graph
    /// outputs and intermediates; sequence/map values are left out). External data is resolved next to the original file.
    /// </summary>
    public static IReadOnlyDictionary<string, Tensor> RunAll(string path, IReadOnlyDictionary<string, Tensor> inputs)
    {
        var marked = MarkAll(ReadProto(path));
        // External-data locations are relative to the model's folder; ORT resolves them against the working directory for an
        // in-memory model, so point each at the absolute file.
        var dir = Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".";
        foreach (var init in marked.Graph.Initializer)
            foreach (var kv in init.ExternalData)
                if (kv.Key == "location" && !Path.IsPathRooted(kv.Value)) kv.Value = Path.Combine(dir, kv.Value);
        using var ort = new OnnxRuntimeReference(marked.ToByteArray(), path);
        return ort.Run(inputs, ort.TensorOutputNames);
    }
}
