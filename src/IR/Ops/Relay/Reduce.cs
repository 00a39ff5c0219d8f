// Generated from spec §5 tables (/work/shared/spec/relay-formats.md) by a one-off script, then kept by hand.
using Bridge.Ir.Ops.Spec;

namespace Bridge.Ir.Ops.Relay;

/// <summary>Attributes <c>relay.attrs.ReduceAttrs</c> (C++ defaults of TVM v0.19).</summary>
[AttrsTypeKey("relay.attrs.ReduceAttrs")]
public sealed record ReduceAttrs : Attrs, IReduceAttrs
{
    [AttrName("axis")] public ValueArray<long>? Axis { get; init; } = null;
    [AttrName("keepdims")] public bool Keepdims { get; init; } = false;
    [AttrName("exclude")] public bool Exclude { get; init; } = false;
}

/// <summary>Attributes <c>relay.attrs.ArgReduceAttrs</c> (C++ defaults of TVM v0.19).</summary>
[AttrsTypeKey("relay.attrs.ArgReduceAttrs")]
public sealed record ArgReduceAttrs : Attrs, IReduceAttrs
{
    [AttrName("axis")] public ValueArray<long>? Axis { get; init; } = null;
    [AttrName("keepdims")] public bool Keepdims { get; init; } = false;
    [AttrName("select_last_index")] public bool SelectLastIndex { get; init; } = false;
    [AttrName("exclude")] public bool Exclude { get; init; } = false;
}

/// <summary>Attributes <c>relay.attrs.VarianceAttrs</c> (C++ defaults of TVM v0.19).</summary>
[AttrsTypeKey("relay.attrs.VarianceAttrs")]
public sealed record VarianceAttrs : Attrs, IReduceAttrs
{
    [AttrName("axis")] public ValueArray<long>? Axis { get; init; } = null;
    [AttrName("keepdims")] public bool Keepdims { get; init; } = false;
    [AttrName("exclude")] public bool Exclude { get; init; } = false;
    [AttrName("unbiased")] public bool Unbiased { get; init; } = false;
}

/// <summary>Attributes <c>relay.attrs.ScanopAttrs</c> (C++ defaults of TVM v0.19).</summary>
[AttrsTypeKey("relay.attrs.ScanopAttrs")]
public sealed record ScanopAttrs : Attrs
{
    [AttrName("axis")] public long? Axis { get; init; } = null;
    [AttrName("dtype")] public string Dtype { get; init; } = "";
    [AttrName("exclusive")] public bool Exclusive { get; init; } = false;
}

/// <summary>Attributes <c>relay.attrs.TopkAttrs</c> (C++ defaults of TVM v0.19).</summary>
[AttrsTypeKey("relay.attrs.TopkAttrs")]
public sealed record TopkAttrs : Attrs
{
    [RelayRequired] [AttrName("k")] public long? K { get; init; } = null;
    [AttrName("axis")] public long Axis { get; init; } = -1;
    [StdString] [AttrName("ret_type")] public string RetType { get; init; } = "both";
    [AttrName("is_ascend")] public bool IsAscend { get; init; } = false;
    [AttrName("dtype")] public string Dtype { get; init; } = "";
}

/// <summary>Attributes <c>relay.attrs.ArgsortAttrs</c> (C++ defaults of TVM v0.19).</summary>
[AttrsTypeKey("relay.attrs.ArgsortAttrs")]
public sealed record ArgsortAttrs : Attrs
{
    [AttrName("axis")] public long Axis { get; init; } = -1;
    [AttrName("is_ascend")] public bool IsAscend { get; init; } = true;
    [AttrName("dtype")] public string Dtype { get; init; } = "";
}

/// <summary>Attributes <c>relay.attrs.SearchSortedAttrs</c> (C++ defaults of TVM v0.19).</summary>
[AttrsTypeKey("relay.attrs.SearchSortedAttrs")]
public sealed record SearchSortedAttrs : Attrs
{
    [AttrName("right")] public bool Right { get; init; } = false;
    [AttrName("dtype")] public string Dtype { get; init; } = "int32";
}

/// <summary>Attributes <c>relay.attrs.UniqueAttrs</c> (C++ defaults of TVM v0.19).</summary>
[AttrsTypeKey("relay.attrs.UniqueAttrs")]
public sealed record UniqueAttrs : Attrs
{
    [AttrName("sorted")] public bool Sorted { get; init; } = true;
    [AttrName("return_counts")] public bool ReturnCounts { get; init; } = false;
}

/// <summary>Attributes <c>relay.attrs.EinsumAttrs</c> (C++ defaults of TVM v0.19).</summary>
[AttrsTypeKey("relay.attrs.EinsumAttrs")]
public sealed record EinsumAttrs : Attrs
{
    [RelayRequired] [AttrName("equation")] public string? Equation { get; init; } = null;
}

/// <summary>Relay op table: Reduce family.</summary>
internal static class RelayReduceOps
{
    private static void Def<T>(string name, params string[] inputs) where T : Attrs, new() => RelayOps.Define<T>(name, "reduce", inputs);

    internal static void Register()
    {
        // The reductions are rows of the one reduction spec (Relay and Relax op, rule, mapping, ONNX, aten, kernel).
        foreach (var row in ReductionSpec.All)
            if (row.RelayName is { } name)
                RelayOps.Define(name, "reduce", [.. row.RelayInputs], row.RelayAttrs);
        Def<ScanopAttrs>("cumsum", "data");
        Def<ScanopAttrs>("cumprod", "data");
        Def<TopkAttrs>("topk", "data");
        Def<ArgsortAttrs>("argsort", "data");
        Def<ArgsortAttrs>("sort", "data");
        Def<SearchSortedAttrs>("searchsorted", "sorted_sequence", "values");
        Def<UniqueAttrs>("unique", "data");
        Def<EinsumAttrs>("einsum", "data");
        Def<NoAttrs>("argwhere", "condition");
    }
}
