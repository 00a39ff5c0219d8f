using Bridge.Translators.RelayToRelax;

namespace Bridge.Translators.Tests;

/// <summary>Module vs expression detection of Relay text files (MigrationPipeline.ReadRelayText).</summary>
public class RelayTextKindTests
{
    [TestCase("#[version = \"0.0.5\"]\ndef @main() { 1 }", false)]
    [TestCase("#[version = \"0.0.5\"]\n/* Defines a nat.\n   Zero is z(). s(n) adds 1.\n*/\ntype nat {\n  zero,\n}", false)]
    [TestCase("/* outer /* nested */ still comment\n fn */\ndef @f() { 1 }", false)]
    [TestCase("// fn (%x) { %x }\nextern type Storage", false)]
    [TestCase("#[version = \"0.0.5\"]\nfn (%x: int32) { %x }", true)]
    [TestCase("#[version = \"0.0.5\"]\nfree_var %x: int32;\n%x", true)]
    [TestCase("v0.0.4\n/* c */ let %x = 1; %x", true)]
    [TestCase("definitely_not_a_keyword", true)]
    public void DetectsModulesPastMultiLineComments(string text, bool expression) =>
        Assert.That(MigrationPipeline.LooksLikeExpression(text), Is.EqualTo(expression));

    [Test]
    public void StdNatParsesAsAModuleOnTopOfThePrelude()
    {
        var std = Path.Combine(TestContext.CurrentContext.TestDirectory, "..", "..", "..", "..", "..", "corpora", "relay", "std");
        var nat = Path.Combine(std, "nat.rly");
        // Alone it reads as a module (past its multi-line comments) and stops at the prelude constructor it uses.
        var e = Assert.Throws<Core.Diagnostics.BridgeException>(() => MigrationPipeline.ReadRelayText(File.ReadAllText(nat), nat, new Ir.Relay.Text.RelayTextOptions()));
        Assert.That(e!.Message, Does.Contain("unknown operator 'Cons'").And.Contain("prelude"));
        // With the prelude as the initial module (TVM's import_from_std) it parses.
        var prelude = Ir.Relay.Text.RelayTextReader.ParseModule(File.ReadAllText(Path.Combine(std, "prelude.rly")), "prelude.rly");
        var m = MigrationPipeline.ReadRelayText(File.ReadAllText(nat), nat, new Ir.Relay.Text.RelayTextOptions { InitialModule = prelude });
        Assert.That(m.Functions.Select(f => f.Var.Name), Does.Contain("nat_double"));
    }
}
