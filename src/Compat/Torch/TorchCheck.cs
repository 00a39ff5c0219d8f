using System.Diagnostics;
using Bridge.Compat.Check;
using Bridge.Core.Diagnostics;
using Bridge.Core.Tensors;

namespace Bridge.Compat.Torch;

/// <summary>
/// <c>bridge check model.pt</c>: TorchScript → aten → Relay on the Relay interpreter and → Relax on the Relax interpreter, both on
/// the same feeds, and torch itself as the reference where its outputs are known: the corpus's saved <c>STEM.outputs.npz</c> when
/// the feeds are the saved inputs (path <c>torch</c>). Each pair is compared (torch first: framework tolerances).
/// </summary>
public static class TorchCheck
{
    public static void Run(CheckReport report, LoadedModel model, IReadOnlyDictionary<string, Tensor> inputs, CheckOptions options)
    {
        var tm = model.Torch!;
        var relay = Timed("relay", () => tm.Run("relay", inputs, options.Cancellation));
        var relax = Timed("relax", () => tm.Run("relax", inputs, options.Cancellation));
        PathRun? torch = null;
        if (tm.SavedTorchOutputs(inputs) is { } saved)
            torch = new PathRun("torch", saved, null, 0);
        else
            report.Skipped.Add(("torch", tm.SiblingFeeds is null
                ? "no torch outputs for these inputs (the archive has no sibling STEM.outputs.npz)"
                : "the feeds are not the saved STEM.inputs.npz, so torch's saved outputs do not apply"));
        if (torch is not null) report.Paths.Add(torch);
        report.Paths.Add(relay);
        report.Paths.Add(relax);
        if (torch is not null && relay.Ok) Compare(report, torch, relay, options);
        if (torch is not null && relax.Ok) Compare(report, torch, relax, options);
        if (relay.Ok && relax.Ok) Compare(report, relay, relax, options);
    }

    private static PathRun Timed(string name, Func<IReadOnlyList<(string, Tensor)>> run)
    {
        var sw = Stopwatch.StartNew();
        try
        {
            return new PathRun(name, run(), null, sw.Elapsed.TotalSeconds);
        }
        catch (BridgeException ex)
        {
            return new PathRun(name, null, ex.Diagnostic, sw.Elapsed.TotalSeconds);
        }
        catch (OperationCanceledException)
        {
            return new PathRun(name, null, Diagnostic.Error(Backends.Reference.InterpDiagnosticIds.Cancelled, SourceLoc.Unknown.Instance, $"{name}: cancelled (timeout)"), sw.Elapsed.TotalSeconds);
        }
    }

    private static void Compare(CheckReport report, PathRun reference, PathRun actual, CheckOptions o)
    {
        var (a, b) = (reference.Outputs!, actual.Outputs!);
        if (a.Count != b.Count)
        {
            report.Diffs.Add(new OutputDiff(reference.Name, actual.Name, $"{a.Count} vs {b.Count} outputs", new CompareResult { Passed = false, ShapeMismatch = true }));
            return;
        }
        for (var i = 0; i < a.Count; i++)
        {
            var tol = Tolerances.For(a[i].Tensor.DType, reference.Name, actual.Name, o.Policy, o.Rtol, o.Atol);
            report.Diffs.Add(new OutputDiff(reference.Name, actual.Name, a[i].Name, TensorCompare.Compare(b[i].Tensor, a[i].Tensor, tol)));
        }
    }
}
