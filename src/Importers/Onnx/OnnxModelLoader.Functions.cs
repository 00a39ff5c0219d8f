using Bridge.Importers.Onnx.Proto;

namespace Bridge.Importers.Onnx;

public static partial class OnnxModelLoader
{
    private sealed partial class Reader
    {
        /// <summary>
        /// Appends <paramref name="np"/> to <paramref name="flat"/>, or, when it calls a model-local function, the function body with
        /// formal inputs/outputs bound to the call's values, internal values renamed apart (prefixed with the call's name and a
        /// counter) and <c>ref_attr_name</c> attributes replaced by the caller's attribute (or the function's default). Nested
        /// calls inline recursively; a function that reaches itself is an error.
        /// </summary>
        private void Inline(NodeProto np, List<NodeProto> flat, string gname, int depth, ImmutableHashSet<string> stack)
        {
            var key = (OnnxDomains.Normalize(np.Domain), np.OpType ?? "");
            if (!_functions.TryGetValue(key, out var f)) { flat.Add(np); return; }
            var callName = string.IsNullOrEmpty(np.Name) ? key.Item2 : np.Name;
            if (stack.Contains($"{key.Item1}.{key.Item2}") || depth > options.MaxNesting)
                throw Err(OnnxDiagnosticIds.FunctionRecursion, path, gname, callName, np.OpType ?? "", $"model-local function {key.Item1}.{key.Item2} calls itself (recursion is not allowed)");
            if (np.Input.Count > f.Input.Count || np.Output.Count > f.Output.Count)
                throw Err(OnnxDiagnosticIds.BadFunction, path, gname, callName, np.OpType ?? "",
                    $"call of {key.Item2} passes {np.Input.Count} inputs/{np.Output.Count} outputs; the function declares {f.Input.Count}/{f.Output.Count}");
            var prefix = $"{callName}/{key.Item2}#{_uniq++}/";
            var rename = new Dictionary<string, string>(StringComparer.Ordinal);
            for (var k = 0; k < f.Input.Count; k++) rename[f.Input[k]] = k < np.Input.Count ? np.Input[k] : "";
            for (var k = 0; k < f.Output.Count; k++) rename[f.Output[k]] = k < np.Output.Count ? np.Output[k] : prefix + f.Output[k];
            string Map(string n) => n.Length == 0 ? n : rename.TryGetValue(n, out var r) ? r : rename[n] = prefix + n;

            var callerAttrs = np.Attribute.ToDictionary(a => a.Name, StringComparer.Ordinal);
            var defaults = f.AttributeProto.ToDictionary(a => a.Name, StringComparer.Ordinal);
            // Function opsets override the model's for the body only if they agree; Bridge uses the model's table and checks the body's
            // domains are imported when its nodes are read.
            var inner = stack.Add($"{key.Item1}.{key.Item2}");
            foreach (var bodyNode in f.Node)
            {
                var c = bodyNode.Clone();
                c.Name = prefix + (string.IsNullOrEmpty(bodyNode.Name) ? bodyNode.OpType : bodyNode.Name);
                for (var k = 0; k < c.Input.Count; k++) c.Input[k] = Map(c.Input[k]);
                for (var k = 0; k < c.Output.Count; k++) c.Output[k] = Map(c.Output[k]);
                var attrs = c.Attribute.ToList();
                c.Attribute.Clear();
                foreach (var a in attrs)
                {
                    if (!a.HasRefAttrName) { RenameInSubgraphs(a, Map); c.Attribute.Add(a); continue; }
                    var src = callerAttrs.GetValueOrDefault(a.RefAttrName) ?? defaults.GetValueOrDefault(a.RefAttrName);
                    if (src is null) continue;   // unset: the body op's own default applies
                    var bound = src.Clone();
                    bound.Name = a.Name;
                    c.Attribute.Add(bound);
                }
                Inline(c, flat, gname, depth + 1, inner);
            }
        }

        /// <summary>Subgraphs inside a function body may read function-internal names from their outer scope.</summary>
        private static void RenameInSubgraphs(AttributeProto a, Func<string, string> map)
        {
            foreach (var g in a.G is not null ? [a.G] : a.Graphs.AsEnumerable())
            {
                var local = new HashSet<string>(g.Input.Select(i => i.Name).Concat(g.Initializer.Select(i => i.Name)).Concat(g.Node.SelectMany(n => n.Output)), StringComparer.Ordinal);
                foreach (var n in g.Node)
                {
                    for (var k = 0; k < n.Input.Count; k++) if (n.Input[k].Length > 0 && !local.Contains(n.Input[k])) n.Input[k] = map(n.Input[k]);
                    foreach (var inner in n.Attribute) RenameInSubgraphs(inner, map);
                }
                foreach (var o in g.Output) if (!local.Contains(o.Name)) o.Name = map(o.Name);
            }
        }
    }
}
