using System.Collections.Frozen;
using Bridge.Importers.Onnx;
using Bridge.Importers.Onnx.Ops;
using Bridge.Ir.Ops;

namespace Bridge.Translators.Onnx;

/// <summary>
/// ONNX sequences and optionals, written once for both dialects. A sequence is static: the list of its element values is
/// known at import (as TVM's frontends required: Relay and Relax both represent ONNX sequences as tuples), so the sequence ops
/// are bookkeeping on that list, and ConcatFromSequence / SplitToSequence are emitted as the dialect's own Concat (after
/// Unsqueeze for new_axis) and Split (then Squeeze for keepdims=0). An optional is likewise known to hold a value or not.
/// A sequence or optional that reaches a graph output or an op taking a tensor is BRG4301 naming the node.
/// </summary>
public abstract partial class OnnxEmitterBase<TExpr>
{
    /// <summary>Canonical kinds handled here rather than by a dialect's rule table.</summary>
    public static readonly FrozenSet<string> SequenceKinds = FrozenSet.ToFrozenSet(
    [
        "SequenceConstruct", "SequenceEmpty", "SequenceInsert", "SequenceErase", "SequenceAt", "SequenceLength",
        "ConcatFromSequence", "SplitToSequence", "Optional", "OptionalHasElement", "OptionalGetElement",
    ], StringComparer.Ordinal);

    private int _seqTemp;

    private List<string> SequenceOf(CanonicalNode n, int input)
    {
        var name = n.Input(input).Name;
        if (Find(name, out _) is { Seq: { } s }) return [.. s];
        throw Unsupported(n, $"input '{name}' is not a sequence whose elements are known at import");
    }

    private long Position(CanonicalNode n, int input, int count, bool insert)
    {
        var p = ConstInts(n.Input(input)) is [var v] ? v : throw Unsupported(n, "a position that is not a constant scalar");
        var limit = insert ? count : count - 1;
        if (p < 0) p += count;
        if (p < 0 || p > limit) throw BadValue(n, $"position out of range for a sequence of {count}");
        return p;
    }

    /// <summary>A fresh internal value name, bound by <paramref name="bind"/> (sequence elements are values without ONNX names).</summary>
    private string Temp(CanonicalNode n, Action<string> bind)
    {
        var name = TempName(n);
        bind(name);
        return name;
    }

    /// <summary>A fresh internal value name (the '#' keeps it apart from every ONNX name the node could read).</summary>
    private string TempName(CanonicalNode n) => $"{n.Source.Name}#seq{_seqTemp++}";

    private CanonicalNode Synthetic(CanonicalNode n, string kind, Attrs attrs, IEnumerable<CanonicalInput> inputs, IEnumerable<string> outputs) => new()
    {
        Kind = kind, Spec = OnnxOps.Find(OnnxDomains.AiOnnx, kind)!, Version = 13, Attrs = attrs,
        Inputs = [.. inputs], Outputs = [.. outputs], Source = n.Source,
    };

    private void SetSeq(string name, IEnumerable<string> elements) { if (name.Length > 0) CurrentSlots[name] = new Slot { Seq = [.. elements] }; }

    /// <summary>Emits one sequence/optional node; the elements of a sequence are value names in the current scope.</summary>
    protected void EmitSequenceNode(CanonicalNode n)
    {
        var output = n.Outputs.Length > 0 ? n.Outputs[0] : "";
        switch (n.Kind)
        {
            case "SequenceConstruct":
                SetSeq(output, n.Inputs.Select(i => Alias(n, i)));
                break;
            case "SequenceEmpty":
                SetSeq(output, []);
                break;
            case "SequenceInsert":
            {
                var s = SequenceOf(n, 0);
                var at = n.Input(2).IsPresent ? (int)Position(n, 2, s.Count, insert: true) : s.Count;
                s.Insert(at, Alias(n, n.Input(1)));
                SetSeq(output, s);
                break;
            }
            case "SequenceErase":
            {
                var s = SequenceOf(n, 0);
                if (s.Count == 0) throw new BridgeException(OnnxTranslateDiagnosticIds.BadValue, n.Loc, $"node '{n.Source.Name}' (SequenceErase): the sequence is empty");
                s.RemoveAt(n.Input(1).IsPresent ? (int)Position(n, 1, s.Count, insert: false) : s.Count - 1);
                SetSeq(output, s);
                break;
            }
            case "SequenceAt":
            {
                var s = SequenceOf(n, 0);
                CurrentSlots[output] = Find(s[(int)Position(n, 1, s.Count, insert: false)], out _)!;
                break;
            }
            case "SequenceLength":
                SetConst(output, Tensor.Scalar(DataType.Int64, SequenceOf(n, 0).Count));
                break;
            case "ConcatFromSequence":
            {
                var a = n.AttrsAs<ConcatFromSequenceAttrs>();
                var s = SequenceOf(n, 0);
                if (s.Count == 0) throw Unsupported(n, "an empty sequence");
                if (a.NewAxis)
                {
                    // np.stack: unsqueeze every element at the (output-rank) axis, then concatenate.
                    var rank = (ShapeOfValue(new CanonicalInput(s[0], null), n) ?? throw Unsupported(n, "elements of unknown rank")).Length;
                    var axis = a.Axis < 0 ? a.Axis + rank + 1 : a.Axis;
                    s = [.. s.Select(e => Temp(n, t =>
                        EmitNode(Synthetic(n, "Unsqueeze", new AxesAttrs(), [new CanonicalInput(e, null), new CanonicalInput("", Tensor.FromArray(new[] { axis }, 1))], [t]))))];
                    EmitNode(Synthetic(n, "Concat", new ConcatAttrs { Axis = axis }, s.Select(e => new CanonicalInput(e, null)), [output]));
                }
                else EmitNode(Synthetic(n, "Concat", new ConcatAttrs { Axis = a.Axis }, s.Select(e => new CanonicalInput(e, null)), [output]));
                break;
            }
            case "SplitToSequence":
            {
                var a = n.AttrsAs<SplitToSequenceAttrs>();
                var shape = RequireShape(n, 0);
                var axis = a.Axis < 0 ? a.Axis + shape.Length : a.Axis;
                var len = shape[(int)axis].AsConst ?? throw Unsupported(n, "a symbolic length along the split axis (the sequence length must be known)");
                long[] sizes;
                var squeeze = false;
                if (!n.Input(1).IsPresent)
                {
                    sizes = [.. Enumerable.Repeat(1L, (int)len)];
                    squeeze = !a.Keepdims;
                }
                else
                {
                    var sp = ConstInts(n.Input(1)) ?? throw Unsupported(n, "a split that is not a constant");
                    var scalar = n.Input(1).Constant is { Rank: 0 } || ShapeOfValue(n.Input(1), n) is { Length: 0 };
                    sizes = scalar ? [.. Enumerable.Range(0, (int)((len + sp[0] - 1) / sp[0])).Select(i => Math.Min(sp[0], len - i * sp[0]))] : sp;
                }
                var parts = sizes.Select(_ => TempName(n)).ToList();
                EmitNode(Synthetic(n, "Split", new SplitAttrs { Axis = axis }, [n.Input(0), new CanonicalInput("", Tensor.FromArray(sizes, sizes.Length))], parts));
                if (squeeze)
                    parts = [.. parts.Select(p => Temp(n, t =>
                        EmitNode(Synthetic(n, "Squeeze", new AxesAttrs(), [new CanonicalInput(p, null), new CanonicalInput("", Tensor.FromArray(new[] { axis }, 1))], [t]))))];
                SetSeq(output, parts);
                break;
            }
            case "Optional":
                // An optional holding a value is that value's slot under a second name.
                CurrentSlots[output] = n.Input(0).IsPresent ? Find(Alias(n, n.Input(0)), out _)! : new Slot { OptionalEmpty = true };
                break;
            case "OptionalHasElement":
            {
                var has = n.Input(0).IsPresent && Find(n.Input(0).Name, out _) is { } s && !s.OptionalEmpty;
                SetConst(output, Tensor.Scalar(DataType.Bool, has ? 1 : 0));
                break;
            }
            case "OptionalGetElement":
            {
                var s = Find(n.Input(0).Name, out _) ?? throw Unsupported(n, "an undefined input");
                if (s.OptionalEmpty) throw new BridgeException(OnnxTranslateDiagnosticIds.BadValue, n.Loc, $"node '{n.Source.Name}' (OptionalGetElement): the optional is empty");
                CurrentSlots[output] = s;
                break;
            }
            default:
                throw new BridgeInternalError($"{n.Kind} is not a sequence op");
        }
    }

    /// <summary>The name under which input <paramref name="i"/>'s value is found (a constant input is bound to a temp name).</summary>
    private string Alias(CanonicalNode n, CanonicalInput i)
    {
        if (i.Name.Length > 0 && Find(i.Name, out _) is not null) return i.Name;
        if (i.Constant is { } c) return Temp(n, t => SetConst(t, c));
        throw new BridgeException(OnnxTranslateDiagnosticIds.UndefinedValue, n.Loc, $"node '{n.Source.Name}' ({n.Source.OpType}) reads an undefined value");
    }
}
