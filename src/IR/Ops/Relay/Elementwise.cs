// Generated from spec §5 tables (/work/shared/spec/relay-formats.md) by a one-off script, then kept by hand.
using Bridge.Core.Collections;

namespace Bridge.Ir.Ops.Relay;



/// <summary>Relay op table: Elementwise family.</summary>
internal static class RelayElementwiseOps
{
    private static void Def<T>(string name, params string[] inputs) where T : Attrs, new() => RelayOps.Define<T>(name, "elementwise", inputs);

    internal static void Register()
    {
        Def<NoAttrs>("abs", "data");
        Def<NoAttrs>("acos", "data");
        Def<NoAttrs>("acosh", "data");
        Def<NoAttrs>("asin", "data");
        Def<NoAttrs>("asinh", "data");
        Def<NoAttrs>("atan", "data");
        Def<NoAttrs>("atanh", "data");
        Def<NoAttrs>("ceil", "data");
        Def<NoAttrs>("cos", "data");
        Def<NoAttrs>("cosh", "data");
        Def<NoAttrs>("erf", "data");
        Def<NoAttrs>("exp", "data");
        Def<NoAttrs>("floor", "data");
        Def<NoAttrs>("isfinite", "data");
        Def<NoAttrs>("isinf", "data");
        Def<NoAttrs>("isnan", "data");
        Def<NoAttrs>("log", "data");
        Def<NoAttrs>("log10", "data");
        Def<NoAttrs>("log2", "data");
        Def<NoAttrs>("logical_not", "data");
        Def<NoAttrs>("bitwise_not", "data");
        Def<NoAttrs>("negative", "data");
        Def<NoAttrs>("round", "data");
        Def<NoAttrs>("rsqrt", "data");
        Def<NoAttrs>("sigmoid", "data");
        Def<NoAttrs>("sign", "data");
        Def<NoAttrs>("sin", "data");
        Def<NoAttrs>("sinh", "data");
        Def<NoAttrs>("sqrt", "data");
        Def<NoAttrs>("tan", "data");
        Def<NoAttrs>("tanh", "data");
        Def<NoAttrs>("trunc", "data");
        Def<NoAttrs>("nn.relu", "data");
        Def<NoAttrs>("fast_tanh", "data");
        Def<NoAttrs>("fast_erf", "data");
        Def<NoAttrs>("add", "lhs", "rhs");
        Def<NoAttrs>("subtract", "lhs", "rhs");
        Def<NoAttrs>("multiply", "lhs", "rhs");
        Def<NoAttrs>("divide", "lhs", "rhs");
        Def<NoAttrs>("floor_divide", "lhs", "rhs");
        Def<NoAttrs>("trunc_divide", "lhs", "rhs");
        Def<NoAttrs>("mod", "lhs", "rhs");
        Def<NoAttrs>("floor_mod", "lhs", "rhs");
        Def<NoAttrs>("trunc_mod", "lhs", "rhs");
        Def<NoAttrs>("power", "lhs", "rhs");
        Def<NoAttrs>("maximum", "lhs", "rhs");
        Def<NoAttrs>("minimum", "lhs", "rhs");
        Def<NoAttrs>("equal", "lhs", "rhs");
        Def<NoAttrs>("not_equal", "lhs", "rhs");
        Def<NoAttrs>("less", "lhs", "rhs");
        Def<NoAttrs>("less_equal", "lhs", "rhs");
        Def<NoAttrs>("greater", "lhs", "rhs");
        Def<NoAttrs>("greater_equal", "lhs", "rhs");
        Def<NoAttrs>("logical_and", "lhs", "rhs");
        Def<NoAttrs>("logical_or", "lhs", "rhs");
        Def<NoAttrs>("logical_xor", "lhs", "rhs");
        Def<NoAttrs>("bitwise_and", "lhs", "rhs");
        Def<NoAttrs>("bitwise_or", "lhs", "rhs");
        Def<NoAttrs>("bitwise_xor", "lhs", "rhs");
        Def<NoAttrs>("left_shift", "lhs", "rhs");
        Def<NoAttrs>("right_shift", "lhs", "rhs");
    }
}
