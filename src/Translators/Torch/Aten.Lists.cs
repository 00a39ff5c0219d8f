namespace Bridge.Translators.Torch;

/// <summary>
/// <c>aten::any</c>/<c>aten::all</c> on Python lists of bools (TorchScript's builtin <c>any(list)</c>/<c>all(list)</c>, e.g. the
/// device checks of MultiheadAttention's fast-path test): folded at translation; on tensors the reduction rules apply.
/// Registered after the tensor rules, which it wraps.
/// </summary>
internal static partial class Aten
{
    private static void RegisterListFolds()
    {
        foreach (var (name, all) in new[] { ("any", false), ("all", true) })
        {
            var onTensors = s_rules["aten::" + name];
            R((ev, c) => Arg(c, 0, "self") is List<object?> or PyTupleValue
                ? (all ? ev.Items(Arg(c, 0, "self"), c.Pos).All(x => ev.Truthy(x, c.Pos)) : ev.Items(Arg(c, 0, "self"), c.Pos).Any(x => ev.Truthy(x, c.Pos)))
                : onTensors(ev, c), name);
        }
    }
}
