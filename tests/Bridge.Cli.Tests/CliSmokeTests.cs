namespace Bridge.Cli.Tests;

public class CliSmokeTests
{
    [Test]
    public void Version_Prints_And_Exits_Zero()
    {
        var o = new StringWriter();
        var e = new StringWriter();
        var rc = Program.Run(["--version"], o, e);
        Assert.That(rc, Is.EqualTo(0), e.ToString());
        Assert.That(o.ToString(), Does.Match(@"\d+\.\d+\.\d+"));
    }

    [Test]
    public void Unknown_Verb_Fails()
    {
        var rc = Program.Run(["frobnicate"], new StringWriter(), new StringWriter());
        Assert.That(rc, Is.Not.EqualTo(0));
    }
}
