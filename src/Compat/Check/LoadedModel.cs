using Bridge.Compat.Inputs;
using Bridge.Compat.Pipeline;
using Bridge.Core.Files;
using Bridge.Ir.Relay;
using Bridge.Ir.Relay.Text;
using RelaxIr = Bridge.Ir.Relax;

namespace Bridge.Compat.Check;

/// <summary>What kind of model a file holds, as far as running it goes.</summary>
/// <remarks><see cref="RelayText"/> covers Relay JSON too, <see cref="RelaxScript"/> Relax JSON too (they run the same paths).</remarks>
public enum ModelKind { RelayText, RelaxScript, Onnx, TorchScript }

/// <summary>Options for loading a model and making its inputs.</summary>
public sealed record LoadOptions
{
    /// <summary>External meta table (consts.json types-only, or npz/params with values). Default: the sibling <c>X.consts.json</c>.</summary>
    public string? MetaPath { get; init; }
    /// <summary>Parameter values (npz or TVM params) for entry params of the same name.</summary>
    public string? ParamsPath { get; init; }
    /// <summary>Seed of random inputs and of random values for constants that have only a type.</summary>
    public ulong Seed { get; init; }
    /// <summary>Sizes of named symbolic dims (<c>--shape n=4</c>); <c>?</c> sets the size of anonymous (Relay Any) dims.</summary>
    public IReadOnlyDictionary<string, long> Dims { get; init; } = ImmutableDictionary<string, long>.Empty;
    /// <summary><c>--random-weights</c>: weights without a value get seeded random values instead of an error (<see cref="WeightRules"/>).</summary>
    public bool RandomWeights { get; init; }
    /// <summary>The raw <c>--shape</c> entries: TorchScript archives take input shapes from them (<c>x=1,3,224,224</c>).</summary>
    public IReadOnlyList<string> Shapes { get; init; } = [];
}

/// <summary>
/// A model ready to run: its IR, the values that fill types-only constants, and its input signature. Constants of a
/// types-only meta table get seeded random values (<see cref="RandomConstant"/>) so every path sees the same weights.
/// </summary>
public sealed class LoadedModel
{
    private LoadedModel(string path, ModelKind kind) { Path = path; Kind = kind; }

    public string Path { get; }
    public ModelKind Kind { get; }
    public IRModule? Relay { get; private init; }
    public RelaxIr.IRModule? Relax { get; private init; }
    /// <summary>Values of entry parameters that are weights (from <c>--params</c>), by name.</summary>
    public IReadOnlyDictionary<string, Tensor> Params { get; private init; } = ImmutableDictionary<string, Tensor>.Empty;
    /// <summary>How many constants got random values because the meta table gave only their type.</summary>
    public int RandomConstants { get; private init; }
    /// <summary>The <c>--params</c> file the weights came from, if any.</summary>
    public string? ParamsPath { get; private init; }
    /// <summary>A TorchScript archive with its input shapes and aten graph (<see cref="ModelKind.TorchScript"/>).</summary>
    public Bridge.Compat.Torch.TorchModel? Torch { get; private init; }

    private ImmutableArray<InputSpec>? _onnxInputs;
    private Importers.Onnx.OnnxModel? _onnx;

    /// <summary>
    /// An ONNX model as Bridge's loader reads it, loaded on first use and then shared: the Relay and Relax translations and the
    /// random-output analysis of one check all read the same graph instead of decoding the file (and its weights) again.
    /// </summary>
    public Importers.Onnx.OnnxModel Onnx => _onnx ??= Kind == ModelKind.Onnx
        ? Importers.Onnx.OnnxModelLoader.Load(Path) : throw new InvalidOperationException($"{Path} is not an ONNX model");

    /// <summary>
    /// An ONNX model's input signature (<see cref="ModelChecker.OnnxInputSpecs"/>), read once: it costs an ONNX Runtime session,
    /// and input generation, import options and the paths all need it.
    /// </summary>
    public ImmutableArray<InputSpec> OnnxInputs => _onnxInputs ??= Kind == ModelKind.Onnx
        ? ModelChecker.OnnxInputSpecs(this) : throw new InvalidOperationException($"{Path} is not an ONNX model");

    /// <summary>Loads a Relay text/JSON, Relax TVMScript/JSON, ONNX or TorchScript file (<see cref="Load(ModelInput, LoadOptions?, PipelineContext?)"/>).</summary>
    public static LoadedModel Load(string path, LoadOptions? options = null) => Load(ModelInput.Open(path), options);

    /// <summary>
    /// Loads an opened (sniffed once) model: the <see cref="PipelinePasses.Parse"/> pass (and, for Relay,
    /// <see cref="PipelinePasses.InferTypes"/>), each followed by the context's verification and <c>--print-after</c>.
    /// </summary>
    public static LoadedModel Load(ModelInput input, LoadOptions? options = null, PipelineContext? context = null)
    {
        options ??= new LoadOptions();
        context ??= PipelineContext.Default();
        var path = input.Path;
        var paramsPath = WeightRules.ParamsFor(path, options);
        var pars = paramsPath is { } pp ? TensorFiles.Load(pp).ToDictionary(p => p.Name, p => p.Tensor, StringComparer.Ordinal) : [];
        switch (input.Kind)
        {
            case InputKind.RelayText:
            case InputKind.RelayJson:
                {
                    var (meta, randomCount) = input.Kind == InputKind.RelayText ? LoadMeta(path, options) : (null, 0);
                    var module = input.Kind == InputKind.RelayText
                        ? Bridge.Translators.RelayToRelax.MigrationPipeline.ReadRelayText(input.Text, path, new RelayTextOptions { ExternalMeta = meta })
                        : Bridge.Ir.Relay.Json.RelayJsonReader.ReadModule(input.Text, path);
                    context.AfterPass(PipelinePasses.Parse, module);
                    RelayTypeInference.InferModule(module);
                    context.AfterPass(PipelinePasses.InferTypes, module);
                    return new LoadedModel(path, ModelKind.RelayText) { Relay = module, Params = pars, RandomConstants = randomCount, ParamsPath = paramsPath };
                }
            case InputKind.RelaxScript:
            case InputKind.RelaxJson:
                {
                    var relax = RelaxIr.RelaxConvert.Read(input.Text, path);
                    context.AfterPass(PipelinePasses.Parse, relax);
                    var weights = WeightRules.CompleteRelaxWeights(relax, path, pars, options.RandomWeights, options.Seed, out var generated);
                    return new LoadedModel(path, ModelKind.RelaxScript) { Relax = relax, Params = weights, RandomConstants = generated, ParamsPath = paramsPath };
                }
            case InputKind.Onnx:
                return new LoadedModel(path, ModelKind.Onnx) { Params = pars };
            case InputKind.TorchScript:
                return new LoadedModel(path, ModelKind.TorchScript) { Torch = Bridge.Compat.Torch.TorchModel.Open(path, options.Shapes) };
            default:
                throw input.Unsupported(context.Verb);
        }
    }

    /// <summary>The meta table: explicit, or the sibling consts.json; types-only constants filled with seeded random values.</summary>
    private static (MetaTable? Meta, int Random) LoadMeta(string path, LoadOptions o)
    {
        var metaPath = o.MetaPath ?? Bridge.Translators.RelayToRelax.MigrationPipeline.SidecarMeta(path);
        if (metaPath is null) return (null, 0);
        var src = Bridge.Translators.RelayToRelax.MigrationPipeline.LoadMeta(metaPath);
        var filled = new MetaTable();
        var n = 0;
        foreach (var (key, list) in src.Entries)
            for (var i = 0; i < list.Count; i++)
            {
                if (list[i] is Constant { Value: null } c && c.Type.Shape.All(d => d.IsConst()))
                {
                    if (!o.RandomWeights) throw WeightRules.NoValue(c.Loc, $"meta[{key}][{i}] ({c.Type})", metaPath);
                    var shape = c.Type.Shape.Select(d => d.AsConst!.Value).ToArray();
                    filled.Add(key, new Constant(RandomConstant(c.Type.DType, shape, o.Seed, i)) { MetaIndex = i });
                    n++;
                }
                else filled.Add(key, list[i]);
            }
        return (filled, n);
    }

    /// <summary>
    /// A seeded random value for a constant known only by type, scaled so deep networks stay finite: rank ≥ 2 (weights) uniform in
    /// ±1/√fan_in (fan_in = product of all dims but the first), rank ≤ 1 (biases, norm parameters, variances) uniform in
    /// [0.5, 1.5) — positive, so a variance is valid; integers 0 or 1 (safe as indices).
    /// </summary>
    public static Tensor RandomConstant(DataType dtype, long[] shape, ulong seed, int index)
    {
        var state = seed * 0x9E3779B97F4A7C15UL ^ (ulong)(index + 1) * 0xD1B54A32D192ED03UL;
        if (!dtype.IsFloat) return Bridge.Compat.Inputs.RandomInputs.Generate(dtype, shape, 0, 1, state);
        if (shape.Length >= 2)
        {
            double fanIn = 1;
            for (var i = 1; i < shape.Length; i++) fanIn *= shape[i];
            var s = 1 / Math.Sqrt(Math.Max(fanIn, 1));
            return Bridge.Compat.Inputs.RandomInputs.Generate(dtype, shape, -s, s, state);
        }
        return Bridge.Compat.Inputs.RandomInputs.Generate(dtype, shape, 0.5, 1.5, state);
    }

    /// <summary>
    /// The function to run for <paramref name="entry"/>: itself, or, when the default <c>main</c> is asked for and the module
    /// has no <c>main</c> but exactly one function (TVM test fixtures such as <c>def @example(...)</c>), that function.
    /// </summary>
    public string ResolveEntry(string entry)
    {
        if (entry != "main") return entry;
        if (Relay is { } m && m.Lookup("main") is null && m.Functions.Count == 1) return m.Functions[0].Var.Name;
        if (Relax is { } x && x.Find("main") is null && x.Functions.Count(f => f.Function is not null) == 1) return x.Functions.First(f => f.Function is not null).Var.Name;
        return entry;
    }

    /// <summary>The entry function's inputs (weights given by <see cref="Params"/> excluded), with symbolic dims named.</summary>
    public IReadOnlyList<InputSpec> Inputs(string entry = "main")
    {
        entry = ResolveEntry(entry);
        var r = new List<InputSpec>();
        if (Relay?.Lookup(entry) is { } rf)
            foreach (var p in rf.Params)
            {
                if (Params.ContainsKey(p.Name)) continue;
                if (p.TypeAnnotation is not TensorType tt)
                    throw new BridgeException(CheckDiagnosticIds.UnsupportedModel, p.Loc, $"input %{p.Name} is not a tensor ({p.TypeAnnotation?.ToString() ?? "no type"}); only tensor inputs can be generated");
                r.Add(new InputSpec(p.Name, tt.DType, [.. tt.Shape.Select(Dim)]));
            }
        else if (Relax?.Find(entry)?.Function is { } xf)
            foreach (var p in xf.Params)
            {
                if (Params.ContainsKey(p.Name)) continue;
                if (p.Info is not RelaxIr.TensorSInfo ts || ts.Shape is null || ts.DType is null)
                    throw new BridgeException(CheckDiagnosticIds.UnsupportedModel, p.Loc, $"input {p.Name} has no static tensor struct info; only tensor inputs with known rank and dtype can be generated");
                r.Add(new InputSpec(p.Name, ts.DType.Value, [.. ts.Shape.Value.Select(Dim)]));
            }
        else if (Torch is not null)
            r.AddRange(Torch.Specs);
        else if (Kind != ModelKind.Onnx)
            throw new BridgeException(Backends.Reference.InterpDiagnosticIds.NoEntry, new SourceLoc.Text(Path, 1, 1), $"{Path} has no function {entry}");
        return r;
    }

    private static InputDim Dim(SymExpr e) =>
        e.IsConst(out var c) ? InputDim.Fixed(c) : e is SymVar { IsAny: false } v ? InputDim.Named(v.Name) : InputDim.Named("?");

    /// <summary>
    /// Seeded random inputs (floats in [0, 1), ints 0/1) plus the <c>--params</c> weights: the feeds of
    /// <see cref="ModelChecker.Prepare"/> (one rule for every verb), with no inputs given.
    /// </summary>
    public Dictionary<string, Tensor> MakeInputs(LoadOptions options, string entry = "main") =>
        ModelChecker.Prepare(this, new CheckOptions { Load = options, Entry = entry }).Feeds;
}
