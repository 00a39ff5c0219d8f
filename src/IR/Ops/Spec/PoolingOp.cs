
namespace Bridge.Ir.Ops.Spec;

/// <summary>
/// The typed view of a sliding-window pool's attributes (Relay <c>MaxPool{1,2,3}DAttrs</c>, <c>AvgPool{1,2,3}DAttrs</c>, Relax
/// <c>PoolAttrs</c>): the type rule, the Relay→Relax translation and the reference kernel read it, never an attribute name.
/// Each record keeps its TVM type key and fields; a member a record lacks answers TVM's behaviour here, once.
/// </summary>
public interface IWindowPoolAttrs
{
    /// <summary>The window; required (null only in a Relay call that printed none, which the stages reject).</summary>
    ValueArray<long>? PoolSize { get; }
    ValueArray<long> Strides { get; }
    ValueArray<long> Dilation { get; }
    ValueArray<long> Padding { get; }
    string Layout { get; }
    /// <summary>"" (Relay) means the input layout.</summary>
    string OutLayout { get; }
    bool CeilMode { get; }
    /// <summary>Average pools only: the padded positions count in the divisor (max pools have no such attribute).</summary>
    bool CountIncludePad => false;
}

/// <summary>
/// The typed view of an adaptive or global pool's attributes (Relay <c>AdaptivePool{1,2,3}DAttrs</c>, <c>GlobalPool2DAttrs</c>,
/// Relax <c>AdaptivePoolAttrs</c>). A global pool is an adaptive one with output size 1 in every spatial dim.
/// </summary>
public interface IAdaptivePoolAttrs
{
    /// <summary>The output's spatial size; null or empty keeps the input's, one value applies to every spatial dim (TVM).</summary>
    ValueArray<long>? OutputSize { get; }
    string Layout { get; }
    string OutLayout { get; }
}

/// <summary>What a pool computes over its window.</summary>
public enum PoolReduce { Max, Avg }

/// <summary>How the window is chosen: a sliding window, an adaptive grid of output cells, or the whole spatial extent.</summary>
public enum PoolWindow { Sliding, Adaptive, Global }

/// <summary>
/// One pooling op across every stage (issue 21): a row of <see cref="PoolingSpec"/> and its typed handle. From the row the IR
/// registers the Relay op (<see cref="RelayAttrs"/>, input <c>data</c>, the pool relation for <see cref="Window"/>) and the Relax
/// op (<see cref="RelaxAttrs"/>, the pool struct-info rule of its <see cref="Rank"/>); the Relay→Relax translator maps
/// <see cref="RelayName"/> to <see cref="RelaxTarget"/> (a Relax pool, or the <c>max</c> reduction over the spatial axes where
/// Relax has no such pool); the reference backend binds the backend's pool kernel for <see cref="Reduce"/> and
/// <see cref="Window"/>, reading <see cref="IWindowPoolAttrs"/> or <see cref="IAdaptivePoolAttrs"/>. The ONNX and aten pools
/// (auto_pad, storage order, indices outputs) keep their hand-written lowerings, which name these rows' ops.
/// </summary>
public sealed record PoolingOp
{
    public required string Name { get; init; }
    public required PoolReduce Reduce { get; init; }
    public required PoolWindow Window { get; init; }
    /// <summary>Spatial dims: 1, 2 or 3.</summary>
    public required int Rank { get; init; }
    public string? RelayName { get; init; }
    public required Type RelayAttrs { get; init; }
    /// <summary>The Relax op (no <c>relax.</c> prefix), or null where Relax has none (adaptive max, global pools).</summary>
    public string? RelaxName { get; init; }
    public Type? RelaxAttrs { get; init; }
    /// <summary>The Relax op (no prefix) the Relay op translates to: a pool, or <c>max</c> (a reduction over the spatial axes,
    /// for output size 1 only).</summary>
    public required string RelaxTarget { get; init; }

    /// <summary>The registered Relay op (throws when the row declares none).</summary>
    public OpDef Relay => SpecRowOps.Relay(Name, RelayName);

    /// <summary>The registered Relax op (throws when the row declares none).</summary>
    public OpDef Relax => SpecRowOps.Relax(Name, RelaxName);

    public override string ToString() => Name;
}
