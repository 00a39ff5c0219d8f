using System.Globalization;
using Bridge.Ir.Relax;
using Bridge.Ir.Relax.Script;
using NUnit.Framework;

namespace Bridge.Ir.Tests.Relax;

/// <summary>
/// Issue 14 item 3: large constants print as TVM's <c>script(show_meta=True)</c> does: <c>metadata["relax.expr.Constant"][i]</c>
/// references and a leading <c>metadata = tvm.ir.load_json("""…""")</c> section holding a save_json Map of the constants; the reader
/// reads it back to the same module.
/// </summary>
public class RelaxMetadataTests
{
    private static string Simple(int n)
    {
        var values = string.Join(", ", Enumerable.Range(0, n).Select(i => (i * 0.5 - 3).ToString("0.0", CultureInfo.InvariantCulture)));
        return $$"""
            # from tvm.script import ir as I
            # from tvm.script import relax as R

            @I.ir_module
            class Module:
                @R.function
                def main(x: R.Tensor(({{n}},), dtype="float32")) -> R.Tensor(({{n}},), dtype="float32"):
                    lv: R.Tensor(({{n}},), dtype="float32") = R.add(x, R.const([{{values}}], "float32"))
                    lv1: R.Tensor(({{n}},), dtype="float32") = R.multiply(lv, R.const([{{values}}], "float32"))
                    return lv1
            """;
    }

    [TestCase("main")]
    [TestCase("0.19")]
    [TestCase("0.24")]
    public void Large_constants_go_to_the_metadata_section_and_read_back(string version)
    {
        var v = RelaxVersion.Parse(version);
        var m = RelaxScriptReader.Parse(Simple(1500), "big.py");
        var printed = RelaxScriptPrinter.Print(m, new RelaxPrinterOptions { TargetVersion = v, MetadataThreshold = 1024 });
        Assert.That(printed, Does.StartWith("metadata = tvm.ir.load_json(\"\"\"{"));
        Assert.That(printed, Does.Contain("R.add(x, metadata[\"relax.expr.Constant\"][0])"));
        Assert.That(printed, Does.Contain("R.multiply(lv, metadata[\"relax.expr.Constant\"][1])"));
        Assert.That(printed, Does.Not.Contain("R.const(["));
        Assert.That(printed, Does.Contain("\\\"relax.expr.Constant\\\""), "quotes inside the Python string are escaped as TVM prints them");
        var back = RelaxScriptReader.Parse(printed, "big_meta.py", new RelaxReaderOptions { SourceVersion = v });
        Assert.That(RelaxStructuralEqual.Modules(m, back), Is.True);
        // Printing the re-read module again gives the same text (fixed point).
        Assert.That(RelaxScriptPrinter.Print(back, new RelaxPrinterOptions { TargetVersion = v, MetadataThreshold = 1024 }), Is.EqualTo(printed));
    }

    [Test]
    public void Small_constants_and_inline_mode_stay_inline()
    {
        var m = RelaxScriptReader.Parse(Simple(8), "small.py");
        Assert.That(RelaxScriptPrinter.Print(m, new RelaxPrinterOptions { MetadataThreshold = 1024 }), Does.Not.Contain("metadata"));
        var big = RelaxScriptReader.Parse(Simple(1500), "big.py");
        Assert.That(RelaxScriptPrinter.Print(big, new RelaxPrinterOptions()), Does.Not.Contain("metadata").And.Contain("R.const(["));
    }

    [Test]
    public void A_metadata_reference_without_a_section_is_a_located_diagnostic()
    {
        var text = Simple(8).Replace("R.const([-3.0, -2.5, -2.0, -1.5, -1.0, -0.5, 0.0, 0.5], \"float32\")", "metadata[\"relax.expr.Constant\"][0]", StringComparison.Ordinal);
        Assert.That(text, Does.Contain("metadata[\"relax.expr.Constant\"][0]"));
        var ex = Assert.Throws<Core.Diagnostics.BridgeException>(() => RelaxScriptReader.Parse(text, "nometa.py"))!;
        Assert.That(ex.Diagnostic.Message, Does.Contain("no metadata section"));
        Assert.That(ex.Diagnostic.Loc.ToString(), Does.Contain("nometa.py"));
    }
}
