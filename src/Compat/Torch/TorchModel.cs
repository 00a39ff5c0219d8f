using System.Diagnostics;
using Bridge.Compat.Check;
using Bridge.Importers.TorchScript;
using Bridge.Translators.Torch;

namespace Bridge.Compat.Torch;

/// <summary>
/// A TorchScript archive as the run/check/zoo/bench verbs see it: the archive (read by Bridge's own reader, no Python), its forward's
/// input shapes (<c>--shape x=1,3,224,224</c>, or the corpus's sibling <c>STEM.inputs.npz</c>), and the canonical aten graph with
/// its Relay and Relax translations, each built on first use so that one failing path does not hide the other.
/// </summary>
public sealed class TorchModel
{
    private TorchGraph? _graph;
    private Ir.Relay.IRModule? _relay;
    private Translators.Onnx.OnnxImportResult<Ir.Relax.IRModule>? _relax;

    private TorchModel(TorchScriptArchive archive, ImmutableArray<TorchInput> inputs, IReadOnlyDictionary<string, Tensor>? siblingFeeds)
    {
        Archive = archive;
        Inputs = inputs;
        SiblingFeeds = siblingFeeds;
    }

    public TorchScriptArchive Archive { get; }
    public string Path => Archive.Path;
    public ImmutableArray<TorchInput> Inputs { get; }
    /// <summary>The sibling <c>STEM.inputs.npz</c> (by forward input name), when the archive has one: the default feeds.</summary>
    public IReadOnlyDictionary<string, Tensor>? SiblingFeeds { get; }
    /// <summary>Seconds spent building the aten graph (partial evaluation + ONNX-form load).</summary>
    public double GraphSeconds { get; private set; }

    /// <summary>Opens <paramref name="path"/> and resolves its input shapes from <paramref name="shapes"/> (<c>--shape</c> entries).</summary>
    public static TorchModel Open(string path, IEnumerable<string> shapes)
    {
        var archive = TorchScriptArchive.Open(path);
        var names = TorchImport.InputNames(archive);
        var sib = TorchImport.SiblingInputs(path);
        Dictionary<string, Tensor>? feeds = null;
        if (sib is not null)
        {
            // by name, or in order when the corpus named them differently (input/x)
            feeds = new(StringComparer.Ordinal);
            var vals = sib.ToList();
            var required = TorchImport.RequiredInputCount(archive);
            var byOrder = !sib.Keys.Any(names.Contains) && vals.Count >= required && vals.Count <= names.Length;
            for (var i = 0; i < names.Length; i++)
                if (sib.TryGetValue(names[i], out var t)) feeds[names[i]] = t;
                else if (byOrder && i < vals.Count) feeds[names[i]] = vals[i].Value;
            if (feeds.Count < required || feeds.Count != sib.Count) feeds = null;
        }
        var inputs = TorchImport.ResolveInputs(archive, shapes, feeds);
        if (feeds is not null && !inputs.All(i => Fits(i, feeds[i.Name]))) feeds = null; // --shape chose other shapes
        return new TorchModel(archive, inputs, feeds);
    }

    public TorchGraph Graph
    {
        get
        {
            if (_graph is null)
            {
                var sw = Stopwatch.StartNew();
                _graph = TorchImport.ToGraph(Archive, Inputs);
                GraphSeconds = sw.Elapsed.TotalSeconds;
            }
            return _graph;
        }
    }

    public Ir.Relay.IRModule Relay => _relay ??= TorchImport.ToRelay(Graph).Module;

    public Ir.Relax.IRModule Relax
    {
        get
        {
            _relax ??= TorchImport.ToRelax(Graph);
            Translators.RelayToRelax.RelaxOutputCheck.Check(_relax.Module);
            return _relax.Module;
        }
    }

    /// <summary>Input specs for feed generation: static dims as translated, symbolic dims by name.</summary>
    public IEnumerable<Bridge.Compat.Inputs.InputSpec> Specs => Inputs.Select(i => new Bridge.Compat.Inputs.InputSpec(i.Name, i.DType,
        [.. i.Shape.Select((d, axis) => i.DimName(axis) is { } n ? Bridge.Compat.Inputs.InputDim.Named(n) : Bridge.Compat.Inputs.InputDim.Fixed(d))]));

    /// <summary>True when <paramref name="t"/> has the rank and static dims the input was translated for (symbolic dims take any size).</summary>
    public static bool Fits(TorchInput input, Tensor t) =>
        t.Shape.Length == input.Shape.Length && input.Shape.Select((d, axis) => input.DimName(axis) is not null || d == t.Shape[axis]).All(b => b);

    private static string Translated(TorchInput i) => "[" + string.Join(", ", i.Shape.Select((d, axis) => i.DimName(axis) ?? d.ToString(System.Globalization.CultureInfo.InvariantCulture))) + "]";

    /// <summary>Runs the Relay or the Relax translation on the reference interpreter.</summary>
    public IReadOnlyList<(string Name, Tensor Tensor)> Run(string path, IReadOnlyDictionary<string, Tensor> feeds, CancellationToken ct)
    {
        var specs = Specs.ToList();
        foreach (var s in specs)
            if (!feeds.TryGetValue(s.Name, out var t))
                throw new BridgeException(TorchDiagnosticIds.MissingInputShape, new SourceLoc.Text(Path, 1, 1), $"no value for input {s.Name}");
            else if (!Fits(Inputs.First(i => i.Name == s.Name), t))
                throw new BridgeException(TorchDiagnosticIds.MissingInputShape, new SourceLoc.Text(Path, 1, 1),
                    $"input {s.Name} is {Tensor.FormatShape(t.Shape)} but the archive was translated for {Translated(Inputs.First(i => i.Name == s.Name))}; give --shape {s.Name}={string.Join(",", t.Shape)}");
        var sizes = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var i in Inputs)
            for (var axis = 0; axis < i.Shape.Length; axis++)
                if (i.DimName(axis) is { } n && feeds.TryGetValue(i.Name, out var f) && sizes.TryGetValue(n, out var prev) && prev != f.Shape[axis])
                    throw new BridgeException(TorchDiagnosticIds.MissingInputShape, new SourceLoc.Text(Path, 1, 1),
                        $"symbolic dim {n} is {prev} in one input and {f.Shape[axis]} in {i.Name}");
                else if (i.DimName(axis) is { } n2 && feeds.TryGetValue(i.Name, out var f2)) sizes[n2] = f2.Shape[axis];
        return path switch
        {
            "relay" => ModelChecker.RunOnnxRelay(Relay, specs, feeds, "main", ct),
            "relax" => ModelChecker.RunOnnxRelax(Relax, _relax!.Params, specs, feeds, "main", ct),
            _ => throw new ArgumentOutOfRangeException(nameof(path), path, "relay or relax"),
        };
    }

    /// <summary>Runs the archive in PyTorch itself (<see cref="TorchReference"/>): only on request (<c>--reference torch</c>, <c>--path torch</c>).</summary>
    public IReadOnlyList<(string Name, Tensor Tensor)> RunTorch(IReadOnlyDictionary<string, Tensor> feeds, CancellationToken ct) =>
        TorchReference.Run(Path, [.. Inputs.Select(i => i.Name)], feeds, ct);

    /// <summary>torch's own outputs for <paramref name="feeds"/>, when they are the sibling inputs and the corpus saved the outputs.</summary>
    public IReadOnlyList<(string Name, Tensor Tensor)>? SavedTorchOutputs(IReadOnlyDictionary<string, Tensor> feeds)
    {
        if (SiblingFeeds is null) return null;
        foreach (var (k, v) in SiblingFeeds)
            if (!feeds.TryGetValue(k, out var f) || !ReferenceEquals(f, v) && !f.Bytes.SequenceEqual(v.Bytes)) return null;
        return TorchImport.SiblingOutputs(Path);
    }
}
