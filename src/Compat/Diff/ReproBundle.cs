using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Bridge.Backends.Reference;
using Bridge.Compat.Check;
using Bridge.Core.Files;
using Bridge.Core.IO;
using Bridge.Ir.Relax.Script;
using Bridge.Ir.Relay.Text;

namespace Bridge.Compat.Diff;

/// <summary>What a repro bundle needs besides the report: the inputs used, the check's options as CLI arguments, the verdict.</summary>
public sealed record BundleRequest
{
    public required string ModelPath { get; init; }
    public required IReadOnlyDictionary<string, Tensor> Inputs { get; init; }
    /// <summary><c>check</c>'s arguments other than MODEL, --inputs, --meta, --params, --bundle, --report, --save/--load-outputs.</summary>
    public required IReadOnlyList<string> CheckArguments { get; init; }
    public string? MetaPath { get; init; }
    public string? ParamsPath { get; init; }
    /// <summary>The <c>--shape</c> sizes of symbolic dims (the converted modules are printed with them).</summary>
    public IReadOnlyDictionary<string, long> Dims { get; init; } = new Dictionary<string, long>();
    /// <summary>The exact command line that produced the bundle (for the record).</summary>
    public required string CommandLine { get; init; }
    public required int ExitCode { get; init; }
    public required string Verdict { get; init; }
}

/// <summary>
/// A repro bundle (<c>bridge check --bundle DIR</c>): the model (and its meta/params files), <c>inputs.npz</c>, each path's outputs
/// (<c>outputs.npz</c>, <c>path/output</c> keys), the converted Relay and Relax modules, <c>report.json</c>, <c>versions.json</c>
/// (Bridge's version and commit, .NET, ONNX Runtime, OS), <c>command.txt</c>, <c>verdict.txt</c> and <c>rerun.sh</c>, which
/// runs the same check on the bundled files with the repository's <c>bridge</c> and exits 0 when it reaches the same verdict
/// (exit code), 1 when not. The directory is written under a temporary name and renamed when complete (no partial bundle).
/// </summary>
public static class ReproBundle
{
    public static void Write(string dir, CheckReport report, LoadedModel model, BundleRequest request)
    {
        var full = Path.GetFullPath(dir);
        var tmp = full.TrimEnd(Path.DirectorySeparatorChar) + $".tmp-{Environment.ProcessId}";
        try
        {
            if (Directory.Exists(tmp)) Directory.Delete(tmp, true);
            Directory.CreateDirectory(Path.Combine(tmp, "model"));
            var modelName = Path.GetFileName(request.ModelPath);
            File.Copy(request.ModelPath, Path.Combine(tmp, "model", modelName));
            string? meta = Copy(request.MetaPath, tmp), pars = Copy(request.ParamsPath, tmp);
            NpzFile.Write(Path.Combine(tmp, "inputs.npz"), request.Inputs.Select(kv => (kv.Key, kv.Value)));
            NpzFile.Write(Path.Combine(tmp, "outputs.npz"), SavedOutputs.Of(report));
            WriteModules(tmp, model, request.Dims);
            File.WriteAllText(Path.Combine(tmp, "report.json"), CheckReportWriter.ToJson(report));
            File.WriteAllText(Path.Combine(tmp, "versions.json"), Versions());
            File.WriteAllText(Path.Combine(tmp, "command.txt"), request.CommandLine + "\n");
            File.WriteAllText(Path.Combine(tmp, "verdict.txt"), $"{request.Verdict}\nexit {request.ExitCode}\n");
            File.WriteAllText(Path.Combine(tmp, "rerun.sh"), RerunScript(modelName, meta, pars, request));
            if (!OperatingSystem.IsWindows())
                File.SetUnixFileMode(Path.Combine(tmp, "rerun.sh"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                    | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
            if (Directory.Exists(full)) Directory.Delete(full, true);
            Directory.Move(tmp, full);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            try { if (Directory.Exists(tmp)) Directory.Delete(tmp, true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            throw new BridgeException(DiffDiagnosticIds.BundleFailed, new SourceLoc.Text(dir, 1, 1), $"cannot write the bundle: {e.Message}");
        }
    }

    private static string? Copy(string? path, string tmp)
    {
        if (path is null) return null;
        var name = Path.GetFileName(path);
        File.Copy(path, Path.Combine(tmp, "model", name), true);
        return name;
    }

    /// <summary>The converted modules; a translation that fails is recorded as such (the report already says why).</summary>
    private static void WriteModules(string tmp, LoadedModel model, IReadOnlyDictionary<string, long> dims)
    {
        void Try(string file, Func<string> print)
        {
            string text;
            try { text = print(); }
            catch (BridgeException e) { text = $"# not converted: {e.Diagnostic.Render()}\n"; }
            File.WriteAllText(Path.Combine(tmp, file), text);
        }
        switch (model.Kind)
        {
            case ModelKind.Onnx:
                var io = ModelChecker.OnnxImportOptionsFor(model.OnnxInputs, dims);
                Try("converted.relay.txt", () => RelayTextWriter.PrintModule(Translators.OnnxToRelay.OnnxToRelayEmitter.Translate(model.Onnx, io).Module));
                Try("converted.relax.py", () => RelaxScriptPrinter.Print(Translators.OnnxToRelax.OnnxToRelaxEmitter.Translate(model.Onnx, io).Module));
                break;
            case ModelKind.RelayText:
                Try("converted.relax.py", () => RelaxScriptPrinter.Print(ModelChecker.Translate(model)));
                break;
        }
    }

    private static string Versions()
    {
        static string? Info(Assembly a) => a.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        var doc = new Dictionary<string, string?>
        {
            ["bridge"] = Info(typeof(ReproBundle).Assembly),
            ["dotnet"] = RuntimeInformation.FrameworkDescription,
            ["onnxruntime"] = Info(typeof(Microsoft.ML.OnnxRuntime.InferenceSession).Assembly),
            ["os"] = RuntimeInformation.OSDescription,
            ["arch"] = RuntimeInformation.ProcessArchitecture.ToString(),
            [KernelFaults.EnvironmentVariable] = KernelFaults.Active?.ToString(),
        };
        return JsonSerializer.Serialize(doc, new JsonSerializerOptions { WriteIndented = true });
    }

    private static string Quote(string s) => "'" + s.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    private static string RerunScript(string modelName, string? meta, string? pars, BundleRequest r)
    {
        var args = new StringBuilder();
        args.Append("check \"$here/model/\"").Append(Quote(modelName)).Append(" --inputs \"$here/inputs.npz\"");
        if (meta is not null) args.Append(" --meta \"$here/model/\"").Append(Quote(meta));
        if (pars is not null) args.Append(" --params \"$here/model/\"").Append(Quote(pars));
        foreach (var a in r.CheckArguments) args.Append(' ').Append(Quote(a));
        var fault = KernelFaults.Active is { } f ? $"export {KernelFaults.EnvironmentVariable}={Quote(f.ToString())}  # the test-only kernel fault the bundle was written under\n" : "";
        return $$"""
            #!/usr/bin/env bash
            # Reruns the check this bundle recorded and compares the verdict (exit code {{r.ExitCode}}: {{r.Verdict}}).
            # bridge: $BRIDGE if set (a command, e.g. /path/to/bridge), else `dotnet run` on the repository at $BRIDGE_REPO, else
            # the repository this script is run from (git rev-parse --show-toplevel), e.g. a fresh clone: cd clone && bash DIR/rerun.sh
            set -u
            here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
            {{fault}}if [ -n "${BRIDGE:-}" ]; then
              bridge() { $BRIDGE "$@"; }
            else
              repo="${BRIDGE_REPO:-$(git rev-parse --show-toplevel 2>/dev/null || true)}"
              if [ -z "$repo" ] || [ ! -f "$repo/src/Cli/Bridge.Cli.csproj" ]; then
                echo "rerun.sh: set BRIDGE to a bridge command, or BRIDGE_REPO to a Bridge checkout, or run from inside one" >&2
                exit 2
              fi
              bridge() { dotnet run --project "$repo/src/Cli/Bridge.Cli.csproj" -c Release -- "$@"; }
            fi
            bridge {{args}}
            code=$?
            if [ "$code" -eq {{r.ExitCode}} ]; then
              echo "REPRODUCED: exit $code ({{r.Verdict}})"
              exit 0
            fi
            echo "NOT REPRODUCED: exit $code, the bundle recorded {{r.ExitCode}} ({{r.Verdict}})"
            exit 1

            """;
    }
}
