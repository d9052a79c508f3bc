using PerpPS.Core.Cli;

namespace PerpPS.Daemon;

/// <summary>How a runscript ended, as waitid reported it: an exit code or a signal.</summary>
internal readonly record struct Termination(bool Signaled, int Value)
{
    /// <summary>A pre-exec failure counts as exit 111, like perp's child that could not exec.</summary>
    public static readonly Termination ExecFailure = new(false, ExitCode.Fatal);

    /// <summary>
    /// A process perpd watched but did not parent (read from a pid file): its exit status is not
    /// knowable; its reset gets <c>reset NAME unknown</c>.
    /// </summary>
    public static readonly Termination Unknown = new(false, -1);

    public bool IsUnknown => !Signaled && Value < 0;
}
