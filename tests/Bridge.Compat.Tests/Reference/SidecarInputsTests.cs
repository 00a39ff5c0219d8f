using System.Collections.Immutable;
using Bridge.Compat.Inputs;
using Bridge.Core.Diagnostics;
using Bridge.Core.Tensors;

namespace Bridge.Compat.Tests.Reference;

/// <summary>Dynamic dims bound from given feeds (the zoo's sibling NAME.inputs.npz, the real corpus's generated inputs).</summary>
public class SidecarInputsTests
{
    private static InputSpec Spec(string name, params InputDim[] dims) => new(name, DataType.Float32, [.. dims]);

    private static Dictionary<string, Tensor> Feeds(params (string Name, long[] Shape)[] feeds) =>
        feeds.ToDictionary(f => f.Name, f => Tensor.Zeros(DataType.Float32, f.Shape), StringComparer.Ordinal);

    [Test]
    public void NamedDimsTakeTheSizesOfTheFeedsAndStaticDimsAreNotBound()
    {
        var specs = new[] { Spec("input", InputDim.Named("batch"), InputDim.Named("sequence")), Spec("state", InputDim.Fixed(2), InputDim.Named("batch"), InputDim.Fixed(128)) };
        var dims = SidecarInputs.BindDims("f.npz", specs, Feeds(("input", [3, 512]), ("state", [2, 3, 128])));
        Assert.That(dims, Is.EquivalentTo(new Dictionary<string, long> { ["batch"] = 3, ["sequence"] = 512 }));
    }

    [Test]
    public void AnonymousDimsGetTheirCommonSizeOnlyWhenTheyAgree()
    {
        var specs = new[] { Spec("x", InputDim.Anonymous, InputDim.Anonymous) };
        Assert.That(SidecarInputs.BindDims("f.npz", specs, Feeds(("x", [4, 4]))), Does.ContainKey("?").WithValue(4));
        Assert.That(SidecarInputs.BindDims("f.npz", specs, Feeds(("x", [2, 512]))), Does.Not.ContainKey("?"));
    }

    [Test]
    public void ADimBoundToTwoSizesIsAnErrorNamingBothInputs()
    {
        var specs = new[] { Spec("a", InputDim.Named("n")), Spec("b", InputDim.Named("n")) };
        var ex = Assert.Throws<BridgeException>(() => SidecarInputs.BindDims("f.npz", specs, Feeds(("a", [2]), ("b", [3]))));
        Assert.That(ex!.Diagnostic.Id, Is.EqualTo(CompatDiagnosticIds.UnresolvedDim));
        Assert.That(ex.Diagnostic.Message, Does.Contain("'a'").And.Contain("'b'").And.Contain("2").And.Contain("3"));
    }

    [Test]
    public void AModelWithoutASiblingFileHasNoSidecar()
    {
        Assert.That(SidecarInputs.ForModel(Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N") + ".onnx"), ImmutableArray<InputSpec>.Empty), Is.Null);
    }
}
