using System.Buffers.Binary;
using System.Globalization;
using System.Numerics;
using System.Text;
using Bridge.Core.Files;

namespace Bridge.Importers.TorchScript.Pickle;

/// <summary>
/// A purpose-built, allow-listing unpickler for the TorchScript pickle dialect (protocols 0–5 opcodes accepted). It never
/// executes anything: GLOBAL/STACK_GLOBAL resolve only to a fixed allow-list (<see cref="IsAllowedGlobal"/>), REDUCE,
/// NEWOBJ and BUILD only act on those, and anything else is refused with a diagnostic naming the global, the entry and
/// the byte offset. It is iterative (no recursion), so hostile nesting cannot overflow the CLR stack.
/// </summary>
public sealed partial class TorchUnpickler
{
    private readonly byte[] _data;
    private readonly string _path;
    private readonly string _entry;
    private readonly Func<string, byte[]?> _readStorage;
    private readonly List<object?> _stack = [];
    private readonly List<int> _marks = [];
    private readonly Dictionary<long, object?> _memo = [];
    private readonly Dictionary<string, TorchStorage> _storages = new(StringComparer.Ordinal);
    private int _pos;
    private int _opStart;

    /// <param name="data">The pickle bytes.</param>
    /// <param name="path">Archive path (for locations).</param>
    /// <param name="entry">Entry name inside the archive (for locations).</param>
    /// <param name="readStorage">Returns the raw bytes of storage record <c>key</c>, or null when the archive lacks it.</param>
    public TorchUnpickler(byte[] data, string path, string entry, Func<string, byte[]?> readStorage)
    {
        _data = data;
        _path = path;
        _entry = entry;
        _readStorage = readStorage;
    }

    private SourceLoc Loc => BinaryLoc.At(_path, "torchscript", _entry, _opStart);

    private BridgeException Error(DiagnosticId id, string message) =>
        new(id, Loc, $"{message} (entry '{_entry}', byte offset {_opStart})");

    /// <summary>Unpickles the whole stream and returns the value under STOP.</summary>
    public object? Load()
    {
        while (true)
        {
            _opStart = _pos;
            var op = ReadByte("opcode");
            if (op == (byte)'.')
            {
                if (_stack.Count == 0) throw Error(TorchScriptDiagnosticIds.PickleMalformed, "STOP with an empty stack");
                return Pop();
            }
            Step(op);
        }
    }

    // ---- byte reading ---------------------------------------------------------------------------------------------

    private byte ReadByte(string what)
    {
        if (_pos >= _data.Length) throw Error(TorchScriptDiagnosticIds.PickleTruncated, $"pickle ends inside {what}");
        return _data[_pos++];
    }

    private ReadOnlySpan<byte> Take(long n, string what)
    {
        if (n < 0 || n > _data.Length - _pos)
            throw Error(TorchScriptDiagnosticIds.PickleTruncated, $"pickle ends inside {what}: needs {n} bytes, {_data.Length - _pos} left");
        var s = _data.AsSpan(_pos, (int)n);
        _pos += (int)n;
        return s;
    }

    private string ReadLine(string what)
    {
        var i = Array.IndexOf(_data, (byte)'\n', _pos);
        if (i < 0) throw Error(TorchScriptDiagnosticIds.PickleTruncated, $"pickle ends inside {what} (no newline)");
        var s = Encoding.UTF8.GetString(_data, _pos, i - _pos);
        _pos = i + 1;
        return s;
    }

    private int U8() => ReadByte("argument");
    private int U16() => BinaryPrimitives.ReadUInt16LittleEndian(Take(2, "argument"));
    private int I32() => BinaryPrimitives.ReadInt32LittleEndian(Take(4, "argument"));
    private long U32() => BinaryPrimitives.ReadUInt32LittleEndian(Take(4, "argument"));
    private long I64Len()
    {
        var v = BinaryPrimitives.ReadUInt64LittleEndian(Take(8, "argument"));
        return v > int.MaxValue ? long.MaxValue : (long)v;
    }

    // ---- stack -------------------------------------------------------------------------------------------------------

    private void Push(object? v) => _stack.Add(v);

    private object? Pop()
    {
        if (_stack.Count == 0 || (_marks.Count > 0 && _marks[^1] == _stack.Count))
            throw Error(TorchScriptDiagnosticIds.PickleMalformed, "stack underflow");
        var v = _stack[^1];
        _stack.RemoveAt(_stack.Count - 1);
        return v;
    }

    private object? Peek()
    {
        if (_stack.Count == 0 || (_marks.Count > 0 && _marks[^1] == _stack.Count))
            throw Error(TorchScriptDiagnosticIds.PickleMalformed, "stack underflow");
        return _stack[^1];
    }

    private List<object?> PopMark()
    {
        if (_marks.Count == 0) throw Error(TorchScriptDiagnosticIds.PickleMalformed, "no MARK on the stack");
        var m = _marks[^1];
        _marks.RemoveAt(_marks.Count - 1);
        var items = _stack.GetRange(m, _stack.Count - m);
        _stack.RemoveRange(m, _stack.Count - m);
        return items;
    }

    private T PopAs<T>(string what) where T : class =>
        Pop() as T ?? throw Error(TorchScriptDiagnosticIds.PickleMalformed, $"expected {what} on the stack");

    private T PeekAs<T>(string what) where T : class =>
        Peek() as T ?? throw Error(TorchScriptDiagnosticIds.PickleMalformed, $"expected {what} on the stack");

    private void Memo(long key, object? v)
    {
        if (key < 0) throw Error(TorchScriptDiagnosticIds.PickleMalformed, "negative memo key");
        _memo[key] = v;
    }

    private object? Get(long key) =>
        _memo.TryGetValue(key, out var v) ? v : throw Error(TorchScriptDiagnosticIds.PickleMalformed, $"memo key {key} was never stored");

    // ---- opcodes -----------------------------------------------------------------------------------------------------

    private void Step(byte op)
    {
        switch (op)
        {
            case 0x80: { var proto = U8(); if (proto > 5) throw Error(TorchScriptDiagnosticIds.PickleBadOpcode, $"unsupported pickle protocol {proto}"); break; }
            case 0x95: Take(8, "FRAME length"); break; // FRAME: framing is only a read-ahead hint
            case (byte)'(': _marks.Add(_stack.Count); break;
            case (byte)'0': Pop(); break;
            case (byte)'1': PopMark(); break;
            case (byte)'2': Push(Peek()); break;
            case (byte)'N': Push(null); break;
            case 0x88: Push(true); break;
            case 0x89: Push(false); break;
            case (byte)'J': Push((long)I32()); break;
            case (byte)'K': Push((long)U8()); break;
            case (byte)'M': Push((long)U16()); break;
            case (byte)'I': Push(ParseIntLine(ReadLine("INT"))); break;
            case (byte)'L': Push(ParseIntLine(ReadLine("LONG").TrimEnd('L'))); break;
            case 0x8a: Push(DecodeLong(Take(U8(), "LONG1"))); break;
            case 0x8b: { var n = I32(); if (n < 0) throw Error(TorchScriptDiagnosticIds.PickleMalformed, "negative LONG4 length"); Push(DecodeLong(Take(n, "LONG4"))); break; }
            case (byte)'F':
                Push(double.TryParse(ReadLine("FLOAT"), NumberStyles.Float, CultureInfo.InvariantCulture, out var f) ? f
                    : throw Error(TorchScriptDiagnosticIds.PickleMalformed, "bad FLOAT literal"));
                break;
            case (byte)'G': Push(BinaryPrimitives.ReadDoubleBigEndian(Take(8, "BINFLOAT"))); break; // big-endian, per the pickle spec
            case (byte)'X': Push(Utf8(Take(U32(), "BINUNICODE"))); break;
            case 0x8c: Push(Utf8(Take(U8(), "SHORT_BINUNICODE"))); break;
            case 0x8d: Push(Utf8(Take(I64Len(), "BINUNICODE8"))); break;
            case (byte)'V': Push(ReadLine("UNICODE")); break;
            case (byte)'S': Push(ParseStringLine(ReadLine("STRING"))); break;
            case (byte)'T': Push(Encoding.Latin1.GetString(Take(U32(), "BINSTRING"))); break;
            case (byte)'U': Push(Encoding.Latin1.GetString(Take(U8(), "SHORT_BINSTRING"))); break;
            case (byte)'B': Push(Take(U32(), "BINBYTES").ToArray()); break;
            case (byte)'C': Push(Take(U8(), "SHORT_BINBYTES").ToArray()); break;
            case 0x8e: Push(Take(I64Len(), "BINBYTES8").ToArray()); break;
            case 0x96: Push(Take(I64Len(), "BYTEARRAY8").ToArray()); break;
            case (byte)')': Push(new PyTuple([])); break;
            case (byte)'t': Push(new PyTuple([.. PopMark()])); break;
            case 0x85: { var a = Pop(); Push(new PyTuple([a])); break; }
            case 0x86: { var b = Pop(); var a = Pop(); Push(new PyTuple([a, b])); break; }
            case 0x87: { var c = Pop(); var b = Pop(); var a = Pop(); Push(new PyTuple([a, b, c])); break; }
            case (byte)']': Push(new PyList()); break;
            case (byte)'l': { var l = new PyList(); l.Items.AddRange(PopMark()); Push(l); break; }
            case (byte)'a': { var v = Pop(); PeekAs<PyList>("a list for APPEND").Items.Add(v); break; }
            case (byte)'e': { var items = PopMark(); PeekAs<PyList>("a list for APPENDS").Items.AddRange(items); break; }
            case (byte)'}': Push(new PyDict()); break;
            case (byte)'d': { var d = new PyDict(); FillDict(d, PopMark()); Push(d); break; }
            case (byte)'s': { var v = Pop(); var k = Pop(); PeekAs<PyDict>("a dict for SETITEM").Set(CheckKey(k), v); break; }
            case (byte)'u': { var items = PopMark(); FillDict(PeekAs<PyDict>("a dict for SETITEMS"), items); break; }
            case 0x8f: Push(new PySet(false)); break;
            case 0x90: { var items = PopMark(); var s = PeekAs<PySet>("a set for ADDITEMS"); foreach (var i in items) s.Add(i); break; }
            case 0x91: { var s = new PySet(true); foreach (var i in PopMark()) s.Add(i); Push(s); break; }
            case (byte)'c': { var module = ReadLine("GLOBAL module"); var name = ReadLine("GLOBAL name"); Push(ResolveGlobal(module, name)); break; }
            case 0x93:
            {
                var name = Pop() as string; var module = Pop() as string;
                if (name is null || module is null) throw Error(TorchScriptDiagnosticIds.PickleMalformed, "STACK_GLOBAL needs two strings");
                Push(ResolveGlobal(module, name));
                break;
            }
            case (byte)'R': { var args = PopAs<PyTuple>("an argument tuple for REDUCE"); var fn = Pop(); Push(Call(fn, args, "REDUCE")); break; }
            case 0x81: { var args = PopAs<PyTuple>("an argument tuple for NEWOBJ"); var cls = Pop(); Push(NewObj(cls, args)); break; }
            case 0x92:
            {
                var kw = PopAs<PyDict>("a kwargs dict for NEWOBJ_EX"); var args = PopAs<PyTuple>("an argument tuple for NEWOBJ_EX"); var cls = Pop();
                if (kw.Count != 0) throw Error(TorchScriptDiagnosticIds.PickleRefusedCall, $"refusing NEWOBJ_EX with keyword arguments on {Describe(cls)}");
                Push(NewObj(cls, args));
                break;
            }
            case (byte)'b': { var state = Pop(); Build(Peek(), state); break; }
            case (byte)'Q': Push(PersistentLoad(Pop())); break;
            case (byte)'P': Push(PersistentLoad(ReadLine("PERSID"))); break;
            case (byte)'g': Push(Get(ParseIntLine(ReadLine("GET")) is long g ? g : -1)); break;
            case (byte)'h': Push(Get(U8())); break;
            case (byte)'j': Push(Get(U32())); break;
            case (byte)'p': Memo(ParseIntLine(ReadLine("PUT")) is long p ? p : -1, Peek()); break;
            case (byte)'q': Memo(U8(), Peek()); break;
            case (byte)'r': Memo(U32(), Peek()); break;
            case 0x94: Memo(_memo.Count, Peek()); break;
            case (byte)'i':
            {
                var module = ReadLine("INST module"); var name = ReadLine("INST name");
                var cls = ResolveGlobal(module, name);
                Push(Call(cls, new PyTuple([.. PopMark()]), "INST"));
                break;
            }
            case (byte)'o': { var items = PopMark(); if (items.Count == 0) throw Error(TorchScriptDiagnosticIds.PickleMalformed, "OBJ without a class"); Push(Call(items[0], new PyTuple([.. items.Skip(1)]), "OBJ")); break; }
            case 0x82 or 0x83 or 0x84:
                throw Error(TorchScriptDiagnosticIds.PickleRefusedGlobal, "refusing extension-registry opcode EXT (it names globals indirectly)");
            case 0x97 or 0x98:
                throw Error(TorchScriptDiagnosticIds.PickleBadOpcode, "out-of-band buffers (NEXT_BUFFER/READONLY_BUFFER) are not supported");
            default:
                throw Error(TorchScriptDiagnosticIds.PickleBadOpcode, $"unknown pickle opcode 0x{op:x2}");
        }
    }

    private static string Utf8(ReadOnlySpan<byte> b) => Encoding.UTF8.GetString(b);

    private object ParseIntLine(string s)
    {
        s = s.Trim();
        if (s == "00") return false; // protocol 0 booleans
        if (s == "01") return true;
        if (long.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v)) return v;
        if (BigInteger.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var b)) return b;
        throw Error(TorchScriptDiagnosticIds.PickleMalformed, $"bad integer literal '{s}'");
    }

    private string ParseStringLine(string s)
    {
        if (s.Length >= 2 && (s[0] == '\'' || s[0] == '"') && s[^1] == s[0]) return s[1..^1];
        throw Error(TorchScriptDiagnosticIds.PickleMalformed, "bad STRING literal");
    }

    private static object DecodeLong(ReadOnlySpan<byte> b)
    {
        if (b.Length == 0) return 0L;
        var big = new BigInteger(b, isUnsigned: false, isBigEndian: false);
        return big >= long.MinValue && big <= long.MaxValue ? (object)(long)big : big; // cast first: a plain ternary would box a BigInteger
    }

    private object? CheckKey(object? k) =>
        k is null or string or long or bool or double or PyTuple or BigInteger or TorchDType ? k
            : throw Error(TorchScriptDiagnosticIds.PickleMalformed, $"unhashable dict key {Describe(k)}");

    private void FillDict(PyDict d, List<object?> items)
    {
        if (items.Count % 2 != 0) throw Error(TorchScriptDiagnosticIds.PickleMalformed, "odd number of items for a dict");
        for (var i = 0; i < items.Count; i += 2) d.Set(CheckKey(items[i]), items[i + 1]);
    }

    private static string Describe(object? v) => v switch
    {
        PyGlobal g => g.FullName,
        null => "None",
        _ => v.GetType().Name,
    };
}
