namespace Bridge.Translators.Torch;

/// <summary>
/// The view ops whose results alias their input in torch, so that an in-place write into the result reaches the input
/// (functionalised in <c>TorchScriptEvaluator.Inplace.cs</c>): <c>view</c>/<c>view_as</c>/<c>unsqueeze</c>/<c>squeeze</c> always,
/// <c>reshape</c>/<c>reshape_as</c>/<c>flatten</c> when the input is contiguous (otherwise torch copies), and the permutations
/// <c>t</c>/<c>transpose</c>/<c>swapaxes</c>/<c>permute</c>. The rules themselves are the shape rules; this wraps them.
/// </summary>
internal static partial class Aten
{
    private static void RegisterViewAliases()
    {
        foreach (var name in new[] { "view", "view_as", "unsqueeze", "squeeze", "reshape", "reshape_as", "flatten" })
        {
            var inner = s_rules["aten::" + name];
            var copiesWhenStrided = name is "reshape" or "reshape_as" or "flatten";
            s_rules["aten::" + name] = (ev, c) =>
            {
                var r = inner(ev, c);
                if (r is TensorRef v && Arg(c, 0, "self") is TensorRef b && (!copiesWhenStrided || ev.IsContiguous(b))) ev.RecordAlias(v, b, null);
                return r;
            };
        }
        foreach (var name in new[] { "t", "transpose", "swapaxes", "permute" })
        {
            var inner = s_rules["aten::" + name];
            s_rules["aten::" + name] = (ev, c) =>
            {
                var r = inner(ev, c);
                if (r is TensorRef v && Arg(c, 0, "self") is TensorRef b && v.Name != b.Name) ev.RecordAlias(v, b, PermOf(ev, c, name, b.Rank));
                return r;
            };
        }
    }

    private static long[] PermOf(TorchScriptEvaluator ev, AtenCall c, string name, int rank)
    {
        if (name == "permute") return [.. Ls(ev, c, 1, "dims").Select(d => (long)Axis(ev, c, d, rank))];
        var (a, b) = name == "t" ? (0, 1) : (Axis(ev, c, L(ev, c, 1, "dim0"), rank), Axis(ev, c, L(ev, c, 2, "dim1"), rank));
        return [.. Enumerable.Range(0, rank).Select(i => (long)(i == a ? b : i == b ? a : i))];
    }
}
