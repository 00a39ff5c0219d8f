using System.Globalization;
using Bridge.Backends.Reference;
using Bridge.Compat.Check;
using Bridge.Importers.Onnx;

namespace Bridge.Compat.Diff;

/// <summary>One source node's value compared between two paths (a point of the error-by-node curve).</summary>
public sealed record NodeError(int Index, string Node, string Op, double MaxAbs, double MaxRel, bool Passed);

/// <summary>The first source node whose value differs between two paths, with what a reader needs to judge it.</summary>
public sealed record NodeDivergence(string Reference, string Actual, string Node, string Op, string Attributes,
    IReadOnlyList<string> InputStats, CompareResult Result, ErrorStats? Stats)
{
    public override string ToString() =>
        $"{Actual} vs {Reference}: first diverging node '{Node}' ({Op}{(Attributes.Length > 0 ? $" {Attributes}" : "")}): {Result}";
}

/// <summary>The error of every compared node for one pair of paths, in source (topological) order.</summary>
public sealed record PairCurve(string Reference, string Actual, IReadOnlyList<NodeError> Points);

/// <summary>What per-node comparison found: the first divergence per pair (if any) and each pair's error-by-node curve.</summary>
public sealed class Localization
{
    public List<NodeDivergence> First { get; } = [];
    public List<PairCurve> Curves { get; } = [];
    /// <summary>Why some paths were not traced (a path that failed, a source runtime that could not mark its intermediates).</summary>
    public List<string> Notes { get; } = [];
}

/// <summary>
/// Per-node differential comparison. Each path's values are collected per source node (<see cref="Collect"/>: the last value a
/// traced interpreter produced at a location, keyed by the location's node); the source runtime's come from
/// <see cref="OnnxIntermediates"/>. Nodes are walked in the source graph's topological order and each pair's first node whose
/// first output differs (same tolerances as the outputs) is named with its op, attributes, input statistics and error figures.
/// Nodes whose values depend on a random op are not compared.
/// </summary>
public static class NodeLocalizer
{
    /// <summary>Last tensor per location key; <paramref name="key"/> maps a location to its node name (null = ignore).</summary>
    public static Dictionary<string, (string Op, Tensor Value)> Collect(Action<Action<TraceEvent>> tracedRun, Func<SourceLoc, string?> key)
    {
        var values = new Dictionary<string, (string, Tensor)>(StringComparer.Ordinal);
        tracedRun(e =>
        {
            if (key(e.Loc) is not { } k) return;
            var ts = InterpreterCommon.Flatten(e.Value);
            if (ts.Count > 0) values[k] = (e.Op, ts[0]);
        });
        return values;
    }

    /// <summary>
    /// Localises an ONNX model's divergences: ONNX Runtime with every intermediate marked, and the Relay and Relax translations run
    /// traced on the same feeds. Pairs: relay vs onnxruntime, relax vs onnxruntime, relax vs relay.
    /// </summary>
    public static Localization LocalizeOnnx(LoadedModel model, IReadOnlyDictionary<string, Tensor> inputs, CheckOptions options)
    {
        var loc = new Localization();
        var g = model.Onnx.Graph;
        string? Key(SourceLoc l) => l is SourceLoc.GraphNode n && n.Graph == g.Name && n.Node.Length > 0 ? n.Node : null;
        var paths = new List<(string Name, Func<OnnxNode, Tensor?> Value)>();
        try
        {
            var ort = OnnxIntermediates.RunAll(model.Path, inputs);
            paths.Add(("onnxruntime", n => n.Outputs.Length > 0 && ort.TryGetValue(n.Outputs[0], out var t) ? t : null));
        }
        catch (BridgeException e) { loc.Notes.Add($"onnxruntime: intermediates not available ({e.Diagnostic.Id} {e.Diagnostic.Message})"); }
        var importOptions = ModelChecker.OnnxImportOptionsFor(model.OnnxInputs, options.Load.Dims);
        Trace("relay", () =>
        {
            var m = Translators.OnnxToRelay.OnnxToRelayEmitter.Translate(model.Onnx, importOptions).Module;
            return Collect(t => ModelChecker.RunOnnxRelay(m, model.OnnxInputs, inputs, options.Entry, options.Cancellation, t), Key);
        });
        Trace("relax", () =>
        {
            var r = Translators.OnnxToRelax.OnnxToRelaxEmitter.Translate(model.Onnx, importOptions);
            return Collect(t => ModelChecker.RunOnnxRelax(r.Module, r.Params, model.OnnxInputs, inputs, options.Entry, options.Cancellation, t), Key);
        });
        var random = RandomDependent(g);
        var nodes = g.Nodes.Where(n => !random.Contains(n.Name)).ToList();
        for (var i = 0; i < paths.Count; i++)
            for (var j = i + 1; j < paths.Count; j++)
                Walk(loc, paths[i], paths[j], nodes, g, inputs, options);
        return loc;

        void Trace(string name, Func<Dictionary<string, (string Op, Tensor Value)>> collect)
        {
            try
            {
                var v = collect();
                paths.Add((name, n => v.TryGetValue(n.Name, out var x) ? x.Value : null));
            }
            catch (BridgeException e) { loc.Notes.Add($"{name}: not traced ({e.Diagnostic.Id} {e.Diagnostic.Message})"); }
        }
    }

    private static void Walk(Localization loc, (string Name, Func<OnnxNode, Tensor?> Value) reference, (string Name, Func<OnnxNode, Tensor?> Value) actual,
        List<OnnxNode> nodes, OnnxGraph g, IReadOnlyDictionary<string, Tensor> inputs, CheckOptions options)
    {
        var points = new List<NodeError>();
        NodeDivergence? first = null;
        for (var i = 0; i < nodes.Count; i++)
        {
            var n = nodes[i];
            if (reference.Value(n) is not { } e || actual.Value(n) is not { } a || !a.Shape.SequenceEqual(e.Shape)) continue;
            var tol = Tolerances.For(e.DType, reference.Name, actual.Name, options.Policy, options.Rtol, options.Atol);
            var c = TensorCompare.Compare(a, e, tol);
            points.Add(new NodeError(i, n.Name, n.OpType, c.MaxAbsError, c.MaxRelError, c.Passed));
            if (!c.Passed && first is null)
                first = new NodeDivergence(reference.Name, actual.Name, n.Name, n.OpType, Attributes(n),
                    [.. n.Inputs.Where(x => x.Length > 0).Select(x => InputStat(x, reference.Value, nodes, g, inputs))], c, ErrorStats.Of(a, e, tol));
        }
        loc.Curves.Add(new PairCurve(reference.Name, actual.Name, points));
        if (first is not null) loc.First.Add(first);
    }

    private static string Attributes(OnnxNode n) =>
        string.Join(" ", n.Attributes.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => $"{a.Key}={a.Value}"));

    /// <summary>"name: dtype[shape] min … max … mean …" of one input, as the reference path saw it (or the feed / initializer).</summary>
    private static string InputStat(string name, Func<OnnxNode, Tensor?> reference, List<OnnxNode> nodes, OnnxGraph g, IReadOnlyDictionary<string, Tensor> inputs)
    {
        var producer = nodes.FirstOrDefault(n => n.Outputs.Length > 0 && n.Outputs[0] == name);
        var t = inputs.TryGetValue(name, out var fed) ? fed : g.Initializers.TryGetValue(name, out var init) ? init : producer is null ? null : reference(producer);
        if (t is null) return $"{name}: (value not available)";
        double min = double.PositiveInfinity, max = double.NegativeInfinity, sum = 0;
        for (long i = 0; i < t.Length; i++) { var v = t.GetDouble(i); min = Math.Min(min, v); max = Math.Max(max, v); sum += v; }
        return string.Create(CultureInfo.InvariantCulture, $"{name}: {t.DType}{Tensor.FormatShape(t.Shape)} min {min:G5} max {max:G5} mean {(t.Length == 0 ? 0 : sum / t.Length):G5}");
    }

    /// <summary>Nodes that are random ops or consume (transitively) a random op's value: their values differ by construction.</summary>
    private static HashSet<string> RandomDependent(OnnxGraph g)
    {
        var tainted = new HashSet<string>(StringComparer.Ordinal);
        var nodes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var n in g.Nodes)
        {
            if (n.OpType.StartsWith("Random", StringComparison.Ordinal) || n.OpType is "Bernoulli" or "Multinomial" || n.Inputs.Any(tainted.Contains))
            {
                nodes.Add(n.Name);
                foreach (var o in n.Outputs) tainted.Add(o);
            }
        }
        return nodes;
    }
}
