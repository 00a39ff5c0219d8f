using System.Text.RegularExpressions;

namespace Bridge.Compat.Torch;

/// <summary>
/// Finds the shared libpython that <see cref="TorchReference"/> embeds, without PyPI and without running Python: the
/// <c>BRIDGE_PYTHON_DLL</c> environment variable (taken as given), else pythonnet's own <c>PYTHONNET_PYDLL</c>, else the
/// <c>libpython3.X.so</c> of the Python that <c>/usr/bin/python3</c> links to (Debian's, where <c>apt-get install python3-torch</c>
/// puts torch), found through <c>ldconfig -p</c> or the usual library folders; the highest 3.X when <c>/usr/bin/python3</c> is absent.
/// </summary>
public static partial class PythonLocator
{
    public const string EnvVar = "BRIDGE_PYTHON_DLL";

    private static readonly string[] s_libDirs =
        ["/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib64", "/usr/lib", "/usr/local/lib"];

    /// <summary>The library to load and where the choice came from (for messages), or null with what was tried.</summary>
    public static (string? Path, string Origin) Find()
    {
        if (Environment.GetEnvironmentVariable(EnvVar) is { Length: > 0 } given) return (given, $"${EnvVar}");
        if (Environment.GetEnvironmentVariable("PYTHONNET_PYDLL") is { Length: > 0 } py) return (py, "$PYTHONNET_PYDLL");
        var candidates = new List<string>();
        candidates.AddRange(FromLdconfig());
        foreach (var dir in s_libDirs)
            if (Directory.Exists(dir))
                candidates.AddRange(Directory.EnumerateFiles(dir, "libpython3*.so*").Where(f => LibName().IsMatch(Path.GetFileName(f))));
        var wanted = SystemPythonVersion();
        var best = candidates.Distinct(StringComparer.Ordinal)
            .Select(f => (Path: f, Version: VersionOf(f)))
            .Where(c => c.Version is not null && File.Exists(c.Path))
            .OrderByDescending(c => c.Version == wanted)
            .ThenByDescending(c => c.Version!.Value)
            .Select(c => c.Path)
            .FirstOrDefault();
        return best is null
            ? (null, $"no libpython3.X.so in ldconfig or {string.Join(", ", s_libDirs)}")
            : (best, wanted is { } w ? $"libpython of /usr/bin/python3 (3.{w})" : "the newest libpython3.X.so found");
    }

    /// <summary>The minor version of <c>/usr/bin/python3</c> from its link target (<c>python3.11</c> → 11), or null.</summary>
    private static int? SystemPythonVersion()
    {
        try
        {
            var target = new FileInfo("/usr/bin/python3").ResolveLinkTarget(returnFinalTarget: true)?.Name;
            var m = target is null ? null : PyVersion().Match(target);
            return m is { Success: true } ? int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : null;
        }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
    }

    private static int? VersionOf(string path)
    {
        var m = LibName().Match(Path.GetFileName(path));
        return m.Success ? int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : null;
    }

    private static IEnumerable<string> FromLdconfig()
    {
        foreach (var exe in new[] { "/sbin/ldconfig", "/usr/sbin/ldconfig" })
        {
            if (!File.Exists(exe)) continue;
            string text;
            try
            {
                var psi = new System.Diagnostics.ProcessStartInfo(exe, "-p") { RedirectStandardOutput = true, UseShellExecute = false };
                using var p = System.Diagnostics.Process.Start(psi)!;
                text = p.StandardOutput.ReadToEnd();
                p.WaitForExit();
            }
            catch (System.ComponentModel.Win32Exception) { continue; }
            foreach (var line in text.Split('\n'))
            {
                var arrow = line.IndexOf("=> ", StringComparison.Ordinal);
                if (arrow > 0 && line.Contains("libpython3.", StringComparison.Ordinal)) yield return line[(arrow + 3)..].Trim();
            }
            yield break;
        }
    }

    [GeneratedRegex(@"^libpython3\.(\d+)\.so(\.[\d.]+)?$")]
    private static partial Regex LibName();

    [GeneratedRegex(@"^python3\.(\d+)$")]
    private static partial Regex PyVersion();
}
