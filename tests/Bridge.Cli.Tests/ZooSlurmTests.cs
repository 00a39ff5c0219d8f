using System.Diagnostics;

namespace Bridge.Cli.Tests;

/// <summary>
/// scripts/zoo-slurm.sh on a one-node Slurm it starts itself (issue 19): a corpus subset as 3 shards, merged, equals a
/// single-process run row for row. Needs root (or an installed slurm-wlm + munge) and ~1 minute.
/// </summary>
[NonParallelizable]
[Category("Cluster")]
public class ZooSlurmTests
{
    private static string Repo()
    {
        var d = new DirectoryInfo(TestContext.CurrentContext.TestDirectory);
        while (d is not null && !Directory.Exists(Path.Combine(d.FullName, "deploy"))) d = d.Parent;
        return d!.FullName;
    }

    [Test]
    public void Three_Slurm_Shards_Merged_Equal_A_Single_Process_Run()
    {
        var dir = Directory.CreateTempSubdirectory("bridge-zoo-slurm-").FullName;
        try
        {
            var models = Path.Combine(dir, "models");
            Directory.CreateDirectory(models);
            var text = Path.Combine(Repo(), "corpora", "relay", "text");
            var picked = Directory.GetFiles(text, "*.relay").Order(StringComparer.Ordinal).Where((_, i) => i % 8 == 0).Take(9).ToList();
            foreach (var f in picked)
            {
                File.Copy(f, Path.Combine(models, Path.GetFileName(f)));
                var consts = Path.ChangeExtension(f, ".consts.json");
                if (File.Exists(consts)) File.Copy(consts, Path.Combine(models, Path.GetFileName(consts)));
            }
            var bridge = Path.Combine(TestContext.CurrentContext.TestDirectory, "bridge");
            var single = Path.Combine(dir, "single");
            Assert.That(Program.Run(["zoo", models, "-o", single, "--jobs", "1", "--allow-failures"], TextWriter.Null, TextWriter.Null), Is.EqualTo(0));

            var psi = new ProcessStartInfo(Path.Combine(Repo(), "scripts", "zoo-slurm.sh"), [models, Path.Combine(dir, "slurm"), "--shards", "3", "--", "--allow-failures"])
            {
                RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
                Environment = { ["BRIDGE"] = bridge, ["BRIDGE_SLURM_STATE"] = Path.Combine(dir, "slurm-state") },
            };
            using var p = Process.Start(psi)!;
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEndAsync();
            Assert.That(p.WaitForExit(TimeSpan.FromMinutes(4)), "zoo-slurm.sh did not finish in 4 minutes");
            Assert.That(p.ExitCode, Is.EqualTo(0), stdout.Result + stderr.Result);
            TestContext.Out.WriteLine(stdout.Result);

            static List<string> Rows(string d) => [.. File.ReadAllLines(Path.Combine(d, "report.csv")).Select(l => l[..l.LastIndexOf(',')])];
            var merged = Path.Combine(dir, "slurm", "merged");
            Assert.That(Rows(merged), Is.EqualTo(Rows(single)));
            Assert.That(Rows(merged), Has.Count.EqualTo(picked.Count + 1));
            for (var i = 0; i < 3; i++) Assert.That(File.Exists(Path.Combine(dir, "slurm", "shard-" + i, "selection.json")), $"shard {i} did not run");
            Assert.That(stdout.Result, Does.Contain("models/min"));
        }
        finally
        {
            // The script waits for the daemons it stopped; a late write into the state folder still gets a few retries.
            for (var attempt = 0; ; attempt++)
            {
                try { Directory.Delete(dir, recursive: true); break; }
                catch (IOException) when (attempt < 20) { Thread.Sleep(250); }
            }
        }
    }
}
