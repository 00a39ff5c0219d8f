using ILGPU;
using ILGPU.Runtime;

namespace Bridge.Backends.Cuda.Kernels;

/// <summary>The fused epilogue of a matmul or convolution: out = act(acc + bias[channel] + residual[same index]); -1 = absent.</summary>
public struct EpilogueParams
{
    public int Bias, Residual, Act;
    public float Lo, Hi;

    public readonly float Apply(float acc, ArrayView<float> arena, int channel, int outIndex)
    {
        if (Bias >= 0) acc += arena[Bias + channel];
        if (Residual >= 0) acc += arena[Residual + outIndex];
        return DeviceMath.Unary(Act, acc, Lo, Hi);
    }
}

/// <summary>Batched C[b] = A[b] · B[b] (B stored transposed when TransB): per-batch base offsets in the tape at BatchTable.</summary>
public struct MatmulParams
{
    public int M, N, K, TransB, BatchTable, Out;
    public EpilogueParams Ep;
}

/// <summary>NCHW/OIHW convolution: groups, strides, pads, dilation.</summary>
public struct ConvParams
{
    public int N, C, H, W, Cout, OH, OW, KH, KW, SH, SW, PT, PL, DH, DW, Groups, In, Weight, Out;
    public EpilogueParams Ep;
}

/// <summary>
/// Shared-memory tiled GEMM and implicit-GEMM convolution. A thread block is T×T threads (T = 16 on a GPU, 4 on the CPU
/// simulator); it stages a T×T tile of A and of B in shared memory per K step and each thread accumulates one output; the
/// epilogue is applied at the store. Depthwise convolution is a direct kernel (one thread per output).
/// </summary>
public static class GemmKernels
{
    /// <summary>The largest tile edge (shared memory is sized for it).</summary>
    public const int MaxTile = 16;

    /// <summary>Grid (ceil(N/T), ceil(M/T), batch); group (T, T).</summary>
    public static void Matmul(ArrayView<float> arena, ArrayView<int> tape, MatmulParams p)
    {
        var As = SharedMemory.Allocate<float>(MaxTile * MaxTile);
        var Bs = SharedMemory.Allocate<float>(MaxTile * MaxTile);
        var t = Group.DimX;
        var tx = Group.IdxX;
        var ty = Group.IdxY;
        var row = Grid.IdxY * t + ty;
        var col = Grid.IdxX * t + tx;
        var b = Grid.IdxZ;
        var aBase = tape[p.BatchTable + 2 * b];
        var bBase = tape[p.BatchTable + 2 * b + 1];
        var acc = 0f;
        for (var k0 = 0; k0 < p.K; k0 += t)
        {
            var ka = k0 + tx;
            As[ty * t + tx] = row < p.M && ka < p.K ? arena[aBase + row * p.K + ka] : 0f;
            var kb = k0 + ty;
            Bs[ty * t + tx] = col < p.N && kb < p.K ? arena[bBase + (p.TransB != 0 ? col * p.K + kb : kb * p.N + col)] : 0f;
            Group.Barrier();
            for (var k = 0; k < t; k++) acc += As[ty * t + k] * Bs[k * t + tx];
            Group.Barrier();
        }
        if (row < p.M && col < p.N)
        {
            var o = b * p.M * p.N + row * p.N + col;
            arena[p.Out + o] = p.Ep.Apply(acc, arena, col, o);
        }
    }

    /// <summary>
    /// Implicit GEMM per convolution group g = grid z: rows are the group's output channels, columns the (n, oy, ox) outputs,
    /// K the (ci, ky, kx) taps; the B tile is gathered from the input on the fly (zero outside the padding).
    /// </summary>
    public static void Conv2d(ArrayView<float> arena, ConvParams p)
    {
        var As = SharedMemory.Allocate<float>(MaxTile * MaxTile);
        var Bs = SharedMemory.Allocate<float>(MaxTile * MaxTile);
        var t = Group.DimX;
        var tx = Group.IdxX;
        var ty = Group.IdxY;
        var g = Grid.IdxZ;
        var mg = p.Cout / p.Groups;
        var cg = p.C / p.Groups;
        var taps = p.KH * p.KW;
        var kTotal = cg * taps;
        var plane = p.OH * p.OW;
        var cols = p.N * plane;
        var co = Grid.IdxY * t + ty;
        var j = Grid.IdxX * t + tx;
        // the column this thread loads for the B tile: its own column j
        var n = j / plane;
        var oy = j % plane / p.OW;
        var ox = j % p.OW;
        var acc = 0f;
        for (var k0 = 0; k0 < kTotal; k0 += t)
        {
            var ka = k0 + tx;
            As[ty * t + tx] = co < mg && ka < kTotal ? arena[p.Weight + (g * mg + co) * kTotal + ka] : 0f;
            var kb = k0 + ty;
            var v = 0f;
            if (j < cols && kb < kTotal)
            {
                var ci = kb / taps;
                var ky = kb % taps / p.KW;
                var kx = kb % p.KW;
                var iy = oy * p.SH - p.PT + ky * p.DH;
                var ix = ox * p.SW - p.PL + kx * p.DW;
                if (iy >= 0 && iy < p.H && ix >= 0 && ix < p.W)
                    v = arena[p.In + ((n * p.C + g * cg + ci) * p.H + iy) * p.W + ix];
            }
            Bs[ty * t + tx] = v;
            Group.Barrier();
            for (var k = 0; k < t; k++) acc += As[ty * t + k] * Bs[k * t + tx];
            Group.Barrier();
        }
        if (co < mg && j < cols)
        {
            var c = g * mg + co;
            var o = (n * p.Cout + c) * plane + oy * p.OW + ox;
            arena[p.Out + o] = p.Ep.Apply(acc, arena, c, o);
        }
    }

    /// <summary>Depthwise (and any group with one input channel per group): one thread per output element.</summary>
    public static void DepthwiseConv2d(Index1D i, ArrayView<float> arena, ConvParams p)
    {
        var plane = p.OH * p.OW;
        var ox = i % p.OW;
        var oy = i / p.OW % p.OH;
        var c = i / plane % p.Cout;
        var n = i / plane / p.Cout;
        var mg = p.Cout / p.Groups;
        var ci = c / mg; // the group's one input channel
        var acc = 0f;
        for (var ky = 0; ky < p.KH; ky++)
        {
            var iy = oy * p.SH - p.PT + ky * p.DH;
            if (iy < 0 || iy >= p.H) continue;
            for (var kx = 0; kx < p.KW; kx++)
            {
                var ix = ox * p.SW - p.PL + kx * p.DW;
                if (ix < 0 || ix >= p.W) continue;
                acc += arena[p.Weight + (c * p.KH + ky) * p.KW + kx] * arena[p.In + ((n * p.C + ci) * p.H + iy) * p.W + ix];
            }
        }
        arena[p.Out + i] = p.Ep.Apply(acc, arena, c, i);
    }
}
