using System.CommandLine;
using System.Globalization;
using Bridge.Compat.Check;
using Bridge.Compat.Diff;
using Bridge.Core.Files;

namespace Bridge.Cli;

/// <summary>
/// The differential-testing options of <c>bridge check</c> (<c>--save-outputs</c>, <c>--load-outputs</c>, <c>--tol</c>,
/// <c>--bundle</c>) and the hooks CheckCommand calls: after the check (compare with loaded outputs, save outputs), after its
/// output lines (per-node divergences and error statistics), and once the exit code is known (the repro bundle).
/// </summary>
public sealed class CheckDiffCli
{
    private readonly Option<string?> _save = new("--save-outputs") { Description = "write every path's outputs to FILE.npz (keys path/output)" };
    private readonly Option<string?> _load = new("--load-outputs")
    {
        Description = "compare every path with golden outputs from FILE.npz (another run, torch, a TVM deployment); keys path/output compare with that path",
    };
    private readonly Option<string[]> _tol = new("--tol") { Description = "tolerances of one output: name=rtol,atol (repeatable)", AllowMultipleArgumentsPerToken = true };
    private readonly Option<string?> _bundle = new("--bundle") { Description = "write a repro bundle to DIR (inputs, outputs, converted modules, versions, rerun.sh)" };

    /// <summary>Adds the options to <paramref name="cmd"/>.</summary>
    public void AddTo(Command cmd)
    {
        cmd.Options.Add(_save);
        cmd.Options.Add(_load);
        cmd.Options.Add(_tol);
        cmd.Options.Add(_bundle);
    }

    /// <summary>One invocation's values and state.</summary>
    public sealed class Request
    {
        public string? SaveOutputs { get; init; }
        public string? LoadOutputs { get; init; }
        public string[] Tol { get; init; } = [];
        public string? Bundle { get; init; }
        public string CommandLine { get; init; } = "bridge check";
        public OutputTolerances PerOutput => OutputTolerances.Parse(Tol);
        internal CheckReport? Report { get; set; }
        internal CheckOptions? Options { get; set; }
        internal string[] RerunArgs { get; set; } = [];
    }

    public Request Read(ParseResult p) => new()
    {
        SaveOutputs = p.GetValue(_save), LoadOutputs = p.GetValue(_load), Tol = p.GetValue(_tol) ?? [], Bundle = p.GetValue(_bundle),
        CommandLine = "bridge " + string.Join(" ", p.Tokens.Select(t => Quote(t.Value))),
    };

    private static string Quote(string s) => s.Length > 0 && s.All(c => char.IsLetterOrDigit(c) || "-_./=,:+".Contains(c)) ? s : "'" + s.Replace("'", "'\\''") + "'";

    /// <summary>Right after the check: golden outputs are compared with each path (added to the report), outputs saved.</summary>
    public static void AfterCheck(Request? r, CheckReport report, CheckOptions options, string[] rerunArgs)
    {
        if (r is null) return;
        r.Report = report;
        r.Options = options;
        r.RerunArgs = rerunArgs;
        if (r.LoadOutputs is { } load) SavedOutputs.CompareInto(report, TensorFiles.Load(load), options);
        if (r.SaveOutputs is { } save) NpzFile.Write(save, SavedOutputs.Of(report));
    }

    /// <summary>The per-node findings and each failing comparison's error statistics, after check's own lines.</summary>
    public static void Print(TextWriter o, CheckReport report)
    {
        foreach (var d in report.Diffs.Where(d => !d.Result.Passed && d.RandomSource is null))
            if (DiffStats.Of(report, d) is { } s) o.WriteLine($"  {d.Actual} vs {d.Reference} {d.Output}: {s}");
        if (report.Localization is not { } loc) return;
        foreach (var n in loc.Notes) o.WriteLine($"  per-node: {n}");
        foreach (var c in loc.Curves.Where(c => !loc.First.Any(f => f.Reference == c.Reference && f.Actual == c.Actual)))
            o.WriteLine($"  per-node {c.Actual} vs {c.Reference}: {c.Points.Count} node(s) compared, none differs");
        foreach (var f in loc.First)
        {
            o.WriteLine($"  {f}");
            foreach (var i in f.InputStats) o.WriteLine($"    input {i}");
            if (f.Stats is { } s) o.WriteLine($"    error {s}");
        }
    }

    /// <summary>When the verdict is known: the bundle (a failure to write it is exit 2, as any output error).</summary>
    public static int Finish(CliContext ctx, Request? r, string modelPath, int exitCode)
    {
        if (r?.Bundle is not { } dir || r.Report is null || r.Options is null || exitCode is ExitCodes.InputError or ExitCodes.InternalError) return exitCode;
        return ctx.Guard(() =>
        {
            var opts = r.Options;
            var model = LoadedModel.Load(modelPath, opts.Load);
            var inputs = ModelChecker.Inputs(model, opts);
            ReproBundle.Write(dir, r.Report, model, new BundleRequest
            {
                ModelPath = modelPath, Inputs = inputs, CheckArguments = [.. r.RerunArgs, .. r.Tol.SelectMany(t => (string[])["--tol", t])],
                MetaPath = opts.Load.MetaPath, ParamsPath = opts.Load.ParamsPath, Dims = opts.Load.Dims, CommandLine = r.CommandLine, ExitCode = exitCode,
                Verdict = exitCode == ExitCodes.Ok ? "agree" : "differ",
            });
            ctx.Out.WriteLine($"bundle written to {dir} (bash {Path.Combine(dir, "rerun.sh")} reruns it)");
            return exitCode;
        });
    }

    /// <summary><c>run --load-outputs</c>: the run's outputs against golden ones (strict policy, <c>--tol</c>); exit 0 agree, 1 differ.</summary>
    public static int CompareWithLoaded(TextWriter o, IReadOnlyList<(string Name, Tensor Tensor)> outputs, string goldenPath, string[] tol, string path)
    {
        var golden = TensorFiles.Load(goldenPath);
        var results = OutputSetComparer.Compare(golden, outputs, new OutputSetComparer.Options
        {
            Policy = TolerancePolicy.Strict, PerOutput = OutputTolerances.Parse(tol), ReferencePath = "loaded", ActualPath = path,
        }, $"{goldenPath} vs {path}");
        foreach (var r in results)
        {
            o.WriteLine($"  {path} vs loaded {r.Name}: {r.Result}");
            if (!r.Result.Passed && r.Stats is { } s) o.WriteLine($"    {s}");
        }
        var ok = results.All(r => r.Result.Passed);
        o.WriteLine(ok ? $"PASSED: the outputs agree with {goldenPath}" : $"FAILED: {results.Count(r => !r.Result.Passed)} output(s) differ from {goldenPath}");
        return ok ? ExitCodes.Ok : ExitCodes.Mismatch;
    }

    /// <summary>check's arguments a rerun needs besides the files (seed, tolerances, policy, dims).</summary>
    public static string[] RerunArguments(ulong seed, double? rtol, double? atol, TolerancePolicy policy, string[] dims, bool nanMismatch = false,
        bool randomWeights = false)
    {
        var a = new List<string> { "--seed", seed.ToString(CultureInfo.InvariantCulture), "--policy", policy.ToString().ToLowerInvariant() };
        if (rtol is { } r) a.AddRange(["--rtol", r.ToString("R", CultureInfo.InvariantCulture)]);
        if (atol is { } t) a.AddRange(["--atol", t.ToString("R", CultureInfo.InvariantCulture)]);
        foreach (var s in dims) a.AddRange(["--dim", s]);
        if (nanMismatch) a.Add("--nan-mismatch");
        if (randomWeights) a.Add("--random-weights");
        return [.. a];
    }
}
