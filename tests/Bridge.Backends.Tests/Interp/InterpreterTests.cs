using Bridge.Backends.Reference;
using Bridge.Ir.Relax.Script;
using Bridge.Ir.Relay.Text;

namespace Bridge.Backends.Tests.Interp;

public class RelayInterpreterTests
{
    private static Value Run(string text, params Tensor[] args) =>
        new RelayInterpreter(RelayTextReader.ParseModule(text, "<test>")).Run("main", [.. args.Select(a => (Value)new TensorValue(a))]);

    [Test]
    public void Let_Tuple_And_Ops_Compute_Hand_Values()
    {
        var v = Run("""
            #[version = "0.0.5"]
            def @main(%x: Tensor[(2, 2), float32]) {
              let %y = add(%x, %x);
              let %t = (%y, multiply(%y, 3f));
              subtract(%t.1, %t.0)
            }
            """, Tensor.FromArray([1f, 2f, 3f, 4f], 2, 2));
        Assert.That(v.AsTensor().Span<float>().ToArray(), Is.EqualTo(new[] { 4f, 8f, 12f, 16f }));
    }

    [Test]
    public void Recursion_Through_Globals_And_If()
    {
        // @sum(n) = n + @sum(n - 1), @sum(0) = 0: 10 -> 55.
        var v = Run("""
            #[version = "0.0.5"]
            def @sum(%n: int32) -> int32 {
              if (equal(%n, 0)) { 0 } else { add(%n, @sum(subtract(%n, 1))) }
            }
            def @main(%n: int32) -> int32 { @sum(%n) }
            """, Tensor.FromArray([10], []));
        Assert.That(v.AsTensor().GetInt64(0), Is.EqualTo(55));
    }

    [Test]
    public void Closures_Capture_Their_Environment()
    {
        var v = Run("""
            #[version = "0.0.5"]
            def @main(%x: float32) -> float32 {
              let %k = multiply(%x, 2f);
              let %f = fn (%y: float32) -> float32 { add(%y, %k) };
              %f(%f(1f))
            }
            """, Tensor.FromArray([5f], []));
        Assert.That(v.AsTensor().GetDouble(0), Is.EqualTo(21.0)); // 1 + 10 + 10
    }

    [Test]
    public void Deep_Chain_Does_Not_Overflow()
    {
        var m = Ir.Relay.RelayBenchModules.Chain(20000);
        var f = m.Lookup("main")!;
        var args = f.Params.Select(p => (Value)new TensorValue(Zeros(p.TypeAnnotation))).ToList();
        var v = new RelayInterpreter(m).Run("main", args);
        Assert.That(InterpreterCommon.Flatten(v), Is.Not.Empty);
    }

    private static Tensor Zeros(Ir.Relay.RelayType? t) => t is Ir.Relay.TensorType tt
        ? Tensor.Zeros(tt.DType, [.. tt.Shape.Select(d => d.AsConst ?? 1)]) : throw new AssertionException("tensor param expected");

    [Test]
    public void Adt_Is_Reported_As_Unsupported()
    {
        var m = RelayTextReader.ParseModule("""
            #[version = "0.0.5"]
            type Box { Box(int32) }
            def @main(%x: int32) { Box(%x) }
            """, "<adt>");
        var ex = Assert.Throws<BridgeException>(() => new RelayInterpreter(m).Run("main", [new TensorValue(Tensor.FromArray([1], []))]));
        Assert.That(ex!.Diagnostic.Id, Is.EqualTo(InterpDiagnosticIds.Unsupported));
    }

    [Test]
    public void Wrong_Input_Shape_Is_A_Located_Error()
    {
        var ex = Assert.Throws<BridgeException>(() => Run("""
            #[version = "0.0.5"]
            def @main(%x: Tensor[(2, 2), float32]) { %x }
            """, Tensor.FromArray([1f, 2f, 3f], 3)));
        Assert.That(ex!.Diagnostic.Id, Is.EqualTo(InterpDiagnosticIds.BadInput));
        Assert.That(ex.Message, Does.Contain("%x"));
    }
}

public class RelaxInterpreterTests
{
    private const string MatchCastModule = """
        @I.ir_module
        class Module:
            @R.function
            def main(x: R.Tensor(("n", 4), dtype="float32"), y: R.Tensor(dtype="float32", ndim=2)) -> R.Tensor(("n", 4), dtype="float32"):
                n = T.int64()
                with R.dataflow():
                    lv = R.match_cast(y, R.Tensor((n, 4), dtype="float32"))
                    gv = R.add(x, lv)
                    R.output(gv)
                return gv
        """;

    private static RelaxInterpreter Interp(string text) => new(RelaxScriptReader.Parse(text, "<test>"));

    [Test]
    public void Dataflow_And_MatchCast_Run_When_Shapes_Agree()
    {
        var x = Tensor.FromArray(Enumerable.Range(0, 12).Select(i => (float)i).ToArray(), 3, 4);
        var v = Interp(MatchCastModule).Run("main", [new TensorValue(x), new TensorValue(x)]);
        Assert.That(v.AsTensor().Span<float>()[11], Is.EqualTo(22f));
    }

    [Test]
    public void MatchCast_Failure_Names_The_Symbolic_Var_And_Both_Values()
    {
        var x = Tensor.Zeros(DataType.Float32, 3, 4);
        var y = Tensor.Zeros(DataType.Float32, 5, 4);
        var ex = Assert.Throws<BridgeException>(() => Interp(MatchCastModule).Run("main", [new TensorValue(x), new TensorValue(y)]));
        Assert.That(ex!.Diagnostic.Id, Is.EqualTo(InterpDiagnosticIds.SymVarConflict));
        Assert.That(ex.Message, Does.Contain("symbolic variable n").And.Contain("3").And.Contain("5"));
        Assert.That(ex.Diagnostic.Loc, Is.Not.InstanceOf<SourceLoc.Unknown>());
    }

    [Test]
    public void MatchCast_Rank_Failure_Is_Reported()
    {
        var x = Tensor.Zeros(DataType.Float32, 3, 4);
        var bad = Tensor.Zeros(DataType.Float32, 3, 4, 1);
        var ex = Assert.Throws<BridgeException>(() => Interp(MatchCastModule).Run("main", [new TensorValue(x), new TensorValue(bad)]));
        Assert.That(ex!.Diagnostic.Id, Is.EqualTo(InterpDiagnosticIds.BadInput).Or.EqualTo(InterpDiagnosticIds.MatchCastFailed));
    }

    [Test]
    public void Param_Symbolic_Dims_Bind_And_Conflict()
    {
        const string text = """
            @I.ir_module
            class Module:
                @R.function
                def main(a: R.Tensor(("n",), dtype="float32"), b: R.Tensor(("n",), dtype="float32")) -> R.Tensor(("n",), dtype="float32"):
                    n = T.int64()
                    c = R.multiply(a, b)
                    return c
            """;
        var ok = Interp(text).Run("main", [new TensorValue(Tensor.FromArray([2f, 3f], 2)), new TensorValue(Tensor.FromArray([4f, 5f], 2))]);
        Assert.That(ok.AsTensor().Span<float>().ToArray(), Is.EqualTo(new[] { 8f, 15f }));
        var ex = Assert.Throws<BridgeException>(() => Interp(text).Run("main", [new TensorValue(Tensor.FromArray([2f, 3f], 2)), new TensorValue(Tensor.FromArray([4f], 1))]));
        Assert.That(ex!.Message, Does.Contain("symbolic variable n is 2").And.Contain("1"));
    }
}

public class KernelBindingTests
{
    [Test]
    public void Coverage_Is_Listed()
    {
        var relay = ReferenceKernels.Missing(Ir.Ops.Dialect.Relay);
        var relax = ReferenceKernels.Missing(Ir.Ops.Dialect.Relax);
        TestContext.Out.WriteLine($"Relay ops without a kernel ({relay.Count}): {string.Join(", ", relay)}");
        TestContext.Out.WriteLine($"Relax ops without a kernel ({relax.Count}): {string.Join(", ", relax)}");
        // Every op without a kernel has a written reason (ReferenceKernels.NoKernelReason); the op meta-test in
        // Bridge.Translators.Tests checks the type rules and translations the same way.
        foreach (var d in new[] { Ir.Ops.Dialect.Relay, Ir.Ops.Dialect.Relax })
            foreach (var name in ReferenceKernels.Missing(d))
                Assert.That(ReferenceKernels.NoKernelReason(Ir.Ops.OpRegistry.Find(d, name)!), Is.Not.Null, $"{d} {name}: no kernel and no reason");
        // The common ops every network uses must be bound in both dialects.
        foreach (var op in new[] { "nn.conv2d", "add", "nn.relu", "nn.softmax", "reshape", "nn.max_pool2d", "nn.batch_norm", "concatenate", "nn.dense" })
            Assert.That(ReferenceKernels.Find(Ir.Ops.OpRegistry.Find(Ir.Ops.Dialect.Relay, op)!), Is.Not.Null, op);
        foreach (var op in new[] { "relax.nn.conv2d", "relax.add", "relax.nn.relu", "relax.nn.softmax", "relax.reshape", "relax.matmul", "relax.permute_dims", "relax.concat" })
            Assert.That(ReferenceKernels.Find(Ir.Ops.OpRegistry.Find(Ir.Ops.Dialect.Relax, op)!), Is.Not.Null, op);
    }
}
