using Bridge.Ir.Relay;

namespace Bridge.Importers.Tests.Relay;

[TestFixture]
public class RelayDiagnosticIdTests
{
    [Test]
    public void Relay_diagnostic_ids_are_unique_and_in_the_relay_ranges()
    {
        var ids = CoreDiagnosticIds.AllDeclared([typeof(RelayTextDiagnosticIds).Assembly, typeof(Bridge.Importers.Relay.GraphExecutorJson).Assembly])
            .Where(d => d.Owner.Namespace!.Contains("Relay", StringComparison.Ordinal)).ToList();
        Assert.That(ids, Has.Count.GreaterThan(20));
        Assert.That(ids.Select(d => d.Id.Code).Distinct().Count(), Is.EqualTo(ids.Count), "a code is declared twice");
        Assert.That(ids.All(d => d.Id.Code is >= 2000 and <= 2999), Is.True);
    }
}
