using Bridge.Core.Files;

namespace Bridge.Cli.Tests;

/// <summary>
/// <c>check</c> and <c>run</c> on small ONNX models (tests/Bridge.Compat.Tests/Check/gen_check_models.py): every path reported,
/// exit codes (0 agree, 1 differ or a path failed, 2 no path ran or bad input), dims from the inputs given, run on ONNX.
/// </summary>
public sealed class CheckRunSemanticsTests
{
    private static readonly Lazy<string> s_models = new(Generate);

    private static string Generate()
    {
        const string python = "/usr/bin/python3";
        if (!File.Exists(python)) Assert.Inconclusive("/usr/bin/python3 (with onnx) is required to generate the check models");
        return CliHarness.RunGenerator(Path.Combine("tests", "Bridge.Compat.Tests", "Check", "gen_check_models.py"), Path.Combine(Path.GetTempPath(), $"bridge-cli-check-models-{Environment.ProcessId}"), TimeSpan.FromSeconds(120));
    }

    private static string Model(string name) => Path.Combine(s_models.Value, name + ".onnx");

    private static (int Rc, string Out, string Err) Cli(params string[] args) => CliHarness.Run(args);

    private string _dir = "";

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("bridge-checkrun-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    private string Npz(string name, params (string Name, Tensor Tensor)[] arrays)
    {
        var p = Path.Combine(_dir, name);
        NpzFile.Write(p, arrays);
        return p;
    }

    private static Tensor Ones(params long[] shape)
    {
        var t = Tensor.Zeros(DataType.Float32, shape);
        for (long i = 0; i < t.Length; i++) t.SetDouble(i, 1 + i % 7);
        return t;
    }

    [Test]
    public void Check_takes_a_named_dim_from_the_inputs_given()
    {
        var inputs = Npz("in.npz", ("a", Ones(3, 4)));
        var (rc, o, e) = Cli("check", Model("two_inputs"), "--inputs", inputs);
        Assert.That(rc, Is.EqualTo(0), o + e);
        Assert.That(o, Does.Contain("batch=3 (input: input a axis 0)").And.Contain("inputs generated").And.Contain(": b"));
        Assert.That(o, Does.Contain("PASSED"));
    }

    [Test]
    public void Check_names_both_inputs_when_they_bind_a_dim_differently()
    {
        var inputs = Npz("in.npz", ("a", Ones(3, 4)), ("b", Ones(2, 4)));
        var (rc, o, e) = Cli("check", Model("two_inputs"), "--inputs", inputs);
        Assert.That(rc, Is.EqualTo(2), o + e);
        Assert.That(e, Does.Contain("BRG6603").And.Contain("input a").And.Contain("input b").And.Contain("batch"));
        Assert.That(e.Trim().Split('\n')[0], Does.Contain(inputs), "the error is located at the inputs file");
    }

    [Test]
    public void Check_reports_every_path_and_exits_1_when_one_cannot_convert()
    {
        var (rc, o, e) = Cli("check", Model("ort_only"));
        Assert.That(rc, Is.EqualTo(1), o + e);
        Assert.That(o, Does.Contain("path onnxruntime: ok").And.Contain("path relay: FAILED").And.Contain("path relax: FAILED"));
        Assert.That(o, Does.Contain("did not run"));
    }

    [Test]
    public void Check_exits_2_only_when_no_path_runs()
    {
        var (rc, o, e) = Cli("check", Model("no_path"));
        Assert.That(rc, Is.EqualTo(2), o + e);
        Assert.That(o, Does.Contain("path onnxruntime: FAILED").And.Contain("path relay: FAILED").And.Contain("path relax: FAILED"));
        Assert.That(o, Does.Contain("no path could run"));
    }

    [Test]
    public void Check_counts_nan_per_output_treats_shared_nan_as_equal_and_nan_mismatch_fails()
    {
        var (rc, o, e) = Cli("check", Model("nan_sqrt"), "--seed", "4");
        Assert.That(rc, Is.EqualTo(0), o + e);
        Assert.That(o, Does.Match(@"output0: [1-9][0-9]* NaN, 0 \+Inf, 0 -Inf"));
        var strict = Cli("check", Model("nan_sqrt"), "--seed", "4", "--nan-mismatch");
        Assert.That(strict.Rc, Is.EqualTo(1), strict.Out + strict.Err);
        var json = Path.Combine(_dir, "r.json");
        Assert.That(Cli("check", Model("nan_sqrt"), "--seed", "4", "--report", json).Rc, Is.EqualTo(0));
        Assert.That(File.ReadAllText(json), Does.Contain("\"nan\":").And.Contain("\"dims\""));
    }

    [TestCase("ort", "ONNX Runtime")]
    [TestCase("relay", "relay interpreter")]
    [TestCase("relax", "relax interpreter")]
    public void Run_accepts_onnx_on_every_path_with_dims_from_the_dim_option(string path, string engine)
    {
        var outPath = Path.Combine(_dir, "out.npz");
        var (rc, o, e) = Cli("run", Model("two_inputs"), "-o", outPath, "--path", path, "--dim", "batch=5", "--seed", "1");
        Assert.That(rc, Is.EqualTo(0), o + e);
        Assert.That(o, Does.Contain(engine).And.Contain("batch=5 (option").And.Contain("inputs generated (seed 1"));
        var outs = NpzFile.Read(outPath);
        Assert.That(outs.Single().Tensor.Shape, Is.EqualTo(new long[] { 5, 4 }));
    }

    [Test]
    public void Run_on_onnx_paths_agree_and_given_inputs_are_not_listed_as_generated()
    {
        var inputs = Npz("in.npz", ("a", Ones(2, 4)), ("b", Ones(2, 4)));
        var results = new List<Tensor>();
        foreach (var path in new[] { "ort", "relay", "relax" })
        {
            var outPath = Path.Combine(_dir, path + ".npz");
            var (rc, o, e) = Cli("run", Model("two_inputs"), "-o", outPath, "--path", path, "--inputs", inputs);
            Assert.That(rc, Is.EqualTo(0), o + e);
            Assert.That(o, Does.Not.Contain("inputs generated"));
            results.Add(NpzFile.Read(outPath)[0].Tensor);
        }
        // a + b with a = b: every element is 2·(1 + i mod 7).
        for (long i = 0; i < 8; i++)
            Assert.That(results.Select(t => t.GetDouble(i)), Is.All.EqualTo(2.0 * (1 + i % 7)));
    }

    [Test]
    public void Run_with_an_unknown_path_is_a_usage_error()
    {
        var (rc, _, e) = Cli("run", Model("two_inputs"), "-o", Path.Combine(_dir, "o.npz"), "--path", "tensorrt");
        Assert.That(rc, Is.EqualTo(2));
        Assert.That(e, Does.Contain("onnxruntime, relay, relax"));
        Assert.That(File.Exists(Path.Combine(_dir, "o.npz")), Is.False);
    }

    [Test]
    public void Zoo_exits_1_when_a_model_fails_a_stage_and_0_with_allow_failures()
    {
        var zoo = Directory.CreateDirectory(Path.Combine(_dir, "zoo")).FullName;
        File.Copy(Model("no_path"), Path.Combine(zoo, "no_path.onnx"));
        var (rc, o, e) = Cli("zoo", zoo, "-o", Path.Combine(_dir, "out1"), "--jobs", "1");
        Assert.That(rc, Is.EqualTo(1), o + e);
        Assert.That(o, Does.Contain("1 model(s) failed a stage"));
        var allowed = Cli("zoo", zoo, "-o", Path.Combine(_dir, "out2"), "--jobs", "1", "--allow-failures");
        Assert.That(allowed.Rc, Is.EqualTo(0), allowed.Out + allowed.Err);
    }
}
