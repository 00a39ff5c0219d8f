using Bridge.Importers.Onnx.Proto;

namespace Bridge.Importers.Onnx;

public static partial class OnnxModelLoader
{
    /// <summary>One load: the model-wide state (path, opsets, functions) shared by the graph and its subgraphs.</summary>
    private sealed partial class Reader(string path, ModelProto proto, OnnxLoadOptions options)
    {
        private readonly string _dir = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path)) ?? ".";
        private ImmutableDictionary<string, int> _opsets = ImmutableDictionary<string, int>.Empty;
        private readonly Dictionary<(string Domain, string Name), FunctionProto> _functions = [];
        private int _uniq;

        public OnnxModel Read()
        {
            if (proto.Graph is null) throw Err(OnnxDiagnosticIds.NoGraph, path, "", "", "model", "the model has no graph");
            if (proto.IrVersion < 3)
                throw Err(OnnxDiagnosticIds.IrVersion, path, proto.Graph.Name, "", "model", $"ir_version {proto.IrVersion} is not supported (need >= 3, which introduced opset_import)");
            var opsets = ImmutableDictionary.CreateBuilder<string, int>(StringComparer.Ordinal);
            foreach (var o in proto.OpsetImport)
            {
                var d = OnnxDomains.Normalize(o.Domain);
                if (o.Version is < 1 or > int.MaxValue)
                    throw Err(OnnxDiagnosticIds.OpsetOutOfRange, path, proto.Graph.Name, "", "opset_import", $"opset_import for domain '{d}' has version {o.Version}");
                opsets[d] = (int)o.Version;
            }
            if (!opsets.TryGetValue(OnnxDomains.AiOnnx, out var ai))
                throw Err(OnnxDiagnosticIds.OpsetOutOfRange, path, proto.Graph.Name, "", "opset_import", "the model imports no ai.onnx opset");
            if (ai is < MinAiOnnxOpset or > MaxAiOnnxOpset)
                throw Err(OnnxDiagnosticIds.OpsetOutOfRange, path, proto.Graph.Name, "", "opset_import",
                    $"ai.onnx opset {ai} is outside the supported range {MinAiOnnxOpset}–{MaxAiOnnxOpset}");
            _opsets = opsets.ToImmutable();
            foreach (var f in proto.Functions)
            {
                var key = (OnnxDomains.Normalize(f.Domain), f.Name);
                if (!_functions.TryAdd(key, f))
                    throw Err(OnnxDiagnosticIds.BadFunction, path, proto.Graph.Name, f.Name, "function", $"model-local function {key.Item1}.{f.Name} is defined twice");
            }
            var graph = ReadGraph(proto.Graph, null, [], depth: 0);
            return new OnnxModel(path, proto, _opsets, graph);
        }

        private OnnxGraph ReadGraph(GraphProto gp, OnnxGraph? parent, ImmutableHashSet<string> outer, int depth)
        {
            if (depth > options.MaxNesting) throw Err(OnnxDiagnosticIds.BadProtobuf, path, gp.Name, "", "graph", $"subgraphs nested deeper than {options.MaxNesting}");
            var gname = gp.Name ?? "";
            var g = new OnnxGraph(gname, parent) { OuterScope = outer };

            // Initializers (dense, then sparse densified).
            var inits = ImmutableDictionary.CreateBuilder<string, Tensor>(StringComparer.Ordinal);
            foreach (var t in gp.Initializer)
            {
                if (string.IsNullOrEmpty(t.Name)) throw Err(OnnxDiagnosticIds.DuplicateName, path, gname, "", "initializer", "an initializer has no name");
                if (!inits.TryAdd(t.Name, DecodeTensor(t, gname, t.Name, "initializer")))
                    throw Err(OnnxDiagnosticIds.DuplicateName, path, gname, t.Name, "initializer", $"initializer '{t.Name}' is defined twice");
            }
            foreach (var s in gp.SparseInitializer)
            {
                var name = s.Values?.Name ?? "";
                if (!inits.TryAdd(name, DecodeSparse(s, gname)))
                    throw Err(OnnxDiagnosticIds.DuplicateName, path, gname, name, "sparse_initializer", $"initializer '{name}' is defined twice");
            }

            var inputs = ImmutableArray.CreateBuilder<OnnxValueInfo>();
            var defined = new HashSet<string>(StringComparer.Ordinal);
            foreach (var vi in gp.Input)
            {
                var v = ReadValueInfo(vi, gname);
                if (!defined.Add(v.Name)) throw Err(OnnxDiagnosticIds.DuplicateName, path, gname, v.Name, "input", $"graph input '{v.Name}' is declared twice");
                // An initializer that is also an input (IR < 4 style) is a constant unless the user asked to feed it.
                if (inits.ContainsKey(v.Name) && !options.KeepAsInputs.Contains(v.Name)) continue;
                if (inits.ContainsKey(v.Name)) inits.Remove(v.Name);
                inputs.Add(v);
            }
            foreach (var n in options.KeepAsInputs)
                if (parent is null && !defined.Contains(n))
                    throw Err(OnnxDiagnosticIds.BadOverride, path, gname, n, "input", $"'{n}' is not a graph input, so it cannot be kept as one");
            foreach (var k in inits.Keys) defined.Add(k);
            g.Initializers = inits.ToImmutable();
            g.Inputs = inputs.ToImmutable();
            g.Outputs = [.. gp.Output.Select(o => ReadValueInfo(o, gname))];
            var vis = ImmutableDictionary.CreateBuilder<string, OnnxValueInfo>(StringComparer.Ordinal);
            foreach (var vi in gp.ValueInfo) { var v = ReadValueInfo(vi, gname); vis[v.Name] = v; }
            g.ValueInfo = vis.ToImmutable();

            // Inline model-local functions, then decode nodes.
            var flat = new List<NodeProto>();
            foreach (var np in gp.Node) Inline(np, flat, gname, 0, []);
            var nodes = new List<OnnxNode>(flat.Count);
            var names = new HashSet<string>(StringComparer.Ordinal);
            var visible = outer.Union(defined).Union(flat.SelectMany(n => n.Output).Where(o => o.Length > 0));
            var i = 0;
            foreach (var np in flat)
            {
                var nodeName = string.IsNullOrEmpty(np.Name) ? $"{np.OpType}_{i}" : np.Name;
                if (!names.Add(nodeName)) nodeName = $"{nodeName}#{i}";
                nodes.Add(ReadNode(np, nodeName, g, visible, depth));
                i++;
            }
            g.Nodes = [.. Order(nodes, g, defined, outer)];
            foreach (var o in g.Outputs)
                if (!defined.Contains(o.Name) && !g.Nodes.Any(n => n.Outputs.Contains(o.Name)) && !outer.Contains(o.Name))
                    throw Err(OnnxDiagnosticIds.MissingOutput, path, gname, o.Name, "output", $"graph output '{o.Name}' is produced by no node, input or initializer");
            return g;
        }

        private OnnxValueInfo ReadValueInfo(ValueInfoProto vi, string gname)
        {
            if (string.IsNullOrEmpty(vi.Name)) throw Err(OnnxDiagnosticIds.BadValueInfo, path, gname, "", "value_info", "a value_info/input/output entry has no name");
            return new OnnxValueInfo(vi.Name, ReadType(vi.Type, gname, vi.Name, 0));
        }

        private OnnxType ReadType(TypeProto? tp, string gname, string name, int depth)
        {
            if (tp is null || depth > 16) return new OnnxType(OnnxTypeKind.Unknown, 0, null, null);
            switch (tp.ValueCase)
            {
                case TypeProto.ValueOneofCase.TensorType:
                case TypeProto.ValueOneofCase.SparseTensorType:
                {
                    var sparse = tp.ValueCase == TypeProto.ValueOneofCase.SparseTensorType;
                    var code = sparse ? tp.SparseTensorType.ElemType : tp.TensorType.ElemType;
                    var shape = sparse ? tp.SparseTensorType.Shape : tp.TensorType.Shape;
                    if (code != 0 && !OnnxDTypes.IsKnown(code))
                        throw Err(OnnxDiagnosticIds.UnknownDType, path, gname, name, "value_info", $"'{name}' has unknown element type {code}");
                    ImmutableArray<OnnxDim>? dims = null;
                    if (shape is not null)
                    {
                        var b = ImmutableArray.CreateBuilder<OnnxDim>(shape.Dim.Count);
                        foreach (var d in shape.Dim)
                        {
                            // dim_value -1 (older Paddle exporters; ONNX Runtime runs it) is an unknown dim, not a size.
                            if (d.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue && d.DimValue == -1)
                                b.Add(new OnnxDim(null, null));
                            else if (d.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue)
                            {
                                CheckDim(d.DimValue, gname, name, "value_info");
                                b.Add(new OnnxDim(d.DimValue, null));
                            }
                            else b.Add(new OnnxDim(null, d.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimParam ? d.DimParam : null));
                        }
                        dims = b.MoveToImmutable();
                    }
                    return new OnnxType(sparse ? OnnxTypeKind.SparseTensor : OnnxTypeKind.Tensor, code, OnnxDTypes.ToCore(code), dims);
                }
                case TypeProto.ValueOneofCase.SequenceType:
                    return new OnnxType(OnnxTypeKind.Sequence, 0, null, null, ReadType(tp.SequenceType.ElemType, gname, name, depth + 1));
                case TypeProto.ValueOneofCase.OptionalType:
                    return new OnnxType(OnnxTypeKind.Optional, 0, null, null, ReadType(tp.OptionalType.ElemType, gname, name, depth + 1));
                case TypeProto.ValueOneofCase.MapType:
                    return new OnnxType(OnnxTypeKind.Map, tp.MapType.KeyType, OnnxDTypes.ToCore(tp.MapType.KeyType), null, ReadType(tp.MapType.ValueType, gname, name, depth + 1));
                default:
                    return new OnnxType(OnnxTypeKind.Unknown, 0, null, null);
            }
        }

        /// <summary>Dims must be non-negative and at most 2^31 (Bridge's tensors and TVM's int32 index math).</summary>
        private void CheckDim(long d, string gname, string name, string what)
        {
            if (d < 0) throw Err(OnnxDiagnosticIds.BadDim, path, gname, name, what, $"'{name}' has negative dimension {d}");
            if (d > (1L << 31)) throw Err(OnnxDiagnosticIds.BadDim, path, gname, name, what, $"'{name}' has dimension {d}, over 2^31");
        }

        private OnnxNode ReadNode(NodeProto np, string nodeName, OnnxGraph g, ImmutableHashSet<string> visible, int depth)
        {
            var domain = OnnxDomains.Normalize(np.Domain);
            var op = np.OpType ?? "";
            var loc = new SourceLoc.GraphNode(path, g.Name, nodeName, op);
            if (op.Length == 0) throw new BridgeException(OnnxDiagnosticIds.BadAttribute, loc, $"node '{nodeName}' has no op_type");
            if (!_opsets.TryGetValue(domain, out var opset))
                throw new BridgeException(OnnxDiagnosticIds.DomainNotImported, loc, $"node '{nodeName}' uses domain '{domain}', which the model's opset_import does not declare");
            var attrs = ImmutableDictionary.CreateBuilder<string, OnnxAttribute>(StringComparer.Ordinal);
            // Names this node defines are visible in its subgraphs too (Loop/Scan bodies see everything defined before the node).
            foreach (var a in np.Attribute)
            {
                if (string.IsNullOrEmpty(a.Name)) throw new BridgeException(OnnxDiagnosticIds.BadAttribute, loc, $"node '{nodeName}' has an attribute without a name");
                if (!attrs.TryAdd(a.Name, ReadAttribute(a, g, visible, loc, depth)))
                    throw new BridgeException(OnnxDiagnosticIds.BadAttribute, loc, $"node '{nodeName}' has attribute '{a.Name}' twice");
            }
            return new OnnxNode
            {
                Name = nodeName, OpType = op, Domain = domain, Inputs = [.. np.Input], Outputs = [.. np.Output],
                Attributes = attrs.ToImmutable(), Opset = opset, Loc = loc, Graph = g,
            };
        }

        private OnnxAttribute ReadAttribute(AttributeProto a, OnnxGraph g, ImmutableHashSet<string> visible, SourceLoc loc, int depth)
        {
            var kind = a.HasType ? (OnnxAttrKind)(int)a.Type : InferKind(a);
            if (!Enum.IsDefined(kind))
                throw new BridgeException(OnnxDiagnosticIds.BadAttribute, loc, $"attribute '{a.Name}' has unknown type {(int)a.Type}");
            if (a.HasRefAttrName)
                throw new BridgeException(OnnxDiagnosticIds.BadFunction, loc, $"attribute '{a.Name}' refers to '{a.RefAttrName}' outside a function body");
            var tname = $"{a.Name}";
            return kind switch
            {
                OnnxAttrKind.Float => new OnnxAttribute { Name = a.Name, Kind = kind, F = a.F },
                OnnxAttrKind.Int => new OnnxAttribute { Name = a.Name, Kind = kind, I = a.I },
                OnnxAttrKind.String => new OnnxAttribute { Name = a.Name, Kind = kind, S = a.S.ToStringUtf8() },
                OnnxAttrKind.Tensor => new OnnxAttribute { Name = a.Name, Kind = kind, T = a.T is null ? throw new BridgeException(OnnxDiagnosticIds.BadAttribute, loc, $"tensor attribute '{a.Name}' has no value") : DecodeTensor(a.T, g.Name, tname, "attribute") },
                OnnxAttrKind.Graph => new OnnxAttribute { Name = a.Name, Kind = kind, G = a.G is null ? throw new BridgeException(OnnxDiagnosticIds.BadAttribute, loc, $"graph attribute '{a.Name}' has no value") : ReadGraph(a.G, g, visible, depth + 1) },
                OnnxAttrKind.Floats => new OnnxAttribute { Name = a.Name, Kind = kind, Floats = [.. a.Floats] },
                OnnxAttrKind.Ints => new OnnxAttribute { Name = a.Name, Kind = kind, Ints = [.. a.Ints] },
                OnnxAttrKind.Strings => new OnnxAttribute { Name = a.Name, Kind = kind, Strings = [.. a.Strings.Select(s => s.ToStringUtf8())] },
                OnnxAttrKind.Tensors => new OnnxAttribute { Name = a.Name, Kind = kind, Tensors = [.. a.Tensors.Select(t => DecodeTensor(t, g.Name, tname, "attribute"))] },
                OnnxAttrKind.Graphs => new OnnxAttribute { Name = a.Name, Kind = kind, Graphs = [.. a.Graphs.Select(sg => ReadGraph(sg, g, visible, depth + 1))] },
                OnnxAttrKind.SparseTensor => new OnnxAttribute { Name = a.Name, Kind = OnnxAttrKind.Tensor, T = a.SparseTensor is null ? throw new BridgeException(OnnxDiagnosticIds.BadAttribute, loc, $"attribute '{a.Name}' has no value") : DecodeSparse(a.SparseTensor, g.Name) },
                OnnxAttrKind.TypeProto => new OnnxAttribute { Name = a.Name, Kind = kind, Tp = ReadType(a.Tp, g.Name, a.Name, 0) },
                _ => new OnnxAttribute { Name = a.Name, Kind = kind },
            };
        }

        /// <summary>IR version 1 files may omit <c>type</c>; infer it from the populated field as onnx's checker does.</summary>
        private static OnnxAttrKind InferKind(AttributeProto a) =>
            a.HasF ? OnnxAttrKind.Float : a.HasI ? OnnxAttrKind.Int : a.HasS ? OnnxAttrKind.String : a.T is not null ? OnnxAttrKind.Tensor
            : a.G is not null ? OnnxAttrKind.Graph : a.Floats.Count > 0 ? OnnxAttrKind.Floats : a.Ints.Count > 0 ? OnnxAttrKind.Ints
            : a.Strings.Count > 0 ? OnnxAttrKind.Strings : a.Tensors.Count > 0 ? OnnxAttrKind.Tensors : a.Graphs.Count > 0 ? OnnxAttrKind.Graphs
            : OnnxAttrKind.Undefined;

        /// <summary>
        /// Topological order. ONNX requires nodes sorted; an unsorted acyclic graph is sorted (Kahn, stable), a cycle is an error
        /// naming a node on it, and an input nobody defines is an error naming the reading node.
        /// </summary>
        private List<OnnxNode> Order(List<OnnxNode> nodes, OnnxGraph g, HashSet<string> defined, ImmutableHashSet<string> outer)
        {
            var producer = new Dictionary<string, int>(StringComparer.Ordinal);
            for (var k = 0; k < nodes.Count; k++)
                foreach (var o in nodes[k].Outputs)
                {
                    if (o.Length == 0) continue;
                    if (defined.Contains(o) || !producer.TryAdd(o, k))
                        throw new BridgeException(OnnxDiagnosticIds.DuplicateName, nodes[k].Loc, $"value '{o}' is defined more than once (SSA violated)");
                }
            var deps = new List<int>[nodes.Count];
            var indeg = new int[nodes.Count];
            var users = new List<int>[nodes.Count];
            for (var k = 0; k < nodes.Count; k++) { deps[k] = []; users[k] = []; }
            for (var k = 0; k < nodes.Count; k++)
            {
                foreach (var name in NodeReads(nodes[k]))
                {
                    if (name.Length == 0 || defined.Contains(name)) continue;
                    if (producer.TryGetValue(name, out var p)) { if (p == k) throw new BridgeException(OnnxDiagnosticIds.Cycle, nodes[k].Loc, $"node '{nodes[k].Name}' reads its own output '{name}' (cycle)"); deps[k].Add(p); continue; }
                    if (outer.Contains(name)) continue;
                    throw new BridgeException(OnnxDiagnosticIds.MissingInput, nodes[k].Loc,
                        $"node '{nodes[k].Name}' reads '{name}', which no graph input, initializer, node output or outer scope defines");
                }
            }
            var sorted = true;
            for (var k = 0; k < nodes.Count; k++)
                foreach (var p in deps[k]) { indeg[k]++; users[p].Add(k); if (p > k) sorted = false; }
            if (sorted) return nodes;
            var ready = new SortedSet<int>(Enumerable.Range(0, nodes.Count).Where(k => indeg[k] == 0));
            var result = new List<OnnxNode>(nodes.Count);
            while (ready.Count > 0)
            {
                var k = ready.Min; ready.Remove(k); result.Add(nodes[k]);
                foreach (var u in users[k]) if (--indeg[u] == 0) ready.Add(u);
            }
            if (result.Count == nodes.Count) return result;
            // Walk predecessors among the unsorted nodes until one repeats: that node lies on a cycle.
            var left = Enumerable.Range(0, nodes.Count).Where(k => indeg[k] > 0).ToHashSet();
            var cur = left.Min();
            var seen = new HashSet<int>();
            while (seen.Add(cur)) cur = deps[cur].First(left.Contains);
            throw new BridgeException(OnnxDiagnosticIds.Cycle, nodes[cur].Loc, $"the graph has a cycle through node '{nodes[cur].Name}' ({nodes[cur].OpType})");
        }

        /// <summary>Names a node reads: its inputs plus free names of its subgraphs (implicit inputs).</summary>
        private static IEnumerable<string> NodeReads(OnnxNode n)
        {
            foreach (var i in n.Inputs) yield return i;
            foreach (var a in n.Attributes.Values)
                foreach (var sg in a.G is not null ? [a.G] : a.Graphs.AsEnumerable())
                    foreach (var name in FreeNames(sg)) yield return name;
        }

        private static IEnumerable<string> FreeNames(OnnxGraph g)
        {
            var local = new HashSet<string>(g.Inputs.Select(i => i.Name).Concat(g.Initializers.Keys), StringComparer.Ordinal);
            foreach (var n in g.Nodes) foreach (var o in n.Outputs) local.Add(o);
            foreach (var n in g.Nodes)
                foreach (var r in NodeReads(n))
                    if (r.Length > 0 && !local.Contains(r)) yield return r;
            foreach (var o in g.Outputs) if (!local.Contains(o.Name)) yield return o.Name;
        }
    }
}
