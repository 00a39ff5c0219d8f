using Bridge.Core.Files;
using Bridge.Translators.RelayToRelax;

namespace Bridge.Compat.Check;

/// <summary>Diagnostics of telling weights from inputs (6680–6689 of the compat range).</summary>
public static class WeightDiagnosticIds
{
    /// <summary>A weight has no value and <c>--random-weights</c> was not given.</summary>
    public static readonly DiagnosticId WeightWithoutValue = new(6680, "WeightWithoutValue");
    /// <summary>An <c>--inputs</c> key names no input or parameter of the entry function.</summary>
    public static readonly DiagnosticId UnknownInputName = new(6681, "UnknownInputName");
}

/// <summary>
/// The rule that tells weights from inputs, so that no weight is ever filled with random values silently:
/// <list type="bullet">
/// <item>Relay: the constants of the meta table (<c>meta[relay.Constant][i]</c>, inline <c>#[metadata]</c> or <c>--meta</c>) are
/// weights, and so are entry parameters whose name is in the <c>.params</c> file (<c>--params</c>, or <c>MODEL.params</c> beside
/// the model).</item>
/// <item>Relax: the entry parameters after <c>num_input</c> (TVM's keep_params_in_input) are weights; their values come from
/// <c>--params</c> or the <c>MODEL.params</c> that <c>bridge convert</c> writes beside the output. Parameters named in the
/// <c>.params</c> file are weights too.</item>
/// <item>ONNX: initializers are weights (they are in the model).</item>
/// </list>
/// Everything else is an input and may be generated. A weight without a value is an error unless <see cref="LoadOptions.RandomWeights"/>.
/// </summary>
public static class WeightRules
{
    /// <summary><c>X.params</c> next to the model <c>X.*</c> (what <c>bridge convert</c> writes), or null.</summary>
    public static string? SidecarParams(string modelPath)
    {
        var p = Path.ChangeExtension(Path.GetFullPath(modelPath), ".params");
        return File.Exists(p) && !string.Equals(p, Path.GetFullPath(modelPath), StringComparison.Ordinal) ? p : null;
    }

    /// <summary>The weights file for <paramref name="modelPath"/>: <c>--params</c>, else the sidecar.</summary>
    public static string? ParamsFor(string modelPath, LoadOptions o) => o.ParamsPath ?? SidecarParams(modelPath);

    /// <summary>The refusal for a weight without a value.</summary>
    public static BridgeException NoValue(SourceLoc loc, string what, string model) =>
        new(WeightDiagnosticIds.WeightWithoutValue, loc,
            $"{what} is a weight with no value in {model}: pass --params (or --meta) with its value, or --random-weights to fill weights with seeded random values");

    /// <summary>
    /// Weights of a Relax entry function (parameters after <c>num_input</c>) missing from <paramref name="given"/>: an error, or with
    /// <paramref name="random"/> seeded random values (added to the returned dictionary).
    /// </summary>
    public static Dictionary<string, Tensor> CompleteRelaxWeights(Ir.Relax.IRModule module, string path, IReadOnlyDictionary<string, Tensor> given,
        bool random, ulong seed, out int generated)
    {
        var all = new Dictionary<string, Tensor>(given, StringComparer.Ordinal);
        generated = 0;
        var fns = module.Functions.ToList();
        var name = module.Find("main")?.Function is not null ? "main" : fns.Count == 1 ? fns[0].Var.Name : null;
        if (name is null || module.Find(name)?.Function is not { } entry) return all;
        var weights = MigrationPipeline.WeightParams(module, name).ToHashSet(StringComparer.Ordinal);
        var i = 0;
        foreach (var p in entry.Params)
        {
            i++;
            if (!weights.Contains(p.Name) || all.ContainsKey(p.Name)) continue;
            if (!random) throw NoValue(p.Loc, $"parameter {p.Name} (after num_input)", path);
            if (p.Info is not Ir.Relax.TensorSInfo { DType: { } dt, Shape: { } shape } || !shape.All(d => d.IsConst()))
                throw new BridgeException(WeightDiagnosticIds.WeightWithoutValue, p.Loc, $"weight {p.Name} has no value and no static tensor shape to generate one");
            all[p.Name] = LoadedModel.RandomConstant(dt, [.. shape.Select(d => d.AsConst!.Value)], seed, 10_000 + i);
            generated++;
        }
        return all;
    }

    /// <summary>The names in <paramref name="feeds"/> that were generated: neither given nor weights.</summary>
    public static IEnumerable<string> Generated(LoadedModel model, IReadOnlyDictionary<string, Tensor> feeds, IReadOnlyDictionary<string, Tensor>? given) =>
        feeds.Keys.Where(k => given?.ContainsKey(k) != true && !model.Params.ContainsKey(k));

    /// <summary>Every <c>--inputs</c> key must name an input or parameter of the entry function (ONNX: a graph input or initializer).</summary>
    public static void CheckInputNames(LoadedModel model, IEnumerable<string> keys, string source, string entry = "main")
    {
        entry = model.ResolveEntry(entry);
        IEnumerable<string>? names = model.Kind switch
        {
            ModelKind.RelayText => model.Relay?.Lookup(entry)?.Params.Select(p => p.Name),
            ModelKind.RelaxScript => model.Relax?.Find(entry)?.Function?.Params.Select(p => p.Name),
            ModelKind.Onnx => model.Onnx.Graph.Inputs.Select(i => i.Name).Concat(model.Onnx.Graph.Initializers.Keys),
            _ => null,
        };
        if (names is null) return;
        var known = names.ToHashSet(StringComparer.Ordinal);
        var unknown = keys.Where(k => !known.Contains(k)).ToList();
        if (unknown.Count > 0)
            throw new BridgeException(WeightDiagnosticIds.UnknownInputName, new SourceLoc.Text(source, 1, 1),
                $"{string.Join(", ", unknown.Take(5))}{(unknown.Count > 5 ? ", …" : "")}: no input of {entry} in {model.Path} has this name " +
                $"(inputs: {string.Join(", ", known.Take(12))}{(known.Count > 12 ? ", …" : "")})");
    }
}
