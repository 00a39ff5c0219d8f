using System.Diagnostics;

namespace Bridge.Cli;

/// <summary>The timing loop the compiled backends' bench tables share: one warm-up run, then <c>runs</c> timed runs.</summary>
internal static class BenchTiming
{
    /// <summary>Runs <paramref name="body"/> once untimed (first-touch, packing, kernel JIT), then times it; median and minimum in ms.</summary>
    public static (double MedianMs, double MinMs) MedianMin(int runs, Action body)
    {
        body();
        var times = new List<double>(runs);
        for (var i = 0; i < runs; i++)
        {
            var sw = Stopwatch.StartNew();
            body();
            times.Add(sw.Elapsed.TotalMilliseconds);
        }
        times.Sort();
        return (times[times.Count / 2], times[0]);
    }
}
