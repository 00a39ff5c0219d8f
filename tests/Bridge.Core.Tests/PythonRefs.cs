using System.Diagnostics;

namespace Bridge.Core.Tests;

/// <summary>Runs the checked-in Python helpers with /usr/bin/python3 (numpy); tests are ignored when python3 or numpy is absent.</summary>
internal static class PythonRefs
{
    private static readonly Lazy<string?> s_refDir = new(() =>
    {
        var dir = Path.Combine(Path.GetTempPath(), "bridge-core-refs-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        var (rc, output) = Run("make_tensor_refs.py", dir);
        return rc == 0 ? dir : null;
    });

    public static string Python => File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";

    /// <summary>The folder with numpy-written reference files; ignores the calling test when they cannot be made.</summary>
    public static string RefDir
    {
        get
        {
            if (!HasNumpy()) Assert.Ignore("python3 with numpy is not available");
            return s_refDir.Value ?? throw new InvalidOperationException("make_tensor_refs.py failed although numpy is present");
        }
    }

    private static bool? s_hasNumpy;

    public static bool HasNumpy()
    {
        if (s_hasNumpy is null)
        {
            try { s_hasNumpy = RunRaw("-c \"import numpy\"").Rc == 0; }
            catch (System.ComponentModel.Win32Exception) { s_hasNumpy = false; }
        }
        return s_hasNumpy.Value;
    }

    public static (int Rc, string Output) Run(string script, params string[] args)
    {
        var path = Path.Combine(TestContext.CurrentContext.TestDirectory, "Python", script);
        return RunRaw(string.Join(' ', new[] { path }.Concat(args).Select(a => "\"" + a + "\"")));
    }

    private static (int Rc, string Output) RunRaw(string args)
    {
        var psi = new ProcessStartInfo(Python, args) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        using var p = Process.Start(psi)!;
        var o = p.StandardOutput.ReadToEndAsync();
        var e = p.StandardError.ReadToEndAsync();
        p.WaitForExit();
        return (p.ExitCode, o.Result + e.Result);
    }
}
