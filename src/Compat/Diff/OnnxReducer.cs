using Bridge.Compat.Check;
using Bridge.Core.Files;
using Bridge.Core.IO;
using Bridge.Importers.Onnx;
using Bridge.Importers.Onnx.Proto;
using Google.Protobuf;

namespace Bridge.Compat.Diff;

/// <summary>What <see cref="OnnxReducer"/> produced.</summary>
public sealed record ReduceResult(string ModelPath, string InputsPath, ImmutableArray<string> Nodes, ImmutableArray<string> Outputs,
    string Symptom, int OriginalNodes, int Evaluations, CheckReport Final);

/// <summary>
/// <c>bridge reduce</c> for ONNX (after Polygraphy's <c>debug reduce</c>): shrinks a model on which two paths of <c>check</c>
/// disagree, or a path fails, to a small subgraph that still shows the same symptom. Values cut out of the model become graph
/// inputs fed with ONNX Runtime's values (every intermediate marked, <see cref="OnnxIntermediates"/>), so each candidate sees the
/// same numbers the whole model computed there. Steps: (1) bisect the end of a prefix of the topological order whose frontier
/// (values used later, and graph outputs) still shows the symptom; (2) with that last node's outputs as the only outputs, bisect
/// the start; (3) try dropping each remaining node (its outputs become fed inputs), keeping every drop that still shows it. A
/// candidate "shows the symptom" when one of the originally disagreeing pairs still disagrees or one of the originally failing
/// paths still fails. The result is a standalone model (weights inline) plus its inputs <c>.npz</c>.
/// </summary>
public static class OnnxReducer
{
    public static ReduceResult Reduce(string path, IReadOnlyDictionary<string, Tensor> feeds, CheckOptions options, string outDir)
    {
        var loaded = LoadedModel.Load(path, options.Load);
        if (loaded.Kind != ModelKind.Onnx)
            throw new BridgeException(DiffDiagnosticIds.UnsupportedForDiff, new SourceLoc.Text(path, 1, 1), "reduce works on ONNX models (Relay text is not supported yet)");
        var check = options with { FindDivergence = false };
        var full = ModelChecker.Check(path, check with { Inputs = feeds });
        var symptom = Symptom.Of(full);
        if (symptom.IsEmpty)
            throw new BridgeException(DiffDiagnosticIds.NothingToReduce, new SourceLoc.Text(path, 1, 1), "every path runs and all agree on these inputs: nothing to reduce");
        var reference = new Dictionary<string, Tensor>(feeds, StringComparer.Ordinal);
        foreach (var (k, v) in OnnxIntermediates.RunAll(path, feeds)) reference[k] = v;
        var proto = OnnxIntermediates.ReadProto(path);
        var builder = new SubgraphBuilder(proto, loaded.Onnx.Graph, reference);
        var n = proto.Graph.Node.Count;
        var tmp = Directory.CreateTempSubdirectory("bridge-reduce-").FullName;
        var evaluations = 0;
        try
        {
            bool Shows(IReadOnlyList<int> nodes, IReadOnlyList<string> outputs) => Evaluate(nodes, outputs)?.Shows ?? false;
            (bool Shows, CheckReport Report)? Evaluate(IReadOnlyList<int> nodes, IReadOnlyList<string> outputs)
            {
                if (builder.Build(nodes, outputs) is not { } sub) return null;
                evaluations++;
                var file = Path.Combine(tmp, $"candidate{evaluations}.onnx");
                // Every input of a candidate is fed (reference values), so its dims bind from the feeds, not from --dim.
                File.WriteAllBytes(file, sub.Model.ToByteArray());
                var r = ModelChecker.Check(file, check with { Inputs = sub.Feeds, Load = check.Load with { MetaPath = null, ParamsPath = null, Dims = System.Collections.Immutable.ImmutableDictionary<string, long>.Empty } });
                return (symptom.Matches(r), r);
            }
            // (1) The shortest prefix whose frontier still shows it (the whole model does).
            int lo = 0, hi = n - 1;
            while (lo < hi)
            {
                var mid = (lo + hi) / 2;
                if (Shows(Range(0, mid), builder.Frontier(0, mid))) hi = mid; else lo = mid + 1;
            }
            var end = hi;
            var outputs = builder.OutputsOf(end);
            // (2) The latest start that still shows it at the last node's outputs; else keep the prefix and its frontier.
            var start = 0;
            if (Shows(Range(0, end), outputs))
            {
                lo = 0; hi = end;
                while (lo < hi)
                {
                    var mid = (lo + hi + 1) / 2;
                    if (Shows(Range(mid, end), outputs)) lo = mid; else hi = mid - 1;
                }
                start = lo;
            }
            else outputs = builder.Frontier(0, end);
            // (3) Node by node, latest first (a node's inputs are then already fed from the reference).
            var kept = Range(start, end).ToList();
            for (var i = kept.Count - 2; i >= 0; i--)
            {
                var without = kept.Where((_, j) => j != i).ToList();
                if (Shows(without, outputs)) kept = without;
            }
            var final = builder.Build(kept, outputs) ?? throw new BridgeInternalError("reduce: the kept subgraph cannot be rebuilt");
            var finalReport = Evaluate(kept, outputs)!.Value.Report;
            Directory.CreateDirectory(outDir);
            var stem = Path.GetFileNameWithoutExtension(path) + ".reduced";
            var modelOut = Path.Combine(outDir, stem + ".onnx");
            var inputsOut = Path.Combine(outDir, stem + ".inputs.npz");
            AtomicFile.WriteAllBytes(modelOut, final.Model.ToByteArray());
            NpzFile.Write(inputsOut, final.Feeds.Select(kv => (kv.Key, kv.Value)));
            return new ReduceResult(modelOut, inputsOut, [.. kept.Select(builder.NodeName)], [.. outputs], symptom.ToString(), n, evaluations, finalReport);
        }
        finally
        {
            try { Directory.Delete(tmp, true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    private static List<int> Range(int from, int to) => [.. Enumerable.Range(from, to - from + 1)];

    /// <summary>The disagreeing pairs and failing paths of a check.</summary>
    private sealed record Symptom(ImmutableHashSet<string> Pairs, ImmutableHashSet<string> Failed)
    {
        public bool IsEmpty => Pairs.IsEmpty && Failed.IsEmpty;

        public static Symptom Of(CheckReport r) => new(
            [.. r.Diffs.Where(d => !d.Result.Passed).Select(d => $"{d.Actual} vs {d.Reference}")],
            [.. r.Paths.Where(p => !p.Ok).Select(p => $"{p.Name} fails ({p.Error!.Id})")]);

        public bool Matches(CheckReport r)
        {
            var now = Of(r);
            return now.Pairs.Overlaps(Pairs) || now.Failed.Overlaps(Failed);
        }

        public override string ToString() => string.Join("; ", Pairs.Concat(Failed).Order(StringComparer.Ordinal));
    }
}
