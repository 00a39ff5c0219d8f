namespace Bridge.Cli.Tests;

/// <summary>Runs the <c>bridge</c> command in-process and returns its exit code with what it wrote to stdout and stderr.</summary>
internal static class CliHarness
{
    public static (int Rc, string Out, string Err) Run(params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        var rc = Program.Run(args, o, e);
        return (rc, o.ToString(), e.ToString());
    }
}
