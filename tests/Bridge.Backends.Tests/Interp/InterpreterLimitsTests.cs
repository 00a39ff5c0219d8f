using Bridge.Backends.Reference;
using Bridge.Core.Limits;
using Bridge.Ir.Relay.Text;
using Relax = Bridge.Ir.Relax;
using Relay = Bridge.Ir.Relay;

namespace Bridge.Backends.Tests.Interp;

/// <summary>
/// Issue 20 for the interpreters: a call nested a million deep ends in a value or a located BRG1101 (never a stack overflow),
/// and intermediates are charged to the memory budget (<c>--max-memory</c>): a result too large for it, or values that pile up
/// past it, are refused with BRG1102 at the op instead of exhausting the machine.
/// </summary>
public class InterpreterLimitsTests
{
    private const int Deep = 1_000_000;

    private static void ValueOrTooDeep(Func<Value> run)
    {
        try { Assert.That(InterpreterCommon.Flatten(run()).Single().GetDouble(0), Is.EqualTo(3.0)); }
        catch (BridgeException e) { Assert.That(e.Diagnostic.Id, Is.EqualTo(CoreDiagnosticIds.NestingTooDeep), e.Diagnostic.Render()); }
    }

    [Test]
    public void RelayInterpreterOnMillionDeepCall()
    {
        Bridge.Ir.Ops.Relay.RelayOps.EnsureRegistered();
        var op = Bridge.Ir.Ops.Relay.RelayOps.Find("negative")!;
        var x = new Relay.Var("x", new Relay.TensorType([SymExpr.Const(2)], DataType.Float32));
        Relay.Expr e = x;
        for (var i = 0; i < Deep; i++) e = new Relay.Call(new Relay.OpRef(op), [e], Bridge.Ir.Ops.NoAttrs.Instance, []); // even count: x again
        var m = new Relay.IRModule();
        m.Add(new Relay.GlobalVar("main"), new Relay.Function([x], e, null, [], Relay.DictAttrs.Empty));
        ValueOrTooDeep(() => new RelayInterpreter(m).Run("main", [new TensorValue(Tensor.FromArray([3f, 3f], 2))]));
    }

    [Test]
    public void RelaxInterpreterOnMillionDeepCall()
    {
        var info = Relax.TensorSInfo.Of(DataType.Float32, 2);
        var x = new Relax.Var("x", info);
        var proto = Relax.BlockBuilder.Op("negative", null, x);
        Relax.Expr e = x;
        for (var i = 0; i < Deep; i++) e = new Relax.Call(proto.Callee, [e], proto.Attrs, []) { Info = info };
        var f = new Relax.Function([x], new Relax.SeqExpr([], e) { Info = info }, info, true, [new("global_symbol", "main")]);
        var m = new Relax.IRModule("Module", [new Relax.ModuleEntry(new Relax.GlobalVar("main"), f)]);
        ValueOrTooDeep(() => new RelaxInterpreter(m).Run("main", [new TensorValue(Tensor.FromArray([3f, 3f], 2))]));
    }

    /// <summary>Parsed and type-checked, as every verb loads Relay (the checked types give the results' static sizes).</summary>
    private static Relay.IRModule Parse(string text)
    {
        var m = RelayTextReader.ParseModule(text, "<budget>");
        Relay.RelayTypeInference.InferModule(m);
        return m;
    }

    /// <summary>A budget this much above what the test process already holds (the heap is shared with NUnit and the IR).</summary>
    private static IDisposable Budget(long extraBytes) => MemoryBudget.Begin(GC.GetTotalMemory(forceFullCollection: true) + extraBytes);

    [Test]
    public void A_Result_Larger_Than_The_Budget_Is_Refused_Before_It_Is_Allocated()
    {
        // broadcast_to a 6.4 GB result from a 2-element input: refused at the op from its static type, nothing allocated.
        var m = Parse("#[version = \"0.0.5\"]\ndef @main(%x: Tensor[(1, 2), float32]) {\n  broadcast_to(%x, shape=[40000, 20000, 2])\n}\n");
        using var _ = Budget(64L << 20);
        var before = GC.GetTotalAllocatedBytes(precise: true);
        var ex = Assert.Throws<BridgeException>(() => new RelayInterpreter(m).Run("main", [new TensorValue(Tensor.FromArray([1f, 2f], 1, 2))]))!;
        Assert.That(ex.Diagnostic.Id, Is.EqualTo(CoreDiagnosticIds.MemoryBudgetExceeded), ex.Diagnostic.Render());
        Assert.That(ex.Diagnostic.Message, Does.Contain("broadcast_to").And.Contain("6.0 GiB"));
        Assert.That(ex.Diagnostic.Loc, Is.InstanceOf<SourceLoc.Text>().With.Property("Line").EqualTo(3));
        Assert.That(GC.GetTotalAllocatedBytes(precise: true) - before, Is.LessThan(64L << 20), "refused before allocating");
    }

    private const string PileUp = """
        #[version = "0.0.5"]
        def @main(%x: Tensor[(1024, 1024), float32]) {
          %0 = add(%x, 1f);
          %1 = add(%x, 2f);
          %2 = add(%x, 3f);
          %3 = add(%x, 4f);
          %4 = add(%x, 5f);
          %5 = add(%x, 6f);
          %6 = add(%x, 7f);
          %7 = add(%x, 8f);
          %8 = add(%x, 9f);
          %9 = add(%x, 10f);
          (%0, %1, %2, %3, %4, %5, %6, %7, %8, %9)
        }
        """;

    [Test]
    public void Values_That_Pile_Up_Past_The_Budget_Are_Refused_And_A_Budget_That_Fits_Runs()
    {
        var x = Tensor.Zeros(DataType.Float32, [1024, 1024]);
        // Ten live 4 MiB results: 40 MiB. With 20 MiB of room the fifth or so is refused; with 256 MiB all run.
        using (Budget(20L << 20))
        {
            var ex = Assert.Throws<BridgeException>(() => new RelayInterpreter(Parse(PileUp)).Run("main", [new TensorValue(x)]))!;
            Assert.That(ex.Diagnostic.Id, Is.EqualTo(CoreDiagnosticIds.MemoryBudgetExceeded), ex.Diagnostic.Render());
            Assert.That(ex.Diagnostic.Message, Does.Contain("result of add"));
        }
        using (Budget(256L << 20))
        {
            var v = new RelayInterpreter(Parse(PileUp)).Run("main", [new TensorValue(x)]);
            Assert.That(InterpreterCommon.Flatten(v), Has.Count.EqualTo(10));
            Assert.That(InterpreterCommon.Flatten(v)[9].GetDouble(0), Is.EqualTo(10.0));
        }
    }

    [Test]
    public void The_Relax_Interpreter_Checks_The_Same_Budget()
    {
        var adds = string.Join("", Enumerable.Range(0, 10).Select(i => $"    lv{i} = R.add(x, R.const({i + 1}.0, \"float32\"))\n"));
        var text = "# from tvm.script import relax as R\n\n@R.function\ndef main(x: R.Tensor((1024, 1024), dtype=\"float32\")):\n" + adds
            + "    gv = (" + string.Join(", ", Enumerable.Range(0, 10).Select(i => $"lv{i}")) + ")\n    return gv\n";
        var relax = Bridge.Ir.Relax.Script.RelaxScriptReader.Parse(text, "<pile-up.py>");
        var x = Tensor.Zeros(DataType.Float32, [1024, 1024]);
        using (Budget(20L << 20))
        {
            var ex = Assert.Throws<BridgeException>(() => new RelaxInterpreter(relax).Run("main", [new TensorValue(x)]))!;
            Assert.That(ex.Diagnostic.Id, Is.EqualTo(CoreDiagnosticIds.MemoryBudgetExceeded), ex.Diagnostic.Render());
            Assert.That(ex.Diagnostic.Message, Does.Contain("result of relax.add"));
        }
        using (Budget(256L << 20))
            Assert.That(InterpreterCommon.Flatten(new RelaxInterpreter(relax).Run("main", [new TensorValue(x)])), Has.Count.EqualTo(10));
    }
}
