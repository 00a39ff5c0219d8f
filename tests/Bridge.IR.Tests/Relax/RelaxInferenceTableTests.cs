using Bridge.Ir.Ops;
using Bridge.Ir.Ops.Relax;
using Bridge.Ir.Relax;
using Bridge.Ir.Relax.Script;
using NUnit.Framework;

namespace Bridge.Ir.Tests.Relax;

public class RelaxInferenceTableTests
{
    [Test]
    public void Inference_AgreesWithEveryFixtureAnnotation()
    {
        var dir = Path.Combine(RelaxBuilderTests.FindRoot(), "corpora", "relax");
        var checkedCount = 0;
        foreach (var f in Directory.GetFiles(dir, "*.py").Where(p => !Path.GetFileName(p).Contains("fragment", StringComparison.Ordinal)))
        {
            var m = RelaxScriptReader.Parse(File.ReadAllText(f), f);
            foreach (var (_, fn) in m.Functions)
                foreach (var b in fn.Body.Blocks.SelectMany(x => x.Bindings))
                {
                    if (b is not VarBinding { Value: Call { Op: not null } call } || b.Var.Info is null) continue;
                    var inferred = Infer.Call(call);
                    Assert.That(inferred, Is.EqualTo(b.Var.Info), $"{Path.GetFileName(f)}: {b.Var.Name}");
                    checkedCount++;
                }
        }
        Assert.That(checkedCount, Is.GreaterThanOrEqualTo(8));
    }

    private static Var T(DataType? dt, params SymExpr[] dims) => new("t", new TensorSInfo(new ValueArray<SymExpr>(dims), dt));
    private static Var Nd(DataType? dt, int ndim) => new("t", new TensorSInfo(null, dt, ndim));

    private static StructInfo Run(string op, Attrs? attrs, params Expr[] args)
    {
        var def = OpRegistry.Find(Dialect.Relax, "relax." + op)!;
        return Infer.Call(new Call(new OpRef(def), [.. args], attrs ?? def.DefaultAttrs, []));
    }

    private static SymExpr[] Dims(StructInfo s) => [.. ((TensorSInfo)s).Shape!.Value];

    [Test]
    public void Nn_Family()
    {
        var n = new SymVar("n");
        var w = new SymVar("w");
        Assert.That(Dims(Run("nn.conv1d", new ConvAttrs { Strides = [1], Padding = [0, 0], Dilation = [1], DataLayout = "NCW", KernelLayout = "OIW", OutLayout = "NCW" },
            T(DataType.Float32, n, 4, w), T(DataType.Float32, 8, 4, 3))), Is.EqualTo(new SymExpr[] { n, 8, w - 2 }));
        Assert.That(Dims(Run("nn.max_pool2d", new PoolAttrs { PoolSize = [3, 3], Strides = [2, 2], CeilMode = true }, T(DataType.Float32, 1, 3, 10, 10))),
            Is.EqualTo(new SymExpr[] { 1, 3, 5, 5 }));
        Assert.That(Dims(Run("nn.adaptive_avg_pool2d", new AdaptivePoolAttrs { OutputSize = [1, 1] }, T(DataType.Float32, n, 3, 7, 7))), Is.EqualTo(new SymExpr[] { n, 3, 1, 1 }));
        Assert.That(((TensorSInfo)Run("nn.conv2d", null, Nd(DataType.Float32, 4), T(DataType.Float32, 8, 3, 3, 3))).NDim, Is.EqualTo(4));
        Assert.Throws<BridgeException>(() => Run("nn.conv2d", null, T(DataType.Float32, 1, 4, 8, 8), T(DataType.Float32, 8, 3, 3, 3)), "channels 4 vs 3");
        Assert.Throws<BridgeException>(() => Run("nn.softmax", null, T(DataType.Int32, 2, 3)), "softmax needs float");
        var bn = (TupleSInfo)Run("nn.batch_norm", null, T(DataType.Float32, 1, 3, 4, 4), T(DataType.Float32, 3), T(DataType.Float32, 3), T(DataType.Float32, 3), T(DataType.Float32, 3));
        Assert.That(bn.Fields.Length, Is.EqualTo(3));
        Assert.That(Dims(Run("nn.pad", new PadAttrs { PadWidth = [0, 0, 1, 2] }, T(DataType.Float32, n, 4))), Is.EqualTo(new SymExpr[] { n, 7 }));
    }

    [Test]
    public void Manipulate_Family()
    {
        var n = new SymVar("n");
        Assert.That(Dims(Run("squeeze", new SqueezeAttrs { Axis = [0] }, T(DataType.Float32, 1, n))), Is.EqualTo(new SymExpr[] { n }));
        Assert.Throws<BridgeException>(() => Run("squeeze", new SqueezeAttrs { Axis = [0] }, T(DataType.Float32, 2, n)));
        Assert.That(Dims(Run("expand_dims", new ExpandDimsAttrs { Axis = [0, -1] }, T(DataType.Float32, n, 3))), Is.EqualTo(new SymExpr[] { 1, n, 3, 1 }));
        var sp = (TupleSInfo)Run("split", new SplitAttrs { IndicesOrSections = [3], IsSections = true, Axis = 0 }, T(DataType.Float32, 10, 2));
        Assert.That(sp.Fields.Select(f => Dims(f)[0].AsConst), Is.EqualTo(new long?[] { 4, 4, 2 }));
        var sp2 = (TupleSInfo)Run("split", new SplitAttrs { IndicesOrSections = [2, 5], Axis = 1 }, T(DataType.Float32, n, 8));
        Assert.That(sp2.Fields.Select(f => Dims(f)[1].AsConst), Is.EqualTo(new long?[] { 2, 3, 3 }));
        Assert.That(Dims(Run("flatten", null, T(DataType.Float32, n, 2, 3))), Is.EqualTo(new SymExpr[] { n * 6 }));
        Assert.That(((TensorSInfo)Run("permute_dims", null, new Var("t", new TensorSInfo(null, null, -1)))).NDim, Is.EqualTo(-1));
        Assert.That(Dims(Run("tile", new TileAttrs { Repeats = [2, 1, 3] }, T(DataType.Float32, n, 4))), Is.EqualTo(new SymExpr[] { 2, n, 12 }));
    }

    [Test]
    public void Index_Reduce_Create_Family()
    {
        var n = new SymVar("n");
        var idx = T(DataType.Int64, 5);
        Assert.That(Dims(Run("take", new TakeAttrs { Axis = 1 }, T(DataType.Float32, n, 10, 3), idx)), Is.EqualTo(new SymExpr[] { n, 5, 3 }));
        var prim = (long v) => PrimValue.Int64(v);
        var axes = new TupleExpr([prim(1)]) { Info = new TupleSInfo([new PrimSInfo(DataType.Int64, 1)]) };
        var begin = new TupleExpr([prim(2)]) { Info = axes.Info };
        var end = new TupleExpr([prim(8)]) { Info = axes.Info };
        Assert.That(Dims(Run("strided_slice", null, T(DataType.Float32, n, 10), axes, begin, end)), Is.EqualTo(new SymExpr[] { n, 6 }));
        Assert.That(((TensorSInfo)Run("argmax", new ArgmaxArgminAttrs { Axis = 1, Keepdims = true }, Nd(DataType.Float32, 3))).NDim, Is.EqualTo(3));
        var topk = (TupleSInfo)Run("topk", new TopKAttrs { K = 2 }, T(DataType.Float32, n, 10));
        Assert.That(((TensorSInfo)topk.Fields[1]).DType, Is.EqualTo(DataType.Int32));
        Assert.That(Dims(topk.Fields[0]), Is.EqualTo(new SymExpr[] { n, 2 }));
        var shape = new ShapeExpr([n, 3]) { Info = new ShapeSInfo(new ValueArray<SymExpr>([n, 3])) };
        Assert.That(Run("zeros", new InitAttrs { Dtype = DataType.Float16 }, shape), Is.EqualTo(new TensorSInfo(new ValueArray<SymExpr>([n, 3]), DataType.Float16)));
        Assert.That(((TensorSInfo)Run("astype", new AstypeAttrs { Dtype = DataType.Int8 }, Nd(null, 2))).DType, Is.EqualTo(DataType.Int8));
        Assert.That(Dims(Run("arange", null, prim(0), prim(10), prim(3))), Is.EqualTo(new SymExpr[] { 4 }));
        Assert.That(((TensorSInfo)Run("equal", null, T(DataType.Float32, n), T(DataType.Float32, 1))).DType, Is.EqualTo(DataType.Bool));
    }
}

public class RelaxMiscOpTests
{
    [Test]
    public void Einsum_Matmul_And_ParsePrint()
    {
        var text = "@R.function\ndef f(a: R.Tensor((\"n\", 4), \"float32\"), b: R.Tensor((4, 5), \"float32\")):\n    n = T.int64()\n    y: R.Tensor((n, 5), dtype=\"float32\") = R.einsum((a, b), subscripts=\"ij,jk->ik\")\n    return y\n";
        var m = RelaxScriptReader.Parse(text, "e.py");
        var printed = RelaxScriptPrinter.Print(m, new RelaxPrinterOptions { TargetVersion = RelaxVersion.Main });
        Assert.That(printed, Does.Contain("R.einsum((a, b), subscripts=\"ij,jk->ik\")"));
        var bad = "@R.function\ndef f(a: R.Tensor((3, 4), \"float32\"), b: R.Tensor((5, 5), \"float32\")):\n    y = R.einsum((a, b), subscripts=\"ij,jk->ik\")\n    return y\n";
        Assert.Throws<BridgeException>(() => RelaxScriptReader.Parse(bad, "e.py"));
    }
}
