using System.Text.Json;

namespace Bridge.Backends.Tests.Reference;

/// <summary>
/// A golden file pair written by golden/golden_io.py: <c>STEM.json</c> (per case: op, kernel-level attrs, tolerances, and each
/// array's dtype, shape, offset, byte length) and <c>STEM.bin</c> (the raw little-endian arrays). Shared by every golden fixture,
/// with the attr accessors their adapters use.
/// </summary>
public sealed class GoldenSet
{
    private readonly byte[] _blob;

    private GoldenSet(JsonElement[] cases, byte[] blob) { Cases = cases; _blob = blob; }

    public JsonElement[] Cases { get; }

    public static GoldenSet Load(string stem)
    {
        var dir = Path.Combine(AppContext.BaseDirectory, "Reference", "golden");
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, stem + ".json")));
        var cases = doc.RootElement.GetProperty("cases").EnumerateArray().Select(e => e.Clone()).ToArray();
        return new GoldenSet(cases, File.ReadAllBytes(Path.Combine(dir, stem + ".bin")));
    }

    public IEnumerable<string> Names => Cases.Select(c => c.GetProperty("name").GetString()!);

    /// <summary>Runs case <paramref name="name"/> through <paramref name="run"/> (op, attrs, inputs → outputs) and compares with its tolerances.</summary>
    public void Check(string name, Func<string, JsonElement, Tensor[], Tensor[]> run)
    {
        var c = Cases.Single(x => x.GetProperty("name").GetString() == name);
        var inputs = c.GetProperty("inputs").EnumerateArray().Select(Read).ToArray();
        var expected = c.GetProperty("outputs").EnumerateArray().Select(Read).ToArray();
        var actual = run(c.GetProperty("op").GetString()!, c.GetProperty("attrs"), inputs);
        Assert.That(actual, Has.Length.EqualTo(expected.Length), "number of outputs");
        for (var i = 0; i < expected.Length; i++)
            TensorAssert.Close(actual[i], expected[i], c.GetProperty("rtol").GetDouble(), c.GetProperty("atol").GetDouble(), $"{name} output {i}");
    }

    private Tensor Read(JsonElement e)
    {
        var dt = T(e.GetProperty("dtype").GetString()!);
        var shape = e.GetProperty("shape").EnumerateArray().Select(x => x.GetInt64()).ToArray();
        var bytes = _blob.AsSpan(e.GetProperty("offset").GetInt32(), e.GetProperty("nbytes").GetInt32()).ToArray();
        return Tensor.FromBytes(dt, shape, bytes);
    }

    public static DataType T(string s) => DataType.TryParse(s, out var t) ? t : throw new ArgumentException(s);
    public static long[]? OptL(JsonElement a, string k) => a.TryGetProperty(k, out var v) ? v.EnumerateArray().Select(x => x.GetInt64()).ToArray() : null;
    public static long[] L(JsonElement a, string k) => OptL(a, k) ?? throw new ArgumentException(k);
    public static long[][] Pairs(JsonElement a, string k) => a.GetProperty(k).EnumerateArray().Select(p => p.EnumerateArray().Select(x => x.GetInt64()).ToArray()).ToArray();
    public static string S(JsonElement a, string k, string d) => a.TryGetProperty(k, out var v) ? v.GetString()! : d;
    public static double D(JsonElement a, string k, double d = 0) => a.TryGetProperty(k, out var v) ? v.GetDouble() : d;
    public static bool B(JsonElement a, string k, bool d = false) => a.TryGetProperty(k, out var v) ? v.GetBoolean() : d;
    public static long I(JsonElement a, string k, long d = 0) => a.TryGetProperty(k, out var v) ? v.GetInt64() : d;
}
