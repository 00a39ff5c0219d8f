using System.Text;

namespace Bridge.Backends.Cpu.Runtime;

/// <summary>
/// Splits a generated model unit (<see cref="Codegen.CModuleWriter"/>) into several C units the system compiler builds in
/// parallel: the groups' functions are dealt to <c>model-1.c</c>… by size (balanced), each with the shared prelude (types,
/// helpers, the weight symbol's declaration); <c>model-0.c</c> keeps the weights (<c>.incbin</c>), the fallback groups, the
/// metadata and <c>brg_model_run</c>, which calls the moved functions through hidden-visibility declarations. Groups whose
/// code is only calls into the kernel library (convolution, matmul, pooling, softmax, layer norm) and groups with loops go to
/// different units, so the call-only units can be compiled at -O2 (<see cref="NativeBuild.CallOnlyUnitOptLevel"/>).
/// </summary>
public static class UnitSplitter
{
    private const string GroupMarker = "/* group ";

    /// <summary>Group code below this many characters per unit is not split further (measured: docs/cpu-backend.md).</summary>
    public const int MinUnitChars = 6_000;
    private const string TailMarker = "static const char* const in_names[";

    /// <summary>
    /// The units of <paramref name="cText"/>; one unit (<c>model-0.c</c>, the text unchanged) when it is small or not in the
    /// expected shape. <paramref name="maxUnits"/> bounds the number of group units.
    /// </summary>
    public static IReadOnlyList<NativeSource> Split(string cText, int maxUnits)
    {
        var first = cText.IndexOf("\n" + GroupMarker, StringComparison.Ordinal);
        var tailAt = cText.IndexOf(TailMarker, StringComparison.Ordinal);
        if (maxUnits < 1 || first < 0 || tailAt < first) return [new NativeSource("model-0.c", cText)];
        var head = cText[..(first + 1)];
        var body = cText[(first + 1)..tailAt];
        var tail = cText[tailAt..];
        var chunks = new List<(int Index, string Text, bool Loops)>();
        var fallbacks = new StringBuilder();
        foreach (var chunk in Chunks(body))
        {
            var sig = chunk.IndexOf("static int g", StringComparison.Ordinal);
            var paren = sig < 0 ? -1 : chunk.IndexOf('(', sig);
            if (sig < 0 || paren < 0 || !int.TryParse(chunk.AsSpan(sig + "static int g".Length, paren - sig - "static int g".Length), out var index)
                || chunk.Contains("brg_fallback(", StringComparison.Ordinal))
            {
                fallbacks.Append(chunk);
                continue;
            }
            chunks.Add((index, chunk, chunk.Contains("#pragma omp", StringComparison.Ordinal)));
        }
        var total = chunks.Sum(c => c.Text.Length);
        // one unit per ~MinUnitChars of group code, at most maxUnits; small models stay one unit (the prelude costs each unit)
        var n = Math.Min(maxUnits, total / MinUnitChars);
        if (n < 2) return [new NativeSource("model-0.c", cText)];
        var loopShare = (double)chunks.Where(c => c.Loops).Sum(c => c.Text.Length) / total;
        var nLoop = chunks.Any(c => c.Loops) ? Math.Clamp((int)Math.Round(n * loopShare), 1, n) : 0;
        var nCall = chunks.Any(c => !c.Loops) ? Math.Max(1, n - nLoop) : 0;
        var bins = new List<(StringBuilder Text, int Size, bool Loops)>();
        for (var i = 0; i < nLoop; i++) bins.Add((new StringBuilder(), 0, true));
        for (var i = 0; i < nCall; i++) bins.Add((new StringBuilder(), 0, false));
        var prelude = SharedPrelude(head);
        var decls = new StringBuilder();
        foreach (var c in chunks.OrderByDescending(c => c.Text.Length).ThenBy(c => c.Index))
        {
            var b = Enumerable.Range(0, bins.Count).Where(i => bins[i].Loops == c.Loops).MinBy(i => bins[i].Size);
            bins[b].Text.Append(c.Text.Replace($"static int g{c.Index}(", $"BRG_HIDDEN int g{c.Index}(", StringComparison.Ordinal));
            bins[b] = (bins[b].Text, bins[b].Size + c.Text.Length, bins[b].Loops);
            decls.Append($"BRG_HIDDEN int g{c.Index}(brg_model* m);\n");
        }
        var units = new List<NativeSource> { new("model-0.c", head + Hidden + decls + "\n" + fallbacks + tail) };
        for (var i = 0; i < bins.Count; i++) units.Add(new NativeSource($"model-{i + 1}.c", prelude + Hidden + bins[i].Text));
        return units;
    }

    private const string Hidden = "#define BRG_HIDDEN __attribute__((visibility(\"hidden\")))\n";

    /// <summary>The head without the weights' <c>.incbin</c> (only model-0.c defines the symbol; the others declare it extern).</summary>
    private static string SharedPrelude(string head)
    {
        var sb = new StringBuilder();
        foreach (var line in head.Split('\n'))
            if (!line.StartsWith("__asm__(", StringComparison.Ordinal)) sb.Append(line).Append('\n');
        return sb.ToString(0, sb.Length - 1);
    }

    /// <summary>The body cut before every line that starts a group's comment.</summary>
    private static IEnumerable<string> Chunks(string body)
    {
        var start = 0;
        while (start < body.Length)
        {
            var next = body.IndexOf("\n" + GroupMarker, start + 1, StringComparison.Ordinal);
            var end = next < 0 ? body.Length : next + 1;
            yield return body[start..end];
            start = end;
        }
    }
}
