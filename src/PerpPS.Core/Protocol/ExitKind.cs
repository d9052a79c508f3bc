namespace PerpPS.Core.Protocol;

/// <summary>How a sub-service's last start target (its "run") ended: byte 0 of a <see cref="SubserviceExtension"/> block.</summary>
public enum ExitKind : byte
{
    /// <summary>No run has ended since activation.</summary>
    None = 0,
    /// <summary>The run exited; the value is its exit code.</summary>
    Exited = 1,
    /// <summary>The run was killed by a signal; the value is the signal number.</summary>
    Killed = 2,
    /// <summary>Killed by a signal and dumped core; the value is the signal number.</summary>
    Dumped = 3,
    /// <summary>The runscript could not be executed (perp's exit 111); the value is the errno (low 8 bits).</summary>
    ExecFailed = 4,
    /// <summary>The run ended but how is not known (a process perpd adopted and could not wait for).</summary>
    Unknown = 5,
}
