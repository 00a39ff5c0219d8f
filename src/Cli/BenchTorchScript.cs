using System.Diagnostics;
using System.Globalization;
using Bridge.Core.Files;

namespace Bridge.Cli;

/// <summary>
/// <c>bridge bench --reference model.pt</c>: times the TorchScript import (archive read, aten graph, Relay and Relax translation)
/// and both reference interpreters on the model's feeds (the sibling <c>STEM.inputs.npz</c> or seeded random values).
/// </summary>
internal static class BenchTorchScript
{
    public static void Run(TextWriter o, string path, int repeat, IReadOnlyList<string> shapes)
    {
        var load = new Compat.Check.LoadOptions { Shapes = shapes };
        Compat.Torch.TorchModel? last = null;
        Time(o, $"torchscript import (read + aten graph + relay + relax) {Path.GetFileName(path)}", repeat, () =>
        {
            var m = Compat.Torch.TorchModel.Open(path, shapes);
            _ = m.Relay;
            _ = m.Relax;
            last = m;
        });
        var lm = Compat.Check.LoadedModel.Load(path, load);
        var feeds = lm.MakeInputs(load);
        var tm = lm.Torch!;
        tm.Run("relay", feeds, default);
        tm.Run("relax", feeds, default);
        Time(o, $"relay reference interpreter {Path.GetFileName(path)}", repeat, () => tm.Run("relay", feeds, default));
        Time(o, $"relax reference interpreter {Path.GetFileName(path)}", repeat, () => tm.Run("relax", feeds, default));
        o.WriteLine($"  aten graph: {last!.Graph.Nodes} nodes, {last.Graph.Weights} weights; feeds: {(tm.SiblingFeeds is null ? "seeded random (seed 0)" : "the sibling STEM.inputs.npz")}");
    }

    private static void Time(TextWriter o, string label, int repeat, Action run)
    {
        var times = new List<double>();
        for (var i = 0; i < repeat; i++)
        {
            var sw = Stopwatch.StartNew();
            run();
            times.Add(sw.Elapsed.TotalMilliseconds);
        }
        times.Sort();
        o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {label}: best {times[0]:0.0} ms, median {times[times.Count / 2]:0.0} ms ({repeat} runs)"));
    }
}
