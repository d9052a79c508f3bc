using PerpPS.Core.Cli;

namespace PerpPS.Daemon;

/// <summary>How a runscript ended, as waitid reported it: an exit code or a signal (and whether it dumped core).</summary>
internal readonly record struct Termination(bool Signaled, int Value, bool Dumped = false)
{
    /// <summary>A pre-exec failure counts as exit 111, like perp's child that could not exec.</summary>
    public static readonly Termination ExecFailure = new(false, ExitCode.Fatal);
}
