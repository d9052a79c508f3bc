namespace PerpPS.Cmdlets;

/// <summary>The logger of a service (its rc.log), as perpd reports it.</summary>
public sealed partial class PerpLogService
{
    /// <summary>Up, Down, Starting, Paused, Resetting or Stopping (same rules as main).</summary>
    public PerpServiceStatus Status { get; set; }
    /// <summary>The logger's pid, 0 when it is not running.</summary>
    public int Pid { get; set; }
    /// <summary>Time since the logger's current run started (perp's rounded seconds); null when not running.</summary>
    public TimeSpan? Uptime { get; set; }
    /// <summary>When the logger's current run started (local time); null when not running.</summary>
    public DateTime? StartTime { get; set; }
    /// <summary>The logger will not be restarted when it exits.</summary>
    public bool WantDown { get; set; }
    /// <summary>The logger was paused (SIGSTOP) on request.</summary>
    public bool Paused { get; set; }

    /// <summary>"up 12s (pid 345)", "down", ... : what perpstat says in short.</summary>
    public override string ToString() =>
        Pid != 0 && Uptime is { } u ? $"{Status} {(long)u.TotalSeconds}s (pid {Pid})" : Status.ToString();
}
