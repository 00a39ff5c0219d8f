using Bridge.Compat.Inputs;
using Bridge.Core.Files;

namespace Bridge.Compat.Tests.Reference;

/// <summary>
/// A model's sibling feeds file (the zoo's NAME.inputs.npz, the real corpus's generated inputs). The dims they imply are bound by
/// DimBindings like any --inputs (DimBindingsTests).
/// </summary>
public class SidecarInputsTests
{
    [Test]
    public void AModelWithoutASiblingFileHasNoSidecar()
    {
        Assert.That(SidecarInputs.ForModel(Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N") + ".onnx")), Is.Null);
    }

    [Test]
    public void TheSiblingFileIsReadByInputName()
    {
        var dir = Directory.CreateTempSubdirectory("bridge-sidecar-").FullName;
        try
        {
            var model = Path.Combine(dir, "m.onnx");
            NpzFile.Write(SidecarInputs.PathFor(model), [("x", Tensor.Zeros(DataType.Float32, [3, 5]))]);
            var s = SidecarInputs.ForModel(model);
            Assert.That(s, Is.Not.Null);
            Assert.That(s!.File, Is.EqualTo(Path.Combine(dir, "m.inputs.npz")));
            Assert.That(s.Inputs["x"].Shape, Is.EqualTo(new long[] { 3, 5 }));
        }
        finally { Directory.Delete(dir, recursive: true); }
    }
}
