namespace PerpPS.Core.Protocol;

/// <summary>What a <see cref="PerpEvent"/> reports: byte 36 of a v packet.</summary>
public enum EventKind : byte
{
    /// <summary>The service was activated (target Service).</summary>
    Activated = 1,
    /// <summary>Deactivation began: perpd is stopping the service (target Service).</summary>
    Deactivating = 2,
    /// <summary>The service is gone from perpd (target Service).</summary>
    Deactivated = 3,
    /// <summary>The start target was spawned: the run began. Pid set; detail = restarts since activation.</summary>
    Started = 4,
    /// <summary>A run ended. Pid = the run's pid; exit kind/value set; detail = run duration in ms (saturating).</summary>
    Exited = 5,
    /// <summary>The reset target was spawned. Pid = the reset's pid.</summary>
    ResetStarted = 6,
    /// <summary>The reset target ended (its status is ignored by perpd). Exit kind/value set.</summary>
    ResetDone = 7,
    /// <summary>The sub-service is down and will stay down (reset done, want down).</summary>
    Down = 8,
    /// <summary>The start target could not be executed; detail = errno. Treated as an exit of 111.</summary>
    ExecFailed = 9,
    /// <summary>No process could be created (fork failure); detail = errno; a retry follows.</summary>
    ForkFailed = 10,
    /// <summary>The respawn governor holds a start back; detail = the delay in ms.</summary>
    StartHeld = 11,
    /// <summary>A u or o command was applied (detail = the command letter).</summary>
    WantUp = 12,
    /// <summary>A d command was applied.</summary>
    WantDown = 13,
    /// <summary>perpd paused the run (p).</summary>
    Paused = 14,
    /// <summary>perpd continued the run (c).</summary>
    Continued = 15,
    /// <summary>The run-once flag was set (detail 1) or cleared (detail 0) by an O packet.</summary>
    OnceChanged = 16,

    // 32..63 reserved for the service policy (readiness, health, backoff, give-up, dependencies).
    /// <summary>Reserved: the service reported ready.</summary>
    Ready = 32,
    /// <summary>Reserved: a health check passed after failing.</summary>
    Healthy = 33,
    /// <summary>Reserved: a health check failed.</summary>
    Unhealthy = 34,
    /// <summary>Reserved: the next start is delayed by backoff; detail = delay in ms.</summary>
    Backoff = 35,
    /// <summary>Reserved: perpd gave up restarting the service.</summary>
    Failed = 36,
    /// <summary>Reserved: the start waits for a dependency.</summary>
    WaitingForDependency = 37,

    /// <summary>
    /// The subscriber fell behind and perpd dropped events; detail = how many. Re-read the
    /// status (bulk) and carry on: later events follow in order.
    /// </summary>
    Overflow = 255,
}

/// <summary>Which part of a service an event is about: byte 37 of a v packet.</summary>
public enum EventTarget : byte
{
    Main = 0,
    Log = 1,
    /// <summary>The service as a whole (activation, deactivation) or nothing (overflow).</summary>
    Service = 255,
}
