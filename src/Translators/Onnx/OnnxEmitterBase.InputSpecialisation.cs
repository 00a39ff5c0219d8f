using System.Globalization;
using System.Runtime.ExceptionServices;
using Bridge.Importers.Onnx;

namespace Bridge.Translators.Onnx;

/// <summary>
/// Specialising a data-dependent <c>If</c> on the values of scalar inputs (<see cref="OnnxImportOptions.InputValues"/>), as a
/// user freezes an input for a static compiler. Silero VAD v5/v6 wrap the whole network in <c>If (sr == 16000)</c>; with the
/// window length bound by the feeds, the untaken branch computes shapes its own value_info contradicts (a 512-sample window
/// through the 8 kHz front end): ONNX Runtime never runs it, but a compiler that converts both branches must refuse it. The
/// import first converts the model unspecialised; only when that fails does it convert again with the given scalar inputs
/// known at import (each If on them folds to its taken branch, <see cref="TryEmitStaticIf"/>), the inputs staying parameters of
/// <c>main</c>, and the summary carries warning BRG4308 naming the values and the diagnostic the general form failed with.
/// </summary>
public abstract partial class OnnxEmitterBase<TExpr>
{
    /// <summary>True on the retry: graph inputs with a value in <see cref="OnnxImportOptions.InputValues"/> are known at import.</summary>
    protected bool SpecialiseInputValues { get; set; }

    /// <summary>After binding graph input <paramref name="name"/> to its parameter: makes its value known when specialising.</summary>
    protected void BindInputValue(string name, TExpr param)
    {
        if (SpecialiseInputValues && Options.InputValues.TryGetValue(name, out var t) && KnownInts.FromTensor(t) is { } k) SetKnown(name, k, param);
    }

    /// <summary>
    /// Runs <paramref name="translate"/> unspecialised; when it fails and <paramref name="options"/> gives values for scalar
    /// inputs the graph's If nodes may test, runs it again specialised. The first failure is rethrown when the retry fails too.
    /// </summary>
    protected static OnnxImportResult<TModule> WithInputSpecialisation<TModule>(OnnxModel model, OnnxImportOptions options,
        Func<bool, OnnxImportResult<TModule>> translate)
    {
        var used = model.Graph.Inputs.Where(i => options.InputValues.TryGetValue(i.Name, out var t) && KnownInts.FromTensor(t) is not null)
            .Select(i => i.Name).ToList();
        if (used.Count == 0 || !model.Graph.SelfAndSubgraphs().Any(g => g.Nodes.Any(n => n.OpType == "If"))) return translate(false);
        try { return translate(false); }
        catch (BridgeException first)
        {
            OnnxImportResult<TModule> r;
            try { r = translate(true); }
            catch (BridgeException)
            {
                ExceptionDispatchInfo.Capture(first).Throw();
                throw;
            }
            var values = string.Join(", ", used.Select(n => n + "=" + Render(options.InputValues[n])));
            var note = new Diagnostic(OnnxTranslateDiagnosticIds.SpecialisedOnInputValues, Severity.Warning,
                $"converted specialised on input value(s) {values} (each If on them keeps only the branch taken; the module is valid " +
                $"for these values only): the general form failed with {first.Diagnostic.Id} {first.Diagnostic.Message}",
                new SourceLoc.GraphNode(model.Path, model.Graph.Name, used[0], "input"));
            return r with { Summary = r.Summary with { Warnings = r.Summary.Warnings.Add(note) } };
        }
    }

    private static string Render(Tensor t) =>
        t.Length == 1 ? t.GetInt64(0).ToString(CultureInfo.InvariantCulture) : "[" + string.Join(", ", Enumerable.Range(0, (int)t.Length).Select(i => t.GetInt64(i).ToString(CultureInfo.InvariantCulture))) + "]";
}
