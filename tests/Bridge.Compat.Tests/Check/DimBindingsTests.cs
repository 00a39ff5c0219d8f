using Bridge.Compat.Check;
using Bridge.Compat.Inputs;

namespace Bridge.Compat.Tests.Check;

/// <summary>Symbolic dims take their sizes from --dim, the inputs given, the model's window hints, or the documented defaults.</summary>
public sealed class DimBindingsTests
{
    private static readonly InputSpec[] s_two =
    [
        new("a", DataType.Float32, [InputDim.Named("batch"), InputDim.Fixed(4)]),
        new("b", DataType.Float32, [InputDim.Named("batch"), InputDim.Fixed(4)]),
    ];

    private static Tensor Zeros(params long[] shape) => Tensor.Zeros(DataType.Float32, shape);

    [Test]
    public void A_named_dim_takes_the_size_of_the_input_given_and_the_generated_input_follows()
    {
        var given = new Dictionary<string, Tensor> { ["a"] = Zeros(3, 4) };
        var dims = DimBindings.Resolve(s_two, given, "in.npz", new Dictionary<string, long>());
        var batch = dims.All.Single();
        Assert.That((batch.Name, batch.Value, batch.Source), Is.EqualTo(("batch", 3L, DimSource.Input)));
        var gen = dims.Generate(s_two, given, 0);
        Assert.That(gen.Keys, Is.EquivalentTo(new[] { "b" }));
        Assert.That(gen["b"].Shape, Is.EqualTo(new long[] { 3, 4 }));
    }

    [Test]
    public void Two_inputs_binding_one_dim_to_different_sizes_is_an_error_naming_both()
    {
        var given = new Dictionary<string, Tensor> { ["a"] = Zeros(2, 4), ["b"] = Zeros(5, 4) };
        var ex = Assert.Throws<BridgeException>(() => DimBindings.Resolve(s_two, given, "in.npz", new Dictionary<string, long>()))!;
        Assert.That(ex.Diagnostic.Id, Is.EqualTo(CompatDiagnosticIds.InputMismatch));
        Assert.That(ex.Diagnostic.Message, Does.Contain("input a").And.Contain("input b").And.Contain("size 2").And.Contain("size 5").And.Contain("batch"));
        Assert.That(ex.Diagnostic.Loc, Is.EqualTo(new SourceLoc.Text("in.npz", 1, 1)));
    }

    [Test]
    public void Dim_option_wins_and_an_input_contradicting_it_is_an_error()
    {
        var dims = DimBindings.Resolve(s_two, null, null, new Dictionary<string, long> { ["batch"] = 7 });
        Assert.That(dims.Values["batch"], Is.EqualTo(7));
        Assert.That(dims.All.Single().Source, Is.EqualTo(DimSource.Option));
        var ex = Assert.Throws<BridgeException>(() => DimBindings.Resolve(s_two, new Dictionary<string, Tensor> { ["a"] = Zeros(2, 4) }, "in.npz",
            new Dictionary<string, long> { ["batch"] = 7 }))!;
        Assert.That(ex.Diagnostic.Message, Does.Contain("--dim batch=7").And.Contain("input a"));
    }

    [Test]
    public void An_unknown_dim_name_or_a_fixed_dim_mismatch_is_an_error()
    {
        var ex = Assert.Throws<BridgeException>(() => DimBindings.Resolve(s_two, null, null, new Dictionary<string, long> { ["batchh"] = 2 }))!;
        Assert.That(ex.Diagnostic.Message, Does.Contain("batchh").And.Contain("known: batch"));
        var fixedEx = Assert.Throws<BridgeException>(() => DimBindings.Resolve(s_two, new Dictionary<string, Tensor> { ["a"] = Zeros(2, 5) }, null,
            new Dictionary<string, long>()))!;
        Assert.That(fixedEx.Diagnostic.Message, Does.Contain("axis 1").And.Contain("fixed at 4"));
        var rankEx = Assert.Throws<BridgeException>(() => DimBindings.Resolve(s_two, new Dictionary<string, Tensor> { ["a"] = Zeros(2) }, null,
            new Dictionary<string, long>()))!;
        Assert.That(rankEx.Diagnostic.Message, Does.Contain("rank 1").And.Contain("rank 2"));
    }

    [TestCase("batch", 2)]
    [TestCase("batch_size", 2)]
    [TestCase("N", 2)]
    [TestCase("sequence_length", 16)]
    [TestCase("seq", 16)]
    [TestCase("num_tokens", 16)]
    [TestCase("height", 32)]
    [TestCase("W", 32)]
    [TestCase("num_boxes", 2)]
    public void Defaults_follow_the_documented_name_rule_and_are_larger_than_one(string name, long expected)
    {
        Assert.That(DimDefaults.ForName(name).Value, Is.EqualTo(expected));
        Assert.That(expected, Is.GreaterThan(1));
    }

    [Test]
    public void Anonymous_dims_are_keyed_by_input_and_axis_and_default_to_two_then_sixteen()
    {
        InputSpec[] specs = [new("x", DataType.Float32, [InputDim.Anonymous, InputDim.Anonymous, InputDim.Fixed(3)])];
        var dims = DimBindings.Resolve(specs, null, null, new Dictionary<string, long>());
        Assert.That(dims.Values, Is.EquivalentTo(new Dictionary<string, long> { ["x:0"] = 2, ["x:1"] = 16 }));
        Assert.That(dims.ShapeOf(specs[0]), Is.EqualTo(new long[] { 2, 16, 3 }));
        var q = DimBindings.Resolve(specs, null, null, new Dictionary<string, long> { ["?"] = 5, ["x:1"] = 7 });
        Assert.That(q.ShapeOf(specs[0]), Is.EqualTo(new long[] { 5, 7, 3 }));
    }

    [Test]
    public void A_chain_of_strided_windows_raises_the_default_to_the_smallest_size_it_accepts()
    {
        // x [batch, 2, h, ?] -> Conv k3 s2 -> Relu -> Conv k3 s2 -> MaxPool k5: 5 -> (5-1)*2+3 = 11 -> (11-1)*2+3 = 23.
        var model = LoadedModel.Load(CheckModels.Path("windows"));
        var dims = ModelChecker.ResolveDims(model, new CheckOptions());
        var byName = dims.All.ToDictionary(b => b.Name);
        Assert.That((byName["x:3"].Value, byName["x:3"].Source), Is.EqualTo((23L, DimSource.ModelHint)), byName["x:3"].ToString());
        Assert.That(byName["x:3"].Detail, Does.Contain("MaxPool"));
        Assert.That((byName["h"].Value, byName["h"].Source), Is.EqualTo((32L, DimSource.Default)), "the spatial default (32) already fits the windows");
        Assert.That(byName["batch"].Value, Is.EqualTo(2));
        // The defaults fit: every path runs and agrees with ONNX Runtime on the generated [2, 2, 32, 23] input.
        var r = ModelChecker.Check(model.Path);
        Assert.That(r.Paths.Where(p => !p.Ok).Select(p => $"{p.Name}: {p.Error}"), Is.Empty);
        Assert.That(r.Agree, Is.True);
    }

    [Test]
    public void Check_binds_batch_from_the_inputs_given_without_any_dim_option()
    {
        var given = new Dictionary<string, Tensor> { ["a"] = RandomInputs.Generate(DataType.Float32, [3, 4], 0, 1, 11) };
        var r = ModelChecker.Check(CheckModels.Path("two_inputs"), new CheckOptions { Inputs = given, InputsOrigin = "in.npz" });
        Assert.That(r.Paths.Where(p => !p.Ok).Select(p => $"{p.Name}: {p.Error}"), Is.Empty);
        Assert.That(r.Paths.Select(p => p.Outputs![0].Tensor.Shape[0]), Is.All.EqualTo(3));
        Assert.That(r.GeneratedInputs, Is.EqualTo(new[] { "b" }));
        Assert.That(r.Agree, Is.True);
    }
}
