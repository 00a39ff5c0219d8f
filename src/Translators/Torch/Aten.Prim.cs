using System.Globalization;
using System.Text;
using Bridge.Importers.TorchScript.Pickle;

namespace Bridge.Translators.Torch;

/// <summary>prim:: ops and the aten ops TorchScript uses on Python values (sizes, ints, lists, strings): folded at translation.</summary>
internal static partial class Aten
{
    /// <summary>A dim as Python sees it: an int, or for a symbolic dim its run-time scalar (docs/torchscript.md "Symbolic dims").</summary>
    internal static object SizeValue(TorchScriptEvaluator ev, long d) => ev.Graph.IsSymbolic(d) ? ev.Graph.DimScalar(d) : d;

    private static void RegisterPrim()
    {
        R((ev, c) =>
        {
            var t = T(ev, c, 0);
            if (!Has(c, 1, "dim")) return t.Shape.Select(x => SizeValue(ev, x)).ToList();
            return SizeValue(ev, t.Shape[Axis(ev, c, L(ev, c, 1, "dim"), t.Rank)]);
        }, "size");
        R((ev, c) => (long)T(ev, c, 0).Rank, "dim");
        R((ev, c) => T(ev, c, 0).Shape.Aggregate((object?)1L, (a, b) => ev.Binary("*", a, SizeValue(ev, b), c.Pos)), "numel");
        R((ev, c) => Arg(c, 0, "a") switch
        {
            TensorRef t => SizeValue(ev, t.Shape[0]),
            string s => (long)s.Length,
            Dictionary<object, object?> d => (long)d.Count,
            var x => (long)ev.Items(x, c.Pos).Count,
        }, "len");
        foreach (var (name, op) in new[] { ("eq", "=="), ("ne", "!="), ("lt", "<"), ("gt", ">"), ("le", "<="), ("ge", ">="), ("add", "+"), ("sub", "-"), ("mul", "*"),
                     ("div", "/"), ("floordiv", "//"), ("floor_divide", "//"), ("remainder", "%"), ("pow", "**"), ("__and__", "&"), ("__or__", "|"), ("__xor__", "^"),
                     ("__iand__", "&"), ("__ior__", "|"), ("__ixor__", "^"), ("__lshift__", "<<"), ("__rshift__", ">>") })
        {
            R((ev, c) => c.Args.Count >= 2 && Arg(c, 0, "a") is not TensorRef && Arg(c, 1, "b") is not TensorRef
                ? Fold(ev, op, c.Args[0], c.Args[1], c.Pos)
                : (s_rules.TryGetValue("tensor::" + name, out var tr) ? tr(ev, c) : throw ev.Error(TorchDiagnosticIds.UnsupportedOp, c.Pos, $"{c.Op} on tensors")), name);
        }
        R((ev, c) => Fold(ev, "is", Arg(c, 0, "a"), Arg(c, 1, "b"), c.Pos), "__is__");
        R((ev, c) => Fold(ev, "is not", Arg(c, 0, "a"), Arg(c, 1, "b"), c.Pos), "__isnot__");
        R((ev, c) => Arg(c, 0, "a") is TensorRef t ? Unary(ev, "Not", ev.ToBoolScalar(t)) : !ev.Truthy(Arg(c, 0, "a"), c.Pos), "__not__");
        R((ev, c) => Fold(ev, "in", Arg(c, 1, "b"), Arg(c, 0, "a"), c.Pos), "__contains__");
        R((ev, c) => Arg(c, 0, "a") is TensorRef t ? ev.Scalarize(ev.Cast(t.Rank == 0 ? t : Reshape(ev, t, []), DataType.Int64), false) : Arg(c, 0, "a") switch { double d => (long)Math.Truncate(d), var x => x }, "Int", "IntImplicit");
        R((ev, c) => Arg(c, 0, "a") is TensorRef t ? ev.Scalarize(ev.Cast(t.Rank == 0 ? t : Reshape(ev, t, []), DataType.Float32), true) : Arg(c, 0, "a") switch { long l => (double)l, var x => x }, "Float", "FloatImplicit");
        R((ev, c) => Arg(c, 0, "a") is TensorRef t ? ev.ToBoolScalar(t) : ev.Truthy(Arg(c, 0, "a"), c.Pos), "Bool");
        R((ev, c) => Arg(c, 0, "a") is TensorRef t ? ev.Scalarize(t, t.DType.IsFloat) : Arg(c, 0, "a"), "ScalarImplicit", "prim::ImplicitTensorToNum");
        R((ev, c) => Arg(c, 0, "a"), "prim::NumToTensor", "prim::unchecked_cast", "warn", "prim::data");
        R((ev, c) => Arg(c, 0, "a") switch { double d => (object)(long)Math.Floor(d), long l => l, _ => Unary(ev, "Floor", T(ev, c, 0)) }, "floor");
        R((ev, c) => Arg(c, 0, "a") switch { double d => (object)(long)Math.Ceiling(d), long l => l, _ => Unary(ev, "Ceil", T(ev, c, 0)) }, "ceil");
        R((ev, c) => Arg(c, 0, "a") is TensorRef ? s_rules["tensor::sqrt"](ev, c) : Math.Sqrt(D(ev, c, 0, "a")), "sqrt");
        R((ev, c) => (long)ScalarTypeOf(T(ev, c, 0).DType), "prim::dtype");
        R((ev, c) => new TorchDevice("cpu"), "prim::device", "device");
        // Inference: no CUDA, no nesting, no autocast. Grad counts as enabled and weights as requiring it, so torch's fused
        // inference fast paths (e.g. _transformer_encoder_layer_fwd) are declined and the composite code is translated.
        R((ev, c) => false, "prim::is_cuda", "prim::is_nested", "prim::is_sparse", "prim::is_quantized", "prim::is_mkldnn", "is_autocast_enabled", "is_autocast_cpu_enabled");
        R((ev, c) => true, "is_grad_enabled", "prim::requires_grad");
        R((ev, c) => Arg(c, 0, "self") is TensorRef t && t.DType.IsFloat, "is_floating_point");
        R((ev, c) => throw ev.Error(TorchDiagnosticIds.Raised, c.Pos, "the model raises on this path: " + TorchScriptEvaluator.Describe(Arg(c, 0, "msg"))), "prim::RaiseException");
        R((ev, c) => Format(ev, c), "format");
        R((ev, c) => Arg(c, 0, "l") is string s ? s.Select(ch => (object?)ch.ToString()).ToList() : ev.Items(Arg(c, 0, "l"), c.Pos).ToList(), "list");
        R((ev, c) => { ((List<object?>)Arg(c, 0, "self")!).Add(Arg(c, 1, "el")); return Arg(c, 0, "self"); }, "append");
        R((ev, c) => Arg(c, 0, "self") is List<object?> l ? l[(int)Norm(L(ev, c, 1, "idx"), l.Count)] : ev.Items(Arg(c, 0, "self"), c.Pos)[(int)Norm(L(ev, c, 1, "idx"), ev.Items(Arg(c, 0, "self"), c.Pos).Count)], "__getitem__", "prim::TupleIndex");
        R((ev, c) => new Dictionary<object, object?>(), "dict");
        R((ev, c) => Arg(c, 0, "self") is Dictionary<object, object?> d ? d.Keys.Select(k => (object?)k).ToList() : throw Bad(ev, c, "not a dict"), "keys");
        R((ev, c) => Arg(c, 0, "self") is Dictionary<object, object?> d ? d.Values.ToList() : throw Bad(ev, c, "not a dict"), "values");
        R((ev, c) => Arg(c, 0, "a") is string s ? s : TorchScriptEvaluator.Describe(Arg(c, 0, "a")), "str");
        R((ev, c) =>
        {
            // str.find(substr, start=0, end=-1) as TorchScript's aten::find: -1 when absent (MHA's fast-path device check)
            var str = Arg(c, 0, "self") as string ?? throw Bad(ev, c, "self is not a string known at translation");
            var sub = Arg(c, 1, "substr") as string ?? throw Bad(ev, c, "substr is not a string known at translation");
            var n = str.Length;
            long start = L(ev, c, 2, "start", 0), end = L(ev, c, 3, "end", -1);
            // as torch's stringFindImpl: negative start from the end, negative end counts from one past the end
            start = Math.Min(n, start < 0 ? Math.Max(0, n + start) : start);
            end = Math.Min(n, end < 0 ? Math.Max(0, n + end + 1) : end);
            var at = end <= start ? (sub.Length == 0 && end == start ? start : -1) : str.IndexOf(sub, (int)start, (int)(end - start), StringComparison.Ordinal);
            return (long)at;
        }, "find");
        R((ev, c) => (Arg(c, 0, "self") as string ?? throw Bad(ev, c, "self is not a string")).StartsWith(Arg(c, 1, "prefix") as string ?? "", StringComparison.Ordinal), "startswith");
        R((ev, c) => (Arg(c, 0, "self") as string ?? throw Bad(ev, c, "self is not a string")).EndsWith(Arg(c, 1, "suffix") as string ?? "", StringComparison.Ordinal), "endswith");
        R((ev, c) => Fold(ev, "<=", Arg(c, 0, "a"), Arg(c, 1, "b"), c.Pos) is true ? Arg(c, 0, "a") : Arg(c, 1, "b"), "prim::min");
        R((ev, c) => Fold(ev, ">=", Arg(c, 0, "a"), Arg(c, 1, "b"), c.Pos) is true ? Arg(c, 0, "a") : Arg(c, 1, "b"), "prim::max");
        R((ev, c) => Arg(c, 0, "a") switch { long l => (object)Math.Abs(l), double d => Math.Abs(d), _ => Unary(ev, "Abs", T(ev, c, 0)) }, "abs");
        R((ev, c) => Arg(c, 0, "a") switch { long l => (object)(-l), double d => -d, _ => Unary(ev, "Neg", T(ev, c, 0)) }, "neg");
    }

    private static long Norm(long i, long n) => i < 0 ? i + n : i;

    /// <summary><c>aten::format</c>: Python's <c>"{}".format(...)</c> as TorchScript writes raise messages.</summary>
    private static string Format(TorchScriptEvaluator ev, AtenCall c)
    {
        var fmt = Arg(c, 0, "self") as string ?? "";
        var sb = new StringBuilder();
        var k = 1;
        for (var i = 0; i < fmt.Length; i++)
        {
            if (fmt[i] == '{' && i + 1 < fmt.Length && fmt[i + 1] == '}')
            {
                sb.Append(k < c.Args.Count ? TorchScriptEvaluator.Describe(c.Args[k++]).Trim('\'') : "{}");
                i++;
            }
            else sb.Append(fmt[i]);
        }
        return sb.ToString();
    }

    internal static string Invariant(double d) => d.ToString("R", CultureInfo.InvariantCulture);
}
