using System.Diagnostics;
using Bridge.Backends.Reference;
using Bridge.Core.Files;
using Bridge.Ir.Ops;

namespace Bridge.Cli.Tests;

/// <summary><c>bridge compare</c>, <c>check --save-outputs/--load-outputs/--tol/--bundle</c>, <c>reduce</c> usage errors, and a bundle rerun.</summary>
[NonParallelizable]
public class DiffCliTests
{
    private static string RepoRoot()
    {
        for (var d = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "Bridge.sln"))) return d.FullName;
        throw new InvalidOperationException("repository root not found");
    }

    private static (int Rc, string Out, string Err) Cli(params string[] args) => CliHarness.Run(args);

    private static string Npz(string dir, string name, params (string, float[])[] arrays)
    {
        var path = Path.Combine(dir, name);
        NpzFile.Write(path, arrays.Select(a => (a.Item1, Tensor.FromArray(a.Item2, a.Item2.Length))));
        return path;
    }

    [Test]
    public void CompareAppliesTolerancesAndExitCodes()
    {
        var dir = Directory.CreateTempSubdirectory("bridge-compare-").FullName;
        var a = Npz(dir, "a.npz", ("logits", [1f, 2f, 3f]), ("probs", [0.5f, 0.5f]));
        var b = Npz(dir, "b.npz", ("probs", [0.5f, 0.5f]), ("logits", [1f, 2f, 3.001f]));
        var same = Cli("compare", a, a);
        Assert.That(same.Rc, Is.EqualTo(0), same.Out + same.Err);
        Assert.That(same.Out, Does.Contain("matched by name"));
        var differ = Cli("compare", a, b);
        Assert.That(differ.Rc, Is.EqualTo(1), differ.Out + differ.Err);
        Assert.That(differ.Out, Does.Contain("logits: FAILED"));
        Assert.That(differ.Out, Does.Contain("cosine"));
        var loose = Cli("compare", a, b, "--tol", "logits=1e-3,1e-3");
        Assert.That(loose.Rc, Is.EqualTo(0), loose.Out + loose.Err);
        var bad = Cli("compare", a, b, "--tol", "logits=oops");
        Assert.That(bad.Rc, Is.EqualTo(2));
        Assert.That(bad.Err, Does.Contain("BRG6740"));
        var unmatched = Cli("compare", a, Npz(dir, "c.npz", ("x", [1f])));
        Assert.That(unmatched.Rc, Is.EqualTo(2));
        Assert.That(unmatched.Err, Does.Contain("BRG6741"));
    }

    [Test]
    public void CheckSavesAndLoadsOutputs()
    {
        var dir = Directory.CreateTempSubdirectory("bridge-saved-").FullName;
        var model = Path.Combine(RepoRoot(), "corpora", "relay", "text", "menagerie_mnist.relay");
        var saved = Path.Combine(dir, "golden.npz");
        var first = Cli("check", model, "--random-weights", "--seed", "3", "--save-outputs", saved);
        Assert.That(first.Rc, Is.EqualTo(0), first.Out + first.Err);
        Assert.That(NpzFile.Read(saved).Select(t => t.Name), Is.EquivalentTo(new[] { "relay/output0", "relax/output0" }));
        var again = Cli("check", model, "--random-weights", "--seed", "3", "--load-outputs", saved);
        Assert.That(again.Rc, Is.EqualTo(0), again.Out + again.Err);
        Assert.That(again.Out, Does.Contain("relay vs loaded:relay output0: PASSED"));
        // Golden outputs from elsewhere (no path prefix): a perturbed copy fails every path, a loose --tol lets it pass.
        var golden = NpzFile.Read(saved).First();
        var t = golden.Tensor.Clone();
        t.SetDouble(0, t.GetDouble(0) + 1e-3);
        var other = Path.Combine(dir, "other.npz");
        NpzFile.Write(other, [("output0", t)]);
        var off = Cli("check", model, "--random-weights", "--seed", "3", "--load-outputs", other);
        Assert.That(off.Rc, Is.EqualTo(1), off.Out + off.Err);
        Assert.That(off.Out, Does.Contain("relax vs loaded output0: FAILED"));
        var tol = Cli("check", model, "--random-weights", "--seed", "3", "--load-outputs", other, "--tol", "output0=1e-2,1e-2");
        Assert.That(tol.Rc, Is.EqualTo(0), tol.Out + tol.Err);
    }

    [Test]
    public void RunComparesWithLoadedOutputs()
    {
        var dir = Directory.CreateTempSubdirectory("bridge-run-golden-").FullName;
        var model = Path.Combine(RepoRoot(), "corpora", "relay", "text", "menagerie_mnist.relay");
        var golden = Path.Combine(dir, "golden.npz");
        Assert.That(Cli("run", model, "--random-weights", "--seed", "3", "--save-outputs", golden).Rc, Is.EqualTo(0));
        var relax = Cli("run", model, "--random-weights", "--seed", "3", "--path", "relax", "-o", Path.Combine(dir, "relax.npz"), "--load-outputs", golden);
        Assert.That(relax.Rc, Is.EqualTo(0), relax.Out + relax.Err);
        Assert.That(relax.Out, Does.Contain("relax vs loaded output0: PASSED"));
        var t = NpzFile.Read(golden)[0].Tensor.Clone();
        t.SetDouble(0, t.GetDouble(0) + 1);
        var off = Path.Combine(dir, "off.npz");
        NpzFile.Write(off, [("output0", t)]);
        var differ = Cli("run", model, "--random-weights", "--seed", "3", "-o", Path.Combine(dir, "again.npz"), "--load-outputs", off);
        Assert.That(differ.Rc, Is.EqualTo(1), differ.Out + differ.Err);
    }

    [Test]
    public void ReduceRefusesANonOnnxModelAndAnAgreeingOne()
    {
        var relay = Cli("reduce", Path.Combine(RepoRoot(), "corpora", "relay", "text", "menagerie_mnist.relay"));
        Assert.That(relay.Rc, Is.EqualTo(2));
        Assert.That(relay.Err, Does.Contain("BRG6743"));
    }

    /// <summary>
    /// A bundle written under a kernel fault (Relax's Relu off by 0.5, recorded in rerun.sh) reruns in a separate process to the
    /// same verdict: exit 1, "REPRODUCED". BRIDGE points rerun.sh at the built CLI (rerun.sh's default, `dotnet run` on the
    /// checkout it runs from, would rebuild the repository inside the test).
    /// </summary>
    [Test]
    public void BundleRerunsToTheSameVerdict()
    {
        var model = Path.Combine(RepoRoot(), "corpora", ".cache", "models", "lstm_seq", "lstm_seq.onnx");
        if (!File.Exists(model)) Assert.Ignore($"{model} not generated (corpora/.cache is built by the corpus generators)");
        var dir = Path.Combine(Directory.CreateTempSubdirectory("bridge-bundle-").FullName, "bundle");
        (int Rc, string Out, string Err) r;
        using (KernelFaults.Inject(new KernelFaults(Dialect.Relax, "nn.relu", 0.5)))
            r = Cli("check", model, "--inputs", Path.ChangeExtension(model, null) + ".inputs.npz", "--shape", "batch=2", "--bundle", dir);
        Assert.That(r.Rc, Is.EqualTo(1), r.Out + r.Err);
        foreach (var f in (string[])["rerun.sh", "inputs.npz", "outputs.npz", "report.json", "versions.json", "command.txt", "verdict.txt",
                     "converted.relay.txt", "converted.relax.py", "model/lstm_seq.onnx"])
            Assert.That(File.Exists(Path.Combine(dir, f)), Is.True, f);
        Assert.That(File.ReadAllText(Path.Combine(dir, "rerun.sh")), Does.Contain("BRIDGE_TEST_PERTURB_KERNEL"));
        var bridgeDll = Path.Combine(TestContext.CurrentContext.TestDirectory, "bridge.dll");
        var psi = new ProcessStartInfo("bash", [Path.Combine(dir, "rerun.sh")]) { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.Environment["BRIDGE"] = $"dotnet {bridgeDll}";
        psi.Environment.Remove(KernelFaults.EnvironmentVariable);
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        var output = p.StandardOutput.ReadToEnd();
        Assert.That(p.WaitForExit(600_000), Is.True, "rerun.sh timed out");
        Assert.That(p.ExitCode, Is.EqualTo(0), output + err.Result);
        Assert.That(output, Does.Contain("REPRODUCED: exit 1"));
    }
}
