
namespace Bridge.Backends.Cpu.Lowering;

/// <summary>What a fused group's generated function does.</summary>
public enum GroupKind { Injective, Reduce, Conv2d, Matmul, Pool, Softmax, LayerNorm, Concat, Fallback }

/// <summary>The epilogue fused into a convolution or matmul: out = act(acc + bias[c] + residual).</summary>
public sealed record Epilogue(TBuffer? Bias, TBuffer? Residual, string Act = "none", double Lo = 0, double Hi = 0)
{
    public static readonly Epilogue None = new(null, null);
    public override string ToString() =>
        string.Join("+", new[] { Bias is null ? null : "bias", Residual is null ? null : "residual", Act == "none" ? null : Act }.Where(s => s is not null));
}

/// <summary>
/// One fused group: the ops computed by one generated function, written to one output buffer. Injective groups hold an
/// expression tree (the root and the single-use injective ops inlined into it); reductions hold their injective prologue;
/// convolution and matmul anchors hold their folded epilogue.
/// </summary>
public sealed class FusedGroup(int index, GroupKind kind, TOp root, ImmutableArray<TOp> ops, ImmutableArray<TBuffer> inputs, TOp? anchor, Epilogue epilogue)
{
    public int Index { get; } = index;
    public GroupKind Kind { get; } = kind;
    /// <summary>The op that writes <see cref="Output"/> (for anchors: the last epilogue op, or the anchor itself).</summary>
    public TOp Root { get; } = root;
    /// <summary>Every op of the group, in program order.</summary>
    public ImmutableArray<TOp> Ops { get; } = ops;
    /// <summary>Buffers read from outside the group.</summary>
    public ImmutableArray<TBuffer> Inputs { get; } = inputs;
    public TOp? Anchor { get; } = anchor;
    public Epilogue Epilogue { get; } = epilogue;
    public TBuffer Output => Root.Output;

    /// <summary>A one-line description for reports and tests: <c>conv2d+bias+relu</c>, <c>injective(add,relu)</c>.</summary>
    public string Describe() => Kind switch
    {
        GroupKind.Conv2d or GroupKind.Matmul => Kind.ToString().ToLowerInvariant() + (Epilogue.ToString() is { Length: > 0 } e ? "+" + e : ""),
        GroupKind.Fallback => $"fallback({Root.SourceOp})",
        _ => $"{Kind.ToString().ToLowerInvariant()}({string.Join(",", Ops.Select(Short))})",
    };

    private static string Short(TOp o) => o.Attrs switch
    {
        UnaryAttrs u => u.Fn,
        BinaryAttrs b => b.Fn,
        ReduceAttrs r => r.Fn,
        _ => o.Kind.ToString().ToLowerInvariant(),
    };
}

/// <summary>
/// Operator fusion with TVM's rules: injective ops (elementwise, broadcast, reshape, transpose, slice) used once by another
/// injective op or a reduction are inlined into it (injective chains, reductions with injective prologues); a
/// per-channel bias add, a residual add and an activation (relu, clip, sigmoid, tanh, gelu, and x·sigmoid(x) = SiLU) after a
/// convolution or a matmul with constant weights become the anchor's epilogue (<c>brg_epilogue</c>). A group runs at the
/// position of its last op, so a residual computed after the anchor is ready.
/// </summary>
public static class Fusion
{
    public static ImmutableArray<FusedGroup> Run(TensorProgram p)
    {
        p = MatmulReshapes.Rewrite(LayerNormPattern.Rewrite(p));
        var ops = p.Ops;
        var uses = ConstantFolding.Uses(ops, p.Outputs);
        var outIds = p.Outputs.Select(o => o.Id).ToHashSet();
        var consumers = new Dictionary<int, List<int>>();
        for (var i = 0; i < ops.Length; i++)
            foreach (var b in ops[i].Inputs.DistinctBy(x => x.Id))
                (consumers.TryGetValue(b.Id, out var l) ? l : consumers[b.Id] = []).Add(i);
        int? Single(TBuffer b) => !outIds.Contains(b.Id) && uses.GetValueOrDefault(b.Id) == 1 && consumers.TryGetValue(b.Id, out var l) && l.Count == 1 ? l[0] : null;

        // 1. anchors absorb their epilogues
        var absorbedBy = new Dictionary<int, int>();
        var epilogues = new Dictionary<int, (Epilogue Ep, int Root)>();
        for (var i = 0; i < ops.Length; i++)
        {
            var a = ops[i];
            var isConv = a.Kind == OpKind.Conv2d;
            var isPacked = a.Kind == OpKind.Matmul && a.Inputs[1] is { IsConstant: true, Rank: 2 };
            if (!isConv && !isPacked) continue;
            var channels = isConv ? a.Inputs[1].Shape[0].AsConst ?? -1 : a.Output.Shape[^1].AsConst ?? -1;
            var axis = isConv ? 1 : a.Output.Rank - 1;
            var ep = Epilogue.None;
            var cur = a.Output;
            var root = i;
            var stage = 0;
            while (stage < 3)
            {
                if (Single(cur) is { } ci && absorbedBy.ContainsKey(ci) is false)
                {
                    var c = ops[ci];
                    if (stage < 1 && c is { Kind: OpKind.Binary, Attrs: BinaryAttrs { Fn: "add" } } && c.Output.Shape.SequenceEqual(cur.Shape)
                        && ConstantFolding.PerChannel(ConstantFolding.Other(c, cur), cur.Rank, channels, axis) is not null)
                    { ep = ep with { Bias = ConstantFolding.Other(c, cur) }; stage = 1; }
                    else if (stage < 2 && c is { Kind: OpKind.Binary, Attrs: BinaryAttrs { Fn: "add" } } && c.Inputs[0].Id != c.Inputs[1].Id
                        && ConstantFolding.Other(c, cur) is { IsConstant: false } r && r.Shape.SequenceEqual(cur.Shape) && c.Output.Shape.SequenceEqual(cur.Shape)
                        && r.DType == cur.DType)
                    { ep = ep with { Residual = r }; stage = 2; }
                    else if (c is { Kind: OpKind.Unary, Attrs: UnaryAttrs u } && Act(u.Fn) is not null)
                    { ep = ep with { Act = u.Fn, Lo = u.Lo, Hi = u.Hi }; stage = 3; }
                    else if (ClampEpilogue.Bound(c, cur) is { } bound)
                    {
                        // maximum/minimum by a scalar constant (ONNX Clip, relu6 as Relay/Relax lower them): a clip act, with the
                        // complementary bound after it folded in too
                        ep = ClampEpilogue.Apply(ep, bound);
                        absorbedBy[ci] = i;
                        cur = c.Output;
                        root = ci;
                        if (Single(cur) is { } ni && !absorbedBy.ContainsKey(ni) && ClampEpilogue.Bound(ops[ni], cur) is { } b2 && b2.IsMax != bound.IsMax)
                        {
                            ep = ClampEpilogue.Apply(ep, b2);
                            absorbedBy[ni] = i;
                            cur = ops[ni].Output;
                            root = ni;
                        }
                        break;
                    }
                    else break;
                    absorbedBy[ci] = i;
                    cur = c.Output;
                    root = ci;
                    continue;
                }
                // SiLU: cur feeds sigmoid(cur) and multiply(cur, sigmoid) and nothing else
                if (!outIds.Contains(cur.Id) && consumers.TryGetValue(cur.Id, out var two) && two.Count == 2 && uses.GetValueOrDefault(cur.Id) == 2)
                {
                    var sIdx = two.FirstOrDefault(k => ops[k] is { Kind: OpKind.Unary, Attrs: UnaryAttrs { Fn: "sigmoid" } }, -1);
                    var mIdx = two.FirstOrDefault(k => k != sIdx, -1);
                    if (sIdx >= 0 && mIdx >= 0 && Single(ops[sIdx].Output) == mIdx && ops[mIdx] is { Kind: OpKind.Binary, Attrs: BinaryAttrs { Fn: "multiply" } } m
                        && m.Output.Shape.SequenceEqual(cur.Shape))
                    {
                        ep = ep with { Act = "silu" };
                        absorbedBy[sIdx] = i;
                        absorbedBy[mIdx] = i;
                        root = Math.Max(sIdx, mIdx);
                        cur = m.Output;
                    }
                }
                break;
            }
            epilogues[i] = (ep, root);
        }

        // 2. single-use injective ops are inlined into an injective consumer or a reduction
        var inlined = new HashSet<int>();
        for (var i = ops.Length - 1; i >= 0; i--)
        {
            if (!IsInjective(ops[i].Kind) || absorbedBy.ContainsKey(i)) continue;
            if (Single(ops[i].Output) is { } c && !absorbedBy.ContainsKey(c) && (IsInjective(ops[c].Kind) || ops[c].Kind == OpKind.Reduce))
                inlined.Add(i);
        }

        // 3. groups, ordered by the position of the op that writes their output
        var groups = new List<(int Pos, GroupKind Kind, TOp Root, List<int> Members, TOp? Anchor, Epilogue Ep)>();
        for (var i = 0; i < ops.Length; i++)
        {
            if (inlined.Contains(i) || absorbedBy.ContainsKey(i)) continue;
            var op = ops[i];
            var members = new List<int> { i };
            if (epilogues.TryGetValue(i, out var e))
            {
                members.AddRange(absorbedBy.Where(kv => kv.Value == i).Select(kv => kv.Key));
                groups.Add((e.Root, op.Kind == OpKind.Conv2d ? GroupKind.Conv2d : GroupKind.Matmul, ops[e.Root], members, op, e.Ep));
                continue;
            }
            void Pull(int k)
            {
                foreach (var b in ops[k].Inputs)
                    for (var j = k - 1; j >= 0; j--)
                        if (ops[j].Output.Id == b.Id) { if (inlined.Contains(j) && !members.Contains(j)) { members.Add(j); Pull(j); } break; }
            }
            Pull(i);
            var kind = op.Kind switch
            {
                _ when IsInjective(op.Kind) => GroupKind.Injective,
                OpKind.Reduce => GroupKind.Reduce,
                OpKind.Conv2d => GroupKind.Conv2d,
                OpKind.Matmul => GroupKind.Matmul,
                OpKind.MaxPool2d or OpKind.AvgPool2d => GroupKind.Pool,
                OpKind.Softmax => GroupKind.Softmax,
                OpKind.LayerNorm => GroupKind.LayerNorm,
                OpKind.Concat => GroupKind.Concat,
                _ => GroupKind.Fallback,
            };
            groups.Add((i, kind, op, members, kind is GroupKind.Conv2d or GroupKind.Matmul ? op : null, Epilogue.None));
        }
        var result = ImmutableArray.CreateBuilder<FusedGroup>();
        foreach (var g in groups.OrderBy(g => g.Pos))
        {
            var memberOps = g.Members.Order().Select(k => ops[k]).ToImmutableArray();
            var produced = memberOps.Select(o => o.Output.Id).ToHashSet();
            var inputs = memberOps.SelectMany(o => o.Inputs).Where(b => !produced.Contains(b.Id)).DistinctBy(b => b.Id).ToImmutableArray();
            result.Add(new FusedGroup(result.Count, g.Kind, g.Root, memberOps, inputs, g.Anchor, g.Ep));
        }
        return result.ToImmutable();
    }

    public static bool IsInjective(OpKind k) => k is OpKind.Unary or OpKind.Binary or OpKind.Reshape or OpKind.Transpose or OpKind.BroadcastTo or OpKind.StridedSlice;

    /// <summary>The <c>brg_act</c> value of an activation the epilogue can apply, or null.</summary>
    public static int? Act(string fn) => fn switch
    {
        "none" => 0, "relu" => 1, "clip" => 2, "sigmoid" => 3, "silu" => 4, "gelu" => 5, "tanh" => 7, _ => null,
    };
}
