using System.Diagnostics;
using Bridge.Importers.Tests.Onnx;

namespace Bridge.Importers.Tests.TorchScript;

/// <summary>
/// Runs gen_torchscript.py (torch 1.13 under /usr/bin/python3) once per test run into a temp folder. Tests needing it are
/// Inconclusive only when that Python or torch is absent, never silently passed.
/// </summary>
internal static class TorchScriptFixtures
{
    private static readonly Lazy<string> s_dir = new(Generate);

    public static string Dir => s_dir.Value;
    public static string Archive(string name) => Path.Combine(Dir, name + ".pt");
    public static string Evil(string name) => Path.Combine(Dir, "evil", name + ".pt");
    public static string Marker => Path.Combine(Dir, "PWNED");

    /// <summary>The tensors torch dumped next to archive <paramref name="name"/>: dotted name → (dtype, shape, raw bytes).</summary>
    public static Dictionary<string, (DataType DType, long[] Shape, byte[] Bytes)> Expected(string name)
    {
        var d = Path.Combine(Dir, name + ".tensors");
        var result = new Dictionary<string, (DataType, long[], byte[])>();
        foreach (var line in File.ReadAllLines(Path.Combine(d, "index.txt")))
        {
            var parts = line.Split(' ');
            var dt = parts[1] switch
            {
                "float32" => DataType.Float32, "float64" => DataType.Float64, "float16" => DataType.Float16, "bfloat16" => DataType.BFloat16,
                "int64" => DataType.Int64, "int32" => DataType.Int32, "int16" => DataType.Int16, "int8" => DataType.Int8,
                "uint8" => DataType.UInt8, "bool" => DataType.Bool, _ => throw new InvalidOperationException(parts[1]),
            };
            var shape = parts.Length < 3 || parts[2].Length == 0 ? [] : parts[2].Split(',').Select(long.Parse).ToArray();
            result[parts[0]] = (dt, shape, File.ReadAllBytes(Path.Combine(d, parts[0] + ".bin")));
        }
        return result;
    }

    private static string Generate()
    {
        const string python = "/usr/bin/python3";
        if (!File.Exists(python)) Assert.Inconclusive("/usr/bin/python3 (with torch) is required to generate the TorchScript fixtures");
        var script = Path.Combine(OnnxFixtures.RepoRoot(), "tests", "Bridge.Importers.Tests", "TorchScript", "gen_torchscript.py");
        var dir = Path.Combine(Path.GetTempPath(), $"bridge-ts-fixtures-{Environment.ProcessId}");
        if (Directory.Exists(dir)) Directory.Delete(dir, true);
        var psi = new ProcessStartInfo(python, [script, dir]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEnd();
        if (!p.WaitForExit(300_000)) { p.Kill(true); throw new TimeoutException("gen_torchscript.py timed out"); }
        if (p.ExitCode != 0)
        {
            if (stderr.Contains("No module named 'torch", StringComparison.Ordinal)) Assert.Inconclusive("torch is not installed for /usr/bin/python3");
            throw new InvalidOperationException($"gen_torchscript.py failed ({p.ExitCode}): {stderr}{stdout.Result}");
        }
        return dir;
    }
}
