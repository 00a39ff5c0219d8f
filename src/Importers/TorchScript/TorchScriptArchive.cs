using System.Globalization;
using System.IO.Compression;
using System.Text;
using Bridge.Core.Files;
using Bridge.Importers.TorchScript.Code;
using Bridge.Importers.TorchScript.Pickle;

namespace Bridge.Importers.TorchScript;

/// <summary>
/// A TorchScript archive written by <c>torch.jit.save</c> (spec frontends.md §3): the zip container with its single
/// top-level folder, the unpickled <c>data.pkl</c> (the root module object) and <c>constants.pkl</c>, the serialized code
/// parsed per file, extras and the format version. Everything is read eagerly and the zip is closed on return; every
/// problem with the input is a <see cref="BridgeException"/> naming the file and the entry.
/// </summary>
public sealed class TorchScriptArchive
{
    /// <summary>Per-entry size cap (uncompressed): guards against zip bombs; a single tensor is capped at 2 GiB by Core anyway.</summary>
    public const long MaxEntryBytes = 1L << 31;

    private readonly Dictionary<string, byte[]> _entries;
    private readonly Dictionary<string, TsCodeFile> _code = new(StringComparer.Ordinal);

    private TorchScriptArchive(string path, string prefix, Dictionary<string, byte[]> entries)
    {
        Path = path;
        Prefix = prefix;
        _entries = entries;
    }

    /// <summary>The file this archive was read from.</summary>
    public string Path { get; }
    /// <summary>The top-level folder every entry lives in (<c>model</c>, <c>archive</c>, ...), without the slash.</summary>
    public string Prefix { get; }
    /// <summary>Entry names relative to <see cref="Prefix"/>, in archive order.</summary>
    public IReadOnlyList<string> EntryNames => [.. _entries.Keys];
    /// <summary>The file-format version from <c>version</c> or <c>.data/version</c>; null when neither exists.</summary>
    public int? Version { get; private set; }
    /// <summary><c>little</c> (default when the <c>byteorder</c> record is absent) or <c>big</c>.</summary>
    public string ByteOrder { get; private set; } = "little";
    /// <summary>The unpickled <c>data.pkl</c>: normally the root module <see cref="TsObject"/>.</summary>
    public object? Data { get; private set; }
    /// <summary>The unpickled <c>constants.pkl</c> tuple (<c>CONSTANTS.cN</c> is item N); empty when the record is absent.</summary>
    public PyTuple Constants { get; private set; } = new([]);
    /// <summary>User extra files (<c>extra/&lt;name&gt;</c>).</summary>
    public IReadOnlyDictionary<string, byte[]> Extra { get; private set; } = ImmutableDictionary<string, byte[]>.Empty;
    /// <summary>Parsed code files keyed by their path under <c>code/</c> (e.g. <c>__torch__/torch/nn/modules/conv.py</c>).</summary>
    public IReadOnlyDictionary<string, TsCodeFile> Code => _code;
    /// <summary>The root module with its submodules, parameters, buffers and attributes.</summary>
    public TsModule Root { get; private set; } = null!;

    /// <summary>Reads and validates the archive at <paramref name="path"/>.</summary>
    public static TorchScriptArchive Open(string path)
    {
        if (!File.Exists(path))
            throw new BridgeException(CoreDiagnosticIds.FileNotFound, new SourceLoc.Text(path, 0, 0), $"file not found: {path}");
        byte[] head;
        try
        {
            using var fs = Bridge.Core.Limits.ConfinedFile.OpenRegular(System.IO.Path.GetFullPath(path), path, Whole(path)); // never blocks on a FIFO
            head = new byte[4];
            head = head[..fs.Read(head, 0, 4)];
        }
        catch (IOException e) { throw new BridgeException(CoreDiagnosticIds.IoError, Whole(path), $"cannot read {path}: {e.Message}"); }
        catch (UnauthorizedAccessException e) { throw new BridgeException(CoreDiagnosticIds.IoError, Whole(path), $"cannot read {path}: {e.Message}"); }
        if (head.Length >= 2 && head[0] == 0x80 && head[1] <= 5)
            throw new BridgeException(TorchScriptDiagnosticIds.NotAnArchive, Whole(path),
                $"{path} is a legacy (pre-1.6) torch.save pickle stream, not a TorchScript zip archive; re-save it with torch.jit.save");
        if (head.Length < 4 || head[0] != (byte)'P' || head[1] != (byte)'K')
            throw new BridgeException(TorchScriptDiagnosticIds.BadZip, Whole(path), $"{path} is not a zip file (TorchScript archives are zip files)");

        var entries = ReadZip(path, out var prefix);
        var a = new TorchScriptArchive(path, prefix, entries);
        a.Load();
        return a;
    }

    private static SourceLoc Whole(string path) => BinaryLoc.At(path, "torchscript", "(file)", 0);
    /// <summary>The location of record <paramref name="entry"/> (relative to the prefix).</summary>
    public SourceLoc EntryLoc(string entry) => BinaryLoc.At(Path, "torchscript", Prefix + "/" + entry, 0);

    private static Dictionary<string, byte[]> ReadZip(string path, out string prefix)
    {
        var entries = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        var current = "(central directory)";
        prefix = "";
        try
        {
            using var zip = ZipFile.OpenRead(path);
            foreach (var e in zip.Entries)
            {
                current = e.FullName;
                if (current.EndsWith('/')) continue; // directory record
                // PyTorch takes the archive name from the first record and reads everything relative to it.
                if (prefix.Length == 0)
                {
                    var slash = current.IndexOf('/', StringComparison.Ordinal);
                    if (slash <= 0)
                        throw new BridgeException(TorchScriptDiagnosticIds.BadEntry, BinaryLoc.At(path, "torchscript", current, 0),
                            $"entry '{current}' of {path} is not inside a top-level folder; torch.jit.save puts every record under NAME/");
                    prefix = current[..slash];
                }
                if (!current.StartsWith(prefix + "/", StringComparison.Ordinal)) continue; // not part of this archive
                var rel = current[(prefix.Length + 1)..];
                if (e.Length > MaxEntryBytes || e.Length < 0)
                    throw new BridgeException(TorchScriptDiagnosticIds.BadEntry, BinaryLoc.At(path, "torchscript", current, 0),
                        $"entry '{current}' of {path} declares {e.Length} bytes, more than the {MaxEntryBytes}-byte limit");
                // Storages are the archive's tensors: every entry counts against the model's memory budget (total, not per member).
                Bridge.Core.Limits.MemoryBudget.Charge(e.Length, $"entry '{current}'", BinaryLoc.At(path, "torchscript", current, 0));
                var buf = new byte[e.Length];
                using (var s = e.Open())
                {
                    var n = 0;
                    while (n < buf.Length)
                    {
                        var k = s.Read(buf, n, buf.Length - n);
                        if (k == 0) break;
                        n += k;
                    }
                    if (n != buf.Length)
                        throw new BridgeException(TorchScriptDiagnosticIds.BadEntry, BinaryLoc.At(path, "torchscript", current, n),
                            $"entry '{current}' of {path} ends after {n} of {buf.Length} bytes");
                }
                entries[rel] = buf;
            }
        }
        catch (InvalidDataException ex)
        {
            throw new BridgeException(Diagnostic.Error(TorchScriptDiagnosticIds.BadZip, BinaryLoc.At(path, "torchscript", current, 0),
                $"{path} is not a readable zip (at entry '{current}'): {ex.Message}"), ex);
        }
        catch (IOException ex)
        {
            throw new BridgeException(Diagnostic.Error(TorchScriptDiagnosticIds.BadZip, BinaryLoc.At(path, "torchscript", current, 0),
                $"{path} could not be read (at entry '{current}'): {ex.Message}"), ex);
        }
        catch (NotSupportedException ex)
        {
            throw new BridgeException(Diagnostic.Error(TorchScriptDiagnosticIds.BadZip, BinaryLoc.At(path, "torchscript", current, 0),
                $"{path} uses an unsupported zip feature (at entry '{current}'): {ex.Message}"), ex);
        }
        if (prefix.Length == 0)
            throw new BridgeException(TorchScriptDiagnosticIds.MissingEntry, Whole(path), $"{path} is an empty zip: no TorchScript records");
        return entries;
    }

    /// <summary>The bytes of entry <paramref name="name"/> (relative to the prefix), or null.</summary>
    public byte[]? TryReadEntry(string name) => _entries.TryGetValue(name, out var b) ? b : null;

    private void Load()
    {
        if (_entries.ContainsKey("model.json"))
            throw new BridgeException(TorchScriptDiagnosticIds.NotAnArchive, EntryLoc("model.json"),
                "legacy (PyTorch 1.0-1.3) TorchScript layout with model.json is not supported; re-save with a newer torch.jit.save");
        if (_entries.ContainsKey("bytecode.pkl") && !_entries.ContainsKey("data.pkl"))
            throw new BridgeException(TorchScriptDiagnosticIds.NotAnArchive, EntryLoc("bytecode.pkl"),
                "mobile (lite interpreter) archive without data.pkl is not supported");

        var versionEntry = _entries.ContainsKey("version") ? "version" : _entries.ContainsKey(".data/version") ? ".data/version" : null;
        if (versionEntry is not null)
        {
            var text = Encoding.ASCII.GetString(_entries[versionEntry]).Trim();
            if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var v))
                throw new BridgeException(TorchScriptDiagnosticIds.BadVersion, EntryLoc(versionEntry), $"'{Prefix}/{versionEntry}' is not a decimal version number");
            Version = v;
        }
        if (_entries.TryGetValue("byteorder", out var bo))
        {
            ByteOrder = Encoding.ASCII.GetString(bo).Trim();
            if (ByteOrder != "little")
                throw new BridgeException(TorchScriptDiagnosticIds.BigEndian, EntryLoc("byteorder"),
                    $"archive byte order '{ByteOrder}' is not supported (only little-endian storages are read)");
        }

        Extra = _entries.Where(kv => kv.Key.StartsWith("extra/", StringComparison.Ordinal))
            .ToImmutableDictionary(kv => kv.Key["extra/".Length..], kv => kv.Value, StringComparer.Ordinal);

        foreach (var (name, bytes) in _entries)
        {
            if (!name.StartsWith("code/", StringComparison.Ordinal) || !name.EndsWith(".py", StringComparison.Ordinal)) continue;
            var rel = name["code/".Length..];
            _code[rel] = TsParser.ParseFile(DecodeUtf8(bytes, name), Path + "!" + Prefix + "/" + name);
        }

        if (_entries.TryGetValue("constants.pkl", out var cbytes))
        {
            var c = Unpickle(cbytes, "constants.pkl", "constants/");
            Constants = c as PyTuple ?? throw new BridgeException(TorchScriptDiagnosticIds.PickleMalformed, EntryLoc("constants.pkl"),
                $"'{Prefix}/constants.pkl' holds {PyRepr.Of(c)}, expected a tuple");
        }

        var data = _entries.TryGetValue("data.pkl", out var dbytes) ? dbytes
            : throw new BridgeException(TorchScriptDiagnosticIds.MissingEntry, EntryLoc("data.pkl"), $"{Path} has no '{Prefix}/data.pkl' record");
        Data = Unpickle(data, "data.pkl", "data/");
        if (Data is not TsObject root)
            throw new BridgeException(TorchScriptDiagnosticIds.BadModuleObject, EntryLoc("data.pkl"),
                $"'{Prefix}/data.pkl' holds {PyRepr.Of(Data)}, expected a __torch__ module object");
        Root = TsModule.Build(this, root, "");
    }

    private string DecodeUtf8(byte[] bytes, string name)
    {
        try { return new UTF8Encoding(false, true).GetString(bytes); }
        catch (DecoderFallbackException)
        {
            throw new BridgeException(TorchScriptDiagnosticIds.BadEntry, EntryLoc(name), $"'{Prefix}/{name}' is not valid UTF-8");
        }
    }

    private object? Unpickle(byte[] bytes, string entry, string storageDir) =>
        new TorchUnpickler(bytes, Path, Prefix + "/" + entry, key => TryReadEntry(storageDir + key)).Load();

    /// <summary>
    /// The class definition for a qualified name such as <c>__torch__.torch.nn.modules.conv.___torch_mangle_3.Conv2d</c>:
    /// <c>__torch__.a.b.C</c> lives in <c>code/__torch__/a/b.py</c> as <c>class C</c> (mangle segments are part of the path).
    /// </summary>
    public TsClassDef? FindClass(string qualifiedName)
    {
        var dot = qualifiedName.LastIndexOf('.');
        if (dot <= 0) return null;
        var file = qualifiedName[..dot].Replace('.', '/') + ".py";
        var cls = qualifiedName[(dot + 1)..];
        return _code.TryGetValue(file, out var f) ? f.Classes.FirstOrDefault(c => c.Name == cls) : null;
    }
}
