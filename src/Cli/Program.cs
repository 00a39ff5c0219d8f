using System.CommandLine;

namespace Bridge.Cli;

/// <summary>Entry point of the <c>bridge</c> command.</summary>
public static class Program
{
    public static int Main(string[] args) => Run(args, Console.Out, Console.Error);

    /// <summary>Runs the CLI with the given writers (tests call this in-process).</summary>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var root = BuildRoot(stdout, stderr);
        var config = new InvocationConfiguration { Output = stdout, Error = stderr };
        var parse = CliLimits.Apply(root.Parse(args));
        var rc = parse.Invoke(config);
        // System.CommandLine exits 1 on a parse error (unknown flag, missing argument); 1 means "outputs differ" here, so usage is 2.
        return parse.Errors.Count > 0 && rc == 1 ? ExitCodes.InputError : rc;
    }

    /// <summary>The verbs. Each lives in its own <c>*Command.cs</c> file and returns its <see cref="Command"/>.</summary>
    internal static RootCommand BuildRoot(TextWriter stdout, TextWriter stderr)
    {
        var root = new RootCommand("bridge: move TVM Relay models (and ONNX/TorchScript zoos) to Relax, and prove nothing changed.");
        var ctx = new CliContext(stdout, stderr);
        InspectFormats.RegisterAll();
        CliLimits.AddTo(root);
        foreach (var make in Verbs)
            root.Subcommands.Add(make(ctx));
        return root;
    }

    /// <summary>Registered verbs, in help order.</summary>
    private static readonly Func<CliContext, Command>[] Verbs =
    [
        InspectCommand.Create,
        ConvertCommand.Create,
        RunCommand.Create,
        CompileCommand.Create,
        CheckCommand.Create,
        CompareCommand.Create,
        ReduceCommand.Create,
        BenchCommand.Create,
        ZooCommand.Create,
        AdoptCommand.Create,
        ZooWorkerCommand.Create,
    ];
}
