using System.IO.Compression;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Bridge.Core.IO;

namespace Bridge.Core.Files;

/// <summary>Every input format Bridge recognises by content.</summary>
public enum ModelFormat
{
    Unknown,
    /// <summary>ONNX ModelProto (protobuf).</summary>
    Onnx,
    /// <summary><c>torch.jit.save</c> zip archive.</summary>
    TorchScript,
    /// <summary>Relay text (<c>#[version = "0.0.5"]</c>, legacy <c>v0.0.4</c>, or header-less <c>def @</c>/<c>fn (</c> text).</summary>
    RelayText,
    /// <summary><c>tvm.ir.save_json</c> node graph of a Relay module or expression.</summary>
    RelayJson,
    /// <summary><c>tvm.ir.save_json</c> of a Relax module (any of the three eras: type_key graphs up to v0.21, tvm-ffi graphs after).</summary>
    RelaxJson,
    /// <summary>Graph-executor JSON (<c>relay.build</c>'s graph).</summary>
    GraphExecutorJson,
    /// <summary>Relax TVMScript (module, function or fragment).</summary>
    RelaxScript,
    /// <summary>TVM parameter dictionary (<c>save_param_dict</c>).</summary>
    TvmParams,
    /// <summary>NumPy <c>.npy</c>.</summary>
    Npy,
    /// <summary>NumPy <c>.npz</c>.</summary>
    Npz,
    /// <summary>An external Relay meta table sidecar (<c>{"relay.Constant": [{"dtype", "shape"}…]}</c>).</summary>
    RelayMetaTable,
}

/// <summary>What <see cref="FormatSniffer"/> found: the format, and a few facts about the file for <c>bridge inspect</c>.</summary>
public sealed record FormatInfo(ModelFormat Format, IReadOnlyList<(string Key, string Value)> Facts)
{
    /// <summary>Why the format is unknown (when it is).</summary>
    public string? Reason { get; init; }
}

/// <summary>
/// Identifies an input by its content, never its extension: magic numbers for npy/params, the zip directory for npz and
/// TorchScript, a top-level protobuf walk for ONNX, JSON keys for save_json / graph-executor JSON, and text markers for
/// Relay text and Relax TVMScript. Other components call <see cref="Identify(string)"/> to dispatch on a file.
/// </summary>
public static partial class FormatSniffer
{
    /// <summary>Identifies <paramref name="path"/>; throws a <see cref="BridgeException"/> (<c>UnknownFormat</c>, <c>BadZip</c>, …) when it cannot.</summary>
    /// <remarks>Reads only what it needs: the head, a zip's central directory, or the top-level fields of a protobuf
    /// (large payloads such as ONNX initializers are skipped by seeking), so identifying a 300 MB model is cheap.</remarks>
    public static FormatInfo Identify(string path)
    {
        var info = Sniff(path);
        if (info.Format == ModelFormat.Unknown)
            throw new BridgeException(CoreDiagnosticIds.UnknownFormat, BinaryLoc.At(path, "file", "content", 0), info.Reason ?? "unrecognised file format");
        return info;
    }

    /// <summary>Like <see cref="Identify(string)"/> but returns <see cref="ModelFormat.Unknown"/> with a reason instead of throwing.</summary>
    public static FormatInfo Sniff(string path)
    {
        using var fs = OpenRead(path);
        var len = fs.Length;
        if (len == 0) return Unknown("the file is empty");
        var head = new byte[(int)Math.Min(len, 1 << 16)];
        fs.ReadExactly(head);
        if (NpyFile.HasMagic(head)) return new(ModelFormat.Npy, []);
        if (ParamsFile.HasMagic(head)) return new(ModelFormat.TvmParams, []);
        fs.Position = 0;
        if (IsZip(head)) return SniffZip(fs, path);
        if (!head.AsSpan().Contains((byte)0) && len <= 1L << 30)
            return Sniff(AtomicFile.ReadAllBytes(path), path);
        return OnnxSniff.Walk(fs) ?? Unknown(UnknownBinary(head));
    }

    private static FileStream OpenRead(string path)
    {
        // Only regular files, opened without blocking: a FIFO or device named as a model is refused, never waited on.
        try { return Limits.ConfinedFile.OpenRegular(Path.GetFullPath(path), path, SourceLoc.Unknown.Instance); }
        catch (FileNotFoundException) { throw new BridgeException(CoreDiagnosticIds.FileNotFound, SourceLoc.Unknown.Instance, $"file not found: {path}"); }
        catch (DirectoryNotFoundException) { throw new BridgeException(CoreDiagnosticIds.FileNotFound, SourceLoc.Unknown.Instance, $"file not found: {path}"); }
        catch (UnauthorizedAccessException e) { throw new BridgeException(CoreDiagnosticIds.IoError, SourceLoc.Unknown.Instance, $"cannot read {path}: {e.Message}"); }
        catch (IOException e) { throw new BridgeException(CoreDiagnosticIds.IoError, SourceLoc.Unknown.Instance, $"cannot read {path}: {e.Message}"); }
    }

    private static bool IsZip(ReadOnlySpan<byte> d) => d.Length >= 4 && d[0] == 'P' && d[1] == 'K' && d[2] is 3 or 5 && d[3] is 4 or 6;

    private static string UnknownBinary(ReadOnlySpan<byte> data) =>
        $"unrecognised binary content (first bytes {Convert.ToHexString(data[..Math.Min(8, data.Length)])}); " +
        "expected ONNX, TorchScript zip, .npy, .npz, .params, Relay text/JSON, graph JSON or Relax TVMScript";

    public static FormatInfo Identify(byte[] data, string path)
    {
        var info = Sniff(data, path);
        if (info.Format == ModelFormat.Unknown)
            throw new BridgeException(CoreDiagnosticIds.UnknownFormat, BinaryLoc.At(path, "file", "content", 0), info.Reason ?? "unrecognised file format");
        return info;
    }

    /// <summary>Like <see cref="Identify(byte[], string)"/> but returns <see cref="ModelFormat.Unknown"/> with a reason instead of throwing
    /// (except for a corrupt zip, which is an error in any case).</summary>
    public static FormatInfo Sniff(byte[] data, string path)
    {
        if (data.Length == 0) return Unknown("the file is empty");
        if (NpyFile.HasMagic(data)) return new(ModelFormat.Npy, []);
        if (ParamsFile.HasMagic(data)) return new(ModelFormat.TvmParams, []);
        if (IsZip(data)) return SniffZip(new MemoryStream(data, writable: false), path);
        if (LooksLikeText(data, out var text)) return SniffText(text);
        return OnnxSniff.Walk(new MemoryStream(data, writable: false)) ?? Unknown(UnknownBinary(data));
    }

    private static FormatInfo Unknown(string reason) => new(ModelFormat.Unknown, []) { Reason = reason };

    private static FormatInfo SniffZip(Stream stream, string path)
    {
        List<string> names;
        try
        {
            using var zip = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
            names = zip.Entries.Select(e => e.FullName).ToList();
        }
        catch (Exception e) when (NpzFile.IsZipError(e))
        {
            throw new BridgeException(CoreDiagnosticIds.BadZip, BinaryLoc.At(path, "zip", "central directory", 0),
                $"truncated or corrupt zip archive: {e.Message}");
        }
        var files = names.Where(n => !n.EndsWith('/')).ToList();
        if (files.Count > 0 && files.All(n => n.EndsWith(".npy", StringComparison.Ordinal)))
            return new(ModelFormat.Npz, [("members", files.Count.ToString(System.Globalization.CultureInfo.InvariantCulture))]);
        // torch.jit.save: <archive>/data.pkl, <archive>/code/…, <archive>/constants.pkl, <archive>/version.
        var dataPkl = names.FirstOrDefault(n => n.EndsWith("/data.pkl", StringComparison.Ordinal) && n.Count(ch => ch == '/') == 1);
        if (dataPkl is not null)
        {
            var root = dataPkl[..dataPkl.IndexOf('/')];
            var hasCode = names.Any(n => n.StartsWith(root + "/code/", StringComparison.Ordinal));
            var hasConst = names.Contains(root + "/constants.pkl");
            if (hasCode || hasConst)
            {
                var tensors = names.Count(n => n.StartsWith(root + "/data/", StringComparison.Ordinal));
                return new(ModelFormat.TorchScript,
                [
                    ("archive", root), ("entries", names.Count.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                    ("tensor storages", tensors.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                    ("code", hasCode ? "yes" : "no"),
                ]);
            }
            return Unknown($"zip with {root}/data.pkl but no code/ or constants.pkl: a torch.save checkpoint, not a TorchScript module");
        }
        return Unknown($"zip archive ({files.Count} files) that is neither .npz (only .npy members) nor TorchScript (*/data.pkl + code/)");
    }

    private static bool LooksLikeText(byte[] data, out string text)
    {
        text = "";
        var probe = data.AsSpan(0, Math.Min(data.Length, 1 << 16));
        if (probe.Contains((byte)0)) return false;
        try { text = new UTF8Encoding(false, true).GetString(data); }
        catch (DecoderFallbackException) { return false; }
        var controls = text.Take(4096).Count(ch => char.IsControl(ch) && ch is not ('\n' or '\r' or '\t' or '\f'));
        return controls == 0;
    }

    private static FormatInfo SniffText(string text)
    {
        var t = text.TrimStart('\uFEFF', ' ', '\t', '\r', '\n');
        if (t.StartsWith('{') || t.StartsWith('[')) return SniffJson(text);
        // Relax TVMScript: the printer's header comment, decorators, or R./T. calls (fragments have nothing else).
        if (t.Contains("from tvm.script import relax as R", StringComparison.Ordinal) || RelaxDecorator().IsMatch(t) || RelaxCall().IsMatch(t))
        {
            var fns = RelaxFunction().Count(t);
            return new(ModelFormat.RelaxScript,
            [
                ("ir_module", t.Contains("@I.ir_module", StringComparison.Ordinal) ? "yes" : "no"),
                ("relax functions", fns.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                ("prim functions", PrimFunction().Count(t).ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ]);
        }
        var header = RelayHeader().Match(t);
        if (header.Success || RelayMarker().IsMatch(t))
        {
            return new(ModelFormat.RelayText,
            [
                ("version", header.Success ? (header.Groups[1].Success ? header.Groups[1].Value : header.Groups[2].Value) : "(no header)"),
                ("global functions", RelayGlobal().Count(t).ToString(System.Globalization.CultureInfo.InvariantCulture)),
                ("metadata section", t.Contains("#[metadata]", StringComparison.Ordinal) ? "yes" : "no"),
            ]);
        }
        return Unknown("text that is neither Relay text (no version header, `def @`, `fn (` or `%var`) nor Relax TVMScript (no `R.` markers) nor JSON");
    }

    private static FormatInfo SniffJson(string text)
    {
        JsonDocument doc;
        try { doc = JsonDocument.Parse(text, new JsonDocumentOptions { AllowTrailingCommas = true, MaxDepth = 256 }); }
        catch (JsonException e) { return Unknown($"malformed JSON (line {e.LineNumber + 1}): {e.Message}"); }
        using (doc)
        {
            var r = doc.RootElement;
            if (r.ValueKind != JsonValueKind.Object) return Unknown("JSON whose top level is not an object");
            static string N(int v) => v.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (r.TryGetProperty("nodes", out var nodes) && nodes.ValueKind == JsonValueKind.Array)
            {
                var isGraph = (r.TryGetProperty("arg_nodes", out _) || r.TryGetProperty("heads", out _))
                    && nodes.EnumerateArray().All(n => n.ValueKind == JsonValueKind.Object && n.TryGetProperty("op", out _));
                if (isGraph)
                {
                    var ops = nodes.EnumerateArray().Count(n => n.GetProperty("op").ValueKind == JsonValueKind.String && n.GetProperty("op").GetString() == "tvm_op");
                    var heads = r.TryGetProperty("heads", out var h) && h.ValueKind == JsonValueKind.Array ? h.GetArrayLength() : 0;
                    var args = r.TryGetProperty("arg_nodes", out var a) && a.ValueKind == JsonValueKind.Array ? a.GetArrayLength() : 0;
                    return new(ModelFormat.GraphExecutorJson, [("nodes", N(nodes.GetArrayLength())), ("tvm_op nodes", N(ops)), ("arg_nodes", N(args)), ("heads", N(heads))]);
                }
                // tvm-ffi era (v0.22+): {"root_index", "nodes": [{"type": ...}]}; older eras name types in "type_key".
                var ffiTypes = nodes.EnumerateArray()
                    .Where(n => n.ValueKind == JsonValueKind.Object && n.TryGetProperty("type", out var k) && k.ValueKind == JsonValueKind.String)
                    .Select(n => n.GetProperty("type").GetString()!).ToList();
                var typeKeys = nodes.EnumerateArray()
                    .Where(n => n.ValueKind == JsonValueKind.Object && n.TryGetProperty("type_key", out var k) && k.ValueKind == JsonValueKind.String)
                    .Select(n => n.GetProperty("type_key").GetString()!).ToList();
                var version = r.TryGetProperty("attrs", out var at) && at.ValueKind == JsonValueKind.Object && at.TryGetProperty("tvm_version", out var v)
                    ? v.ToString() : null;
                var tvmish = typeKeys.Any(k => k.StartsWith("relay.", StringComparison.Ordinal) || k is "IRModule" or "GlobalVar" or "Op" || k.StartsWith("ir.", StringComparison.Ordinal)
                    || k.StartsWith("Array", StringComparison.Ordinal) || k.StartsWith("Map", StringComparison.Ordinal) || k.StartsWith("tir.", StringComparison.Ordinal)
                    || k is "Variable" or "SizeVar" or "IntImm");
                var relaxKeys = typeKeys.Concat(ffiTypes).Count(k => k.StartsWith("relax.", StringComparison.Ordinal));
                if (relaxKeys > 0 && (r.TryGetProperty("root", out _) || r.TryGetProperty("root_index", out _)))
                    return new(ModelFormat.RelaxJson, [("tvm_version", version ?? "(none)"), ("nodes", N(nodes.GetArrayLength())), ("era", ffiTypes.Count > 0 ? "tvm-ffi (v0.22+)" : "type_key (<= v0.21)")]);
                if (r.TryGetProperty("root", out var root) && (version is not null || tvmish))
                {
                    var rootKey = root.ValueKind == JsonValueKind.Number && root.TryGetInt32(out var ri) && ri >= 0 && ri < nodes.GetArrayLength()
                        && nodes[ri].TryGetProperty("type_key", out var rk) ? rk.GetString() ?? "" : "";
                    return new(ModelFormat.RelayJson, [("tvm_version", version ?? "(none)"), ("nodes", N(nodes.GetArrayLength())), ("root type", rootKey)]);
                }
            }
            if (r.TryGetProperty("relay.Constant", out var consts) && consts.ValueKind == JsonValueKind.Array)
                return new(ModelFormat.RelayMetaTable, [("relay.Constant entries", N(consts.GetArrayLength()))]);
            return Unknown("JSON that is neither save_json (root + nodes with type_key) nor graph-executor JSON (nodes with op + arg_nodes/heads)");
        }
    }

    [GeneratedRegex(@"^\s*@(R\.function|I\.ir_module|T\.prim_func)", RegexOptions.Multiline)]
    private static partial Regex RelaxDecorator();
    [GeneratedRegex(@"\bR\.(Tensor|Shape|Tuple|Object|Callable|Prim|Any|dataflow|output|call_tir|const|func_attr|[a-z_]+\()|\bT\.int64\(")]
    private static partial Regex RelaxCall();
    [GeneratedRegex(@"^\s*@R\.function", RegexOptions.Multiline)]
    private static partial Regex RelaxFunction();
    [GeneratedRegex(@"^\s*@T\.prim_func", RegexOptions.Multiline)]
    private static partial Regex PrimFunction();
    [GeneratedRegex(@"^\s*(?:#\[version\s*=\s*""([0-9.]+)""\]|(v0\.0\.[0-9]+)\s*$)", RegexOptions.Multiline)]
    private static partial Regex RelayHeader();
    [GeneratedRegex(@"(^|\n)\s*(def\s+@|fn\s*[\[(]|let\s+%|extern\s+type\b|type\s+\w+)|%[\w.]+\s*[:=(]|@\w+\s*\(")]
    private static partial Regex RelayMarker();
    [GeneratedRegex(@"^\s*def\s+@", RegexOptions.Multiline)]
    private static partial Regex RelayGlobal();
}
