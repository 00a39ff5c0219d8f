using Bridge.Compat.Pipeline;

namespace Bridge.Compat.Tests.Pipeline;

/// <summary>The one <c>--shape</c>/<c>--dim</c> grammar: each entry's form is decided by its text alone.</summary>
public class ShapeArgsTests
{
    [Test]
    public void DimSizesAndInputShapesAreToldApartByTheirText()
    {
        var a = ShapeArgs.Parse(["n=4", "x=n,3,h,w", "y=[m]", "z=[]", "img:0=2;?=3", "%w=(1, 2)"]);
        Assert.That(a.Dims, Is.EquivalentTo(new Dictionary<string, long> { ["n"] = 4, ["img:0"] = 2, ["?"] = 3 }));
        Assert.That(a.InputShapes["x"], Is.EqualTo(new[] { "n", "3", "h", "w" }));
        Assert.That(a.InputShapes["y"], Is.EqualTo(new[] { "m" }));
        Assert.That(a.InputShapes["z"], Is.Empty);
        Assert.That(a.InputShapes["w"], Is.EqualTo(new[] { "1", "2" }), "a Relay-style %name and parenthesised dims");
        Assert.That(a.Entries, Has.Count.EqualTo(7));
    }

    [Test]
    public void TheSameDimTwiceWithTheSameSizeIsOne()
    {
        Assert.That(ShapeArgs.Parse(["n=4", "n=4"]).Dims["n"], Is.EqualTo(4));
    }

    [TestCase("x", "expected NAME=SIZE")]
    [TestCase("=4", "expected NAME=SIZE")]
    [TestCase("x=", "expected NAME=SIZE")]
    [TestCase("x=n", "rank-1 input shape is written x=[n]")]
    [TestCase("n=-1", "cannot be negative")]
    [TestCase("x=1,,2", "empty dim")]
    [TestCase("x=1,2;x=3,4", "input x given twice")]
    [TestCase("n=4;n=5", "dim n given twice (4 and 5)")]
    [TestCase("?=1,2", "belongs to an input name")]
    public void MalformedEntriesAreOneDiagnostic(string entry, string message)
    {
        var e = Assert.Throws<BridgeException>(() => ShapeArgs.Parse([entry], "--dim"))!;
        Assert.That(e.Diagnostic.Id, Is.EqualTo(PipelineDiagnosticIds.BadShapeArgument));
        Assert.That(e.Diagnostic.Message, Does.StartWith("--dim '").And.Contain(message));
    }

    [Test]
    public void AFormAVerbDoesNotTakeIsRefusedNotIgnored()
    {
        var e = Assert.Throws<BridgeException>(() => ShapeArgs.Parse(["x=1,2"]).OnlyDims("run --dim", "to an ONNX model"))!;
        Assert.That(e.Diagnostic.Id, Is.EqualTo(PipelineDiagnosticIds.OptionDoesNotApply));
        var f = Assert.Throws<BridgeException>(() => ShapeArgs.Parse(["n=2"]).OnlyShapes("convert --shape", "to a Relay input"))!;
        Assert.That(f.Diagnostic.Message, Does.Contain("x=[4] for rank 1"));
        Assert.That(ShapeArgs.Parse(["x=[2,3]", "n=4"]).TorchEntries(), Is.EqualTo(new[] { "x=2,3", "n=4" }));
    }
}
