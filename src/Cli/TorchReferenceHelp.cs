using System.CommandLine;

namespace Bridge.Cli;

/// <summary>The <c>--reference</c> option of <c>check</c> and the warning that goes with PyTorch as a reference (check, run, README).</summary>
public static class TorchReferenceHelp
{
    public const string Warning =
        "WARNING: torch.jit.load unpickles the archive in this process (Bridge's own reader vets it first); use only on archives you trust";

    public static Option<string> Option()
    {
        var o = new Option<string>("--reference")
        {
            Description = "what a TorchScript archive is checked against: saved (the corpus's STEM.outputs.npz, default) or torch (PyTorch run live " +
                "through pythonnet and the system's libpython; BRIDGE_PYTHON_DLL overrides which). " + Warning,
            DefaultValueFactory = _ => "saved",
        };
        o.AcceptOnlyFromAmong("saved", "torch");
        return o;
    }
}
