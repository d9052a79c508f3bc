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
    /// <summary>Look again for the pid file a self-daemonizing start should have written.</summary>
    PidFileRead,
}

/// <summary>A deadline of one sub-service; stale once the slot's generation moved on.</summary>
internal readonly record struct Deadline(Subservice Sub, DeadlineKind Kind, int Generation)
{
    public bool IsCurrent => !Sub.Owner.Removed && Sub.DeadlineGeneration == Generation;
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
        _queue.Enqueue(new Deadline(sub, kind, sub.DeadlineGeneration), at);

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
