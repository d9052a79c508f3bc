namespace PerpPS.Daemon;

/// <summary>What a per-sub-service deadline is for.</summary>
internal enum DeadlineKind : byte
{
    /// <summary>The respawn governor's wait is over: spawn the start now.</summary>
    GovernedStart,
    /// <summary>Retry a spawn that could not create a process (perp's fork() failure).</summary>
    SpawnRetry,
    /// <summary>The stop timeout expired during deactivation or shutdown: SIGKILL.</summary>
    StopKill,
    /// <summary>A removed service's cgroups did not empty in time after their processes were killed: remove it anyway, warned.</summary>
    CgroupDrain,
    /// <summary>A stop's timeout-kill expired: SIGKILL to what is left of the start's process group.</summary>
    GroupKill,
    /// <summary>Half a second up without notification-fd or check: ready.</summary>
    ReadyByUptime,
    /// <summary>Time to run the health check.</summary>
    CheckDue,
    /// <summary>The health check outlived check-timeout.</summary>
    CheckTimeout,
    /// <summary>Look again for the pid file a self-daemonizing start should have written.</summary>
    PidFileRead,
}

/// <summary>A deadline of one sub-service; stale once the slot's generation moved on.</summary>
internal readonly record struct Deadline(Subservice Sub, DeadlineKind Kind, int Generation)
{
    /// <summary>Policy deadlines (group kill, readiness, checks) follow their own generation.</summary>
    public static bool IsPolicy(DeadlineKind kind) => kind >= DeadlineKind.GroupKill;

    public bool IsCurrent => !Sub.Owner.Removed && GenerationOf(Sub, Kind) == Generation;

    /// <summary>
    /// The generation a deadline of this kind is checked against: a group kill outlives the
    /// start it stops (children may remain), checks and readiness die with the start.
    /// </summary>
    public static int GenerationOf(Subservice sub, DeadlineKind kind) => kind switch
    {
        DeadlineKind.GroupKill => sub.Owner.Policy.StopGeneration,
        _ when IsPolicy(kind) => sub.Owner.Policy.Generation,
        _ => sub.DeadlineGeneration,
    };
}

/// <summary>
/// The pending per-sub-service deadlines, earliest first (CLOCK_MONOTONIC ns). Cancelling
/// is lazy: a slot bumps its generation and stale entries are dropped when they surface,
/// so nothing is searched or allocated per event.
/// </summary>
internal sealed class DeadlineQueue
{
    private readonly PriorityQueue<Deadline, long> _queue = new();

    public void Schedule(Subservice sub, DeadlineKind kind, long at) =>
        _queue.Enqueue(new Deadline(sub, kind, Deadline.GenerationOf(sub, kind)), at);

    /// <summary>The earliest live deadline, or long.MaxValue.</summary>
    public long Next()
    {
        while (_queue.TryPeek(out var d, out long at))
        {
            if (d.IsCurrent) return at;
            _queue.Dequeue();
        }
        return long.MaxValue;
    }

    /// <summary>Takes the earliest live deadline due at <paramref name="now"/>.</summary>
    public bool TryTakeDue(long now, out Deadline deadline)
    {
        while (_queue.TryPeek(out deadline, out long at))
        {
            if (!deadline.IsCurrent) { _queue.Dequeue(); continue; }
            if (at > now) return false;
            _queue.Dequeue();
            return true;
        }
        return false;
    }
}
