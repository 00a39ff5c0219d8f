using System.Globalization;
using Bridge.Backends.Reference;
using Bridge.Ir.Ops;

namespace Bridge.Backends.Tests.Reference;

/// <summary>
/// The Threefry kernel behind Relay's random.* ops: the block function against Random123's published known-answer vectors
/// (kat_vectors, <c>threefry4x64 20</c>), TVM's variant (no final key injection) derived from them by hand, the key layout,
/// split, the uniform / normal conversions on hand-chosen words, multinomial sampling, and the Relax packed functions.
/// </summary>
[TestFixture]
public sealed class ThreefryTests
{
    private static ulong[] W(string s) => [.. s.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(x => ulong.Parse(x, NumberStyles.HexNumber))];

    // Random123 kat_vectors: "threefry4x64 20 <counter x4> <key x4> <expected x4>".
    private static readonly (string Ctr, string Key, string Out)[] s_kat =
    [
        ("0000000000000000 0000000000000000 0000000000000000 0000000000000000", "0000000000000000 0000000000000000 0000000000000000 0000000000000000",
            "09218ebde6c85537 55941f5266d86105 4bd25e16282434dc ee29ec846bd2e40b"),
        ("ffffffffffffffff ffffffffffffffff ffffffffffffffff ffffffffffffffff", "ffffffffffffffff ffffffffffffffff ffffffffffffffff ffffffffffffffff",
            "29c24097942bba1b 0371bbfb0f6f4e11 3c231ffa33f83a1c cd29113fde32d168"),
        ("243f6a8885a308d3 13198a2e03707344 a4093822299f31d0 082efa98ec4e6c89", "452821e638d01377 be5466cf34e90c6c be5466cf34e90c6c c0ac29b7c97c50dd",
            "a7e8fde591651bd9 baafd0c30138319b 84a5c1a729e685b9 901d406ccebc1ba4"),
    ];

    [Test]
    public void Block_WithFinalInjection_MatchesRandom123KnownAnswers()
    {
        foreach (var (ctr, key, want) in s_kat)
        {
            var got = new ulong[4];
            Threefry.Block(W(key), W(ctr), got, finalInjection: true);
            Assert.That(got, Is.EqualTo(W(want)), $"counter {ctr}, key {key}");
        }
    }

    /// <summary>
    /// TVM's _threefry stops after round 20 without the sixth key injection, whose words are k0, k1, k2, k3 + 5 (the schedule
    /// at s = 5: k[(5 + i) mod 5] plus s on the last word). So TVM's block + that injection = the Random123 answer.
    /// </summary>
    [Test]
    public void Block_AsTvm_IsRandom123MinusTheFinalInjection()
    {
        foreach (var (ctr, key, want) in s_kat)
        {
            var k = W(key);
            var got = new ulong[4];
            Threefry.Block(k, W(ctr), got);
            ulong[] injected = [got[0] + k[0], got[1] + k[1], got[2] + k[2], got[3] + k[3] + 5];
            Assert.That(injected, Is.EqualTo(W(want)));
            Assert.That(got, Is.Not.EqualTo(W(want)));
        }
    }

    [Test]
    public void Key_HasTvmLayout()
    {
        Assert.That(Threefry.Key(42), Is.EqualTo(new ulong[] { 42, 0, 0, 0, 0, 0, 0, 0, 1UL << 63, 0 }));
        var t = Threefry.KeyTensor(7);
        Assert.That(t.DType, Is.EqualTo(DataType.UInt64));
        Assert.That(t.Shape, Is.EqualTo(new long[] { 10 }));
    }

    /// <summary>Generate: block i hashes counter words [4..7] + i under key words [0..3]; a partial last block uses counter word 7 + 4·blocks.</summary>
    [Test]
    public void Generate_CountersAndNextState()
    {
        var gen = Threefry.Key(5);
        var (next, bits) = Threefry.Generate(gen, 6);
        var b0 = new ulong[4]; var b1 = new ulong[4];
        Threefry.Block([5, 0, 0, 0], [0, 0, 0, 0], b0);
        Threefry.Block([5, 0, 0, 0], [0, 0, 0, 4], b1);
        Assert.That(bits, Is.EqualTo(new[] { b0[0], b0[1], b0[2], b0[3], b1[0], b1[1] }));
        Assert.That(next, Is.EqualTo(new ulong[] { 5, 0, 0, 0, 0, 0, 0, 8, 1UL << 63, 0 }), "counter 4 + 4 for the partial block");
        var (next8, bits8) = Threefry.Generate(gen, 8);
        var b1b = new ulong[4];
        Threefry.Block([5, 0, 0, 0], [1, 1, 1, 1], b1b);
        Assert.That(bits8[4..], Is.EqualTo(b1b), "block 1 adds 1 to every counter word");
        Assert.That(next8[7], Is.EqualTo(8UL));
        // The next call continues the stream: different numbers from the same seed.
        var (_, again) = Threefry.Generate(next8, 4);
        Assert.That(again, Is.Not.EqualTo(bits8[..4]));
    }

    [Test]
    public void Split_AppendsPathBits()
    {
        var (l, r) = Threefry.Split(Threefry.Key(3));
        Assert.That(l, Is.EqualTo(new ulong[] { 3, 0, 0, 0, 0, 0, 0, 0, 1UL << 62, 0 }));
        Assert.That(r, Is.EqualTo(new ulong[] { 3, 0, 0, 0, 1UL << 63, 0, 0, 0, 1UL << 62, 0 }));
        // A full path (position word pair zero) re-keys: the new key is the hash of (key, path+counter).
        var full = new ulong[] { 3, 0, 0, 0, 9, 0, 0, 0, 0, 0 };
        var (l2, r2) = Threefry.Split(full);
        var h = new ulong[4];
        Threefry.Block([3, 0, 0, 0], [9, 0, 0, 0], h);
        Assert.That(l2[..4], Is.EqualTo(h));
        Assert.That(r2[..4], Is.EqualTo(h));
        Assert.That(r2[4], Is.EqualTo(1UL << 63));
    }

    /// <summary>float32: low 32 bits → top 23 as mantissa of [1, 2) − 1; float64: top 52 bits of the word.</summary>
    [Test]
    public void Uniform_ConvertsBitsAsTvm()
    {
        var f = Threefry.UniformFromBits([0, 0xFFFFFFFF, 0x80000000, 0xABCD_0000_0000_0000], 0, 1, [4], DataType.Float32).ReadOnlySpan<float>().ToArray();
        Assert.That(f, Is.EqualTo(new[] { 0f, 1f - MathF.Pow(2, -23), 0.5f, 0f }), "the high 32 bits are dropped for float32");
        var d = Threefry.UniformFromBits([0x8000000000000000, 0xFFF, 0xFFFFFFFFFFFFFFFF], 0, 1, [3], DataType.Float64).ReadOnlySpan<double>().ToArray();
        Assert.That(d, Is.EqualTo(new[] { 0.5, 0.0, 1.0 - Math.Pow(2, -52) }));
        var scaled = Threefry.UniformFromBits([0x80000000], -2, 6, [1], DataType.Float32).ReadOnlySpan<float>()[0];
        Assert.That(scaled, Is.EqualTo(2f), "0.5 · (6 − (−2)) + (−2)");
        Assert.Throws<BridgeException>(() => Threefry.UniformFromBits([1], 0, 1, [1], DataType.Float16));
    }

    [Test]
    public void Uniform_LargeDraw_Statistics()
    {
        var (key, v) = Threefry.Uniform(Threefry.KeyTensor(11), -1, 3, [100, 100], DataType.Float32);
        var xs = v.ReadOnlySpan<float>().ToArray();
        Assert.That(xs.Min(), Is.GreaterThanOrEqualTo(-1f));
        Assert.That(xs.Max(), Is.LessThan(3f));
        var mean = xs.Average(x => (double)x);
        Assert.That(mean, Is.EqualTo(1.0).Within(5 * 4 / Math.Sqrt(12 * xs.Length)));
        Assert.That(key.ReadOnlySpan<ulong>()[7], Is.EqualTo(10000UL));
    }

    /// <summary>Box–Muller on a [2, n] uniform: sqrt(−2 ln(1 − u1)) · sin(2π u2) · scale + mean.</summary>
    [Test]
    public void Normal_IsBoxMullerOfTheUniformPairs()
    {
        var key = Threefry.KeyTensor(9);
        var (_, u) = Threefry.Uniform(key, 0, 1, [2, 3], DataType.Float64);
        var (_, n) = Threefry.Normal(key, 1.5, 2.0, [3], DataType.Float64);
        var us = u.ReadOnlySpan<double>();
        for (var i = 0; i < 3; i++)
            Assert.That(n.GetDouble(i), Is.EqualTo(Math.Sqrt(-2 * Math.Log(1 - us[i])) * Math.Sin(2 * Math.PI * us[3 + i]) * 2.0 + 1.5).Within(1e-12));
        var (_, big) = Threefry.Normal(Threefry.KeyTensor(4), -1, 0.5, [20000], DataType.Float32);
        var xs = big.ReadOnlySpan<float>().ToArray().Select(x => (double)x).ToArray();
        var m = xs.Average();
        var sd = Math.Sqrt(xs.Select(x => (x - m) * (x - m)).Sum() / (xs.Length - 1));
        Assert.That(m, Is.EqualTo(-1).Within(5 * 0.5 / Math.Sqrt(xs.Length)));
        Assert.That(sd, Is.EqualTo(0.5).Within(5 * 0.5 / Math.Sqrt(2 * xs.Length)));
    }

    [Test]
    public void Multinomial_OneHotIsExact_TwoClassFrequency()
    {
        var probs = Tensor.FromArray(new float[] { 0, 0, 1, 0, 0.3f, 0.7f, 0, 0 }, 2, 4);
        var (_, idx) = Threefry.Multinomial(Threefry.KeyTensor(1), probs, 5000);
        Assert.That(idx.DType, Is.EqualTo(DataType.Int32));
        Assert.That(idx.Shape, Is.EqualTo(new long[] { 2, 5000 }));
        var s = idx.ReadOnlySpan<int>();
        for (var i = 0; i < 5000; i++) Assert.That(s[i], Is.EqualTo(2));
        var ones = 0;
        for (var i = 5000; i < 10000; i++) { Assert.That(s[i], Is.InRange(0, 1)); ones += s[i]; }
        Assert.That(ones / 5000.0, Is.EqualTo(0.7).Within(5 * Math.Sqrt(0.21 / 5000)));
        // Negative weights are clipped to zero and rows need not sum to one.
        var (_, w) = Threefry.Multinomial(Threefry.KeyTensor(2), Tensor.FromArray(new float[] { -3, 5 }, 2), 50);
        Assert.That(w.ReadOnlySpan<int>().ToArray(), Has.All.EqualTo(1));
    }

    [Test]
    public void RelayOps_HaveKernelsAndTypeRelations()
    {
        ReferenceKernels.EnsureRegistered();
        foreach (var op in new[] { "random.threefry_generate", "random.threefry_split", "random.uniform", "random.normal", "random.multinomial" })
        {
            var def = OpRegistry.Find(Dialect.Relay, op)!;
            Assert.That(ReferenceKernels.Find(def), Is.Not.Null, op);
        }
        Assert.Throws<BridgeException>(() => Threefry.GenerateTensor(Tensor.Zeros(DataType.UInt64, 4), [4]), "a key that is not uint64[10]");
    }

    [Test]
    public void PackedRandom_UniformAndNormal()
    {
        var uni = PackedFunctions.FindDps("tvm.contrib.random.uniform")!;
        var nor = PackedFunctions.FindDps("tvm.contrib.random.normal")!;
        Assert.That(PackedFunctions.FindDps("tvm.contrib.cblas.matmul"), Is.Null);
        var st = new PackedRandomState(0);
        var loc = SourceLoc.Unknown.Instance;
        var a = uni([new PrimScalar(DataType.Float32, 0, 2.0), new PrimScalar(DataType.Float32, 0, 2.5)], [4000], DataType.Float32, st, loc);
        var xs = a.ReadOnlySpan<float>().ToArray();
        Assert.That(xs, Has.All.GreaterThanOrEqualTo(2f).And.All.LessThan(2.5f));
        var b = uni([new PrimScalar(DataType.Float32, 0, 2.0), new PrimScalar(DataType.Float32, 0, 2.5)], [4000], DataType.Float32, st, loc);
        Assert.That(b.ReadOnlySpan<float>().ToArray(), Is.Not.EqualTo(xs), "the stream advances between calls");
        var again = uni([new PrimScalar(DataType.Float32, 0, 2.0), new PrimScalar(DataType.Float32, 0, 2.5)], [4000], DataType.Float32, new PackedRandomState(0), loc);
        Assert.That(again.ReadOnlySpan<float>().ToArray(), Is.EqualTo(xs), "same seed, same numbers");
        var n = nor([new PrimScalar(DataType.Float64, 0, 3.0), new PrimScalar(DataType.Float64, 0, 0.1)], [4000], DataType.Float32, st, loc);
        Assert.That(n.ReadOnlySpan<float>().ToArray().Average(x => (double)x), Is.EqualTo(3.0).Within(5 * 0.1 / Math.Sqrt(4000)));
        Assert.Throws<BridgeException>(() => uni([new PrimScalar(DataType.Float32, 0, 1.0), new PrimScalar(DataType.Float32, 0, 1.0)], [4], DataType.Float32, st, loc),
            "TVM's engine requires high > low");
    }
}
