using Bridge.Ir.Relax;
using Bridge.Ir.Relax.Script;

namespace Bridge.Ir.Tests.Relax;

/// <summary>
/// Issue 14 item 6: TVM's <c>script(show_all_struct_info=False)</c> as <c>--hide-inferable-types</c>. TVM's rule
/// (<c>StructInfoAsAnn</c> in src/script/printer/relax/utils.h): a binding's annotation is left out when the struct info inferred
/// from its right-hand side (op call through FInferStructInfo, tuple, tuple item, variable) is structurally equal to the
/// variable's; a <c>R.match_cast</c> binding has none; function calls keep theirs (TVM's branch for them never matches).
/// </summary>
public class RelaxHideInferableTypesTests
{
    private const string Source = """
        # from tvm.script import ir as I
        # from tvm.script import relax as R

        @I.ir_module
        class Module:
            @R.function
            def f(a: R.Tensor((2, 3), dtype="float32")) -> R.Tensor((2, 3), dtype="float32"):
                return a

            @R.function
            def main(x: R.Tensor((2, 3), dtype="float32"), y: R.Tensor((2, 3), dtype="float32"), z: R.Tensor(dtype="float32", ndim=2)) -> R.Tensor((2, 3), dtype="float32"):
                cls = Module
                n = T.int64()
                lv: R.Tensor((2, 3), dtype="float32") = R.add(x, y)
                lv1: R.Tuple(R.Tensor((2, 3), dtype="float32"), R.Tensor((2, 3), dtype="float32")) = lv, x
                lv2: R.Tensor((2, 3), dtype="float32") = lv1[0]
                lv3: R.Tensor(dtype="float32", ndim=2) = R.add(x, y)
                lv4: R.Tensor((2, 3), dtype="float32") = cls.f(lv2)
                lv5: R.Tensor((n, 3), dtype="float32") = R.match_cast(z, R.Tensor((n, 3), dtype="float32"))
                lv6: R.Tensor((2, 3), dtype="float32") = lv4
                gv: R.Tensor((2, 3), dtype="float32") = R.multiply(lv6, lv3)
                return gv
        """;

    private static string Hidden(IRModule m) => RelaxScriptPrinter.Print(m, new RelaxPrinterOptions { ShowAllStructInfo = false });

    [Test]
    public void Inferable_Annotations_Are_Left_Out_As_Tvm_Does()
    {
        var m = RelaxScriptReader.Parse(Source, "hide.py");
        var lines = Hidden(m).Split('\n').Select(l => l.Trim()).ToList();
        Assert.That(lines, Does.Contain("lv = R.add(x, y)"), "op call: inferred (2, 3) equals the annotation");
        Assert.That(lines.Any(l => l.StartsWith("lv1 = ", StringComparison.Ordinal)), Is.True, "tuple");
        Assert.That(lines, Does.Contain("lv2 = lv1[0]"), "tuple item");
        Assert.That(lines, Does.Contain("lv3: R.Tensor(dtype=\"float32\", ndim=2) = R.add(x, y)"), "an annotation weaker than inferred is kept");
        Assert.That(lines, Does.Contain("lv4: R.Tensor((2, 3), dtype=\"float32\") = cls.f(lv2)"), "function calls keep theirs");
        Assert.That(lines, Does.Contain("lv5 = R.match_cast(z, R.Tensor((n, 3), dtype=\"float32\"))"), "match_cast: never annotated");
        Assert.That(lines, Does.Contain("lv6 = lv4"), "variable");
        Assert.That(lines.Any(l => l.StartsWith("def main(x: R.Tensor((2, 3), dtype=\"float32\")", StringComparison.Ordinal)), Is.True, "parameters keep theirs");
        // The default (show_all_struct_info=True) prints every annotation.
        Assert.That(RelaxScriptPrinter.Print(m), Does.Contain("lv: R.Tensor((2, 3), dtype=\"float32\") = R.add(x, y)"));
    }

    [Test]
    public void Hidden_Output_Reparses_To_The_Same_Module_Over_The_Relax_Corpus()
    {
        var dir = Path.Combine(RelaxBuilderTests.FindRoot(), "corpora", "relax");
        var files = Directory.GetFiles(dir, "*.py").Where(p => !Path.GetFileName(p).Contains("fragment", StringComparison.Ordinal)).ToList();
        Assert.That(files, Has.Count.GreaterThan(10));
        var hiddenSomewhere = 0;
        foreach (var f in files.Append("hide.py"))
        {
            var m = f == "hide.py" ? RelaxScriptReader.Parse(Source, f) : RelaxScriptReader.Parse(File.ReadAllText(f), f);
            var text = Hidden(m);
            if (text.Length < RelaxScriptPrinter.Print(m).Length) hiddenSomewhere++;
            var back = RelaxScriptReader.Parse(text, f + " (hidden)");
            // The same module as the fully annotated print reads back as (the reader infers what was left out).
            var full = RelaxScriptReader.Parse(RelaxScriptPrinter.Print(m), f + " (full)");
            Assert.That(RelaxStructuralEqual.Modules(full, back), Is.True, f);
            Assert.That(Hidden(back), Is.EqualTo(text), f + ": a fixed point");
        }
        Assert.That(hiddenSomewhere, Is.GreaterThan(3), "the mode changes real fixtures");
    }
}
