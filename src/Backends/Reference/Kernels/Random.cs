using static Bridge.Backends.Reference.KernelCommon;

namespace Bridge.Backends.Reference;

/// <summary>
/// TVM's counter-based Threefry generator, bit for bit as <c>python/tvm/topi/random/kernel.py</c> (v0.19) computes it, so a
/// Relay program seeded with <c>relay.random.threefry_key(seed)</c> gives TVM's numbers.
/// <para>
/// The generator state ("key") is 10 uint64 words: <c>[0..3]</c> the Threefry key, <c>[4..5]</c> the split path,
/// <c>[6..7]</c> the counter (only word 7 counts), <c>[8..9]</c> the position of the next path bit (a one-hot 128-bit word).
/// <c>threefry_key(seed)</c> is <c>[seed, 0, 0, 0, 0, 0, 0, 0, 1 &lt;&lt; 63, 0]</c> (the seed's 32 little-endian bytes as four words).
/// </para>
/// <para>
/// The block function is Threefry-4x64 with 20 rounds and the Skein rotation constants, with TVM's two departures from
/// Random123's <c>threefry4x64_20</c>: key injections happen before rounds 0, 4, 8, 12 and 16 only (no sixth injection after
/// round 20), and block <c>i</c> of one generate call adds <c>i</c> to every one of the four counter words (path and counter).
/// <see cref="Block"/> with <c>finalInjection: true</c> is the Random123 function (tested against its known-answer vectors).
/// </para>
/// </summary>
public static class Threefry
{
    /// <summary>Words of a generator state.</summary>
    public const int StateWords = 10;

    // Skein-256 rotation constants, one pair per round mod 8 (pair (x0, x1) then (x2, x3)).
    private static readonly int[] s_rot0 = [14, 52, 23, 5, 25, 46, 58, 32];
    private static readonly int[] s_rot1 = [16, 57, 40, 37, 33, 12, 22, 32];
    private const ulong KeyParity = 0x1BD11BDAA9FC1A22;

    /// <summary>The state <c>relay.random.threefry_key(seed)</c> makes (little-endian host, as TVM's x86/ARM builds).</summary>
    public static ulong[] Key(ulong seed) => [seed, 0, 0, 0, 0, 0, 0, 0, 1UL << 63, 0];

    /// <summary>The state as a <c>uint64[10]</c> tensor (a Relay constant).</summary>
    public static Tensor KeyTensor(ulong seed) => Tensor.FromArray<ulong>(DataType.UInt64, Key(seed), StateWords);

    private static ulong RotL(ulong x, int r) => (x << r) | (x >> (64 - r));

    /// <summary>
    /// One Threefry-4x64-20 block of <paramref name="counter"/> under <paramref name="key"/> (4 words each) into
    /// <paramref name="output"/>. TVM omits the final key injection; <paramref name="finalInjection"/> adds it (Random123).
    /// </summary>
    public static void Block(ReadOnlySpan<ulong> key, ReadOnlySpan<ulong> counter, Span<ulong> output, bool finalInjection = false)
    {
        Span<ulong> k = stackalloc ulong[5];
        k[4] = KeyParity;
        for (var i = 0; i < 4; i++) { k[i] = key[i]; k[4] ^= key[i]; }
        ulong x0 = counter[0], x1 = counter[1], x2 = counter[2], x3 = counter[3];
        for (var s = 0; s < 5; s++)
        {
            x0 += k[s % 5]; x1 += k[(s + 1) % 5]; x2 += k[(s + 2) % 5]; x3 += k[(s + 3) % 5] + (ulong)s;
            for (var r = 0; r < 4; r++)
            {
                var rot = (s * 4 + r) % 8;
                x0 += x1; x1 = RotL(x1, s_rot0[rot]) ^ x0;
                x2 += x3; x3 = RotL(x3, s_rot1[rot]) ^ x2;
                // TVM's permutation [0, 3, 2, 1] after every round.
                (x1, x3) = (x3, x1);
            }
        }
        if (finalInjection) { x0 += k[0]; x1 += k[1]; x2 += k[2]; x3 += k[3] + 5; }
        output[0] = x0; output[1] = x1; output[2] = x2; output[3] = x3;
    }

    private static ulong[] CheckState(Tensor gen, string op)
    {
        if (gen.DType != DataType.UInt64 || gen.Rank != 1 || gen.Shape[0] != StateWords)
            throw Fail(KernelDiagnosticIds.ShapeMismatch, op, $"the key must be a uint64[{StateWords}] Threefry state, got {gen}");
        return gen.ReadOnlySpan<ulong>().ToArray();
    }

    /// <summary>
    /// <c>threefry_generate</c>: <paramref name="count"/> random uint64 words and the next state (counter advanced by the
    /// count, rounded up to a whole block when the count is not a multiple of 4, as TVM does).
    /// </summary>
    public static (ulong[] NewState, ulong[] Bits) Generate(ReadOnlySpan<ulong> gen, long count, string op = "random.threefry_generate")
    {
        if (count < 0) throw Fail(KernelDiagnosticIds.BadParameter, op, $"negative count {count}");
        var tmp = gen.ToArray();
        if (!(gen[7] < ulong.MaxValue - (ulong)count))
        {
            // Counter exhausted: TVM moves the counter into the path (or re-keys); a state from threefry_key needs 2^64 draws
            // to get here, so this branch is refused rather than carried (its re-keying reads past a 2-word buffer in TVM).
            throw Fail(KernelDiagnosticIds.BadParameter, op, "the Threefry counter of this key is exhausted");
        }
        var bits = new ulong[count];
        Span<ulong> ctr = stackalloc ulong[4];
        Span<ulong> blk = stackalloc ulong[4];
        var key = tmp.AsSpan(0, 4);
        var blocks = count / 4;
        for (long i = 0; i < blocks; i++)
        {
            for (var j = 0; j < 4; j++) ctr[j] = tmp[4 + j] + (ulong)i;
            Block(key, ctr, blk);
            blk.CopyTo(bits.AsSpan((int)(i * 4), 4));
        }
        var rem = count % 4;
        if (rem != 0)
        {
            tmp[7] += (ulong)(blocks * 4);
            for (var j = 0; j < 4; j++) ctr[j] = tmp[4 + j];
            Block(key, ctr, blk);
            for (var j = 0; j < rem; j++) bits[blocks * 4 + j] = blk[j];
        }
        ulong[] next = [tmp[0], tmp[1], tmp[2], tmp[3], tmp[4], tmp[5], 0, rem != 0 ? tmp[7] + 4 : tmp[7] + (ulong)count, tmp[8], tmp[9]];
        return (next, bits);
    }

    private static (ulong A, ulong B) ShiftRight(ulong a, ulong b) => a == 1 ? (0, 0x8000000000000000) : a == 0 ? (0, b >> 1) : (a >> 1, 0);

    /// <summary><c>threefry_split</c>: two distinct states (left appends a 0 to the path, right a 1; re-keys when the path is full).</summary>
    public static (ulong[] Left, ulong[] Right) Split(ReadOnlySpan<ulong> gen)
    {
        var left = new ulong[StateWords];
        var right = new ulong[StateWords];
        if (gen[8] == 0 && gen[9] == 0)
        {
            Block(gen[..4], gen.Slice(4, 4), left.AsSpan(0, 4));
            left[8] = 1UL << 62;
            left.AsSpan(0, 4).CopyTo(right);
            right[4] = 1UL << 63;
            right[8] = 1UL << 62;
            return (left, right);
        }
        gen[..8].CopyTo(left);
        gen[..8].CopyTo(right);
        (left[8], left[9]) = ShiftRight(gen[8], gen[9]);
        right[4] = gen[4] | gen[8];
        right[5] = gen[5] | gen[9];
        (right[8], right[9]) = ShiftRight(gen[8], gen[9]);
        return (left, right);
    }

    private static Tensor State(ulong[] s) => Tensor.FromArray<ulong>(DataType.UInt64, s, StateWords);

    /// <summary>relay <c>random.threefry_generate</c> on tensors.</summary>
    public static (Tensor NewKey, Tensor Bits) GenerateTensor(Tensor gen, long[] shape)
    {
        var (next, bits) = Generate(CheckState(gen, "random.threefry_generate"), Tensor.ElementCountOf([.. shape]));
        return (State(next), Tensor.FromArray<ulong>(DataType.UInt64, bits, shape));
    }

    /// <summary>relay <c>random.threefry_split</c> on tensors.</summary>
    public static (Tensor Left, Tensor Right) SplitTensor(Tensor gen)
    {
        var (l, r) = Split(CheckState(gen, "random.threefry_split"));
        return (State(l), State(r));
    }

    /// <summary>
    /// topi <c>uniform</c>: per word, float32 takes the low 32 bits, keeps the top 23 as the mantissa of a float in [1, 2) and
    /// subtracts 1; float64 does the same with 52 bits of the whole word. Then <c>u · (high − low) + low</c> in the dtype.
    /// </summary>
    public static (Tensor NewKey, Tensor Values) Uniform(Tensor gen, double low, double high, long[] shape, DataType dtype, string op = "random.uniform")
    {
        var (next, bits) = Generate(CheckState(gen, op), Tensor.ElementCountOf([.. shape]), op);
        return (State(next), UniformFromBits(bits, low, high, shape, dtype, op));
    }

    /// <summary>The uniform conversion of <see cref="Uniform"/> on given random words (exposed for known-answer tests).</summary>
    public static Tensor UniformFromBits(ulong[] bits, double low, double high, long[] shape, DataType dtype, string op = "random.uniform")
    {
        if (dtype == DataType.Float32)
        {
            var vals = new float[bits.Length];
            float lo = (float)low, range = (float)high - (float)low;
            for (var i = 0; i < bits.Length; i++)
            {
                var mant = ((uint)bits[i] >> 9) | (127u << 23);
                vals[i] = (BitConverter.UInt32BitsToSingle(mant) - 1f) * range + lo;
            }
            return Tensor.FromArray(vals, shape);
        }
        if (dtype == DataType.Float64)
        {
            var vals = new double[bits.Length];
            var range = high - low;
            for (var i = 0; i < bits.Length; i++)
                vals[i] = (BitConverter.UInt64BitsToDouble((bits[i] >> 12) | (1023UL << 52)) - 1.0) * range + low;
            return Tensor.FromArray(vals, shape);
        }
        throw Fail(KernelDiagnosticIds.UnsupportedDType, op, $"only float32 and float64 are generated (TVM's uniform asserts the same), got {dtype}");
    }

    /// <summary>
    /// topi <c>normal</c> (Box–Muller): draws a uniform tensor of shape <c>[2, *shape]</c>, <c>u1 = 1 − first half</c>,
    /// <c>u2 = second half</c>, value <c>sqrt(−2 log u1) · sin(2π u2) · scale + mean</c> in the dtype.
    /// </summary>
    public static (Tensor NewKey, Tensor Values) Normal(Tensor gen, double mean, double scale, long[] shape, DataType dtype)
    {
        var n = Tensor.ElementCountOf([.. shape]);
        var (next, u) = Uniform(gen, 0, 1, [2, .. shape], dtype, "random.normal");
        if (dtype == DataType.Float32)
        {
            var us = u.ReadOnlySpan<float>();
            var vals = new float[n];
            const float twoPi = (float)(2.0 * Math.PI);
            for (var i = 0; i < n; i++)
            {
                var u1 = 1f - us[i];
                vals[i] = MathF.Sqrt(-2f * MathF.Log(u1)) * MathF.Sin(twoPi * us[(int)n + i]) * (float)scale + (float)mean;
            }
            return (next, Tensor.FromArray(vals, shape));
        }
        var ud = u.ReadOnlySpan<double>();
        var vd = new double[n];
        for (var i = 0; i < n; i++)
            vd[i] = Math.Sqrt(-2.0 * Math.Log(1.0 - ud[i])) * Math.Sin(2.0 * Math.PI * ud[(int)n + i]) * scale + mean;
        return (next, Tensor.FromArray(vd, shape));
    }

    /// <summary>
    /// topi <c>multinomial</c>: probabilities (last axis) cast to float32, negatives clipped to 0, normalised, cumulated; one
    /// float32 uniform per sample (shape <c>[*batch, num_samples]</c>); the sample is the first index whose cumulative
    /// probability exceeds the uniform (argmin of <c>where(cdf − u &gt; 0, cdf − u, 1)</c>), as int32.
    /// </summary>
    public static (Tensor NewKey, Tensor Indices) Multinomial(Tensor gen, Tensor probs, long numSamples)
    {
        const string op = "random.multinomial";
        if (probs.Rank < 1) throw Fail(KernelDiagnosticIds.RankMismatch, op, "probabilities must have at least one axis");
        if (numSamples < 0) throw Fail(KernelDiagnosticIds.BadParameter, op, $"num_samples {numSamples} is negative");
        var classes = (int)probs.Shape[^1];
        var rows = classes == 0 ? 0 : (int)(probs.Length / classes);
        long[] outShape = [.. probs.Shape.Take(probs.Rank - 1), numSamples];
        var (next, u) = Uniform(gen, 0, 1, outShape, DataType.Float32, op);
        var us = u.ReadOnlySpan<float>();
        var cdf = new float[classes];
        var result = new int[rows * numSamples];
        for (var r = 0; r < rows; r++)
        {
            float sum = 0;
            for (var c = 0; c < classes; c++) sum += Math.Max((float)probs.GetDouble((long)r * classes + c), 0f);
            float acc = 0;
            for (var c = 0; c < classes; c++) { acc += Math.Max((float)probs.GetDouble((long)r * classes + c), 0f) / sum; cdf[c] = acc; }
            for (var s = 0; s < numSamples; s++)
            {
                var uv = us[(int)(r * numSamples + s)];
                var best = 0;
                var bestVal = float.PositiveInfinity;
                for (var c = 0; c < classes; c++)
                {
                    var d = cdf[c] - uv;
                    var v = d > 0 ? d : 1f;
                    if (v < bestVal) { bestVal = v; best = c; }
                }
                result[r * numSamples + s] = best;
            }
        }
        return (next, Tensor.FromArray(result, outShape));
    }
}
