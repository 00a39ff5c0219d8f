using ILGPU;
using ILGPU.Algorithms;
using ILGPU.Runtime;

namespace Bridge.Backends.Cuda.Kernels;

/// <summary>NCHW 2-D pooling.</summary>
public struct PoolParams
{
    public int N, C, H, W, OH, OW, KH, KW, SH, SW, PT, PL, PB, PR, DH, DW, IncludePad, IsMax, In, Out;
}

/// <summary>
/// Row kernels over the last axis (softmax, log-softmax, layer norm: one thread block per row, block reductions with warp
/// shuffles) and pooling (one thread per output, the CPU library's window and divisor rules).
/// </summary>
public static class RowKernels
{
    /// <summary>Grid: one block per row (grid-stride); <paramref name="log"/> selects log-softmax.</summary>
    public static void Softmax(ArrayView<float> arena, int x, int y, int rows, int cols, int log)
    {
        var scratch = SharedMemory.Allocate<float>(32);
        for (var r = Grid.IdxX; r < rows; r += Grid.DimX)
        {
            var xr = x + r * cols;
            var yr = y + r * cols;
            var m = float.NegativeInfinity;
            for (var j = Group.IdxX; j < cols; j += Group.DimX) m = DeviceMath.Combine(1, m, arena[xr + j]);
            m = DeviceMath.BlockReduce(m, 1, scratch);
            var s = 0f;
            for (var j = Group.IdxX; j < cols; j += Group.DimX) s += XMath.Exp(arena[xr + j] - m);
            s = DeviceMath.BlockReduce(s, 0, scratch);
            var allNegInf = m == float.NegativeInfinity;
            if (log != 0)
            {
                var lse = m + XMath.Log(s);
                for (var j = Group.IdxX; j < cols; j += Group.DimX) arena[yr + j] = allNegInf ? float.NaN : arena[xr + j] - lse;
            }
            else
            {
                var inv = 1f / s;
                for (var j = Group.IdxX; j < cols; j += Group.DimX) arena[yr + j] = allNegInf ? float.NaN : XMath.Exp(arena[xr + j] - m) * inv;
            }
        }
    }

    /// <summary>Layer norm over the last axis: two passes (mean, centred variance), then scale and shift.</summary>
    public static void LayerNorm(ArrayView<float> arena, int x, int gamma, int beta, int y, int rows, int cols, float eps)
    {
        var scratch = SharedMemory.Allocate<float>(32);
        for (var r = Grid.IdxX; r < rows; r += Grid.DimX)
        {
            var xr = x + r * cols;
            var yr = y + r * cols;
            var s = 0f;
            for (var j = Group.IdxX; j < cols; j += Group.DimX) s += arena[xr + j];
            var mean = DeviceMath.BlockReduce(s, 0, scratch) / cols;
            var v = 0f;
            for (var j = Group.IdxX; j < cols; j += Group.DimX) { var d = arena[xr + j] - mean; v += d * d; }
            var inv = 1f / XMath.Sqrt(DeviceMath.BlockReduce(v, 0, scratch) / cols + eps);
            for (var j = Group.IdxX; j < cols; j += Group.DimX)
                arena[yr + j] = (arena[xr + j] - mean) * inv * arena[gamma + j] + arena[beta + j];
        }
    }

    /// <summary>One thread per output element.</summary>
    public static void Pool2d(Index1D i, ArrayView<float> arena, PoolParams p)
    {
        var ox = i % p.OW;
        var oy = i / p.OW % p.OH;
        var plane = i / (p.OH * p.OW);
        var xb = p.In + plane * p.H * p.W;
        var y0 = oy * p.SH - p.PT;
        var x0 = ox * p.SW - p.PL;
        var m = float.NegativeInfinity;
        var s = 0f;
        var cnt = 0;
        var rowsPad = 0;
        var colsPad = 0;
        for (var ky = 0; ky < p.KH; ky++) if (y0 + ky * p.DH < p.H + p.PB) rowsPad++;
        for (var kx = 0; kx < p.KW; kx++) if (x0 + kx * p.DW < p.W + p.PR) colsPad++;
        for (var ky = 0; ky < p.KH; ky++)
        {
            var iy = y0 + ky * p.DH;
            if (iy < 0 || iy >= p.H) continue;
            for (var kx = 0; kx < p.KW; kx++)
            {
                var ix = x0 + kx * p.DW;
                if (ix < 0 || ix >= p.W) continue;
                var v = arena[xb + iy * p.W + ix];
                if (p.IsMax != 0) m = v > m || XMath.IsNaN(v) ? v : m;
                else s += v;
                cnt++;
            }
        }
        if (p.IsMax != 0) arena[p.Out + i] = m;
        else
        {
            var d = p.IncludePad != 0 ? rowsPad * colsPad : cnt;
            arena[p.Out + i] = d > 0 ? s / d : 0f;
        }
    }
}
