using System.Text;
using Bridge.Backends.Cpu.Lowering;

namespace Bridge.Backends.Cpu.Codegen;

/// <summary>
/// Per-group timing of a compiled model, switched on by the environment variable <c>BRIDGE_CPU_PROFILE=1</c> (read once per
/// loaded model). Each group's function runs through <c>BRG_GROUP</c>, which adds its time to a per-group total: thread CPU
/// time at one thread (robust to other work on the machine), wall time otherwise. When the model is freed the groups are
/// printed to stderr, slowest first, with the conv class (<see cref="ConvClass"/>) and shape, and the totals per class.
/// Off, the cost is one predictable branch per group.
/// </summary>
public static class GroupProfile
{
    /// <summary>The C of the profile: group descriptions, the accumulators, <c>BRG_GROUP</c> and <c>brg_prof_report</c>.</summary>
    public static string Table(ImmutableArray<FusedGroup> groups, string source)
    {
        string Str(string s) => "\"" + s.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
        var sb = new StringBuilder();
        var n = Math.Max(1, groups.Length);
        sb.Append($"static const char* const brg_prof_desc[{n}] = {{ {string.Join(", ", groups.Select(g => Str(Describe(g))).DefaultIfEmpty("\"\""))} }};\n");
        sb.Append($"static const char* const brg_prof_class[{n}] = {{ {string.Join(", ", groups.Select(g => Str(Class(g))).DefaultIfEmpty("\"\""))} }};\n");
        sb.Append($"#define BRG_PROF_NG {groups.Length}\n#define BRG_PROF_SOURCE {Str(source)}\n");
        sb.Append(Runtime);
        return sb.ToString();
    }

    /// <summary>The class a group's time is summed under: <c>conv dw3x3/s2</c>, <c>conv 1x1</c>, <c>conv 3x3</c>, else the group kind.</summary>
    public static string Class(FusedGroup g)
    {
        if (g.Kind != GroupKind.Conv2d || g.Anchor is not { } a) return g.Kind.ToString().ToLowerInvariant();
        return "conv " + ConvClass(a);
    }

    /// <summary><c>dw3x3/s2</c>, <c>1x1</c>, <c>7x7/s2</c>, <c>g4 3x3</c>: kernel window, stride above 1, depthwise or groups.</summary>
    public static string ConvClass(TOp conv)
    {
        var c = (Conv2dAttrs)conv.Attrs;
        var w = conv.Inputs[1];
        var k = $"{w.Shape[2]}x{w.Shape[3]}";
        var s = c.StrideH > 1 || c.StrideW > 1 ? $"/s{c.StrideH}" : "";
        var cin = conv.Inputs[0].Shape[1].AsConst;
        var dw = c.Groups > 1 && cin == c.Groups;
        return (dw ? "dw" : c.Groups > 1 ? $"g{c.Groups} " : "") + k + s;
    }

    private static string Describe(FusedGroup g)
    {
        var shape = "[" + string.Join("x", g.Output.Shape) + "]";
        if (g.Kind == GroupKind.Conv2d && g.Anchor is { } a)
            return $"{g.Describe()} {ConvClass(a)} {a.Inputs[0].Shape[1]}->{a.Output.Shape[1]} out {shape}";
        return $"{g.Describe()} out {shape}";
    }

    private const string Runtime = """
        #include <time.h>
        static int brg_prof_on = -1;
        static long brg_prof_runs;
        static double brg_prof_s[BRG_PROF_NG > 0 ? BRG_PROF_NG : 1];
        static double brg_prof_now(void) {
            struct timespec t;
            clock_gettime(brg_get_num_threads() == 1 ? CLOCK_THREAD_CPUTIME_ID : CLOCK_MONOTONIC, &t);
            return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
        }
        static int brg_prof_group(brg_model* m, int i, int (*fn)(brg_model*)) {
            if (brg_prof_on < 0) { const char* e = getenv("BRIDGE_CPU_PROFILE"); brg_prof_on = e && e[0] && e[0] != '0'; }
            if (!brg_prof_on) return fn(m);
            double t0 = brg_prof_now();
            int r = fn(m);
            brg_prof_s[i] += brg_prof_now() - t0;
            return r;
        }
        #define BRG_GROUP(m, i, fn) (brg_prof_on == 0 ? fn(m) : brg_prof_group(m, i, fn))
        static void brg_prof_report(void) {
            if (brg_prof_on != 1 || brg_prof_runs == 0 || BRG_PROF_NG == 0) return;
            int order[BRG_PROF_NG > 0 ? BRG_PROF_NG : 1];
            double total = 0;
            for (int i = 0; i < BRG_PROF_NG; i++) { order[i] = i; total += brg_prof_s[i]; }
            for (int i = 1; i < BRG_PROF_NG; i++)
                for (int j = i; j > 0 && brg_prof_s[order[j]] > brg_prof_s[order[j - 1]]; j--) { int t = order[j]; order[j] = order[j - 1]; order[j - 1] = t; }
            double per = 1e3 / (double)brg_prof_runs;
            fprintf(stderr, "profile (%s program, %ld runs, %d threads, %s): %.3f ms per run in %d groups\n", BRG_PROF_SOURCE,
                    brg_prof_runs, (int)brg_get_num_threads(), brg_get_num_threads() == 1 ? "thread CPU time" : "wall time", total * per, BRG_PROF_NG);
            /* totals per class, in order of first appearance among the slowest */
            fprintf(stderr, "  by class:\n");
            int seen[BRG_PROF_NG > 0 ? BRG_PROF_NG : 1];
            for (int i = 0; i < BRG_PROF_NG; i++) seen[i] = 0;
            for (int a = 0; a < BRG_PROF_NG; a++) {
                int i = order[a];
                if (seen[i]) continue;
                double s = 0; int cnt = 0;
                for (int j = 0; j < BRG_PROF_NG; j++)
                    if (!seen[j] && strcmp(brg_prof_class[j], brg_prof_class[i]) == 0) { seen[j] = 1; s += brg_prof_s[j]; cnt++; }
                fprintf(stderr, "    %-22s %9.3f ms %5.1f%%  (%d groups)\n", brg_prof_class[i], s * per, total > 0 ? 100 * s / total : 0, cnt);
            }
            fprintf(stderr, "  by group (slowest first):\n");
            for (int a = 0; a < BRG_PROF_NG; a++) {
                int i = order[a];
                fprintf(stderr, "    g%-4d %9.3f ms %5.1f%%  %s\n", i, brg_prof_s[i] * per, total > 0 ? 100 * brg_prof_s[i] / total : 0, brg_prof_desc[i]);
            }
        }

        """;
}
