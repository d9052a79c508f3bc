namespace PerpPS.Core.Protocol;

/// <summary>Flags of a service definition: byte 28 of the status record (spec §5.5).</summary>
[Flags]
public enum ServiceFlags : byte
{
    None = 0,
    /// <summary>Seen sticky in the last scan.</summary>
    Active = 0x01,
    /// <summary>rc.log was executable at activation.</summary>
    HasLog = 0x02,
    /// <summary>Deactivation in progress.</summary>
    Cull = 0x04,
    /// <summary>Reactivate once deactivation completes.</summary>
    Cycle = 0x08,
    /// <summary>flag.down existed at activation.</summary>
    Down = 0x10,
    /// <summary>flag.once existed at activation.</summary>
    Once = 0x20,
}

/// <summary>Flags of a sub-service (main or log): bytes 46 and 64 of the status record.</summary>
[Flags]
public enum SubserviceFlags : byte
{
    None = 0,
    /// <summary>This sub-service is the logger.</summary>
    IsLog = 0x01,
    /// <summary>The current (or last) fork was the reset target; meaningful only with pid &gt; 0.</summary>
    IsReset = 0x02,
    /// <summary>Run once: no restart after this run.</summary>
    IsOnce = 0x04,
    /// <summary>perpd stopped it with SIGSTOP on request.</summary>
    IsPaused = 0x08,
    /// <summary>Do not restart.</summary>
    WantDown = 0x10,
    /// <summary>The last spawn failed; a retry is pending.</summary>
    Failing = 0x20,
}

/// <summary>Flags byte of a C (command) packet (spec §5.3).</summary>
[Flags]
public enum CommandFlags : byte
{
    None = 0,
    /// <summary>Apply to the log sub-service instead of main.</summary>
    Log = 0x01,
    /// <summary>Signal the whole process group.</summary>
    KillProcessGroup = 0x02,
}
