using System.CommandLine;
using YamlDotNet.RepresentationModel;

namespace Bridge.Cli.Tests;

/// <summary>deploy/k8s/zoo-job.yaml and deploy/slurm/zoo.sbatch: the manifests a cluster runs, validated here (no cluster).</summary>
public class DeployManifestTests
{
    private static string Repo()
    {
        var d = new DirectoryInfo(TestContext.CurrentContext.TestDirectory);
        while (d is not null && !Directory.Exists(Path.Combine(d.FullName, "deploy"))) d = d.Parent;
        return d!.FullName;
    }

    private static List<YamlMappingNode> Documents(string path)
    {
        var stream = new YamlStream();
        using var reader = new StreamReader(path);
        stream.Load(reader);
        return [.. stream.Documents.Select(d => (YamlMappingNode)d.RootNode)];
    }

    private static YamlNode At(YamlNode node, params string[] path)
    {
        foreach (var key in path)
        {
            Assert.That(node, Is.InstanceOf<YamlMappingNode>(), $"{key}: parent is not a mapping");
            var map = (YamlMappingNode)node;
            Assert.That(map.Children.ContainsKey(new YamlScalarNode(key)), $"missing field {string.Join(".", path)}");
            node = map.Children[new YamlScalarNode(key)];
        }
        return node;
    }

    private static string S(YamlNode n, params string[] path) => ((YamlScalarNode)At(n, path)).Value!;

    private static ParseResult ParseBridge(IEnumerable<string> args) => Program.BuildRoot(TextWriter.Null, TextWriter.Null).Parse([.. args]);

    [Test]
    public void The_Kubernetes_Indexed_Job_Is_Consistent_And_Its_Command_Lines_Parse()
    {
        var docs = Documents(Path.Combine(Repo(), "deploy", "k8s", "zoo-job.yaml"));
        var shards = docs.Single(d => S(d, "kind") == "Job" && S(d, "metadata", "name") == "bridge-zoo");
        Assert.That(S(shards, "apiVersion"), Is.EqualTo("batch/v1"));
        Assert.That(S(shards, "spec", "completionMode"), Is.EqualTo("Indexed"));
        var completions = int.Parse(S(shards, "spec", "completions"), System.Globalization.CultureInfo.InvariantCulture);
        Assert.That(int.Parse(S(shards, "spec", "parallelism"), System.Globalization.CultureInfo.InvariantCulture), Is.LessThanOrEqualTo(completions));
        Assert.That(S(shards, "spec", "template", "spec", "restartPolicy"), Is.EqualTo("Never"));
        var container = (YamlMappingNode)((YamlSequenceNode)At(shards, "spec", "template", "spec", "containers")).Children[0];

        // The completion index reaches the command line through an env var the args expand.
        var env = ((YamlSequenceNode)At(container, "env")).Children.Cast<YamlMappingNode>().Single(e => S(e, "name") == "SHARD_INDEX");
        Assert.That(S(env, "valueFrom", "fieldRef", "fieldPath"), Is.EqualTo("metadata.annotations['batch.kubernetes.io/job-completion-index']"));
        var command = ((YamlSequenceNode)At(container, "command")).Children.Select(c => ((YamlScalarNode)c).Value!).ToList();
        var args = ((YamlSequenceNode)At(container, "args")).Children.Select(c => ((YamlScalarNode)c).Value!).ToList();
        Assert.That(command, Is.EqualTo(new[] { "bridge" }));

        // Every pod's shard, expanded as Kubernetes would, parses with bridge's own parser and the shards cover 0..N-1 once.
        var outs = new List<string>();
        for (var i = 0; i < completions; i++)
        {
            var expanded = args.Select(a => a.Replace("$(SHARD_INDEX)", i.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)).ToList();
            var parsed = ParseBridge(expanded);
            Assert.That(parsed.Errors, Is.Empty, string.Join("; ", parsed.Errors.Select(e => e.Message)));
            Assert.That(parsed.CommandResult.Command.Name, Is.EqualTo("zoo"));
            Assert.That(parsed.GetValue<string>("--shard"), Is.EqualTo($"{i}/{completions}"), "--shard N must equal completions");
            Assert.That(Compat.Zoo.ZooShard.Parse(parsed.GetValue<string>("--shard")!), Is.EqualTo(new Compat.Zoo.ZooShard(i, completions)));
            Assert.That(parsed.GetValue<bool>("--resume"), "a retried pod must resume");
            outs.Add(parsed.GetValue<string>("--output")!);
        }
        Assert.That(outs, Is.Unique);

        // OUT is on the shared volume, mounted writable; the merge Job names exactly the shards' folders.
        var mounts = ((YamlSequenceNode)At(container, "volumeMounts")).Children.Cast<YamlMappingNode>().ToDictionary(m => S(m, "mountPath"), m => S(m, "name"));
        Assert.That(outs.All(o => o.StartsWith("/out/", StringComparison.Ordinal)) && mounts.ContainsKey("/out"));
        var volumes = ((YamlSequenceNode)At(shards, "spec", "template", "spec", "volumes")).Children.Cast<YamlMappingNode>()
            .ToDictionary(v => S(v, "name"), v => S(v, "persistentVolumeClaim", "claimName"));
        var claim = docs.Single(d => S(d, "kind") == "PersistentVolumeClaim" && S(d, "metadata", "name") == volumes[mounts["/out"]]);
        Assert.That(((YamlSequenceNode)At(claim, "spec", "accessModes")).Children.Select(c => ((YamlScalarNode)c).Value), Does.Contain("ReadWriteMany"));

        var merge = docs.Single(d => S(d, "kind") == "Job" && S(d, "metadata", "name") == "bridge-zoo-merge");
        var margs = ((YamlSequenceNode)At((YamlMappingNode)((YamlSequenceNode)At(merge, "spec", "template", "spec", "containers")).Children[0], "args"))
            .Children.Select(c => ((YamlScalarNode)c).Value!).ToList();
        var mparsed = ParseBridge(margs);
        Assert.That(mparsed.Errors, Is.Empty, string.Join("; ", mparsed.Errors.Select(e => e.Message)));
        Assert.That(mparsed.CommandResult.Command.Name, Is.EqualTo("merge"));
        Assert.That(mparsed.GetValue<string[]>("OUT"), Is.EquivalentTo(outs));
    }

    [Test]
    public void The_Slurm_Batch_Script_Runs_One_Resumable_Shard_Per_Array_Task()
    {
        var text = File.ReadAllText(Path.Combine(Repo(), "deploy", "slurm", "zoo.sbatch"));
        Assert.That(text, Does.StartWith("#!/bin/bash"));
        Assert.That(text, Does.Contain("--shard \"$I/$COUNT\"").And.Contain("--resume").And.Contain("#SBATCH --requeue"));
        // Bash itself checks the syntax.
        using var p = System.Diagnostics.Process.Start("bash", ["-n", Path.Combine(Repo(), "deploy", "slurm", "zoo.sbatch")]);
        p.WaitForExit();
        Assert.That(p.ExitCode, Is.EqualTo(0));
        using var q = System.Diagnostics.Process.Start("bash", ["-n", Path.Combine(Repo(), "scripts", "zoo-slurm.sh")]);
        q.WaitForExit();
        Assert.That(q.ExitCode, Is.EqualTo(0));
    }
}
