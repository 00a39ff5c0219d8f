using Bridge.Ir.Relax.Script;
using NUnit.Framework;

namespace Bridge.Ir.Tests.Relax;

/// <summary>
/// Issue 14 item 2: names as TVM's printer assigns them. TVM defines a function's parameters, bindings and symbolic vars in the
/// function's frame (<c>VarTable::Define</c> with the frame's exit callback removing them), so names are unique within a function,
/// nested functions included, and restart in the next function; a duplicate inside one function gets <c>_1</c>, <c>_2</c>, ….
/// </summary>
public class RelaxNamingTests
{
    private const string TwoFunctions = """
        # from tvm.script import ir as I
        # from tvm.script import relax as R

        @I.ir_module
        class Module:
            @R.function(private=True)
            def helper(x: R.Tensor((2,), dtype="float32"), w: R.Tensor((2,), dtype="float32")) -> R.Tensor((2,), dtype="float32"):
                lv: R.Tensor((2,), dtype="float32") = R.multiply(x, w)
                return lv

            @R.function
            def main(x: R.Tensor((2,), dtype="float32"), w: R.Tensor((2,), dtype="float32")) -> R.Tensor((2,), dtype="float32"):
                cls = Module
                lv: R.Tensor((2,), dtype="float32") = cls.helper(x, w)
                lv_1: R.Tensor((2,), dtype="float32") = R.add(lv, x)
                return lv_1
        """;

    private static string[] Lines(string s) => s.Trim('\n').Split('\n').Select(l => l.TrimEnd()).ToArray();

    [Test]
    public void Public_and_private_functions_with_the_same_parameter_names_print_the_same_names()
    {
        var m = RelaxScriptReader.Parse(TwoFunctions, "two.py");
        var printed = RelaxScriptPrinter.Print(m, new RelaxPrinterOptions { TargetVersion = RelaxVersion.Main });
        Assert.That(Lines(printed), Is.EqualTo(Lines(TwoFunctions)), printed);
        Assert.That(printed, Does.Not.Contain("x_1").And.Not.Contain("w_1"));
    }

    [Test]
    public void A_name_defined_twice_in_one_function_gets_TVMs_suffix()
    {
        // Python rebinding makes a second var with the hint "x": within the function it prints as x_1, in the next function x again.
        var src = """
            # from tvm.script import ir as I
            # from tvm.script import relax as R

            @I.ir_module
            class Module:
                @R.function
                def f(x: R.Tensor((2,), dtype="float32")) -> R.Tensor((2,), dtype="float32"):
                    x = R.add(x, x)
                    x = R.multiply(x, x)
                    return x

                @R.function
                def main(x: R.Tensor((2,), dtype="float32")) -> R.Tensor((2,), dtype="float32"):
                    x = R.add(x, x)
                    return x
            """;
        var printed = RelaxScriptPrinter.Print(RelaxScriptReader.Parse(src, "dup.py"), new RelaxPrinterOptions { TargetVersion = RelaxVersion.Main });
        var f = printed[printed.IndexOf("def f", StringComparison.Ordinal)..printed.IndexOf("def main", StringComparison.Ordinal)];
        var main = printed[printed.IndexOf("def main", StringComparison.Ordinal)..];
        Assert.That(f, Does.Contain("x_1: R.Tensor((2,), dtype=\"float32\") = R.add(x, x)"));
        Assert.That(f, Does.Contain("x_2: R.Tensor((2,), dtype=\"float32\") = R.multiply(x_1, x_1)"));
        Assert.That(f, Does.Contain("return x_2"));
        Assert.That(main, Does.Contain("def main(x: R.Tensor((2,), dtype=\"float32\"))"));
        Assert.That(main, Does.Contain("x_1: R.Tensor((2,), dtype=\"float32\") = R.add(x, x)").And.Not.Contain("x_2"));
    }

    [Test]
    public void Nested_function_names_are_freed_when_it_ends()
    {
        var src = """
            # from tvm.script import relax as R

            @R.function
            def main(x: R.Tensor((2,), dtype="float32")) -> R.Tensor((2,), dtype="float32"):
                @R.function
                def inner(y: R.Tensor((2,), dtype="float32")) -> R.Tensor((2,), dtype="float32"):
                    z: R.Tensor((2,), dtype="float32") = R.add(y, y)
                    return z

                z: R.Tensor((2,), dtype="float32") = inner(x)
                return z
            """;
        var printed = RelaxScriptPrinter.Print(RelaxScriptReader.Parse(src, "nested.py"), new RelaxPrinterOptions { TargetVersion = RelaxVersion.Main });
        Assert.That(printed, Does.Contain("    z: R.Tensor((2,), dtype=\"float32\") = inner(x)").And.Not.Contain("z_1"), printed);
    }

    [Test]
    public void Module_without_alias_fixture_is_token_exact()
    {
        var d = new DirectoryInfo(TestContext.CurrentContext.TestDirectory);
        while (d is not null && !Directory.Exists(Path.Combine(d.FullName, "corpora", "relax"))) d = d.Parent;
        var path = Path.Combine(d!.FullName, "corpora", "relax", "head_module_call_tir_no_alias.py");
        var text = File.ReadAllText(path);
        var m = RelaxScriptReader.Parse(text, path, new RelaxReaderOptions { SourceVersion = RelaxVersion.Main });
        var printed = RelaxScriptPrinter.Print(m, new RelaxPrinterOptions { TargetVersion = RelaxVersion.Main, ModuleAlias = "" });
        Assert.That(Lines(printed), Is.EqualTo(Lines(text)), printed);
    }
}
