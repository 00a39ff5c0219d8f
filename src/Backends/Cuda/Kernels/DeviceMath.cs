using ILGPU;
using ILGPU.Algorithms;

namespace Bridge.Backends.Cuda.Kernels;

/// <summary>
/// Scalar math shared by every kernel: the unary functions of injective groups and the epilogue activations, with the same
/// formulas as the CPU kernel library (<c>brg_internal.h</c>: erf polynomial, x/(1+e^-x) SiLU) so both backends agree.
/// Function codes are <see cref="Fn"/>.
/// </summary>
public static class DeviceMath
{
    /// <summary>Unary function codes (the tape's and the epilogue's).</summary>
    public static class Fn
    {
        public const int None = 0, Relu = 1, Clip = 2, Sigmoid = 3, Silu = 4, Gelu = 5, Tanh = 7, Exp = 8, Erf = 9, Sqrt = 10,
            Rsqrt = 11, Neg = 12, Abs = 13, Log = 14, Floor = 15, Ceil = 16, Square = 17, LeakyRelu = 18;
    }

    /// <summary>Binary function codes.</summary>
    public static class Bin
    {
        public const int Add = 0, Sub = 1, Mul = 2, Div = 3, Max = 4, Min = 5, Pow = 6;
    }

    /// <summary>The code of a lowered unary function name, or -1.</summary>
    public static int UnaryCode(string fn) => fn switch
    {
        "copy" => Fn.None, "relu" => Fn.Relu, "clip" => Fn.Clip, "sigmoid" => Fn.Sigmoid, "silu" => Fn.Silu, "gelu" => Fn.Gelu,
        "tanh" => Fn.Tanh, "exp" => Fn.Exp, "erf" => Fn.Erf, "sqrt" => Fn.Sqrt, "rsqrt" => Fn.Rsqrt, "neg" => Fn.Neg,
        "abs" => Fn.Abs, "log" => Fn.Log, "floor" => Fn.Floor, "ceil" => Fn.Ceil, "square" => Fn.Square, "leaky_relu" => Fn.LeakyRelu,
        _ => -1,
    };

    public static int BinaryCode(string fn) => fn switch
    {
        "add" => Bin.Add, "subtract" => Bin.Sub, "multiply" => Bin.Mul, "divide" => Bin.Div, "maximum" => Bin.Max,
        "minimum" => Bin.Min, "power" => Bin.Pow, _ => -1,
    };

    public static float Unary(int fn, float v, float lo, float hi)
    {
        switch (fn)
        {
            case Fn.Relu: return v > 0f ? v : 0f;
            case Fn.Clip: return XMath.Min(XMath.Max(v, lo), hi);
            case Fn.Sigmoid: return 1f / (1f + XMath.Exp(-v));
            case Fn.Silu: return v / (1f + XMath.Exp(-v));
            case Fn.Gelu: return 0.5f * v * (1f + Erf(v * 0.70710678118654752f));
            case Fn.Tanh: return XMath.Tanh(v);
            case Fn.Exp: return XMath.Exp(v);
            case Fn.Erf: return Erf(v);
            case Fn.Sqrt: return XMath.Sqrt(v);
            case Fn.Rsqrt: return 1f / XMath.Sqrt(v);
            case Fn.Neg: return -v;
            case Fn.Abs: return XMath.Abs(v);
            case Fn.Log: return XMath.Log(v);
            case Fn.Floor: return XMath.Floor(v);
            case Fn.Ceil: return XMath.Ceiling(v);
            case Fn.Square: return v * v;
            case Fn.LeakyRelu: return v >= 0f ? v : v * lo;
            default: return v;
        }
    }

    public static float Binary(int fn, float a, float b)
    {
        switch (fn)
        {
            case Bin.Add: return a + b;
            case Bin.Sub: return a - b;
            case Bin.Mul: return a * b;
            case Bin.Div: return a / b;
            case Bin.Max: return XMath.IsNaN(a) ? a : XMath.IsNaN(b) ? b : XMath.Max(a, b);
            case Bin.Min: return XMath.IsNaN(a) ? a : XMath.IsNaN(b) ? b : XMath.Min(a, b);
            default: return XMath.Pow(a, b);
        }
    }

    /// <summary>erf: the CPU library's odd polynomial below 1 and Numerical Recipes' erfc fit above (fractional error &lt; 1.2e-7).</summary>
    public static float Erf(float x)
    {
        var a = XMath.Abs(x);
        if (a < 1f)
        {
            var s = x * x;
            var r = 7.970398887675867e-05f;
            r = r * s - 0.0008043200187123206f;
            r = r * s + 0.005191816014517736f;
            r = r * s - 0.02685550142763457f;
            r = r * s + 0.11283621889816295f;
            r = r * s - 0.37612628724092184f;
            r = r * s + 1.1283791660945395f;
            return r * x;
        }
        if (a > 9f) return x < 0 ? -1f : 1f;
        var t = 1f / (1f + 0.5f * a);
        var p = 0.17087277f;
        p = p * t - 0.82215223f; p = p * t + 1.48851587f; p = p * t - 1.13520398f; p = p * t + 0.27886807f;
        p = p * t - 0.18628806f; p = p * t + 0.09678418f; p = p * t + 0.37409196f; p = p * t + 1.00002368f;
        p = p * t - 1.26551223f;
        var erfc = t * XMath.Exp(-a * a + p);
        return x < 0 ? erfc - 1f : 1f - erfc;
    }

    /// <summary>Block-wide reduction of one value per thread (0 sum, 1 max, 2 min): warp shuffles, then one slot per warp in shared memory.
    /// Every thread of the group returns the result.</summary>
    public static float BlockReduce(float v, int op, ArrayView<float> scratch)
    {
        for (var off = Warp.WarpSize / 2; off > 0; off /= 2) v = Combine(op, v, Warp.ShuffleDown(v, off));
        var warps = (Group.DimX + Warp.WarpSize - 1) / Warp.WarpSize;
        if (Warp.IsFirstLane) scratch[Warp.WarpIdx] = v;
        Group.Barrier();
        if (Warp.WarpIdx == 0)
        {
            var w = Warp.LaneIdx < warps ? scratch[Warp.LaneIdx] : Identity(op);
            for (var off = Warp.WarpSize / 2; off > 0; off /= 2) w = Combine(op, w, Warp.ShuffleDown(w, off));
            if (Warp.IsFirstLane) scratch[0] = w;
        }
        Group.Barrier();
        var r = scratch[0];
        Group.Barrier();
        return r;
    }

    public static float Identity(int op) => op == 0 ? 0f : op == 1 ? float.NegativeInfinity : float.PositiveInfinity;

    public static float Combine(int op, float a, float b) =>
        op == 0 ? a + b : op == 1 ? (XMath.IsNaN(a) || a > b ? a : b) : (XMath.IsNaN(a) || a < b ? a : b);
}
