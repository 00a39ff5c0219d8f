using System.Diagnostics;

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

    /// <summary>The repository root (the folder holding Bridge.sln).</summary>
    public static string RepoRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "Bridge.sln"))) return d.FullName;
        throw new InvalidOperationException("repository root (Bridge.sln) not found");
    }

    /// <summary>
    /// Runs a test generator <c>/usr/bin/python3 SCRIPT DIR</c> (SCRIPT relative to the repository root) and returns DIR; a
    /// generator that fails or outlives <paramref name="timeout"/> throws with its output.
    /// </summary>
    public static string RunGenerator(string script, string dir, TimeSpan timeout)
    {
        var name = Path.GetFileName(script);
        var psi = new ProcessStartInfo("/usr/bin/python3", [Path.Combine(RepoRoot(), script), dir]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEnd();
        if (!p.WaitForExit(timeout)) { p.Kill(true); throw new TimeoutException($"{name} timed out"); }
        if (p.ExitCode != 0) throw new InvalidOperationException($"{name} failed: {stderr}{stdout.Result}");
        return dir;
    }
}
