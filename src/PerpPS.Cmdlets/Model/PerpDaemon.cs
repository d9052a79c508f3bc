namespace PerpPS.Cmdlets;

/// <summary>perpd on one base: whether it runs, its pid, uptime and how many services it supervises.</summary>
public sealed class PerpDaemon
{
    /// <summary>The absolute base directory.</summary>
    public string Base { get; set; } = "";
    /// <summary>perpd holds the lock on BASE/.control/perpd.pid.</summary>
    public bool Running { get; set; }
    /// <summary>perpd's pid (the lock holder), 0 when not running.</summary>
    public int Pid { get; set; }
    /// <summary>When perpd started (local time); null when not running.</summary>
    public DateTime? StartTime { get; set; }
    /// <summary>How long perpd has been running, whole seconds; null when not running.</summary>
    public TimeSpan? Uptime { get; set; }
    /// <summary>Services perpd answers for (sticky directories it has activated).</summary>
    public int ServiceCount { get; set; }
    /// <summary>The file perpd's output goes to when Start-PerpDaemon started it; else null.</summary>
    public string? LogPath { get; set; }

    public override string ToString() => Base;
}
