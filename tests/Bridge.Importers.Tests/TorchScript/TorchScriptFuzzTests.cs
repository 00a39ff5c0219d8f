using System.IO.Compression;
using System.Text;
using Bridge.Importers.TorchScript;
using Bridge.Importers.TorchScript.Code;
using Bridge.Importers.TorchScript.Pickle;

namespace Bridge.Importers.Tests.TorchScript;

/// <summary>
/// Truncations and mutations of archives, pickles and code: every failure must be a <see cref="BridgeException"/> (never
/// another exception, never a hang). Seeds are fixed, so failures reproduce.
/// </summary>
[TestFixture]
public class TorchScriptFuzzTests
{
    private static string TempFile(string name) => Path.Combine(Path.GetTempPath(), $"bridge-ts-fuzz-{Environment.ProcessId}-{name}");

    private static void OpenExpectingOnlyBridgeErrors(byte[] bytes, string label, ref int rejected)
    {
        var path = TempFile("m.pt");
        File.WriteAllBytes(path, bytes);
        try { TorchScriptArchive.Open(path); }
        catch (BridgeException) { rejected++; }
        catch (Exception e) { Assert.Fail($"{label}: {e.GetType().Name}: {e.Message}"); }
    }

    [Test]
    public void WholeFile_TruncationsAndByteFlips()
    {
        var good = File.ReadAllBytes(TorchScriptFixtures.Archive("small_traced"));
        var rnd = new Random(1234);
        var rejected = 0;
        for (var k = 0; k < 120; k++)
        {
            var cut = k == 0 ? 0 : rnd.Next(good.Length);
            OpenExpectingOnlyBridgeErrors(good[..cut], $"truncated at {cut}", ref rejected);
        }
        for (var k = 0; k < 200; k++)
        {
            var b = (byte[])good.Clone();
            var n = 1 + rnd.Next(4);
            for (var j = 0; j < n; j++) b[rnd.Next(b.Length)] = (byte)rnd.Next(256);
            OpenExpectingOnlyBridgeErrors(b, $"flip #{k}", ref rejected);
        }
        Assert.That(rejected, Is.GreaterThan(120), "every truncation must be rejected");
    }

    [Test]
    public void Archive_MissingOrBadRecords_AreNamed()
    {
        var good = TorchScriptFixtures.Archive("small_traced");
        byte[] Rewrite(Func<string, byte[], byte[]?> f)
        {
            using var ms = new MemoryStream();
            using (var zin = ZipFile.OpenRead(good))
            using (var zout = new ZipArchive(ms, ZipArchiveMode.Create, true))
                foreach (var e in zin.Entries)
                {
                    using var s = e.Open();
                    using var buf = new MemoryStream();
                    s.CopyTo(buf);
                    var data = f(e.FullName, buf.ToArray());
                    if (data is null) continue;
                    using var o = zout.CreateEntry(e.FullName).Open();
                    o.Write(data);
                }
            return ms.ToArray();
        }
        var path = TempFile("r.pt");
        void Expect(byte[] bytes, DiagnosticId id, string text)
        {
            File.WriteAllBytes(path, bytes);
            var ex = Assert.Throws<BridgeException>(() => TorchScriptArchive.Open(path))!;
            Assert.That(ex.Diagnostic.Id, Is.EqualTo(id), ex.Message);
            Assert.That(ex.Message, Does.Contain(text));
        }
        Expect(Rewrite((n, d) => n.EndsWith("/data.pkl", StringComparison.Ordinal) ? null : d), TorchScriptDiagnosticIds.MissingEntry, "data.pkl");
        Expect(Rewrite((n, d) => n.EndsWith("/data/0", StringComparison.Ordinal) ? null : d), TorchScriptDiagnosticIds.StorageMissing, "data/0");
        Expect(Rewrite((n, d) => n.EndsWith("/data/0", StringComparison.Ordinal) ? d[..4] : d), TorchScriptDiagnosticIds.StorageTooSmall, "storage '0'");
        Expect(Rewrite((n, d) => n.EndsWith("/version", StringComparison.Ordinal) ? "x\n"u8.ToArray() : d), TorchScriptDiagnosticIds.BadVersion, "version");
        Expect(Rewrite((n, d) => n.EndsWith("/code/__torch__.py", StringComparison.Ordinal) ? [.. d, .. "\n  )\n"u8.ToArray()] : d), TorchScriptDiagnosticIds.CodeSyntax, "__torch__.py");
        Expect(Encoding.ASCII.GetBytes("not a zip at all"), TorchScriptDiagnosticIds.BadZip, "not a zip");
        Expect([0x80, 0x02, (byte)'N', (byte)'.'], TorchScriptDiagnosticIds.NotAnArchive, "legacy");
        // a renamed archive folder is fine: the prefix comes from the first record
        File.WriteAllBytes(path, Rewrite((n, d) => d));
        using (var ms = new MemoryStream())
        {
            using (var zin = ZipFile.OpenRead(good))
            using (var zout = new ZipArchive(ms, ZipArchiveMode.Create, true))
                foreach (var e in zin.Entries)
                {
                    using var s = e.Open();
                    using var o = zout.CreateEntry("whatever/" + e.FullName[(e.FullName.IndexOf('/', StringComparison.Ordinal) + 1)..]).Open();
                    s.CopyTo(o);
                }
            File.WriteAllBytes(path, ms.ToArray());
        }
        Assert.That(TorchScriptArchive.Open(path).Prefix, Is.EqualTo("whatever"));
    }

    [Test]
    public void Pickle_Mutations_OnlyBridgeErrors()
    {
        byte[] pkl, storage0;
        using (var zin = ZipFile.OpenRead(TorchScriptFixtures.Archive("nested_traced")))
        {
            pkl = Read(zin.Entries.First(e => e.FullName.EndsWith("/data.pkl", StringComparison.Ordinal)));
            storage0 = Read(zin.Entries.First(e => e.FullName.EndsWith("/data/0", StringComparison.Ordinal)));
        }
        var rnd = new Random(99);
        var ok = 0;
        for (var k = 0; k < 400; k++)
        {
            var b = k < 100 ? pkl[..rnd.Next(pkl.Length)] : (byte[])pkl.Clone();
            if (k >= 100)
                for (var j = 1 + rnd.Next(3); j > 0; j--) b[rnd.Next(b.Length)] = (byte)rnd.Next(256);
            try { new TorchUnpickler(b, "fuzz.pt", "fuzz/data.pkl", _ => storage0).Load(); ok++; }
            catch (BridgeException) { }
            catch (Exception e) { Assert.Fail($"mutation #{k}: {e.GetType().Name}: {e.Message}"); }
        }
        Assert.That(ok, Is.LessThan(400));
    }

    [Test]
    public void Code_Mutations_OnlyBridgeErrors()
    {
        string code;
        using (var zin = ZipFile.OpenRead(TorchScriptFixtures.Archive("control_scripted")))
            code = Encoding.UTF8.GetString(Read(zin.Entries.First(e => e.FullName.EndsWith("/code/__torch__.py", StringComparison.Ordinal))));
        var rnd = new Random(7);
        const string alphabet = "()[]{}:,.=+-*/ \n\t'\"#\\xa0_9";
        for (var k = 0; k < 300; k++)
        {
            var sb = new StringBuilder(k < 80 ? code[..rnd.Next(code.Length)] : code);
            if (k >= 80)
                for (var j = 1 + rnd.Next(3); j > 0; j--)
                {
                    var at = rnd.Next(sb.Length);
                    if (rnd.Next(2) == 0) sb[at] = alphabet[rnd.Next(alphabet.Length)];
                    else sb.Remove(at, 1);
                }
            try { TsParser.ParseFile(sb.ToString(), "fuzz.py"); }
            catch (BridgeException) { }
            catch (Exception e) { Assert.Fail($"mutation #{k}: {e.GetType().Name}: {e.Message}"); }
        }
        // hostile nesting is a diagnostic, not a stack overflow
        var deep = "def f(x):\n  return " + new string('(', 100_000) + "x" + new string(')', 100_000) + "\n";
        var ex = Assert.Throws<BridgeException>(() => TsParser.ParseFile(deep, "deep.py"))!;
        Assert.That(ex.Diagnostic.Id, Is.EqualTo(TorchScriptDiagnosticIds.CodeSyntax));
    }

    private static byte[] Read(ZipArchiveEntry e)
    {
        using var s = e.Open();
        using var ms = new MemoryStream();
        s.CopyTo(ms);
        return ms.ToArray();
    }
}
