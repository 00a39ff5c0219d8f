using Bridge.Importers.Relay;

namespace Bridge.Importers.Tests.Relay;

[TestFixture]
public class GraphExecutorJsonTests
{
    private static string Fixture()
    {
        var d = new DirectoryInfo(TestContext.CurrentContext.TestDirectory);
        while (d is not null && !Directory.Exists(Path.Combine(d.FullName, "corpora", "relay"))) d = d.Parent;
        return Path.Combine(d!.FullName, "corpora", "relay", "graph", "handwritten_myadd.graph.json");
    }

    [Test]
    public void Reads_the_handwritten_graph()
    {
        var g = GraphExecutorJson.Load(Fixture());
        Assert.That(g.Nodes, Has.Length.EqualTo(2));
        Assert.That(g.Inputs.Single().Name, Is.EqualTo("x"));
        Assert.That(g.Nodes[1].FuncName, Is.EqualTo("myadd"));
        Assert.That(g.Nodes[1].Attrs["flatten_data"], Is.EqualTo("1"));
        Assert.That(g.Heads.Single(), Is.EqualTo(new GraphEntry(1, 0, 0)));
        Assert.That(g.Info(g.Heads[0]).Shape, Is.EqualTo(new long[] { 4 }));
        Assert.That(g.Info(g.Heads[0]).DType, Is.EqualTo("float32"));
        Assert.That(g.Entries.All(e => e.DeviceIndex is null), Is.True, "no device_index in this graph");
        Assert.That(g.Describe(), Does.Contain("kernel myadd x1").And.Contain("not Relay"));
    }

    [Test]
    public void Entry_arrays_are_indexed_by_entry_id_for_multi_output_nodes()
    {
        const string json = """
        {"nodes": [{"op": "null", "name": "x", "inputs": []},
                   {"op": "tvm_op", "name": "split", "attrs": {"func_name": "fused_split", "num_outputs": "2", "num_inputs": "1", "flatten_data": "0"}, "inputs": [[0, 0, 0]]},
                   {"op": "tvm_op", "name": "add", "attrs": {"func_name": "fused_add", "num_outputs": "1", "num_inputs": "2", "flatten_data": "0"}, "inputs": [[1, 0, 0], [1, 1, 0]]}],
         "arg_nodes": [0], "heads": [[2, 0, 0]], "node_row_ptr": [0, 1, 3, 4],
         "attrs": {"dltype": ["list_str", ["float32", "float32", "float32", "float32"]], "storage_id": ["list_int", [0, 1, 2, 3]],
                   "shape": ["list_shape", [[4, 2], [2, 2], [2, 2], [2, 2]]]}}
        """;
        var g = GraphExecutorJson.Parse(json, "g.json");
        Assert.That(g.EntryId(new GraphEntry(1, 1)), Is.EqualTo(2));
        Assert.That(g.Info(new GraphEntry(2, 0)).StorageId, Is.EqualTo(3));
    }

    [TestCase("""{"nodes": [{"op": "null", "name": "x", "inputs": []}, {"op": "tvm_op", "name": "k", "attrs": {"func_name": "f"}, "inputs": [[5, 0, 0]]}], "heads": [[1, 0, 0]]}""", "k")]
    [TestCase("""{"nodes": [{"op": "null", "name": "x", "inputs": []}, {"op": "tvm_op", "name": "k", "inputs": [[0, 0, 0]]}], "heads": [[1, 0, 0]]}""", "k")]
    [TestCase("""{"nodes": [{"op": "null", "name": "x", "inputs": []}], "heads": [[0, 3, 0]]}""", "heads")]
    [TestCase("""{"nodes": [{"op": "weird", "name": "w", "inputs": []}]}""", "w")]
    public void Malformed_graph_points_at_the_node(string json, string node)
    {
        var ex = Assert.Throws<BridgeException>(() => GraphExecutorJson.Parse(json, "g.json"));
        Assert.That(ex!.Diagnostic.Loc, Is.TypeOf<SourceLoc.GraphNode>());
        Assert.That(((SourceLoc.GraphNode)ex.Diagnostic.Loc).Node, Is.EqualTo(node));
    }

    [TestCase("{")]
    [TestCase("[1, 2]")]
    [TestCase("""{"nodes": [{"op": "null", "name": "x", "inputs": []}], "heads": [[0, 0, 0]], "attrs": {"shape": ["list_shape", [[1], [2]]]}}""")]
    public void Malformed_document_is_a_diagnostic(string json)
    {
        var ex = Assert.Throws<BridgeException>(() => GraphExecutorJson.Parse(json, "g.json"));
        Assert.That(ex!.Diagnostic.Loc, Is.Not.TypeOf<SourceLoc.Unknown>());
    }
}
