using System.Globalization;
using System.Text;

namespace Bridge.Ir.Relay;

/// <summary>Generated Relay programs for <c>bridge bench</c> (parse + type-check throughput).</summary>
public static class RelayBenchModules
{
    /// <summary>
    /// Text of a module whose <c>@main</c> is a chain of <paramref name="nodes"/> graph bindings cycling through
    /// add / multiply / nn.relu / tanh / a small dense, on a (1, 64) float32 tensor.
    /// </summary>
    public static string ChainText(int nodes)
    {
        var sb = new StringBuilder(nodes * 40);
        sb.Append("#[version = \"0.0.5\"]\n");
        sb.Append("def @main(%x: Tensor[(1, 64), float32], %w: Tensor[(64, 64), float32]) -> Tensor[(1, 64), float32] {\n");
        var prev = "%x";
        for (var i = 0; i < nodes; i++)
        {
            var cur = "%" + i.ToString(CultureInfo.InvariantCulture);
            var rhs = (i % 5) switch
            {
                0 => $"add({prev}, 1f)",
                1 => $"multiply({prev}, 0.5f)",
                2 => $"nn.relu({prev})",
                3 => $"tanh({prev})",
                _ => $"nn.dense({prev}, %w, units=64)",
            };
            if (i == nodes - 1) sb.Append("  ").Append(rhs).Append('\n');
            else sb.Append("  ").Append(cur).Append(" = ").Append(rhs).Append(";\n");
            prev = cur;
        }
        if (nodes == 0) sb.Append("  %x\n");
        return sb.Append("}\n").ToString();
    }

    /// <summary>The parsed module of <see cref="ChainText"/>.</summary>
    public static IRModule Chain(int nodes) => Text.RelayTextReader.ParseModule(ChainText(nodes), $"<chain{nodes}>");
}
