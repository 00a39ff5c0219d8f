using System.Runtime.InteropServices;
using Bridge.Translators.Torch;
using Python.Runtime;

namespace Bridge.Compat.Torch;

/// <summary>
/// PyTorch itself as a reference (<c>check --reference torch</c>, <c>run --path torch</c>): the archive is loaded with
/// <c>torch.jit.load</c> and run on the given feeds in this process, through pythonnet and the system's libpython
/// (<see cref="PythonLocator"/>). Loading with torch unpickles the archive, so this runs only when asked for and only after
/// Bridge's own reader has vetted the archive (its allow-listed unpickler refuses foreign globals, bombs and bad sizes); Bridge's
/// import never runs Python. The interpreter is started once per process and kept (CPython cannot be restarted safely); a
/// failure to start it is remembered and reported the same way on every later call.
/// </summary>
public static class TorchReference
{
    private static readonly Lock s_gate = new();
    private static bool s_started;
    private static Diagnostic? s_startError;
    private static PyModule? s_helpers;

    // Helpers run inside the embedded interpreter. Tensors cross by address: the caller pins the bytes, Python copies them
    // (ctypes.string_at) into a tensor; outputs are made contiguous on the CPU and copied back from data_ptr() while Python
    // still holds them.
    private const string Helpers = """
import ctypes
import torch

def load(path):
    m = torch.jit.load(path, map_location="cpu")
    m.eval()
    return m

def tensor(addr, nbytes, dtype, shape):
    dt = getattr(torch, dtype)
    if nbytes == 0:
        return torch.empty(shape, dtype=dt)
    buf = bytearray(ctypes.string_at(addr, nbytes))
    return torch.frombuffer(buf, dtype=dt).reshape(shape).clone()

def run(module, args):
    out = module(*args)
    flat = []
    def walk(v):
        if isinstance(v, torch.Tensor):
            flat.append(v.detach().cpu().contiguous())
        elif isinstance(v, (tuple, list)):
            for x in v:
                walk(x)
        elif isinstance(v, dict):
            for x in v.values():
                walk(x)
        elif isinstance(v, bool):
            flat.append(torch.tensor(v))
        elif isinstance(v, (int, float)):
            flat.append(torch.tensor(v))
        elif v is None:
            pass
        else:
            raise TypeError("forward returns a " + type(v).__name__ + ", which is not a tensor")
    walk(out)
    return [(str(t.dtype).replace("torch.", ""), list(t.shape), t.data_ptr(), t.numel() * t.element_size(), t) for t in flat]
""";

    /// <summary>The Python library in use and torch's version, once started (for reports), else null.</summary>
    public static string? Describe { get; private set; }

    /// <summary>
    /// Runs <paramref name="archivePath"/> in PyTorch on <paramref name="feeds"/> (in forward's parameter order,
    /// <paramref name="inputNames"/>); outputs are flattened (tuples, lists, dict values) and named <c>output</c> or <c>output_i</c>.
    /// </summary>
    public static IReadOnlyList<(string Name, Tensor Tensor)> Run(string archivePath, IReadOnlyList<string> inputNames,
        IReadOnlyDictionary<string, Tensor> feeds, CancellationToken ct)
    {
        Start(archivePath);
        ct.ThrowIfCancellationRequested();
        var loc = new SourceLoc.Text(archivePath, 1, 1);
        using (Py.GIL())
        {
            try
            {
                using var module = s_helpers!.GetAttr("load").Invoke(new PyString(Path.GetFullPath(archivePath)));
                using var args = new PyList();
                foreach (var name in inputNames)
                {
                    if (!feeds.TryGetValue(name, out var t))
                        throw new BridgeException(TorchDiagnosticIds.MissingInputShape, loc, $"no value for input {name}");
                    using var pt = ToTorch(t, name, loc);
                    args.Append(pt);
                }
                using var result = s_helpers.GetAttr("run").Invoke(module, args);
                var n = (int)result.Length();
                var outs = new List<(string, Tensor)>(n);
                for (var i = 0; i < n; i++)
                {
                    using var item = result[i];
                    var dtype = item[0].As<string>();
                    var shape = item[1].As<long[]>();
                    var ptr = item[2].As<long>();
                    var nbytes = item[3].As<long>();
                    var dt = ToDataType(dtype, loc, i);
                    var bytes = new byte[checked((int)nbytes)];
                    if (nbytes > 0) Marshal.Copy(new IntPtr(ptr), bytes, 0, bytes.Length);
                    outs.Add((n == 1 ? "output" : $"output_{i}", Tensor.FromBytes(dt, shape, bytes)));
                }
                return outs;
            }
            catch (PythonException ex)
            {
                throw new BridgeException(CompatDiagnosticIds.TorchRunFailed, loc, $"PyTorch failed on {Path.GetFileName(archivePath)}: {OneLine(ex)}");
            }
        }
    }

    private static PyObject ToTorch(Tensor t, string name, SourceLoc loc)
    {
        var dtype = t.DType.ToString();
        if (dtype is "uint16" or "uint32" or "uint64" or "handle" or "void")
            throw new BridgeException(CompatDiagnosticIds.TorchUnsupportedType, loc, $"input {name} is {dtype}, which torch 1.13 has no tensor type for");
        var bytes = t.Bytes.ToArray();
        var handle = GCHandle.Alloc(bytes, GCHandleType.Pinned);
        try
        {
            using var shape = new PyList([.. t.Shape.Select(d => (PyObject)new PyInt(d))]);
            return s_helpers!.GetAttr("tensor").Invoke(new PyInt(handle.AddrOfPinnedObject().ToInt64()), new PyInt(bytes.LongLength), new PyString(dtype), shape);
        }
        finally
        {
            handle.Free();
        }
    }

    private static DataType ToDataType(string torchName, SourceLoc loc, int index)
    {
        try
        {
            return DataType.Parse(torchName);
        }
        catch (BridgeException)
        {
            throw new BridgeException(CompatDiagnosticIds.TorchUnsupportedType, loc, $"PyTorch output {index} is {torchName}, which Bridge has no tensor type for");
        }
    }

    /// <summary>Starts the embedded interpreter and imports torch, once per process; throws the same diagnostic on every call after a failure.</summary>
    private static void Start(string archivePath)
    {
        lock (s_gate)
        {
            if (s_startError is { } e) throw new BridgeException(e with { Loc = new SourceLoc.Text(archivePath, 1, 1) });
            if (s_started) return;
            try
            {
                StartOnce();
                s_started = true;
            }
            catch (BridgeException ex)
            {
                s_startError = ex.Diagnostic;
                throw;
            }
        }
    }

    private static void StartOnce()
    {
        var (lib, origin) = PythonLocator.Find();
        const string need = "PyTorch as a reference needs Python with torch: apt-get install python3-torch (scripts/setup.sh does), or set " +
            PythonLocator.EnvVar + " to a libpython3.X.so whose Python has torch";
        if (lib is null)
            throw new BridgeException(CompatDiagnosticIds.TorchPythonMissing, SourceLoc.Unknown.Instance, $"{need}; {origin}");
        try
        {
            Runtime.PythonDLL = lib;
            PythonEngine.Initialize();
            PythonEngine.BeginAllowThreads();
        }
        catch (Exception ex) when (ex is DllNotFoundException or BadImageFormatException or TypeInitializationException or EntryPointNotFoundException
            or InvalidOperationException or MissingMethodException or PythonException)
        {
            throw new BridgeException(CompatDiagnosticIds.TorchPythonMissing, SourceLoc.Unknown.Instance,
                $"{need}; cannot load {lib} ({origin}): {Short(ex.InnerException?.Message ?? ex.Message, lib)}");
        }
        using (Py.GIL())
        {
            try
            {
                s_helpers = PyModule.FromString("bridge_torch_reference", Helpers);
                using var torch = Py.Import("torch");
                Describe = $"PyTorch {torch.GetAttr("__version__")} in Python {PythonEngine.Version.Split(' ')[0]} ({lib})";
            }
            catch (PythonException ex)
            {
                throw new BridgeException(CompatDiagnosticIds.TorchMissing, SourceLoc.Unknown.Instance,
                    $"{need}; the Python at {lib} cannot import torch: {OneLine(ex)}");
            }
        }
    }

    private static string OneLine(PythonException ex) => FirstLine($"{ex.Type?.Name ?? "Error"}: {ex.Message}");

    /// <summary>The loader's reason without the path it repeats (<c>Could not load P with flags …: P: reason</c> → <c>reason</c>).</summary>
    private static string Short(string message, string lib)
    {
        var s = FirstLine(message);
        var i = s.LastIndexOf(lib + ": ", StringComparison.Ordinal);
        return i >= 0 ? s[(i + lib.Length + 2)..] : s;
    }

    private static string FirstLine(string s)
    {
        var i = s.IndexOfAny(['\r', '\n']);
        return (i < 0 ? s : s[..i]).Trim();
    }
}
