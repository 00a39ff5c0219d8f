using System.Globalization;
using Bridge.Ir.Ops;
using Bridge.Ir.Ops.Relax;
using static Bridge.Ir.Relax.StructInfoExt;
using Relax = Bridge.Ir.Relax;
using Relay = Bridge.Ir.Relay;

namespace Bridge.Translators.RelayToRelax;

// FnState continued: Relay constants (bound, lifted to parameters or inlined) and the reconciliation of Relax's inferred
// struct info with the Relay checked type (symbolic dims, match_cast where unproven). See RelayToRelaxTranslator.Function.cs.
public sealed partial class RelayToRelaxTranslator
{
    internal sealed partial class FnState
    {
        // ------------------------------------------------------------ constants

        private Relax.Expr BoundConstant(Tensor value, Relay.RelayType ty, Relay.Var p)
        {
            if (ty is not Relay.TensorType tt || tt.DType != value.DType || tt.Rank != value.Rank ||
                tt.Shape.Zip(value.Shape).Any(z => z.First.AsConst is { } c && c != z.Second))
                throw new BridgeException(RelayToRelaxDiagnosticIds.MissingConstant, p.Loc,
                    $"--params value of %{p.Name} is {value} but the parameter has type {ty}");
            return new Relax.Constant(value, p.Loc) { Info = StaticInfo(value) };
        }

        private static Relax.TensorSInfo StaticInfo(Tensor t) => Relax.TensorSInfo.Of(t.DType, [.. t.Shape.Select(d => (SymExpr)d)]);

        private Relax.Expr TranslateConstant(Relay.Constant c)
        {
            if (c.IsUnresolvedMeta)
                throw new BridgeException(RelayToRelaxDiagnosticIds.MissingConstant, c.Loc, $"meta[relay.Constant][{c.MetaIndex}] has no table entry; pass --meta");
            // Scalars and (outside the entry function) every valued constant are inlined; in the entry function weights
            // stay parameters unless --bind-params (TVM's frontends do the same with num_input).
            var inline = c.Value is not null && (c.IsScalar || !_isEntry || _t._opt.BindParams || c.MetaIndex is null || !_t._opt.LiftMetaConstants);
            if (inline) return new Relax.Constant(c.Value!, c.Loc) { Info = StaticInfo(c.Value!) };
            if (_t._opt.BindParams)
                throw new BridgeException(RelayToRelaxDiagnosticIds.MissingConstant, c.Loc,
                    $"meta[relay.Constant][{c.MetaIndex}] ({c.Type}) has no value to bind; pass --meta with values (npz/params) or drop --bind-params");
            if (!_isEntry)
                throw new BridgeException(RelayToRelaxDiagnosticIds.MissingConstant, c.Loc,
                    $"meta[relay.Constant][{c.MetaIndex}] ({c.Type}) has no value and is used in @{_fn}, which is not the entry function (only entry constants can become parameters)");
            if (_constParams.TryGetValue(c, out var pv)) return pv;
            var name = _em.FreshName(c.MetaIndex is { } mi ? $"const{mi}" : "const");
            var v = new Relax.Var(name, ToSInfo(c.Type, name, defineNew: true), c.Loc);
            _constParams[c] = v;
            _liftedConstParams.Add(v);
            if (c.Value is not null) _t.Stats.WeightValues[name] = c.Value;
            return v;
        }

        // ------------------------------------------------------------ symbolic reconciliation

        /// <summary>
        /// Compares the Relax struct info of a new binding with the Relay checked type: unifies Relay Any dims with the Relax
        /// dims, fails on provable disagreement, and emits <c>R.match_cast</c> where Relax knows less than Relay.
        /// </summary>
        internal Relax.Expr Reconcile(Relax.Var v, Relay.RelayType t, Relay.Expr origin, string? hint)
        {
            var needCast = false;
            var target = Target(v.Info ?? Relax.StructInfo.Object, t, hint ?? v.Name, origin, ref needCast);
            if (!needCast) return v;
            _t.Stats.MatchCasts++;
            var mc = _em.EmitMatchCast(v, target, hint ?? "lv", LocOf(origin));
            _bindingIndex++;
            return mc;
        }

        private Relax.StructInfo Target(Relax.StructInfo r, Relay.RelayType t, string hint, Relay.Expr origin, ref bool cast)
        {
            switch (t)
            {
                case Relay.TensorType tt:
                {
                    var rt = r as Relax.TensorSInfo;
                    if (r is not Relax.TensorSInfo and not Relax.ObjectSInfo) throw Disagree(origin, r, t);
                    if (rt is null || rt.DType is null) cast = true;
                    else if (rt.DType != tt.DType) throw Disagree(origin, r, t);
                    if (rt is not null && rt.NDim >= 0 && rt.NDim != tt.Rank) throw Disagree(origin, r, t);
                    SymExpr[]? rs = rt?.Shape is { } rsh ? [.. rsh] : null;
                    var dims = new SymExpr[tt.Rank];
                    for (var i = 0; i < tt.Rank; i++)
                    {
                        var d = tt.Shape[i];
                        var m = MapDim(d);
                        if (m is not null)
                        {
                            dims[i] = m;
                            if (rs is null) { cast = true; continue; }
                            switch (FastEqual(rs[i], m))
                            {
                                case Tri.Proven: dims[i] = rs[i]; break;
                                case Tri.Disproven when m.IsConst() && rs[i].IsConst(): throw Disagree(origin, r, t);
                                default:
                                    // A static Relay dim Relax cannot prove: cast to it. A symbolic one: Relax's own
                                    // expression is at least as meaningful; keep it.
                                    if (m.IsConst()) cast = true; else dims[i] = rs[i];
                                    break;
                            }
                            continue;
                        }
                        if (rs is not null)
                        {
                            dims[i] = rs[i];
                            if (d is SymVar dv) _anyMap[dv] = rs[i];
                            continue;
                        }
                        var nv = NewSym($"{hint}_dim{i}");
                        if (d is SymVar dv2) _anyMap[dv2] = nv;
                        dims[i] = nv;
                        cast = true;
                    }
                    return Relax.TensorSInfo.Of(tt.DType, dims);
                }
                case Relay.TupleType tup:
                {
                    var rtup = r as Relax.TupleSInfo;
                    if (rtup is null && r is not Relax.ObjectSInfo) throw Disagree(origin, r, t);
                    if (rtup is not null && rtup.Fields.Length != tup.Fields.Length) throw Disagree(origin, r, t);
                    if (rtup is null) cast = true;
                    var fs = new Relax.StructInfo[tup.Fields.Length];
                    for (var i = 0; i < fs.Length; i++)
                        fs[i] = Target(rtup?.Fields[i] ?? Relax.StructInfo.Object, tup.Fields[i], $"{hint}_{i}", origin, ref cast);
                    return new Relax.TupleSInfo(new ValueArray<Relax.StructInfo>(fs));
                }
                default:
                    return r;
            }
        }

        /// <summary>ProveEqual with the common cases (same object, two constants) answered without symbolic arithmetic.</summary>
        private static Tri FastEqual(SymExpr a, SymExpr b)
        {
            if (ReferenceEquals(a, b)) return Tri.Proven;
            if (a.IsConst(out var x) && b.IsConst(out var y)) return x == y ? Tri.Proven : Tri.Disproven;
            return SymExpr.ProveEqual(a, b);
        }

        private BridgeException Disagree(Relay.Expr origin, Relax.StructInfo r, Relay.RelayType t) =>
            new(RelayToRelaxDiagnosticIds.TypeDisagreement, LocOf(origin),
                $"{Describe(origin)}: Relax infers {Print(r)} but the Relay type is {t}");
    }
}
