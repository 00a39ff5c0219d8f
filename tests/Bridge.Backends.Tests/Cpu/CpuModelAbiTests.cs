using System.Diagnostics;
using Bridge.Backends.Cpu;
using Bridge.Backends.Cpu.Lowering;
using Bridge.Backends.Cpu.Runtime;
using Bridge.Ir.Relax.Script;

namespace Bridge.Backends.Tests.Cpu;

/// <summary>
/// The documented C ABI (bridge_model.h): the example program of docs/cpu-backend.md, taken from the page itself, is
/// compiled with gcc against a compiled model library and run; its printed outputs must equal the in-process run.
/// </summary>
[TestFixture]
public sealed class CpuModelAbiTests
{
    private const string Model = """
        # from tvm.script import ir as I
        # from tvm.script import tir as T
        # from tvm.script import relax as R

        @I.ir_module
        class Module:
            @R.function
            def main(x: R.Tensor(("n", 6), dtype="float32"), w: R.Tensor((6, 5), dtype="float32")) -> R.Tensor(("n", 5), dtype="float32"):
                n = T.int64()
                with R.dataflow():
                    lv: R.Tensor((n, 5), dtype="float32") = R.matmul(x, w)
                    lv1: R.Tensor((n, 5), dtype="float32") = R.nn.softmax(lv, axis=-1)
                    lv2: R.Tensor((n, 5), dtype="float32") = R.tanh(lv1)
                    R.output(lv2)
                return lv2
        """;

    private static string RepoRoot()
    {
        var d = new DirectoryInfo(TestContext.CurrentContext.TestDirectory);
        while (d is not null && !File.Exists(Path.Combine(d.FullName, "Bridge.sln"))) d = d.Parent;
        return d?.FullName ?? throw new InvalidOperationException("repository root not found");
    }

    /// <summary>The C example between the <c>&lt;!-- abi-example --&gt;</c> markers of docs/cpu-backend.md.</summary>
    private static string Example()
    {
        var doc = File.ReadAllText(Path.Combine(RepoRoot(), "docs", "cpu-backend.md"));
        var start = doc.IndexOf("<!-- abi-example -->", StringComparison.Ordinal);
        Assert.That(start, Is.GreaterThanOrEqualTo(0), "docs/cpu-backend.md has the ABI example");
        var code = doc.IndexOf("```c\n", start, StringComparison.Ordinal) + 5;
        return doc[code..doc.IndexOf("```", code, StringComparison.Ordinal)];
    }

    [Test]
    public void DocumentedCExampleCompilesAgainstAModelLibraryAndPrintsItsOutputs()
    {
        var w = Tensor.Zeros(DataType.Float32, 6, 5);
        var ws = w.Span<float>();
        for (var i = 0; i < ws.Length; i++) ws[i] = (i % 7 - 3) * 0.25f;
        var module = RelaxScriptReader.Parse(Model, "abi.py");
        using var cm = CpuCompiler.Compile(RelaxLowering.Lower(module, "main", new Dictionary<string, Tensor> { ["w"] = w }));
        Assert.That(cm.Report.FallbackOps, Is.Empty);
        var dir = Path.Combine(Path.GetTempPath(), "bridge-abi-" + Environment.ProcessId);
        Directory.CreateDirectory(dir);
        try
        {
            File.Copy(cm.LibraryPath, Path.Combine(dir, "libmodel.so"), overwrite: true);
            File.WriteAllText(Path.Combine(dir, "bridge_model.h"), NativeBuild.KernelSources().Single(s => s.Name == "bridge_model.h").Text);
            File.WriteAllText(Path.Combine(dir, "example.c"), Example());
            Run("gcc", $"-O2 -o example example.c -I. -L. -lmodel -Wl,-rpath,{dir}", dir);
            var printed = Run(Path.Combine(dir, "example"), "", dir).Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(s => float.Parse(s, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
            // the example feeds x[i] = 0.1·i with shape (2, 6)
            var x = Tensor.Zeros(DataType.Float32, 2, 6);
            var xs = x.Span<float>();
            for (var i = 0; i < xs.Length; i++) xs[i] = 0.1f * i;
            var want = cm.Run(new Dictionary<string, Tensor> { ["x"] = x })[0].Span<float>().ToArray();
            Assert.That(printed, Has.Length.EqualTo(10));
            for (var i = 0; i < 10; i++) Assert.That(printed[i], Is.EqualTo(want[i]).Within(1e-5));
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    private static string Run(string exe, string args, string dir)
    {
        var psi = new ProcessStartInfo(exe, args) { WorkingDirectory = dir, RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        var output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        Assert.That(p.ExitCode, Is.EqualTo(0), $"{exe} {args}: {err.Result}");
        return output;
    }
}
