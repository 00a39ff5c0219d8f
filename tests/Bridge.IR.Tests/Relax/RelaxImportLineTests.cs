using Bridge.Ir.Relax;
using Bridge.Ir.Relax.Script;

namespace Bridge.Ir.Tests.Relax;

public class RelaxImportLineTests
{
    private const string Body = """
        @I.ir_module
        class Module:
            @R.function
            def main(x: R.Tensor((2, 3), dtype="float32")) -> R.Tensor((2, 3), dtype="float32"):
                with R.dataflow():
                    lv = R.add(x, x)
                    R.output(lv)
                return lv
        """;

    [Test]
    public void Saved_Python_Files_With_Import_Lines_Parse_Like_Printer_Output()
    {
        var withImports = "import tvm\nfrom tvm.script import ir as I\nfrom tvm.script import relax as R\n\n" + Body;
        var printed = "# from tvm.script import ir as I\n# from tvm.script import relax as R\n\n" + Body;
        var a = RelaxScriptReader.Parse(withImports, "a.py");
        var b = RelaxScriptReader.Parse(printed, "b.py");
        Assert.That(RelaxStructuralEqual.Modules(a, b), Is.True);
    }

    [Test]
    public void A_Broken_Line_After_An_Import_Still_Reports_Its_Position()
    {
        var ex = Assert.Throws<Core.Diagnostics.BridgeException>(() =>
            RelaxScriptReader.Parse("from tvm.script import relax as R\n@R.function\ndef main(x: R.Tensor((2,), \"float32\")) -> :\n    return x\n", "c.py"));
        Assert.That(ex!.Diagnostic.Loc, Is.TypeOf<Core.Diagnostics.SourceLoc.Text>());
        Assert.That(((Core.Diagnostics.SourceLoc.Text)ex.Diagnostic.Loc).Line, Is.EqualTo(3));
    }
}
