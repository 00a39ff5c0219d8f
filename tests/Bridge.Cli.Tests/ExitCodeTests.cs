namespace Bridge.Cli.Tests;

/// <summary>Exit codes CI can trust: a usage error (unknown flag, missing argument, unknown verb) is 2 in every verb, never 1 ("differ").</summary>
public sealed class ExitCodeTests
{
    private static (int Rc, string Out, string Err) Cli(params string[] args) => CliHarness.Run(args);

    [TestCase("inspect")]
    [TestCase("convert")]
    [TestCase("run")]
    [TestCase("check")]
    [TestCase("bench")]
    [TestCase("zoo")]
    [TestCase("adopt")]
    public void An_unknown_flag_is_a_usage_error_in_every_verb(string verb)
    {
        var (rc, o, e) = Cli(verb, "model.onnx", "--no-such-flag");
        Assert.That(rc, Is.EqualTo(ExitCodes.InputError), o + e);
        Assert.That(o + e, Does.Contain("--no-such-flag"));
    }

    [Test]
    public void An_unknown_verb_or_a_missing_argument_is_a_usage_error()
    {
        Assert.That(Cli("nosuchverb").Rc, Is.EqualTo(ExitCodes.InputError));
        Assert.That(Cli("check").Rc, Is.EqualTo(ExitCodes.InputError));
        Assert.That(Cli("run", "m.onnx").Rc, Is.EqualTo(ExitCodes.InputError), "-o is required");
        Assert.That(Cli("check", "m.onnx", "--seed", "notanumber").Rc, Is.EqualTo(ExitCodes.InputError));
    }

    [Test]
    public void Help_is_not_an_error()
    {
        Assert.That(Cli("--help").Rc, Is.EqualTo(0));
        Assert.That(Cli("check", "--help").Rc, Is.EqualTo(0));
    }

    [Test]
    public void A_missing_model_file_is_2()
    {
        Assert.That(Cli("check", "/nonexistent/model.onnx").Rc, Is.EqualTo(ExitCodes.InputError));
        Assert.That(Cli("run", "/nonexistent/model.onnx", "-o", Path.Combine(Path.GetTempPath(), "never.npz")).Rc, Is.EqualTo(ExitCodes.InputError));
    }
}
