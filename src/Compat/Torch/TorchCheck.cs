using System.Diagnostics;
using Bridge.Compat.Check;

namespace Bridge.Compat.Torch;

/// <summary>
/// <c>bridge check model.pt</c>: TorchScript → aten → Relay on the Relay interpreter and → Relax on the Relax interpreter, both on
/// the same feeds, and torch itself as the reference: with <c>--reference torch</c> PyTorch runs the archive live (path <c>torch</c>,
/// <see cref="TorchReference"/>) and the corpus's saved outputs, when they apply, become path <c>torch-saved</c> compared with it;
/// otherwise the saved <c>STEM.outputs.npz</c> is path <c>torch</c> when the feeds are the saved inputs. Each pair is compared
/// (torch first: framework tolerances).
/// </summary>
public static class TorchCheck
{
    public static void Run(CheckReport report, LoadedModel model, IReadOnlyDictionary<string, Tensor> inputs, CheckOptions options)
    {
        var tm = model.Torch!;
        var live = string.Equals(options.Reference, "torch", StringComparison.OrdinalIgnoreCase);
        // PyTorch first: when it cannot start (no Python, no torch) nothing else is worth running; the user asked for it.
        PathRun? torch = live ? Timed("torch", () => tm.RunTorch(inputs, options.Cancellation)) : null;
        if (torch is { Ok: false } && torch.Error!.Id is var id && (id == CompatDiagnosticIds.TorchPythonMissing || id == CompatDiagnosticIds.TorchMissing))
            throw new BridgeException(torch.Error);
        var relay = Timed("relay", () => tm.Run("relay", inputs, options.Cancellation));
        var relax = Timed("relax", () => tm.Run("relax", inputs, options.Cancellation));
        PathRun? saved = null;
        if (tm.SavedTorchOutputs(inputs) is { } outs)
            saved = new PathRun(live ? "torch-saved" : "torch", outs, null, 0);
        else
            report.Skipped.Add((live ? "torch-saved" : "torch", tm.SiblingFeeds is null
                ? "no torch outputs for these inputs (the archive has no sibling STEM.outputs.npz)" + (live ? "" : "; --reference torch runs PyTorch itself")
                : "the feeds are not the saved STEM.inputs.npz, so torch's saved outputs do not apply" + (live ? "" : "; --reference torch runs PyTorch itself")));
        if (torch is not null) report.Paths.Add(torch);
        if (saved is not null) report.Paths.Add(saved);
        report.Paths.Add(relay);
        report.Paths.Add(relax);
        var reference = torch is { Ok: true } ? torch : saved;
        if (torch is { Ok: true } && saved is not null) Compare(report, torch, saved, options);
        if (reference is { Ok: true } && relay.Ok) Compare(report, reference, relay, options);
        if (reference is { Ok: true } && relax.Ok) Compare(report, reference, relax, options);
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
