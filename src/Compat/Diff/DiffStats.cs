using Bridge.Compat.Check;

namespace Bridge.Compat.Diff;

/// <summary>Error statistics of one comparison of a check report, from the compared paths' outputs (null when not available).</summary>
public static class DiffStats
{
    public static ErrorStats? Of(CheckReport report, OutputDiff d)
    {
        var rp = report.Paths.FirstOrDefault(p => p.Name == d.Reference && p.Ok);
        var ap = report.Paths.FirstOrDefault(p => p.Name == d.Actual && p.Ok);
        if (rp is null || ap is null) return null;
        var i = IndexOf(rp.Outputs!, d.Output);
        if (i < 0) return null;
        var j = IndexOf(ap.Outputs!, d.Output);
        if (j < 0) j = i < ap.Outputs!.Count ? i : -1;
        return j < 0 ? null : ErrorStats.Of(ap.Outputs![j].Tensor, rp.Outputs![i].Tensor, d.Result.Options);
    }

    private static int IndexOf(IReadOnlyList<(string Name, Core.Tensors.Tensor Tensor)> outputs, string name)
    {
        for (var i = 0; i < outputs.Count; i++) if (outputs[i].Name == name) return i;
        return -1;
    }
}
