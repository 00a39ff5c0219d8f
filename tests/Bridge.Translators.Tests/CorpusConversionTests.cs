using Bridge.Ir.Relax.Script;
using Bridge.Tests.Shared;
using Bridge.Translators.RelayToRelax;
using Relax = Bridge.Ir.Relax;
using Relay = Bridge.Ir.Relay;

namespace Bridge.Translators.Tests;

/// <summary>Every Relay fixture converts (or is rejected with the one-list diagnostic), re-parses, and keeps main's type.</summary>
[TestFixture]
public class CorpusConversionTests
{
    public static IEnumerable<string> Fixtures() => Corpus.TextFixtures().Where(f => !Corpus.NeedsInitModule.Contains(Path.GetFileName(f)));

    /// <summary>The stage of corpora/known-failures.txt these tests check (Relay → Relax as <c>bridge convert</c>).</summary>
    private const string Stage = "convert";

    private static string Corpora => Path.GetDirectoryName(Corpus.Root)!;

    private static string Model(string rel) => "relay/" + rel.Replace('\\', '/');

    [TestCaseSource(nameof(Fixtures))]
    public void FixtureConvertsOrIsRejectedWithOneList(string rel)
    {
        var path = Corpus.PathOf(rel);
        var opt = new MigrationOptions { InputPath = path, MetaPath = Corpus.MetaOf(rel) };
        var text = File.ReadAllText(path);
        var relay = MigrationPipeline.ReadRelayText(text, path, new Relay.Text.RelayTextOptions { ExternalMeta = opt.MetaPath is { } m ? MigrationPipeline.LoadMeta(m) : null });
        var unsupported = RelayToRelaxTranslator.FindUnsupported(relay);
        if (unsupported.Count > 0)
        {
            var ex = Assert.Throws<BridgeException>(() => MigrationPipeline.Run(opt))!;
            Assert.That(ex.Diagnostic.Id, Is.EqualTo(RelayToRelaxDiagnosticIds.Unsupported));
            if (unsupported.Count > 1) Assert.That(ex.Diagnostic.Related.Select(d => d.Message), Is.EqualTo(unsupported.Select(u => u.What)));
            else Assert.That(ex.Diagnostic.Message, Does.Contain(unsupported[0].What));
            // A model that does not convert is listed in corpora/known-failures.txt with its reason, never a skip or a silent pass.
            KnownFailures.Expect(Corpora, Model(rel), Stage, ex.Diagnostic);
            return;
        }
        MigrationResult r;
        try { r = MigrationPipeline.Run(opt); }
        catch (BridgeException e) when (e.Diagnostic.Id == RelayToRelaxDiagnosticIds.Unsupported || e.Diagnostic.Id == RelayToRelaxDiagnosticIds.MissingConstant)
        {
            // Constructs only found while translating (closures escaping as values, calls of undefined lowered globals) and
            // meta constants without a table come as the same one-list / missing-constant diagnostics, located.
            Assert.That(e.Diagnostic.Loc, Is.Not.InstanceOf<SourceLoc.Unknown>());
            KnownFailures.Expect(Corpora, Model(rel), Stage, e.Diagnostic);
            return;
        }
        KnownFailures.Expect(Corpora, Model(rel), Stage, null);
        var reparsed = RelaxScriptReader.Parse(r.Text, rel + ".relax.py");
        RelaxOutputCheck.Check(reparsed);
        Assert.That(reparsed.Functions.Count(), Is.EqualTo(r.RelaxModule.Functions.Count()));
        // main's return struct info matches the Relay return type: static dims equal, Any ↔ a symbolic expression.
        var main = r.RelayModule!.Lookup("main") ?? r.RelayModule.Functions[0].Func;
        var mainName = r.RelayModule.Lookup("main") is null ? r.RelayModule.Functions[0].Var.Name : "main";
        var relaxMain = reparsed.Functions.First(f => f.Var.Name == mainName).Function;
        var relayRet = ((Relay.FuncType)main.CheckedType!).RetType;
        AssertMatches(relaxMain.RetInfo!, relayRet, rel);
    }

    /// <summary>Relax struct info vs a Relay type: same structure and dtypes; static dims equal; Any dims symbolic (not static).</summary>
    internal static void AssertMatches(Relax.StructInfo s, Relay.RelayType t, string what)
    {
        switch (t)
        {
            case Relay.TensorType tt:
                Assert.That(s, Is.InstanceOf<Relax.TensorSInfo>(), what);
                var ts = (Relax.TensorSInfo)s;
                Assert.That(ts.DType, Is.EqualTo(tt.DType), what + ": dtype");
                if (ts.Shape is null && tt.Shape.Any(d => !d.IsConst()))
                {
                    // A data-dependent result: its dims are defined inside the body (match_cast), so the signature keeps the rank.
                    Assert.That(ts.NDim, Is.EqualTo(tt.Rank), what + ": rank");
                    return;
                }
                Assert.That(ts.Shape, Is.Not.Null, $"{what}: Relax lost the shape of {t}");
                Assert.That(ts.Shape!.Value.Length, Is.EqualTo(tt.Rank), what + ": rank");
                for (var i = 0; i < tt.Rank; i++)
                {
                    if (tt.Shape[i].IsConst(out var c)) Assert.That(ts.Shape.Value[i].AsConst, Is.EqualTo(c), $"{what}: dim {i}");
                    // An Any dim is symbolic, or static where Relax proves more than a loose Relay annotation said.
                    else if (ts.Shape.Value[i].IsConst()) Assert.That(ts.Shape.Value[i].AsConst, Is.GreaterThanOrEqualTo(0), $"{what}: dim {i}");
                }
                break;
            case Relay.TupleType tup:
                Assert.That(s, Is.InstanceOf<Relax.TupleSInfo>(), what);
                var rt = (Relax.TupleSInfo)s;
                Assert.That(rt.Fields.Length, Is.EqualTo(tup.Fields.Length), what);
                for (var i = 0; i < tup.Fields.Length; i++) AssertMatches(rt.Fields[i], tup.Fields[i], $"{what}.{i}");
                break;
            case Relay.FuncType:
                Assert.That(s, Is.InstanceOf<Relax.FuncSInfo>(), what);
                break;
        }
    }
}
