namespace PerpPS.Cmdlets;

/// <summary>
/// One state change perpd reported on its event stream (Watch-PerpService): which service,
/// what happened, when, and the pid/exit figures the event carries.
/// </summary>
public sealed class PerpServiceEvent
{
    /// <summary>The service's directory name; empty for Overflow.</summary>
    public string Name { get; set; } = "";
    /// <summary>What happened (the protocol's event kind).</summary>
    public PerpEventKind Event { get; set; }
    /// <summary>When perpd saw it (local time).</summary>
    public DateTime? Time { get; set; }
    /// <summary>Main, Log, or Service (activation, deactivation, overflow).</summary>
    public PerpEventTarget Target { get; set; }
    /// <summary>The process the event is about (Started, Exited, ResetStarted, ResetDone, Paused, Continued); 0 otherwise.</summary>
    public int Pid { get; set; }
    /// <summary>Exited/ResetDone: the exit code (111 for an exec failure); null when a signal ended it or for other events.</summary>
    public int? ExitCode { get; set; }
    /// <summary>Exited/ResetDone: the signal that killed the process; null otherwise.</summary>
    public int? Signal { get; set; }
    /// <summary>perpd's daemon-wide event number (gaps only where an Overflow says so).</summary>
    public ulong Sequence { get; set; }
    /// <summary>The kind's detail figure: restarts (Started), run ms (Exited), errno (ExecFailed, ForkFailed), delay ms (StartHeld), events dropped (Overflow).</summary>
    public long Detail { get; set; }
    /// <summary>The absolute base directory.</summary>
    public string Base { get; set; } = "";

    public override string ToString() => $"{Name} {Event}";
}

/// <summary>The protocol's event kinds (docs/protocol-extensions.md), by name. The long base type makes ConvertTo-Json write the name.</summary>
public enum PerpEventKind : long
{
    Activated = 1,
    Deactivating = 2,
    Deactivated = 3,
    Started = 4,
    Exited = 5,
    ResetStarted = 6,
    ResetDone = 7,
    Down = 8,
    ExecFailed = 9,
    ForkFailed = 10,
    StartHeld = 11,
    WantUp = 12,
    WantDown = 13,
    Paused = 14,
    Continued = 15,
    OnceChanged = 16,
    Ready = 32,
    Healthy = 33,
    Unhealthy = 34,
    Backoff = 35,
    Failed = 36,
    WaitingForDependency = 37,
    Overflow = 255,
}

/// <summary>Which part of a service an event is about.</summary>
public enum PerpEventTarget : long
{
    Main = 0,
    Log = 1,
    Service = 255,
}
