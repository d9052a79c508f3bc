namespace PerpPS.Core.Cli;

/// <summary>perp's exit codes, the same in every program (spec §14.1, §14.2): scripts test them.</summary>
public static class ExitCode
{
    /// <summary>A usage error: bad option, missing or bad argument.</summary>
    public const int Usage = 100;

    /// <summary>A system error (perp's fatal_syserr), and a runscript that could not be executed.</summary>
    public const int Fatal = 111;
}
