using PerpPS.Core.Policy;

namespace PerpPS.Daemon.Policy;

/// <summary>Health of a service with a <c>check</c>, as status reports it.</summary>
internal enum Health : byte
{
    Unknown = 0,
    Healthy = 1,
    Unhealthy = 2,
}

/// <summary>
/// What perpd keeps of one service's policy beyond perp (files read at each start, see
/// <see cref="ServicePolicy"/>): the policy in force, readiness, health, the dependency
/// wait, the backoff and give-up state, and the stop in progress. Main only: the log
/// sub-service keeps perp's behaviour.
/// </summary>
internal sealed class PolicyState
{
    /// <summary>The policy read at the latest start (or activation).</summary>
    public ServicePolicy Policy = Empty;
    public static readonly ServicePolicy Empty = new();
    /// <summary>An executable <c>check</c> was present at the latest read.</summary>
    public bool HasCheck;

    /// <summary>Per file, the reason last logged: an unchanged problem is not logged again at each start.</summary>
    public Dictionary<string, string>? Logged;

    /// <summary>CLOCK_MONOTONIC ns at which the running start was spawned.</summary>
    public long StartedAt;
    /// <summary>The running start has said it is ready (notification-fd, first passing check, or 0.5 s up).</summary>
    public bool Ready;
    /// <summary>Read end of the readiness pipe while perpd waits for the newline, else -1.</summary>
    public int ReadyFd = -1;

    /// <summary>The dependency a wanted start waits for (a name), or null.</summary>
    public string? WaitingFor;
    /// <summary>A dependency problem (cycle, missing service) in words, or null.</summary>
    public string? DependencyProblem;
    /// <summary>Set while a start waits for dependencies (no child, wanting up).</summary>
    public bool WaitingDependencies;
    /// <summary>Deactivation waits for dependants to stop first.</summary>
    public bool CullDeferred;

    public readonly RestartBackoff Backoff = new();
    public readonly GiveUpWindow GiveUp = new();
    /// <summary>Gave up (give-up reached): no restarts until an explicit start.</summary>
    public bool Failed;

    /// <summary>Process group of the start being stopped (its SIGKILL is armed), else 0.</summary>
    public int StopGroup;
    /// <summary>Bumped to forget this policy's deadlines (checks, readiness, group kill).</summary>
    public int Generation;
    /// <summary>Bumped to forget an armed group kill (a new stop re-arms it).</summary>
    public int StopGeneration;

    // Health check.
    public Health Health;
    public int CheckPid;
    public int CheckPidFd = -1;
    public int CheckFailures;
    /// <summary>The check was killed at its time limit (reported instead of an exit code).</summary>
    public bool CheckTimedOut;
}
