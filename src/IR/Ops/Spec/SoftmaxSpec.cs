
namespace Bridge.Ir.Ops.Spec;

/// <summary>The typed view of a softmax's attributes (Relay and Relax <c>SoftmaxAttrs</c>): the axis, -1 by default in both.</summary>
public interface ISoftmaxAttrs
{
    long Axis { get; }
}

/// <summary>
/// One softmax op across every stage (issue 21): from the row the IR registers the Relay op (<c>SoftmaxAttrs</c>, input
/// <c>data</c>, the same-type relation) and the Relax op (its float-only rule), the Relay→Relax translator maps
/// <see cref="RelayName"/> to <see cref="RelaxTarget"/>, and the reference backend binds its softmax kernel (<see cref="Log"/>:
/// log-softmax) reading <see cref="ISoftmaxAttrs"/>. ONNX Softmax/LogSoftmax (opset &lt; 13 flattens to 2-D) and aten keep
/// their hand-written lowerings, which build these rows' ops.
/// </summary>
public sealed record SoftmaxOp
{
    public required string Name { get; init; }
    public string? RelayName { get; init; }
    /// <summary>The Relax op (no <c>relax.</c> prefix), or null where Relax has none (<c>nn.fast_softmax</c>).</summary>
    public string? RelaxName { get; init; }
    public required string RelaxTarget { get; init; }
    public bool Log { get; init; }

    public OpDef Relay => RelayName is { } n ? OpRegistry.Find(Dialect.Relay, n) ?? throw new Core.Diagnostics.BridgeInternalError($"spec row Relay:{n} is not registered")
        : throw new Core.Diagnostics.BridgeInternalError($"{Name} has no Relay op");

    public OpDef Relax => RelaxName is { } n ? OpRegistry.Find(Dialect.Relax, "relax." + n) ?? throw new Core.Diagnostics.BridgeInternalError($"spec row Relax:relax.{n} is not registered")
        : throw new Core.Diagnostics.BridgeInternalError($"{Name} has no Relax op");

    public override string ToString() => Name;
}

/// <summary>
/// softmax, log_softmax and Relay's fast_softmax, one row each. Sources: TVM v0.19 src/relay/op/nn/nn.cc, TVM main
/// src/relax/op/nn/nn.cc.
/// </summary>
public static class SoftmaxSpec
{
    public static readonly SoftmaxOp Softmax = new() { Name = "nn.softmax", RelayName = "nn.softmax", RelaxName = "nn.softmax", RelaxTarget = "nn.softmax" };
    public static readonly SoftmaxOp LogSoftmax = new() { Name = "nn.log_softmax", RelayName = "nn.log_softmax", RelaxName = "nn.log_softmax", RelaxTarget = "nn.log_softmax", Log = true };
    // Relay only: the reference computes the exact softmax; the approximation error is the compiler's.
    public static readonly SoftmaxOp FastSoftmax = new() { Name = "nn.fast_softmax", RelayName = "nn.fast_softmax", RelaxTarget = "nn.softmax" };

    /// <summary>Every row, in declaration order.</summary>
    public static ImmutableArray<SoftmaxOp> All { get; } = [Softmax, LogSoftmax, FastSoftmax];
}
