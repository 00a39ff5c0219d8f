using System.Globalization;

namespace Bridge.Core.Limits;

/// <summary>
/// The total number of tensor bytes one model may bring into memory: every container reader (npy/npz, .params, ONNX
/// initializers and external data, TorchScript storages) and input synthesis charges a tensor's size before
/// allocating it, so a 228-byte model declaring a [16000, 30000] input or a small zip of huge members is refused with
/// <see cref="CoreDiagnosticIds.MemoryBudgetExceeded"/> instead of exhausting the machine. The budget is ambient
/// (flows with the async context): the CLI opens one scope per command (<c>--max-memory</c>), a zoo one per model.
/// Outside any scope each single charge is checked against <see cref="DefaultBytes"/> (nothing accumulates).
/// </summary>
public sealed class MemoryBudget
{
    private static readonly AsyncLocal<MemoryBudget?> s_current = new();
    private long _used;

    private MemoryBudget(long limit) => Limit = limit;

    /// <summary>Bytes this budget allows in total.</summary>
    public long Limit { get; }
    /// <summary>Bytes charged so far.</summary>
    public long Used => Interlocked.Read(ref _used);

    /// <summary>A quarter of the memory available to this process (the machine's, or the container's limit), at least 256 MiB.</summary>
    public static long DefaultBytes => Math.Max(256L << 20, GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 4);

    /// <summary>
    /// How many times a synthesized input is charged: a differential run holds a copy per path (reference runtime, Relay and
    /// Relax interpreters) plus the outputs it is compared with, which measured as ~4× the feed for a one-op model.
    /// </summary>
    public const int CopiesPerInput = 4;

    /// <summary>The budget of the innermost open scope; null outside any.</summary>
    public static MemoryBudget? Current => s_current.Value;

    /// <summary>Starts a fresh budget of <paramref name="limitBytes"/> (null = <see cref="DefaultBytes"/>) until the scope is disposed.</summary>
    public static IDisposable Begin(long? limitBytes = null)
    {
        var prev = s_current.Value;
        s_current.Value = new MemoryBudget(limitBytes ?? DefaultBytes);
        return new Scope(prev);
    }

    /// <summary>
    /// Records that <paramref name="bytes"/> of tensor data (<paramref name="what"/>) are about to be allocated; throws a
    /// located diagnostic with the size asked and the budget when the total would exceed it.
    /// </summary>
    public static void Charge(long bytes, string what, SourceLoc loc) => (Current ?? new MemoryBudget(DefaultBytes)).ChargeCore(bytes, what, loc);

    /// <summary>As <see cref="Charge(long, string, SourceLoc)"/> for a size computed in floating point (never overflows).</summary>
    public static void Charge(double bytes, string what, SourceLoc loc) =>
        Charge(bytes >= long.MaxValue ? long.MaxValue : (long)Math.Max(0, bytes), what, loc);

    /// <summary>Charges a tensor of <paramref name="dtype"/> and <paramref name="shape"/> (negative dims count as zero here; the allocator rejects them).</summary>
    public static void ChargeTensor(DataType dtype, ReadOnlySpan<long> shape, string what, SourceLoc loc, int copies = 1)
    {
        double elems = copies;
        foreach (var d in shape) elems *= Math.Max(0, d);
        Charge(elems * dtype.ElementSize, $"{what} {dtype}[{string.Join(", ", shape.ToArray())}]", loc);
    }

    private long _lastLive;

    /// <summary>
    /// The interpreters' intermediates, which are freed as a run goes and so are not charged for good: before an op allocates a result
    /// of <paramref name="bytes"/> (its static size; 0 when not known ahead), the managed memory now live plus that result must stay
    /// within the budget. The heap figure is taken without a collection while it is under the budget; over it, a full collection
    /// measures what is really live (at most once per 1/16 of the budget of growth) before the op is refused with
    /// <see cref="CoreDiagnosticIds.MemoryBudgetExceeded"/> naming the op. Outside any budget scope nothing is checked.
    /// </summary>
    public static void CheckWorkingSet(long bytes, string what, SourceLoc loc)
    {
        if (Current is not { } b) return;
        var heap = GC.GetTotalMemory(false);
        if (bytes >= 0 && heap + bytes <= b.Limit && heap + bytes >= 0) return;
        var last = Interlocked.Read(ref b._lastLive);
        if (bytes + last <= b.Limit && heap - last <= b.Limit / 16) return; // mostly garbage since the last measure: not yet
        heap = GC.GetTotalMemory(forceFullCollection: true);
        Interlocked.Exchange(ref b._lastLive, heap);
        if (bytes >= 0 && heap + bytes <= b.Limit && heap + bytes >= 0) return;
        throw new BridgeException(CoreDiagnosticIds.MemoryBudgetExceeded, loc,
            $"{Diagnostic.Quote(what)} needs {FormatBytes(bytes)}; with {FormatBytes(heap)} of the run's values live this exceeds the memory budget of "
            + $"{FormatBytes(b.Limit)} (raise it with --max-memory)");
    }

    private void ChargeCore(long bytes, string what, SourceLoc loc)
    {
        if (bytes <= 0) return;
        var after = Interlocked.Add(ref _used, bytes);
        if (after >= 0 && after <= Limit) return;
        Interlocked.Add(ref _used, -bytes);
        throw new BridgeException(CoreDiagnosticIds.MemoryBudgetExceeded, loc,
            $"{Diagnostic.Quote(what)} needs {FormatBytes(bytes)}; with {FormatBytes(Used)} already held this exceeds the memory budget of "
            + $"{FormatBytes(Limit)} (raise it with --max-memory)");
    }

    /// <summary>Parses a size such as <c>4096</c>, <c>512M</c>, <c>8G</c>, <c>1.5GiB</c> or <c>50%</c> (of the machine's memory).</summary>
    public static long ParseSize(string text)
    {
        var s = text.Trim();
        var bad = new BridgeException(CoreDiagnosticIds.BadArgument, SourceLoc.Unknown.Instance,
            $"'{Diagnostic.Quote(text)}' is not a memory size (e.g. 4096, 512M, 8G, 50%)");
        if (s.EndsWith('%'))
        {
            if (!double.TryParse(s[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var pct) || pct <= 0 || pct > 100) throw bad;
            return (long)(GC.GetGCMemoryInfo().TotalAvailableMemoryBytes * pct / 100);
        }
        var upper = s.ToUpperInvariant();
        foreach (var suffix in new[] { "IB", "B" })
            if (upper.EndsWith(suffix, StringComparison.Ordinal) && upper.Length > suffix.Length) { upper = upper[..^suffix.Length]; break; }
        double mult = 1;
        if (upper.Length > 0 && "KMGT".Contains(upper[^1], StringComparison.Ordinal))
        {
            mult = Math.Pow(1024, "KMGT".IndexOf(upper[^1], StringComparison.Ordinal) + 1);
            upper = upper[..^1];
        }
        if (!double.TryParse(upper, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || v <= 0 || double.IsInfinity(v * mult) || v * mult >= long.MaxValue)
            throw bad;
        return (long)(v * mult);
    }

    /// <summary>Bytes as a short human figure (<c>7.2 GiB</c>).</summary>
    public static string FormatBytes(long b) => b switch
    {
        >= 1L << 30 => (b / (double)(1L << 30)).ToString("0.0", CultureInfo.InvariantCulture) + " GiB",
        >= 1L << 20 => (b / (double)(1L << 20)).ToString("0.0", CultureInfo.InvariantCulture) + " MiB",
        >= 1L << 10 => (b / 1024.0).ToString("0.0", CultureInfo.InvariantCulture) + " KiB",
        _ => b.ToString(CultureInfo.InvariantCulture) + " B",
    };

    private sealed class Scope(MemoryBudget? previous) : IDisposable
    {
        private bool _done;
        public void Dispose()
        {
            if (_done) return;
            _done = true;
            s_current.Value = previous;
        }
    }
}
