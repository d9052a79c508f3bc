namespace PerpPS.Core.Import;

/// <summary>
/// The names of PerpPS's per-service policy files (issue #10, named as s6 names them) and
/// perp's own flag files, as the importers write them.
/// </summary>
public static class PolicyFiles
{
    /// <summary>A descriptor number: the service writes a newline on it when it is ready.</summary>
    public const string NotificationFd = "notification-fd";
    /// <summary>Service names, one a line, that must be up before this one starts.</summary>
    public const string Dependencies = "dependencies";
    /// <summary>An executable that exits 0 when the service works.</summary>
    public const string Check = "check";
    public const string CheckInterval = "check-interval";
    public const string CheckTimeout = "check-timeout";
    public const string CheckRetries = "check-retries";
    /// <summary>Milliseconds between the down signal and SIGKILL.</summary>
    public const string TimeoutKill = "timeout-kill";
    /// <summary>The signal that stops the service (a name such as SIGTERM).</summary>
    public const string DownSignal = "down-signal";
    /// <summary>The longest pause, in seconds, between restarts.</summary>
    public const string RestartBackoff = "restart-backoff";
    /// <summary>"N T": stop restarting after N failures within T seconds.</summary>
    public const string GiveUp = "give-up";
    /// <summary>The path of the pid file a self-daemonizing program writes.</summary>
    public const string PidFile = "pidfile";
    /// <summary>perp's flag files.</summary>
    public const string FlagDown = "flag.down", FlagOnce = "flag.once";
}
