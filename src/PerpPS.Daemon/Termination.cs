using PerpPS.Core.Cli;

namespace PerpPS.Daemon;

/// <summary>How a runscript ended, as waitid reported it: an exit code or a signal (and whether it dumped core).</summary>
internal readonly record struct Termination(bool Signaled, int Value, bool Dumped = false)
{
    /// <summary>A pre-exec failure counts as exit 111, like perp's child that could not exec.</summary>
    public static readonly Termination ExecFailure = new(false, ExitCode.Fatal);

    /// <summary>
    /// The process ended but its status cannot be known: it was not perpd's child (adopted
    /// after a crash of the previous perpd), or someone else reaped it (an inherited
    /// SIGCHLD=SIG_IGN before perpd reset it). It is also a process perpd watched but did not
    /// parent (read from a pid file). The reset gets <c>reset NAME unknown</c>. (Hook for the extended status of #9: a
    /// last exit that is "unknown".)
    /// </summary>
    public static readonly Termination Unknown = new(false, -1);

    public bool IsUnknown => this == Unknown;
}
