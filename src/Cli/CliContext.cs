using Bridge.Core.Limits;

namespace Bridge.Cli;

/// <summary>Exit codes shared by every verb.</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    /// <summary><c>check</c>: outputs differ beyond tolerance.</summary>
    public const int Mismatch = 1;
    /// <summary>Bad input or options: a rendered <see cref="Diagnostic"/> was printed.</summary>
    public const int InputError = 2;
    /// <summary>A bug in Bridge (<see cref="BridgeInternalError"/> or an unexpected exception).</summary>
    public const int InternalError = 3;
}

/// <summary>What every verb gets: the output writers and the one place errors are rendered.</summary>
public sealed class CliContext(TextWriter stdout, TextWriter stderr)
{
    public TextWriter Out { get; } = stdout;
    public TextWriter Err { get; } = stderr;

    /// <summary>
    /// Runs a verb body: a <see cref="BridgeException"/> prints its diagnostic as one clear line (plus source line and caret)
    /// and returns 2; anything else is reported as an internal error (exit 3) with the exception type, never a raw stack trace
    /// unless BRIDGE_DEBUG is set.
    /// </summary>
    /// <remarks>The body runs on a thread with a large stack (<see cref="StackGuard"/>) inside the verb's memory budget and
    /// allowed folders (<see cref="CliLimits"/>); deep input that still exhausts the stack is a located diagnostic.</remarks>
    public int Guard(Func<int> body)
    {
        try
        {
            return StackGuard.RunWithLargeStack(() =>
            {
                using var limits = CliLimits.Enter();
                return body();
            });
        }
        catch (InsufficientExecutionStackException)
        {
            Err.WriteLine(StackGuard.TooDeep(SourceLoc.Unknown.Instance).Diagnostic.Render());
            return ExitCodes.InputError;
        }
        catch (BridgeException e)
        {
            Err.WriteLine(e.Diagnostic.Render());
            return ExitCodes.InputError;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Err.WriteLine($"internal error: {e.GetType().Name}: {Diagnostic.Clip(e.Message, 2 * Diagnostic.MaxQuote)}");
            if (Environment.GetEnvironmentVariable("BRIDGE_DEBUG") is { Length: > 0 }) Err.WriteLine(e);
            else Err.WriteLine("  (this is a bug in bridge; set BRIDGE_DEBUG=1 for the stack trace)");
            return ExitCodes.InternalError;
        }
    }
}
