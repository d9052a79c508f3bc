namespace PerpPS.Core.Policy;

/// <summary>
/// The restart delay of one service (file <c>restart-backoff</c>, a cap in seconds). The delay
/// is the least time from one start to the next, perp's governor generalised: without a cap it
/// is always perp's one second. With a cap each short run doubles it (1, 2, 4, … cap); a run
/// longer than the cap puts it back to one second.
/// </summary>
public sealed class RestartBackoff
{
    public const long Second = 1_000_000_000L;

    /// <summary>The least time (ns) from the start about to run to the next one.</summary>
    public long Interval { get; private set; } = Second;

    /// <summary>A start ended after running <paramref name="runNanoseconds"/>; <paramref name="capSeconds"/> null is perp's governor.</summary>
    public void RunEnded(long runNanoseconds, int? capSeconds)
    {
        if (capSeconds is not { } cap || cap <= 1)
        {
            Interval = Second;
            return;
        }
        long capNs = cap * Second;
        Interval = runNanoseconds > capNs ? Second : Math.Min(Interval * 2, capNs);
    }

    /// <summary>Back to one second (an explicit start, or the file removed).</summary>
    public void Reset() => Interval = Second;
}

/// <summary>
/// <c>give-up</c> ("N T"): remembers when starts failed; the Nth failure within T seconds
/// means give up (the service goes to Failed until an explicit start).
/// </summary>
public sealed class GiveUpWindow
{
    private readonly Queue<long> _failures = new();

    /// <summary>Failures recorded and still inside the last window.</summary>
    public int Count => _failures.Count;

    /// <summary>Records a failed start at <paramref name="nowNs"/>; true when this one reaches N within T.</summary>
    public bool Failed(long nowNs, int count, int seconds)
    {
        if (count <= 0)
        {
            _failures.Clear();
            return false;
        }
        _failures.Enqueue(nowNs);
        long window = seconds * RestartBackoff.Second;
        while (_failures.Count > 0 && nowNs - _failures.Peek() > window) _failures.Dequeue();
        while (_failures.Count > count) _failures.Dequeue();
        return _failures.Count >= count;
    }

    public void Clear() => _failures.Clear();
}
